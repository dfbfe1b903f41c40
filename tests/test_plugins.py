"""Plugins: discovery, isolation (a failing plugin never ends a meeting), listing, scaffold."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from importlib.metadata import EntryPoint

import pytest

from kusanone_tui import hookimpl
from kusanone_tui import plugin_host as host_module
from kusanone_tui.cli import main
from kusanone_tui.plugin_host import PluginFailure, PluginHost
from kusanone_tui.plugin_types import Command, Panel, StageType, TemplateSource
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp

SIZE = (140, 40)

TEMPLATE = """
[template]
id = "kami_kai"
title = "紙の会"
minutes = 30
[[stages]]
id = "opening"
type = "opening"
title = "はじめに"
minutes = 5
[[stages]]
id = "kami"
type = "kami"
title = "紙芝居"
minutes = 20
[[stages]]
id = "closing"
type = "closing"
title = "おわりに"
minutes = 5
"""


def make_plugin(name: str = "kami", fail_in: str | None = None) -> types.ModuleType:
    """A small plugin; ``fail_in`` names the hook or drawing function that raises."""
    plugin = types.ModuleType(f"kusanone_{name}")
    seen: list[str] = []
    plugin.seen = seen

    def boom(where: str) -> None:
        if fail_in == where:
            raise RuntimeError(f"{where} broke")

    def panel(api, state):
        boom("panel")
        return f"PANEL {len(api.events())}"

    def projector(view):
        boom("projector")
        return f"PROJECTED {len(view.events)}"

    def turn(api):
        boom("command")
        api.append("turned", {}, visibility="public")
        api.append("secret", {"text": "PRIVATExPLUGIN"}, visibility="private")

    @hookimpl
    def register_stage_types(register):
        boom("register_stage_types")
        register(
            StageType(
                "kami",
                {"ja": "紙芝居"},
                panel=panel,
                projector=projector,
                rules={"ja": ["ゆっくり見ましょう"]},
            )
        )

    @hookimpl
    def register_commands(register, api):
        boom("register_commands")
        register(Command("turn", {"ja": "めくる"}, turn, key="j", stage_type="kami"))

    @hookimpl
    def register_panels(register):
        boom("register_panels")
        register(Panel("side", {"ja": "横"}, facilitator=lambda api, state: "SIDEPANEL"))

    @hookimpl
    def register_templates(register):
        boom("register_templates")
        register(TemplateSource("kami_kai", TEMPLATE))

    @hookimpl
    def on_event(event):
        boom("on_event")
        seen.append(event.kind)

    for function in (
        register_stage_types,
        register_commands,
        register_panels,
        register_templates,
        on_event,
    ):
        setattr(plugin, function.__name__, function)
    return plugin


def app_with(tmp_path, *plugins, role="facilitator", strict=False, template="kami_kai"):
    host = PluginHost(strict=strict)
    for plugin in plugins:
        host.add(plugin)
    chosen = load(template, extra_types=host.stage_types(), extra_templates=host.templates())
    log = SessionStore(tmp_path / "store").create(chosen)
    return KusanoneApp(log, role=role, plugins=host), log, host


async def test_a_plugin_stage_runs_with_panel_command_projector_and_observer(tmp_path):
    plugin = make_plugin()
    app, log, _host = app_with(tmp_path, plugin)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        await pilot.pause()
        text = screen_text(app)
        assert "紙芝居" in text and "PANEL 0" in text and "SIDEPANEL" in text
        assert "j めくる" in text  # the plugin's key is in the key bar during its stage
        await pilot.press("j")
        await wait_until(pilot, lambda: "PANEL 2" in screen_text(app))
        kinds = [e.kind for e in log.events()]
        assert "kami:turned" in kinds and "kami:secret" in kinds
        assert log.events()[-1].actor.role == "plugin" and log.events()[-1].actor.name == "kami"
        assert "kami:turned" in plugin.seen  # the observer heard it
        await pilot.press("f3")
        await wait_until(pilot, lambda: "PROJECTED 1" in screen_text(app))
        text = screen_text(app)  # only the public event reaches the projector
        assert "ゆっくり見ましょう" in text  # the stage type's ground rules
        assert "PRIVATExPLUGIN" not in text and "PRIVATExPLUGIN" not in app.export_screenshot()


@pytest.mark.parametrize(
    "fail_in",
    ["panel", "projector", "command", "on_event", "register_commands", "register_panels"],
)
async def test_a_plugin_that_raises_is_switched_off_and_the_meeting_goes_on(tmp_path, fail_in):
    app, log, host = app_with(tmp_path, make_plugin(fail_in=fail_in))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("f3")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ProjectorScreen")
        await wait_until(pilot, app.shows_latest)
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("n")  # the meeting goes on
        await pilot.pause()
        assert log.state().stage.id == "closing"
        notices = [notification.message for notification in app._notifications]
    record = host.records["kami"]
    assert not record.enabled and "broke" in record.error
    assert any("kami" in notice and "止めました" in notice for notice in notices)


def test_a_plugin_failing_while_registering_its_stage_type_still_lets_a_session_fold(tmp_path):
    host = PluginHost()
    host.add(make_plugin(fail_in="register_stage_types"))
    assert host.stage_types() == {}
    assert not host.records["kami"].enabled
    # a session made with the stage type earlier still folds; the stage is a plain time box
    good = PluginHost()
    good.add(make_plugin())
    template = load("kami_kai", extra_types=good.stage_types(), extra_templates=good.templates())
    log = SessionStore(tmp_path).create(template)
    assert [s.type for s in log.state().template.stages] == ["opening", "kami", "closing"]


def test_strict_mode_reraises_for_plugin_authors(monkeypatch):
    monkeypatch.setenv("KUSANONE_STRICT_PLUGINS", "1")
    host = PluginHost()
    host.add(make_plugin(fail_in="register_commands"))
    with pytest.raises(PluginFailure, match="register_commands broke"):
        host.commands()


def test_allow_and_block_lists(monkeypatch):
    monkeypatch.setenv("KUSANONE_DISABLE_PLUGINS", "kami")
    host = PluginHost()
    host.add(make_plugin())
    assert host.commands() == [] and not host.records["kami"].enabled
    monkeypatch.delenv("KUSANONE_DISABLE_PLUGINS")
    monkeypatch.setenv("KUSANONE_PLUGINS", "other")
    host = PluginHost()
    host.add(make_plugin())
    host.add(make_plugin("other"), name="other")
    assert [name for name, _ in host.commands()] == ["other"]


def test_an_older_plugin_keeps_working_when_a_hook_gains_arguments():
    # register_commands offers (register, api); a plugin asking only for register is fine,
    # and so is one whose hook names the arguments in another order.
    plugin = types.ModuleType("kusanone_old")

    @hookimpl
    def register_commands(api, register):
        register(Command("x", {"ja": "x"}, lambda api: None))

    plugin.register_commands = register_commands
    host = PluginHost()
    host.add(make_plugin())
    host.add(plugin)
    assert sorted(command.name for _, command in host.commands()) == ["turn", "x"]


def test_a_broken_entry_point_is_reported_not_raised(monkeypatch, capsys, tmp_path):
    broken = EntryPoint("broken", "no_such_module_anywhere", host_module.GROUP)
    monkeypatch.setattr(host_module, "entry_points", lambda group: [broken])
    assert main(["plugins", "--json", "--data", str(tmp_path)]) == 0
    listed = {record["name"]: record for record in json.loads(capsys.readouterr().out)}
    assert not listed["broken"]["enabled"]
    assert "ModuleNotFoundError" in listed["broken"]["error"]


LOOSE = """
from kusanone_tui import hookimpl
from kusanone_tui.plugin_types import StageType

__version__ = "0.2"

@hookimpl
def register_stage_types(register):
    register(StageType("origami", {"ja": "おりがみ"}))
"""


def test_a_loose_file_plugin_from_a_plugins_dir(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "origami.py").write_text(LOOSE, "utf-8")
    (folder / "broken.py").write_text("import nothing_here_at_all\n", "utf-8")
    template = tmp_path / "t.toml"
    template.write_text(
        '[template]\nid = "o"\ntitle = "折り紙"\n[[stages]]\nid = "a"\ntype = "origami"\n'
        'title = "おりがみ"\nminutes = 10\n',
        "utf-8",
    )
    data = str(tmp_path / "store")
    assert main(["check", str(template), "--data", data]) == 2  # unknown without the plugin
    capsys.readouterr()
    assert main(["check", str(template), "--data", data, "--plugins-dir", str(folder)]) == 0
    capsys.readouterr()
    assert main(["plugins", "--json", "--data", data, "--plugins-dir", str(folder)]) == 0
    listed = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["origami"]["source"] == "file" and listed["origami"]["version"] == "0.2"
    assert listed["origami"]["hooks"] == ["register_stage_types"]
    assert not listed["broken"]["enabled"] and "nothing_here_at_all" in listed["broken"]["error"]


def test_the_store_plugins_folder_and_settings(tmp_path):
    store = tmp_path / "store"
    (store / "plugins").mkdir(parents=True)
    (store / "plugins" / "origami.py").write_text(LOOSE, "utf-8")
    (store / "plugins.toml").write_text('[origami]\ncolour = "あお"\n', "utf-8")
    from kusanone_tui.tui.app import load_plugin_settings

    host = PluginHost.discover([store / "plugins"], use_entry_points=False)
    log = SessionStore(store).create(load("teireikai"))
    host.bind(log, settings=load_plugin_settings(store))
    assert host.apis["origami"].settings == {"colour": "あお"}
    assert "origami" in host.stage_types()


def test_the_built_in_plugin_is_listed(capsys, tmp_path):
    assert main(["plugins", "--json", "--data", str(tmp_path)]) == 0
    listed = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["hitokoto"]["source"] == "built-in" and listed["hitokoto"]["enabled"]


def test_the_scaffold_passes_its_own_test(tmp_path):
    assert main(["plugin", "new", "tanuki", "--dir", str(tmp_path)]) == 0
    folder = tmp_path / "kusanone-tanuki"
    assert (folder / "pyproject.toml").read_text("utf-8").count('tanuki = "kusanone_tanuki"')
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout
    # and it is a real plugin: its template checks with the plugin loaded from its folder
    assert main(["plugin", "new", "tanuki", "--dir", str(tmp_path)]) == 2  # not overwritten
    assert main(["plugin", "new", "Bad Name", "--dir", str(tmp_path)]) == 2


def test_minutes_sections_and_report_figures_are_collected_in_isolation():
    from kusanone_tui.plugin_types import MinutesSection, ReportFigure

    good = types.ModuleType("kusanone_good")
    bad = types.ModuleType("kusanone_bad")

    @hookimpl
    def minutes_sections(register):
        register(MinutesSection("m", {"ja": "出演"}, lambda view: "## 出演"))

    @hookimpl
    def report_figures(register, api):
        register(ReportFigure("f", {"ja": "ゲーム会"}, lambda data: 3))

    @hookimpl
    def broken_sections(register):
        register("not a section")  # the wrong kind of thing is refused like an exception

    good.minutes_sections = minutes_sections
    good.report_figures = report_figures
    bad.minutes_sections = broken_sections
    host = PluginHost()
    host.add(good)
    host.add(bad)
    assert [(name, section.name) for name, section in host.minutes_sections()] == [("good", "m")]
    assert [figure.compute(None) for _, figure in host.report_figures()] == [3]
    assert not host.records["bad"].enabled and "MinutesSection" in host.records["bad"].error


def test_a_hook_that_is_not_in_the_contract_is_reported():
    odd = types.ModuleType("kusanone_odd")

    @hookimpl
    def register_everything(register):
        pass

    odd.register_everything = register_everything
    host = PluginHost()
    host.add(odd)
    assert not host.records["odd"].enabled and "register_everything" in host.records["odd"].error


CLI_PLUGIN = """
from kusanone_tui import hookimpl
from kusanone_tui.plugin_types import CliCommand

def configure(parser):
    parser.add_argument("word")

def run(args):
    if args.word == "bad":
        raise ValueError("not that word")
    if args.word == "crash":
        raise RuntimeError("inside the plugin")
    print("echo:" + args.word)
    return 0

@hookimpl
def register_cli_commands(register):
    register(CliCommand("echo", "say a word back", configure, run))
    register(CliCommand("sessions", "tries to replace a built-in", configure, run))
"""


def test_a_plugin_adds_a_cli_subcommand(tmp_path, capsys):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "echoer.py").write_text(CLI_PLUGIN, "utf-8")
    common = ["--plugins-dir", str(folder), "--data", str(tmp_path / "store")]
    assert main(["echo", "やあ", *common]) == 0
    assert capsys.readouterr().out.strip() == "echo:やあ"
    assert main(["echo", "bad", *common]) == 2
    assert capsys.readouterr().err.strip().endswith("not that word")
    assert main(["echo", "crash", *common]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "echoer" in err[0] and "inside the plugin" in err[0]
    assert main(["sessions", *common]) == 0  # the built-in still answers
    assert "echo" not in capsys.readouterr().out
