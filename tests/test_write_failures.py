"""A failed write is a calm message, not a crash.

When the session cannot be written — a full disk, a read-only file system, a file the app may not
write, the writers' lock held too long by another process, a damaged log open read-only — the
note-taker's text stays in the box and in the draft, one notice says what happened and that
nothing was lost, the app goes on, and the next try works once the cause is gone. The same for
the facilitator's keys.

The full disk and the read-only file system are real (a small tmpfs, mounted when the tests run
as root, skipped otherwise); so is the lock held by someone else. A refused permission is
simulated: root may write anywhere.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import subprocess
import time
from pathlib import Path

import pytest
from test_notes_burst import ENTER, burst, note_texts, wait_for_notes, wait_until
from textual import events

from kusanone_tui.store.drafts import Draft
from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.store.storage import LogStorage
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text
from kusanone_tui.tui.app import KusanoneApp

SIZE = (140, 40)
NOTICE = "保存できませんでした"
NOTHING_LOST = "なくなっていません"


@pytest.fixture(autouse=True)
def _drafts_stay_here(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def disk(tmp_path):
    """A 512 KiB tmpfs of this test's own (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte; the filler's path."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for size in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * size)
    return filler


class Refusal:
    """Every append refused with ``error`` until :meth:`allow` (a disk that says no)."""

    def __init__(self, monkeypatch, error: OSError) -> None:
        self.refused = True
        real_append = LogStorage.append

        def append(storage, table, docs):
            if self.refused:
                raise error
            return real_append(storage, table, docs)

        monkeypatch.setattr(LogStorage, "append", append)

    def allow(self) -> None:
        self.refused = False

    def refuse(self) -> None:
        self.refused = True


def no_space(path) -> OSError:
    return OSError(errno.ENOSPC, "No space left on device", str(path))


def notices(app: KusanoneApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def new_log(folder: Path) -> SessionLog:
    return SessionStore(folder / "store").create(load("teireikai"), title="書けないとき")


def paste(app: KusanoneApp, text: str) -> None:
    event = events.Paste(text)
    event.set_sender(app)
    app._driver.send_message(event)


async def shows_calm_notice(pilot, app: KusanoneApp) -> bool:
    """The notice says what happened and that nothing was lost, and it is on the screen."""

    def seen() -> bool:
        return any(NOTICE in m and NOTHING_LOST in m for m in notices(app))

    return await wait_until(pilot, seen) and await wait_until(
        pilot, lambda: NOTICE in screen_text(app)
    )


async def try_note_then_fix(app, pilot, log: SessionLog, text: str, fix) -> None:
    """Send ``text`` while the session cannot be written; then fix the cause and send it again."""
    box = app.screen.query_one("#note-input")
    paste(app, text)
    burst(app, [ENTER])
    assert await shows_calm_notice(pilot, app)
    assert app.is_running
    assert box.value == text  # the text stays in the box …
    assert await wait_until(pilot, lambda: Draft(log.path).load()[0] == text)  # … and the draft
    assert note_texts(log.path) == []  # nothing half-saved
    fix()
    burst(app, [ENTER])  # the next try works
    assert await wait_for_notes(pilot, log.path, 1) == [text]
    assert await wait_until(pilot, lambda: box.value == "")
    await pilot.pause()  # the keys' messages handled: a second write would be in the log now
    assert await wait_until(pilot, app.shows_latest)  # and the screen caught up with it
    assert note_texts(log.path) == [text]  # once
    assert Draft(log.path).load() == ("", None)


async def test_a_full_disk(disk):
    log = new_log(disk)
    app = KusanoneApp(log, role="notes")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        filler = fill(disk)
        text = "ディスクがいっぱいのときのメモ " * 300  # more than the last free page
        await try_note_then_fix(app, pilot, log, text.strip(), filler.unlink)
        assert any("ディスクの空きがありません" in m for m in notices(app))


async def test_a_read_only_file_system(disk):
    log = new_log(disk)
    app = KusanoneApp(log, role="notes")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)

        def writable_again() -> None:
            subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)

        await try_note_then_fix(app, pilot, log, "読み取り専用のときのメモ", writable_again)
        assert any("読み取り専用" in m for m in notices(app))


async def test_a_file_the_app_may_not_write(tmp_path, monkeypatch):
    log = new_log(tmp_path)
    app = KusanoneApp(log, role="notes")
    disk = Refusal(monkeypatch, PermissionError(errno.EACCES, "Permission denied", str(log.path)))
    allow = disk.allow

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await try_note_then_fix(app, pilot, log, "書けないファイルのメモ", allow)


async def test_the_lock_held_by_another_process_too_long(tmp_path):
    log = new_log(tmp_path)
    app = KusanoneApp(log, role="notes")
    log.db.log._lock.timeout = 0.3
    holder = os.open(log.db.log.lock_path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another open file: another writer, as far as flock goes

    def let_go() -> None:
        fcntl.flock(holder, fcntl.LOCK_UN)

    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            await try_note_then_fix(app, pilot, log, "待たされたメモ", let_go)
            assert any("待ちきれませんでした" in m for m in notices(app))
    finally:
        os.close(holder)


async def test_a_damaged_log_on_a_full_disk_opens_read_only_and_writes_once_there_is_room(disk):
    log = new_log(disk)
    path = log.path
    log.close()
    with open(path, "ab") as handle:
        handle.write(b"garbage that is no line of the log")  # a cut-off last line
    filler = fill(disk)
    damaged = SessionLog.open(path)
    assert damaged.damage is not None and damaged.damage.read_only
    app = KusanoneApp(damaged, role="notes")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert any("読み取り専用で開きました" in m for m in notices(app))
        await try_note_then_fix(app, pilot, damaged, "傷んだ記録に足すメモ", filler.unlink)


async def test_the_facilitators_keys_on_a_full_disk(disk):
    log = new_log(disk)
    app = KusanoneApp(log)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("n")  # the opening: its clock runs
        await pilot.pause()
        filler = fill(disk)
        # a page of slack may still take a line or two: keep pressing until the disk says no
        deadline = time.monotonic() + 20
        while not any(NOTICE in m for m in notices(app)) and time.monotonic() < deadline:
            await pilot.press("plus")  # one more minute: an event each time
            await pilot.pause()
        assert await shows_calm_notice(pilot, app)
        assert app.is_running
        events_before = len(log.events())
        filler.unlink()
        await pilot.press("n")  # the next stage: it works again
        await pilot.pause()
        assert len(log.events()) == events_before + 1
        assert log.state().stage is not None


async def test_a_plugin_command_on_a_disk_that_refuses_keeps_the_plugin_on(tmp_path, monkeypatch):
    """The disk's trouble is not the plugin's: a calm notice, and the plugin stays enabled."""
    from kusanone_tui.plugin_host import PluginHost

    host = PluginHost.discover([])
    chosen = load("hitokoto_kai", extra_types=host.stage_types(), extra_templates=host.templates())
    log = SessionStore(tmp_path / "store").create(chosen, title="ひとこと")
    while log.state().stage is None or log.state().stage.type != "hitokoto":
        from kusanone_tui.meeting import Meeting

        Meeting(log).next_stage()
    disk = Refusal(monkeypatch, no_space(log.path))
    app = KusanoneApp(log, plugins=host)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("d")  # draw a card: the plugin appends an event
        assert await shows_calm_notice(pilot, app)
        assert host.records["hitokoto"].enabled
        disk.allow()
        await pilot.press("d")
        assert await wait_until(
            pilot, lambda: any(e.kind == "hitokoto:drawn" for e in log.events())
        )


async def test_a_walk_in_and_a_backstage_record_the_disk_refused_are_still_typed(
    tmp_path, monkeypatch
):
    """A dialog's write that fails reopens the dialog with what was typed: nothing is lost."""
    log = new_log(tmp_path)
    disk = Refusal(monkeypatch, no_space(log.path))
    app = KusanoneApp(log)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"あたらしい人", "enter")
        assert await shows_calm_notice(pilot, app)
        def typed(field: str, text: str) -> bool:
            found = app.screen.query(field)
            return bool(found) and found.first().value == text

        assert await wait_until(pilot, lambda: typed("#join-name", "あたらしい人"))
        disk.allow()
        await pilot.press("enter")
        assert await wait_until(
            pilot, lambda: any(p.name == "あたらしい人" for p in log.state().participants.values())
        )
        disk.refuse()
        await pilot.press("u")
        await pilot.pause()
        app.screen.query_one("#ura-people").value = "はな"
        app.screen.query_one("#ura-text").value = "またね"
        await pilot.click("#ura-save")
        assert await wait_until(pilot, lambda: typed("#ura-text", "またね"))
        assert app.screen.query_one("#ura-people").value == "はな"
