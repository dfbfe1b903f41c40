"""The open-mic list, folded from the plugin's own events (state.fold): order, wishes, fairness."""

from __future__ import annotations

import random
from collections import Counter

from test_openmic_kit import kusanone_openmic  # noqa: F401

# isort: split
from kusanone_openmic.state import fair_place, fold, shuffled

from kusanone_tui.model.events import Event

B = "walkin"


class Log:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.at = 1_772_868_600.0

    def add(self, kind: str, **data) -> Event:
        self.at += 10
        event = Event(f"openmic:{kind}", data, at=self.at, seq=len(self.events) + 1)
        self.events.append(event)
        return event

    def sign(self, pid: str, **wishes) -> None:
        self.add("signed_up", performer=pid, name=pid.upper(), block=B, seed=7, **wishes)

    def order(self) -> list[str]:
        return fold(self.events).block(B).order

    def state(self):
        return fold(self.events)


def test_first_come_first_served_and_early_wishes_near_the_top():
    log = Log()
    for pid in "abc":
        log.sign(pid)
    log.sign("e1", early=True)
    log.sign("d")
    log.sign("e2", early=True)
    assert log.order() == ["e1", "e2", "a", "b", "c", "d"]
    people = log.state().performers
    assert people["e1"].early and people["a"].name == "A"


def test_a_cancel_takes_the_performer_off_and_only_the_undo_brings_them_back():
    log = Log()
    for pid in "abcd":
        log.sign(pid)
    log.add("removed", performer="b")
    assert log.order() == ["a", "c", "d"]
    assert log.state().find(B, "B") is None
    log.add("restored", performer="b")
    assert log.order() == ["a", "b", "c", "d"]  # exactly where they were
    log.add("restored", performer="b")  # twice is harmless
    assert log.order() == ["a", "b", "c", "d"]


def test_the_lottery_can_be_checked_from_its_seed_and_puts_early_wishes_first():
    log = Log()
    for pid in "abcdef":
        log.sign(pid)
    log.add("signed_up", performer="z", name="Z", block=B, early=True)
    ids = ["z", "a", "b", "c", "d", "e", "f"]
    log.add("lottery", block=B, seed=12345, ids=ids)
    drawn = [i for i in shuffled(ids, 12345)]
    expected = ["z"] + [i for i in drawn if i != "z"]
    assert log.order() == expected
    assert drawn == [ids[i] for i in _shuffle_indices(len(ids), 12345)]
    assert log.state().block(B).seeds == [12345] and log.state().block(B).lottery


def _shuffle_indices(n: int, seed: int) -> list[int]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


def test_late_arrivals_after_a_lottery_get_a_fair_place_not_always_the_last():
    places = Counter()
    for seed in range(600):
        log = Log()
        for pid in "abcde":
            log.sign(pid)
        log.add("lottery", block=B, seed=1, ids=list("abcde"))
        log.add("signed_up", performer="late", name="LATE", block=B, seed=seed)
        places[log.order().index("late")] += 1
        assert log.order().index("late") == fair_place(seed, 0, 5)
    assert set(places) == set(range(6))  # every place, the first and the last included
    assert max(places.values()) < 2 * min(places.values())  # and about equally often


def test_nobody_is_placed_ahead_of_the_one_already_called_next():
    log = Log()
    for pid in "abcd":
        log.sign(pid)
    log.add("lottery", block=B, seed=3, ids=list("abcd"))
    first, second = log.order()[:2]
    log.add("act_started", performer=first, block=B, slot=300, next=second)
    for seed in range(50):
        log.add("signed_up", performer=f"x{seed}", name=f"X{seed}", block=B, seed=seed)
        log.add("signed_up", performer=f"e{seed}", name=f"E{seed}", block=B, early=True)
        assert log.order()[0] == second
    assert log.state().block(B).pinned == second


def test_hold_keeps_the_place_and_back_is_near_the_top_but_not_before_the_one_called():
    log = Log()
    for pid in "abcde":
        log.sign(pid)
    log.add("hold", performer="b")
    assert log.order() == list("abcde") and log.state().performers["b"].away
    log.add("act_started", performer="a", block=B, slot=300, next="c")
    log.add("performed", performer="a", block=B, name="A", started_at=log.at)
    log.add("act_started", performer="c", block=B, slot=300, next="d")
    assert log.order() == ["b", "d", "e"]
    log.add("back", performer="b")
    assert log.order() == ["d", "b", "e"]  # right after the one already told "you're next"
    assert not log.state().performers["b"].away


def test_moves_follow_the_facilitator_and_release_the_call_when_someone_goes_first():
    log = Log()
    for pid in "abcd":
        log.sign(pid)
    log.add("act_started", performer="a", block=B, slot=300, next="b")
    log.add("moved", performer="d", after="c")  # no change: d is after c already
    assert log.order() == ["b", "c", "d"] and log.state().block(B).pinned == "b"
    log.add("moved", performer="d", before="b")
    assert log.order() == ["d", "b", "c"] and log.state().block(B).pinned is None
    log.add("moved", performer="b", after="c")
    assert log.order() == ["d", "c", "b"]


def test_acts_start_and_are_recorded_as_performed():
    log = Log()
    log.sign("a")
    log.sign("b")
    started = log.add("act_started", performer="a", block=B, slot=420, next="b")
    state = log.state()
    assert state.block(B).on_stage.performer == "a" and state.block(B).on_stage.slot == 420
    assert state.on_list(B) == ["a", "b"]
    log.add("performed", performer="a", block=B, name="A", started_at=started.at)
    state = log.state()
    assert state.block(B).on_stage is None
    assert [(p.name, p.started_at) for p in state.block(B).performed] == [("A", started.at)]
    # cancelling whoever is on stage: gone, and never "performed"
    log.add("act_started", performer="b", block=B, slot=420)
    log.add("removed", performer="b")
    state = log.state()
    assert state.block(B).on_stage is None and len(state.block(B).performed) == 1


def test_the_minutes_alone_can_fold_what_was_performed():
    only = [Event("openmic:performed", {"performer": "x", "block": B, "name": "X"}, at=5.0)]
    assert [p.name for p in fold(only).block(B).performed] == ["X"]


def test_odd_events_are_ignored_and_never_raise():
    log = Log()
    log.sign("a")
    odd = [
        ("signed_up", {"performer": "a", "name": "again", "block": B}),  # same id twice
        ("signed_up", {"performer": 3, "name": "x", "block": B}),
        ("signed_up", {"performer": "n", "name": "  ", "block": B}),
        ("signed_up", {"performer": "m", "name": "M"}),  # no block
        ("removed", {"performer": "nobody"}),
        ("removed", {}),
        ("hold", {"performer": "ghost"}),
        ("back", {"performer": "a"}),  # not on hold
        ("moved", {"performer": "a", "before": "a"}),
        ("moved", {"performer": "a", "before": "ghost"}),
        ("lottery", {"block": B, "seed": "7", "ids": ["a"]}),
        ("lottery", {"block": B, "seed": 7, "ids": "a"}),
        ("act_started", {"performer": "ghost", "block": B}),
        ("act_started", {"performer": "a", "block": B, "slot": "long"}),
        ("performed", {"performer": "zz"}),
        ("unknown", {"performer": "a"}),
    ]
    for kind, data in odd:
        log.add(kind, **data)
    state = log.state()
    assert state.performers["a"].name == "A"
    assert state.block(B).on_stage is not None and state.block(B).on_stage.slot == 0.0
    assert set(state.performers) == {"a"}


def test_the_list_records_which_change_it_is_based_on():
    log = Log()
    log.sign("a")
    log.add("lineup", block=B, based_on=1)
    assert log.state().based_on == 1  # a lineup is a picture, not a change
    log.sign("b")
    assert log.state().based_on == 3
