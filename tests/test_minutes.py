"""Minutes from a fixed meeting, checked line by line; privacy; HTML; the minutes screen."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from scenes import BACKSTAGE, PRIVATE, REDACTED, full_meeting

from kusanone_tui.cli import main
from kusanone_tui.minutes import minutes_markdown, to_html
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KUSANONE_UPDATE_SNAPSHOTS"):
        path.write_text(text, "utf-8")
    assert path.exists(), f"no golden file {name}: run with KUSANONE_UPDATE_SNAPSHOTS=1"
    assert text.splitlines() == path.read_text("utf-8").splitlines()


def test_minutes_line_by_line(tmp_path):
    log = full_meeting(tmp_path)
    text = minutes_markdown(log.state())
    golden("minutes.md", text)
    for marker in (PRIVATE, BACKSTAGE, REDACTED):
        assert marker not in text
    assert "パス" not in text
    assert "みどり" not in text and "参加者1" in text  # named only with consent
    assert "さくらの母" in text


def test_private_minutes_say_so(tmp_path):
    log = full_meeting(tmp_path)
    text = minutes_markdown(log.state(), include_private=True)
    golden("minutes_private.md", text)
    private_lines = [line for line in text.splitlines() if PRIVATE in line or BACKSTAGE in line]
    assert private_lines and all("🔒" in line for line in private_lines)
    assert REDACTED not in text


def test_html_export_is_well_formed_and_printable(tmp_path, capsys):
    log = full_meeting(tmp_path / "store")
    out = tmp_path / "minutes.html"
    assert (
        main(
            [
                "export",
                log.session_id,
                "--data",
                str(tmp_path / "store"),
                "--format",
                "html",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    page = out.read_text("utf-8")
    root = ElementTree.fromstring(page.split("\n", 1)[1])  # after <!DOCTYPE html>
    assert root.tag == "html" and root.find("head/title").text == "11月の定例会"
    assert "@media print" in page
    for marker in (PRIVATE, BACKSTAGE, REDACTED):
        assert marker not in page
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert (
        main(["export", log.session_id, "--data", str(tmp_path / "store"), "--format", "md"]) == 0
    )
    assert capsys.readouterr().out.startswith("# 11月の定例会")


def test_to_html_escapes_what_people_type():
    page = to_html("# t\n\n- <script>alert(1)</script> & 「こんにちは」\n", "t <b>")
    ElementTree.fromstring(page.split("\n", 1)[1])
    assert "<script>" not in page and "&lt;script&gt;" in page


async def test_the_minutes_screen_shows_the_minutes_and_nothing_private(tmp_path):
    log = full_meeting(tmp_path)
    app = KusanoneApp(log, role="notes")
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("f4")
        await wait_until(pilot, lambda: "家族会に久しぶりに出ました" in screen_text(app))
        text = screen_text(app)
        assert "近況報告" in text
        assert PRIVATE not in text and BACKSTAGE not in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "NotesScreen")
        assert "近況報告" not in screen_text(app).split("\n")[1]
