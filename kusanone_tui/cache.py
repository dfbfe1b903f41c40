"""The user cache folder: shortcuts that make start-up quicker and can be deleted at any time.

It holds what the installed plugins registered (``plugin_index``) and the parsed TOML of the
package's own files (message catalogues, built-in templates). ``KUSANONE_CACHE`` overrides the
folder. Nothing personal is ever kept here: only texts that ship with kusanone or its plugins.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import zlib
from pathlib import Path
from typing import Any


def folder() -> Path:
    """The cache folder (``KUSANONE_CACHE``, else the platform's user cache folder)."""
    chosen = os.environ.get("KUSANONE_CACHE")
    if chosen:
        return Path(chosen)
    if sys.platform == "linux":  # what platformdirs says there, without its 3 ms import
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(xdg or os.path.expanduser("~/.cache")) / "kusanone"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kusanone", appauthor=False))


def remember(path: Path, content: bytes) -> None:
    """Write a cache file atomically (a reader sees the old file or the new, never half), and
    quietly: the cache is only a shortcut, so a full disk or a read-only folder changes nothing."""
    from .store.storage import replace_file  # only when something new is remembered

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, content)
    except OSError:
        for leftover in path.parent.glob(f".{path.name}.{os.getpid()}.tmp"):
            leftover.unlink(missing_ok=True)


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)`` for a text that ships with kusanone, remembered by its content:
    parsing the Japanese catalogue alone took about 5 ms of every start. Errors are tomllib's."""
    raw = text.encode("utf-8")
    path = folder() / "toml" / f"{zlib.crc32(raw):08x}-{zlib.adler32(raw):08x}-{len(raw)}"
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        stored = None
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == text:
        return stored[1]  # the text itself is kept and compared: a checksum alone could collide
    import tomllib

    parsed = tomllib.loads(text)
    with contextlib.suppress(ValueError):  # a value marshal cannot keep (a date): parsed each time
        remember(path, marshal.dumps((text, parsed)))
    return parsed
