"""Cut ticket texts into pieces that preparation handles independently, so repeats are memoised.

Tickets are made of stock phrases ("Здравствуйте!", "Жду обратной связи.") around a few
personal details, so ``TextPreparer`` prepares each piece once and joins the memoised results.
That is exact, not approximate, because of two facts about preparation (``nlp.pii``,
``nlp.names``, ``nlp.text``):

* **Pieces.** A text is cut at a space right after "!" or "?", or after "." that follows two
  lower-case letters or a digit. No PII pattern can match across such a cut: phones, numbers,
  e-mails and names hold none of "!", "?", ".␣" — the only dots are in initials ("И."), in "No."
  before a number and inside e-mail addresses, none of which ends in two lower-case letters or a
  digit followed by a space — and a cue phrase must sit directly before its number or name. Every
  look-around at a cut sees a space, or a "." / "!" / "?", in both the text and the piece.
  Words are split at whitespace, so the words of the pieces are those of the text.
* **Digits.** The ASCII digits 1–6 are replaced by 0: every pattern treats all digits alike
  except the literal 7, 8 and 9 of phone prefixes ("+7", "8", "9xx"), which are kept, and no
  digit reaches the prepared tokens. "заявка №144950." and "заявка №233051." share one entry.

Texts holding a separator character (``\\x00``/``\\x01``) are not cut (``None``), so the caller
falls back to whole texts.
"""

from __future__ import annotations

import re
from typing import Final

_PIECE_END: Final = "\x00"
_NOT_A_CUT: Final = re.compile(  # a literal first lets the regex engine skip to each "."
    rf"\.(?<![a-zа-яё]{{2}}\.)(?<![0-9]\.) {_PIECE_END}"
)
_TEXT_END: Final = "\x01"
_DIGITS: Final = bytes.maketrans(b"123456", b"000000")  # UTF-8 uses these bytes for nothing else
_UTF8, _KEEP = "utf-8", "surrogatepass"  # JSON strings may hold lone surrogates


def split_texts(texts: list[str]) -> list[list[str]] | None:
    """Each text's pieces, in order, with digits 1–6 written as 0; ``None`` if one can't be cut.

    The whole batch goes through each step at once, so the per-text cost is a ``str.split``.
    """
    if not texts:
        return []
    joined = _TEXT_END.join(texts)
    if _PIECE_END in joined or joined.count(_TEXT_END) != len(texts) - 1:
        return None
    canonical = joined.encode(_UTF8, _KEEP).translate(_DIGITS).decode(_UTF8, _KEEP)
    marked = _NOT_A_CUT.sub(". ", _cut_everywhere(canonical))
    return [text.split(_PIECE_END) for text in marked.split(_TEXT_END)]


def _cut_everywhere(text: str) -> str:
    """A cut after every ".␣", "!␣" and "?␣" (``str.replace`` is much faster than ``re``)."""
    for end in (". ", "! ", "? "):
        text = text.replace(end, end + _PIECE_END)
    return text
