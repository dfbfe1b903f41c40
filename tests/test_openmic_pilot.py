"""A festival day in the app (Textual's Pilot): walk-ins from the desk's terminal, a lottery,
cancellations, an overrun, a skip-and-return, the projector, and the minutes."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_openmic_kit import enable_live, festival_day, kusanone_openmic

# isort: split
from kusanone_openmic import cli as openmic_cli
from kusanone_openmic import views
from kusanone_openmic.actions import here, selected
from kusanone_openmic.planning import hhmm as clock_text

from kusanone_tui.api import PluginAPI
from kusanone_tui.cli import main
from kusanone_tui.model.views import projector_view
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.session import SessionLog
from kusanone_tui.testing import FakeClock, screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp

SIZE = (150, 46)
WALKIN_TITLE = "当日キャンセル・当日飛び込みOK！枠"


@pytest.fixture
def shim(tmp_path: Path) -> Path:
    """The plugin for ``kusanone`` run in-process, until its entry point is registered."""
    folder = tmp_path / "shim"
    folder.mkdir()
    (folder / "openmic.py").write_text("from kusanone_openmic import *  # noqa: F403\n", "utf-8")
    return folder


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    clock = FakeClock(festival_day(16, 28))
    monkeypatch.setattr(openmic_cli, "now", clock)  # the desk's terminal keeps the same time
    return clock


class Day:
    """The app on a festival day, with the desk's terminal beside it."""

    def __init__(self, pilot, clock: FakeClock, shim: Path) -> None:
        self.pilot, self.app, self.clock, self.shim = pilot, pilot.app, clock, shim
        log = self.app.session_log
        # The plugin follows the app's clock (the core does not pass it to plugins yet).
        self.api = PluginAPI("openmic", log, notify=self.app.notify, clock=clock)
        self.app.plugins.apis["openmic"] = self.api
        self.flags = ["--data", str(log.path.parent), "--plugins-dir", str(shim)]

    async def desk(self, name: str, *wishes: str) -> None:
        """``kusanone openmic add`` in the terminal next door."""
        session = self.app.session_log.session_id
        assert main(["openmic", "add", session, name, *wishes, *self.flags]) == 0
        # the app notices the other writer's events and draws them
        await wait_until(self.pilot, self.app.shows_latest)

    async def press(self, *keys: str) -> str:
        await self.pilot.press(*keys)
        await self.pilot.pause()
        return screen_text(self.app)

    async def projector(self) -> str:
        """What the room sees of the plugin: what the app adds to the projector's screen.

        (The projector's own screen is checked in another app at the end of the day: switching
        this app to it and back while it polls is left to the core's tests.)
        """
        await self.pilot.pause()
        state = self.app.session_log.state()
        drawn = self.app.plugin_projector_text(projector_view(state, self.clock()))
        return drawn.plain if drawn is not None else ""

    def export(self, folder: Path, *flags: str) -> str:
        """``kusanone export`` (the app holds stdout, so through a file)."""
        out = folder / "export.out"
        session = self.app.session_log.session_id
        assert main(["export", session, *flags, "-o", str(out), "--force", *self.flags]) == 0
        return out.read_text("utf-8")

    def plan(self):
        found = here(self.api)
        assert found is not None
        return found

    def name(self, pid: str) -> str:
        return self.plan()[1].performers[pid].name

    def up_next(self) -> str:
        _, openmic, shown = self.plan()
        return openmic.performers[shown.plan.acts[0].id].name

    async def select(self, name: str) -> None:
        _, openmic, shown = self.plan()
        rows = views.rows(openmic, shown)
        target = next(pid for pid in rows if openmic.performers[pid].name == name)
        steps = rows.index(target) - rows.index(selected(self.api, openmic, shown))
        key = "right_square_bracket" if steps > 0 else "left_square_bracket"
        for _ in range(abs(steps)):
            await self.pilot.press(key)
        await self.pilot.pause()


async def test_walk_ins_a_lottery_and_a_cancel_that_leaves_no_trace(
    kusanone_pilot, clock, shim, monkeypatch, tmp_path
):
    enable_live(monkeypatch)
    async with kusanone_pilot(
        kusanone_openmic, template="trigger_fes", clock=clock, size=SIZE
    ) as pilot:
        day = Day(pilot, clock, shim)
        screen = await day.press("e")  # not an open-mic block yet: the key does nothing
        assert "openmic:" not in str([e.kind for e in day.app.session_log.events()])
        screen = await day.press("n", "n", "n", "n")
        assert WALKIN_TITLE in screen and "まだ出演者はいません" in screen

        for name in ("さくら", "みどり", "はると", "ゆき"):
            await day.desk(name)
        await day.desk("そら", "--companion")
        screen = await day.press("j")
        assert "抽選で順番を決めました" in day.api.notices[-1]
        assert all(name in screen for name in ("さくら", "みどり", "はると", "ゆき", "そら"))
        first = day.up_next()
        screen = await day.press("e")
        assert f"♪ {first}" in screen
        following = day.up_next()
        room = await day.projector()
        assert "いまステージ" in room and first in room
        assert "つぎ" in room and following in room

        await day.desk("かぜ")  # a walk-in during the block
        assert "かぜ" in screen_text(day.app)

        # Cancel the one called next: one key, and they are simply not there any more.
        screen = await day.press("delete")
        assert following not in screen
        assert day.api.notices[-1] == "リストから外しました（まちがいなら ctrl+z）"  # no name
        room = await day.projector()
        assert following not in room
        for word in ("キャンセル", "取り消", "やめ", "cancel"):
            assert word not in room  # nothing about cancellations
        assert day.up_next() in room  # someone else is next now

        # The one on stage may cancel too: off the list, and never in the minutes.
        screen = await day.press("left_square_bracket", "delete")
        assert f"♪ {first}" not in screen
        room = await day.projector()
        assert first not in room
        await day.press("e")
        clock.advance(8 * 60)
        performer = day.plan()[1].block("walkin").on_stage.performer
        on_stage = day.name(performer)
        await day.press("f")
        await day.press("e")
        clock.advance(3 * 60)
        now_on, coming = day.name(day.plan()[1].block("walkin").on_stage.performer), day.up_next()
        minutes = day.export(tmp_path, "--format", "md")
        assert f"1. {clock_text(clock() - 11 * 60)} {on_stage}" in minutes
        for gone in (first, following):
            assert gone not in minutes and gone not in day.export(tmp_path)
        session_file = day.app.session_log.path

    # The projector, as its own window would show it (another app on the same session file).
    host = PluginHost(strict=True)
    host.add(kusanone_openmic)
    projector = KusanoneApp(
        SessionLog.open(session_file), role="projector", plugins=host, clock=clock
    )
    async with projector.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot, lambda: projector.shows_latest() and "つぎ" in screen_text(projector)
        )
        room, svg = screen_text(projector), projector.export_screenshot()
    assert "いまステージ" in room and now_on in room and "03:00" in room
    assert "つぎ" in room and coming in room
    for gone in (first, following):
        assert gone not in room and gone not in svg
    assert "🔒" not in room


async def test_an_overrun_a_skip_and_a_return_and_the_minutes(
    kusanone_pilot, clock, shim, monkeypatch, tmp_path
):
    enable_live(monkeypatch)
    async with kusanone_pilot(
        kusanone_openmic, template="trigger_fes", clock=clock, size=SIZE
    ) as pilot:
        day = Day(pilot, clock, shim)
        await day.press("n", "n", "n", "n")
        names = ["さくら", "みどり", "はると", "ゆき", "そら", "かぜ", "つき", "ほし"]
        for name in names:
            await day.desk(name)
        assert [day.name(a.id) for a in day.plan()[2].plan.acts] == names  # first come

        screen = await day.press("e")
        assert "♪ さくら" in screen
        # An overrun: さくら plays for 70 minutes. The slots that remain shrink, and the
        # facilitator alone sees who may not get on.
        clock.advance(70 * 60)
        await wait_until(pilot, lambda: "70:00" in screen_text(day.app))
        screen = screen_text(day.app)
        assert "🔒 入りきらないかも（進行役だけ）" in screen
        not_fitting = [day.name(pid) for pid in day.plan()[2].plan.not_fitting]
        assert not_fitting and not_fitting[-1] == "ほし"
        room = await day.projector()
        assert "🔒" not in room and "入りきらない" not in room
        assert "70:00" in room
        drawn = day.app.plugin_projector_text(projector_view(day.app.session_log.state(), clock()))
        tones = {
            str(span.style) for span in drawn.spans if "70:00" in drawn.plain[span.start : span.end]
        }
        assert tones == {views.COLOURS["over"]}  # the act's timer, in gentle red
        for plan_end in day.plan()[2].plan.acts:
            assert plan_end.end <= day.plan()[2].window.end

        # みどり is called next but is not ready: later. はると goes on instead.
        screen = await day.press("h")
        assert "みどり  あとで" in screen
        screen = await day.press("e")
        assert "♪ はると" in screen
        room = await day.projector()
        assert "ゆき" in room and "みどり" not in room  # the room is told who is next: ゆき
        # みどり is back: near the top, right after ゆき (already told "you're next").
        await day.select("みどり")
        await day.press("h")
        assert [day.name(a.id) for a in day.plan()[2].plan.acts][:2] == ["ゆき", "みどり"]
        room = await day.projector()
        assert "みどり" in room

        clock.advance(6 * 60)
        await day.press("e")  # ゆき
        clock.advance(6 * 60)
        await day.press("e")  # みどり
        clock.advance(6 * 60)
        await day.select("そら")
        await day.press("delete")  # そら cancels
        await day.press("f")
        minutes = day.export(tmp_path, "--format", "md")
        assert "## ステージの出演（出演順）" in minutes
        performed = [line for line in minutes.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")]
        assert [line.split()[-1] for line in performed] == ["さくら", "はると", "ゆき", "みどり"]
        assert "そら" not in minutes
        assert "そら" not in day.export(tmp_path)  # nor the default JSON export


async def test_every_key_is_calm_with_nobody_and_a_cancel_can_be_undone(
    kusanone_pilot, clock, shim
):
    async with kusanone_pilot(
        kusanone_openmic, template="trigger_fes", clock=clock, size=SIZE
    ) as pilot:
        day = Day(pilot, clock, shim)
        await day.press("n", "n", "n", "n")
        screen = await day.press(
            "e", "f", "delete", "h", "j", "less_than_sign", "greater_than_sign"
        )
        assert day.app.plugins.records["openmic"].enabled
        assert "まだ出演者はいません" in screen
        assert "ステージをお楽しみください" in await day.projector()

        for name in ("さくら", "みどり", "はると"):
            await day.desk(name)
        screen = await day.press("right_square_bracket", "delete")  # みどり, by mistake
        assert "みどり" not in screen
        screen = await day.press("ctrl+z")  # the core's undo: the cancel was the last action
        notices = [notification.message for notification in day.app._notifications]
        assert "もとに戻しました：キャンセル" in notices
        assert "みどり" in screen
        assert [day.name(a.id) for a in day.plan()[2].plan.acts] == ["さくら", "みどり", "はると"]
        assert "みどり" in await day.projector()  # the room's lineup has her back
        assert day.app.session_log.state().stage.type == "openmic"
        # はると asks to go first: two places up
        await day.select("はると")
        await day.press("less_than_sign", "less_than_sign")
        assert [day.name(a.id) for a in day.plan()[2].plan.acts] == ["はると", "さくら", "みどり"]
        await day.press("backspace")  # the selection stays on はると: cancelled
        assert "はると" not in screen_text(day.app)
