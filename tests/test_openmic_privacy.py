"""Cancelling leaves no trace: whoever cancelled is in no projector rendering after it, in no
default export, and in no minutes — for any day of adds, cancels, holds, lotteries and overruns.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_openmic_kit import Festival, enable_live

# isort: split
from kusanone_openmic.state import fold

from kusanone_tui.model.views import export_events, export_state

NAMES = [
    "さくら",
    "みどり",
    "はると",
    "ゆき",
    "そら",
    "かぜ",
    "つき",
    "ほし",
    "うみ",
    "やま",
    "ねこ",
]
KEYS = [
    "next_act",
    "finish_act",
    "cancel",
    "cancel",
    "hold",
    "lottery",
    "select_down",
    "select_up",
    "move_up",
    "move_down",
    "undo",
]
STEP = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(NAMES), st.booleans()),
    st.tuples(st.just("press"), st.sampled_from(KEYS), st.just(False)),
    st.tuples(st.just("press"), st.sampled_from(["next_act", "cancel"]), st.just(False)),
    st.tuples(st.just("wait"), st.integers(1, 25), st.just(False)),
)
#: A few sign up first; then anything happens, in any order.
STEPS = st.tuples(
    st.lists(st.sampled_from(NAMES), min_size=2, max_size=8, unique=True),
    st.lists(STEP, min_size=5, max_size=30),
).map(lambda pair: [("add", name, False) for name in pair[0]] + pair[1])


def test_the_names_are_not_inside_one_another():
    assert not [(a, b) for a in NAMES for b in NAMES if a != b and a in b]


def names_on_list(day: Festival) -> set[str]:
    state = fold(day.api.events())
    return {state.performers[pid].name for pid in state.on_list("walkin")}


def performed(day: Festival) -> set[str]:
    return {act.name for act in fold(day.api.events()).block("walkin").performed}


def shared_record(day: Festival) -> str:
    """Everything a default export and the minutes hold, as one text."""
    state = day.log.state()
    document = {
        "state": export_state(state, "minutes"),
        "events": export_events(day.log.events(), state, "minutes"),
    }
    section = day.host.minutes_sections()[0][1]
    minutes = section.render(day.api.minutes_view(state))
    mine = section.render(day.api.minutes_view(state, include_private=True))
    return json.dumps(document, ensure_ascii=False) + minutes + mine


def play(steps, live: bool) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        if live:
            enable_live(patch)
        day = Festival(Path(folder))
        day.to_walkin()
        gone: set[str] = set()  # cancelled, and not back on the list since
        for kind, value, wish in steps:
            before = names_on_list(day)
            if kind == "add":
                if value in before:
                    continue
                day.add(value, early=wish)
            elif kind == "press":
                day.press(value)
            else:
                day.clock.advance(value * 60)
            after = names_on_list(day)
            if kind == "press" and value == "cancel":
                gone |= before - after
            gone -= after  # back by the undo, or signed up again
            projected = day.projector()
            for name in gone:
                assert name not in projected
            if live and after:  # the projector is not blank: it does show who comes
                lineup = [e for e in day.api.events() if e.kind.endswith(":lineup")]
                assert lineup and lineup[-1].data["based_on"] == fold(day.api.events()).based_on
        record = shared_record(day)
        event(
            f"cancelled and gone: {bool(gone - performed(day))}; performed: {bool(performed(day))}"
        )
        for name in gone - performed(day):
            assert name not in record
        for name in performed(day):
            assert name in record  # the minutes are not empty by accident


PROPS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPS
@given(STEPS)
def test_a_cancel_leaves_no_trace_with_the_live_lineup(steps):
    play(steps, live=True)


@PROPS
@given(STEPS)
def test_a_cancel_leaves_no_trace_without_it_either(steps):
    play(steps, live=False)


def test_the_private_entries_stay_in_the_log_for_the_facilitator(tmp_path, monkeypatch):
    enable_live(monkeypatch)
    day = Festival(tmp_path)
    day.to_walkin()
    day.add("さくら")
    day.add("みどり")
    day.press("cancel")  # up next: さくら
    state = day.log.state()
    everything = json.dumps(export_events(day.log.events(), state, "private"), ensure_ascii=False)
    assert "さくら" in everything  # nothing is lost: it is in the facilitator's own export
    kinds = [e.kind for e in day.api.events() if e.data.get("visibility") == "private"]
    assert "openmic:removed" in kinds
    removed = next(e for e in day.api.events() if e.kind == "openmic:removed")
    # an id, no name, no reason (``action``/``by``: the key press it was, for the undo)
    assert set(removed.data) - {"action", "by"} == {"performer", "visibility"}
    minutes = export_events(day.log.events(), state, "minutes")
    assert not [r for r in minutes if r["kind"].startswith("openmic:")]
