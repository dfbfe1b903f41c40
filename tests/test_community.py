"""The community's memory (issue 16): a registry people can correct, activity days with
head-counts, connection stories, help wanted, follow-ups that fade, forgetting on request, and a
report that respects small numbers."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from kusanone_tui import report as reports
from kusanone_tui.cli import main
from kusanone_tui.followups import open_followups
from kusanone_tui.meeting import Meeting
from kusanone_tui.store.registry import Registry
from kusanone_tui.store.sessions import COMMUNITY_FILE, SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import FakeClock

DAY = 86400.0


def kusanone(store: Path, *argv: str) -> int:
    try:
        return main(["--data", str(store), *argv])
    except SystemExit as leaving:  # argparse's usage errors
        return int(leaving.code or 0)


def out_of(capsys) -> str:
    return capsys.readouterr().out


def meeting(store: Path, day: tuple[int, int, int], title: str, people, clock=None):
    clock = clock or FakeClock(time.mktime((*day, 13, 30, 0, 0, 0, -1)))
    log = SessionStore(store).create(load("teireikai"), title=title, clock=clock)
    facilitator = Meeting(log, "facilitator")
    for name, position in people:
        facilitator.join(name, position)
    return log, clock


# -- the six stories of the talk, from the command line, into the report ----------------------


PLATFORM, COURSE, FAMILY, CAFE = "草の根ネット", "連続講座", "まんまの会", "居場所カフェ"
SIX_STORIES = [
    ("新しい年度の講座の受講者が、市町村プラットフォームにも参加した", [COURSE, PLATFORM]),
    ("プラットフォームの参加者が、家族の立場として家族会に参加した", [PLATFORM, FAMILY]),
    ("カフェの開催者が講座のゲスト講師に、のちにプラットフォームにも", [CAFE, COURSE, PLATFORM]),
    ("家族会の活動として、地域の居場所カフェに行った", [FAMILY, CAFE]),
    ("イベント部会が地域の祭に出店し、家族会のメンバーが協力参加した", ["イベント部会", FAMILY]),
    ("講座→家族会→プラットフォーム→音楽フェス", [COURSE, FAMILY, "泉州トリガーフェス"]),
]


def enter_the_talk(store: Path, capsys) -> None:
    store.mkdir(exist_ok=True)
    assert kusanone(store, "community", "add", "group", "草の根ネット", "--date", "2019-04-01") == 0
    assert kusanone(store, "community", "add", "group", "イベント部会", "--kind", "部会") == 0
    assert kusanone(store, "community", "add", "group", "まんまの会", "--date", "2023-04-01") == 0
    for name, kind, day in (
        ("連続講座", "講座", "2018-06-01"),
        ("居場所カフェ", "カフェ", "2022-05-01"),
        ("泉州トリガーフェス", "イベント", "2024-11-23"),
    ):
        assert kusanone(store, "community", "add", "activity", name, "--kind", kind,
                        "--date", day) == 0  # fmt: skip
    for n, (text, entries) in enumerate(SIX_STORIES):
        links = [arg for entry in entries for arg in ("--with", entry)]
        assert kusanone(store, "community", "add", "story", text, *links,
                        "--date", f"2024-0{n + 4}-15") == 0  # fmt: skip
    assert kusanone(store, "community", "log", "泉州トリガーフェス", "--date", "2024-11-23",
                    "--count", "120") == 0  # fmt: skip
    assert kusanone(store, "community", "log", "居場所カフェ", "--date", "2024-12-07",
                    "--count", "8", "--note", "冬のカフェ") == 0  # fmt: skip
    capsys.readouterr()


def test_the_six_stories_and_the_fourth_figure_from_the_command_line(tmp_path, capsys):
    store = tmp_path / "store"
    enter_the_talk(store, capsys)
    assert kusanone(store, "community", "list", "--json") == 0
    listed = json.loads(out_of(capsys))
    assert sum(1 for e in listed if e["type"] == "story") == 6
    assert {e["name"] for e in listed if e["type"] == "activity"} == {
        "連続講座", "居場所カフェ", "泉州トリガーフェス"
    }  # fmt: skip

    page = tmp_path / "report.html"
    assert kusanone(store, "report", "--format", "html", "-o", str(page)) == 0
    html = page.read_text("utf-8")
    for text, _ in SIX_STORIES:
        assert text in html  # in the list of the year
    network = html.split("参加主体と協働のつながり", 1)[1]
    for name in ("まんまの会", "居場所カフェ", "泉州トリガーフェス", "連続講座", "イベント部会"):
        assert name in network  # each a node of the network view
    assert network.count("<line") >= 6

    assert kusanone(store, "report", "--format", "json") == 0
    data = json.loads(out_of(capsys))
    assert data["totals"]["participants"] == 128  # the festival's 120 and the café's 8
    assert data["participants_sources"] == {"meetings": 0, "days": 128}
    assert data["activities_by_kind"]["2024"] == {"course": 1, "cafe": 1, "event": 1}
    assert kusanone(store, "report") == 0
    assert "活動日の参加 128人（2日" in out_of(capsys)


def test_activity_days_and_meetings_together_say_where_the_count_came_from(tmp_path, capsys):
    store = tmp_path / "store"
    meeting(store, (2024, 11, 9), "11月の定例会", [(f"人{n}", "neighbour") for n in range(6)])
    registry = Registry(store / COMMUNITY_FILE)
    registry.add_activity("フェス", "イベント", "2024-11-23")
    registry.log_day("フェス", "2024-11-23", 120)
    built = reports.build([store])
    assert built.totals()["participants"] == 126
    assert built.sources() == {"meetings": 6, "days": 120}
    assert built.by_year()[2024]["participants"] == 126
    text = reports.to_markdown(built)
    assert "会の参加 6人（1回）＋ 活動日の参加 120人（1日" in text


# -- corrections: each an event, the history kept, the report right for a past date ----------


def test_rename_merge_correct_retire_keep_the_history(tmp_path, capsys):
    store = tmp_path / "store"
    store.mkdir()
    clock = FakeClock(time.mktime((2024, 5, 1, 10, 0, 0, 0, 0, -1)))
    registry = Registry(store / COMMUNITY_FILE, clock=clock)
    cafe = registry.add_activity("いばしょカフェ", "カフェ", "2024-06-01")
    clock.advance(DAY)
    twin = registry.add_activity("居場所カフェ(仮)", "cafe", "2024-05-20")
    group = registry.add_group("NPOそよかぜ", "団体", began="2020-04-01")
    clock.advance(DAY)
    registry.add_collaboration("合同カフェ", (group.id,), "2024-07-01", activity=twin.id)
    registry.rename(cafe.id, "尾崎の居場所カフェ")
    registry.edit("尾崎の居場所カフェ", began="2024-04-10")
    registry.merge("居場所カフェ(仮)", "尾崎の居場所カフェ")
    clock.advance(DAY)
    registry.retire("NPOそよかぜ", "2025-03-31")

    (only,) = registry.activities()
    assert (only.id, only.name, only.born_on) == (cafe.id, "尾崎の居場所カフェ", "2024-04-10")
    assert registry.collaborations()[0].activity == cafe.id  # the duplicate's links moved
    for old in ("いばしょカフェ", "居場所カフェ(仮)", twin.id):
        assert registry.find(old)[1].id == cafe.id  # every earlier name finds it
    ops = [change["op"] for change in registry.history(cafe.id)]
    assert ops == ["add", "edit", "edit", "merge"]
    # What the registry said before the corrections is still there.
    before = registry.at(clock() - 2 * DAY)
    assert {r.name for _, r in before.entries.values() if hasattr(r, "born_on")} == {
        "いばしょカフェ", "居場所カフェ(仮)"
    }  # fmt: skip

    # A past period counts what existed then; after it ended, it no longer takes part.
    fy2024 = reports.build([store], "2024-04-01", "2025-03-31")
    assert fy2024.totals()["groups"] == 1 and fy2024.totals()["activities"] == 1
    fy2025 = reports.build([store], "2025-04-01", "2026-03-31")
    assert fy2025.totals()["groups"] == 0

    assert kusanone(store, "community", "show", "いばしょカフェ") == 0
    shown = out_of(capsys)
    assert "尾崎の居場所カフェ" in shown and "いばしょカフェ" in shown and "統合" in shown


@pytest.mark.parametrize(
    "argv",
    [
        ["community", "log", "ない活動", "--date", "2024-01-01", "--count", "3"],
        ["community", "log", "カフェ", "--date", "2024-13-01", "--count", "3"],
        ["community", "log", "カフェ", "--date", "2024-01-01", "--count", "-1"],
        ["community", "log", "カフェ", "--date", "2024-01-01", "--count", "たくさん"],
        ["community", "add", "activity", "X", "--kind", "宇宙船"],
        ["community", "add", "story", "ひとつだけ", "--with", "カフェ"],
        ["community", "merge", "カフェ", "カフェ"],
        ["community", "edit", "カフェ", "--date", "someday"],
        ["forget", "   "],
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(tmp_path, capsys, argv):
    store = tmp_path / "store"
    store.mkdir()
    Registry(store / COMMUNITY_FILE).add_activity("カフェ", "cafe", "2024-01-01")
    before = (store / COMMUNITY_FILE).read_bytes()
    assert kusanone(store, *argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    assert (store / COMMUNITY_FILE).read_bytes() == before


def test_hostile_names_are_stored_clean_and_shown_literally(tmp_path, capsys):
    store = tmp_path / "store"
    store.mkdir()
    assert kusanone(store, "community", "add", "group", "[bold]会[/]\x1b[31m赤") == 0
    assert kusanone(store, "community", "list") == 0
    text = out_of(capsys)
    assert "[bold]会[/]" in text and "\x1b" not in text


# -- help wanted ------------------------------------------------------------------------------


def test_help_wanted_offers_are_private_and_the_report_counts(tmp_path, capsys):
    store = tmp_path / "store"
    store.mkdir()
    registry = Registry(store / COMMUNITY_FILE)
    registry.add_activity("泉州トリガーフェス", "event", "2024-11-23")
    request = registry.post_help("泉州トリガーフェス", "受付を手伝ってくれる方", "2024-10-01")
    other = registry.post_help("泉州トリガーフェス", "チラシ配り", "2024-10-02")
    registry.offer_help(request.id, "ひかり")
    registry.close_help(request.id, 4, "2024-11-23")
    assert [r.id for r in registry.open_requests()] == [other.id]
    assert kusanone(store, "community", "list", "--json") == 0
    assert "ひかり" not in out_of(capsys)  # a count of offers, not names
    assert kusanone(store, "community", "list", "--include-private") == 0
    assert "ひかり" in out_of(capsys)
    built = reports.build([store])
    assert built.help_counts() == {"requests": 2, "met": 1, "helped": 4}
    for fmt in ("md", "html", "csv", "json"):
        assert kusanone(store, "report", "--format", fmt) == 0
        assert "ひかり" not in out_of(capsys)


# -- small numbers ----------------------------------------------------------------------------


def test_two_honnin_at_one_meeting_show_as_fewer_than_three(tmp_path, capsys):
    store = tmp_path / "store"
    people = [("あおい", "self"), ("はると", "self")]
    people += [(f"住民{n}", "neighbour") for n in range(5)]
    meeting(store, (2024, 6, 8), "6月の定例会", people)
    meeting(store, (2024, 8, 10), "8月の定例会", [(f"人{n}", "family") for n in range(6)])
    for fmt in ("md", "html", "csv", "json"):
        assert kusanone(store, "report", "--format", fmt) == 0
        text = out_of(capsys)
        assert "3未満" in text, fmt
    assert kusanone(store, "report", "--format", "json") == 0
    data = json.loads(out_of(capsys))
    june = data["meetings"][0]
    assert june["by_position"]["self"] == "3未満"
    assert "＊" in june["by_position"].values()  # the total cannot give the 2 back
    assert "first_time" not in june  # first-time vs returning per fiscal year only
    assert data["attendance_by_position"]["self"] == "3未満"
    assert kusanone(store, "report", "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(out_of(capsys))))
    assert rows[0]["position_self"] == "3未満" and rows[0]["first_time"] == ""
    assert kusanone(store, "report", "--format", "json", "--include-private") == 0
    exact = json.loads(out_of(capsys))
    assert exact["meetings"][0]["by_position"]["self"] == 2


def test_protect_hides_a_complement():
    shown = reports.protect({"a": 2, "b": 10, "c": 5, "d": 0})
    assert shown["a"] == "3未満" and shown["c"] == "＊" and shown["b"] == 10 and shown["d"] == 0
    assert reports.protect({"a": 4, "b": 3}) == {"a": 4, "b": 3}


# -- follow-ups -------------------------------------------------------------------------------


def test_a_follow_up_shows_at_the_next_meeting_and_fades(tmp_path):
    store = tmp_path / "store"
    first, clock = meeting(store, (2024, 6, 8), "6月の定例会", [("さくらの母", "family")])
    Meeting(first, "notes").record_backstage("invited", "家族会へ", ["さくらの母"], "まんまの会")
    Meeting(first, "notes").record_backstage("greeted", "こんにちは", ["さくらの母"])
    clock.advance(60 * DAY)
    second, _ = meeting(store, (2024, 8, 10), "8月の定例会", [], clock=clock)
    items = open_followups(store, exclude=second.session_id, now=clock())
    assert [(f.people, f.invited_to, f.kind) for f in items] == [
        (("さくらの母",), "まんまの会", "invited")
    ]
    assert open_followups(store, exclude=first.session_id, now=clock()) == []
    # A year on it has faded; a shorter setting makes it fade sooner.
    assert open_followups(store, exclude=second.session_id, now=clock() + 366 * DAY) == []
    (store / "plugins.toml").write_text("[followups]\nmonths = 1\n", "utf-8")
    assert open_followups(store, exclude=second.session_id, now=clock()) == []
    (store / "plugins.toml").unlink()
    Registry(store / COMMUNITY_FILE).mark_followup(items[0].key, "done")
    assert open_followups(store, exclude=second.session_id, now=clock()) == []


async def test_follow_ups_only_in_private_places_and_the_community_screen(tmp_path):
    from kusanone_tui.plugin_host import PluginHost
    from kusanone_tui.testing import screen_text
    from kusanone_tui.tui.app import KusanoneApp
    from kusanone_tui.tui.community_screen import CommunityScreen, FollowupsDialog

    store = tmp_path / "store"
    first, clock = meeting(store, (2024, 6, 8), "6月の定例会", [("さくらの母", "family")])
    Meeting(first, "notes").record_backstage("invited", "", ["さくらの母"], "まんまの会")
    registry = Registry(store / COMMUNITY_FILE)
    registry.add_activity("居場所カフェ", "cafe", "2022-05-01")
    registry.add_story("ひみつの話", ["居場所カフェ", registry.add_group("まんまの会").id],
                       visibility="private")  # fmt: skip
    clock.advance(60 * DAY)
    second, _ = meeting(store, (2024, 8, 10), "8月の定例会", [], clock=clock)

    app = KusanoneApp(second, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f9")  # the facilitator's screen is on the wall: not here
        await pilot.pause()
        assert not isinstance(app.screen, FollowupsDialog)
        assert "さくらの母" not in screen_text(app)
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, CommunityScreen)
        text = screen_text(app)
        assert "居場所カフェ" in text and "ひみつの話" not in text
        await pilot.press("a")  # add an activity from the screen
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.press(*"[b]夜カフェ[/b]")
        await pilot.press("enter")
        await pilot.press(*"カフェ", "enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CommunityScreen)
        assert "[b]夜カフェ[/b]" in screen_text(app)  # people's text, shown literally
        made = Registry(store / COMMUNITY_FILE).find("[b]夜カフェ[/b]")
        assert made is not None and made[1].kind == "cafe"
        await pilot.press("escape")

    notes = KusanoneApp(second, role="notes", clock=clock, plugins=PluginHost())
    async with notes.run_test(size=(120, 36)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(notes.screen, FollowupsDialog)
        text = screen_text(notes)
        assert "さくらの母" in text and "まんまの会にお誘いした方：1件" in text
        await pilot.press("d")
        await pilot.pause()
        assert "さくらの母" not in screen_text(notes)
    assert open_followups(store, exclude=second.session_id, now=clock()) == []


# -- forgetting -------------------------------------------------------------------------------


def test_forget_leaves_no_trace_in_any_file_of_the_store(tmp_path, capsys):
    from kusanone_tui.store.drafts import Draft

    name = "ゆうひ"
    store = tmp_path / "store"
    log, _ = meeting(store, (2024, 6, 8), "6月の定例会", [(name, "self"), ("あおい", "self")])
    notes = Meeting(log, "notes")
    notes.record_backstage("invited", f"{name}さんを家族会へ", [name], "まんまの会")
    notes.add_note(f"{name}さんが絵の話をした", "minutes")
    registry = Registry(store / COMMUNITY_FILE)
    registry.add_activity("フェス", "event", "2024-11-23")
    registry.offer_help(registry.post_help("フェス", "受付").id, name)
    Draft(log.path).save(f"{name}さんの近況", "minutes")
    damaged = log.path.with_name(log.path.name.replace(".session", ".damaged-1.session"))
    damaged.write_bytes(log.path.read_bytes() + f"garbage {name}\n".encode())
    other = store / "memo.txt"
    other.write_text(f"{name}\n", "utf-8")

    def files_with_name() -> list[Path]:
        return [p for p in store.rglob("*") if p.is_file() and name.encode() in p.read_bytes()]

    assert len(files_with_name()) == 5
    before = {p: p.read_bytes() for p in files_with_name()}
    assert kusanone(store, "forget", name, "--dry-run") == 0
    assert {p: p.read_bytes() for p in before} == before  # a dry run changes nothing
    assert "5個のファイル" in out_of(capsys)
    assert kusanone(store, "forget", name) == 0
    printed = out_of(capsys)
    assert str(log.path) in printed and str(damaged) in printed
    assert files_with_name() == []
    # The session still opens, whole; the other person is still there.
    state = SessionStore(store).open(log.session_id).state()
    assert sorted(p.name for p in state.participants.values()) == sorted(["あおい", "—"])
    assert Registry(store / COMMUNITY_FILE).requests()[0].offers == ("—",)
    assert json.loads(next(store.glob(".*draft*")).read_text("utf-8"))["text"].startswith("—")


async def test_open_requests_for_help_show_in_the_closing_stage(tmp_path, clock):
    """協力のお願い: the room sees the open requests in the closing stage (public texts only)."""
    from kusanone_tui.meeting import Meeting
    from kusanone_tui.plugin_host import PluginHost
    from kusanone_tui.store.registry import Registry
    from kusanone_tui.store.sessions import COMMUNITY_FILE, SessionStore
    from kusanone_tui.templates import load
    from kusanone_tui.testing import screen_text
    from kusanone_tui.tui.app import KusanoneApp

    store = SessionStore(tmp_path / "store")
    log = store.create(load("teireikai"), title="会", clock=clock)
    registry = Registry(store.root / COMMUNITY_FILE)
    fes = registry.add_activity("泉州トリガーフェス", "event")
    request = registry.post_help(fes.id, "フェスの受付を手伝ってくれる方")
    registry.offer_help(request.id, "OFFERxNAME")  # an offer is private: never on the wall
    done = registry.post_help(fes.id, "もう締め切ったお願い")
    registry.close_help(done.id, 2)
    stages = [stage.type for stage in log.state().template.stages]
    Meeting(log).start_stage(stages.index("round"))
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert "フェスの受付" not in screen_text(app)  # only in the closing stage
        Meeting(log).start_stage(stages.index("closing"))
        app.refresh_now()
        await pilot.pause()
        text = screen_text(app)
        assert "協力のお願い" in text and "フェスの受付を手伝ってくれる方" in text
        assert "もう締め切った" not in text and "OFFERxNAME" not in text
        await pilot.press("f3")
        await pilot.pause()
        app.refresh_now()
        await pilot.pause()
        projected = screen_text(app)
        assert "フェスの受付を手伝ってくれる方" in projected and "OFFERxNAME" not in projected
