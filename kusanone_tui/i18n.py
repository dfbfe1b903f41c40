"""Message catalogues: every user-facing string comes from ``locales/<lang>.toml``.

Japanese is the default; English is available with ``--lang en`` or ``KUSANONE_LANG=en``.
Catalogues are flat after loading: ``[cli] no_session = "..."`` becomes ``cli.no_session``.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"

_current = DEFAULT_LANGUAGE


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        elif isinstance(value, list):  # a list of lines, e.g. ground rules
            flat[name] = "\n".join(str(item) for item in value)
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The flattened message catalogue of ``lang``."""
    from .cache import parse_toml

    # Beside this file (a package is always unpacked on disk): importlib.resources would cost
    # about 4 ms of every start to import.
    text = (Path(__file__).with_name("locales") / f"{lang}.toml").read_text("utf-8")
    return _flatten(parse_toml(text))


def resolve_language(requested: str | None = None) -> str:
    """The language to use: the flag, then ``KUSANONE_LANG``, then Japanese."""
    for candidate in (requested, os.environ.get("KUSANONE_LANG")):
        if candidate:
            short = candidate.split("_")[0].split(".")[0].lower()
            if short in LANGUAGES:
                return short
    return DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Switch the process-wide language (``ja`` or ``en``)."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _current = lang


def current_language() -> str:
    return _current


def t(key: str, lang: str | None = None, **values: Any) -> str:
    """The message ``key`` in the current language, with ``{placeholders}`` filled.

    A key missing from a catalogue falls back to Japanese, then to the key itself, so a
    half-translated catalogue never breaks a meeting.
    """
    lang = lang or _current
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**values) if values else text


def pick(texts: dict[str, str] | str, lang: str | None = None) -> str:
    """Choose from a ``{"ja": ..., "en": ...}`` pair as found in templates."""
    if isinstance(texts, str):
        return texts
    lang = lang or _current
    return texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()), "")
