"""Which language a collection of texts is written in: Russian or English.

General, not NLP-specific: dataset uploads record it and text preprocessing picks its
normaliser by it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice
from typing import Final, Literal

Language = Literal["ru", "en"]
_CYRILLIC: Final = re.compile(r"[а-яёА-ЯЁ]")
_LATIN: Final = re.compile(r"[a-zA-Z]")
_DETECT_SAMPLE: Final = 2_000
_MIN_CYRILLIC_SHARE: Final = 0.5


def detect_language(texts: Iterable[str]) -> Language:
    """ "ru" when at least half of the letters in a sample of texts are Cyrillic."""
    sample = " ".join(islice(texts, _DETECT_SAMPLE))
    cyrillic, latin = len(_CYRILLIC.findall(sample)), len(_LATIN.findall(sample))
    total = cyrillic + latin
    return "ru" if total and cyrillic / total >= _MIN_CYRILLIC_SHARE else "en"
