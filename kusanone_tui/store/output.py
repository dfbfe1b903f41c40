"""Writing a command's ``-o FILE``: never over a user's file, never into a store.

Every command that writes a file it was given (``export``, ``report``, plugins' commands such as
``openmic print``) goes through :func:`write_output`. It refuses, with one line saying why:

* a session file (by name, or a file whose first line is one of our log lines), the community
  registry, a note-taker's draft, a lock, temporary or kept-damaged file of a store;
* any file inside a store folder: the stores the command works on (at any depth, ``plugins/``
  included) and any folder that holds a session file or a registry;
* a folder, or anything that is not a regular file (a terminal, ``/dev/null`` or a pipe is
  written to as it is, without ``--force``);
* an existing file, unless ``force``.

The text is written to a private temporary file beside the target, fsynced, then moved into
place (``0600``): a full disk or an interruption leaves the old file as it was and no partial
file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from ..i18n import t
from .session import SUFFIX
from .storage import FILE_MODE, ensure_private_dir, write_all

COMMUNITY_FILE = "community.jsonl"  # also in sessions.py; kept here to avoid an import cycle
_LOG_LINE = re.compile(rb'^[0-9a-f]{8} \{"t":"')
_DRAFT = re.compile(r"^\..*\.draft-.*\.json(\..*\.tmp)?$")


class OutputError(Exception):
    """The output was refused or could not be written; the message is one line for the user."""


def _why_name(name: str) -> str | None:
    if name.endswith(SUFFIX):
        return t("cli.why_session")
    if name == COMMUNITY_FILE or name.startswith(f"{COMMUNITY_FILE}."):
        return t("cli.why_registry")
    if _DRAFT.match(name):
        return t("cli.why_draft")
    if ".damaged-" in name or (name.startswith(".") and name.endswith((".lock", ".tmp"))):
        return t("cli.why_internal")
    return None


def _is_log(path: Path) -> bool:
    """Whether a regular file starts like one of our logs (a session or a registry)."""
    try:
        with open(path, "rb") as handle:
            return bool(_LOG_LINE.match(handle.read(16)))
    except OSError:
        return False


def _holds_a_store(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(e.name.endswith(SUFFIX) or e.name == COMMUNITY_FILE for e in entries)
    except OSError:
        return False


def refusal(target: Path, force: bool = False, stores: Iterable[Path] = ()) -> str | None:
    """Why ``target`` must not be written (a one-line message), or ``None`` when it may be."""
    resolved = target.expanduser().resolve()
    for name in {target.name, resolved.name}:
        why = _why_name(name)
        if why:
            return t("cli.out_refused", path=target, why=why)
    for root in stores:
        root = Path(root).expanduser().resolve()
        if resolved == root or resolved.is_relative_to(root):
            return t("cli.out_refused", path=target, why=t("cli.why_store", root=root))
    if _holds_a_store(resolved.parent):
        why = t("cli.why_store", root=resolved.parent)
        return t("cli.out_refused", path=target, why=why)
    try:
        mode = resolved.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError:
        return None  # the write will say what is wrong
    if stat.S_ISDIR(mode):
        return t("cli.out_refused", path=target, why=t("cli.why_folder"))
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return None  # a terminal, /dev/null, a pipe: written as they are
    if not stat.S_ISREG(mode):
        return t("cli.out_refused", path=target, why=t("cli.why_special"))
    if _is_log(resolved):
        return t("cli.out_refused", path=target, why=t("cli.why_session"))
    if not force:
        return t("cli.out_exists", path=target)
    return None


def write_output(
    output: str | os.PathLike[str] | None,
    text: str,
    *,
    force: bool = False,
    stores: Iterable[Path] = (),
    stdout: TextIO | None = None,
) -> Path | None:
    """Write ``text`` to stdout (``None`` or ``"-"``) or to the file ``output``, safely.

    Returns the file written, or ``None`` for stdout. Raises :class:`OutputError` (one line)
    when the file is refused or cannot be written; nothing is changed on disk then.
    """
    if output is None or str(output) in ("", "-"):
        (stdout or sys.stdout).write(text)
        return None
    target = Path(output).expanduser()
    why = refusal(target, force, stores)
    if why:
        raise OutputError(why)
    resolved = target.resolve()
    data = text.encode("utf-8")
    try:
        with contextlib.suppress(FileNotFoundError):
            mode = resolved.stat().st_mode
            if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
                with open(resolved, "wb") as handle:
                    handle.write(data)
                return target
        if not resolved.parent.exists():
            ensure_private_dir(resolved.parent)
        _replace(resolved, data, force)
    except FileExistsError:
        raise OutputError(t("cli.out_exists", path=target)) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(t("cli.out_failed", path=target, reason=reason)) from None
    return target


def _replace(path: Path, data: bytes, force: bool) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the file appeared meanwhile: never overwritten
            except OSError as error:
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                    raise
                if path.exists():  # a file system without hard links
                    raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
                os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
