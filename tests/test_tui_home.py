"""The home screen, joining with choices, the command palette, and the app's commands' errors."""

from __future__ import annotations

from kusanone_tui.cli import main
from kusanone_tui.meeting import Meeting
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.screens.facilitator import FacilitatorScreen

SIZE = (140, 40)


async def test_home_starts_a_meeting_from_a_template(tmp_path, clock):
    store = SessionStore(tmp_path / "store")
    app = KusanoneApp(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "テンプレートから始める" in text and "定例会" in text and "デモの会を開く" in text
        assert "保存された会はまだありません" in text
        await pilot.click("#home-templates")
        await pilot.pause()
        # the first template in the list is started, in the facilitator's view
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
    assert len(store.list()) == 1


async def test_home_resumes_a_saved_session(tmp_path, clock):
    store = SessionStore(tmp_path / "store")
    log = store.create(load("kazokukai"), title="12月のまんまの会", clock=clock)
    Meeting(log).join("はな")
    app = KusanoneApp(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "12月のまんまの会" in screen_text(app)
        app.screen.query_one("#home-sessions").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        assert "はな" in screen_text(app)


async def test_join_with_position_and_name_choices(tmp_path, clock):
    log = SessionStore(tmp_path / "s").create(load("teireikai"), clock=clock)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"kumo")
        dialog = app.screen
        dialog.query_one("#join-position").value = "family"
        await pilot.click("#join-show")  # do not show my name on the screen
        await pilot.click("#join-minutes")  # name me in the minutes
        await pilot.click("#join-add")
        await pilot.pause()
        person = next(iter(log.state().participants.values()))
        assert (person.name, person.position) == ("kumo", "family")
        assert (person.show_name, person.minutes_name) == (False, True)
        roster = app.screen.query_one("#roster")
        assert [str(cell) for cell in roster.get_row_at(0)][1:] == ["参加者1", "家族"]


async def test_an_empty_name_becomes_guest(tmp_path, clock):
    log = SessionStore(tmp_path / "s").create(load("teireikai"), clock=clock)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert [p.name for p in log.state().participants.values()] == ["ゲスト"]


async def test_command_palette_runs_a_meeting_action(tmp_path, clock):
    log = SessionStore(tmp_path / "s").create(load("teireikai"), clock=clock)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"次へ")
        await wait_until(pilot, lambda: app.screen.query_one("CommandList").option_count > 0)
        await pilot.press("enter")
        await wait_until(pilot, lambda: log.state().stage is not None)
    assert log.state().stage.id == "opening"


def test_open_unknown_session_is_one_line(tmp_path, capsys):
    assert main(["open", "nope", "--data", str(tmp_path)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope" in err[0]


def test_start_with_a_broken_template_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[template]\nid = "x"\ntitle = "t"\n[[stages]]\nid = "a"\n', "utf-8")
    assert main(["start", str(bad), "--data", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.toml:4" in err[0]
    assert not (tmp_path / "d").exists() or not list((tmp_path / "d").glob("*.jsonl"))


def test_open_with_a_wrong_role_is_one_line_and_exit_2(tmp_path, capsys):
    try:
        main(["open", "x", "--role", "boss"])
    except SystemExit as stop:
        assert stop.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "boss" in err[0]


async def test_home_lists_every_template_with_its_id_plugins_included(tmp_path, clock):
    from kusanone_tui.plugin_host import PluginHost

    store = SessionStore(tmp_path / "store")
    app = KusanoneApp(store=store, clock=clock, plugins=PluginHost.discover([]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for ref in ("teireikai", "kazokukai", "game_night", "trigger_fes", "hitokoto_kai"):
            assert ref in text  # the id to type for `kusanone start`
        listing = app.screen.query_one("#home-templates")
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        listing.focus()
        listing.highlighted = ids.index("tpl:game_night")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
    [info] = store.list()
    assert info.template == "game_night"
