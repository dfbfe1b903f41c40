"""Properties of the pure model: folding any valid log is safe, repeatable and incremental, and
what an audience may not see never reaches its view."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kusanone_tui.model.events import VISIBILITIES, Actor, Event, plugin_kind, validate
from kusanone_tui.model.state import POSITIONS, MeetingState, apply, fold
from kusanone_tui.model.template import Template
from kusanone_tui.model.views import export_events, export_state
from kusanone_tui.templates import builtin_names, load

AUDIENCES = ("public", "minutes", "private")
REACH = {
    "public": ("public",),
    "minutes": ("public", "minutes"),
    "private": ("public", "minutes", "private"),
}
TEMPLATES = {name: load(name).to_dict() for name in builtin_names()}
T0 = 1_780_000_000.0

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Log:
    """A generated log and what the generator knows about it."""

    events: list[Event] = field(default_factory=list)
    template: dict[str, Any] = field(default_factory=dict)
    note_texts: dict[str, list[str]] = field(default_factory=dict)  # every text a note carried
    at: float = T0
    seq: int = 0

    def add(self, kind: str, data: dict[str, Any], actor: Actor, step: float) -> Event:
        self.at += step
        self.seq += 1
        event = Event(
            kind=kind, data=data, actor=actor, at=self.at, id=f"ev{self.seq:05d}", seq=self.seq
        )
        validate(event)  # the generator only makes events the log would accept
        self.events.append(event)
        return event


KINDS = (
    "participant.joined",
    "participant.left",
    "participant.changed",
    "stage.started",
    "stage.ended",
    "turn.started",
    "turn.passed",
    "turn.deferred",
    "turn.ended",
    "timer.paused",
    "timer.resumed",
    "timer.extended",
    "note.added",
    "note.edited",
    "note.redacted",
    "plugin",
)
NAMES = ("みどり", "Ken", "たろう", "Aoi", "ゲスト")
PLUGINS = (("openmic", "performer_added"), ("openmic", "cancelled"), ("poll", "vote.cast"))


@st.composite
def logs(draw: st.DrawFn) -> Log:
    log = Log()
    name = draw(st.sampled_from(sorted(TEMPLATES)))
    log.template = TEMPLATES[name]
    n_stages = len(log.template["stages"])
    log.add(
        "session.created",
        {"title": draw(st.sampled_from(("11月の定例会", "Meeting"))), "template": log.template},
        Actor("facilitator"),
        0,
    )
    people: list[str] = []
    notes: list[str] = []
    ghosts = ("ghost-a", "ghost-b")  # ids nobody ever joined with

    def someone() -> str:
        return draw(st.sampled_from([*people, *ghosts]) if people else st.sampled_from(ghosts))

    def maybe(strategy: st.SearchStrategy[Any]) -> Any:
        return draw(st.one_of(st.none(), strategy))

    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.sampled_from(KINDS))
        step = float(draw(st.integers(0, 900)))
        data: dict[str, Any] = {}
        actor = Actor("facilitator")
        if kind == "participant.joined":
            pid = f"p{len(people):03d}"
            people.append(pid)
            data = {"participant_id": pid, "name": draw(st.sampled_from(NAMES))}
            for flag in ("show_name", "minutes_name"):
                value = maybe(st.booleans())
                if value is not None:
                    data[flag] = value
            position = maybe(st.sampled_from([*POSITIONS, "bogus"]))
            if position is not None:
                data["position"] = position
        elif kind == "participant.left":
            data = {"participant_id": someone()}
        elif kind == "participant.changed":
            data = {"participant_id": someone()}
            for key, strategy in (
                ("name", st.sampled_from(NAMES)),
                ("show_name", st.booleans()),
                ("minutes_name", st.booleans()),
                ("position", st.sampled_from([*POSITIONS, None])),
                ("returned", st.booleans()),
            ):
                if draw(st.booleans()):
                    data[key] = draw(strategy)
        elif kind in ("stage.started", "stage.ended"):
            data = {"index": draw(st.integers(-2, n_stages + 2))}
            if kind == "stage.ended" and draw(st.booleans()):
                data["final"] = True
        elif kind.startswith("turn."):
            data = {"participant_id": someone()}
        elif kind == "timer.extended":
            data = {"seconds": draw(st.sampled_from((60, 120, 300, -60, 30.5)))}
        elif kind == "note.added":
            note_id = f"n{len(notes):04d}q"
            notes.append(note_id)
            text = f"<<{note_id}:0>>"
            log.note_texts[note_id] = [text]
            actor = Actor("notes")
            data = {
                "note_id": note_id,
                "text": text,
                "visibility": draw(st.sampled_from(VISIBILITIES)),
            }
            if people and draw(st.booleans()):
                data["participant_id"] = draw(st.sampled_from(people))
            if draw(st.booleans()):
                data["tags"] = draw(st.lists(st.sampled_from(("kinkyou", "q")), max_size=2))
        elif kind == "note.edited":
            actor = Actor("notes")
            note_id = draw(st.sampled_from(notes)) if notes else "n-unknown"
            data = {"note_id": note_id}
            if draw(st.booleans()) and note_id in log.note_texts:
                texts = log.note_texts[note_id]
                data["text"] = f"<<{note_id}:{len(texts)}>>"
                texts.append(data["text"])
            if draw(st.booleans()):
                data["visibility"] = draw(st.sampled_from(VISIBILITIES))
        elif kind == "note.redacted":
            actor = Actor("notes")
            data = {"note_id": draw(st.sampled_from(notes)) if notes else "n-unknown"}
        else:  # a plugin's own event
            namespace, name = draw(st.sampled_from(PLUGINS))
            kind = plugin_kind(namespace, name)
            actor = Actor("plugin", namespace)
            data = {"n": draw(st.integers(0, 9))}
            if draw(st.booleans()):
                data["visibility"] = draw(st.sampled_from(VISIBILITIES))
        log.add(kind, data, actor, step)
    return log


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _keys(value: Any) -> set[str]:
    """Every dict key anywhere inside ``value``."""
    if isinstance(value, dict):
        return set(value).union(*(_keys(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(item) for item in value))
    return set()


# -- folding --------------------------------------------------------------------------------


@SETTINGS
@given(logs())
def test_folding_never_raises_and_counts_every_event(log: Log) -> None:
    state = fold(log.events)
    assert state.event_count == len(log.events)
    assert state.last_seq == log.seq
    assert state.template is not None
    # Every derived value can be asked for at any time.
    for now in (T0, log.at, log.at + 3600):
        state.stage_remaining(now)
        state.meeting_elapsed(now)
    for audience in AUDIENCES:
        json.dumps(export_state(state, audience))
        json.dumps(export_events(log.events, state, audience))


@SETTINGS
@given(logs())
def test_folding_is_deterministic(log: Log) -> None:
    first, second = fold(log.events), fold(log.events)
    assert first == second
    assert export_state(first, "private") == export_state(second, "private")
    assert export_events(log.events, first, "private") == export_events(
        log.events, second, "private"
    )


@SETTINGS
@given(logs())
def test_incremental_apply_equals_full_fold(log: Log) -> None:
    full = fold(log.events)
    expected = export_state(full, "private")
    for k in range(len(log.events) + 1):
        state = fold(log.events[:k])
        for event in log.events[k:]:
            assert apply(state, event) is state
        assert state == full, f"split at {k}"
        assert export_state(state, "private") == expected, f"split at {k}"
        assert state.stage_remaining(log.at + 1) == full.stage_remaining(log.at + 1)


# -- what each audience may see -------------------------------------------------------------


@SETTINGS
@given(logs())
def test_redacted_text_is_gone_from_the_state_and_every_export(log: Log) -> None:
    state = fold(log.events)
    views = [repr(state)] + [_text(export_state(state, audience)) for audience in AUDIENCES]
    for note_id, note in state.notes.items():
        if not note.redacted:
            continue
        assert note.text is None
        for text in log.note_texts[note_id]:
            for view in views:
                assert text not in view


@SETTINGS
@given(logs())
def test_hidden_notes_never_reach_a_narrower_audience(log: Log) -> None:
    state = fold(log.events)
    for audience in ("public", "minutes"):
        views = (
            _text(export_state(state, audience)),
            _text(export_events(log.events, state, audience)),
        )
        for note_id, note in state.notes.items():
            if note.visibility in REACH[audience]:
                continue
            for view in views:
                assert note_id not in view, (audience, note.visibility)
                for text in log.note_texts[note_id]:
                    assert text not in view, (audience, note.visibility)


@SETTINGS
@given(logs())
def test_private_notes_show_in_the_private_export(log: Log) -> None:
    state = fold(log.events)
    view = _text(export_state(state, "private"))
    for note in state.notes.values():
        if not note.redacted:
            assert note.text is not None
            assert note.text in view


@SETTINGS
@given(logs())
def test_passes_never_reach_the_minutes(log: Log) -> None:
    state = fold(log.events)
    for audience in ("public", "minutes"):
        exported = export_events(log.events, state, audience)
        assert all(record["kind"] != "turn.passed" for record in exported)
        view = export_state(state, audience)
        assert "round" not in view
        assert "passed" not in _keys(view)


# -- the stage clock --------------------------------------------------------------------------


def _started(template: str, index: int, at: float) -> MeetingState:
    events = [
        Event(
            "session.created",
            {"title": "x", "template": TEMPLATES[template]},
            Actor("facilitator"),
            at - 60,
            seq=1,
        ),
        Event("stage.started", {"index": index}, Actor("facilitator"), at, seq=2),
    ]
    return fold(events)


def _tick(state: MeetingState, kind: str, at: float, **data: Any) -> None:
    apply(state, Event(kind, data, Actor("facilitator"), at, seq=state.last_seq + 1))


def test_pause_then_resume_leaves_out_the_paused_time() -> None:
    t0, t1, t2, t3 = T0, T0 + 120, T0 + 420, T0 + 600
    state = _started("teireikai", 1, t0)  # 近況報告, 30 minutes
    budget = 30 * 60
    _tick(state, "timer.paused", t1)
    assert state.stage_remaining(t2) == budget - (t1 - t0)  # frozen while paused
    _tick(state, "timer.resumed", t2)
    assert state.stage_remaining(t3) == budget - ((t3 - t0) - (t2 - t1))


@st.composite
def pause_plans(draw: st.DrawFn) -> dict[str, Any]:
    template = draw(st.sampled_from(sorted(TEMPLATES)))
    index = draw(st.integers(0, len(TEMPLATES[template]["stages"]) - 1))
    # (running, paused) stretches in seconds; the last pause may be left open.
    stretches = draw(
        st.lists(st.tuples(st.integers(0, 1200), st.integers(0, 1200)), min_size=1, max_size=5)
    )
    return {
        "template": template,
        "index": index,
        "stretches": stretches,
        "open_pause": draw(st.booleans()),
        "extensions": draw(st.lists(st.sampled_from((60, 300, -30)), max_size=3)),
        "noise": draw(st.booleans()),  # a second pause while paused, a resume while running
        "after": draw(st.integers(0, 3600)),
    }


@SETTINGS
@given(pause_plans())
def test_stage_remaining_ignores_time_spent_paused(plan: dict[str, Any]) -> None:
    t0 = T0
    state = _started(plan["template"], plan["index"], t0)
    budget = TEMPLATES[plan["template"]]["stages"][plan["index"]]["minutes"] * 60
    budget += sum(plan["extensions"])
    for seconds in plan["extensions"]:
        _tick(state, "timer.extended", t0, seconds=seconds)
    at, paused_total, paused_at = t0, 0.0, None
    stretches = plan["stretches"]
    for number, (running, paused) in enumerate(stretches):
        at += running
        if plan["noise"]:
            _tick(state, "timer.resumed", at)  # not paused: ignored
        _tick(state, "timer.paused", at)
        paused_at = at
        if plan["noise"]:
            _tick(state, "timer.paused", at + paused / 2)  # already paused: ignored
        if number == len(stretches) - 1 and plan["open_pause"]:
            break
        at += paused
        _tick(state, "timer.resumed", at)
        paused_total += paused
        paused_at = None
    now = at + plan["after"]
    running_until = paused_at if paused_at is not None else now
    expected = budget - ((running_until - t0) - paused_total)
    remaining = state.stage_remaining(now)
    assert remaining is not None
    assert math.isclose(remaining, expected, abs_tol=1e-6)


def test_a_new_stage_starts_a_fresh_unpaused_clock() -> None:
    state = _started("teireikai", 0, T0)
    _tick(state, "timer.paused", T0 + 60)
    _tick(state, "stage.started", T0 + 100, index=1)
    assert state.stage_index == 1
    assert state.stage_remaining(T0 + 160) == 30 * 60 - 60
    _tick(state, "timer.resumed", T0 + 200)  # no pause is open: nothing changes
    assert state.stage_remaining(T0 + 260) == 30 * 60 - 160


# -- odd but valid logs ---------------------------------------------------------------------


def test_a_session_from_a_template_without_description_keeps_its_agenda() -> None:
    bare = Template.from_dict(
        {
            "id": "mine",
            "title": {"ja": "会"},
            "minutes": 30,
            "stages": [{"id": "a", "type": "free", "title": {"ja": "話"}, "minutes": 30}],
        }
    )
    assert bare.description == {}
    created = Event(
        "session.created", {"title": "x", "template": bare.to_dict()}, Actor("facilitator"), T0
    )
    state = fold([created, Event("stage.started", {"index": 0}, at=T0 + 1, seq=2)])
    assert state.template == bare
    assert state.stage is not None and state.stage.id == "a"


@pytest.mark.parametrize("index", [-1, 7, 99, "0", None, 1.5])
def test_a_stage_index_off_the_agenda_is_ignored(index: Any) -> None:
    state = _started("teireikai", 0, T0)
    _tick(state, "stage.started", T0 + 10, index=index)
    assert state.stage_index == 0
    assert [entry[0] for entry in state.stage_history] == [0]
