"""The facilitator's screen is on the wall.

Every key and command of the facilitator's app, every dialog and preview opened from it, is
driven with marker strings in private notes, minutes-only notes, backstage (ウラ) records, an
open-mic performer's private wishes and the real names of people who chose a label: no marker
appears anywhere while the app is wall-safe. The private view shows them — entered on purpose,
marked by a banner, and left by itself when the meeting moves on or nobody touches a key.
"""

from __future__ import annotations

import pytest
from test_openmic_kit import Festival

from kusanone_tui.meeting import Meeting
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.private_view import PRIVATE_IDLE_SECONDS

HIDDEN_NAME = "REALxNAME"
MARKERS = (
    "PRIVATExMARK",
    "MINUTESxMARK",
    "URAxMARK",
    "URAxPERSON",
    "URAxPLACE",
    HIDDEN_NAME,
    "WISHxMARK",
)

#: Every key of the facilitator's app; a dialog opened by one is looked at, then closed.
KEYS = [
    "t", "s", "l", "o", "c", "x", "a", "r", "p", "g", "m", "z", "k", "u", "space", "plus",
    "f2", "f1", "f3", "f1", "f4", "question_mark", "ctrl+p", "d", "w", "e", "y", "q", "j",
    "h", "delete", "left_square_bracket", "f",
]  # fmt: skip


def _session(root, clock):
    log = SessionStore(root).create(load("teireikai"), title="会", clock=clock)
    meeting, notes = Meeting(log), Meeting(log, "notes")
    shown = meeting.join("あおい")
    hidden = meeting.join(HIDDEN_NAME, show_name=False, minutes_name=True)
    meeting.join("はると")
    meeting.next_stage()
    meeting.next_stage()  # 近況報告
    meeting.start_round()
    meeting.next_turn()
    notes.add_note("PRIVATExMARK 帰りに声をかける", "private", participant_id=hidden)
    notes.add_note("MINUTESxMARK 議事録だけ", "minutes", participant_id=shown)
    notes.add_note("みんなに見えるメモ", "public", participant_id=shown)
    notes.record_backstage("invited", "URAxMARK", ["URAxPERSON"], "URAxPLACE")
    return log


def _assert_clean(text: str, where: str) -> None:
    for marker in MARKERS:
        assert marker not in text, f"{marker} on the wall after {where}"


async def _look(app, pilot, where: str) -> str:
    # pilot.press has waited for the key to be handled; draw from the log now and wait for the
    # redraw, so an absent marker is absent from a screen that had the chance to show it
    app.refresh_now()
    await pilot.pause()
    text = screen_text(app)
    _assert_clean(text, where)
    return text


async def _every_key_at_every_stage(app, pilot) -> None:
    await _look(app, pilot, "start")
    stages = len(app.session_log.state().template.stages)
    for stage in range(stages + 1):
        for key in KEYS:
            await pilot.press(key)
            await _look(app, pilot, f"{key} at stage {stage}")
            # a dialog, the help, the palette, the minutes: anything over the views
            while app.screen not in app._screens.values():
                await pilot.press("escape")
                await _look(app, pilot, f"{key} then escape at stage {stage}")
            if app.screen is not app._screens.get("facilitator"):
                await pilot.press("f1")
                await _look(app, pilot, f"{key} then f1 at stage {stage}")
        await pilot.press("n")
        await _look(app, pilot, f"n after stage {stage}")


async def test_every_key_and_dialog_of_the_facilitators_screen_is_wall_safe(tmp_path, clock):
    log = _session(tmp_path, clock)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        # the note-taker's screen of this (projected) app: only what the projector shows
        await pilot.press("f2")
        text = await _look(app, pilot, "f2")
        assert "みんなに見えるメモ" in text
        await pilot.press("f1")
        await _every_key_at_every_stage(app, pilot)


@pytest.mark.parametrize("template", ["game_night", "hitokoto_kai", "trigger_fes"])
async def test_each_built_in_plugins_stages_are_wall_safe(tmp_path, clock, template):
    host = PluginHost.discover([])
    chosen = load(template, extra_types=host.stage_types(), extra_templates=host.templates())
    log = SessionStore(tmp_path).create(chosen, title="会", clock=clock)
    meeting, notes = Meeting(log), Meeting(log, "notes")
    for name in ("あおい", "はると", "ゆき", "そら"):
        meeting.join(name)
    hidden = meeting.join(HIDDEN_NAME, show_name=False)
    notes.add_note("PRIVATExMARK", "private", participant_id=hidden)
    notes.add_note("MINUTESxMARK", "minutes", participant_id=hidden)
    notes.record_backstage("invited", "URAxMARK", ["URAxPERSON"], "URAxPLACE")
    app = KusanoneApp(log, clock=clock, plugins=host)
    async with app.run_test(size=(120, 36)) as pilot:
        await _every_key_at_every_stage(app, pilot)


async def test_the_private_view_asks_shows_a_banner_and_leaves_by_itself(tmp_path, clock):
    log = _session(tmp_path, clock)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        assert "プロジェクターに映っていませんか" in screen_text(app)
        await pilot.press("escape")  # no: nothing changes
        await _look(app, pilot, "f5 no")
        assert not app.private_view

        await pilot.press("f5")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert app.private_view
        await pilot.press("f2")
        await pilot.pause()
        app.refresh_now()
        await pilot.pause()
        text = screen_text(app)
        assert "非公開ビュー" in text and "PRIVATExMARK" in text and "MINUTESxMARK" in text
        await pilot.press("f1")
        await pilot.pause()
        app.refresh_now()
        await pilot.pause()
        assert HIDDEN_NAME in screen_text(app)  # who is behind 参加者N
        await pilot.press("u")
        await pilot.pause()
        text = screen_text(app)
        assert "URAxMARK" in text and "非公開ビュー" in text
        await pilot.press("escape")

        # moving the meeting on closes it
        await pilot.press("n")
        text = await _look(app, pilot, "n in the private view")
        assert not app.private_view and "非公開ビュー" not in text

        # and so does a minute with no key
        await pilot.press("f5")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert app.private_view
        clock.advance(PRIVATE_IDLE_SECONDS + 1)
        await _look(app, pilot, "idle")
        assert not app.private_view


async def test_the_note_takers_own_app_keeps_its_full_view(tmp_path, clock):
    log = _session(tmp_path, clock)
    app = KusanoneApp(log, role="notes", clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.refresh_now()
        await pilot.pause()
        text = screen_text(app)
        assert "PRIVATExMARK" in text and "MINUTESxMARK" in text


async def test_the_open_mic_panel_is_wall_safe(tmp_path):
    import kusanone_openmic

    festival = Festival(tmp_path)
    festival.to_walkin()
    festival.add("さくら", companion=True, not_before="16:50")
    host = PluginHost(strict=True)
    host.add(kusanone_openmic)
    app = KusanoneApp(festival.log, clock=festival.clock, plugins=host)
    async with app.run_test(size=(140, 40)) as pilot:
        text = await _look(app, pilot, "open mic")
        assert "さくら" in text  # the stage name is what the room sees anyway
        wishes = text
        await pilot.press("f5")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        app.refresh_now()
        await pilot.pause()
        private = screen_text(app)
    assert "同伴" in private and "同伴" not in wishes  # a private wish: only in the private view


def test_a_minutes_only_summary_is_said_to_be_kept_not_missing(tmp_path, clock):
    from kusanone_tui.model.views import projector_view
    from kusanone_tui.tui.base import anonymous
    from kusanone_tui.tui.panels import view_panel

    log = SessionStore(tmp_path).create(load("teireikai"), title="会", clock=clock)
    meeting, notes = Meeting(log), Meeting(log, "notes")
    stages = [stage.type for stage in log.state().template.stages]
    meeting.start_stage(stages.index("breakout"))
    first, second = list(log.state().breakout.groups)[:2]
    notes.mark_summary(notes.add_note("MINUTESxMARK まとめ", "minutes", group_id=first))
    notes.mark_summary(notes.add_note("カフェを見学します", "public", group_id=second))
    meeting.start_stage(stages.index("report_back"))
    text = view_panel(projector_view(log.state(), clock(), anonymous)).plain
    assert "まとめは議事録に残します" in text and "MINUTESxMARK" not in text
    assert "カフェを見学します" in text and "まだありません" not in text
