"""Reflecting turns, breakouts and backstage, driven through the screens."""

from __future__ import annotations

from kusanone_tui.meeting import Meeting
from kusanone_tui.store.registry import Registry
from kusanone_tui.store.sessions import COMMUNITY_FILE, SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.screens.projector import ProjectorScreen

SIZE = (150, 45)


def session(tmp_path, clock):
    log = SessionStore(tmp_path / "s").create(load("teireikai"), title="会", clock=clock)
    meeting = Meeting(log)
    people = {
        name: meeting.join(name, show_name=show)
        for name, show in (("あおい", True), ("はると", True), ("ゆき", True), ("そら", False))
    }
    return log, meeting, people


async def test_a_reflecting_turn(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(2)  # リフレクティング
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "まもなく始まります" in text  # what the room reads
        assert "r で役割を決め、p で会話を始めます" in text  # the facilitator's own key hint
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#roles-talker").value = people["あおい"]
        dialog.query_one("#roles-interviewer").value = people["はると"]
        team = dialog.query_one("#roles-team")
        team.select(people["ゆき"])
        team.select(people["そら"])
        dialog.query_one("#roles-typed").value = "森さん"
        await pilot.click("#roles-ok")
        await pilot.pause()
        current = log.state().reflecting
        assert current.talkers == [people["あおい"]] and current.interviewer == people["はると"]
        assert current.team == [people["ゆき"], people["そら"], "森さん"]

        await pilot.press("p")  # conversation: 6 minutes by default
        await pilot.pause()
        text = screen_text(app)
        assert "会話  06:00" in text
        assert "話しています　話し手：あおい　聞き手：はると" in text
        # そら chose not to be shown
        assert "聞いています　リフレクティング・チーム：ゆき、参加者4、森さん" in text

        # the note-taker's notes are tagged with the phase
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*"conversation note", "enter")
        await pilot.press("f1")
        clock.advance(5 * 60)
        await pilot.press("p")  # reflection: the team talks, the talker listens
        await pilot.pause()
        text = screen_text(app)
        assert "リフレクション" in text
        assert "話しています　リフレクティング・チーム：ゆき、参加者4、森さん" in text
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*"it may be", "enter")
        await pilot.press("f3")  # the projector shows the phase's ground rules
        await wait_until(pilot, lambda: "と控えめに" in screen_text(app))
        text = screen_text(app)
        assert "「〜かもしれない」「〜と感じました」と控えめに" in text
        assert "助言はしない" in text
        await pilot.press("f1")
        await pilot.press("p", "p")  # the talker's response, then back to the room
        await pilot.pause()
        assert "全体に戻る" in screen_text(app)
        assert "リフレクション（2巡目）" not in screen_text(app)
    tags = [next(t for t in n.tags if t.startswith("phase:")) for n in log.state().notes.values()]
    assert tags == ["phase:conversation", "phase:reflection"]


async def test_a_breakout_with_moves_and_report_back(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(4)  # 分科会
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "居場所部会" in text and "イベント部会" in text
        await pilot.press("g")  # a group made on the spot
        await pilot.pause()
        await pilot.press(*"cafe", "enter")
        await pilot.pause()
        await pilot.press("z")  # balance automatically
        await pilot.pause()
        seats = log.state().breakout.seats
        assert len(seats) == 4 and len(set(seats.values())) == 3
        roster = app.screen.query_one("#roster")
        roster.focus()
        await pilot.press("home")
        before = seats[people["あおい"]]
        await pilot.press("m")  # anyone may move
        await pilot.pause()
        assert log.state().breakout.seats[people["あおい"]] != before
        await pilot.press("k")  # the topic of あおい's group
        await pilot.pause()
        await pilot.press(*"next event", "enter")
        await pilot.pause()
        gid = log.state().breakout.seats[people["あおい"]]
        assert log.state().breakout.groups[gid].topic == "next event"
        # the note-taker writes for that group, and marks a public summary
        await pilot.press("f2")
        await pilot.pause()
        groups = list(log.state().breakout.groups)
        for _ in range(groups.index(gid) + 1):
            await pilot.press("ctrl+k")
        await pilot.press("ctrl+t")  # public
        await pilot.press(*"SUMMARYxMARK", "enter")
        await pilot.press("ctrl+t", "ctrl+t")  # private
        await pilot.press(*"PRIVATExMARK", "enter")
        await pilot.pause()
        notes = list(log.state().notes.values())
        assert [n.group_id for n in notes] == [gid, gid]
        await pilot.press("ctrl+l", "up", "ctrl+y")  # the public one is the summary
        await pilot.pause()
        assert "summary" in log.state().notes[notes[0].id].tags
        # a soft notice near the end, on the projector too
        clock.advance(18 * 60)
        await pilot.press("f3")
        await wait_until(pilot, lambda: "まもなく全体に戻ります" in screen_text(app))
        text = screen_text(app)
        assert "next event" in text
        assert "あおい" in text and "そら" not in text
        await pilot.press("f1")
        await pilot.press("n")  # report-back
        await pilot.press("f3")
        await wait_until(pilot, lambda: "SUMMARYxMARK" in screen_text(app))
        text = screen_text(app)
        assert "分科会からの報告" in text
        assert "PRIVATExMARK" not in text and "PRIVATExMARK" not in app.export_screenshot()


async def test_backstage_records_from_both_screens_stay_private(tmp_path, clock):
    log, meeting, _people = session(tmp_path, clock)
    registry = Registry(log.path.parent / COMMUNITY_FILE)
    registry.add_group("まんまの会")
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # before the meeting starts
        await pilot.press("u")
        await pilot.pause()
        assert "ウラの記録（非公開）" in screen_text(app)
        assert "まんまの会" in screen_text(app)  # the registry suggests where to invite
        await pilot.press("down", "down", "enter")  # 誘った
        await pilot.press(*"URAxNAME", "enter")  # Enter moves on to "invited to"
        await pilot.pause()
        app.screen.query_one("#ura-invited").value = "まんまの会"
        await pilot.press("enter", *"URAxTEXT", "enter")  # the note, then saved
        await pilot.pause()
        record = next(iter(log.state().notes.values()))
        assert record.backstage and record.visibility == "private"
        assert record.people == ("URAxNAME",) and record.invited_to == "まんまの会"
        # from the note-taker's screen, during the break, nobody named
        meeting.start_stage(3)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert "誘った" in screen_text(app)  # the earlier record is listed
        await pilot.press("enter", "enter", "enter", "enter")  # あいさつした, nobody named
        await pilot.pause()
        assert len([n for n in log.state().notes.values() if n.backstage]) == 2
        await pilot.press("f3")
        # the room's view is up and drawn from the log as it is now; then what it must not show
        await wait_until(
            pilot, lambda: isinstance(app.screen, ProjectorScreen) and app.shows_latest()
        )
        for marker in ("URAxNAME", "URAxTEXT"):
            assert marker not in screen_text(app) and marker not in app.export_screenshot()


async def test_registry_from_a_note(tmp_path, clock):
    log, _meeting, _people = session(tmp_path, clock)
    Meeting(log, "notes").add_note("居場所カフェ", "minutes")
    app = KusanoneApp(log, role="notes", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l", "ctrl+n")
        await pilot.pause()
        assert "つながりを記録する" in screen_text(app)
        await pilot.press("down", "enter")  # an activity that was born
        await pilot.pause()
        app.screen.query_one("#reg-groups").value = "まんまの会、イベント部会"
        await pilot.click("#reg-save")
        await pilot.pause()
    registry = Registry(log.path.parent / COMMUNITY_FILE)
    (activity,) = registry.activities()
    assert activity.name == "居場所カフェ" and len(activity.groups) == 2
    assert sorted(g.name for g in registry.groups()) == ["まんまの会", "イベント部会"]
