"""The community report over a fixed network of stores, checked line by line."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ElementTree

from scenes import BACKSTAGE, PRIVATE, network_of_stores
from test_minutes import golden

from kusanone_tui import report as reports
from kusanone_tui.cli import main


def test_the_four_figures_per_meeting_and_fiscal_year(tmp_path):
    stores = network_of_stores(tmp_path)
    built = reports.build(stores)
    golden("report.md", reports.to_markdown(built))
    assert built.totals() == {
        "activities": 2,
        "groups": 3,
        "collaborations": 2,
        "participants": 5 + 4 + 2,
    }
    years = built.by_year()
    assert years[2025]["participants"] == 5  # March 2026 is in FY2025
    assert years[2026] == {"activities": 2, "groups": 1, "collaborations": 2, "participants": 6}
    may = next(row for row in built.meetings if row.title == "5月の定例会")
    # named with consent and seen in March: さくらの母, 田中; nobody else is remembered
    assert (may.first_time, may.returning, may.not_remembered) == (0, 2, 2)


def test_a_period_and_every_format(tmp_path, capsys):
    stores = [str(path) for path in network_of_stores(tmp_path)]
    assert main(["report", *stores, "--since", "2026-04-01", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["participants"] == 6 and len(data["meetings"]) == 2
    assert main(["report", *stores, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["date"] for row in rows] == ["2026-03-14", "2026-05-09", "2026-06-20"]
    out = tmp_path / "report.html"
    assert main(["report", *stores, "--format", "html", "-o", str(out)]) == 0
    page = out.read_text("utf-8")
    root = ElementTree.fromstring(page.split("\n", 1)[1])
    svgs = root.findall(".//{http://www.w3.org/2000/svg}svg")
    assert len(svgs) == 3  # the figures over time, the map of groups, the kinds of places
    assert "まんまの会" in page


def test_nothing_private_and_no_one_is_named_without_consent(tmp_path, capsys):
    stores = [str(path) for path in network_of_stores(tmp_path)]
    for fmt in ("md", "html", "csv", "json"):
        assert main(["report", *stores, "--format", fmt]) == 0
        text = capsys.readouterr().out
        for marker in (PRIVATE, BACKSTAGE, "みどり", "はじめて来た人", "そら"):
            assert marker not in text, (fmt, marker)


def test_bad_input_is_one_line(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nowhere")]) == 1
    assert main(["report", str(tmp_path), "--since", "2026-13-01"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "nowhere" in err[0] and "2026-13-01" in err[1]


def test_fiscal_year_boundaries():
    assert reports.fiscal_year("2027-03-31") == 2026
    assert reports.fiscal_year("2027-04-01") == 2027


async def test_the_report_screen_in_the_terminal(tmp_path):
    from kusanone_tui.testing import screen_text, wait_until
    from kusanone_tui.tui.report_app import ReportApp

    app = ReportApp(reports.build(network_of_stores(tmp_path)))
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_until(pilot, lambda: "新たな活動の創出数" in screen_text(app))
        text = screen_text(app)
        assert "2026年度" in text and "█" in text
        assert "みどり" not in text
        await pilot.press("q")
