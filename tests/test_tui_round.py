"""A whole round of updates, driven as the facilitator and the note-taker would drive it."""

from __future__ import annotations

from kusanone_tui.meeting import Meeting
from kusanone_tui.model import round as rounds
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.screens.facilitator import FacilitatorScreen
from kusanone_tui.tui.screens.notes import NotesScreen

SIZE = (140, 40)


def new_log(tmp_path, clock):
    return SessionStore(tmp_path / "store").create(
        load("teireikai"), title="テストの会", clock=clock
    )


async def add_walk_in(pilot, name: str) -> None:
    await pilot.press("a")
    await pilot.pause()
    await pilot.press(*name)
    await pilot.press("enter")
    await pilot.pause()


def roster_marks(app) -> dict[str, str]:
    table = app.screen.query_one("#roster")
    marks = {}
    for row_key in table.rows:
        mark, name, _position = table.get_row(row_key)
        marks[str(name)] = str(mark)[1:]  # after the first character: ▸ marks the keys' target
    return marks


async def test_a_whole_round(tmp_path, clock):
    log = new_log(tmp_path, clock)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "はじまる前です" in screen_text(app)
        for name in ("あおい", "はると", "ゆき"):
            await add_walk_in(pilot, name)
        state = log.state()
        assert [p.name for p in state.participants.values()] == ["あおい", "はると", "ゆき"]
        # opening, then the round of updates
        await pilot.press("n", "n")
        await pilot.pause()
        assert log.state().stage.type == "round"
        assert "近況報告：t で始めます" in screen_text(app)

        await pilot.press("t")  # first speaker
        await pilot.pause()
        text = screen_text(app)
        assert "いま話している人：あおい" in text
        assert "次の人：はると" in text

        await pilot.press("s")  # あおい passes: the turn goes on, nothing marks it
        await pilot.pause()
        assert "いま話している人：はると" in screen_text(app)
        marks = roster_marks(app)
        assert marks["あおい"] == ""  # the same as someone who spoke
        assert log.state().passed == list(log.state().participants)[:1]

        await pilot.press("l")  # はると would rather speak later
        await pilot.pause()
        text = screen_text(app)
        assert "いま話している人：ゆき" in text
        assert "次の人：はると" in text

        await add_walk_in(pilot, "おそく")  # a late arrival joins the round, before "later"
        assert "次の人：おそく" in screen_text(app)

        # the note-taker writes ゆき's update, minutes-only by default
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        await pilot.press(*"sanpo ni itta")
        await pilot.press("enter")
        await pilot.pause()
        note = list(log.state().notes.values())[-1]
        assert (note.text, note.visibility) == ("sanpo ni itta", "minutes")
        assert log.state().participants[note.participant_id].name == "ゆき"
        # this app is the facilitator's, likely on the wall: a minutes-only note is saved, said
        # beside the box, and not listed (the note-taker's own app lists it)
        text = screen_text(app)
        assert "保存しました（議事録のみ）" in text and "sanpo ni itta" not in text

        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        await pilot.press("t", "t")  # ゆき done, おそく speaks, then はると comes back
        await pilot.pause()
        assert "いま話している人：はると" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        assert "みなさんの近況報告が終わりました" in screen_text(app)
        state = log.state()
        assert rounds.round_done(state)
        kinds = [e.kind for e in log.events()]
        assert kinds.count("turn.passed") == 1 and kinds.count("turn.deferred") == 1


async def test_note_visibility_edit_and_redact(tmp_path, clock):
    log = new_log(tmp_path, clock)
    app = KusanoneApp(log, role="notes", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"first", "enter")
        await pilot.press("ctrl+t")  # minutes -> public
        await pilot.press(*"second", "enter")
        # each note starts again from 議事録のみ: two presses for a private one
        await pilot.press("ctrl+t", "ctrl+t")  # minutes -> public -> private
        await pilot.press(*"third", "enter")
        await pilot.pause()
        notes = list(log.state().notes.values())
        assert [(n.text, n.visibility) for n in notes] == [
            ("first", "minutes"),
            ("second", "public"),
            ("third", "private"),
        ]
        text = screen_text(app)
        assert "[公開]" in text and "[非公開（ウラ）]" in text

        # change the visibility of the highlighted (last) note from the list
        await pilot.press("ctrl+l")
        await pilot.press("up")  # "second"
        await pilot.press("ctrl+t")  # public -> private
        await pilot.pause()
        assert log.state().notes[notes[1].id].visibility == "private"

        # edit it
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("ctrl+u")
        await pilot.press(*"second, edited", "enter")
        await pilot.pause()
        assert log.state().notes[notes[1].id].text == "second, edited"

        # redact it: asked first, then the text leaves the disk
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "このメモを消去しますか" in screen_text(app)
        await pilot.click("#yes")
        await pilot.pause()
        assert log.state().notes[notes[1].id].redacted
        raw = log.path.read_bytes().decode("utf-8")
        assert "second" not in raw and "first" in raw
        assert "（消去しました）" in screen_text(app)


async def test_draft_comes_back_after_a_crash(tmp_path, clock):
    log = new_log(tmp_path, clock)
    app = KusanoneApp(log, role="notes", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")  # public
        await pilot.press(*"half written")
        await pilot.pause()
    # the app is gone without saving; a new one on the same session gets the draft back
    again = KusanoneApp(type(log).open(log.path), role="notes", clock=clock)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = again.screen
        assert screen.query_one("#note-input").value == "half written"
        assert screen.visibility == "public"
        await pilot.press("enter")
        await pilot.pause()
    assert [n.text for n in log.state().notes.values()] == ["half written"]
    assert not (log.path.parent / f".{log.path.name}.draft-notes.json").exists()


async def test_timers_pause_extend_and_cue(tmp_path, clock):
    log = new_log(tmp_path, clock)
    meeting = Meeting(log)
    meeting.join("あおい")
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")  # opening: 5 minutes
        await pilot.pause()
        clock.advance(60)
        await wait_until(pilot, lambda: app.screen.query_one("#stage-timer").value == "04:00")
        assert log.state().stage_remaining(clock()) == 240
        await pilot.press("space")  # pause
        clock.advance(120)
        await pilot.press("space")  # resume
        await pilot.press("plus")  # one more minute
        await pilot.pause()
        assert log.state().stage_remaining(clock()) == 300
        timer = app.screen.query_one("#stage-timer")
        assert timer.value == "05:00"
        clock.advance(301)
        await wait_until(pilot, lambda: timer.has_class("over"))
        assert timer.value.startswith("+")
        # the round's per-turn cue is a colour, never a sound
        await pilot.press("n", "t")
        clock.advance(3 * 60)
        await wait_until(pilot, lambda: app.screen.query_one("#round-now").has_class("turn-over"))


async def test_help_lists_every_key_and_the_palette_has_them(tmp_path, clock):
    app = KusanoneApp(new_log(tmp_path, clock), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for label in ("次へ", "一時停止/再開", "1分延長", "参加", "記録"):
            assert label in text
        assert "パス" not in text  # the help lists what acts now: no round yet (issue 13)
        # the palette and the footer offer the keys of the stage at hand
        assert "次へ" in commands and "パス" not in commands
        await pilot.press("escape", "n", "n")
        await pilot.pause()
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "パス" in commands and "あとで" in commands and "役割" not in commands


async def test_english(tmp_path, clock):
    from kusanone_tui.i18n import set_language

    set_language("en")
    app = KusanoneApp(new_log(tmp_path, clock), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Not started yet" in text and "Agenda" in text and "Pause/resume" in text


async def test_general_note_leave_and_random_order(tmp_path, clock):
    log = new_log(tmp_path, clock)
    meeting = Meeting(log)
    ids = [meeting.join(name) for name in ("あ", "い", "う", "え")]
    meeting.next_stage()
    meeting.next_stage()
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")  # choose the order: random
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        started = [e for e in log.events() if e.kind == "round.started"][-1]
        assert started.data["mode"] == "random" and isinstance(started.data["seed"], int)
        assert sorted(started.data["order"]) == sorted(ids)
        assert "順番：ランダム" in screen_text(app)
        # an early leaver: highlight the last row and press x
        roster = app.screen.query_one("#roster")
        roster.focus()
        await pilot.press("end", "x")
        await pilot.pause()
        gone = [p for p in log.state().participants.values() if not p.present]
        assert len(gone) == 1 and gone[0].id not in rounds.queue(log.state())
        assert gone[0].name not in [str(roster.get_row_at(i)[1]) for i in range(roster.row_count)]
        await pilot.press("t")
        await pilot.pause()
        speaker = log.state().turn.participant_id
        # the note-taker switches to a general note while someone speaks
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("ctrl+g", *"room note", "enter")
        await pilot.press("ctrl+g", *"speaker note", "enter")
        await pilot.pause()
        notes = list(log.state().notes.values())
        assert [(n.text, n.participant_id) for n in notes] == [
            ("room note", None),
            ("speaker note", speaker),
        ]
