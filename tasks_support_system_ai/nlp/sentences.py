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
* **Numbers.** A run of 4+ ASCII digits that no match can extend past on either side (the text
  ends, or a mark such as "." / "," / "№" follows; or whitespace that no digit, "(" or ")"
  borders) is written as its first digit — kept if 8 or 9, else 0 — followed by zeros. Such a
  run is only ever matched from its first digit to its last, and then ``nlp.pii`` decides by
  its length, whether it starts with 8 or 9 (phones) and the cue words before it; e-mails
  treat every digit alike. "Лицевой счёт 1079751716." and "… 8900080008." share one entry.

The work is done on the texts' UTF-8 bytes with numpy, a block of texts at a time (an Arrow
string array in, the pieces as an Arrow array out), so no Python string is made per text or
per piece: Python only sees the distinct pieces. Every byte tested is ASCII or a lower-case
Cyrillic letter's two bytes, so no test can fire inside another character's encoding.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa

Bytes = npt.NDArray[np.uint8]
Positions = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
_FOLD: Final = bytes.maketrans(b"123456", b"000000")  # UTF-8 uses these bytes for nothing else
_PIECE_END: Final = "\x00"
_NOT_A_CUT: Final = re.compile(  # a literal first lets the regex engine skip to each "."
    rf"\.(?<![a-zа-яё]{{2}}\.)(?<![0-9]\.) {_PIECE_END}"
)
_UTF8, _KEEP = "utf-8", "surrogatepass"  # JSON strings may hold lone surrogates
_DOT, _BANG, _QUERY, _SPACE = b".", b"!", b"?", b" "
_ZERO, _NINE, _A, _Z = b"0", b"9", b"a", b"z"
_SHORTEST_RUN: Final = 4
_BYTES = np.arange(256)
_ASCII_SPACE: Final[Flags] = np.isin(_BYTES, list(b" \t\n\r\x0b\x0c"))
_ASCII_MARK: Final[Flags] = np.isin(_BYTES, list(b"!\"#$%&'*,.:;<=>?@[\\]^`{|}~"))
"""Characters no number pattern holds, that are neither word characters nor whitespace."""
_MARKS: Final = ("№", "«", "»", "₽")
_NOT_DIGIT_NOR_PARENTHESIS: Final[Flags] = (_BYTES < 0x80) & ~np.isin(_BYTES, list(b"0123456789()"))


class Pieces(NamedTuple):
    """Text ``i``'s pieces are ``values[offsets[i]:offsets[i + 1]]``; concatenated, they are the
    text with its digits folded."""

    values: pa.LargeStringArray
    offsets: Positions

    def to_pylist(self) -> list[list[str]]:
        values = self.values.to_pylist()
        return [values[a:b] for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True)]


def split_array(texts: pa.StringArray | pa.LargeStringArray) -> Pieces:
    """Each text's pieces, in order, digits and number runs folded (``texts`` has no nulls)."""
    if texts.null_count:
        raise ValueError("texts to cut must not be null")
    starts, data = _utf8(texts)
    _fold_numbers(data, starts)
    cuts, owners = _cuts(data, starts)
    piece_starts = np.insert(starts[:-1], owners + 1, cuts)
    piece_offsets = np.append(piece_starts, starts[-1])
    per_text = np.bincount(owners, minlength=len(texts))
    offsets = np.arange(len(texts) + 1, dtype=np.int64)
    offsets[1:] += np.cumsum(per_text)
    values = pa.LargeStringArray.from_buffers(
        len(piece_offsets) - 1, pa.py_buffer(piece_offsets), pa.py_buffer(data)
    )
    return Pieces(values, offsets)


def split_text(text: str) -> list[str] | None:
    """One text cut like ``split_array`` cuts it (number runs are not folded), in plain Python:
    for a few texts numpy's per-call overhead costs more than it saves. ``None`` if the text
    holds the character used to mark cuts."""
    if _PIECE_END in text:
        return None
    canonical = text.encode(_UTF8, _KEEP).translate(_FOLD).decode(_UTF8, _KEEP)
    for end in (". ", "! ", "? "):  # str.replace is much faster than re
        canonical = canonical.replace(end, end + _PIECE_END)
    return _NOT_A_CUT.sub(". ", canonical).split(_PIECE_END)


def _utf8(texts: pa.StringArray | pa.LargeStringArray) -> tuple[Positions, Bytes]:
    """Offsets from 0 and the folded bytes of ``texts`` (a copy: Arrow buffers are read-only)."""
    width = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    _, offsets_buffer, data_buffer = texts.buffers()
    offsets = np.frombuffer(
        offsets_buffer, width, count=len(texts) + 1, offset=texts.offset * width().itemsize
    ).astype(np.int64)
    first, last = int(offsets[0]), int(offsets[-1])
    raw = memoryview(data_buffer or b"")[first:last]
    return offsets - first, np.frombuffer(bytearray(raw).translate(_FOLD), np.uint8)


def _cuts(data: Bytes, starts: Positions) -> tuple[Positions, Positions]:
    """Positions right after each cutting "!␣", "?␣" or ".␣", and the text each is in."""
    ends = data[:-1]
    marks = np.flatnonzero((ends == _DOT[0]) | (ends == _BANG[0]) | (ends == _QUERY[0]))
    marks = marks[data[marks + 1] == _SPACE[0]]
    owners = np.searchsorted(starts, marks, side="right") - 1
    begins = starts[owners]
    inside = marks + 1 < starts[owners + 1]
    dots = data[marks] == _DOT[0]
    keep = inside & (~dots | _ends_a_sentence(data, marks, begins))
    return marks[keep] + 2, owners[keep]


def _ends_a_sentence(data: Bytes, dots: Positions, begins: Positions) -> Flags:
    """For each "." at ``dots``: a digit or two lower-case letters [a-zа-яё] right before it."""
    before = dots - 1
    digit = (before >= begins) & _between(data[np.maximum(before, 0)], _ZERO, _NINE)
    first = _lower_case_width(data, before, begins)
    second = _lower_case_width(data, before - first, begins)
    return digit | ((first > 0) & (second > 0))


def _lower_case_width(data: Bytes, ends: Positions, begins: Positions) -> Positions:
    """Bytes of the letter of [a-zа-яё] ending at each of ``ends`` (within its text), or 0."""
    last = data[np.maximum(ends, 0)]
    lead = data[np.maximum(ends - 1, 0)]
    latin = (ends >= begins) & _between(last, _A, _Z)
    cyrillic = (ends - 1 >= begins) & (
        ((lead == 0xD0) & (last >= 0xB0) & (last <= 0xBF))  # а–п
        | ((lead == 0xD1) & (((last >= 0x80) & (last <= 0x8F)) | (last == 0x91)))  # р–я, ё
    )
    return np.where(latin, 1, np.where(cyrillic, 2, 0))


def _between(values: Bytes, low: bytes, high: bytes) -> Flags:
    return (values >= low[0]) & (values <= high[0])


def _fold_numbers(data: Bytes, starts: Positions) -> None:
    """Write each run of digits that only its length and first digit decide as e.g. 80000000000."""
    digits = np.flatnonzero((data - _ZERO[0]) < 10)
    if not len(digits):
        return
    breaks = np.flatnonzero(np.diff(digits) != 1)
    firsts = digits[np.concatenate([[0], breaks + 1])]
    ends = digits[np.concatenate([breaks, [len(digits) - 1]])] + 1
    owners = np.searchsorted(starts, firsts, side="right") - 1
    begins, stops = starts[owners], starts[owners + 1]
    keep = (ends - firsts >= _SHORTEST_RUN) & (ends <= stops)
    firsts, ends, begins, stops = firsts[keep], ends[keep], begins[keep], stops[keep]
    sealed = _sealed_before(data, firsts, begins) & _sealed_after(data, ends, stops)
    firsts, ends = firsts[sealed], ends[sealed]
    lengths = ends - firsts - 1
    shift = np.repeat(firsts + 1 - np.cumsum(lengths) + lengths, lengths)
    data[np.arange(int(lengths.sum())) + shift] = _ZERO[0]
    data[firsts[data[firsts] < b"8"[0]]] = _ZERO[0]


def _sealed_before(data: Bytes, firsts: Positions, begins: Positions) -> Flags:
    """No match can reach into the run from the left: it starts its text, follows a mark, or
    follows whitespace that follows neither a digit nor ")"."""
    before = firsts - 1
    mark = (before >= begins) & (_ASCII_MARK[data[before]] | _symbol_ends(data, before, begins))
    space = (before >= begins) & _ASCII_SPACE[data[before]]
    quiet = (before - 1 < begins) | _ends_quietly(data, before - 1, begins)
    sealed: Flags = (firsts == begins) | mark | (space & quiet)
    return sealed


def _sealed_after(data: Bytes, ends: Positions, stops: Positions) -> Flags:
    """No match can go on past the run: it ends its text, a mark follows, or whitespace
    followed by neither a digit nor "(" (nor a character this test does not know)."""
    after = np.minimum(ends, len(data) - 1)
    mark = (ends < stops) & (_ASCII_MARK[data[after]] | _symbol_starts(data, ends, stops))
    space = (ends < stops) & _ASCII_SPACE[data[after]]
    next_ = np.minimum(ends + 1, len(data) - 1)
    quiet = (ends + 1 >= stops) | (
        _NOT_DIGIT_NOR_PARENTHESIS[data[next_]]
        | ((data[next_] == 0xD0) | (data[next_] == 0xD1))  # a Cyrillic letter
        | _symbol_starts(data, ends + 1, stops)
    )
    sealed: Flags = (ends == stops) | mark | (space & quiet)
    return sealed


def _ends_quietly(data: Bytes, lasts: Positions, begins: Positions) -> Flags:
    """The character ending at each of ``lasts`` is neither a digit nor ")" (as far as known)."""
    last = data[np.maximum(lasts, 0)]
    lead = data[np.maximum(lasts - 1, 0)]
    cyrillic = (lasts - 1 >= begins) & ((lead == 0xD0) | (lead == 0xD1)) & (last >= 0x80)
    quiet: Flags = _NOT_DIGIT_NOR_PARENTHESIS[last] | cyrillic | _symbol_ends(data, lasts, begins)
    return quiet


def _symbol_ends(data: Bytes, lasts: Positions, begins: Positions) -> Flags:
    """One of ``_MARKS`` ends at each of ``lasts`` (inclusive) within its text."""
    return _symbol_at(data, lasts + 1, begins, ending=True)


def _symbol_starts(data: Bytes, firsts: Positions, stops: Positions) -> Flags:
    """One of ``_MARKS`` starts at each of ``firsts`` within its text."""
    return _symbol_at(data, firsts, stops, ending=False)


def _symbol_at(data: Bytes, at: Positions, bounds: Positions, *, ending: bool) -> Flags:
    """One of ``_MARKS`` ends right before ``at`` (``ending``) or starts at it, inside
    ``bounds`` (each text's start when ending, else its end)."""
    found = np.zeros(len(at), dtype=bool)
    for symbol in _MARKS:
        code = np.frombuffer(symbol.encode(), np.uint8)
        first = at - len(code) if ending else at
        inside = first >= bounds if ending else first + len(code) <= bounds
        found |= inside & _equal_at(data, first, code)
    return found


def _equal_at(data: Bytes, firsts: Positions, code: Bytes) -> Flags:
    equal = np.ones(len(firsts), dtype=bool)
    for index, byte in enumerate(code):
        equal &= data[np.clip(firsts + index, 0, max(len(data) - 1, 0))] == byte
    return equal
