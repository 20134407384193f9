"""PII scrubbing: replace personal data in ticket text with typed placeholders.

Placeholders keep the *kind* of information (a phone was given, a contract was
cited), which is a useful signal for routing, while the values never reach
models, logs or reports.  Rules run from most to least specific so that, e.g.,
a contract number is not half-eaten by the phone rule.
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

from .names import PERSON, STEPS, scrub_names

PHONE: Final = "<PHONE>"
EMAIL: Final = "<EMAIL>"
TICKET: Final = "<TICKET>"
CONTRACT: Final = "<CONTRACT>"
ACCOUNT: Final = "<ACCOUNT>"
PLACEHOLDERS: Final = (PHONE, EMAIL, TICKET, CONTRACT, ACCOUNT, PERSON)

_NUMBER_SIGN: Final = r"\s*(?:(?:№|#|N|No\.?|номер)\s*)?:?\s*"
_SEP: Final = r"[\s\-]?"

_RULES: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[a-zA-Zа-яА-Я]{2,}"), EMAIL),
    (re.compile(r"(?<![\w\-])[A-Z]{2,6}-\d{2,4}-\d{3,}(?![\w\-])"), TICKET),
    (re.compile(r"(?<![\w\-])(?:INC|REQ|SR|RITM|CRQ|TASK|TKT)-?\d{4,}(?![\w\-])"), TICKET),
    (
        re.compile(
            r"(?P<cue>(?i:(?<!\w)(?:заявк|обращени|тикет|инцидент|ticket|request|case)\w*)"
            rf"{_NUMBER_SIGN})\d{{4,}}(?![\w\-/])"
        ),
        rf"\g<cue>{TICKET}",
    ),
    (
        re.compile(
            rf"(?P<cue>(?i:(?<!\w)(?:договор|contract)\w*){_NUMBER_SIGN})"
            r"[\w\-/.]*\d[\w\-/]*(?<![.\-/])"
        ),
        rf"\g<cue>{CONTRACT}",
    ),
    (re.compile(r"(?<![\w\-/])\d{2,}-\d{3,}/\d{2,4}(?![\w\-/])"), CONTRACT),
    (
        re.compile(
            r"(?P<cue>(?i:(?<!\w)(?:лицев\w*\s+сч[её]т\w*|л/с|account)"
            rf"{_NUMBER_SIGN}))\d{{6,}}(?!\w)"
        ),
        rf"\g<cue>{ACCOUNT}",
    ),
    (
        re.compile(
            rf"(?<![\w+])(?:(?:\+7|8){_SEP}\(?\d{{3}}\)?|\(?9\d{{2}}\)?)"
            rf"{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?![\w\-])"
        ),
        PHONE,
    ),
    (re.compile(r"(?<![\w+])\+\d{1,3}[\s\-]?(?:\(?\d+\)?[\s\-]?){2,}\d(?![\w\-])"), PHONE),
    (re.compile(r"(?<![\w\-])\d{10,}(?![\w\-])"), ACCOUNT),
)


def scrub_pii(text: str) -> str:
    """``text`` with phones, e-mails, ticket/contract/account numbers and names masked."""
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return scrub_names(text)


def scrub_series(texts: pd.Series) -> pd.Series:
    """Vectorised ``scrub_pii`` for a string column; missing values stay missing."""
    out = texts.astype("string")
    for pattern, repl in _RULES:
        out = out.str.replace(pattern, repl, regex=True)
    for name_pattern, name_repl in STEPS:
        out = out.str.replace(name_pattern, name_repl, regex=True)
    return out
