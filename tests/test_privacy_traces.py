"""No trace of a pass in what is shared, and no name left behind by a redaction."""

from __future__ import annotations

import json

from kusanone_tui.cli import main
from kusanone_tui.meeting import Meeting
from kusanone_tui.model.views import export_events, export_state
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load


def _round(tmp_path, clock):
    log = SessionStore(tmp_path).create(load("teireikai"), title="会", clock=clock)
    meeting, notes = Meeting(log), Meeting(log, "notes")
    people = [meeting.join(name) for name in ("あおい", "はると", "ゆき")]
    meeting.next_stage()
    meeting.next_stage()
    meeting.start_round()
    meeting.next_turn()  # あおい speaks
    notes.add_note("秘密のこと", "private")
    meeting.next_turn()  # はると
    meeting.pass_turn()  # はると passes; ゆき is next
    meeting.defer_turn()  # ゆき would rather speak later
    meeting.next_turn()
    return log, people


def _turns(events):
    return [(e["kind"], e["data"].get("participant_id")) for e in events if "turn" in e["kind"]]


def test_a_pass_reads_like_any_end_of_a_turn(tmp_path, clock):
    log, (aoi, haruto, yuki) = _round(tmp_path, clock)
    state = log.state()
    for audience in ("public", "minutes"):
        exported = export_events(log.events(), state, audience)
        kinds = {e["kind"] for e in exported}
        assert "turn.passed" not in kinds and "turn.deferred" not in kinds
        turns = _turns(exported)
        for pid in (aoi, haruto, yuki):  # every started turn has its end, like a spoken one
            started = turns.count(("turn.started", pid))
            ended = turns.count(("turn.ended", pid))
            assert started - ended in (0, 1)
        assert turns.count(("turn.ended", haruto)) == 1
        # no gap in the numbers where a private note or a pass was left out
        assert [e["seq"] for e in exported] == list(range(1, len(exported) + 1))
        assert "events" not in export_state(state, audience)
        assert "passed" not in json.dumps(export_state(state, audience))


def test_the_default_json_export_has_no_pattern_of_a_pass(tmp_path, clock, capsys):
    log, (_, haruto, _) = _round(tmp_path, clock)
    assert main(["--data", str(tmp_path), "export", log.session_id]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "passed" not in json.dumps(document)
    turns = _turns(document["events"])
    assert ("turn.ended", haruto) in turns
    # the facilitator's own full export still has it
    assert main(["--data", str(tmp_path), "export", log.session_id, "--include-private"]) == 0
    private = json.loads(capsys.readouterr().out)
    assert ("turn.passed", haruto) in _turns(private["events"])


def test_redacting_a_backstage_record_removes_its_names_everywhere(tmp_path, clock):
    log = SessionStore(tmp_path).create(load("teireikai"), title="会", clock=clock)
    notes = Meeting(log, "notes")
    note = notes.record_backstage("invited", "MEMOxTEXT", ["NAMExONE", "NAMExTWO"], "PLACExX")
    keep = notes.record_backstage("met_again", "KEPTxTEXT", ["KEPTxNAME"], "KEPTxPLACE")
    # a damaged copy made before the redaction holds the same record
    damaged = log.path.with_name(f"{log.session_id}.session.damaged-20261130T000000.jsonl")
    damaged.write_bytes(log.path.read_bytes() + b"garbage NAMExONE PLACExX\n")
    notes.redact(note)
    for path in (log.path, damaged):
        raw = path.read_bytes()
        for marker in (b"MEMOxTEXT", b"NAMExONE", b"NAMExTWO", b"PLACExX"):
            assert marker not in raw, (path.name, marker)
        for marker in (b"KEPTxTEXT", b"KEPTxNAME", b"KEPTxPLACE"):
            assert marker in raw
    record = log.state().notes[note]
    assert record.redacted and record.people == () and record.invited_to is None
    assert log.state().notes[keep].people == ("KEPTxNAME",)


def test_a_plugin_marks_its_own_personal_fields(tmp_path, clock):
    log = SessionStore(tmp_path).create(load("teireikai"), title="会", clock=clock)
    notes = Meeting(log, "notes")
    note = notes.add_note("t", "private")
    log.append(
        "note.edited",
        {"note_id": note, "contact": "CONTACTxMARK", "personal": ["contact"]},
    )
    notes.redact(note)
    assert b"CONTACTxMARK" not in log.path.read_bytes()
