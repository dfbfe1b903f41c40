"""Mistakes can be undone (issue 13, point 3).

The model: an undo (``flow.undone``) makes the fold as if the undone events never happened, in a
full fold and an incremental one alike, and an undo of an undo brings them back. The meeting:
each flow action is one undoable action; going back a stage and on again resumes it. The
facilitator's screen: ``ctrl+z`` takes back ``x``, ``m``, ``z``, an open-mic cancel; ``b`` then
``n`` keeps the round; ``o`` mid-round asks first. The undo is in the file: a restart and another
process see it.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_model_properties import Log, logs

from kusanone_tui.api import PluginAPI
from kusanone_tui.meeting import Meeting
from kusanone_tui.model import round as rounds
from kusanone_tui.model.events import UNDO_KIND, Actor, Event
from kusanone_tui.model.state import MeetingState, apply, fold
from kusanone_tui.model.views import export_events, export_state
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import FakeClock, screen_text
from kusanone_tui.tui.app import KusanoneApp

SIZE = (120, 36)
ROUND = 1  # 近況報告 in the regular meeting's template
BREAKOUT = 4  # 分科会

PROPS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- the model ---------------------------------------------------------------------------------


@st.composite
def logs_with_undos(draw: st.DrawFn) -> tuple[Log, list[Event], set[str]]:
    """A generated log with undos put in after what they take back; the ids taken back."""
    log = draw(logs())
    events = list(log.events)
    undone: set[str] = set()
    rng = random.Random(draw(st.integers(0, 2**32)))
    out: list[Event] = []
    seq = len(events)
    for event in events:
        out.append(event)
        if event.kind == "session.created" or not draw(st.booleans()):
            continue
        # Take back a few earlier events (one "action"), now or a little later.
        earlier = [e for e in out if e.kind not in ("session.created", UNDO_KIND)]
        earlier = [e for e in earlier if e.id not in undone]
        if not earlier:
            continue
        chosen = rng.sample(earlier, k=min(len(earlier), rng.randint(1, 3)))
        seq += 1
        undo = Event(
            UNDO_KIND,
            {"event_ids": [e.id for e in chosen]},
            Actor("facilitator"),
            event.at,
            id=f"undo{seq:05d}",
            seq=seq,
        )
        out.append(undo)
        undone.update(e.id for e in chosen)
    return log, out, undone


def _same_but_counts(got: MeetingState, expected: MeetingState) -> None:
    """Equal states, apart from what counts every event of the log (undone or not)."""
    expected = dataclasses.replace(
        expected, event_count=got.event_count, last_seq=got.last_seq, undone=got.undone
    )
    assert got == expected
    assert export_state(got, "private") == export_state(expected, "private")


@PROPS
@given(logs_with_undos())
def test_a_fold_with_undos_is_the_fold_without_the_undone_events(case) -> None:
    _log, events, undone = case
    got = fold(events)
    kept = [e for e in events if e.kind != UNDO_KIND and e.id not in undone]
    _same_but_counts(got, fold(kept))
    assert got.undone == undone
    assert got.event_count == len(events)


@PROPS
@given(logs_with_undos())
def test_incremental_apply_with_undos_equals_the_full_fold(case) -> None:
    _, events, _ = case
    full = fold(events)
    for k in range(0, len(events) + 1, max(1, len(events) // 12)):
        state = fold(events[:k])
        for event in events[k:]:
            assert apply(state, event) is state
        assert state == full, f"split at {k}"
        assert export_state(state, "private") == export_state(full, "private")


@PROPS
@given(logs_with_undos())
def test_an_undo_of_every_undo_brings_everything_back(case) -> None:
    log, events, _ = case
    undos = [e for e in events if e.kind == UNDO_KIND]
    redo = Event(
        UNDO_KIND, {"event_ids": [u.id for u in undos]}, Actor("facilitator"), log.at, "redo", 10**6
    )
    plain = fold(log.events)
    _same_but_counts(fold([*events, redo]), plain)


@PROPS
@given(logs_with_undos())
def test_what_was_undone_is_not_in_the_minutes_export(case) -> None:
    _, events, undone = case
    state = fold(events)
    for audience in ("public", "minutes"):
        exported = export_events(events, state, audience)
        assert all(record["id"] not in undone for record in exported)
        assert all(record["kind"] != UNDO_KIND for record in exported)


# -- the meeting ----------------------------------------------------------------------------------


def new_log(tmp_path: Path, clock: FakeClock) -> SessionLog:
    return SessionStore(tmp_path / "store").create(load("teireikai"), title="会", clock=clock)


def mid_round(tmp_path: Path, clock: FakeClock) -> tuple[SessionLog, Meeting, dict[str, str]]:
    """Four people; the round of updates under way: あおい spoke, はると is speaking."""
    log = new_log(tmp_path, clock)
    meeting = Meeting(log)
    people = {name: meeting.join(name) for name in ("あおい", "はると", "ゆき", "そら")}
    meeting.start_stage(ROUND)
    clock.advance(60)
    meeting.next_turn()  # あおい
    clock.advance(180)
    meeting.next_turn()  # はると
    clock.advance(60)
    return log, meeting, people


def round_picture(state: MeetingState, now: float) -> tuple:
    speaker = state.turn.participant_id if state.turn else None
    return speaker, rounds.queue(state), list(state.spoken), state.stage_remaining(now)


def test_back_a_stage_and_on_again_resumes_the_round(tmp_path, clock) -> None:
    log, meeting, people = mid_round(tmp_path, clock)
    before = round_picture(log.state(), clock())
    assert before[0] == people["はると"] and before[3] == 30 * 60 - 300
    meeting.previous_stage()
    clock.advance(120)  # the ground rules read again; the round's clock stands still
    meeting.next_stage()
    assert round_picture(log.state(), clock()) == before
    assert log.state().turn.started_at == clock() - 60  # the turn's own time goes on too


def test_an_undone_next_stage_resumes_the_round_too(tmp_path, clock) -> None:
    log, meeting, _people = mid_round(tmp_path, clock)
    before = round_picture(log.state(), clock())
    meeting.next_stage()
    assert meeting.undo()
    assert log.state().stage_index == ROUND
    assert round_picture(log.state(), clock()) == before


def test_each_undo_takes_back_the_action_before(tmp_path, clock) -> None:
    log, meeting, people = mid_round(tmp_path, clock)
    meeting.leave(people["ゆき"])
    events = meeting.next_turn()  # ends はると's turn and opens そら's: one action, two events
    assert len(events) == 2
    undone = meeting.undo()
    assert [e.id for e in undone] == [e.id for e in events]
    assert log.state().turn.participant_id == people["はると"]
    assert meeting.action_label(undone) == "keys.next_turn"
    assert meeting.undo()  # then ゆき's leaving
    assert log.state().participants[people["ゆき"]].present
    assert rounds.queue(log.state())[0] == people["ゆき"]


def test_notes_are_not_undone_and_other_roles_keep_their_own(tmp_path, clock) -> None:
    log, meeting, _people = mid_round(tmp_path, clock)
    notes = Meeting(log, "notes")
    note = notes.add_note("散歩を始めました")
    assert notes.undo() == []  # a note is edited or redacted, not undone
    undone = meeting.undo()  # the facilitator's last action: はると's turn
    assert undone and all(e.kind.startswith("turn.") for e in undone)
    assert note in log.state().notes


def test_the_undo_survives_a_restart_and_another_process_sees_it(tmp_path, clock) -> None:
    log, meeting, people = mid_round(tmp_path, clock)
    other = SessionLog.open(log.path, clock=clock)  # the projector's process
    assert other.state().participants[people["ゆき"]].present
    meeting.leave(people["ゆき"])
    assert not other.state().participants[people["ゆき"]].present  # caught up incrementally
    seen = other.follow()
    meeting.undo()
    fresh = other.follow()
    assert seen is not None and fresh is not None and fresh[-1].kind == UNDO_KIND
    assert other.state().participants[people["ゆき"]].present
    assert other.state() == log.state()
    log.close()
    other.close()
    reopened = SessionLog.open(log.path, clock=clock)
    assert reopened.state().participants[people["ゆき"]].present
    assert Meeting(reopened).action_label(Meeting(reopened).last_action()) is None
    # after a restart, ctrl+z goes on with the action before
    assert Meeting(reopened).undo()[0].kind == "turn.ended"


def test_a_plugin_command_is_one_action(tmp_path, clock) -> None:
    log = new_log(tmp_path, clock)
    Meeting(log).start_stage(0)
    with log.action("facilitator", "抽選"):
        first = log.append("openmic:removed", {"performer": "p1"}, actor=Actor("plugin", "openmic"))
        second = log.append("openmic:lineup", {"now": None}, actor=Actor("plugin", "openmic"))
    assert first.data["action"] == second.data["action"]
    assert first.data["by"] == "facilitator"
    undone = Meeting(log).undo()
    assert {e.id for e in undone} == {first.id, second.id}
    assert Meeting(log).action_label(undone) == "抽選"
    assert "openmic" not in log.state().plugin_events
    undo = log.events()[-1]
    assert undo.kind == UNDO_KIND and undo.data["plugins"] == ["openmic"]


def test_a_replan_of_the_game_tables_can_be_undone(tmp_path) -> None:
    from test_games_plugin import Room

    room = Room(tmp_path)
    for name in ("A", "B", "C", "D", "E", "F", "G", "H"):
        room.join(name)
    room.start_games()
    with room.log.action("facilitator"):
        room.press("plan")
    planned = room.night().current()
    room.leave(next(iter(room.log.state().participants)))
    with room.log.action("facilitator"):
        room.press("replan")
    assert room.night().current() != planned
    assert Meeting(room.log).undo()
    assert room.night().current() == planned


# -- the facilitator's screen -------------------------------------------------------------------


async def settle(pilot, condition, tries: int = 50) -> None:
    """Let the app work until ``condition()`` holds (never a fixed wait)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    assert condition()


def notices(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_back_then_next_mid_round_keeps_the_speaker_the_order_and_the_timer(
    tmp_path, clock
) -> None:
    log, _, _people = mid_round(tmp_path, clock)
    before = round_picture(log.state(), clock())
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: "いま話している人：はると" in screen_text(app))
        await pilot.press("b")
        await settle(pilot, lambda: log.state().stage_index == 0)
        await pilot.press("n")
        await settle(pilot, lambda: log.state().stage_index == ROUND)
        assert round_picture(log.state(), clock()) == before
        await settle(pilot, lambda: "いま話している人：はると" in screen_text(app))
        assert "次の人：ゆき" in screen_text(app)
        assert "25:00" in str(app.screen.query_one("#stage-timer").value)


def asking(app) -> bool:
    """The question before a new order is on the screen (however the dialog wraps it)."""
    screen = app.screen
    return type(screen).__name__ == "ConfirmDialog" and "最初の人から" in screen.question


async def test_order_mid_round_asks_first_and_no_changes_nothing(tmp_path, clock) -> None:
    log, _, people = mid_round(tmp_path, clock)
    count = len(log.events())
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: "いま話している人：はると" in screen_text(app))
        await pilot.press("o")
        await settle(pilot, lambda: asking(app))
        await pilot.press("escape")  # no
        await settle(pilot, lambda: not asking(app))
        await pilot.press("o")
        await settle(pilot, lambda: asking(app))
        await pilot.press("enter")  # the focused button is いいえ
        await settle(pilot, lambda: not asking(app))
        assert len(log.events()) == count
        assert log.state().turn.participant_id == people["はると"]
        assert "いま話している人：はると" in screen_text(app)


async def test_order_before_anyone_spoke_does_not_ask(tmp_path, clock) -> None:
    log = new_log(tmp_path, clock)
    meeting = Meeting(log)
    for name in ("あおい", "はると"):
        meeting.join(name)
    meeting.start_stage(ROUND)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert not asking(app)


async def focus_on(pilot, app, name: str) -> None:
    """Put the roster's highlighted row on ``name``."""
    table = app.screen.query_one("#roster")
    table.focus()
    await pilot.pause()
    state = app.session_log.state()
    pid = next(p.id for p in state.participants.values() if p.name == name)
    table.move_cursor(row=[p.id for p in state.present].index(pid))
    await pilot.pause()


async def test_leave_then_ctrl_z_brings_the_person_back(tmp_path, clock) -> None:
    log, _, people = mid_round(tmp_path, clock)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, lambda: "ゆき" in screen_text(app))
        await focus_on(pilot, app, "ゆき")
        await pilot.press("x")
        await settle(pilot, lambda: not log.state().participants[people["ゆき"]].present)
        await pilot.press("ctrl+z")
        await settle(pilot, lambda: log.state().participants[people["ゆき"]].present)
        assert "もとに戻しました：退出" in notices(app)
        assert rounds.next_speaker(log.state()) == people["ゆき"]
        await settle(pilot, lambda: "次の人：ゆき" in screen_text(app))


async def test_moves_and_balance_in_the_breakout_can_be_undone(tmp_path, clock) -> None:
    log, meeting, _people = mid_round(tmp_path, clock)
    meeting.start_stage(BREAKOUT)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, lambda: "居場所部会" in screen_text(app))
        await pilot.press("z")
        await settle(pilot, lambda: len(log.state().breakout.seats) == 4)
        balanced = dict(log.state().breakout.seats)
        await focus_on(pilot, app, "あおい")
        await pilot.press("m")
        await settle(pilot, lambda: log.state().breakout.seats != balanced)
        await pilot.press("ctrl+z")
        await settle(pilot, lambda: log.state().breakout.seats == balanced)
        assert "もとに戻しました：グループ移動" in notices(app)
        await pilot.press("ctrl+z")
        await settle(pilot, lambda: log.state().breakout.seats == {})
        assert "もとに戻しました：自動で分ける" in notices(app)
        assert log.state().stage_index == BREAKOUT  # the stage itself stays


async def test_ctrl_z_with_nothing_to_undo_says_so_calmly(tmp_path, clock) -> None:
    log = new_log(tmp_path, clock)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+z")
        await settle(pilot, lambda: "もとに戻すものはありません" in notices(app))
        assert [e.kind for e in log.events()] == ["session.created"]


async def test_another_window_sees_the_undo(tmp_path, clock) -> None:
    log, _, people = mid_round(tmp_path, clock)
    projector = SessionLog.open(log.path, clock=clock)  # a second process on the same file
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: "いま話している人：はると" in screen_text(app))
        await pilot.press("n")
        await settle(pilot, lambda: projector.state().stage_index == ROUND + 1)
        await pilot.press("ctrl+z")
        await settle(pilot, lambda: projector.state().stage_index == ROUND)
        assert projector.state().turn.participant_id == people["はると"]
    projector.close()


async def test_an_open_mic_cancel_then_ctrl_z(kusanone_pilot, tmp_path) -> None:
    from test_openmic_kit import WALKIN, festival_day, kusanone_openmic

    clock = FakeClock(festival_day(16, 28))
    async with kusanone_pilot(
        kusanone_openmic, template="trigger_fes", clock=clock, size=(150, 46)
    ) as pilot:
        app = pilot.app
        log = app.session_log
        api = PluginAPI("openmic", log, notify=app.notify, clock=clock)  # the app's clock
        app.plugins.apis["openmic"] = api
        while (log.state().stage_index or -1) < WALKIN:
            await pilot.press("n")
            await pilot.pause()
        for name in ("さくら", "みどり", "はると"):  # signed up at the desk, in the same block
            block = log.state().stage.id
            log.append(
                "openmic:signed_up",
                {"performer": name + "-id", "name": name, "block": block, "visibility": "private"},
                actor=Actor("plugin", "openmic"),
            )
        await settle(pilot, lambda: "はると" in screen_text(app))
        await pilot.press("delete")  # the first one, さくら
        await settle(pilot, lambda: "さくら" not in screen_text(app))
        removed = [e for e in api.events() if e.kind == "openmic:removed"]
        assert len(removed) == 1
        await pilot.press("ctrl+z")
        await settle(pilot, lambda: "さくら" in screen_text(app))
        assert not [e for e in api.events() if e.kind == "openmic:removed"]
        assert log.events()[-1].kind in (UNDO_KIND, "openmic:lineup")
        assert log.state().stage.type == "openmic"  # only the cancel was taken back
