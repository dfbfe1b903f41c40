"""People's text is data: the one boundary where text enters the model.

Names, notes, titles, topics, group names, backstage fields, plugin event strings and template
texts all pass through :func:`clean_text` (events through :func:`clean_data`) before they are
saved, and again when they are read back, so a log written by hand or by an older version cannot
bring terminal control into a screen either. What is removed is what a terminal or a browser
would *act on* rather than show:

* C0 and C1 control characters (ESC, BEL, CSI …) and DEL become visible control pictures
  (``␛``, ``␇``, ``␡``) or ``�``: the text stays readable and nothing is silently hidden;
* bidirectional overrides and isolates (U+202A–202E, U+2066–2069), which can make a note read
  backwards on the projector, become ``�``;
* lone surrogates, which cannot be saved as UTF-8, become ``�``;
* a newline is kept only in fields that allow several lines (see :data:`MULTILINE_FIELDS`);
  elsewhere it and a tab become a space.

Square brackets and angle brackets are *not* touched: they are ordinary text, and every screen
and export shows them literally (never parsed as markup).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: Event data fields whose text may keep line breaks (a note, a summary, a description).
MULTILINE_FIELDS: frozenset[str] = frozenset({"text", "description", "summary", "body", "rules"})

REPLACEMENT = "\ufffd"

# Everything a terminal may act on, plus bidi overrides/isolates and lone surrogates.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_MULTILINE = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _picture(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in "\t\n\r":
        return " "
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: a visible stand-in for the control character
    if code == 0x7F:
        return "\u2421"  # ␡
    return REPLACEMENT


def _picture_multiline(match: re.Match[str]) -> str:
    return _picture(match)  # a lone carriage return becomes a space: lengths stay the same


def clean_text(text: str, multiline: bool = False) -> str:
    """``text`` with nothing a terminal or browser would act on (see the module docstring)."""
    if multiline:
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        return _UNSAFE_MULTILINE.sub(_picture_multiline, text)
    return _UNSAFE.sub(_picture, text)


def is_clean(text: str, multiline: bool = False) -> bool:
    """True when :func:`clean_text` would leave ``text`` as it is."""
    return (_UNSAFE_MULTILINE if multiline else _UNSAFE).search(text) is None


def clean_value(value: Any, multiline: bool = False) -> Any:
    """Clean every string inside ``value`` (lists, tuples and dicts walked; keys too)."""
    if isinstance(value, str):
        return value if is_clean(value, multiline) else clean_text(value, multiline)
    if isinstance(value, Mapping):
        return clean_data(value)
    if isinstance(value, list | tuple):
        return [clean_value(item, multiline) for item in value]
    return value


def clean_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """An event's data with every string cleaned; line breaks only in multi-line fields."""
    return {
        clean_text(str(key)): clean_value(value, str(key) in MULTILINE_FIELDS)
        for key, value in data.items()
    }
