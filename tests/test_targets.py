"""What a key acts on is in sight, and a toggle's state reads in text (issue 13, point 4).

``x``, ``c``, ``m`` and ``k`` act on the roster's cursor row: it carries ``▸`` (readable on a
projector, without colour) and stays highlighted when the table does not have the focus. Every
check box and selection list shows ``☑`` or ``☐``.
"""

from __future__ import annotations

from kusanone_tui.meeting import Meeting
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.dialogs import JoinDialog
from kusanone_tui.tui.flow_dialogs import RolesDialog
from kusanone_tui.tui.targets import TARGET
from kusanone_tui.tui.toggles import OFF, ON

SIZE = (150, 45)
NAMES = ("あおい", "はると", "ゆき")
ROUND, REFLECTING, BREAKOUT = 1, 2, 4  # teireikai's stages


def session(tmp_path, clock):
    log = SessionStore(tmp_path / "s").create(load("teireikai"), title="会", clock=clock)
    meeting = Meeting(log)
    people = {name: meeting.join(name) for name in NAMES}
    return log, meeting, people


def target_lines(app) -> list[str]:
    """The roster's lines that carry the target marker."""
    return [line for line in screen_text(app).splitlines() if TARGET in line]


def target_name(app) -> str:
    lines = target_lines(app)
    assert len(lines) == 1, lines  # exactly one row is the target
    found = [name for name in NAMES if name in lines[0]]
    assert len(found) == 1, lines[0]
    return found[0]


async def test_the_target_row_is_marked_before_x_acts_even_without_focus(tmp_path, clock):
    log, meeting, _people = session(tmp_path, clock)
    meeting.start_stage(ROUND)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert target_name(app) == "あおい"  # the first row, in sight from the start
        await pilot.press("down")
        await pilot.pause()
        assert target_name(app) == "はると"  # the marker follows the cursor
        app.screen.set_focus(None)  # the table loses the focus: the target stays marked
        await pilot.pause()
        assert target_name(app) == "はると"
        roster = app.screen.query_one("#roster")
        assert not roster.has_focus
        cursor_style = roster.get_component_styles("datatable--cursor")
        assert cursor_style.background != roster.styles.background  # still highlighted

        await pilot.press("x")  # the marked one leaves, nobody else
        await pilot.pause()
        gone = [p.name for p in log.state().participants.values() if not p.present]
        assert gone == ["はると"]
        assert target_name(app) in ("あおい", "ゆき")  # a row still marked after the change


async def test_c_calls_the_marked_person(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(ROUND)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()
        assert target_name(app) == "ゆき"
        await pilot.press("c")
        await pilot.pause()
        assert log.state().turn.participant_id == people["ゆき"]
        # The marker keeps its place beside the speaker's ▶, one row, one cell.
        assert target_name(app) == "ゆき"


async def test_m_moves_the_marked_person(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(BREAKOUT)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        assert target_name(app) == "はると"
        await pilot.press("m")
        await pilot.pause()
        seats = log.state().breakout.seats
        assert list(seats) == [people["はると"]]


# -- toggles --------------------------------------------------------------------------------


def line_with(app, words: str) -> str:
    lines = [line for line in screen_text(app).splitlines() if words in line]
    assert len(lines) == 1, (words, lines)
    return lines[0]


async def test_a_check_box_s_state_reads_as_a_glyph(tmp_path, clock):
    log, _meeting, _people = session(tmp_path, clock)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, JoinDialog)
        show = app.screen.query_one("#join-show")
        in_minutes = app.screen.query_one("#join-minutes")
        show_label, minutes_label = str(show.label), str(in_minutes.label)
        assert ON in line_with(app, show_label)  # ticked by default
        assert OFF in line_with(app, minutes_label)  # not ticked
        in_minutes.focus()
        await pilot.press("space")
        show.focus()
        await pilot.press("space")
        await pilot.pause()
        assert in_minutes.value and not show.value
        assert ON in line_with(app, minutes_label)
        assert OFF in line_with(app, show_label)


async def test_the_reflecting_team_list_shows_who_is_ticked(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RolesDialog)
        team = app.screen.query_one("#roles-team")
        for name in NAMES:  # nobody is on the team yet, and it reads so
            assert f"{OFF}▌ {name}" in line_with(app, f"▌ {name}")
        team.focus()
        await pilot.press("space")  # ticks the highlighted first row
        await pilot.pause()
        assert list(team.selected) == [people["あおい"]]
        assert f"{ON}▌ あおい" in line_with(app, "▌ あおい")
        assert f"{OFF}▌ はると" in line_with(app, "▌ はると")
        await pilot.press("space")  # and unticks it again
        await pilot.pause()
        assert list(team.selected) == []
        assert f"{OFF}▌ あおい" in line_with(app, "▌ あおい")


async def test_a_long_name_is_cut_in_the_roster_and_keeps_everyones_position_in_sight(
    tmp_path, clock
):
    """The roster fits its pane: a very long display name is cut with "…" instead of pushing
    the 立場 column out of sight for every row (the roster has no sideways scrolling)."""
    from kusanone_tui.testing import wait_until

    log = SessionStore(tmp_path / "s").create(load("teireikai"), title="会", clock=clock)
    meeting = Meeting(log)
    meeting.join("みどり", "family")
    long = "とても長い名前の参加者" * 20 + "おわり"
    meeting.join(long, "neighbour")
    for size in ((120, 36), (80, 24)):
        app = KusanoneApp(log, clock=clock)
        async with app.run_test(size=size) as pilot:
            await wait_until(pilot, lambda app=app: "みどり" in screen_text(app))
            text = screen_text(app)
            rows = [line for line in text.splitlines() if "みどり" in line or "とても長い" in line]
            assert any("家族" in line for line in rows if "みどり" in line), rows
            (cut,) = [line for line in rows if "とても長い" in line]
            assert "…" in cut and "おわり" not in cut and "地域住民" in cut, cut
