"""Issue 17: the planner's tabu search scores swaps as the planner does, says why it stopped; a
big session is read straight from its lines with the checksum still checked."""

from __future__ import annotations

import random
from pathlib import Path

from kusanone_games.catalogue import Game
from kusanone_games.model import Attendee, Evening, Weights
from kusanone_games.planner import Annealer, Problem, construct, plan_evening
from kusanone_games.tabu import Tabu

from kusanone_tui import templates
from kusanone_tui.model.events import Actor
from kusanone_tui.store.session import SessionLog, read_log

SHELF = [
    Game("ito", 2, 10, 30, 1.1, 2),
    Game("ドブル", 2, 8, 15, 1.0, 1),
    Game("カタン", 3, 4, 75, 2.3, 1),
    Game("ニムト", 2, 10, 45, 1.2, 1),
]


def night(people: int, seed: int) -> Evening:
    rng = random.Random(seed)
    names = [f"人{i}" for i in range(people)]
    attendees = []
    for i, name in enumerate(names):
        attendees.append(
            Attendee(
                name,
                newcomer=i % 5 == 0,
                supporter=i % 6 == 1,
                teaches=tuple(g.name for g in SHELF if rng.random() < 0.4),
                wishes=tuple(rng.sample([g.name for g in SHELF], 2)),
                buddies=(names[(i + 1) % people],) if i % 4 == 0 else (),
                not_with=(names[(i + 3) % people],) if i % 7 == 0 else (),
                quiet=(2,) if i % 3 == 0 else (),
            )
        )
    return Evening(SHELF, attendees, rounds=3)


def test_every_tabu_swap_is_scored_as_the_planner_scores_it() -> None:
    for seed in range(3):
        problem = Problem(night(13 + 4 * seed, seed))
        state = construct(problem, random.Random(seed))
        scalar = Annealer(state, random.Random(seed))
        deltas, possible, _ = Tabu(state, random.Random(seed)).deltas()
        checked = 0
        for r in range(problem.R):
            for a in range(problem.n):
                for b in range(a + 1, problem.n):
                    if possible[r, a, b]:
                        assert abs(scalar.swap_delta(r, a, b) - deltas[r, a, b]) < 1e-6
                        checked += 1
        assert checked > 50


def test_the_tabu_search_keeps_its_cost_and_removes_repeats() -> None:
    games = [Game("table", 4, 4, 30, 1.0, 4)]
    evening = Evening(
        games, [Attendee(f"p{i}") for i in range(16)], rounds=5, weights=Weights(replay=0)
    )
    problem = Problem(evening)
    state = construct(problem, random.Random(3))
    cost, best, halted = Tabu(state, random.Random(3)).run(state.cost(), 1e-9, float("inf"))
    assert not halted and abs(best.cost() - cost) < 1e-6
    assert cost == 0  # the affine plane of order 4: nobody meets twice


def test_a_plan_at_its_lower_bound_says_optimal() -> None:
    games = [Game("table", 3, 3, 30, 1.0, 3)]
    evening = Evening(
        games, [Attendee(f"p{i}") for i in range(9)], rounds=4, weights=Weights(replay=0)
    )
    result = plan_evening(evening, seconds=20, seed=1)
    assert result.stopped == "optimal" and result.cost == 0 and result.bound == 0


def test_the_same_seed_gives_the_same_plan_when_it_stops_by_itself() -> None:
    games = [Game("table", 4, 4, 30, 1.0, 2)]
    evening = Evening(
        games, [Attendee(f"p{i}") for i in range(8)], rounds=3, weights=Weights(replay=0)
    )
    first = plan_evening(evening, seconds=4, seed=5)
    again = plan_evening(evening, seconds=4, seed=5)
    assert first.stopped == "no improvement"  # 120 is the optimum; the bound says only 80
    assert first.plan == again.plan and first.cost == 120


def _big(path: Path, notes: int) -> None:
    log = SessionLog.create(path, templates.load("teireikai"))
    log.append_many(
        [
            ("note.added", {"note_id": f"n{i}", "text": f"近況 {i}", "visibility": "public"})
            for i in range(notes)
        ]
        + [("note.added", {"note_id": "odd", "text": "a\x1b[31mred", "visibility": "public"})],
        actor=Actor("notes"),
    )
    log.close()


def test_read_log_gives_the_events_and_state_of_the_ordinary_open(tmp_path: Path) -> None:
    path = tmp_path / "s.session.jsonl"
    _big(path, 300)
    fast = read_log(path)
    assert fast is not None
    events, state = fast
    log = SessionLog.open(path)
    assert [e.to_dict() for e in events] == [e.to_dict() for e in log.events()]
    assert state.notes == log.state().notes
    assert "\x1b" not in state.notes["odd"].text  # a control character is still cleaned


def test_read_log_checks_every_checksum(tmp_path: Path) -> None:
    path = tmp_path / "s.session.jsonl"
    _big(path, 20)
    lines = path.read_bytes().split(b"\n")
    lines[5] = lines[5].replace("近況".encode(), "近状".encode())
    path.write_bytes(b"\n".join(lines))
    assert read_log(path) is None  # damaged: the ordinary open repairs and reports it


def _count_flushes(monkeypatch) -> list[int]:
    flushes: list[int] = []
    for name in ("fsync", "fdatasync"):
        real = getattr(__import__("os"), name)
        monkeypatch.setattr(f"os.{name}", lambda fd, real=real: (flushes.append(fd), real(fd))[1])
    return flushes


def test_the_demo_in_its_throwaway_store_skips_the_flush_a_real_store_keeps(
    tmp_path: Path, monkeypatch
) -> None:
    from kusanone_tui.demo import create_demo
    from kusanone_tui.meeting import Meeting

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    flushes = _count_flushes(monkeypatch)
    demo = create_demo()
    assert flushes == []  # no flush per event in the throwaway store
    Meeting(demo, "notes").add_note("デモのメモ", "public")
    assert flushes == []
    # every event still lands, and another reader sees it
    again = SessionLog.open(demo.path)
    assert [n.text for n in again.state().notes.values()][-1] == "デモのメモ"

    real = create_demo(tmp_path / "store")  # a store someone named: durable as always
    assert len(flushes) > 5
    before = len(flushes)
    Meeting(real, "notes").add_note("メモ", "public")
    assert len(flushes) > before


async def test_the_collector_is_on_again_once_the_first_screen_is_drawn(tmp_path, clock) -> None:
    """entry.py turns the cyclic collector off while the command starts; a meeting turns it on
    as soon as its first screen is up, so a long meeting never runs without it."""
    import gc

    from test_snapshots import scene

    from kusanone_tui.testing import screen_text, wait_until
    from kusanone_tui.tui.app import KusanoneApp

    gc.disable()
    try:
        app = KusanoneApp(scene(tmp_path, clock), clock=clock)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: "近況報告" in screen_text(app))
            await wait_until(pilot, gc.isenabled)
    finally:
        gc.enable()


def test_a_command_without_a_screen_runs_with_the_collector_on(tmp_path, monkeypatch) -> None:
    import gc

    from kusanone_tui import cli, entry

    seen: list[bool] = []
    monkeypatch.setitem(cli.COMMANDS, "sessions", lambda args: seen.append(gc.isenabled()) or 0)
    try:
        assert entry.main(["--data", str(tmp_path), "sessions"]) == 0
        assert seen == [True] and gc.isenabled()
    finally:
        gc.enable()
