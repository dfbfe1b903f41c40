"""The title line on every screen: the session's title literally, the view's name, the palette's
⭘ (issue 17 drew it from one widget instead of Textual's four-widget Header)."""

from __future__ import annotations

from rich.cells import cell_len
from test_snapshots import scene

from kusanone_tui.meeting import Meeting
from kusanone_tui.store.session import SessionLog
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.title_bar import TitleBar


def first_line(app) -> str:
    return screen_text(app).splitlines()[0]


async def test_the_title_and_the_view_are_centred_and_change_with_the_view(tmp_path, clock):
    app = KusanoneApp(scene(tmp_path, clock), clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "11月の定例会 — 進行役" in first_line(app))
        line = first_line(app)
        assert line.startswith(" ⭘ ")
        shown = "11月の定例会 — 進行役"
        before = line[: line.index(shown)]
        # centred between the icon's 8 cells and the 10 kept on the right, as Header drew it
        assert cell_len(before) == 8 + (100 - 18 - cell_len(shown)) // 2
        await pilot.press("f2")
        await wait_until(pilot, lambda: "11月の定例会 — 記録係" in first_line(app))


async def test_a_hostile_or_very_long_title_is_shown_literally_in_one_line(tmp_path, clock):
    for title in ("Bob[/] <b>x</b> [@click=app.quit]", "長" * 10_000):
        path = tmp_path / title[:3] / "20261114-1330-teireikai-t.session.jsonl"
        path.parent.mkdir(parents=True)
        log = SessionLog.create(path, load("teireikai"), title=title, clock=clock)
        Meeting(log).join("みどり", "self")
        app = KusanoneApp(log, clock=clock)
        async with app.run_test(size=(80, 24)) as pilot:
            drawn = lambda app=app: any(end in first_line(app) for end in ("進行役", "…"))  # noqa: E731
            await wait_until(pilot, drawn)
            line = first_line(app)
            if title.startswith("Bob"):
                assert "Bob[/] <b>x</b> [@click=app.quit] — 進行役" in line
            else:
                assert "…" in line and "進行役" not in line
            assert app.screen.query_one(TitleBar).size.height == 1
            assert app.is_running  # the [@click=…] was text, not an action


async def test_the_icon_opens_the_command_palette(tmp_path, clock):
    app = KusanoneApp(scene(tmp_path, clock), clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "進行役" in first_line(app))
        await pilot.click(TitleBar, offset=(1, 0))
        await wait_until(pilot, lambda: app.screen.id == "--command-palette")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen.id != "--command-palette")
        await pilot.click(TitleBar, offset=(40, 0))  # the title itself does nothing
        await pilot.pause()
        assert app.screen.id != "--command-palette"
