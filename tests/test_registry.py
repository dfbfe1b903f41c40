"""The community registry (community.jsonl): groups, activities and collaborations that live across
sessions, on the same crash-safe, multi-process storage as a session."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kusanone_tui.store.registry import Activity, Collaboration, Group, Registry
from kusanone_tui.store.sessions import COMMUNITY_FILE, SessionStore

PROCESS_TIMEOUT = 60.0


def community(root: Path) -> Registry:
    return SessionStore(root).community()


def fill(registry: Registry) -> tuple[list[Group], list[Activity], list[Collaboration]]:
    ibasho = registry.add_group(" 居場所部会 ", session="s1")
    npo = registry.add_group("NPOそよかぜ", kind="organisation")
    odd = registry.add_group("謎の会", kind="club")
    cafe = registry.add_activity(
        " 土曜カフェ ", "cafe", "2026-05-10", groups=(ibasho.id, npo.id), session="s1"
    )
    fest = registry.add_activity("秋祭り", "festival")
    other = registry.add_activity("ボードゲーム会", "board-games", "2026-06-01")
    together = registry.add_collaboration(
        " 居場所部会とそよかぜで合同カフェ ", (ibasho.id, npo.id), "2026-05-10", "s1"
    )
    alone = registry.add_collaboration("チラシを共同で作った")
    return [ibasho, npo, odd], [cafe, fest, other], [together, alone]


def test_add_and_read_back(tmp_path: Path) -> None:
    registry = community(tmp_path)
    assert (registry.groups(), registry.activities(), registry.collaborations()) == ([], [], [])
    assert registry.names() == []

    groups, activities, collaborations = fill(registry)
    ibasho, npo, odd = groups
    assert (ibasho.name, ibasho.kind, ibasho.session) == ("居場所部会", "group", "s1")
    assert npo.kind == "organisation"
    assert odd.kind == "group"  # an unknown kind falls back
    assert len({g.id for g in groups}) == 3

    cafe, fest, other = activities
    assert (cafe.name, cafe.kind, cafe.born_on) == ("土曜カフェ", "cafe", "2026-05-10")
    assert cafe.groups == (ibasho.id, npo.id)
    assert fest.kind == "event" and len(fest.born_on) == 10  # today, YYYY-MM-DD
    assert other.kind == "other"

    together, alone = collaborations
    assert together.text == "居場所部会とそよかぜで合同カフェ"
    assert together.groups == (ibasho.id, npo.id)
    assert (together.on, together.session) == ("2026-05-10", "s1")
    assert alone.groups == () and len(alone.on) == 10

    assert registry.groups() == groups
    assert registry.activities() == activities
    assert registry.collaborations() == collaborations
    assert registry.names() == [
        "居場所部会",
        "NPOそよかぜ",
        "謎の会",
        "土曜カフェ",
        "秋祭り",
        "ボードゲーム会",
    ]


def test_adding_an_existing_group_returns_it(tmp_path: Path) -> None:
    registry = community(tmp_path)
    first = registry.add_group("居場所部会", session="s1")
    again = registry.add_group("  居場所部会 ", kind="organisation", session="s2")
    assert again == first
    assert registry.find_group("居場所部会") == first
    assert registry.find_group(" 居場所部会") == first
    assert registry.find_group("イベント部会") is None
    assert registry.groups() == [first]
    # Another handle on the same file (as another process would be) sees it too.
    other = Registry(registry.db.log.path)
    assert other.add_group("居場所部会") == first
    assert len(other.groups()) == 1
    # ...and a group it adds is found by the first handle.
    made = other.add_group("イベント部会")
    assert registry.add_group("イベント部会") == made
    assert [g.name for g in registry.groups()] == ["居場所部会", "イベント部会"]


def test_data_survives_reopening(tmp_path: Path) -> None:
    registry = community(tmp_path)
    groups, activities, collaborations = fill(registry)
    registry.db.close()

    path = tmp_path / COMMUNITY_FILE
    again = Registry(path)
    assert again.db.log.damage is None
    assert again.groups() == groups
    assert again.activities() == activities
    assert again.collaborations() == collaborations
    assert again.names() == community(tmp_path).names()
    assert again.add_group("NPOそよかぜ") == groups[1]
    # New entries after reopening get fresh ids and land after the old ones.
    late = again.add_activity("夜カフェ", "cafe")
    assert late.id not in {a.id for a in activities}
    assert Registry(path).activities() == [*activities, late]


def test_the_file_is_private(tmp_path: Path) -> None:
    root = tmp_path / "store"
    registry = community(root)
    registry.add_group("居場所部会")
    path = root / COMMUNITY_FILE
    assert registry.db.log.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    # Still 0600 after a rewrite (here: a repair of a damaged end).
    with open(path, "ab") as handle:
        handle.write(b"garbage")
    repaired = Registry(path)
    assert repaired.db.log.damage is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(repaired.db.log.damage.kept_as.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "garbage",
    [b"\x00\xff\xfegarbage{", b"deadbeef {not json}\n", b"not a record at all\nnor this"],
    ids=["torn-tail", "bad-line", "bad-line-and-tail"],
)
def test_a_damaged_file_opens_with_every_intact_record(tmp_path: Path, garbage: bytes) -> None:
    registry = community(tmp_path)
    groups, activities, collaborations = fill(registry)
    path = tmp_path / COMMUNITY_FILE
    intact = path.read_bytes()
    with open(path, "ab") as handle:
        handle.write(garbage)

    damaged = Registry(path)
    report = damaged.db.log.damage
    assert report is not None
    assert report.recovered == len(groups) + len(activities) + len(collaborations)
    assert report.torn_tail == (not garbage.endswith(b"\n"))
    assert report.dropped_lines == garbage.count(b"\n")
    assert report.kept_as.exists() and report.kept_as.read_bytes() == intact + garbage
    assert damaged.groups() == groups
    assert damaged.activities() == activities
    assert damaged.collaborations() == collaborations
    assert path.read_bytes() == intact

    # The repaired file takes new records; opening again finds nothing wrong.
    fresh = damaged.add_group("新しい会")
    again = Registry(path)
    assert again.db.log.damage is None
    assert again.groups() == [*groups, fresh]
    # The handle opened before the damage also comes through, with everything.
    assert registry.groups() == [*groups, fresh]
    assert registry.activities() == activities


# -- several processes ------------------------------------------------------------------------

# argv: path, tag, go-file, count, what ("activities" or "groups"). Prints "ready", waits for the
# go file, then adds `count` entries and prints their ids as JSON.
WRITER_CODE = r"""
import json, os, sys, time
from kusanone_tui.store.registry import Registry

path, tag, go, count, what = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
registry = Registry(path)
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
ids = []
for i in range(count):
    if what == "activities":
        ids.append(registry.add_activity(f"{tag}-{i}", "cafe", "2026-01-01", session=tag).id)
    else:
        ids.append(registry.add_group(f"group-{i}", session=tag).id)
print(json.dumps(ids), flush=True)
"""


def run_writers(path: Path, go: Path, tags: list[str], count: int, what: str) -> list[list[str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER_CODE, str(path), tag, str(go), str(count), what],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in tags
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.strip() == "ready", proc.stderr.read() if proc.stderr else ""
        go.touch()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=PROCESS_TIMEOUT)
            assert proc.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.mark.slow
def test_two_processes_add_activities_at_once(tmp_path: Path) -> None:
    registry = community(tmp_path)
    path = tmp_path / COMMUNITY_FILE
    results = run_writers(path, tmp_path / "go", ["a", "b"], 100, "activities")

    activities = registry.activities()
    assert len(activities) == 200
    assert len({a.id for a in activities}) == 200
    assert sorted(a.id for a in activities) == sorted(results[0] + results[1])
    for tag in ("a", "b"):
        mine = [a.name for a in activities if a.session == tag]
        assert mine == [f"{tag}-{i}" for i in range(100)]  # each writer's order is kept
    doc_ids = [doc.doc_id for doc in registry.db.table("changes").all()]
    assert sorted(doc_ids) == list(range(1, 201))  # one change each, none lost or doubled
    reopened = Registry(path)
    assert reopened.db.log.damage is None
    assert reopened.activities() == activities
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.slow
def test_two_processes_adding_the_same_groups_make_each_once(tmp_path: Path) -> None:
    registry = community(tmp_path)
    path = tmp_path / COMMUNITY_FILE
    count = 40
    first, second = run_writers(path, tmp_path / "go", ["a", "b"], count, "groups")

    groups = registry.groups()
    assert sorted(g.name for g in groups) == sorted(f"group-{i}" for i in range(count))
    assert first == second  # both were handed the one group of each name
    assert [g.id for g in groups] == [g.id for g in Registry(path).groups()]
