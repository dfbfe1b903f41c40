"""A plugin's long work (``api.run_in_background``): the screen stays responsive while it runs,
a quiet line says so, Escape cancels without writing anything, the result is written on the
app's thread when done; without a screen it all happens at once. The game night's planner uses
it, so pressing ``e`` never freezes the facilitator's screen."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from kusanone_tui import Actor, hookimpl, new_id
from kusanone_tui.api import Background, PluginAPI
from kusanone_tui.plugin_types import Command
from kusanone_tui.testing import screen_text, wait_until

try:
    import kusanone_games
except ImportError:  # the source tree before the package was (re)installed
    sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))
    import kusanone_games

FACILITATOR = Actor("facilitator")
LABEL = {"ja": "数えています", "en": "Counting"}


def join(log, count: int) -> None:
    for i in range(count):
        data = {"participant_id": new_id(), "name": f"人{i}", "show_name": True,
                "minutes_name": True}
        log.append("participant.joined", data, actor=FACILITATOR)


class Slow:
    """A plugin whose work (key y) waits until the test lets it finish, or is cancelled."""

    def __init__(self, fail: bool = False) -> None:
        self.release = threading.Event()
        self.fail = fail
        self.saw_stop = False

    def count(self, api) -> None:
        people = len(api.state().participants)

        def work(progress, should_stop):
            progress(0.5)
            while not self.release.wait(0.01):
                if should_stop():
                    self.saw_stop = True
                    return None
            if self.fail:
                raise RuntimeError("the work broke")
            return people * 2

        api.run_in_background(work, lambda n: api.append("counted", {"n": n}), LABEL)

    @hookimpl
    def register_commands(self, register):
        register(Command("count", {"ja": "数える", "en": "Count"}, self.count, key="y"))


def notices(app) -> list[str]:
    return [notification.message for notification in app._notifications]


def counted(log) -> list[int]:
    """What the plugin counted, as the meeting's state has it (an undone event is gone)."""
    return [e.data["n"] for e in log.state().plugin_events.get("slow", ())]


def test_without_a_screen_the_work_and_its_result_happen_at_once(kusanone_session) -> None:
    api = PluginAPI("slow", kusanone_session)
    seen: list[object] = []

    def work(progress, should_stop):
        progress(2.0)  # kept within 0..1
        assert not should_stop()
        return 21 * 2

    job = api.run_in_background(work, lambda n: api.append("counted", {"n": n}), LABEL)
    assert job.finished and not job.cancelled and job.fraction == 1.0
    assert counted(kusanone_session) == [42]  # written before run_in_background returned
    assert job.label == "数えています"

    later = Background("slow", "", lambda progress, should_stop: should_stop(), seen.append)
    later.cancel()  # as Escape does
    assert later.run() is True and seen == []  # the work saw it; on_done never called


async def test_the_screen_answers_keys_while_the_work_runs(kusanone_pilot) -> None:
    slow = Slow()
    async with kusanone_pilot(slow, size=(120, 36)) as pilot:
        app, log = pilot.app, pilot.app.session_log
        join(log, 3)
        await pilot.press("n")  # the first stage, its timer running
        await wait_until(pilot, lambda: log.state().stage is not None and app.shows_latest())
        roster = app.screen.query_one("#roster")
        await pilot.press("y")
        await wait_until(pilot, lambda: "数えています" in screen_text(app))
        await wait_until(pilot, lambda: "50%  Esc で中止" in screen_text(app))
        # the facilitator's keys work meanwhile: the timer pauses, the roster cursor moves
        row = roster.cursor_row
        await pilot.press("space")
        await wait_until(pilot, lambda: log.state().clock.paused_at is not None)
        await pilot.press("down")
        await wait_until(pilot, lambda: roster.cursor_row == row + 1)
        await pilot.press("y")  # one at a time: the second is not started
        await wait_until(pilot, lambda: any("お待ちください" in n for n in notices(app)))
        assert app.background_job is not None and counted(log) == []
        slow.release.set()
        await wait_until(pilot, lambda: counted(log) == [6] and app.background_job is None)
        await wait_until(pilot, lambda: "数えています" not in screen_text(app))
        assert counted(log) == [6]  # the refused second one never ran
        # what it wrote is one undoable action
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: counted(log) == [])


async def test_escape_cancels_and_nothing_is_written(kusanone_pilot) -> None:
    slow = Slow()
    async with kusanone_pilot(slow) as pilot:
        app, log = pilot.app, pilot.app.session_log
        join(log, 2)
        await pilot.press("y")
        await wait_until(pilot, lambda: "数えています" in screen_text(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.background_job is None)
        await wait_until(pilot, lambda: any("中止しました" in n for n in notices(app)))
        assert slow.saw_stop and counted(log) == []
        assert "Esc で中止" not in screen_text(app)


async def test_work_that_raises_switches_the_plugin_off_and_the_meeting_goes_on(
    kusanone_pilot,
) -> None:
    slow = Slow(fail=True)
    async with kusanone_pilot(slow, strict=False) as pilot:
        app, log = pilot.app, pilot.app.session_log
        await pilot.press("y")
        await wait_until(pilot, lambda: "数えています" in screen_text(app))
        slow.release.set()
        await wait_until(pilot, lambda: not app.plugins.records["slow"].enabled)
        failed = [e for e in log.events() if e.kind == "plugin.failed"]
        assert failed and "the work broke" in failed[0].data["error"]
        await pilot.press("n")  # the meeting goes on
        await wait_until(pilot, lambda: log.state().stage is not None)


async def test_the_game_night_plans_in_the_background_and_escape_keeps_the_tables(
    kusanone_pilot, monkeypatch
) -> None:
    """Pressing e plans away from the screen; a re-plan cancelled with Escape leaves the tables
    that were there."""
    from kusanone_games import commands

    gate = threading.Event()
    gate.set()
    real = commands.plan_evening

    def gated(evening, **kwargs):
        while not gate.wait(0.01):
            if kwargs["should_stop"]():
                break
        return real(evening, **kwargs)

    monkeypatch.setattr(commands, "plan_evening", gated)
    async with kusanone_pilot(kusanone_games, template="game_night", size=(140, 44)) as pilot:
        app, log = pilot.app, pilot.app.session_log
        join(log, 8)
        await pilot.press("n", "n")  # はじめに → ゲームの時間
        await wait_until(pilot, lambda: "e で組み合わせを作ります" in screen_text(app))
        await pilot.press("e")
        await wait_until(pilot, lambda: "第1回（全3回）" in screen_text(app))

        def kinds(kind: str) -> list:
            return [e for e in log.events() if e.kind == kind]

        assert len(kinds("games:plan")) == 1 and len(kinds("games:tables")) == 1
        tables = kinds("games:tables")[0].data["tables"]
        gate.clear()  # the re-plan now waits until cancelled
        await pilot.press("y")
        await wait_until(pilot, lambda: "組み合わせを作っています" in screen_text(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.background_job is None)
        await wait_until(pilot, lambda: any("中止しました" in n for n in notices(app)))
        assert len(kinds("games:plan")) == 1 and len(kinds("games:tables")) == 1
        assert kinds("games:tables")[-1].data["tables"] == tables
        assert "第1回（全3回）" in screen_text(app)
