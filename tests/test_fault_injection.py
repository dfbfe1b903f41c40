"""Fault injection: kills, damage, full and read-only disks, unreadable entries, refused files.

What a user would notice is asserted: a file still intact byte for byte, the exit status, one
line on stderr and never a ``Traceback``, every acknowledged note still there.

The quick versions run in every ``pytest``; the ``slow`` ones (``-m slow``, also run by CI and
by the README's plain ``pytest``) repeat the kills many more times. A full disk and a read-only
file system are a small tmpfs, so those tests need root (skipped otherwise); a permission that
root would ignore is tested as root through ``setpriv`` without the DAC capabilities.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kusanone_tui.cli import main
from kusanone_tui.model.events import Actor, new_id
from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.store.storage import LogReadOnly, encode_line
from kusanone_tui.templates import load

ROOT = os.geteuid() == 0
SETPRIV = shutil.which("setpriv")
DROP_DAC = "-dac_override,-dac_read_search"
WAIT = 30.0  # the longest any child may take to acknowledge (a watchdog, never a sleep)


# -- helpers ----------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``kusanone ARGS`` in this process: exit status, stdout, stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> str:
    """stderr is exactly one line, and no traceback."""
    assert "Traceback" not in err, err
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err
    return lines[0]


def error_line(err: str) -> str:
    """The last line of stderr (a read-only note may come before it), and no traceback."""
    assert "Traceback" not in err, err
    lines = err.strip("\n").splitlines()
    assert 1 <= len(lines) <= 2, err
    return lines[-1]


def cli(*args: str, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    """``kusanone ARGS`` as a separate process (``unprivileged``: permissions apply to root)."""
    command = [sys.executable, "-m", "kusanone_tui", *args]
    if unprivileged and ROOT:
        if not SETPRIV:
            pytest.skip("root, and no setpriv to drop the permission override")
        command = [SETPRIV, f"--inh-caps={DROP_DAC}", f"--bounding-set={DROP_DAC}", *command]
    env = {**os.environ, "KUSANONE_LANG": "en"}
    env.pop("KUSANONE_DATA", None)
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def make_session(root: Path, notes: int = 6) -> tuple[SessionLog, list[str]]:
    log = SessionStore(root).create(load("teireikai"), title="fault")
    ids = [new_id() for _ in range(notes)]
    for note_id in ids:
        log.append(
            "note.added",
            {"note_id": note_id, "text": f"note-{note_id}", "visibility": "minutes"},
            actor=Actor("notes"),
        )
    return log, ids


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def damaged_copies(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.damaged-*"))


def exported_notes(out: str) -> set[str]:
    return {note["id"] for note in json.loads(out)["state"]["notes"]}


# -- each kind of damage ----------------------------------------------------------------------


def cut_line(content: bytes) -> bytes:
    lines = content.splitlines(keepends=True)
    return b"".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2]


def flipped_bytes(content: bytes) -> bytes:
    lines = content.splitlines(keepends=True)
    middle = bytearray(lines[3])
    for i in (12, 20, 30):
        middle[i] ^= 0x5A
    return b"".join([*lines[:3], bytes(middle), *lines[4:]])


def garbage(content: bytes) -> bytes:
    lines = content.splitlines(keepends=True)
    return b"".join([*lines[:4], b"\xff\xfe garbage {{{ not a line\n", *lines[4:]])


def nul_run(content: bytes) -> bytes:
    lines = content.splitlines(keepends=True)
    return b"".join([*lines[:2], b"\0" * (len(lines[2]) - 1) + b"\n", *lines[3:]])


DAMAGE = {"cut line": cut_line, "flipped bytes": flipped_bytes, "garbage": garbage}
DAMAGE["NUL run"] = nul_run


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_each_damage_opens_with_every_intact_line_and_keeps_the_original(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    data = tmp_path / "store"
    log, ids = make_session(data)
    damaged = DAMAGE[kind](log.path.read_bytes())
    log.path.write_bytes(damaged)
    log.close()

    code, out, err = run(capsys, "export", log.session_id, "--data", str(data))

    assert code == 0
    assert "kusanone: 注意:" in one_line(err)
    lost = {"cut line": {ids[-1]}, "flipped bytes": {ids[2]}, "NUL run": {ids[1]}}
    assert exported_notes(out) == set(ids) - lost.get(kind, set())
    (kept,) = damaged_copies(data)
    assert kept.read_bytes() == damaged  # the damaged original, byte for byte


def test_an_empty_file_and_a_folder_are_not_sessions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "store"
    data.mkdir()
    (data / "empty.session.jsonl").write_bytes(b"")
    (data / "folder.session.jsonl").mkdir()
    for name in ("empty", "folder"):
        code, out, err = run(capsys, "export", name, "--data", str(data))
        assert code != 0 and out == ""
        assert name in one_line(err)
    assert (data / "empty.session.jsonl").read_bytes() == b""
    assert (data / "folder.session.jsonl").is_dir()
    assert not damaged_copies(data)


def test_a_checksum_valid_record_without_kind_is_skipped_and_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "store"
    log, ids = make_session(data, notes=2)
    with open(log.path, "ab") as handle:
        handle.write(encode_line("events", 10, {"data": {}, "at": 1}))  # no kind
        handle.write(encode_line("events", 11, {"kind": "note.added", "data": ["x"]}))
        handle.write(encode_line("events", 12, {"kind": "participant.joined", "data": {}}))
    before = log.path.read_bytes()

    code, out, err = run(capsys, "export", log.session_id, "--data", str(data))
    assert code == 0
    assert "3" in one_line(err)  # "3 record(s) … skipped"
    assert exported_notes(out) == set(ids)
    for command in (["sessions"], ["report", "--format", "json"]):
        code, _, err = run(capsys, *command, "--data", str(data))
        assert code == 0 and "Traceback" not in err
    assert log.path.read_bytes() == before  # not "recovered": nothing is wrong with the lines
    assert SessionLog.open(log.path).ignored() == [10, 11, 12]


# -- never destroy a user's file ----------------------------------------------------------------


def test_export_never_writes_over_a_session_or_into_a_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "store"
    log, _ = make_session(data)
    other, _ = make_session(data)
    Path(f"{log.path}").with_name(f".{log.path.name}.draft-notes-123.json").write_text("{}")
    (data / "community.jsonl").write_bytes(b"")
    before = files(data)
    targets = [
        log.path,  # the session's own file
        other.path,  # another session
        data / "community.jsonl",
        data / f".{log.path.name}.draft-notes-123.json",
        data / f".{log.path.name}.lock",
        data / "minutes.md",  # a new file, but inside the store
        data / "plugins" / "evil.py",
    ]
    for target in targets:
        for force in ([], ["--force"]):
            code, out, err = run(
                capsys, "export", log.session_id, "-o", str(target), *force, "--data", str(data)
            )
            assert code != 0 and out == "", target
            assert str(target.name) in one_line(err)
    assert files(data) == before  # every file byte for byte, nothing added
    assert not (data / "plugins").exists()


def test_export_to_the_session_file_given_by_path_elsewhere(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log, _ = make_session(tmp_path / "store")
    moved = tmp_path / "backup" / "meeting.session.jsonl"
    moved.parent.mkdir()
    shutil.copy(log.path, moved)
    before = moved.read_bytes()
    code, _, err = run(capsys, "export", str(moved), "-o", str(moved), "--force")
    assert code != 0 and one_line(err)
    link = tmp_path / "innocent.json"
    link.symlink_to(moved)  # a symlink to a session is refused too
    code, _, err = run(capsys, "export", str(moved), "-o", str(link), "--force")
    assert code != 0 and one_line(err)
    assert moved.read_bytes() == before


def test_an_existing_file_is_replaced_only_with_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "store"
    log, _ = make_session(data)
    target = tmp_path / "minutes.md"
    target.write_text("my own notes\n")
    code, _, err = run(capsys, "export", log.session_id, "--format", "md", "-o", str(target),
                       "--data", str(data))  # fmt: skip
    assert code != 0 and "--force" in one_line(err)
    assert target.read_text() == "my own notes\n"
    code, _, _ = run(capsys, "report", "-o", str(target), "--data", str(data))
    assert code != 0 and target.read_text() == "my own notes\n"
    code, _, _ = run(capsys, "report", "-o", str(target), "--force", "--data", str(data))
    assert code == 0 and target.read_text().startswith("# ")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_file_that_is_not_a_session_is_never_opened(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "store"
    make_session(data)
    csv = tmp_path / "notes.csv"
    csv.write_text("name,note\nはな,こんにちは\n")
    renamed = data / "notes.session.jsonl"
    renamed.write_text("name,note\n")
    for ref in (str(csv), str(renamed), "notes"):
        code, out, err = run(capsys, "export", ref, "--data", str(data))
        assert code != 0 and out == ""
        one_line(err)
    assert csv.read_text() == "name,note\nはな,こんにちは\n"
    assert renamed.read_text() == "name,note\n"
    assert not list(tmp_path.rglob("*.damaged-*"))


# -- one bad entry never hides the others -------------------------------------------------------


def bad_entries(data: Path) -> list[str]:
    """Odd entries a store may hold; their names."""
    (data / "a-folder.session.jsonl").mkdir()
    (data / "dangling.session.jsonl").symlink_to(data / "gone")
    os.mkfifo(data / "a-pipe.session.jsonl")  # opening it would hang: it is never opened
    (data / "empty.session.jsonl").write_bytes(b"")
    (data / "table.session.jsonl").write_text("a,b\n1,2\n")
    return ["a-folder", "dangling", "a-pipe", "empty", "table"]


def test_sessions_and_report_list_every_readable_session_and_name_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "store"
    good = [make_session(data, notes=1)[0].session_id for _ in range(2)]
    bad = bad_entries(data)

    code, out, err = run(capsys, "sessions", "--data", str(data))
    assert code == 0 and err == ""
    assert all(session in out for session in good)
    for name in bad:
        assert len([line for line in out.splitlines() if f"{name}.session.jsonl" in line]) == 1

    code, out, err = run(capsys, "sessions", "--json", "--data", str(data))
    assert code == 0 and sorted(s["id"] for s in json.loads(out)) == sorted(good)
    assert len(err.strip().splitlines()) == len(bad)

    code, out, err = run(capsys, "report", "--format", "json", "--data", str(data))
    assert code == 0 and "Traceback" not in err
    assert sorted(m["session"] for m in json.loads(out)["meetings"]) == sorted(good)
    lines = err.strip().splitlines()
    assert len(lines) == len(bad)
    for name in bad:
        assert len([line for line in lines if f"{name}.session.jsonl" in line]) == 1
    assert (data / "table.session.jsonl").read_text() == "a,b\n1,2\n"
    assert not damaged_copies(data)


async def test_the_home_screen_lists_readable_sessions_and_names_the_rest(
    tmp_path: Path, clock
) -> None:
    from kusanone_tui.testing import screen_text
    from kusanone_tui.tui.app import KusanoneApp

    data = tmp_path / "store"
    store = SessionStore(data)
    store.create(load("teireikai"), title="[b]ふつうの会[/]", clock=clock)
    bad = bad_entries(data)
    app = KusanoneApp(store=store, clock=clock)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        text = screen_text(app)
    assert "[b]ふつうの会[/]" in text  # literally
    for name in bad:
        assert f"{name}.session.jsonl" in text


@pytest.mark.skipif(ROOT and not SETPRIV, reason="root ignores permissions")
def test_an_unreadable_session_file_and_an_unreadable_store_are_one_line(tmp_path: Path) -> None:
    data = tmp_path / "store"
    log, _ = make_session(data)
    locked = data / "locked.session.jsonl"
    shutil.copy(log.path, locked)
    locked.chmod(0)
    try:
        result = cli("sessions", "--data", str(data), unprivileged=True)
        assert result.returncode == 0 and "Traceback" not in result.stderr
        assert log.session_id in result.stdout
        assert "locked.session.jsonl" in result.stdout
        data.chmod(0)
        for args in (["sessions"], ["report"], ["export", log.session_id], ["new", "teireikai"]):
            result = cli(*args, "--data", str(data), unprivileged=True)
            assert result.returncode != 0, args
            assert "Permission denied" in one_line(result.stderr), args
            assert result.stdout == ""
    finally:
        data.chmod(0o700)
        locked.chmod(0o600)


def test_a_store_under_a_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    file = tmp_path / "plain.txt"
    file.write_text("x")
    for args in (["new", "teireikai"], ["export", "x"], ["report"]):
        code, _, err = run(capsys, *args, "--data", str(file / "store"))
        assert code != 0, args
        one_line(err)


# -- a full disk and a read-only file system (a small tmpfs: root only) ------------------------


@contextlib.contextmanager
def tmpfs(where: Path, size: str = "256k") -> Iterator[Path]:
    if not ROOT:
        pytest.skip("mounting a small tmpfs needs root")
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder``; the filler file, to delete to free space."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0")
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_loses_nothing_and_locks_no_one_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        data = disk / "store"
        log, ids = make_session(data)
        outside = tmp_path / "minutes.md"
        outside.write_text("old minutes\n")
        filler = fill(disk)

        # The append that hits the full disk fails, and leaves no cut-off line.
        before = log.path.read_bytes()
        with pytest.raises(OSError):
            log.append("note.added", {"note_id": new_id(), "text": "あ" * 6000,
                                      "visibility": "minutes"}, actor=Actor("notes"))  # fmt: skip
        assert log.path.read_bytes() == before

        # A crash had cut the last line: with no space for a copy, it opens read-only.
        damaged = cut_line(before)
        with open(log.path, "r+b") as handle:
            handle.truncate(len(damaged))
        log.close()
        code, out, err = run(capsys, "export", log.session_id, "--data", str(data))
        assert code == 0 and exported_notes(out) == set(ids[:-1])
        assert "読み取り専用" in one_line(err)
        again = SessionLog.open(log.path)
        assert again.read_only and again.damage is not None and again.damage.read_only
        with pytest.raises(LogReadOnly):
            again.append("note.added", {"note_id": new_id(), "text": "x", "visibility": "public"})
        code, _, err = run(capsys, "new", "teireikai", "--data", str(data))
        assert code != 0 and one_line(err)
        assert sorted(data.glob("*.session.jsonl")) == [log.path]  # no empty session left
        # -o on the full disk: the old file is kept as it was, no partial file is left.
        target = disk / "minutes.md"
        target.write_bytes(b"")
        code, _, err = run(capsys, "export", log.session_id, "--format", "md", "-o",
                           str(target), "--force", "--data", str(data))  # fmt: skip
        assert code != 0 and "minutes.md" in error_line(err) and target.read_bytes() == b""
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "minutes.md", "store"]
        assert log.path.read_bytes() == damaged  # untouched
        assert not damaged_copies(data)  # and no empty *.damaged-* file

        # Space is freed: the next try repairs, keeps the whole original, and saves.
        filler.unlink()
        saved = again.append(
            "note.added", {"note_id": "after", "text": "after", "visibility": "public"}
        )
        assert saved.seq > 0 and not again.read_only
        (kept,) = damaged_copies(data)
        assert kept.read_bytes() == damaged
        assert set(SessionLog.open(log.path).state().notes) == {*ids[:-1], "after"}
        again.close()
        assert outside.read_text() == "old minutes\n"


def test_a_read_only_file_system(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        data = disk / "store"
        log, ids = make_session(data)
        damaged = flipped_bytes(log.path.read_bytes())
        log.path.write_bytes(damaged)
        log.close()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)

        code, out, err = run(capsys, "export", log.session_id, "--data", str(data))
        assert code == 0 and exported_notes(out) == set(ids) - {ids[2]}
        assert "読み取り専用" in one_line(err)
        for args in (["new", "teireikai"], ["export", log.session_id, "-o", str(disk / "m")]):
            code, _, err = run(capsys, *args, "--data", str(data))
            assert code != 0 and error_line(err)
        result = cli("new", "teireikai", "--data", str(data))
        assert result.returncode != 0 and "Read-only file system" in one_line(result.stderr)
        assert log.path.read_bytes() == damaged


@pytest.mark.skipif(ROOT and not SETPRIV, reason="root ignores permissions")
def test_a_read_only_folder_opens_a_damaged_session_read_only(tmp_path: Path) -> None:
    data = tmp_path / "store"
    log, ids = make_session(data)
    damaged = garbage(log.path.read_bytes())
    log.path.write_bytes(damaged)
    log.close()
    data.chmod(0o500)
    try:
        result = cli("export", log.session_id, "--data", str(data), unprivileged=True)
        assert result.returncode == 0, result.stderr
        assert exported_notes(result.stdout) == set(ids)
        assert "read-only" in one_line(result.stderr)
    finally:
        data.chmod(0o700)
    assert log.path.read_bytes() == damaged
    assert not damaged_copies(data)


# -- SIGKILL during appends and during a redaction's rewrite ------------------------------------

WRITER = r"""
import sys
from kusanone_tui.model.events import Actor, new_id
from kusanone_tui.store.session import SessionLog

log = SessionLog.open(sys.argv[1])
while True:
    note_id = new_id()
    log.append("note.added", {"note_id": note_id, "text": "t-" + note_id,
                              "visibility": "minutes"}, actor=Actor("notes"))
    sys.stdout.write(note_id + "\n")
    sys.stdout.flush()
"""

REDACTOR = r"""
import sys
from kusanone_tui.store.session import SessionLog

log = SessionLog.open(sys.argv[1])
for note_id in sys.argv[2:]:
    log.redact(note_id)
    sys.stdout.write(note_id + "\n")
    sys.stdout.flush()
sys.stdout.write("done\n")
sys.stdout.flush()
"""


def kill_after(args: list[str], acks: int) -> set[str]:
    """Start a child, SIGKILL it once it has acknowledged ``acks`` lines (or ended)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    watchdog = threading.Timer(WAIT, proc.kill)
    watchdog.start()
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        while len(seen) < acks:
            line = proc.stdout.readline()
            if not line.endswith(b"\n"):
                break
            seen.append(line.decode().strip())
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=WAIT)
        rest = proc.stdout.read()  # lines printed before the kill landed
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    seen += [line.decode() for line in rest.split(b"\n")[:-1]]
    assert seen, (proc.stderr.read() if proc.stderr else b"").decode()
    return set(seen) - {"done"}


def kills_during_appends(tmp_path: Path, rounds: int, seed: int) -> int:
    rng = random.Random(seed)
    log, _ = make_session(tmp_path / "store", notes=0)
    acknowledged: set[str] = set()
    for n in range(rounds):
        acknowledged |= kill_after([WRITER, str(log.path)], rng.randint(1, 30))
        notes = SessionLog.open(log.path).state().notes
        lost = acknowledged - notes.keys()
        assert not lost, f"round {n} (seed {seed}): {len(lost)} acknowledged note(s) lost"
        assert all(notes[i].text == f"t-{i}" for i in acknowledged)
    return len(acknowledged)


def kills_during_redactions(tmp_path: Path, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    log, ids = make_session(tmp_path / "store", notes=40)
    redacted: set[str] = set()
    for n in range(rounds):
        chosen = rng.sample(ids, 8)
        redacted |= kill_after([REDACTOR, str(log.path), *chosen], rng.randint(1, 8))
        reopened = SessionLog.open(log.path)
        notes = reopened.state().notes
        where = f"round {n} (seed {seed})"
        assert reopened.damage is None, where  # a rewrite is atomic: never half a file
        assert set(ids) <= notes.keys(), where  # no note lost to a killed rewrite
        for note_id in redacted:  # an acknowledged redaction left no text on the disk
            assert f"note-{note_id}".encode() not in log.path.read_bytes(), where
        for note_id in set(ids) - set(chosen) - redacted:
            assert notes[note_id].text == f"note-{note_id}", where


def test_kills_during_appends_lose_nothing_acknowledged(tmp_path: Path) -> None:
    kills_during_appends(tmp_path, rounds=3, seed=random.randrange(2**32))


def test_kills_during_a_redaction_lose_nothing(tmp_path: Path) -> None:
    kills_during_redactions(tmp_path, rounds=2, seed=random.randrange(2**32))


@pytest.mark.slow
def test_a_hundred_kills_during_appends(tmp_path: Path) -> None:
    assert kills_during_appends(tmp_path, rounds=100, seed=random.randrange(2**32)) >= 100


@pytest.mark.slow
def test_thirty_kills_during_redactions(tmp_path: Path) -> None:
    kills_during_redactions(tmp_path, rounds=30, seed=random.randrange(2**32))


# -- concurrent writers with a redacting process ------------------------------------------------

APPENDER = r"""
import sys
from kusanone_tui.model.events import Actor
from kusanone_tui.store.session import SessionLog

log = SessionLog.open(sys.argv[1])
for n in range(int(sys.argv[3])):
    note_id = f"{sys.argv[2]}-{n}"
    log.append("note.added", {"note_id": note_id, "text": "t-" + note_id,
                              "visibility": "minutes"}, actor=Actor("notes"))
"""


def writers_and_a_redactor(tmp_path: Path, writers: int, each: int) -> None:
    log, ids = make_session(tmp_path / "store", notes=each)
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(log.path), f"w{w}", str(each)])
        for w in range(writers)
    ]
    procs.append(subprocess.Popen([sys.executable, "-c", REDACTOR, str(log.path), *ids],
                                  stdout=subprocess.DEVNULL))  # fmt: skip
    for proc in procs:
        assert proc.wait(timeout=300) == 0
    notes = SessionLog.open(log.path).state().notes
    written = {f"w{w}-{n}" for w in range(writers) for n in range(each)}
    assert notes.keys() == written | set(ids)  # every note exactly once (a dict: no doubles)
    assert all(notes[i].text == f"t-{i}" for i in written)
    assert all(not notes[i].text for i in ids)
    content = log.path.read_bytes()
    assert not any(f"note-{i}".encode() in content for i in ids)
    seqs = [event.seq for event in SessionLog.open(log.path).events()]
    assert sorted(seqs) == list(range(1, len(seqs) + 1))


def test_concurrent_writers_with_a_redacting_process(tmp_path: Path) -> None:
    writers_and_a_redactor(tmp_path, writers=2, each=15)


@pytest.mark.slow
def test_many_concurrent_writers_with_a_redacting_process(tmp_path: Path) -> None:
    writers_and_a_redactor(tmp_path, writers=4, each=150)
