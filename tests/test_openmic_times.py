"""The open-mic panel's "… min left" is the stage timer's own figure, and `openmic print`
gives the same running order as the panel."""

from __future__ import annotations

import re

from test_openmic_kit import Festival, kusanone_openmic

# isort: split
from kusanone_openmic import views
from kusanone_openmic.actions import facilitator_panel, here

from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.testing import screen_text
from kusanone_tui.tui.app import KusanoneApp


def _left(text: str) -> int:
    return int(re.search(r"のこり (\d+)分", text).group(1))


async def test_the_panel_and_the_stage_timer_agree(tmp_path):
    festival = Festival(tmp_path)
    festival.to_walkin()
    for name in ("さくら", "みどり", "はると"):
        festival.add(name)
    festival.clock.advance(17 * 60 + 20)  # the stage began late or early: the timer is the truth
    state = festival.log.state()
    remaining = state.stage_remaining(festival.clock())
    panel = facilitator_panel(festival.api, state).plain
    assert _left(panel) == round(remaining / 60)
    host = PluginHost(strict=True)
    host.add(kusanone_openmic)
    app = KusanoneApp(festival.log, clock=festival.clock, plugins=host)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
    assert _left(text) == round(remaining / 60)


def test_print_and_the_panel_give_the_same_running_order(tmp_path):
    festival = Festival(tmp_path)
    festival.to_walkin()
    for name in ("さくら", "みどり", "はると", "ゆき"):
        festival.add(name)
    _, openmic, shown = here(festival.api)
    panel = views.panel(openmic, shown, None, festival.api.text).plain
    paper = views.running_order(openmic, shown, "第4回フェス", festival.api.text)
    rows = re.findall(r"(\d\d:\d\d)–(\d\d:\d\d) \| (\S+) \|", paper)
    assert rows
    for start, end, name in rows:
        assert f"{start}–{end} {name}" in panel
