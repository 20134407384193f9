"""Markup in real ticket text, removed before features: it names no topic, and every ticket of a
mail channel or a spreadsheet export carries the same boilerplate.

* HTML: tags (``<p>``, ``<br/>``), comments, ``<script>``/``<style>`` bodies, entities
  (``&nbsp;``, ``&#171;``);
* e-mail: header lines (From/To/Cc/Sent/Date and their Russian forms; of Subject only its
  label), quoted replies
  (lines starting with ">", and everything after an "On … wrote:" / "-----Original Message-----"
  marker);
* spreadsheet exports: the ``_x000D_`` escape of a carriage return.

``has_markup`` is a cheap test, so texts without markup (most) skip the regular expressions;
``markup_mask`` does that test for an Arrow column in C++.
"""

from __future__ import annotations

import html
import re
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

_EXCEL_CR: Final = re.compile(r"_x000[dD]_")
_HIDDEN: Final = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->")
_BREAK_TAGS: Final = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>")
_TAG: Final = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?>")
_HEADER: Final = re.compile(
    r"(?im)^[ \t]*(from|to|cc|bcc|sent|date|reply-to|от|кому|копия|отправлено|дата)[ \t]*:.*$"
)
_SUBJECT_LABEL: Final = re.compile(r"(?im)^[ \t]*(subject|тема)[ \t]*:")
"""The subject line's label goes; its words stay (they name the topic)."""
_QUOTED_LINE: Final = re.compile(r"(?m)^[ \t]*>.*$")
_REPLY_MARKER: Final = re.compile(
    r"(?ims)(^[ \t]*-{2,}\s*(original message|forwarded message|исходное сообщение|"
    r"пересылаемое сообщение)\s*-{2,}"
    r"|^[ \t]*on\b[^\n]{0,200}\bwrote:[ \t]*$"
    r"|^[^\n]{0,200}\bнаписал[аи]?:[ \t]*$).*"
)
_BLANK_LINES: Final = re.compile(r"\n\s*\n+")
_MARKUP_HINT: Final = re.compile(
    r"[<&]|_x000[dD]_|^[ \t]*>|^[ \t]*(from|to|cc|sent|date|subject|от|кому|тема)[ \t]*:"
    r"|wrote:|написал|-{2,}[ \t\r\n]*(original|forwarded|исходное|пересылаемое)",
    re.IGNORECASE | re.MULTILINE,
)
_ARROW_HINT: Final = (
    r"(?im)[<&]|_x000[dD]_|^[ \t]*>|^[ \t]*(from|to|cc|sent|date|subject|от|кому|тема)[ \t]*:"
    r"|wrote:|написал|-{2,}[ \t\r\n]*(original|forwarded|исходное|пересылаемое)"
)
"""``_MARKUP_HINT`` for Arrow's RE2: the same pattern, with nothing whose meaning differs between
the two engines (no ``\\s``): a text Arrow does not flag is one ``has_markup`` rejects."""


def has_markup(text: str) -> bool:
    """True when ``clean_markup`` may change ``text`` (cheap enough to ask of every text)."""
    return _MARKUP_HINT.search(text) is not None


def markup_mask(texts: pa.Array) -> pa.BooleanArray:
    """``has_markup`` of each text of an Arrow string column (without nulls), in C++."""
    mask: pa.BooleanArray = pc.match_substring_regex(texts, _ARROW_HINT)
    return mask


def clean_markup(text: str) -> str:
    """The text a person reads: markup removed, the quoted history of a reply dropped."""
    if not has_markup(text):
        return text
    text = _EXCEL_CR.sub("\r", text)
    text = _HIDDEN.sub(" ", text)
    text = _BREAK_TAGS.sub("\n", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text).replace("\xa0", " ")
    text = _REPLY_MARKER.sub("", text)
    text = _QUOTED_LINE.sub("", text)
    text = _HEADER.sub("", text)
    text = _SUBJECT_LABEL.sub("", text)
    return _BLANK_LINES.sub("\n", text).strip()
