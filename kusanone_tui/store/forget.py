"""Forgetting on request (`kusanone forget NAME`): a person's name leaves every file of a store.

Every file of the store folder is looked at: the sessions, the community registry (help offers,
follow-ups), any other log beside them (a series' supporter roster), the note-takers' drafts (and
those kept in the user's state folder), the copies kept after damage was found, and any other
text file. The name is replaced by :data:`FORGOTTEN` wherever it appears — a participant's
display name, a ウラ record, a follow-up, a note that mentions it, a roster or a group's members.

Logs are rewritten line by line, each line with a fresh checksum, holding the file's writers'
lock, and replaced atomically (a new file beside it, fsynced, renamed over it): an app that has
the session open reloads it on its next look. Lines that are broken (a damaged copy) have the
name cut out as bytes. Nothing else in a file changes.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.text import clean_text
from .lock import WriterLock
from .storage import FILE_MODE, LOCK_TIMEOUT, decode_line, encode_line, replace_file

FORGOTTEN = "—"


@dataclass(frozen=True, slots=True)
class Forgotten:
    path: Path
    count: int  # how many mentions were (or, with a dry run, would be) replaced


def _walk(value: Any, name: str) -> tuple[Any, int]:
    if isinstance(value, str):
        count = value.count(name)
        return (value.replace(name, FORGOTTEN), count) if count else (value, 0)
    if isinstance(value, list):
        items = [_walk(v, name) for v in value]
        return [v for v, _ in items], sum(c for _, c in items)
    if isinstance(value, dict):
        out, total = {}, 0
        for key, item in value.items():
            new_key, c1 = _walk(key, name) if isinstance(key, str) else (key, 0)
            new_item, c2 = _walk(item, name)
            out[new_key] = new_item
            total += c1 + c2
        return out, total
    return value, 0


def _needles(name: str) -> list[bytes]:
    raw = name.encode("utf-8")
    escaped = json.dumps(name)[1:-1].encode("ascii")  # as an ASCII-escaped JSON writer puts it
    return list(dict.fromkeys((raw, escaped)))


def _scrub_log(content: bytes, name: str) -> tuple[bytes, int]:
    """A log's lines with the name replaced: whole lines re-encoded, broken ones cut as bytes."""
    lines = content.split(b"\n")
    total = 0
    for number, raw in enumerate(lines):
        record = decode_line(raw)
        if record is not None:
            table, doc_id, doc = record
            new, count = _walk(doc, name)
            if count:
                lines[number] = encode_line(table, doc_id, new)[:-1]
                total += count
            continue
        for needle in _needles(name):
            found = raw.count(needle)
            if found:
                raw = raw.replace(needle, FORGOTTEN.encode("utf-8"))
                total += found
        lines[number] = raw
    return b"\n".join(lines), total


def _is_log(content: bytes) -> bool:
    first = content.split(b"\n", 1)[0]
    return bool(first) and decode_line(first) is not None


def _scrub_json(content: bytes, name: str) -> tuple[bytes, int] | None:
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    new, count = _walk(data, name)
    return json.dumps(new, ensure_ascii=False).encode("utf-8"), count


def _scrub_bytes(content: bytes, name: str) -> tuple[bytes, int]:
    total = 0
    for needle in _needles(name):
        found = content.count(needle)
        if found:
            content = content.replace(needle, FORGOTTEN.encode("utf-8"))
            total += found
    return content, total


def _files(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):  # symbolic links are not followed
        dirs.sort()
        for file in sorted(files):
            path = Path(folder) / file
            if path.is_symlink() or not path.is_file():
                continue
            if file.endswith(".lock") or file.endswith(".tmp"):
                continue  # a lock holds nothing; a temporary file is being written right now
            yield path


def _drafts_elsewhere() -> list[Path]:
    from .drafts import fallback_folder

    with contextlib.suppress(OSError):
        folder = fallback_folder()
        if folder.is_dir():
            return sorted(p for p in folder.glob("*.json") if p.is_file())
    return []


def forget(root: Path, name: str, dry_run: bool = False) -> list[Forgotten]:
    """Replace ``name`` in every file of the store ``root``; what changed, per file.

    With ``dry_run``, count only. Raises ``ValueError`` for an empty name.
    """
    name = clean_text(name or "").strip()
    if not name or name == FORGOTTEN:
        raise ValueError(name)
    changed: list[Forgotten] = []
    for path in [*_files(Path(root)), *_drafts_elsewhere()]:
        count = _forget_in(path, name, dry_run)
        if count:
            changed.append(Forgotten(path, count))
    return changed


def _forget_in(path: Path, name: str, dry_run: bool) -> int:
    try:
        content = path.read_bytes()
    except OSError:
        return 0
    if name.encode("utf-8") not in content and _needles(name)[-1] not in content:
        return 0
    if dry_run:
        return _scrubbed(content, path, name)[1]
    live = _is_log(content) and ".damaged-" not in path.name
    if not live:
        new, count = _scrubbed(content, path, name)
        if count:
            _replace(path, new)
        return count
    lock = WriterLock(path.with_name(f".{path.name}.lock"), timeout=LOCK_TIMEOUT, mode=FILE_MODE)
    lock.acquire()  # the writers of the session (or registry) wait while it is rewritten
    try:
        content = path.read_bytes()
        new, count = _scrub_log(content, name)
        if count:
            _replace(path, new)
        return count
    finally:
        lock.release()


def _scrubbed(content: bytes, path: Path, name: str) -> tuple[bytes, int]:
    if _is_log(content):
        return _scrub_log(content, name)
    if path.suffix == ".json":
        result = _scrub_json(content, name)
        if result is not None:
            new, count = result
            rest, more = _scrub_bytes(new, name)  # a name the JSON wrote in another form
            return rest, count + more
    return _scrub_bytes(content, name)


def _replace(path: Path, content: bytes) -> None:
    mode = path.stat().st_mode & 0o777
    replace_file(path, content)
    with contextlib.suppress(OSError):
        os.chmod(path, mode & FILE_MODE or FILE_MODE)
