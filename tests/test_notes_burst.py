"""Every note typed lands exactly once, in order, whole, however fast the keys come.

Keys that arrive together (a browser tab catching up after a stall, a paste, a fast typist) reach
the app in one read: the terminal driver posts them all at once. ``pilot.press`` waits for the app
to be idle after every key, so it never shows the problem; :func:`burst` posts the keys the way the
driver does. Before the note-taker's line handled Enter itself, 200 notes sent this way were stored
as 200 copies of one merged line.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from test_serve_browser import (
    CHROMIUM,
    BrowserTab,
    DevTools,
    start_chromium,
    start_server,
    stop_chromium,
    stop_server,
)
from textual import events

from kusanone_tui import testing
from kusanone_tui.demo import create_demo
from kusanone_tui.meeting import Meeting
from kusanone_tui.serve import SessionServer, new_tokens
from kusanone_tui.store.drafts import Draft
from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text
from kusanone_tui.tui.app import KusanoneApp

SIZE = (120, 36)
ENTER = "enter"


@pytest.fixture(autouse=True)
def _drafts_stay_here(tmp_path, monkeypatch):
    """A draft that cannot be kept beside the session goes to a folder of this test."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def new_log(tmp_path: Path) -> SessionLog:
    return SessionStore(tmp_path / "store").create(load("teireikai"), title="はやい手")


def burst(app: KusanoneApp, keys: list[str]) -> None:
    """Post ``keys`` to the app at once, as the terminal driver does for keys read together."""
    for key in keys:
        character = "\r" if key == ENTER else (key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


def typed(texts: list[str]) -> list[str]:
    """The keys for typing each text and pressing Enter after it."""
    return [key for text in texts for key in (*text, ENTER)]


def note_texts(path: Path) -> list[str]:
    return [note.text or "" for note in SessionLog.open(path).state().notes.values()]


async def wait_for_notes(pilot, path: Path, count: int, seconds: float = 60) -> list[str]:
    """The session's notes once there are ``count`` (or whatever is there after ``seconds``)."""
    with contextlib.suppress(AssertionError):
        await testing.wait_until(pilot, lambda: len(note_texts(path)) >= count, seconds)
    return note_texts(path)


async def wait_until(pilot, check, seconds: float = 20) -> bool:
    """:func:`kusanone_tui.testing.wait_until` with a longer default (bursts on a busy CI)."""
    return await testing.wait_until(pilot, check, seconds)


async def quiet(pilot, app) -> None:
    """Everything typed is handled and shown: the app's messages done, the screen drawn from
    the log as it is now. A note landing twice would be in the log by then."""
    await pilot.pause()
    await wait_until(pilot, app.shows_latest)


def drafts_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.draft-*.json"))


async def test_200_notes_with_no_pause_all_land_once_in_order(tmp_path):
    log = new_log(tmp_path)
    sent = [f"メモ{n:03d} [b]x[/b]" for n in range(200)]
    app = KusanoneApp(log, role="notes")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, typed(sent))
        stored = await wait_for_notes(pilot, log.path, len(sent))
        assert await wait_until(pilot, lambda: app.screen.query_one("#note-input").value == "")
        await quiet(pilot, app)  # anything more would have landed by now
        stored = note_texts(log.path)
        assert stored == sent  # exactly 200, in order, each whole: nothing merged, twice, lost
        assert "メモ199 [b]x[/b]" in screen_text(app)  # the list shows the last one, literally
        assert not drafts_of(log.path)  # all saved: no draft left


async def test_the_next_notes_visibility_takes_effect_between_the_keys_around_it(tmp_path):
    """Ctrl+T between two notes in one burst changes the second note, not the first; after each
    note the next one starts again from the usual visibility (議事録のみ)."""
    log = new_log(tmp_path)
    app = KusanoneApp(log, role="notes")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys = [*"one", ENTER, "ctrl+t", *"two", ENTER, "ctrl+t", "ctrl+t", *"three", ENTER]
        burst(app, keys)
        await wait_for_notes(pilot, log.path, 3)
        notes = list(log.state().notes.values())
        assert [(n.text, n.visibility) for n in notes] == [
            ("one", "minutes"),
            ("two", "public"),
            ("three", "private"),  # back to 議事録のみ after "two", then two presses
        ]
        await pilot.pause()
        assert " 議事録のみ " in screen_text(app)  # and the next one is the usual again


async def test_two_apps_on_one_session_alternating_with_no_pause(tmp_path):
    log = new_log(tmp_path)
    first = KusanoneApp(SessionLog.open(log.path), role="notes")
    second = KusanoneApp(SessionLog.open(log.path), role="notes")
    a_notes = [f"A-{n:03d}" for n in range(100)]
    b_notes = [f"B-{n:03d}" for n in range(100)]
    async with first.run_test(size=SIZE) as a, second.run_test(size=SIZE) as b:
        await a.pause()
        await b.pause()
        for a_note, b_note in zip(a_notes, b_notes, strict=True):  # A, B, A, B … all at once
            burst(first, typed([a_note]))
            burst(second, typed([b_note]))
        stored = await wait_for_notes(a, log.path, 200)
        await quiet(a, first)
        await quiet(b, second)
        stored = note_texts(log.path)
        assert len(stored) == 200
        assert sorted(stored) == sorted(a_notes + b_notes)  # each once, whole
        assert [s for s in stored if s.startswith("A-")] == a_notes  # each app's in its order
        assert [s for s in stored if s.startswith("B-")] == b_notes
        for app in (first, second):  # and each app lists all of them
            listing = app.screen.query_one("#notes-list")
            assert await wait_until(a, lambda listing=listing: listing.option_count == 200)


async def test_the_draft_keeps_what_was_typed_after_the_last_enter(tmp_path):
    log = new_log(tmp_path)
    app = KusanoneApp(log, role="notes")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, [*typed(["sent-1", "sent-2"]), *"half written"])
        await wait_for_notes(pilot, log.path, 2)
        box = app.screen.query_one("#note-input")
        assert await wait_until(pilot, lambda: box.value == "half written")
        assert await wait_until(pilot, lambda: Draft(log.path).load()[0] == "half written")
    # the app is gone without sending it; the next one gives it back, and it is sent once
    again = KusanoneApp(SessionLog.open(log.path), role="notes")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.screen.query_one("#note-input").value == "half written"
        burst(again, [ENTER])
        assert await wait_for_notes(pilot, log.path, 3) == ["sent-1", "sent-2", "half written"]
    assert not drafts_of(log.path)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_one_note_takers_save_never_removes_anothers_draft(tmp_path):
    """Two note-takers (processes) on one session each keep their own draft."""
    session = new_log(tmp_path).path
    other = session.with_name(f".{session.name}.draft-notes-{subprocess.os.getppid()}.json")
    other.write_text('{"text": "still typing over there", "visibility": "public"}', "utf-8")
    mine = Draft(session)
    mine.save("mine", "minutes")
    mine.clear()  # my note was saved
    assert other.exists()  # theirs is untouched
    assert mine.load() == ("", None)  # and not taken over while its app runs


def test_the_drafts_of_apps_that_are_gone_are_taken_over_once(tmp_path):
    session = new_log(tmp_path).path
    for n, pid in enumerate((dead_pid(), dead_pid())):
        gone = session.with_name(f".{session.name}.draft-notes-{pid}.json")
        gone.write_text(f'{{"text": "left {n}", "visibility": "private"}}', "utf-8")
        stamp = time.time() - 100 + n
        subprocess.os.utime(gone, (stamp, stamp))
    text, visibility = Draft(session).load()
    assert text == "left 0 left 1" and visibility == "private"
    assert Draft(session).load() == (text, visibility)  # now this process's own draft
    assert [p.name for p in drafts_of(session)] == [Draft(session).path.name]


def test_a_draft_that_cannot_be_kept_beside_the_session_goes_to_the_state_folder(
    tmp_path, monkeypatch
):
    session = new_log(tmp_path).path
    draft = Draft(session)
    real_replace = subprocess.os.replace

    def refuse_beside_the_session(src, dst, *args, **kwargs):
        if Path(dst).parent == session.parent:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr("kusanone_tui.store.drafts.os.replace", refuse_beside_the_session)
    assert draft.save("kept elsewhere", "minutes")
    assert draft.fallback_path.is_relative_to(tmp_path / "state")
    assert not list(session.parent.glob("*.tmp"))  # no half-written file left behind
    assert Draft(session).load()[0] == "kept elsewhere"
    draft.clear()
    assert not draft.fallback_path.exists()


async def test_names_and_notes_are_shown_literally_never_as_markup(tmp_path):
    log = new_log(tmp_path)
    meeting = Meeting(log)
    meeting.join("Bob[/]")
    meeting.next_stage()
    meeting.next_stage()  # the round of updates
    meeting.next_turn()  # Bob[/] speaks
    meeting.add_note("[bold red]not bold[/] [/] [link=x]y[/link]", "public")
    app = KusanoneApp(log, role="notes")
    async with app.run_test(size=(140, 36)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Bob[/] さんの近況" in text  # the context line
        assert "[bold red]not bold[/] [/] [link=x]y[/link]" in text  # the list
        burst(app, [*"[/]about Bob[/]", ENTER])
        await wait_for_notes(pilot, log.path, 2)
        assert await wait_until(pilot, lambda: "Bob[/]：[/]about Bob[/]" in screen_text(app))
        assert app.is_running


# -- through kusanone serve: one app process per tab ----------------------------------------------
class Tab:
    """A browser tab as the server sees it: the websocket, read all the time."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.data = b""
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.data += msg.data

    async def wait_for(self, mark: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while mark not in self.data.decode("utf-8", "replace") and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert mark in self.data.decode("utf-8", "replace"), "the tab did not show its screen"

    async def close(self) -> None:
        await self.ws.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.reader, 10)


async def served_notes(path: Path, count: int, seconds: float = 60) -> list[str]:
    deadline = time.monotonic() + seconds
    texts = note_texts(path)
    while len(texts) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        texts = note_texts(path)
    await asyncio.sleep(0.5)  # anything more (a double) would have landed by now
    return note_texts(path)


@pytest.mark.parametrize("spacing", [0.005, 0.0])
async def test_two_note_taker_tabs_of_kusanone_serve(tmp_path, spacing):
    """Two tabs' keys (each note's letters and Enter in one message, as a browser catching up
    sends them) at 5 ms intervals, and all at once."""
    session = create_demo(tmp_path / "store").path
    before = note_texts(session)
    server = SessionServer(
        session, store_root=session.parent, tokens=new_tokens(), title="デモ", out=io.StringIO()
    )
    assert server.tokens is not None
    path = f"/ws/notes/{server.tokens['notes']}?width=150&height=45"
    count = 40
    sent = {name: [f"{name}-{n:02d} [i]x[/i]" for n in range(count)] for name in "AB"}
    async with TestClient(TestServer(server.make_app())) as client:
        tabs = {name: Tab(await client.ws_connect(path)) for name in "AB"}
        for tab in tabs.values():
            await tab.wait_for("Ctrl+T")
        for n in range(count):
            for name, tab in tabs.items():
                await tab.ws.send_json(["stdin", f"{sent[name][n]}\r"])
                if spacing:
                    await asyncio.sleep(spacing)
        stored = (await served_notes(session, len(before) + 2 * count))[len(before) :]
        assert len(server.apps) == 2, "a note-taker's app ended"
        for tab in tabs.values():
            await tab.close()
        deadline = time.monotonic() + 15
        while server.apps and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert not server.apps, "a closed tab's app is still running"
    assert len(stored) == 2 * count
    for name in "AB":
        assert [s for s in stored if s.startswith(f"{name}-")] == sent[name]


# -- and in a real browser: two note-taker tabs of headless Chromium ------------------------------
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (apt-get install chromium)")
@pytest.mark.parametrize("spacing", [0.005, 0.0])
async def test_two_note_taker_tabs_in_chromium(tmp_path, spacing):
    """Each tab types a note (insertText) and presses Enter; the tabs take turns, 5 ms apart or
    with no pause at all (only the DevTools round trip)."""
    session = create_demo(tmp_path / "store").path
    before = note_texts(session)
    count = 25
    sent = {name: [f"{name}{n:02d} [u]x[/u]" for n in range(count)] for name in "AB"}
    server, links = start_server(session)
    chromium, browser_url = start_chromium(tmp_path / "chromium")
    try:
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(browser_url, max_msg_size=0)
            devtools = DevTools(ws)
            tabs = {name: await BrowserTab.open(devtools, links["notes"]) for name in "AB"}
            for tab in tabs.values():
                await tab.wait_for("Ctrl+T")
                await tab.focus_terminal()
            for n in range(count):
                for name, tab in tabs.items():
                    await tab.type(sent[name][n])
                    await tab.enter()
                    if spacing:
                        await asyncio.sleep(spacing)
            stored = (await served_notes(session, len(before) + 2 * count))[len(before) :]
            for tab in tabs.values():
                await tab.close()
            await ws.close()
    finally:
        stop_chromium(chromium)
        stop_server(server)
    assert len(stored) == 2 * count
    for name in "AB":
        assert [s for s in stored if s.startswith(name)] == sent[name]
