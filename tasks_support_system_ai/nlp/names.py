"""Person-name detection for Russian text.

Names are found by shape, not by lookup lists: runs of capitalised Cyrillic
words in which every word looks like a name part (pymorphy3 ``Name``/``Surn``/
``Patr`` grammemes or a surname/patronymic ending).  A lone capitalised word is
only taken after a cue such as "меня зовут", which keeps sentence-initial words
and product names intact.
"""

from __future__ import annotations

import re
from typing import Final

from .morph import is_name_part

PERSON: Final = "<PERSON>"
_CAP: Final = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_EDGE_L: Final = r"(?<![\w\-«\"'])"
_EDGE_R: Final = r"(?![\w\-»\"'])"
_WORD: Final = re.compile(_CAP)
RUN: Final = re.compile(rf"{_EDGE_L}{_CAP}(?:[ \t]+{_CAP})+{_EDGE_R}")
CUED: Final = re.compile(
    r"(?i:(?<!\w)(?:меня\s+зовут|с\s+уважением,?|абонент:|оформлен[аоы]?\s+на|на\s+имя|"
    r"фио:?|владелец:?|my\s+name\s+is|regards,?)\s+)"
    rf"(?P<name>{_EDGE_L}{_CAP}{_EDGE_R})"
)
INITIALS: Final = re.compile(
    rf"{_EDGE_L}(?:{_CAP}\s+[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.)?|[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.\s?)?{_CAP}){_EDGE_R}"
)
_NAME_ENDING: Final = re.compile(
    r"(?:ович|евич|ьич|овна|евна|ична|[оеё]в|[оеё]ва|[иы]н|[иы]на|[сц]кий|[сц]кая)$"
)


def looks_like_name(word: str) -> bool:
    """Name-part test for one capitalised word (each half of a double surname)."""
    return all(_name_part(part) for part in word.split("-"))


def _name_part(part: str) -> bool:
    lower = part.lower()
    return bool(_NAME_ENDING.search(lower)) or is_name_part(lower)


def _scrub_run(match: re.Match[str]) -> str:
    """Replace each stretch of two or more name-like words inside a capitalised run."""
    run, pieces, last = match.group(0), [], 0
    words = list(_WORD.finditer(run))
    start = 0
    while start < len(words):
        end = start
        while end < len(words) and looks_like_name(words[end].group(0)):
            end += 1
        if end - start >= 2:
            pieces += [run[last : words[start].start()], PERSON]
            last = words[end - 1].end()
        start = max(end, start + 1)
    return "".join([*pieces, run[last:]])


def _scrub_cued(match: re.Match[str]) -> str:
    name = match.group("name")
    if not looks_like_name(name):
        return match.group(0)
    return match.group(0)[: match.start("name") - match.start()] + PERSON


def _scrub_initials(match: re.Match[str]) -> str:
    surname = _WORD.search(match.group(0))
    return PERSON if surname and looks_like_name(surname.group(0)) else match.group(0)


STEPS: Final = ((INITIALS, _scrub_initials), (RUN, _scrub_run), (CUED, _scrub_cued))


def scrub_names(text: str) -> str:
    """``text`` with person names replaced by ``<PERSON>``."""
    for pattern, repl in STEPS:
        text = pattern.sub(repl, text)
    return text
