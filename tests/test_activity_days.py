"""Plugins record their evenings and days in the community's memory (issue 16.8): the plugin API's
``record_activity_day``, the game night's 「この会を記録」, the festival's 「この日を記録」, the
report counting such an evening once; and the registered supporters offered to both, by display
name, never on a screen that may be on the wall (issue 15.4)."""

from __future__ import annotations

from pathlib import Path

import kusanone_games
import kusanone_openmic
import pytest
from rich.text import Text

from kusanone_tui import Actor, new_id
from kusanone_tui.api import PluginAPI
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.report import build as build_report
from kusanone_tui.store.registry import Registry
from kusanone_tui.store.series import Supporters
from kusanone_tui.store.sessions import COMMUNITY_FILE, SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp

FACILITATOR = Actor("facilitator")


def plain(drawn: object) -> str:
    return drawn.plain if isinstance(drawn, Text) else str(drawn or "")


def session(root: Path, template: str, clock=None):
    host = PluginHost(strict=True)
    host.add(kusanone_games)
    host.add(kusanone_openmic)
    chosen = load(template, extra_types=host.stage_types(), extra_templates=host.templates())
    extra = {"clock": clock} if clock is not None else {}
    log = SessionStore(root).create(chosen, title="テストの会", **extra)
    host.bind(log, settings={"games": {"seconds": 0.2}})
    return host, log


def join(log, name: str) -> str:
    pid = new_id()
    log.append("participant.joined", {"participant_id": pid, "name": name}, actor=FACILITATOR)
    return pid


def registry(root: Path) -> Registry:
    return Registry(root / COMMUNITY_FILE)


# -- the plugin API ------------------------------------------------------------------------------
def test_record_activity_day_finds_or_adds_the_activity_and_never_counts_twice(tmp_path):
    _host, log = session(tmp_path, "teireikai")
    api = PluginAPI("mine", log)
    day = api.record_activity_day("居場所カフェ\x1b[31m", "カフェ", 8, on="2025-05-10", note="雨")
    reg = registry(tmp_path)
    (cafe,) = reg.activities()
    assert "\x1b" not in cafe.name and cafe.kind == "cafe"  # a control character is data
    assert (day.activity, day.on, day.count, day.source) == (cafe.id, "2025-05-10", 8, "mine")
    # Again from the same session: the day's count is corrected, not a second day.
    again = api.record_activity_day(cafe.name, "cafe", 9, on="2025-05-10")
    assert again.id == day.id and [d.count for d in reg.days()] == [9]
    # A renamed activity is still found by its former name.
    reg.rename(cafe.id, "尾崎の居場所カフェ")
    other = PluginAPI("mine", SessionStore(tmp_path).create(load("teireikai")))
    other.record_activity_day(cafe.name, "cafe", 7, on="2025-06-14")
    assert len(reg.activities()) == 1 and sorted(d.count for d in reg.days()) == [7, 9]


@pytest.mark.parametrize(
    ("count", "kind", "on"),
    [(-1, "games", None), (True, "games", None), ("3", "games", None), (3, "宇宙", None),
     (3, "games", "2025-13-40")],
)  # fmt: skip
def test_record_activity_day_refuses_bad_input_with_one_line_and_writes_nothing(
    tmp_path, count, kind, on
):
    _host, log = session(tmp_path, "teireikai")
    with pytest.raises(ValueError) as refused:
        PluginAPI("mine", log).record_activity_day("ゲーム会", kind, count, on=on)
    assert "\n" not in str(refused.value) and str(refused.value)
    assert not registry(tmp_path).activities() and not registry(tmp_path).days()


def test_record_activity_day_needs_a_store():
    with pytest.raises(RuntimeError):
        PluginAPI("mine").record_activity_day("ゲーム会", "games", 3)


# -- the game night ------------------------------------------------------------------------------
def test_the_game_night_records_how_many_played_once(tmp_path):
    host, log = session(tmp_path, "game_night")
    api = host.apis["games"]
    commands = {c.name: c for _, c in host.commands()}
    for name in ("あおい", "はると", "ゆき", "そら", "りく"):
        join(log, name)
    log.append("stage.started", {"index": 1}, actor=FACILITATOR)
    commands["plan"].run(api)
    assert any(e.kind == "games:tables" for e in api.events())
    commands["record"].run(api)
    (asked,) = api.questions
    assert asked.question.kind == "number" and asked.question.default == 5  # the people who played
    asked.answer("７")  # two people never entered in the app; full-width digits are fine
    commands["record"].run(api)
    api.questions[-1].answer(8)  # a correction
    reg = registry(tmp_path)
    (night,) = reg.activities()
    assert (night.name, night.kind) == ("テストの会", "games")
    assert [(d.count, d.source, d.session) for d in reg.days()] == [(8, "games", log.session_id)]
    # The report counts the evening once: as its activity day, not also as the meeting.
    report = build_report([tmp_path])
    assert report.sources() == {"meetings": 0, "days": 8}
    assert report.totals()["participants"] == 8


def test_the_game_night_offers_supporters_only_off_the_wall(tmp_path):
    host, log = session(tmp_path, "game_night")
    Supporters(tmp_path).add("ゆずりは", contact="yuzuriha@example.jp")
    api = host.apis["games"]
    stage = host.stage_types()["games"][1]
    join(log, "あおい")
    log.append("stage.started", {"index": 1}, actor=FACILITATOR)
    api.wall_safe = True
    on_wall = plain(stage.panel(api, log.state()))
    api.wall_safe = False
    private = plain(stage.panel(api, log.state()))
    assert "ゆずりは" not in on_wall and "サポーター" not in on_wall
    assert "ゲームを説明できるサポーター: ゆずりは" in private
    assert "yuzuriha@example.jp" not in private


# -- the festival --------------------------------------------------------------------------------
def test_the_festival_day_records_its_visitors_at_its_closing(tmp_path):
    host, log = session(tmp_path, "trigger_fes")
    api = host.apis["openmic"]
    closing = len(log.state().template.stages) - 1
    log.append("stage.started", {"index": closing}, actor=FACILITATOR)
    commands = {c.name: c for _, c in host.commands() if c.stage_type == "closing"}
    commands["record_day"].run(api)
    (asked,) = api.questions
    assert "出演 0組" in asked.question.prompt
    asked.answer(120)
    (fes,) = registry(tmp_path).activities()
    assert fes.kind == "event"
    assert [d.count for d in registry(tmp_path).days()] == [120]


def test_the_festival_command_does_nothing_at_another_meeting(tmp_path):
    host, log = session(tmp_path, "teireikai")
    api = host.apis["openmic"]
    log.append("stage.started", {"index": len(log.state().template.stages) - 1}, actor=FACILITATOR)
    commands = {c.name: c for _, c in host.commands() if c.stage_type == "closing"}
    commands["record_day"].run(api)
    assert not api.questions and "フェス" in api.notices[-1]
    assert not (tmp_path / COMMUNITY_FILE).exists() or not registry(tmp_path).days()
    panel = next(p for _, p in host.panels() if p.name == "festival_day")
    assert panel.facilitator(api, log.state()) is None  # nothing drawn at a 定例会's closing


async def test_the_festivals_closing_shows_helpers_only_in_the_private_view(tmp_path, clock):
    host, log = session(tmp_path, "trigger_fes", clock)
    Supporters(tmp_path).add("ゆずりは", contact="yuzuriha@example.jp")
    log.append(
        "stage.started",
        {"index": len(log.state().template.stages) - 1},
        actor=FACILITATOR,
    )
    app = KusanoneApp(log, clock=clock, plugins=host)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: "この日を記録（来場者数）" in screen_text(app))
        assert "ゆずりは" not in screen_text(app)  # the facilitator's screen is on the wall
        await pilot.press("f5")
        await wait_until(pilot, lambda: "プロジェクターに映っていませんか" in screen_text(app))
        await pilot.click("#yes")
        await wait_until(pilot, lambda: "手伝えるサポーター: ゆずりは" in screen_text(app))
        assert "yuzuriha@example.jp" not in screen_text(app)
        await pilot.press("f5")  # leave: the name goes with it
        await wait_until(pilot, lambda: "ゆずりは" not in screen_text(app))
