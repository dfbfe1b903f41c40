"""What a meeting said stays private on disk: owner-only files, and redaction really erases."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kusanone_tui.model.events import Actor, new_id
from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.store.storage import LogDB
from kusanone_tui.templates import load


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Let the process create world-readable files unless the code asks otherwise."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def lock_of(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@pytest.mark.usefixtures("open_umask")
def test_store_folder_session_and_lock_files_are_owner_only(tmp_path: Path) -> None:
    root = tmp_path / "data" / "sessions"
    log = SessionStore(root).create(load("teireikai"))
    assert mode(root) == 0o700
    assert mode(log.path) == 0o600
    assert lock_of(log.path).exists()
    assert mode(lock_of(log.path)) == 0o600

    other = LogDB(root / "registry.jsonl")  # any LogDB file beside the sessions
    other.insert({"group": "x"})
    assert mode(other.log.path) == 0o600

    # A rewrite (redaction, repair) replaces the file: the new one is owner-only too.
    note = new_id()
    log.append("note.added", {"note_id": note, "text": "t", "visibility": "private"})
    log.redact(note)
    assert mode(log.path) == 0o600
    with open(log.path, "ab") as handle:
        handle.write(b"torn")
    repaired = SessionLog.open(log.path)
    assert repaired.damage is not None
    assert mode(repaired.damage.kept_as) == 0o600
    assert mode(log.path) == 0o600
    assert {mode(p) for p in root.iterdir()} == {0o600}


@pytest.mark.usefixtures("open_umask")
def test_existing_open_store_folder_is_made_private(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    root.mkdir(mode=0o755)
    root.chmod(0o755)
    SessionStore(root).create(load("teireikai"))
    assert mode(root) == 0o700


def all_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_redaction_erases_the_text_from_every_file(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    log = SessionStore(root).create(load("teireikai"))
    watcher = SessionLog.open(log.path)  # e.g. the projector, opened before the redaction

    secret, edited = new_id(), new_id()  # unique markers, searchable as plain ASCII
    note, other = new_id(), new_id()
    notes = Actor("notes")
    log.append(
        "note.added",
        {"note_id": note, "text": f"秘密 {secret}", "visibility": "private"},
        actor=notes,
    )
    log.append("note.added", {"note_id": other, "text": "keep me", "visibility": "public"})
    log.append("note.edited", {"note_id": note, "text": f"直し {edited}"}, actor=notes)

    # The watcher has seen the text (so it sits in its memory and in the file).
    assert watcher.follow() is not None
    assert edited in (watcher.state().notes[note].text or "")
    raw = all_bytes(root)
    assert any(secret.encode() in content for content in raw.values())

    log.redact(note, actor=notes)

    raw = all_bytes(root)
    assert log.path.name in raw and lock_of(log.path).name in raw
    for name, content in raw.items():
        assert secret.encode() not in content, name
        assert edited.encode() not in content, name

    state = log.state()
    assert state.notes[note].redacted and state.notes[note].text is None
    assert state.notes[other].text == "keep me"
    assert log.events()[-1].kind == "note.redacted"

    # The watcher learns that the file was rewritten, and its fresh state holds no trace.
    assert watcher.follow() is None
    seen = watcher.state()
    assert seen.notes[note].redacted and seen.notes[note].text is None
    assert seen.notes[other].text == "keep me"
    for event in watcher.events():
        assert secret not in repr(event) and edited not in repr(event)
    assert watcher.follow() == []

    # And it stays gone after reopening.
    again = SessionLog.open(log.path)
    assert again.damage is None
    assert again.state().notes[note].text is None


def test_redaction_also_scrubs_copies_kept_after_damage(tmp_path):
    from kusanone_tui.model.events import Actor, new_id
    from kusanone_tui.store.session import SessionLog
    from kusanone_tui.store.sessions import SessionStore
    from kusanone_tui.templates import load

    log = SessionStore(tmp_path).create(load("teireikai"))
    note = new_id()
    log.append(
        "note.added",
        {"note_id": note, "text": 'DAMAGEDxCOPY "引用"', "visibility": "private"},
        actor=Actor("notes"),
    )
    with open(log.path, "ab") as handle:
        handle.write(b"\x00garbage")
    reopened = SessionLog.open(log.path)
    kept = reopened.damage.kept_as
    assert b"DAMAGEDxCOPY" in kept.read_bytes()
    reopened.redact(note, actor=Actor("notes"))
    for path in tmp_path.iterdir():
        assert b"DAMAGEDxCOPY" not in path.read_bytes(), path.name
    assert b"garbage" in kept.read_bytes()  # the rest of the damaged copy is kept
