"""A damaged session file opens with everything intact, and the damaged original is kept.

Damage is made by hand: a file cut off mid-record, garbage at the end, a garbled line in the
middle, a writer that died half-way through a line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kusanone_tui.model.events import Actor, new_id
from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.store.storage import encode_line
from kusanone_tui.templates import load

NOTES = 6


def make_session(root: Path) -> tuple[Path, list[str]]:
    """A session with ``NOTES`` notes; the file and the note ids in log order."""
    log = SessionStore(root).create(load("teireikai"), title="damage")
    ids = [new_id() for _ in range(NOTES)]
    for note_id in ids:
        log.append(
            "note.added",
            {"note_id": note_id, "text": f"note {note_id}", "visibility": "minutes"},
            actor=Actor("notes"),
        )
    return log.path, ids


def line_spans(content: bytes) -> list[tuple[int, int]]:
    """(start, end) of each line, the newline included."""
    spans, start = [], 0
    while start < len(content):
        end = content.index(b"\n", start) + 1
        spans.append((start, end))
        start = end
    return spans


def cut_mid_record(content: bytes) -> tuple[bytes, int | None]:
    """Cut inside the 5th note's line: that note and every later one are gone."""
    start, end = line_spans(content)[5]  # line 0 is session.created
    return content[: start + (end - start) // 2], 4


def garbage_without_newline(content: bytes) -> tuple[bytes, int | None]:
    return content + b"\x00\xff\xfegarbage{", None


def garbage_with_newline(content: bytes) -> tuple[bytes, int | None]:
    return content + b"deadbeef {not json}\n", None


def flip_byte_in_middle(content: bytes) -> tuple[bytes, int | None]:
    """Flip one bit inside the JSON of the 3rd note: its checksum no longer matches."""
    start, end = line_spans(content)[3]
    position = start + 9 + (end - start - 9) // 2
    garbled = bytearray(content)
    garbled[position] ^= 0x01
    return bytes(garbled), 2


DAMAGES: dict[str, tuple[Callable[[bytes], tuple[bytes, int | None]], int, bool]] = {
    # name: (damage, dropped lines, cut-off end)
    "truncated": (cut_mid_record, 0, True),
    "garbage-tail": (garbage_without_newline, 0, True),
    "garbage-line": (garbage_with_newline, 1, False),
    "garbled-middle": (flip_byte_in_middle, 1, False),
}


@pytest.mark.parametrize("kind", list(DAMAGES))
def test_damaged_file_is_recovered_and_the_original_kept(tmp_path: Path, kind: str) -> None:
    damage, dropped, torn = DAMAGES[kind]
    path, ids = make_session(tmp_path)
    damaged, lost = damage(path.read_bytes())
    if kind == "truncated":
        expected = ids[:lost]
    elif lost is None:
        expected = ids
    else:
        expected = ids[:lost] + ids[lost + 1 :]
    path.write_bytes(damaged)

    log = SessionLog.open(path)
    report = log.damage
    assert report is not None
    assert report.kept_as.parent == path.parent and report.kept_as.exists()
    assert report.kept_as.read_bytes() == damaged
    assert report.kept_as.name in report.describe()
    assert path.name in report.describe()
    assert (report.dropped_lines, report.torn_tail) == (dropped, torn)
    assert report.recovered == 1 + len(expected)

    state = log.state()
    assert state.title == "damage"  # session.created survived
    assert list(state.notes) == expected
    for note_id in expected:
        assert state.notes[note_id].text == f"note {note_id}"

    # The repaired file takes new appends, and they survive a reopen; no second repair.
    extra = new_id()
    log.append("note.added", {"note_id": extra, "text": "after", "visibility": "public"})
    again = SessionLog.open(path)
    assert again.damage is None
    assert list(again.state().notes) == [*expected, extra]
    # Survivors keep their place in the log (seq); the new event comes after the last of them.
    seqs = {e.data["note_id"]: e.seq for e in again.events() if e.kind == "note.added"}
    assert seqs == {
        **{note_id: ids.index(note_id) + 2 for note_id in expected},
        extra: max([1] + [ids.index(n) + 2 for n in expected]) + 1,
    }
    assert len(list(tmp_path.glob("*damaged*"))) == 1

    # `kusanone sessions` lists the session once, not its damaged copy.
    listed = SessionStore(tmp_path).list()
    assert [info.path for info in listed] == [path]
    assert listed[0].events == len(expected) + 2


def test_damage_found_by_a_reader_already_open(tmp_path: Path) -> None:
    path, ids = make_session(tmp_path)
    reader = SessionLog.open(path)
    assert reader.follow() is not None
    # Another process's lines land after what the reader has read; the first one is garbled.
    data = {"text": "t", "visibility": "public"}
    lines = [
        encode_line("events", seq, {"kind": "note.added", "data": {**data, "note_id": f"n{seq}"}})
        for seq in (NOTES + 2, NOTES + 3)
    ]
    garbled = bytearray(lines[0])
    garbled[20] ^= 0x01
    with open(path, "ab") as handle:
        handle.write(bytes(garbled) + lines[1])

    assert reader.follow() is None  # the file had to be repaired: take the state afresh
    assert reader.damage is not None and reader.damage.dropped_lines == 1
    assert reader.damage.kept_as.read_bytes().endswith(bytes(garbled) + lines[1])
    assert list(reader.state().notes) == [*ids, f"n{NOTES + 3}"]
    assert SessionLog.open(path).damage is None


@pytest.mark.parametrize("opened", ["before", "after"])
def test_append_after_torn_tail_does_not_glue_onto_it(tmp_path: Path, opened: str) -> None:
    path, ids = make_session(tmp_path)
    writer = SessionLog.open(path) if opened == "before" else None
    # A writer died half-way through its line.
    torn = encode_line("events", NOTES + 2, {"kind": "note.added", "data": {"note_id": "torn"}})
    with open(path, "ab") as handle:
        handle.write(torn[: len(torn) // 2])
    if writer is None:
        writer = SessionLog.open(path)

    fresh = new_id()
    saved = writer.append("note.added", {"note_id": fresh, "text": "fresh", "visibility": "public"})
    assert writer.damage is not None and writer.damage.torn_tail
    assert writer.damage.kept_as.read_bytes().endswith(torn[: len(torn) // 2])

    reopened = SessionLog.open(path)
    assert reopened.damage is None
    notes = reopened.state().notes
    assert list(notes) == [*ids, fresh]
    assert notes[fresh].text == "fresh"
    assert reopened.events()[-1].seq == saved.seq == NOTES + 2
    assert path.read_bytes().endswith(b"\n")
