"""The browser projector fills the window: ``kusanone serve``'s projector link sizes the font
from the window so that the designed grid (60×18) fills it, and sizes it again when the window
changes; the other links keep their default. In headless Chromium, one page load: at 1920×1080,
every built-in stage type is shown and photographed in turn, then at 1280×720 again.

Screenshots go to ``tmp/artifacts/projector/`` (or ``$KUSANONE_ARTIFACTS/projector/``), never
committed. Needs Chromium, as ``tests/test_serve_browser.py`` does.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
import urllib.request
from pathlib import Path

import aiohttp
from test_serve_browser import (
    ROOT,
    BrowserTab,
    DevTools,
    pytestmark,
    start_chromium,
    start_server,
    stop_chromium,
    stop_server,
)

from kusanone_tui import Actor
from kusanone_tui.meeting import Meeting
from kusanone_tui.model.template import Template
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.tui.themes import LIGHT

__all__ = ["pytestmark"]

ARTIFACTS = Path(os.environ.get("KUSANONE_ARTIFACTS") or ROOT / "tmp" / "artifacts") / "projector"

#: (file name, stage type, words that show the stage is on the wall)
STAGES = [
    ("round", "round", "近況報告"),
    ("reflecting", "reflecting", "リフレクション"),
    ("break", "break", "ウラの時間"),
    ("breakouts", "breakout", "居場所カフェの見学"),
    ("report-back", "report_back", "分科会からの報告"),
    ("open-mic", "openmic", "うたうたい"),
    ("game-tables", "games", "ナンジャモンジャ"),
    ("hitokoto", "hitokoto", "ひとことカード"),
]


def every_stage_session(root: Path):
    """One session with every built-in stage type, each with something to show."""
    host = PluginHost.discover([])
    extra = {"extra_types": host.stage_types(), "extra_templates": host.templates()}
    stages = list(load("teireikai").stages[1:6])
    for template, kind in (("trigger_fes", "openmic"), ("game_night", "games")):
        stages += [s for s in load(template, **extra).stages if s.type == kind]
    stages += [s for s in load("hitokoto_kai", **extra).stages if s.type == "hitokoto"]
    template = Template("every_stage", {"ja": "ぜんぶの段階"}, 600, tuple(stages))
    log = SessionStore(root).create(template, title="11月の定例会")
    facilitator, notes = Meeting(log), Meeting(log, "notes")
    people = [facilitator.join(n) for n in ("みどり", "さくらの母", "ゲスト", "Tanaka", "そら")]
    for index, text in enumerate(
        ("朝の散歩を続けています", "家族会に出ました", "絵を描いています")
    ):
        notes.add_note(text, "public", participant_id=people[index])
    index_of = {stage.type: number for number, stage in enumerate(stages)}
    plugin = Actor("plugin", "openmic")
    lineup = {"block": "walkin", "stage_index": index_of["openmic"], "based_on": 1}
    lineup |= {"now": "うたうたい", "next": "ギターのひと", "later": ["朗読の会"], "slot": 300}
    log.append("openmic:lineup", {**lineup, "visibility": "live"}, actor=plugin)
    tables = [{"table": 1, "game": "ito", "ids": people[:3]}]
    tables.append({"table": 2, "game": "ナンジャモンジャ", "ids": people[3:]})
    data = {"round": 1, "rounds": 2, "tables": tables, "visibility": "public"}
    log.append("games:tables", data, actor=Actor("plugin", "games"))
    log.append("hitokoto:drawn", {"card": 3, "seed": 7, "visibility": "public"}, actor=plugin)
    return log, facilitator, index_of, people


def arrive(log, facilitator: Meeting, index: int, kind: str, people: list[str]) -> None:
    """Start stage ``index``; the first time, set up what it shows."""
    facilitator.start_stage(index)
    state = log.state()
    if kind == "round" and state.turn is None:
        facilitator.start_round()
        facilitator.next_turn()
    elif kind == "reflecting" and state.reflecting and state.reflecting.phase is None:
        facilitator.set_roles([people[0]], people[1], people[2:])
        facilitator.next_phase()
        facilitator.next_phase()
    elif kind == "breakout" and not any(state.breakout.members(g) for g in state.breakout.groups):
        groups = list(state.breakout.groups)
        facilitator.balance_groups()
        facilitator.set_topic(groups[0], "居場所カフェの見学")


async def sized(devtools: DevTools, url: str, width: int, height: int) -> BrowserTab:
    target = (await devtools.call("Target.createTarget", {"url": "about:blank"}))["targetId"]
    attached = await devtools.call("Target.attachToTarget", {"targetId": target, "flatten": True})
    tab = BrowserTab(devtools, target, attached["sessionId"])
    await tab.call("Page.enable")
    await resize(tab, width, height)
    from test_serve_browser import CAPTURE

    await tab.call("Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE})
    await tab.call("Page.navigate", {"url": url})
    return tab


async def resize(tab: BrowserTab, width: int, height: int) -> None:
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    await tab.call("Emulation.setDeviceMetricsOverride", metrics)


FITTED = """(() => {
  const shown = window.kusanoneTerminal;
  if (!shown) return null;
  const screen = document.querySelector('.xterm-screen').getBoundingClientRect();
  return {font: Number(shown.terminal.options.fontSize), cols: shown.terminal.cols,
          rows: shown.terminal.rows, width: screen.width, height: screen.height,
          innerWidth: window.innerWidth, innerHeight: window.innerHeight};
})()"""


async def fitted(tab: BrowserTab, width: int, height: int) -> dict:
    """The terminal once fitted to a ``width``×``height`` window."""
    deadline = time.monotonic() + 20
    while True:
        found = await tab.evaluate(FITTED)
        if (
            found
            and found["innerHeight"] == height
            and found["font"] >= height / 24
            and found["rows"] >= 18
            and found["cols"] >= 60
        ):
            return found
        assert time.monotonic() < deadline, f"not fitted to {width}x{height}: {found}"
        await asyncio.sleep(0.2)


CURSOR = re.compile(r"\x1b\[\d+;(\d+)H")


async def app_draws_across(tab: BrowserTab, columns: int) -> None:
    """Wait until the app draws in the terminal's last column: it has the fitted grid."""
    deadline = time.monotonic() + 20
    while True:
        raw = await tab.evaluate("window.__screenText") or ""
        widest = max((int(found) for found in CURSOR.findall(raw)), default=0)
        if widest >= columns:
            return
        assert time.monotonic() < deadline, f"the app draws {widest} of {columns} columns"
        await asyncio.sleep(0.2)


def page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode("utf-8")


async def test_the_browser_projector_fills_the_window_in_every_stage(tmp_path: Path) -> None:
    started = time.monotonic()
    log, facilitator, index_of, people = every_stage_session(tmp_path / "store")
    server, links = start_server(log.path)
    chromium, browser_url = start_chromium(tmp_path / "chromium")
    shots: list[Path] = []
    try:
        # Only the projector's link fits its font; the others keep the default, and a
        # fontsize given in the link is kept.
        assert 'data-fit="60x18"' in page(links["projector"])
        for link in (links["notes"], links["facilitator"], links["projector"] + "&fontsize=28"):
            assert 'data-fit=""' in page(link)
        assert 'data-font-size="16"' in page(links["notes"])
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(browser_url, max_msg_size=0)
            devtools = DevTools(ws)
            projector = await sized(devtools, links["projector"], 1920, 1080)
            await projector.wait_for("朝の散歩を続けています")
            raw = await projector.evaluate("window.__screenText")
            light = LIGHT.background.lstrip("#")
            rgb = ";".join(str(int(light[i : i + 2], 16)) for i in (0, 2, 4))
            assert f"48;2;{rgb}" in raw  # the light theme: the projector's default
            for width, height in ((1920, 1080), (1280, 720)):
                await resize(projector, width, height)
                grid = await fitted(projector, width, height)
                await app_draws_across(projector, grid["cols"])
                # the designed grid fills the window: no band of empty page
                assert grid["height"] >= 0.9 * height and grid["width"] >= 0.85 * width, grid
                for name, kind, words in STAGES:
                    await projector.evaluate("window.__screenText = ''")
                    arrive(log, facilitator, index_of[kind], kind, people)
                    await projector.wait_for(words, seconds=20)
                    await asyncio.sleep(0.3)  # the frame that carried the words is painted
                    shot = ARTIFACTS / f"{name}-{width}x{height}.png"
                    shots.append(await projector.screenshot(shot))
            for shot in shots:
                assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
            await projector.close()
            await ws.close()
    finally:
        stop_chromium(chromium)
        stop_server(server)
    assert len(shots) == 2 * len(STAGES)
    assert time.monotonic() - started < 90
