"""The ``kusanone`` command's entry point: ``--version`` answered before anything is imported.

The command line proper (:mod:`kusanone_tui.cli`) imports the model, the store and the message
catalogues; ``kusanone --version`` needs none of them, nor pluggy, nor Textual, nor any plugin.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence


def _asks_version(argv: list[str]) -> bool:
    """``--version`` (or a prefix argparse accepts) before any command word or ``--help``,
    with nothing else on the line that argparse could object to first."""
    values = ("--data", "--lang", "--plugins-dir")
    i = 0
    while i < len(argv):
        name = argv[i].split("=", 1)[0]
        if len(name) >= 5 and "--version".startswith(name) and "=" not in argv[i]:
            return True
        if name in values:
            value = argv[i].split("=", 1)[1] if "=" in argv[i] else None
            if value is None and i + 1 < len(argv):
                value = argv[i + 1]
            if name == "--lang" and value not in ("ja", "en"):
                return False  # argparse's error comes first
            i += 1 if "=" in argv[i] else 2
            continue
        return False  # anything else: let argparse decide
    return False


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if _asks_version(args):
        from ._version import installed_version

        sys.stdout.write(f"kusanone {installed_version()}\n")
        return 0
    # Starting allocates many objects that live as long as the process (modules, classes, the
    # first screen's widgets): the cyclic collector would walk them again and again for nothing.
    # It is off until the command runs, or, for a meeting, until its first screen is drawn.
    gc.disable()
    try:
        from .cli import main as cli_main

        return cli_main(args)
    finally:
        gc.enable()
