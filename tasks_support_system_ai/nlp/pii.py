"""PII scrubbing: replace personal data in ticket text with typed placeholders.

Placeholders keep the *kind* of information (a phone was given, a contract was
cited), which is a useful routing signal, while the values never reach models,
logs or reports.  Number-like PII is found by a regex whose every branch starts
at a digit, '+', '(' or a capital Latin letter; the cue words in front of a
number ("договор №", "лицевой счёт") then decide its kind.

Millions of tickets go through here, so the full regexes run only where they
can match: ``_NUMBER_START`` (a character class first, which the regex engine
scans for in C) finds the few places a number can start, and the cue regex runs
only from the first cue stem found in the lower-cased window before a number.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from .morph import Memo
from .names import PERSON, scrub_names

if TYPE_CHECKING:  # batch-labeling workers import this module without pandas
    import pandas as pd

PHONE: Final = "<PHONE>"
EMAIL: Final = "<EMAIL>"
TICKET: Final = "<TICKET>"
CONTRACT: Final = "<CONTRACT>"
ACCOUNT: Final = "<ACCOUNT>"
PLACEHOLDERS: Final = (PHONE, EMAIL, TICKET, CONTRACT, ACCOUNT, PERSON)

_S: Final = r"[\s\-]?"
_EMAIL_LOCAL_MAX: Final = 64
_CUE_WINDOW: Final = 40
_ACCOUNT_MIN_DIGITS: Final = 10
_EMAIL: Final = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")
_NUMBER: Final = re.compile(
    r"(?=[\d+(A-Z])"  # lets the regex engine skip ordinary words quickly
    r"(?:(?P<code>[A-Z]{2,6}-\d{2,4}-\d{3,}|(?:INC|REQ|SR|RITM|CRQ|TKT)-?\d{4,})"
    rf"|(?P<phone>(?:\+7|8){_S}\(?\d{{3}}\)?{_S}\d{{3}}{_S}\d{{2}}{_S}\d{{2}}"
    rf"|\(?9\d{{2}}\)?{_S}\d{{3}}{_S}\d{{2}}{_S}\d{{2}}|\+\d{{1,3}}{_S}(?:\(?\d+\)?{_S}){{2,}}\d)"
    r"|(?P<contract>\d{2,}-\d{3,}/\d{2,4})"
    r"|(?P<digits>\d[\d\-/]{2,}\d))(?![\w\-/])"
)
_NUMBER_START: Final = re.compile(  # every _NUMBER match starts here: keep them in step
    r"[0-9+(A-Z\u0660-\U0010ffff]"  # \d is 0-9 below U+0660; a category test per char is slower
    r"(?:(?<=[A-Z])(?=[A-Z]{1,5}-?\d)|(?<=[\d+(])(?=[\d\s\-(/]{2}[\d\s\-()/]))"
)
_CUE: Final = re.compile(
    r"(?i:(?P<ticket>заявк|обращени|тикет|инцидент|ticket|request)|(?P<contract>договор|contract)"
    r"|(?P<account>лицев\w*\s+сч[её]т|л/с|account))\w*\s*(?:(?:№|#|N|No\.?|номер)\s*)?:?\s*$"
)
_CUE_STEM: Final = re.compile(  # every _CUE match starts with one of these, lower-cased
    "заявк|обращени|тикет|инцидент|ticket|request|договор|contract|лицев|л/с|account"
)
_CASE_TRAPS: Final = re.compile(r"[\u0130\u0131\u017f\u1c80-\u1c88]")
"""Letters on which ``str.lower`` and the regex engine's ignore-case disagree
("İ" lower-cases to two characters; "ſ" and the old Cyrillic forms match "s", "о"...)."""
_KIND: Final = {
    "code": TICKET,
    "phone": PHONE,
    "contract": CONTRACT,
    "ticket": TICKET,
    "account": ACCOUNT,
}


def _cue_kind(text: str, start: int) -> str | None:
    """Kind named by the cue phrase right before ``start`` ("заявка №" -> ticket).

    A plain search tries every cue at each of the 40 window positions.  No
    match can start before the first cue stem, and the answer depends only on the
    text from there on (the cue regex looks neither behind nor past ``start``),
    which is a short, constantly repeated phrase ("заявка № "), hence the memo.
    """
    window = text[max(0, start - _CUE_WINDOW) : start]
    if _CASE_TRAPS.search(window):
        return _search_cue(window)
    stem = _CUE_STEM.search(window.lower())
    return _CUE_KINDS[window[stem.start() :]] if stem else None


def _search_cue(window: str) -> str | None:
    cue = _CUE.search(window)
    return cue.lastgroup if cue else None


_CUE_KINDS: Final = Memo(_search_cue)


def _mask_number(match: re.Match[str]) -> str:
    """Placeholder for one number-like match, or the match itself if it is not PII."""
    text, start, shape = match.string, match.start(), match.lastgroup or ""
    if start and (text[start - 1].isalnum() or text[start - 1] in "-+/_"):
        return match.group(0)
    kind = _cue_kind(text, start) or shape
    if kind == "digits":
        digits = sum(ch.isdigit() for ch in match.group(0))
        return ACCOUNT if digits >= _ACCOUNT_MIN_DIGITS else match.group(0)
    return _KIND[kind]


def mask_emails(text: str) -> str:
    """Mask e-mails, searching only next to each '@' (a full scan costs far more)."""
    at = text.find("@")
    if at == -1:
        return text
    pieces: list[str] = []
    last = 0
    while at != -1:
        found = _EMAIL.search(text, max(last, at - _EMAIL_LOCAL_MAX))
        if found and found.start() <= at:
            pieces += [text[last : found.start()], EMAIL]
            last = found.end()
        at = text.find("@", max(last, at + 1))
    return "".join([*pieces, text[last:]])


def mask_numbers(text: str) -> str:
    """Mask phones and ticket, contract and account numbers.

    Same result as ``_NUMBER.sub(_mask_number, text)``, but ``_NUMBER`` is only
    tried where ``_NUMBER_START`` says a match can start (a full scan costs several times more).
    """
    pieces: list[str] = []
    last = 0
    candidate = _NUMBER_START.search(text)
    while candidate:
        start = candidate.start()
        found = _NUMBER.match(text, start)
        if found:
            pieces += [text[last:start], _mask_number(found)]
            last = found.end()
        candidate = _NUMBER_START.search(text, last if found else start + 1)
    return "".join([*pieces, text[last:]]) if pieces else text


def scrub_pii(text: str) -> str:
    """``text`` with e-mails, phones, ticket/contract/account numbers and names masked."""
    return scrub_names(mask_numbers(mask_emails(text)))


def scrub_series(texts: pd.Series) -> pd.Series:
    """``scrub_pii`` over a string column; missing values stay missing."""
    return texts.astype("string").map(scrub_pii, na_action="ignore").astype("string")
