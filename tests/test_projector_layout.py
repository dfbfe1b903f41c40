"""The projector fits the room's grid: snapshots of every built-in stage type at 60×18 (a big
terminal font, or a browser window fitted to the designed grid), 80×24 and 160×45.

Text snapshots, as in ``tests/test_snapshots.py``: after checking a changed screen by eye (run
``kusanone open SESSION --role projector`` in a terminal of that size), refresh with
``KUSANONE_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_projector_layout.py``.
What each stage must keep at the smallest grid is asserted below as well, so that a refreshed
snapshot cannot quietly lose it.
"""

from __future__ import annotations

import pytest
from test_snapshots import check, settled, size_name

from kusanone_tui import Actor
from kusanone_tui.meeting import Meeting
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.screens.projector import big

SIZES = [(60, 18), (80, 24), (160, 45)]
PEOPLE = ("みどり", "さくらの母", "ゲスト", "Tanaka", "そら", "はると", "ゆき", "あおい")
UPDATES = (
    "朝の散歩を続けています",
    "家族会に久しぶりに出ました。みんなの顔が見られてよかったです",
    "公民館のゲーム会を手伝いました",
    "最近は水彩で絵を描いています",
    "畑の大根がとれました",
    "図書館で働きはじめました、週二日です",
    "猫が二匹になりました",
    "来月の居場所カフェに行ってみたい",
    "ようやく眠れるようになってきました",
    "また来ます",
)
HIDDEN = ("MINUTESxMARK", "PRIVATExMARK", "URAxMARK")


def _teireikai(root, clock, stage_type: str) -> SessionLog:
    log = SessionStore(root).create(load("teireikai"), title="11月の定例会", clock=clock)
    facilitator, notes = Meeting(log), Meeting(log, "notes")
    people = [facilitator.join(name) for name in PEOPLE[:5]]
    facilitator.next_stage()
    clock.advance(4 * 60)
    facilitator.next_stage()  # 近況報告
    facilitator.start_round()
    for index, text in enumerate(UPDATES):
        clock.advance(40)
        notes.add_note(text, "public", participant_id=people[index % len(people)])
    notes.add_note("MINUTESxMARK 議事録だけ", "minutes", participant_id=people[0])
    notes.add_note("PRIVATExMARK ウラ", "private")
    notes.record_backstage("invited", "URAxMARK", ["みどり"], "まんまの会")
    facilitator.next_turn()
    facilitator.next_turn()
    facilitator.pass_turn()  # ゲスト passes: nothing on the wall says so
    facilitator.next_turn()  # Tanaka speaks; そら is next
    clock.advance(65)
    if stage_type == "round":
        return log
    while log.state().stage.type != stage_type:
        facilitator.next_stage()
        clock.advance(60)
        if log.state().stage.type == "breakout":
            groups = list(log.state().breakout.groups)
            facilitator.balance_groups()
            facilitator.set_topic(groups[0], "居場所カフェの見学")
            summary = notes.add_note("来月カフェを見学します", "public", group_id=groups[0])
            notes.mark_summary(summary)
            kept = notes.add_note("MINUTESxMARK まとめ", "minutes", group_id=groups[1])
            notes.mark_summary(kept)
    if stage_type == "reflecting":
        facilitator.set_roles([people[0]], people[1], people[2:5])
        facilitator.next_phase()
        clock.advance(90)
        facilitator.next_phase()  # the team reflects
        clock.advance(70)
    return log


def _plugin_stage(root, clock, template: str, stage_type: str, host: PluginHost) -> SessionLog:
    chosen = load(template, extra_types=host.stage_types(), extra_templates=host.templates())
    log = SessionStore(root).create(chosen, title="秋のつどい", clock=clock)
    facilitator = Meeting(log)
    people = [facilitator.join(name) for name in PEOPLE]
    while log.state().stage is None or log.state().stage.type != stage_type:
        facilitator.next_stage()
        clock.advance(60)
    plugin = {"openmic": "openmic", "games": "games", "hitokoto": "hitokoto"}[stage_type]
    actor = Actor("plugin", plugin)
    if stage_type == "openmic":
        data = {
            "block": "walkin",
            "stage_index": log.state().stage_index,
            "based_on": 3,
            "now": "うたうたい",
            "started_at": clock() - 100,
            "slot": 300,
            "remaining_at_start": None,
            "next": "ギターのひと",
            "later": ["朗読の会", "DJ そら"],
        }
        log.append("openmic:lineup", {**data, "visibility": "live"}, actor=actor)
    elif stage_type == "games":
        tables = [
            {"table": 1, "game": "ito", "ids": people[0:4]},
            {"table": 2, "game": "ナンジャモンジャ", "ids": people[4:8]},
        ]
        data = {"round": 1, "rounds": 3, "tables": tables}
        log.append("games:tables", {**data, "visibility": "public"}, actor=actor)
    else:
        log.append("hitokoto:drawn", {"card": 3, "seed": 7, "visibility": "public"}, actor=actor)
    clock.advance(30)
    return log


#: Each built-in stage type: (name, template, stage type, what must be readable at 60×18).
STAGES = [
    ("round", "teireikai", "round", ["近況報告", big("Tanaka"), "パスしてよい", "また来ます"]),
    (
        "reflecting",
        "teireikai",
        "reflecting",
        ["リフレクティング", "リフレクション", "助言はしない"],
    ),
    ("breakouts", "teireikai", "breakout", ["分科会", "居場所部会", "居場所カフェの見学"]),
    ("report-back", "teireikai", "report_back", ["分科会の報告", "来月カフェを見学します"]),
    ("break", "teireikai", "break", ["休憩", "ウラの時間"]),
    ("open-mic", "trigger_fes", "openmic", ["うたうたい", "ギターのひと"]),
    ("game-tables", "game_night", "games", ["ito", "ナンジャモンジャ", "みどり"]),
    ("hitokoto", "hitokoto_kai", "hitokoto", ["ひとことカード"]),
]


def projector_scene(root, clock, template: str, stage_type: str, host: PluginHost) -> SessionLog:
    if template == "teireikai":
        return _teireikai(root, clock, stage_type)
    return _plugin_stage(root, clock, template, stage_type, host)


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.discover([])


@pytest.mark.parametrize("size", SIZES, ids=size_name)
@pytest.mark.parametrize("name, template, stage_type, seen", STAGES, ids=[s[0] for s in STAGES])
async def test_projector_snapshot(tmp_path, clock, host, name, template, stage_type, seen, size):
    log = projector_scene(tmp_path, clock, template, stage_type, host)
    app = KusanoneApp(log, role="projector", clock=clock, plugins=host)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, app.shows_latest)
        await wait_until(pilot, settled(app))
        app.refresh_now()  # the board fitted to the laid-out columns
        await wait_until(pilot, settled(app))
        text = screen_text(app)
        for marker in HIDDEN:
            assert marker not in text
        assert "パス" not in text.replace("パスしてよい", "").replace("パスしても", "")
        for words in seen:
            assert words in text, f"{words!r} is not on the {name} projector at {size}"
        lines = text.splitlines()
        assert len(lines) == size[1] and all(len(line) <= size[0] for line in lines)
        check(f"projector-{name}-{size_name(size)}", text, None, app.session_log.session_id)


async def test_older_notes_give_way_to_the_newest(tmp_path, clock, host):
    log = _teireikai(tmp_path, clock, "round")
    app = KusanoneApp(log, role="projector", clock=clock, plugins=host)
    async with app.run_test(size=(60, 18)) as pilot:
        await wait_until(pilot, app.shows_latest)
        app.refresh_now()
        await wait_until(pilot, lambda: UPDATES[-1] in screen_text(app))
        assert UPDATES[0] not in screen_text(app)
        Meeting(log, "notes").add_note("いちばん新しい近況", "public")
        await wait_until(pilot, lambda: "いちばん新しい近況" in screen_text(app))
        text = screen_text(app)
        assert "いちばん新しい近況" in text and UPDATES[-1] in text
        # at 160×45 the notes stand in columns, and every one of them fits
        await pilot.resize_terminal(160, 45)
        await wait_until(pilot, lambda: UPDATES[0] in screen_text(app))
        rows = [line for line in screen_text(app).splitlines() if UPDATES[1][:6] in line]
        assert rows and any(UPDATES[6][:5] in line for line in screen_text(app).splitlines())
        assert all(update[:8] in screen_text(app) for update in UPDATES)
