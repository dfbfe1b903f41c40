"""Navigation that never strands anyone: F1–F4 reach the view they name from any view, and
Escape closes whatever is on top (a dialog, the help, the minutes)."""

from __future__ import annotations

import itertools

from kusanone_tui.meeting import Meeting
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import wait_until
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.screens.facilitator import FacilitatorScreen
from kusanone_tui.tui.screens.minutes import MinutesScreen
from kusanone_tui.tui.screens.notes import NotesScreen
from kusanone_tui.tui.screens.projector import ProjectorScreen

VIEWS = {"f1": FacilitatorScreen, "f2": NotesScreen, "f3": ProjectorScreen, "f4": MinutesScreen}


async def _wait_for(pilot, kind) -> bool:
    return await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind))


async def test_every_f_key_from_every_view(tmp_path, clock):
    log = SessionStore(tmp_path).create(load("teireikai"), title="会", clock=clock)
    Meeting(log).join("あおい")
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for first, then in itertools.product(VIEWS, repeat=2):
            await pilot.press(first)
            assert await _wait_for(pilot, VIEWS[first]), f"{first} did not open its view"
            await pilot.press(then)
            if first == then == "f4":  # F4 on the minutes closes them, as Escape does
                assert await _wait_for(pilot, FacilitatorScreen)
                continue
            assert await _wait_for(pilot, VIEWS[then]), f"{then} after {first} was stranded"
            if then == "f4":
                await pilot.press("escape")  # the minutes close with Escape too
                assert await _wait_for(pilot, VIEWS[first] if first != "f4" else FacilitatorScreen)
            await pilot.press("f1")
            assert await _wait_for(pilot, FacilitatorScreen)


async def test_escape_closes_every_dialog_and_overlay(tmp_path, clock):
    log = SessionStore(tmp_path).create(load("teireikai"), title="会", clock=clock)
    meeting = Meeting(log)
    meeting.join("あおい")
    meeting.start_stage(1)  # 近況報告: o (the order) asks
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in ("a", "o", "u", "question_mark", "f4", "ctrl+p", "f5", "n", "r"):
            if key == "n":  # on to リフレクティング: the roles dialog is there
                await pilot.press("n")
                continue
            await pilot.press(key)
            await wait_until(
                pilot,
                lambda: app.screen not in app._screens.values() or app.screen.query("CommandInput"),
            )
            await pilot.press("escape")
            assert await _wait_for(pilot, FacilitatorScreen), f"escape did not close {key}"
