"""The projector: what the room sees, and nothing private, even with another process writing."""

from __future__ import annotations

import subprocess
import sys

from test_snapshots import settled

from kusanone_tui.meeting import Meeting
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp

SIZE = (140, 40)
PUBLIC, MINUTES, PRIVATE = "PUBLICxMARK", "MINUTESxMARK", "PRIVATExMARK"


def meeting_in_round(tmp_path, clock):
    log = SessionStore(tmp_path / "s").create(load("teireikai"), title="会", clock=clock)
    meeting = Meeting(log)
    shown = meeting.join("みどり")
    hidden = meeting.join("そら", show_name=False)
    meeting.next_stage()
    meeting.next_stage()
    meeting.next_turn()
    return log, meeting, shown, hidden


async def test_projector_shows_stage_rules_speakers_and_public_notes_only(tmp_path, clock):
    log, meeting, shown, hidden = meeting_in_round(tmp_path, clock)
    notes = Meeting(log, "notes")
    notes.add_note(f"{PUBLIC} 散歩しました", "public", participant_id=shown)
    notes.add_note(f"{MINUTES} 議事録だけ", "minutes", participant_id=shown)
    notes.add_note(f"{PRIVATE} ウラの話", "private", participant_id=hidden)
    app = KusanoneApp(log, role="projector", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: PUBLIC in screen_text(app))
        await wait_until(pilot, settled(app))  # laid out as well as drawn
        text = screen_text(app)
        svg = app.export_screenshot()
        assert "近況報告" in text
        assert "パスしてよい" in text  # the stage's ground rules
        assert "いま話している人" in text and "みどり" in text
        assert "次の人" in text and "参加者2" in text  # そら did not want the name shown
        assert "そら" not in text and "そら" not in svg
        assert PUBLIC in text and PUBLIC in svg
        for marker in (MINUTES, PRIVATE):
            assert marker not in text and marker not in svg
        # a pass leaves no trace on the projector
        meeting.pass_turn()
        # first the change a pass makes (the next person speaks), then what must not show
        await wait_until(pilot, lambda: "参加者" in speaking(app))
        text = screen_text(app)
        assert "パス" not in text.replace("パスしてよい", "")
        # no key changes the meeting from the projector
        before = len(log.events())
        await pilot.press("n", "t", "s", "space", "plus", "a")
        await pilot.pause()
        assert len(log.events()) == before


def speaking(app) -> str:
    """The projector's line that says who speaks now."""
    return next((line for line in screen_text(app).splitlines() if "いま話している人" in line), "")


async def test_projector_follows_another_process_and_stays_private(tmp_path, clock):
    log, _meeting, _shown, _hidden = meeting_in_round(tmp_path, clock)
    writer = f"""
import sys
from kusanone_tui.store.session import SessionLog
from kusanone_tui.meeting import Meeting
notes = Meeting(SessionLog.open(sys.argv[1]), "notes")
notes.add_note("{PRIVATE} ウラ", "private")
notes.add_note("{MINUTES} 議事録", "minutes")
notes.add_note("{PUBLIC} みんなへ", "public")
"""
    app = KusanoneApp(log, role="projector", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "みどり" in speaking(app))  # drawn, before the writer
        assert PUBLIC not in screen_text(app)
        subprocess.run([sys.executable, "-c", writer, str(log.path)], check=True, timeout=60)
        # the app looks at the file every 0.1 s
        await wait_until(pilot, lambda: PUBLIC in screen_text(app))
        text, svg = screen_text(app), app.export_screenshot()
        assert PUBLIC in text
        for marker in (MINUTES, PRIVATE):
            assert marker not in text and marker not in svg


async def test_a_redaction_elsewhere_clears_the_projector(tmp_path, clock):
    log, _meeting, _shown, _hidden = meeting_in_round(tmp_path, clock)
    note = Meeting(log, "notes").add_note(f"{PUBLIC} あとで消す", "public")
    app = KusanoneApp(log, role="projector", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: PUBLIC in screen_text(app))
        other = type(log).open(log.path)  # the note-taker's own handle
        other.redact(note)
        Meeting(other, "notes").add_note("LATERxMARK", "public")
        # the board was drawn again after the redaction (the later note shows), and then:
        await wait_until(pilot, lambda: "LATERxMARK" in screen_text(app))
        assert PUBLIC not in screen_text(app)
