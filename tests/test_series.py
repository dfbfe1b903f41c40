"""Meetings in series: recurrence (holidays, a year change), `next`, the calendar read back by the
icalendar package, the closing record in the report, the course's evenings, and supporters
removed without a trace."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from kusanone_tui.cli import main
from kusanone_tui.meeting import Meeting
from kusanone_tui.model.series import Held, Series, check, next_meeting, occurrences, upcoming
from kusanone_tui.store.series import SeriesBook, Supporters
from kusanone_tui.store.sessions import SessionStore

NOW = datetime(2026, 1, 5, 9, 0)  # a fixed "today" in Japan for every test here

MANMA = [
    "series", "add", "まんまの会", "--template", "kazokukai", "--place", "夢プラザ",
    "--start", "2025-11-22 14:00", "--rrule", "FREQ=MONTHLY;INTERVAL=2;BYDAY=4SA",
    "--minutes", "120", "--number", "7",
    "--description", "家族を中心とした交流会。どなたでも無料で参加できます。",
]  # fmt: skip
TEIREIKAI = [
    "series", "add", "定例会", "--template", "teireikai", "--place", "阪南市役所",
    "--start", "2025-11-19 14:00", "--rrule", "FREQ=MONTHLY;INTERVAL=2;BYDAY=3WE",
    "--number", "31",
]  # fmt: skip
COURSE = [
    "series", "add", "連続講座", "--template", "koza_1_ibasho", "--place", "尾崎公民館",
    "--date", "2026-01-24 13:00", "--date", "2026-02-14 13:00", "--date", "2026-02-28 13:00",
    "--date", "2026-03-21 13:00", "--minutes", "120",
    "--evening", "koza_1_ibasho", "--evening", "koza_2_taikendan",
    "--evening", "koza_3_kazoku", "--evening", "koza_4_reflecting",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    import kusanone_tui.series_cli as series_cli
    import kusanone_tui.store.series as store_series

    monkeypatch.setattr(store_series, "local_now", lambda tz: NOW)
    monkeypatch.setattr(series_cli, "local_now", lambda tz: NOW)


def run(data: Path, *args: str) -> int:
    return main(["--data", str(data), *args])


# -- recurrence ---------------------------------------------------------------------------


def _monday_series(rule: str = "skip") -> Series:
    # The second Monday: in January that is 成人の日 (2026-01-12), a national holiday.
    return check(
        Series(
            "m", "月曜の会", "teireikai", start="2025-11-10 19:00",
            rrule="FREQ=MONTHLY;BYDAY=2MO", holidays=rule, first_number=5,
        )
    )  # fmt: skip


def test_a_holiday_is_skipped_and_the_numbers_run_on_across_the_new_year() -> None:
    found = [(o.start.date(), o.number) for o in upcoming(_monday_series(), NOW.replace(month=1))]
    days = [d for d, _ in found]
    assert date(2026, 1, 12) not in days  # 成人の日: no meeting
    assert days[:3] == [date(2026, 2, 9), date(2026, 3, 9), date(2026, 4, 13)]
    everything = [(o.start.date(), o.number) for o in occurrences(_monday_series())][:4]
    # 2025-11-10 is 第5回, 12-08 第6回, then the new year: February is 第7回 (January skipped)
    assert everything == [
        (date(2025, 11, 10), 5),
        (date(2025, 12, 8), 6),
        (date(2026, 2, 9), 7),
        (date(2026, 3, 9), 8),
    ]


def test_a_flagged_holiday_keeps_the_meeting_and_names_the_day() -> None:
    first = next_meeting(_monday_series("flag"), NOW)
    assert first is not None and first.start == datetime(2026, 1, 12, 19, 0)
    assert first.holiday == "成人の日"
    assert first.number == 7


def test_the_fourth_saturday_every_two_months() -> None:
    series = check(
        Series("manma", "まんまの会", "kazokukai", start="2025-11-22 14:00",
               rrule="FREQ=MONTHLY;INTERVAL=2;BYDAY=4SA")
    )  # fmt: skip
    days = [o.start for o in upcoming(series, NOW, limit=3)]
    assert days == [
        datetime(2026, 1, 24, 14, 0),
        datetime(2026, 3, 28, 14, 0),
        datetime(2026, 5, 23, 14, 0),
    ]
    # a session already made for 1/24 moves "next" on, and keeps its number
    made = [Held("2026-01-24T14:00", 8)]
    following = next_meeting(series, NOW, made)
    assert following is not None and following.start.date() == date(2026, 3, 28)
    assert following.number == 9


# -- the command line: add, list, next --------------------------------------------------


def test_next_creates_the_numbered_session_of_the_series(tmp_path, capsys) -> None:
    data = tmp_path / "store"
    assert run(data, *TEIREIKAI) == 0
    assert run(data, *MANMA) == 0
    capsys.readouterr()
    assert run(data, "series", "list") == 0
    listed = capsys.readouterr().out
    assert "次回：1月24日（土）14:00 第8回 まんまの会 夢プラザ" in listed
    assert "次回：1月21日（水）14:00 第32回 定例会 阪南市役所" in listed

    assert run(data, "next", "定例会") == 0
    capsys.readouterr()
    store = SessionStore(data)
    [info] = store.list()
    assert info.title == "第32回 定例会" and info.template == "teireikai"
    state = store.open(info.id).state()
    assert state.place == "阪南市役所"
    assert state.series is not None
    assert (state.series.name, state.series.number) == ("定例会", 32)
    assert state.series.starts_at == "2026-01-21T14:00"

    # the next one is the following meeting, numbered on
    assert run(data, "series", "list") == 0
    assert "次回：3月18日（水）14:00 第33回 定例会 阪南市役所" in capsys.readouterr().out
    assert run(data, "next", "定例会") == 0
    titles = sorted(info.title for info in store.list())
    assert titles == ["第32回 定例会", "第33回 定例会"]


def test_series_errors_are_one_line(tmp_path, capsys) -> None:
    data = tmp_path / "store"
    assert run(data, *TEIREIKAI) == 0
    capsys.readouterr()
    cases = [
        (["next", "ない会"], "シリーズ「ない会」はありません"),
        ([*TEIREIKAI], "もうあります"),
        (["series", "add", "x", "--template", "nope", "--start", "2026-01-01"], "nope"),
        (["series", "add", "x", "--template", "teireikai", "--start", "2026-02-30"], "日時"),
        (["series", "add", "x", "--template", "teireikai", "--start", "2026-02-01 10:00",
          "--rrule", "FREQ=SOMETIMES"], "くり返し"),
        (["series", "edit", "定例会"], "変える項目"),
        (["calendar", "--count", "0"], "--count"),
    ]  # fmt: skip
    for args, words in cases:
        assert run(data, *args) == 2, args
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1 and "Traceback" not in err, (args, err)


def test_series_text_is_data(tmp_path, capsys) -> None:
    data = tmp_path / "store"
    hostile = "[bold]会[/bold]\x1b[31m"
    args = ["series", "add", hostile, "--template", "teireikai", "--start", "2026-02-01 10:00"]
    assert run(data, *args, "--place", "場所\x07") == 0
    [series] = SeriesBook(data).all()
    assert "\x1b" not in series.name and "\x07" not in series.place
    assert series.name.startswith("[bold]会[/bold]")


# -- the course ---------------------------------------------------------------------------


def test_the_course_knows_which_evening_comes_next(tmp_path, capsys) -> None:
    data = tmp_path / "store"
    assert run(data, *COURSE) == 0
    store = SessionStore(data)
    expected = ["koza_1_ibasho", "koza_2_taikendan", "koza_3_kazoku", "koza_4_reflecting"]
    for evening, template in enumerate(expected, start=1):
        assert run(data, "next", "連続講座") == 0
        made = {info.template: info for info in store.list()}
        assert template in made
        state = store.open(made[template].id).state()
        assert (state.series.evening, state.series.evenings) == (evening, 4)
        assert made[template].title == f"第{evening}回 連続講座"
    capsys.readouterr()
    assert run(data, "next", "連続講座") == 2  # all four evenings made
    assert "次回の予定はありません" in capsys.readouterr().err


# -- the calendar -------------------------------------------------------------------------


def test_the_ics_file_reads_back_with_public_fields_only(tmp_path, capsys) -> None:
    from icalendar import Calendar

    data = tmp_path / "store"
    for args in (TEIREIKAI, MANMA, COURSE):
        assert run(data, *args) == 0
    assert run(data, "next", "まんまの会") == 0
    made = SessionStore(data).list()[0]
    log = SessionStore(data).open(made.id)
    Meeting(log).join("ひみつのはなこ", position="family")
    out = tmp_path / "予定.ics"
    assert run(data, "calendar", "-o", str(out), "--until", "2026-06-30") == 0
    raw = out.read_bytes()
    assert "ひみつのはなこ".encode() not in raw
    calendar = Calendar.from_ical(raw)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    summaries = [str(e["summary"]) for e in events]
    # まんまの会 1/24 is already a session: the next one in the calendar is 3/28, 第9回
    assert "第8回 まんまの会" not in summaries
    assert summaries[:3] == ["第32回 定例会", "第1回 連続講座", "第2回 連続講座"]
    first = events[0]
    start = first.decoded("dtstart")
    assert start.isoformat() == "2026-01-21T14:00:00+09:00"
    assert first.decoded("dtend") - start == __import__("datetime").timedelta(minutes=90)
    assert str(first["location"]) == "阪南市役所"
    manma = [e for e in events if "まんまの会" in str(e["summary"])]
    assert [e.decoded("dtstart").date() for e in manma] == [date(2026, 3, 28), date(2026, 5, 23)]
    assert "家族を中心とした交流会" in str(manma[0]["description"])
    assert len({str(e["uid"]) for e in events}) == len(events)
    assert calendar.walk("VTIMEZONE")  # phones import the zone with it

    # the flyer list, and the store is never written to
    capsys.readouterr()
    assert run(data, "calendar", "まんまの会", "--format", "md") == 0
    flyer = capsys.readouterr().out
    assert "3月28日（土）14:00–16:00 **第9回 まんまの会** — 夢プラザ" in flyer
    assert run(data, "calendar", "-o", str(data / "cal.ics")) != 0


# -- the closing record and the report ----------------------------------------------------


def test_the_closing_record_feeds_the_report(tmp_path, capsys) -> None:
    data = tmp_path / "store"
    assert run(data, *TEIREIKAI) == 0
    assert run(data, "next", "定例会") == 0
    store = SessionStore(data)
    [info] = store.list()
    meeting = Meeting(store.open(info.id))
    meeting.join("あお")
    meeting.join("みどり", position="family")
    args = ["close", info.id, "--others", "3", "--org", "阪南市社会福祉協議会"]
    assert run(data, *args, "--org", "まんまの会", "--summary", "近況を伝え合いました") == 0
    capsys.readouterr()

    assert run(data, "report", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    [row] = report["meetings"]
    assert row["attendance"] == 5  # two entered, ほかに 3人
    assert row["groups"] == 2  # the two organisations that attended
    assert sorted(row["organisations"]) == ["まんまの会", "阪南市社会福祉協議会"]
    assert row["series"] == "定例会" and row["number"] == 32
    assert report["totals"]["participants"] == 5
    assert report["by_series"] == {"定例会": {"2025": 1}}

    assert run(data, "report") == 0
    text = capsys.readouterr().out
    assert "| 第32回 定例会 | 5 |" in text
    assert "| 定例会 | 1 |" in text

    # the minutes are headed with the series and show the record
    assert run(data, "export", info.id, "--format", "md") == 0
    minutes = capsys.readouterr().out
    assert "**シリーズ: 第32回 定例会**" in minutes
    assert "5人（うち、ほかに 3人）" in minutes and "阪南市社会福祉協議会" in minutes

    # a whole head-count given afterwards replaces the record; the organisations stay known
    assert run(data, "close", info.id, "--count", "12", "--org", "まんまの会") == 0
    capsys.readouterr()
    assert run(data, "report", "--format", "json", "--series", "定例会") == 0
    [row] = json.loads(capsys.readouterr().out)["meetings"]
    assert (row["attendance"], row["groups"]) == (12, 1)
    names = [g.name for g in store.community().groups()]
    assert "阪南市社会福祉協議会" in names and names.count("まんまの会") == 1

    assert run(data, "report", "--series", "まんまの会") == 2
    assert run(data, "close", info.id, "--count", "-1") == 2


# -- supporters -----------------------------------------------------------------------------


def test_a_supporter_removed_at_their_request_leaves_no_trace(tmp_path, capsys) -> None:
    data = tmp_path / "store"
    assert run(data, "supporters", "add", "ゆずりは", "--contact", "yuzuriha@example.jp") == 0
    assert run(data, "supporters", "add", "こもれび") == 0
    capsys.readouterr()
    assert run(data, "supporters") == 0
    listed = capsys.readouterr().out
    assert "ゆずりは" in listed and "こもれび" in listed
    assert "yuzuriha@example.jp" not in listed  # the contact only when asked for
    assert run(data, "supporters", "list", "--include-private") == 0
    assert "yuzuriha@example.jp" in capsys.readouterr().out

    assert run(data, "supporters", "remove", "ゆずりは") == 0
    for path in data.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert "ゆずりは".encode() not in raw, path
            assert b"yuzuriha" not in raw, path
    assert Supporters(data).names() == ["こもれび"]
    assert run(data, "supporters", "remove", "ゆずりは") == 2


def test_plugins_see_supporters_by_name_only(tmp_path) -> None:
    from kusanone_tui.api import PluginAPI
    from kusanone_tui.templates import load

    store = SessionStore(tmp_path / "store")
    Supporters(store.root).add("こもれび", contact="090-0000-0000")
    api = PluginAPI("games", store.create(load("teireikai")))
    assert api.supporters() == ("こもれび",)
    assert PluginAPI("games").supporters() == ()


# -- on the screens -------------------------------------------------------------------------

SIZE = (140, 40)


async def test_the_home_screen_starts_the_next_meeting_with_one_key(tmp_path, clock) -> None:
    from kusanone_tui.testing import screen_text, wait_until
    from kusanone_tui.tui.app import KusanoneApp
    from kusanone_tui.tui.screens.facilitator import FacilitatorScreen

    data = tmp_path / "store"
    assert run(data, *MANMA) == 0  # added first, but its next meeting comes later: listed 2nd
    assert run(data, *TEIREIKAI) == 0
    store = SessionStore(data)
    app = KusanoneApp(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "次回の会" in screen_text(app))
        text = screen_text(app)
        assert "2  次回：1月24日（土）14:00 第8回 まんまの会 夢プラザ" in text
        assert "1  次回：1月21日（水）14:00 第32回 定例会 阪南市役所" in text
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, FacilitatorScreen))
        await wait_until(pilot, lambda: "第8回 まんまの会" in screen_text(app))
    [info] = store.list()
    assert (info.title, info.template) == ("第8回 まんまの会", "kazokukai")
    state = store.open(info.id).state()
    assert state.place == "夢プラザ" and state.series.starts_at == "2026-01-24T14:00"


async def test_the_closing_record_in_a_few_keys_on_the_wall(tmp_path, clock) -> None:
    from textual.widgets import Input

    from kusanone_tui.testing import screen_text, wait_until
    from kusanone_tui.tui.app import KusanoneApp
    from kusanone_tui.tui.closing_dialog import ClosingDialog

    data = tmp_path / "store"
    assert run(data, *TEIREIKAI) == 0
    assert run(data, "next", "定例会") == 0
    store = SessionStore(data)
    store.community().add_group("阪南市社会福祉協議会", "organisation")
    [info] = store.list()
    log = store.open(info.id, clock=clock)
    meeting = Meeting(log)
    meeting.join("ないしょのなまえ", show_name=False)
    meeting.join("あお")
    meeting.start_stage(len(log.state().template.stages) - 1)  # the closing stage
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ClosingDialog))
        await pilot.press("3")  # ほかに 3人
        await wait_until(pilot, lambda: "合計 5人" in screen_text(app))
        assert "ないしょのなまえ" not in screen_text(app)  # the wall sees counts, not names
        await pilot.press("tab", "space")  # tick the organisation from the registry
        await pilot.press("tab", *"まんまの会", "enter")  # add one on the spot
        await pilot.press("tab", *"近況を伝え合いました", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ClosingDialog))
        closing = log.state().closing
        assert closing is not None
        assert (closing.count, closing.others) == (5, 3)
        assert [name for _, name in closing.organisations] == ["阪南市社会福祉協議会", "まんまの会"]
        assert closing.summary == "近況を伝え合いました"
        # opened again, it shows what was recorded; a bad number keeps it open with one line
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ClosingDialog))
        assert app.screen.query_one("#closing-others", Input).value == "3"
        app.screen.query_one("#closing-others", Input).value = "たくさん"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "0 以上の整数で" in screen_text(app))
        assert isinstance(app.screen, ClosingDialog)
        await pilot.press("escape")
    assert "まんまの会" in [g.name for g in store.community().groups()]


# -- the docs -------------------------------------------------------------------------------


def test_the_docs_examples_make_the_three_series_of_the_talk(tmp_path, capsys) -> None:
    import re
    import shlex

    root = Path(__file__).resolve().parent.parent
    page = (root / "docs" / "series.md").read_text("utf-8")
    block = re.search(r"```sh\n(.*?)```", page, re.S).group(1).replace("\\\n", " ")
    adds = [
        shlex.split(line) for line in block.splitlines() if line.startswith("kusanone series add")
    ]
    assert len(adds) == 3
    data = tmp_path / "store"
    for words in adds:
        assert run(data, *words[1:]) == 0, words
    names = [s.name for s in SeriesBook(data).all()]
    assert names == ["定例会", "まんまの会", "連続講座"]
    readme = (root / "README.md").read_text("utf-8")
    for command in ("series", "next", "calendar", "close", "supporters"):
        assert f"`kusanone {command}" in readme, command
        assert f"kusanone {command}" in page, command
