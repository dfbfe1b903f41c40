"""The installed version, read quickly.

``importlib.metadata`` costs about 30 ms to import, more than the rest of ``kusanone --version``;
the installed ``kusanone-*.dist-info/METADATA`` on ``sys.path`` says the same in a directory
listing and one small read. ``importlib.metadata`` remains the fallback.
"""

from __future__ import annotations

import os
import sys

_PREFIX = "kusanone-"


def _from_dist_info() -> str | None:
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if not (name.startswith(_PREFIX) and name.endswith(".dist-info")):
                continue
            try:
                with open(os.path.join(entry or ".", name, "METADATA"), encoding="utf-8") as meta:
                    for line in meta:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
                        if not line.strip():
                            break  # the headers are over
            except OSError:
                continue
    return None


def installed_version() -> str:
    found = _from_dist_info()
    if found:
        return found
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kusanone")
    except PackageNotFoundError:  # a source tree that was not installed
        return "0.0.0"
