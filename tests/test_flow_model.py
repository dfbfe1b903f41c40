"""The meeting's flow beyond the round: reflecting-team turns, breakouts and their report-back,
and backstage (ウラ) records.

The pure parts (``balance``, ``next_phase``, ``speakers_and_listeners``, ``phase_plan``) are tested
directly; the rest through :class:`Meeting` on a real session file with a :class:`FakeClock`, and
checked on what the projector and the exports would show.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kusanone_tui.meeting import Meeting
from kusanone_tui.model import breakout
from kusanone_tui.model.backstage import BACKSTAGE_TAG, KINDS, kind_tag, record_kind
from kusanone_tui.model.events import Actor
from kusanone_tui.model.reflecting import (
    DEFAULT_PHASES,
    END,
    ReflectingState,
    following,
    phase_minutes,
    phase_plan,
    speakers_and_listeners,
    turn_plan,
)
from kusanone_tui.model.template import parse_template
from kusanone_tui.model.views import export_events, export_state, projector_view
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import FakeClock

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

REFLECTING, BREAK, BREAKOUT, REPORT = 2, 3, 4, 5  # stage indexes in teireikai
HIDDEN = "ヒミツノナマエ"  # the display name of someone who asked not to be shown


def new_meeting(root: Path, clock: FakeClock, template=None) -> Meeting:
    log = SessionStore(root).create(template or load("teireikai"), clock=clock)
    return Meeting(log)


# -- balance(): a property test -----------------------------------------------------------------

PEOPLE_POOL = [f"p{i}" for i in range(30)]
STRANGERS = ["left1", "left2", "nobody"]  # seated once, but not among the people to seat now
GROUP_POOL = [f"g{i}" for i in range(7)]


@st.composite
def arrangements(draw) -> tuple[list[str], list[str], dict[str, str]]:
    groups = draw(st.lists(st.sampled_from(GROUP_POOL), min_size=1, max_size=6, unique=True))
    people = draw(st.lists(st.sampled_from(PEOPLE_POOL), max_size=25, unique=True))
    seats = draw(
        st.dictionaries(
            st.sampled_from(PEOPLE_POOL + STRANGERS),
            st.sampled_from([*groups, "gone"]),  # "gone": a group no longer in the list
            max_size=30,
        )
    )
    return people, groups, seats


def sizes(result: dict[str, str], groups: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(groups, 0)
    for gid in result.values():
        counts[gid] += 1
    return counts


def valid_seats(people: list[str], groups: list[str], seats: dict[str, str]) -> dict[str, str]:
    return {pid: gid for pid, gid in seats.items() if pid in people and gid in groups}


def fewest_moves(people: list[str], groups: list[str], seats: dict[str, str]) -> int:
    """By brute force: how few of the seated must move for sizes to differ by at most one."""
    seated = valid_seats(people, groups, seats)
    counts = sizes(seated, groups)
    base, extra = divmod(len(people), len(groups))
    best_kept = 0
    for bigger in itertools.combinations(groups, extra):
        kept = sum(min(counts[g], base + (g in bigger)) for g in groups)
        best_kept = max(best_kept, kept)
    return len(seated) - best_kept


@SETTINGS
@given(arrangements())
def test_balance_seats_everyone_once_in_a_known_group(case) -> None:
    people, groups, seats = case
    result = breakout.balance(people, groups, seats)
    assert sorted(result) == sorted(people)
    assert set(result.values()) <= set(groups)


@SETTINGS
@given(arrangements())
def test_balance_evens_out_group_sizes(case) -> None:
    people, groups, seats = case
    counts = sizes(breakout.balance(people, groups, seats), groups)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert sum(counts.values()) == len(people)


@SETTINGS
@given(arrangements())
def test_balance_leaves_people_in_groups_within_their_fair_share(case) -> None:
    people, groups, seats = case
    result = breakout.balance(people, groups, seats)
    seated = valid_seats(people, groups, seats)
    counts = sizes(seated, groups)
    fair = len(people) // len(groups)
    for pid, gid in seated.items():
        if counts[gid] <= fair:
            assert result[pid] == gid, (pid, gid, counts)
    # And overall, no more of the seated move than must.
    moved = sum(1 for pid, gid in seated.items() if result[pid] != gid)
    assert moved == fewest_moves(people, groups, seats)


@SETTINGS
@given(arrangements())
def test_balance_is_idempotent(case) -> None:
    people, groups, seats = case
    once = breakout.balance(people, groups, seats)
    assert breakout.balance(people, groups, once) == once
    # Stale seats (people who left, groups that went) change nothing either.
    assert breakout.balance(people, groups, {**seats, **once}) == once


def test_balance_without_groups_or_people() -> None:
    assert breakout.balance(["a", "b"], [], {"a": "x"}) == {}
    assert breakout.balance([], ["x", "y"], {"a": "x"}) == {}
    assert breakout.balance(["a"], ["x", "y"]) in ({"a": "x"}, {"a": "y"})
    assert breakout.balance(["a"], ["x", "y"], {"a": "y"}) == {"a": "y"}


def test_template_groups_reads_the_stage_option() -> None:
    stage = load("teireikai").stages[BREAKOUT]
    groups = breakout.template_groups(stage.options)
    assert [g.id for g in groups] == ["ibasho", "event"]
    assert groups[0].name == {"ja": "居場所部会", "en": "Safe-places group"}
    assert breakout.template_groups({"groups": [{"id": "a", "name": "A部会"}, "junk", {}]}) == [
        breakout.Group("a", {"ja": "A部会"})
    ]
    assert breakout.template_groups({"groups": "not a list"}) == []
    assert breakout.template_groups({}) == []


# -- reflecting: the pure parts ---------------------------------------------------------------


def test_the_turn_runs_through_its_plan_to_an_end_and_stops() -> None:
    """conversation → reflection → response (as often as the plan says) → back to the room;
    then nothing more (the turn once looped for ever)."""
    kinds = ["conversation", "reflection", "response", "reflection", "response"]
    plan = turn_plan({"phases": [{"kind": k, "minutes": 3} for k in kinds]})
    assert [kind for kind, _ in plan] == kinds
    state, seen = ReflectingState(), []
    while (found := following(state, plan)) is not None:
        state.phase, state.cycle, state.step = found
        seen.append((state.phase, state.cycle))
    assert seen == [
        ("conversation", 1),
        ("reflection", 1),
        ("response", 1),
        ("reflection", 2),
        ("response", 2),
        (END, 2),
    ]
    assert following(state, plan) is None


@pytest.mark.parametrize(
    ("phase", "talking", "listening"),
    [
        (None, ["T", "I"], ["R1", "R2"]),
        ("conversation", ["T", "I"], ["R1", "R2"]),
        ("reflection", ["R1", "R2"], ["T", "I"]),
        ("response", ["T", "I"], ["R1", "R2"]),
    ],
)
def test_speakers_and_listeners(phase, talking, listening) -> None:
    state = ReflectingState(talkers=["T"], interviewer="I", team=["R1", "R2"], phase=phase)
    assert speakers_and_listeners(state) == (talking, listening)


def test_speakers_and_listeners_without_an_interviewer() -> None:
    state = ReflectingState(talkers=["T1", "T2"], team=["R"], phase="reflection")
    assert speakers_and_listeners(state) == (["R"], ["T1", "T2"])
    state.phase = "conversation"
    assert speakers_and_listeners(state) == (["T1", "T2"], ["R"])


PHASED_TEMPLATE = """
[template]
id = "phased"
title = "フェーズ付き"
minutes = 60

[[stages]]
id = "refl"
type = "reflecting"
title = "リフレクティング"
minutes = 30
phases = [
  { kind = "conversation", minutes = 8 },
  { kind = "reflection", minutes = 5 },
  { kind = "response", minutes = 2.5 },
  { kind = "reflection", minutes = 4 },
]

[[stages]]
id = "refl2"
type = "reflecting"
title = "リフレクティング2"
minutes = 20
notice_minutes = 5
phases = [{ kind = "conversation", minutes = 10 }]

[[stages]]
id = "groups"
type = "breakout"
title = "分科会"
minutes = 10
notice_minutes = 5
"""


def test_phase_plan_reads_the_template() -> None:
    template = parse_template(PHASED_TEMPLATE, "phased.toml")
    options = template.stages[0].options
    assert phase_plan(options) == [
        ("conversation", 8.0),
        ("reflection", 5.0),
        ("response", 2.5),
        ("reflection", 4.0),
    ]
    assert phase_minutes(options, "reflection") == 5.0  # the first entry for a phase
    assert phase_minutes(options, "response") == 2.5
    # Survives the round trip through a session file.
    again = type(template).from_dict(json.loads(json.dumps(template.to_dict())))
    assert phase_plan(again.stages[0].options) == phase_plan(options)


def test_phase_plan_without_phases_is_the_default() -> None:
    assert phase_plan({}) == list(DEFAULT_PHASES)
    assert phase_plan(load("teireikai").stages[REFLECTING].options) == list(DEFAULT_PHASES)
    for phase, minutes in DEFAULT_PHASES:
        assert phase_minutes({}, phase) == minutes
    assert phase_minutes({}, "no-such-phase") is None


@pytest.mark.parametrize(
    "raw",
    [
        "conversation",
        {"kind": "conversation", "minutes": 5},
        42,
        None,
        [],
        ["conversation", 5, None],
        [{"kind": "chat", "minutes": 5}],
        [{"kind": "conversation", "minutes": 0}],
        [{"kind": "conversation", "minutes": -3}],
        [{"kind": "conversation", "minutes": "5"}],
        [{"kind": "conversation"}],
        [{"minutes": 5}],
        [{"kind": "conversation", "minutes": True}],
        [{"kind": "conversation", "minutes": float("nan")}],
        [{"kind": "conversation", "minutes": float("inf")}],
    ],
)
def test_phase_plan_with_only_bad_entries_falls_back_to_the_default(raw) -> None:
    assert phase_plan({"phases": raw}) == list(DEFAULT_PHASES)


def test_phase_plan_drops_bad_entries_and_keeps_good_ones() -> None:
    raw = [
        {"kind": "conversation", "minutes": 7},
        {"kind": "conversation", "minutes": True},
        {"kind": "reflection", "minutes": "4"},
        "response",
        {"kind": "response", "minutes": 2},
        {"kind": "gossip", "minutes": 2},
    ]
    assert phase_plan({"phases": raw}) == [("conversation", 7.0), ("response", 2.0)]
    # A phase the plan leaves out (or gives badly) keeps its default time box.
    assert phase_minutes({"phases": raw}, "reflection") == dict(DEFAULT_PHASES)["reflection"]


# -- reflecting through a Meeting ---------------------------------------------------------------


def test_a_reflecting_turn(tmp_path: Path) -> None:
    clock = FakeClock()
    meeting = new_meeting(tmp_path, clock)
    talker = meeting.join("話し手さん")
    interviewer = meeting.join("聞き手さん")
    member = meeting.join("チームさん")
    hidden = meeting.join(HIDDEN, show_name=False)
    hidden_label = f"#{list(meeting.state.participants).index(hidden) + 1}"

    assert meeting.set_roles([talker], interviewer, [member]) is None  # not in a reflecting stage
    assert meeting.next_phase() is None
    meeting.start_stage(REFLECTING)
    assert meeting.state.reflecting == ReflectingState()
    assert meeting.set_roles([talker], interviewer, [member, hidden, "  見学の山田さん"])
    current = meeting.state.reflecting
    assert current.talkers == [talker]
    assert current.interviewer == interviewer
    assert current.team == [member, hidden, "  見学の山田さん"]

    view = projector_view(meeting.state, clock()).reflecting
    assert view is not None
    assert (view.phase, view.cycle, view.remaining) == (None, 0, None)

    team_labels = ("チームさん", hidden_label, "  見学の山田さん")
    pair = ("話し手さん", "聞き手さん")
    expected = [
        ("conversation", 1, 6, pair, team_labels),
        ("reflection", 1, 4, team_labels, pair),
        ("response", 1, 3, pair, team_labels),
    ]
    note_ids = []
    for phase, cycle, minutes, talking, listening in expected:
        assert meeting.next_phase() is not None
        state = meeting.state
        assert (state.reflecting.phase, state.reflecting.cycle) == (phase, cycle)
        view = projector_view(state, clock()).reflecting
        assert (view.phase, view.cycle) == (phase, cycle)
        assert view.remaining == minutes * 60
        assert view.talking == talking
        assert view.listening == listening
        clock.advance(45)
        assert projector_view(meeting.state, clock()).reflecting.remaining == minutes * 60 - 45
        note_ids.append(meeting.add_note(f"{phase} {cycle} のメモ", "public"))
        clock.advance(minutes * 60)  # run over: the phase timer goes below zero
        assert projector_view(meeting.state, clock()).reflecting.remaining == -45
        whole = projector_view(meeting.state, clock())
        assert HIDDEN not in repr(whole)

    notes = meeting.state.notes
    assert [notes[n].tags for n in note_ids] == [
        ("phase:conversation",),
        ("phase:reflection",),
        ("phase:response",),
    ]
    assert all(notes[n].stage_index == REFLECTING for n in note_ids)
    tagged = meeting.add_note("タグ付き", tags=["mine"])
    assert meeting.state.notes[tagged].tags == ("mine", "phase:response")

    # After the talker's response: back to the room, and then nothing more.
    assert meeting.next_phase() is not None
    view = projector_view(meeting.state, clock()).reflecting
    assert (view.phase, view.remaining, view.talking, view.listening) == (END, None, (), ())
    assert (view.step, view.steps) == (3, 3)
    assert meeting.next_phase() is None
    assert meeting.state.reflecting.phase == END
    after = meeting.add_note("全体で")
    assert meeting.state.notes[after].tags == ()  # not a phase of the turn

    # The next stage drops the reflecting state; notes there get no phase tag.
    meeting.start_stage(BREAK)
    assert meeting.state.reflecting is None
    assert projector_view(meeting.state, clock()).reflecting is None
    later = meeting.add_note("休憩中")
    assert meeting.state.notes[later].tags == ()
    # Coming back starts a fresh turn.
    meeting.start_stage(REFLECTING)
    assert meeting.state.reflecting == ReflectingState()


def test_reflecting_phase_times_come_from_the_template(tmp_path: Path) -> None:
    clock = FakeClock()
    meeting = new_meeting(tmp_path, clock, parse_template(PHASED_TEMPLATE, "phased.toml"))
    meeting.start_stage(0)
    remaining = []
    for _ in range(6):
        meeting.next_phase()
        remaining.append(projector_view(meeting.state, clock()).reflecting.remaining)
    # As listed; a plan ending on a reflection gets the talker's response last; then the end.
    assert remaining == [8 * 60, 5 * 60, 2.5 * 60, 4 * 60, 2.5 * 60, None]
    # A stage whose plan names only the conversation keeps default times for the rest.
    meeting.start_stage(1)
    remaining = []
    for _ in range(4):
        meeting.next_phase()
        remaining.append(projector_view(meeting.state, clock()).reflecting.remaining)
    assert remaining == [10 * 60, 4 * 60, 3 * 60, None]


def test_reflecting_roles_from_the_log_are_cleaned(tmp_path: Path) -> None:
    clock = FakeClock()
    meeting = new_meeting(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    meeting.log.append(
        "reflecting.roles",
        {"talkers": "ひとり", "interviewer": ["", "聞き手"], "team": ["", "  ", 3, "A"]},
        actor=Actor("facilitator"),
    )
    current = meeting.state.reflecting
    assert (current.talkers, current.interviewer, current.team) == (["ひとり"], "聞き手", ["A"])
    meeting.log.append("reflecting.phase", {"phase": "nap"}, actor=Actor("facilitator"))
    assert meeting.state.reflecting.phase is None
    meeting.log.append("reflecting.phase", {"phase": "reflection"}, actor=Actor("facilitator"))
    assert (meeting.state.reflecting.phase, meeting.state.reflecting.cycle) == ("reflection", 1)


# -- breakouts and the report-back --------------------------------------------------------------


def test_a_breakout(tmp_path: Path) -> None:
    clock = FakeClock()
    meeting = new_meeting(tmp_path, clock)
    names = ["あおい", "ひかる", "みどり", "そら"]
    people = [meeting.join(name) for name in names]
    hidden = meeting.join(HIDDEN, show_name=False)
    hidden_label = f"#{len(people) + 1}"
    gone = meeting.join("帰った人")

    meeting.start_stage(BREAKOUT)
    state = meeting.state
    assert list(state.breakout.groups) == ["ibasho", "event"]
    assert state.breakout.groups["ibasho"].name["ja"] == "居場所部会"
    assert state.breakout.seats == {}

    # A group made on the spot.
    assert meeting.add_group("   ") is None
    kitchen = meeting.add_group(" 子ども食堂の会 ", topic=" 夏休み ")
    assert kitchen is not None
    group = meeting.state.breakout.groups[kitchen]
    assert (group.name, group.topic) == ({"ja": "子ども食堂の会"}, "夏休み")
    order = ["ibasho", "event", kitchen]
    assert list(meeting.state.breakout.groups) == order

    # By hand.
    a, b, c, _ = people
    assert meeting.move(a, "ibasho") is not None
    assert meeting.move(a, "ibasho") is None  # already there
    assert meeting.move(a, "nowhere") is None
    assert meeting.move("stranger", "ibasho") is None
    assert meeting.state.breakout.seats == {a: "ibasho"}
    # move_to_next_group cycles through every group, in order.
    visited = []
    for _ in range(4):
        assert meeting.move_to_next_group(b) is not None
        visited.append(meeting.state.breakout.seats[b])
    assert visited == [*order, "ibasho"]
    meeting.move(b, None)
    assert b not in meeting.state.breakout.seats
    assert meeting.move(b, None) is None

    # Everyone into ibasho, then balanced: present people only, sizes 2/2/1.
    for pid in [*people, hidden, gone]:
        meeting.move(pid, "ibasho")
    meeting.move(c, "event")
    meeting.leave(gone)
    assert meeting.balance_groups() is not None
    seats = meeting.state.breakout.seats
    present = [*people, hidden]
    counts = sizes({pid: seats[pid] for pid in present}, order)
    assert sorted(counts.values()) == [1, 2, 2]
    assert seats[c] == "event"  # its group was within the fair share: stays
    assert counts["ibasho"] == 2
    # Balanced once, balancing again is a no-op on the seats.
    meeting.balance_groups()
    assert meeting.state.breakout.seats == seats

    assert meeting.set_topic("nowhere", "x") is None
    assert meeting.set_topic("event", "  秋祭りの相談 ") is not None
    assert meeting.state.breakout.groups["event"].topic == "秋祭りの相談"

    view = projector_view(meeting.state, clock())
    assert view.stage_type == "breakout"
    assert [g.name for g in view.groups] == [meeting.state.breakout.groups[g].name for g in order]
    assert [g.topic for g in view.groups] == ["", "秋祭りの相談", "夏休み"]
    label = {**dict(zip(people, names, strict=True)), hidden: hidden_label}
    for gid, shown in zip(order, view.groups, strict=True):
        members = [pid for pid in present if seats[pid] == gid]
        assert sorted(shown.members) == sorted(label[pid] for pid in members)
    assert sum(len(g.members) for g in view.groups) == len(present)  # who left is not shown
    assert "帰った人" not in repr(view)
    assert HIDDEN not in repr(view)
    assert hidden_label in repr(view)


def test_regroup_soon_only_in_the_last_minutes(tmp_path: Path) -> None:
    clock = FakeClock()
    meeting = new_meeting(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    clock.advance(15 * 60 - 60)  # the end of another kind of stage: no notice
    assert not breakout.regroup_soon(meeting.state, clock())

    meeting.start_stage(BREAKOUT)  # 20 minutes; the notice comes 3 minutes before the end
    start = clock()

    def soon(after: float) -> bool:
        now = start + after
        flag = breakout.regroup_soon(meeting.state, now)
        assert projector_view(meeting.state, now).regroup_soon is flag
        return flag

    assert not soon(0)
    assert not soon(10 * 60)
    assert not soon(17 * 60 - 1)
    assert soon(17 * 60)
    assert soon(19 * 60)
    assert soon(20 * 60)
    assert not soon(20 * 60 + 1)  # over time: the time box is gone, not "soon"
    # An extension pushes the notice back.
    meeting.extend(60)
    assert not soon(17 * 60 + 30)
    assert soon(18 * 60)

    meeting.start_stage(REPORT)
    clock.advance(7 * 60 - 10)
    assert not breakout.regroup_soon(meeting.state, clock())


def test_regroup_notice_minutes_from_the_template(tmp_path: Path) -> None:
    clock = FakeClock()
    meeting = new_meeting(tmp_path, clock, parse_template(PHASED_TEMPLATE, "phased.toml"))
    meeting.start_stage(2)  # 10 minutes, notice 5 minutes before
    assert not breakout.regroup_soon(meeting.state, clock.advance(5 * 60 - 1))
    assert breakout.regroup_soon(meeting.state, clock.advance(1))


def test_report_back_shows_public_group_summaries(tmp_path: Path) -> None:
    clock = FakeClock()
    meeting = new_meeting(tmp_path, clock)
    meeting.join("あおい")
    meeting.start_stage(BREAKOUT)
    extra = meeting.add_group("その場の部会")

    def summary(text: str, gid: str | None, visibility: str = "public") -> str:
        note_id = meeting.add_note(text, visibility, group_id=gid)
        assert note_id is not None
        assert meeting.mark_summary(note_id) is not None
        return note_id

    summary("居場所：来月は公民館で", "ibasho")
    summary("居場所：見学を歓迎", "ibasho")
    summary("居場所：これは議事録だけ", "ibasho", "minutes")
    summary("居場所：これは非公開", "ibasho", "private")
    meeting.add_note("居場所：まとめではない公開メモ", "public", group_id="ibasho")
    summary("イベント：秋祭りに出店", "event")
    summary("全体：グループのないまとめ", None)
    undone = summary("イベント：取り消したまとめ", "event")
    assert meeting.mark_summary(undone) is not None  # marking again takes it back
    assert "summary" not in meeting.state.notes[undone].tags
    redacted = summary("イベント：消したまとめ", "event")
    meeting.redact(redacted)
    assert meeting.mark_summary(redacted) is None
    assert meeting.mark_summary("no-such-note") is None

    # During the breakout there is no report yet.
    assert projector_view(meeting.state, clock()).report == ()

    meeting.start_stage(REPORT)
    view = projector_view(meeting.state, clock())
    assert view.stage_type == "report_back"
    assert view.groups == ()
    groups = meeting.state.breakout.groups
    assert view.report == (
        (groups["ibasho"].name, ("居場所：来月は公民館で", "居場所：見学を歓迎")),
        (groups["event"].name, ("イベント：秋祭りに出店",)),
        (groups[extra].name, ()),
    )
    shown = repr(view)
    for hidden_text in ("議事録だけ", "非公開", "まとめではない", "取り消した", "消した"):
        assert hidden_text not in repr(view.report), hidden_text
    assert "これは非公開" not in shown and "これは議事録だけ" not in shown


# -- backstage ------------------------------------------------------------------------------------

MARK = "ZQXW"  # a marker no screen or export may show outside the private audience


def test_backstage_is_always_private(tmp_path: Path) -> None:
    clock = FakeClock()
    meeting = new_meeting(tmp_path, clock)
    meeting.join("あおい")
    meeting.start_stage(BREAK)
    assert meeting.record_backstage("gossip", f"{MARK} text") is None
    assert meeting.state.notes == {}

    note_id = meeting.record_backstage(
        "invited", f"{MARK} 居場所に誘った", [f" {MARK}さん ", "  "], f"{MARK}部会"
    )
    assert note_id is not None
    note = meeting.state.notes[note_id]
    assert note.visibility == "private"
    assert note.backstage
    assert note.tags == (BACKSTAGE_TAG, kind_tag("invited"))
    assert record_kind(note.tags) == "invited"
    assert note.people == (f"{MARK}さん",)
    assert note.invited_to == f"{MARK}部会"

    quiet = meeting.record_backstage("greeted")  # no text, nobody named
    assert meeting.state.notes[quiet].text == "・"
    assert meeting.state.notes[quiet].people == ()
    assert meeting.state.notes[quiet].invited_to is None

    # Nobody can make it public: not through the Meeting, nor by writing the log directly.
    for visibility in ("public", "minutes"):
        assert meeting.set_visibility(note_id, visibility) is None
    assert meeting.mark_summary(note_id) is None
    actor = Actor("notes")
    meeting.log.append("note.edited", {"note_id": note_id, "visibility": "public"}, actor=actor)
    meeting.log.append("note.edited", {"note_id": note_id, "tags": ["summary"]}, actor=actor)
    forced = meeting.add_note(f"{MARK} 公開のつもり", "public", tags=[BACKSTAGE_TAG])
    raw = "raw-backstage"
    meeting.log.append(
        "note.added",
        {
            "note_id": raw,
            "text": f"{MARK} raw",
            "visibility": "public",
            "tags": [BACKSTAGE_TAG, kind_tag("met_again")],
            "people": [f"{MARK}くん"],
        },
        actor=actor,
    )
    notes = meeting.state.notes
    for nid in (note_id, forced, raw):
        assert notes[nid].visibility == "private", nid
        assert BACKSTAGE_TAG in notes[nid].tags
    assert "summary" in notes[note_id].tags  # other tags may change; backstage stays

    state = meeting.state
    assert MARK not in repr(projector_view(state, clock()))
    events = meeting.log.events()
    for audience in ("public", "minutes"):
        assert MARK not in json.dumps(export_events(events, state, audience), ensure_ascii=False)
        assert MARK not in json.dumps(export_state(state, audience), ensure_ascii=False)
    private_events = json.dumps(export_events(events, state, "private"), ensure_ascii=False)
    private_state = json.dumps(export_state(state, "private"), ensure_ascii=False)
    for text in (f"{MARK} 居場所に誘った", f"{MARK}さん", f"{MARK}部会", f"{MARK} raw"):
        assert text in private_events, text
    assert f"{MARK} 居場所に誘った" in private_state


def test_backstage_in_a_reflecting_phase_or_breakout_stays_private(tmp_path: Path) -> None:
    clock = FakeClock()
    meeting = new_meeting(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    meeting.set_roles(["話し手"], None, ["A", "B"])
    meeting.next_phase()
    note_id = meeting.record_backstage("met_again", f"{MARK} また会えた", [f"{MARK}さん"])
    note = meeting.state.notes[note_id]
    assert note.tags == (BACKSTAGE_TAG, kind_tag("met_again"))  # no phase tag on backstage
    assert MARK not in repr(projector_view(meeting.state, clock()))

    meeting.start_stage(BREAKOUT)
    group_note = meeting.add_note(
        f"{MARK} group", "public", tags=[BACKSTAGE_TAG], group_id="ibasho"
    )
    assert meeting.mark_summary(group_note) is None
    meeting.start_stage(REPORT)
    view = projector_view(meeting.state, clock())
    assert MARK not in repr(view)
    assert all(summaries == () for _, summaries in view.report)


@pytest.mark.parametrize("kind", KINDS)
def test_every_backstage_kind_is_recorded(tmp_path: Path, kind: str) -> None:
    meeting = new_meeting(tmp_path, FakeClock())
    note_id = meeting.record_backstage(kind, "memo")
    assert record_kind(meeting.state.notes[note_id].tags) == kind
    assert meeting.state.notes[note_id].visibility == "private"
