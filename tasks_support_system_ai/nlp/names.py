"""Person-name detection for Russian text.

Names are found by shape, not by lookup lists: runs of capitalised Cyrillic
words (and initials) in which each word looks like a name part — pymorphy3
``Name``/``Surn``/``Patr`` grammemes or a surname/patronymic ending.  A lone
capitalised word is only taken after a cue such as "меня зовут", which keeps
sentence-initial words and product names («Интернет-Макс») intact.

Speed matters (millions of tickets): the lower-case letter runs are possessive
(``++``; nothing after them can start with a lower-case letter, so giving
letters back never helps a match), verdicts per run of words are memoised, and
cued names are looked for only around the cue words (``str.find``) instead of
by a regex scan over every letter of the text.
"""

from __future__ import annotations

import re
from typing import Final

from .morph import Memo, is_name_part

PERSON: Final = "<PERSON>"
_CAP: Final = r"[А-ЯЁ][а-яё]++(?:-[А-ЯЁ][а-яё]++)?"
_TOKEN: Final = rf"(?:{_CAP}|[А-ЯЁ]\.)"
_GLUED: Final = frozenset("-«\"'/")
_NAME_END: Final = r"(?![\w\-»\"'])"
RUN: Final = re.compile(rf"{_TOKEN}(?:[ \t]?{_TOKEN})+{_NAME_END}")
_CUES: Final = (  # (cue pattern, a literal every match of the pattern contains)
    (r"[Мм]еня\s+зовут", "зовут"),
    (r"[Сс]\s+уважением,?", "уважением"),
    (r"[Аа]бонент:", "бонент:"),
    (r"[Оо]формлен[аоы]?\s+на", "формлен"),
    (r"[Нн]а\s+имя", "имя"),
    (r"ФИО:?", "ФИО"),
    (r"[Mm]y\s+name\s+is", "name"),
    (r"[Rr]egards,?", "egards"),
)
_CUE_LITERAL: Final = re.compile("|".join(re.escape(literal) for _, literal in _CUES))
_CUE_LEAD: Final = 4
"""Most characters a cue has before its literal, besides whitespace ("Меня" in "Меня зовут")."""
CUED: Final = re.compile(
    r"(?=[МмСсАаОоНнФMmRr])"  # first letters of the cues: a cheap pre-filter
    rf"(?:{'|'.join(cue for cue, _ in _CUES)})\s+(?P<name>{_CAP}){_NAME_END}"
)
_PIECE: Final = re.compile(_TOKEN)
_NAME_ENDING: Final = re.compile(
    r"(?:ович|евич|ьич|овна|евна|ична|[оеё]в|[оеё]ва|[иы]н|[иы]на|[сц]кий|[сц]кая)$"
)


def looks_like_name(word: str) -> bool:
    """Name-part test for one capitalised word (each half of a double surname)."""
    return _LOOKS_LIKE_NAME[word]


def _looks_like_name(word: str) -> bool:
    return all(_name_part(part) for part in word.split("-"))


def _name_part(part: str) -> bool:
    lower = part.lower()
    return bool(_NAME_ENDING.search(lower)) or is_name_part(lower)


_LOOKS_LIKE_NAME: Final = Memo(_looks_like_name)


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


def _mask_run(run: str) -> str:
    """``run`` (a RUN match) with its name stretches replaced; depends on ``run`` alone."""
    pieces = list(_PIECE.finditer(run))
    out, last = [], 0
    for start, end in _stretches([p.group(0) for p in pieces]):
        out += [run[last : pieces[start].start()], PERSON]
        last = pieces[end - 1].end()
    return "".join([*out, run[last:]])


_MASKED_RUNS: Final = Memo(_mask_run)


def _scrub_run(match: re.Match[str]) -> str:
    return match.group(0) if _glued_left(match) else _MASKED_RUNS[match.group(0)]


def _scrub_cued(match: re.Match[str]) -> str:
    if not looks_like_name(match.group("name")):
        return match.group(0)
    return match.group(0)[: match.start("name") - match.start()] + PERSON


def _cue_starts(text: str) -> list[int]:
    """Sorted positions where a CUED match may start: just before each cue literal.

    A match starts at most ``_CUE_LEAD`` characters plus a run of whitespace
    before its literal, so every start CUED could find is in this list.
    """
    starts: set[int] = set()
    for _, literal in _CUES:
        at = text.find(literal)
        while at != -1:
            lead = at
            while lead and text[lead - 1].isspace():  # str.isspace is exactly regex \s
                lead -= 1
            starts.update(range(max(0, lead - _CUE_LEAD), at + 1))
            at = text.find(literal, at + 1)
    return sorted(starts)


def _scrub_cues(text: str) -> str:
    """``CUED.sub(_scrub_cued, text)``, trying CUED only where a cue literal is."""
    if not _CUE_LITERAL.search(text):  # most texts: one scan instead of a find per cue
        return text
    pieces, last = [], 0
    for start in _cue_starts(text):
        found = None if start < last else CUED.match(text, start)
        if found:
            pieces += [text[last:start], _scrub_cued(found)]
            last = found.end()
    return "".join([*pieces, text[last:]]) if pieces else text


def scrub_names(text: str) -> str:
    """``text`` with person names replaced by ``<PERSON>``."""
    return _scrub_cues(RUN.sub(_scrub_run, text))
