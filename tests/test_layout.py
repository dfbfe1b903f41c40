"""The facilitator's screen fits the room's terminals (issue 13, point 5).

At 80×24 it keeps the stage, the clock, now/next and the stage's panel; from 100 columns up no
line breaks inside a name; the key bar never cuts a label; every dialog keeps its buttons in view.
"""

from __future__ import annotations

import pytest
from rich.text import Text
from test_snapshots import DIALOGS, open_and_wait, scene, settled
from textual.widgets import Button, Digits

from kusanone_tui.i18n import t
from kusanone_tui.meeting import Meeting
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.base import fit_lines
from kusanone_tui.tui.widgets import KeyBar, screen_keys

LONG = "さくらの母の友だちのみどり"  # 13 characters, 26 cells: a long display name


async def drawn(pilot, app) -> None:
    """Wait until the screen shows the log as it is now, laid out and drawn."""
    await wait_until(pilot, app.shows_latest)
    await wait_until(pilot, settled(app))


def fully_shown(app, widget) -> bool:
    """The widget is on screen whole: not clipped by its container, nor under the key bar."""
    region = widget.region
    screen = app.screen.region
    bar = app.screen.query_one(KeyBar).region if app.screen.query(KeyBar) else None
    inside = screen.contains_region(region) and region.size == widget.outer_size
    return widget.display and region.area > 0 and inside and not (bar and bar.overlaps(region))


async def test_80x24_keeps_the_stage_the_clock_now_next(tmp_path, clock):
    app = KusanoneApp(scene(tmp_path, clock), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(pilot, app)
        text = screen_text(app)
        assert "近況報告" in text  # the stage's title
        assert "いま話している人：さくらの母" in text and "次の人：ゲスト" in text
        assert "経過 06:05" in text
        timer = app.screen.query_one("#stage-timer", Digits)
        assert timer.value == "27:55" and fully_shown(app, timer)
        for line in ("#stage-title", "#round-now", "#round-next"):
            assert fully_shown(app, app.screen.query_one(line))
        assert not app.screen.query_one("#agenda-pane").display  # the agenda folds away


async def test_80x24_keeps_the_breakout_panel(tmp_path, clock):
    app = KusanoneApp(scene(tmp_path, clock, "breakout"), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(pilot, app)
        text = screen_text(app)
        assert "分科会" in text and fully_shown(app, app.screen.query_one("#stage-timer"))
        assert fully_shown(app, app.screen.query_one("#flow-panel"))
        for line in ("■ 居場所部会", "居場所カフェの見学", "■ イベント部会", "みどり、ゲスト"):
            assert line in text


@pytest.mark.parametrize("width", [80, 90, 100, 120])
async def test_the_clock_is_never_cut(tmp_path, clock, width):
    app = KusanoneApp(scene(tmp_path, clock), clock=clock)
    async with app.run_test(size=(width, 24)) as pilot:
        await drawn(pilot, app)
        assert fully_shown(app, app.screen.query_one("#stage-timer"))
        centre = app.screen.query_one("#centre-pane").region
        assert centre.width >= 40


@pytest.mark.parametrize("width", [100, 110, 120, 140])
async def test_no_name_is_broken_from_100_columns(tmp_path, clock, width):
    log = SessionStore(tmp_path / "s").create(load("teireikai"), title="会", clock=clock)
    meeting = Meeting(log)
    meeting.join(LONG)
    meeting.join(LONG + "さん")
    meeting.next_stage()
    meeting.next_stage()
    meeting.next_turn()
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=(width, 30)) as pilot:
        await drawn(pilot, app)
        app.refresh_now()  # lines fitted to the laid-out widths
        await wait_until(pilot, settled(app))
        # the centre column, where the room reads who speaks (the roster may cut a long name)
        centre = app.screen.query_one("#centre-pane").region
        lines = [
            line[centre.x : centre.right].replace("\0", "").strip(" │")
            for line in cells(screen_text(app))
        ]
        assert any(line.startswith(LONG) or f"：{LONG}" in line for line in lines)
        for line in lines:  # a name is whole on one line, or not there at all
            for part in (LONG[:4], LONG[4:8]):
                if part in line and LONG not in line:
                    pytest.fail(f"a name broken across lines: {line!r}")


def cells(text: str) -> list[str]:
    """Each line with a NUL after every wide character, so that a slice is a column range."""
    from rich.cells import cell_len

    return ["".join(c + "\0" * (cell_len(c) - 1) for c in line) for line in text.splitlines()]


def test_fit_lines_breaks_between_names_only() -> None:
    text = fit_lines(Text("   みどり、さくらの母、ゲスト、田中（地域）"), 20)
    lines = ["   みどり、", "   さくらの母、", "   ゲスト、", "   田中（地域）"]
    assert text.plain.split("\n") == lines
    assert fit_lines("いま話している人：さくらの母", 20).plain == "いま話している人：\nさくらの母"
    assert fit_lines("いま話している人：みどり", 40).plain == "いま話している人：みどり"
    assert fit_lines("いま話している人：みどり", 0).plain == "いま話している人：みどり"


@pytest.mark.parametrize("width", [80, 90, 100, 120, 160])
@pytest.mark.parametrize("role", ["facilitator", "notes"])
async def test_the_key_bar_never_cuts_a_label(tmp_path, clock, width, role):
    app = KusanoneApp(scene(tmp_path, clock), role=role, clock=clock)
    async with app.run_test(size=(width, 24)) as pilot:
        await drawn(pilot, app)
        bar = app.screen.query_one(KeyBar)
        shown = bar.entries()
        line = screen_text(app).splitlines()[-1].rstrip()
        known = {(row.key, row.label) for row in screen_keys(app.screen)}
        known.add(("^p", t("help.commands")))
        assert shown and set(shown) <= known
        key, label = shown[-1]
        assert line.endswith(f"{key} {label}")  # the last entry is whole, never a bare key
        for key, label in shown:
            assert f"{key} {label}" in line
        if role == "facilitator":  # every key, and the way on and back, stay on
            keys = [key for key, _ in shown]
            assert keys[:3] == ["?", "n", "b"]
        else:
            assert ("f1", t("keys.facilitator")) in shown


@pytest.mark.parametrize("name", [d for d in DIALOGS if d not in ("palette", "minutes")])
async def test_every_dialog_keeps_its_buttons_at_80x24(tmp_path, clock, name):
    app = KusanoneApp(scene(tmp_path, clock), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_and_wait(pilot, app, name)
        dialog = app.screen
        frame = dialog.query_one("#dialog")
        assert app.screen.region.contains_region(frame.region)
        for button in dialog.query(Button):
            assert fully_shown(app, button), button.label
        for title in dialog.query(".dialog-title"):
            assert fully_shown(app, title)
        if name == "help":
            assert fully_shown(app, dialog.query_one(".buttons"))  # how to close it
        await pilot.press("escape")  # Escape closes every dialog
        await wait_until(pilot, lambda: app.screen is not dialog)
