"""Views per audience: edge cases a hand-written or damaged log could hold."""

from __future__ import annotations

import json

from kusanone_tui.model.events import Actor, Event
from kusanone_tui.model.state import fold
from kusanone_tui.model.views import export_events, export_state, projector_view
from kusanone_tui.templates import load


def log(*items: tuple[str, dict]) -> list[Event]:
    created = ("session.created", {"title": "t", "template": load("teireikai").to_dict()})
    return [
        Event(kind, data, Actor("notes"), at=1000.0 + i, id=f"e{i}", seq=i + 1)
        for i, (kind, data) in enumerate([created, *items])
    ]


def test_a_repeated_note_id_cannot_smuggle_text_into_the_minutes() -> None:
    events = log(
        ("note.added", {"note_id": "n1", "text": "ok", "visibility": "minutes"}),
        ("note.added", {"note_id": "n1", "text": "SECRETxMARK", "visibility": "private"}),
        ("note.edited", {"note_id": "ghost", "text": "GHOSTxMARK"}),
    )
    state = fold(events)
    exported = json.dumps(export_events(events, state, "minutes"), ensure_ascii=False)
    assert "ok" in exported
    assert "SECRETxMARK" not in exported and "GHOSTxMARK" not in exported


def test_a_redacted_notes_old_text_is_not_exported_even_from_a_raw_log() -> None:
    events = log(
        ("note.added", {"note_id": "n1", "text": "GONExMARK", "visibility": "public"}),
        ("note.redacted", {"note_id": "n1"}),
    )
    state = fold(events)
    for audience in ("public", "minutes", "private"):
        text = json.dumps(
            [export_events(events, state, audience), export_state(state, audience)],
            ensure_ascii=False,
        )
        assert "GONExMARK" not in text


def test_backstage_records_are_private_whatever_their_event_says() -> None:
    events = log(
        ("stage.started", {"index": 3}),
        (
            "note.added",
            {
                "note_id": "u1",
                "text": "URAxMARK",
                "visibility": "public",
                "tags": ["backstage", "ura:greeted"],
            },
        ),
        ("note.edited", {"note_id": "u1", "visibility": "public"}),
    )
    state = fold(events)
    assert state.notes["u1"].visibility == "private"
    view = projector_view(state, 2000.0)
    assert "URAxMARK" not in repr(view)
    exported = json.dumps(export_events(events, state, "minutes"), ensure_ascii=False)
    assert "URAxMARK" not in exported
    full = json.dumps(export_events(events, state, "private"), ensure_ascii=False)
    assert "URAxMARK" in full  # only when asked for explicitly
