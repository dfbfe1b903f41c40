"""Fixed meetings for golden-file tests: the same events, the same times, every run."""

from __future__ import annotations

import time
from pathlib import Path

from kusanone_tui.meeting import Meeting
from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import FakeClock

PRIVATE = "PRIVATExMARK"
BACKSTAGE = "BACKSTAGExMARK"
REDACTED = "REDACTEDxMARK"


def full_meeting(
    root: Path,
    day: tuple[int, int, int] = (2026, 11, 14),
    title="11月の定例会",
    names=("みどり", "さくらの母", "ゲスト", "田中", "そら"),
) -> SessionLog:
    """A regular meeting with every kind of entry, at 13:30 (local time) on ``day``."""
    clock = FakeClock(time.mktime((*day, 13, 30, 0, 0, 0, -1)))
    log = SessionStore(root).create(load("teireikai"), title=title, place="阪南市役所", clock=clock)
    f, n = Meeting(log, "facilitator"), Meeting(log, "notes")
    consent = {"さくらの母": True, "田中": True}
    positions = {"みどり": "self", "さくらの母": "family", "田中": "neighbour", "そら": "self"}
    people = [
        f.join(name, positions.get(name), minutes_name=consent.get(name, False)) for name in names
    ]
    f.next_stage()
    clock.advance(5 * 60)
    f.next_stage()  # 近況報告
    f.start_round("seating")
    updates = [
        "朝の散歩を続けています",
        "家族会に久しぶりに出ました",
        "",
        "公民館のゲーム会を手伝いました",
        "最近は絵を描いています",
    ]
    for index, text in enumerate(updates[: len(people)]):
        clock.advance(20)
        f.next_turn()
        if not text:
            f.pass_turn()  # a pass: in no minutes, no count
            continue
        clock.advance(120)
        n.add_note(text, "public" if index % 2 == 0 else "minutes", participant_id=people[index])
    n.add_note(f"{PRIVATE} 帰りに声をかける", "private")
    gone = n.add_note(f"{REDACTED} 言い過ぎたこと", "minutes")
    n.redact(gone)
    f.next_turn()
    clock.advance(10 * 60)
    f.next_stage()  # リフレクティング
    f.set_roles([people[0]], people[-1], people[1:-1])
    for phase_note in ("話してみてほっとした", "〜かもしれないと感じました", "受け取りました"):
        f.next_phase()
        clock.advance(4 * 60)
        n.add_note(phase_note, "minutes")
    f.next_stage()  # 休憩
    n.record_backstage("invited", f"{BACKSTAGE} 家族会へ", ["さくらの母"], "まんまの会")
    clock.advance(10 * 60)
    f.next_stage()  # 分科会
    groups = list(log.state().breakout.groups)
    f.balance_groups()
    f.set_topic(groups[0], "居場所カフェの見学")
    summary = n.add_note("来月カフェを見学します", "public", group_id=groups[0])
    n.mark_summary(summary)
    hidden = n.add_note(f"{PRIVATE} グループ内の話", "private", group_id=groups[1])
    n.mark_summary(hidden)
    clock.advance(20 * 60)
    f.next_stage()  # 報告
    clock.advance(7 * 60)
    f.next_stage()  # おわりに
    clock.advance(3 * 60)
    f.next_stage()  # the end
    return log


def network_of_stores(root: Path) -> list[Path]:
    """Two municipalities' stores: meetings over two fiscal years, and their registries."""
    from kusanone_tui.store.registry import Registry
    from kusanone_tui.store.sessions import COMMUNITY_FILE

    hannan, other = root / "hannan", root / "misaki"
    first = full_meeting(hannan, (2026, 3, 14), "3月の定例会")
    second = full_meeting(
        hannan,
        (2026, 5, 9),
        "5月の定例会",
        names=("みどり", "さくらの母", "田中", "はじめて来た人"),
    )
    third = full_meeting(other, (2026, 6, 20), "岬町の交流会", names=("海", "山の家族"))
    clock = FakeClock(time.mktime((2026, 3, 14, 15, 0, 0, 0, 0, -1)))
    registry = Registry(hannan / COMMUNITY_FILE, clock=clock)
    family = registry.add_group("まんまの会", session=first.session_id)
    events = registry.add_group("イベント部会", session=first.session_id)
    clock.advance(60 * 86400)
    cafe = registry.add_group("居場所カフェ", session=second.session_id)
    registry.add_activity(
        "泉州トリガーフェス", "festival", "2026-05-09", (events.id,), session=second.session_id
    )
    registry.add_collaboration(
        "フェスに家族会が出店", (family.id, events.id), "2026-05-09", session=second.session_id
    )
    registry.add_collaboration("カフェ見学", (cafe.id, family.id), "2026-06-01")
    Registry(other / COMMUNITY_FILE, clock=clock).add_activity(
        "海辺のボードゲーム会", "games", "2026-06-20", session=third.session_id
    )
    return [hannan, other]
