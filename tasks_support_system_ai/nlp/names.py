"""Person-name detection for Russian text.

Names are found by shape, not by lookup lists: runs of capitalised Cyrillic
words (and initials) in which each word looks like a name part — pymorphy3
``Name``/``Surn``/``Patr`` grammemes or a surname/patronymic ending.  A lone
capitalised word is only taken after a cue such as "меня зовут", which keeps
sentence-initial words and product names («Интернет-Макс») intact.
"""

from __future__ import annotations

import re
from typing import Final

from .morph import is_name_part

PERSON: Final = "<PERSON>"
_CAP: Final = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_TOKEN: Final = rf"(?:{_CAP}|[А-ЯЁ]\.)"
_GLUED: Final = frozenset("-«\"'/")
RUN: Final = re.compile(rf"{_TOKEN}(?:[ \t]?{_TOKEN})+(?![\w\-»\"'])")
CUED: Final = re.compile(
    r"(?=[МмСсАаОоНнФMmRr])"  # first letters of the cues: a cheap pre-filter
    r"(?:[Мм]еня\s+зовут|[Сс]\s+уважением,?|[Аа]бонент:|[Оо]формлен[аоы]?\s+на|[Нн]а\s+имя|"
    rf"ФИО:?|[Mm]y\s+name\s+is|[Rr]egards,?)\s+(?P<name>{_CAP})(?![\w\-»\"'])"
)
_PIECE: Final = re.compile(_TOKEN)
_NAME_ENDING: Final = re.compile(
    r"(?:ович|евич|ьич|овна|евна|ична|[оеё]в|[оеё]ва|[иы]н|[иы]на|[сц]кий|[сц]кая)$"
)


def looks_like_name(word: str) -> bool:
    """Name-part test for one capitalised word (each half of a double surname)."""
    return all(_name_part(part) for part in word.split("-"))


def _name_part(part: str) -> bool:
    lower = part.lower()
    return bool(_NAME_ENDING.search(lower)) or is_name_part(lower)


def _glued_left(match: re.Match[str]) -> bool:
    """True when the match continues a word or a quoted product name."""
    start = match.start()
    return start > 0 and (match.string[start - 1].isalnum() or match.string[start - 1] in _GLUED)


def _stretches(tokens: list[str]) -> list[tuple[int, int]]:
    """Index ranges of 2+ consecutive name-like tokens holding at least one word."""
    flags = [t.endswith(".") or looks_like_name(t) for t in tokens]
    found, start = [], 0
    while start < len(tokens):
        end = start
        while end < len(tokens) and flags[end]:
            end += 1
        words = [t for t in tokens[start:end] if not t.endswith(".")]
        if end - start >= 2 and words:
            found.append((start, end))
        start = max(end, start + 1)
    return found


def _scrub_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if _glued_left(match):
        return run
    pieces = list(_PIECE.finditer(run))
    out, last = [], 0
    for start, end in _stretches([p.group(0) for p in pieces]):
        out += [run[last : pieces[start].start()], PERSON]
        last = pieces[end - 1].end()
    return "".join([*out, run[last:]])


def _scrub_cued(match: re.Match[str]) -> str:
    if not looks_like_name(match.group("name")):
        return match.group(0)
    return match.group(0)[: match.start("name") - match.start()] + PERSON


STEPS: Final = ((RUN, _scrub_run), (CUED, _scrub_cued))


def scrub_names(text: str) -> str:
    """``text`` with person names replaced by ``<PERSON>``."""
    for pattern, repl in STEPS:
        text = pattern.sub(repl, text)
    return text
