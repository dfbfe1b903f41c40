"""``?`` and ``Ctrl+P`` in the user's language, listing only what acts now (issue 13, point 6)."""

from __future__ import annotations

import re

import pytest

from kusanone_tui.i18n import catalogue, set_language, t
from kusanone_tui.meeting import Meeting
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.dialogs import HelpDialog, Palette
from kusanone_tui.tui.screens.facilitator import FacilitatorScreen
from kusanone_tui.tui.screens.notes import NotesScreen

#: Textual's own English texts that must not reach a Japanese screen.
TEXTUAL_ENGLISH = (
    "Focus Next",
    "Focus Previous",
    "Copy selected text",
    "palette",
    "Search for commands",
    "No matches found",
    "Quit the application",
    "Change the current theme",
    "Show help for the focused widget",
    "Screenshot",
    "Keys",
    "Theme",
    "Quit",
)


def plugins() -> PluginHost:
    """The built-in plugins (games, open-mic, ひとことカード): keys of their own stage types."""
    return PluginHost.discover()


def meeting_in(tmp_path, clock, stages: int) -> object:
    log = SessionStore(tmp_path / "s").create(load("teireikai"), title="会", clock=clock)
    meeting = Meeting(log)
    for name in ("みどり", "ゲスト", "そら"):
        meeting.join(name)
    for _ in range(stages):
        meeting.next_stage()
    return log


def on(app, cls) -> bool:
    """The app shows a screen of ``cls``, mounted."""
    return isinstance(app.screen, cls) and app.screen.is_mounted


def help_rows(app) -> list[tuple[str, str]]:
    assert isinstance(app.screen, HelpDialog)
    return app.screen.rows


@pytest.mark.parametrize("stages", [0, 1, 2, 3, 5])  # before, opening, round, reflecting, breakout
async def test_help_lists_each_key_once_in_japanese(tmp_path, clock, stages):
    app = KusanoneApp(meeting_in(tmp_path, clock, stages), clock=clock, plugins=plugins())
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: on(app, FacilitatorScreen))
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: on(app, HelpDialog) and help_rows(app))
        rows = help_rows(app)
        keys = [key for key, _ in rows]
        labels = [label for _, label in rows]
        assert len(keys) == len(set(keys)), keys  # no key twice (e, j, h were)
        assert len(labels) == len(set(labels)), labels
        text = screen_text(app)
        for english in TEXTUAL_ENGLISH:
            assert not re.search(rf"\b{english}\b", text), english
        assert t("help.focus_next") in text  # Textual's own keys, named from the catalogue
        # plugin keys belong to their own stage types: none of them acts in these stages
        for label in ("組み合わせを作る", "次の出演", "抽選", "卓を選ぶ", "あとで・もどった"):
            assert label not in text


async def test_help_lists_what_acts_in_the_stage_at_hand(tmp_path, clock):
    app = KusanoneApp(meeting_in(tmp_path, clock, 2), clock=clock, plugins=plugins())
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: on(app, FacilitatorScreen))
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: on(app, HelpDialog) and help_rows(app))
        labels = {label for _, label in help_rows(app)}
        assert {"次の人", "パス", "あとで", "順番", "指名", "次へ", "戻る"} <= labels  # the round
        assert not labels & {"役割", "フェーズ", "グループ追加", "グループ移動", "テーマ"}


async def test_a_plugin_stage_lists_its_own_keys_once(tmp_path, clock):
    host = plugins()
    template = load("game_night", extra_types=host.stage_types(), extra_templates=host.templates())
    log = SessionStore(tmp_path / "s").create(template, title="ゲーム会", clock=clock)
    meeting = Meeting(log)
    while log.state().stage is None or log.state().stage.type != "games":
        meeting.next_stage()
    app = KusanoneApp(log, clock=clock, plugins=host)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: on(app, FacilitatorScreen))
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: on(app, HelpDialog) and help_rows(app))
        rows = help_rows(app)
        labels = [label for _, label in rows]
        assert "組み合わせを作る" in labels and "次の回へ" in labels  # the games' own keys
        assert "次の出演" not in labels and "抽選" not in labels  # open-mic's are not
        keys = [key for key, _ in rows]
        assert len(keys) == len(set(keys))


@pytest.mark.parametrize("key", ["escape", "question_mark", "q"])
async def test_escape_question_mark_and_q_close_the_help(tmp_path, clock, key):
    app = KusanoneApp(meeting_in(tmp_path, clock, 2), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: on(app, FacilitatorScreen))
        below = app.screen
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: on(app, HelpDialog) and help_rows(app))
        assert isinstance(app.screen, HelpDialog)
        await pilot.press(key)
        await wait_until(pilot, lambda: app.screen is below)


async def test_help_closes_after_f2_then_f1(tmp_path, clock):
    """After F2 → F1 the key list still opens and closes (the issue's navigation finding)."""
    app = KusanoneApp(meeting_in(tmp_path, clock, 2), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: on(app, FacilitatorScreen))
        await pilot.press("f2")
        await wait_until(pilot, lambda: on(app, NotesScreen))
        await pilot.press("f1")
        await wait_until(pilot, lambda: on(app, FacilitatorScreen))
        below = app.screen
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: on(app, HelpDialog) and help_rows(app))
        assert isinstance(app.screen, HelpDialog)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is below)


async def test_the_palette_speaks_japanese_and_lists_what_acts_now(tmp_path, clock):
    app = KusanoneApp(meeting_in(tmp_path, clock, 1), clock=clock, plugins=plugins())
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: on(app, FacilitatorScreen))
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: on(app, Palette))
        box = app.screen.query_one("CommandInput")
        assert box.placeholder == catalogue("ja")["palette.placeholder"] == "コマンドを検索…"
        text = screen_text(app)
        assert "コマンドを検索…" in text and "Search for commands" not in text
        titles = [command.title for command in app.get_system_commands(app.screen_stack[-2])]
        assert len(titles) == len(set(titles))  # each command once
        assert "次へ" in titles and "キー一覧" in titles and "終了" in titles
        assert t("palette.theme") in titles
        assert "パス" not in titles  # no round yet
        for english in ("Quit", "Keys", "Theme", "Screenshot", "Maximize"):
            assert english not in titles
        assert "組み合わせを作る" not in titles  # a plugin key of another stage type
        await pilot.press(*"zzzq")
        await wait_until(pilot, lambda: "見つかりません" in screen_text(app))
        assert "No matches" not in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: on(app, FacilitatorScreen))
        assert not isinstance(app.screen, Palette)


async def test_the_colour_palette_speaks_japanese(tmp_path, clock):
    app = KusanoneApp(meeting_in(tmp_path, clock, 1), clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: on(app, FacilitatorScreen))
        app.search_themes()
        await wait_until(pilot, lambda: on(app, Palette))
        await wait_until(
            pilot, lambda: app.screen.query_one("CommandInput").placeholder == "配色を検索…"
        )


async def test_english_help_and_palette(tmp_path, clock):
    set_language("en")
    app = KusanoneApp(meeting_in(tmp_path, clock, 2), clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: on(app, FacilitatorScreen))
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: on(app, HelpDialog) and help_rows(app))
        labels = [label for _, label in help_rows(app)]
        assert "Next person" in labels and "Next field" in labels
        await pilot.press("escape", "ctrl+p")
        await wait_until(pilot, lambda: on(app, Palette))
        await wait_until(
            pilot,
            lambda: app.screen.query_one("CommandInput").placeholder == "Search for commands…",
        )
