"""The open-mic planner (schedule.plan): properties that hold for any list and any wishes."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_openmic_kit import kusanone_openmic  # noqa: F401

# isort: split
from kusanone_openmic.schedule import Entry, Settings, _lay_out, plan

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
START = 1_772_868_600.0  # 16:30 on a festival day (JST)
MIN = 60.0


ENTRY = st.tuples(
    st.one_of(st.none(), st.integers(-30, 150)),  # not before, minutes after the start
    st.one_of(st.none(), st.integers(1, 30)),  # a requested length
    st.booleans(),  # with a companion
    st.integers(0, 5),  # 0: on hold
)


def entries(max_size: int = 30):
    def build(rows):
        return [
            Entry(
                f"p{n}",
                None if nb is None else START + nb * MIN,
                None if minutes is None else float(minutes),
                companion,
                hold == 0,
            )
            for n, (nb, minutes, companion, hold) in enumerate(rows)
        ]

    return st.lists(ENTRY, max_size=max_size).map(build)


@st.composite
def settings_(draw) -> Settings:
    low = draw(st.integers(1, 10)) * MIN
    return Settings(
        min_slot=low,
        max_slot=low + draw(st.integers(0, 20)) * MIN,
        changeover=draw(st.integers(0, 4)) * MIN,
        companion_extra=draw(st.integers(0, 2)) * MIN,
        granularity=draw(st.sampled_from([1.0, 30.0, 60.0])),
    )


@st.composite
def cases(draw):
    listed = draw(entries())
    chosen = draw(settings_())
    length = draw(st.integers(0, 180)) * MIN
    now = START + draw(st.integers(-60, 200)) * MIN
    busy = draw(st.one_of(st.none(), st.integers(-10, 60).map(lambda m: now + m * MIN)))
    pinned = draw(st.one_of(st.none(), st.sampled_from([e.id for e in listed] or ["x"])))
    return listed, chosen, START + length, now, busy, pinned


def run(case):
    listed, chosen, end, now, busy, pinned = case
    return plan(
        listed, start=START, end=end, now=now, settings=chosen, busy_until=busy, pinned=pinned
    )


@PROPS
@given(cases())
def test_the_plan_never_passes_the_end_of_the_block(case):
    _, chosen, end, now, busy, _ = case
    result = run(case)
    begin = max(START, now, busy if busy is not None else -math.inf)
    free = begin
    for act in result.acts:
        assert act.end <= end
        assert act.start >= free + chosen.changeover - 1e-6  # a changeover before each act
        assert act.end > act.start
        free = act.end


@PROPS
@given(cases())
def test_everyone_on_the_list_is_planned_or_privately_not_fitting(case):
    listed = case[0]
    result = run(case)
    planned, left_out = result.ids, list(result.not_fitting)
    assert sorted(planned + left_out) == sorted(e.id for e in listed)
    assert not set(planned) & set(left_out)


@PROPS
@given(cases())
def test_wishes_are_kept_where_possible(case):
    listed, chosen, *_ = case
    by_id = {e.id: e for e in listed}
    result = run(case)
    for act in result.acts:
        entry = by_id[act.id]
        if entry.not_before is not None:
            assert act.start >= entry.not_before  # never before the time they asked for
        if entry.minutes is not None:
            assert act.length <= entry.minutes * MIN + 1e-6  # never longer than asked
        assert act.length >= min(chosen.min_slot, (entry.minutes or math.inf) * MIN) - 1e-6
    companions = {e.id for e in listed if e.companion}
    free = result.start
    for act in result.acts:
        extra = chosen.companion_extra if act.id in companions else 0.0
        assert act.start >= free + chosen.changeover + extra - 1e-6
        free = act.end


@PROPS
@given(cases())
def test_whoever_does_not_fit_could_not_have_been_added_at_the_end(case):
    listed, chosen, end, *_ = case
    by_id = {e.id: e for e in listed}
    result = run(case)
    free = result.acts[-1].end if result.acts else result.start
    for pid in result.not_fitting:
        entry = by_id[pid]
        start = free + chosen.changeover + (chosen.companion_extra if entry.companion else 0)
        if entry.not_before is not None:
            start = max(start, entry.not_before)
        shortest = min(chosen.min_slot, (entry.minutes or math.inf) * MIN)
        # at the shortest slot (the fairness order), even the end of the plan had no room
        assert start + shortest > end - 1e-6


@PROPS
@given(cases())
def test_the_time_is_shared_equally_and_no_longer_slot_would_fit(case):
    listed, chosen, end, *_ = case
    by_id = {e.id: e for e in listed}
    result = run(case)
    plain = [a for a in result.acts if by_id[a.id].minutes is None]
    lengths = {round(a.length, 6) for a in plain}
    assert len(lengths) <= 1  # everyone without a request gets the same slot
    if lengths:
        assert chosen.min_slot - 1e-6 <= lengths.pop() <= chosen.max_slot + 1e-6
    # one step more for everyone would have passed the end (unless all are at their ceiling)
    chosen_entries = [by_id[a.id] for a in result.acts]
    bigger = _lay_out(chosen_entries, result.start, chosen, result.level + chosen.granularity)
    grown = [b.length - a.length for a, b in zip(result.acts, bigger, strict=True)]
    if any(g > 1e-6 for g in grown):
        assert bigger[-1].end > end


@PROPS
@given(cases())
def test_the_pinned_performer_goes_first_and_holds_go_last(case):
    listed, _, _, _, _, pinned = case
    by_id = {e.id: e for e in listed}
    result = run(case)
    ids = result.ids
    if pinned in ids and not by_id[pinned].away and by_id[pinned].not_before is None:
        assert ids[0] == pinned
    present_without_times = [i for i in ids if not by_id[i].away and by_id[i].not_before is None]
    away = [i for i in ids if by_id[i].away]
    if present_without_times and away:
        assert ids.index(away[0]) > ids.index(present_without_times[-1])


def test_an_overrun_is_absorbed_by_the_slots_that_remain():
    listed = [Entry(f"p{i}") for i in range(6)]
    kw = {"start": START, "end": START + 90 * MIN, "settings": Settings()}
    on_time = plan(listed, now=START, busy_until=START + 10 * MIN, **kw)
    late = plan(listed, now=START + 18 * MIN, busy_until=START + 18 * MIN, **kw)
    assert len(on_time.acts) == len(late.acts) == 6
    assert late.acts[0].length < on_time.acts[0].length
    assert late.acts[-1].end <= START + 90 * MIN


def test_when_the_list_no_longer_fits_the_last_ones_are_told_privately():
    listed = [Entry(f"p{i}") for i in range(20)]
    result = plan(listed, start=START, end=START + 60 * MIN, now=START, settings=Settings())
    assert len(result.acts) == 8  # 8 × (2 min changeover + 5 min) = 56 min
    assert list(result.not_fitting) == [f"p{i}" for i in range(8, 20)]


def test_a_time_wish_lets_others_go_first():
    listed = [Entry("late", not_before=START + 30 * MIN), Entry("a"), Entry("b")]
    result = plan(listed, start=START, end=START + 90 * MIN, now=START, settings=Settings())
    assert result.ids == ["a", "b", "late"]
    assert result.acts[-1].start >= START + 30 * MIN


def test_a_shorter_request_leaves_its_share_to_the_others():
    listed = [Entry("short", minutes=3), Entry("a"), Entry("b")]
    settings_ = Settings(max_slot=60 * MIN)
    result = plan(listed, start=START, end=START + 36 * MIN, now=START, settings=settings_)
    lengths = {act.id: act.length / MIN for act in result.acts}
    assert lengths["short"] == 3
    assert lengths["a"] == lengths["b"] == 13.5  # (36 - 3×2 - 3) / 2


def test_nothing_is_planned_once_the_block_is_over():
    listed = [Entry("a"), Entry("b", away=True)]
    result = plan(listed, start=START, end=START + 10 * MIN, now=START + 11 * MIN)
    assert result.acts == () and set(result.not_fitting) == {"a", "b"}


def test_bad_settings_are_refused():
    for bad in (
        {"min_slot": 0},
        {"min_slot": 10 * MIN, "max_slot": 5 * MIN},
        {"changeover": -1},
        {"granularity": math.nan},
    ):
        try:
            Settings(**bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_duplicate_ids_are_planned_once():
    result = plan([Entry("a"), Entry("a")], start=START, end=START + 60 * MIN, now=START)
    assert result.ids == ["a"]
