"""The plugin platform (issue 14): the import boundary of the built-in plugins, api.ask in the
core's dialog, api.label, api.ui_state, API versions, and failures that stay visible."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kusanone_tui import hookimpl
from kusanone_tui.api import API_VERSION, PluginAPI
from kusanone_tui.cli import main
from kusanone_tui.plugin_host import PluginHost, api_version_problem, session_failures
from kusanone_tui.plugin_types import Command
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import FakeClock, screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {
    "kusanone_tui.hooks",
    "kusanone_tui.api",
    "kusanone_tui.plugin_types",
    "kusanone_tui.testing",
}


def _imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module, tuple(a.name for a in node.names)))
    return found


def test_built_in_plugins_use_only_the_plugin_api() -> None:
    """Nothing under plugins/ imports kusanone_tui except hooks, api, plugin_types, testing
    (and ``hookimpl``, which the package re-exports from hooks)."""
    files = sorted((ROOT / "plugins").rglob("*.py"))
    assert len(files) >= 15
    wrong = []
    for path in files:
        for line, module, names in _imports(path):
            if module == "kusanone_tui":
                if set(names) - {"hookimpl"}:
                    wrong.append(f"{path.relative_to(ROOT)}:{line}: from {module} import {names}")
            elif module.startswith("kusanone_tui.") and module not in ALLOWED:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    assert wrong == []


def test_the_boundary_check_sees_a_reach_around(tmp_path: Path) -> None:
    sneaky = tmp_path / "p.py"
    sneaky.write_text("from kusanone_tui.model.views import participant_label\nimport os\n")
    assert [m for _, m, _ in _imports(sneaky)] == ["kusanone_tui.model.views", "os"]


# -- api.ask --


class Counter:
    """A plugin that asks the facilitator how many completed the evening (issue 14's story)."""

    PLUGIN_NAME = "counter"
    KUSANONE_API = ">=1.0,<2"

    @staticmethod
    def ask_count(api) -> None:
        def answered(value) -> None:
            api.append("completed", {"count": value}, visibility="minutes")
            api.notify(api.text({"ja": f"{value}人", "en": f"{value} people"}))

        api.ask(
            {"ja": "最後までいた人は何人？", "en": "How many stayed to the end?"},
            answered,
            kind="number",
            minimum=0,
            maximum=50,
        )

    @staticmethod
    def ask_mood(api) -> None:
        api.ask(
            "[b]Mood[/b]?",
            lambda v: api.append("mood", {"v": v}),
            kind="choice",
            choices=["calm", "[red]lively[/red]"],
        )

    @hookimpl
    def register_commands(self, register) -> None:
        register(Command("count", "Count", self.ask_count, key="j"))
        register(Command("mood", "Mood", self.ask_mood, key="y"))


def _app(tmp_path: Path, plugin: object) -> KusanoneApp:
    host = PluginHost(strict=False)
    host.add(plugin)
    log = SessionStore(tmp_path / "store").create(load("teireikai"), title="t")
    return KusanoneApp(log, plugins=host, clock=FakeClock())


async def test_a_command_asks_for_a_bounded_number_in_the_cores_dialog(tmp_path: Path) -> None:
    from kusanone_tui.tui.ask_dialog import AskDialog

    app = _app(tmp_path, Counter())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j")
        await wait_until(pilot, lambda: isinstance(app.screen, AskDialog))
        assert "最後までいた人は何人？" in screen_text(app)
        await pilot.press("9", "9", "enter")  # out of bounds: one calm line, the dialog stays
        await wait_until(pilot, lambda: "0〜50" in screen_text(app))
        assert isinstance(app.screen, AskDialog)
        await pilot.press("backspace", "backspace", "1", "2", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AskDialog))
        counted = [e for e in app.session_log.events() if e.kind == "counter:completed"]
        assert [e.data["count"] for e in counted] == [12]
        # the answer's writes are one undoable action, as a command's are
        assert counted[0].data.get("action")


async def test_a_choice_is_drawn_literally_and_escape_answers_nothing(tmp_path: Path) -> None:
    from kusanone_tui.tui.ask_dialog import AskDialog

    app = _app(tmp_path, Counter())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, AskDialog))
        text = screen_text(app)
        assert "[b]Mood[/b]?" in text and "[red]lively[/red]" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, AskDialog))
        assert not [e for e in app.session_log.events() if e.kind == "counter:mood"]
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, AskDialog))
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AskDialog))
        moods = [e.data["v"] for e in app.session_log.events() if e.kind == "counter:mood"]
        assert moods == ["[red]lively[/red]"]


def test_without_a_screen_questions_wait_and_are_checked(kusanone_session) -> None:
    api = PluginAPI("counter", kusanone_session)
    got = []
    api.ask("yes?", got.append, kind="yes_no")
    api.ask("n?", got.append, kind="number", minimum=1, maximum=3)
    api.ask("t?", got.append)
    yes, number, text = api.questions
    with pytest.raises(ValueError):
        number.answer("7")
    number.answer("２")  # full-width digits, as a Japanese keyboard types them
    yes.answer(True)
    text.answer("  hi\x1b[31m  ")
    assert got[:2] == [2, True]
    assert got[2].startswith("hi") and "\x1b" not in got[2]  # people's text is data
    with pytest.raises(ValueError):
        api.ask("?", got.append, kind="choice")
    with pytest.raises(ValueError):
        api.ask("?", got.append, kind="colour")


# -- api.label and ui_state --


def test_label_gives_each_audience_what_it_may_see(kusanone_session) -> None:
    from kusanone_tui.meeting import Meeting

    meeting = Meeting(kusanone_session)
    shy = meeting.join("ひみつ", show_name=False)
    named = meeting.join("みどり", show_name=True, minutes_name=True)
    api = PluginAPI("p", kusanone_session)
    assert api.label(named) == "みどり" and api.label(named, "minutes") == "みどり"
    assert api.label(shy) != "ひみつ" and api.label(shy, "minutes") != "ひみつ"
    assert api.label(shy, "private") != "ひみつ"  # wall-safe by default: the room's label
    api.wall_safe = False
    assert api.label(shy, "private") == "ひみつ"
    assert api.label(api.state().participants[shy], "private") == "ひみつ"
    assert api.label("nobody") == "?"
    with pytest.raises(ValueError):
        api.label(shy, "everyone")


def test_ui_state_outlives_a_rebind(kusanone_session) -> None:
    host = PluginHost(strict=True)
    host.add(Counter())
    host.bind(kusanone_session)
    host.apis["counter"].ui_state["row"] = 3
    host.bind(kusanone_session)
    assert host.apis["counter"].ui_state == {"row": 3}


# -- API versions --


def test_version_ranges() -> None:
    major = int(API_VERSION.split(".")[0])
    for ok in (None, f">={major}.0,<{major + 1}", str(major), f"=={major}.*", f"~={major}.0"):
        assert api_version_problem(ok) is None, ok
    for bad in (f">={major + 1}", f"<{major}", "banana"):
        assert api_version_problem(bad), bad


def test_a_plugin_needing_another_api_is_listed_and_skipped() -> None:
    class Future:
        PLUGIN_NAME = "future"
        KUSANONE_API = ">=99"

        @hookimpl
        def register_commands(self, register) -> None:
            raise AssertionError("never called")

    host = PluginHost(strict=True)  # even strict: a mismatch is reported, not raised
    host.add(Future())
    record = host.records["future"]
    assert not record.enabled and ">=99" in record.error and API_VERSION in record.error
    assert host.commands() == []


# -- failures that stay visible --


class Raiser:
    PLUGIN_NAME = "raiser"

    @staticmethod
    def boom(api) -> None:
        {}["missing"]  # the bug under test

    @hookimpl
    def register_commands(self, register) -> None:
        register(Command("boom", "Boom", self.boom, key="j"))


async def test_a_raising_command_is_recorded_and_listed(tmp_path: Path, capsys) -> None:
    app = _app(tmp_path, Raiser())
    log = app.session_log
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j")
        await wait_until(pilot, lambda: not app.plugins.records["raiser"].enabled)
        await pilot.press("f7")
        await wait_until(pilot, lambda: "raiser" in screen_text(app))
        shown = screen_text(app)
        assert "command boom" in shown and "test_plugin_platform.py" in shown
        assert "'missing'" not in shown  # the wall gets the place, not the error's words
    failures = session_failures(log)["raiser"]
    assert failures[0]["hook"] == "command boom"
    assert failures[0]["error"].startswith("KeyError")
    assert failures[0]["location"].startswith(__file__)
    recorded = [e for e in log.events() if e.kind == "plugin.failed"]
    assert recorded[0].data["visibility"] == "private"
    assert "action" not in recorded[0].data  # ctrl+z never takes a failure back
    # Another terminal: the session's failure is listed, and the plugin is off there.
    capsys.readouterr()
    root = str(tmp_path / "store")
    code = main(["--data", root, "plugins", "--session", log.session_id, "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert code == 0
    # (raiser is not installed, so it is not among the records; the built-ins are)
    assert all(row["session_failures"] == [] for row in listed)


def test_kusanone_plugins_session_lists_a_loose_files_failure(tmp_path: Path) -> None:
    folder = tmp_path / "plugs"
    folder.mkdir(mode=0o700)
    (folder / "bad.py").write_text(
        "from kusanone_tui import hookimpl\n"
        "from kusanone_tui.plugin_types import Command\n"
        "def boom(api):\n"
        "    raise RuntimeError('nope')\n"
        "@hookimpl\n"
        "def register_commands(register):\n"
        "    register(Command('boom', 'Boom', boom))\n"
    )
    (folder / "bad.py").chmod(0o600)
    root = tmp_path / "store"
    log = SessionStore(root).create(load("teireikai"), title="t")
    host = PluginHost.discover([folder], use_entry_points=False)
    host.bind(log)
    command = dict(host.commands())["bad"]
    host.guard("bad", "command boom", command.run, host.apis["bad"])
    env_run = [
        sys.executable,
        "-m",
        "kusanone_tui",
        "--data",
        str(root),
        "--plugins-dir",
        str(folder),
        "plugins",
        "--session",
        log.session_id,
    ]
    out = subprocess.run(env_run, capture_output=True, text=True, env=_env(), check=True).stdout
    assert "bad" in out and "command boom" in out and "bad.py:4" in out
    rows = json.loads(
        subprocess.run(
            [*env_run, "--json"], capture_output=True, text=True, env=_env(), check=True
        ).stdout
    )
    (bad,) = [row for row in rows if row["name"] == "bad"]
    assert bad["enabled"] is False and bad["session_failures"][0]["hook"] == "command boom"


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "KUSANONE_LANG": "en"}


def test_a_load_error_names_the_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "plugs"
    folder.mkdir(mode=0o700)
    (folder / "typo.py").write_text(
        "from kusanone_tui import hookimpl\n\n\n"
        "@hookimpl\ndef register_panel(register):\n    pass\n"
    )
    (folder / "syntax.py").write_text("x = 1\ndef (:\n")
    (folder / "args.py").write_text(
        "from kusanone_tui import hookimpl\n\n@hookimpl\ndef register_panels(register, nope):\n"
        "    pass\n"
    )
    for path in folder.iterdir():
        path.chmod(0o600)
    host = PluginHost.discover([folder], use_entry_points=False)
    assert f"{folder / 'typo.py'}:4" in host.records["typo"].error or (
        f"{folder / 'typo.py'}:5" in host.records["typo"].error
    )
    assert f"{folder / 'syntax.py'}:2" in host.records["syntax"].error
    assert "nope" in host.records["args"].error
    assert f"{folder / 'args.py'}:" in host.records["args"].error


# -- the "done when": a volunteer's plugin from docs/plugins.md alone --

VOLUNTEER = '''
"""ペア: pairs the people present, asks how many completed the evening, and reports it."""
import random

from kusanone_tui import hookimpl
from kusanone_tui.api import open_api
from kusanone_tui.plugin_types import CliCommand, Command, MinutesSection, Panel, ReportFigure

KUSANONE_API = ">=1.0,<2"


def make_pairs(api):
    people = [person.id for person in api.state().present]
    random.shuffle(people)
    pairs = [people[i : i + 2] for i in range(0, len(people), 2)]
    api.append("paired", {"pairs": pairs}, visibility="public")


def ask_completed(api):
    def answered(number):
        api.append("completed", {"count": number}, visibility="minutes")

    api.ask({"ja": "最後までいた人は何人？", "en": "How many completed?"}, answered,
            kind="number", minimum=0, maximum=50)


def panel(api, state):
    paired = [e for e in api.events() if e.kind.endswith(":paired")]
    if not paired:
        return "p でペア"
    return " / ".join("・".join(api.label(pid, "room") for pid in pair)
                      for pair in paired[-1].data["pairs"])


def projector(view):
    paired = [e for e in view.events if e.kind.endswith(":paired")]
    if not paired:
        return None
    return " / ".join("・".join(view.room.labels.get(pid, "?") for pid in pair)
                      for pair in paired[-1].data["pairs"])


def render(view):
    counts = [e.data["count"] for e in view.events if e.kind.endswith(":completed")]
    return f"- 最後までいた人: {counts[-1]}人" if counts else ""


def completed(data):
    total = 0
    for events in data.plugin_events.values():
        counts = [e.data["count"] for e in events if e.kind.endswith(":completed")]
        total += counts[-1] if counts else 0
    return total


def configure(parser):
    parser.add_argument("session")
    parser.add_argument("count", type=int)


def run(args):
    with open_api("pair", args.session, getattr(args, "data", None)) as api:
        api.append("completed", {"count": args.count}, visibility="minutes")
        print(len(api.state().present))
    return 0


@hookimpl
def register_commands(register):
    register(Command("pairs", "ペア", make_pairs, key="j"))
    register(Command("completed", "修了", ask_completed, key="y"))


@hookimpl
def register_panels(register):
    register(Panel("pairs", "ペア", facilitator=panel, projector=projector))


@hookimpl
def minutes_sections(register):
    register(MinutesSection("completed", "修了", render))


@hookimpl
def report_figures(register):
    register(ReportFigure("completed", "修了した人", completed))


@hookimpl
def register_cli_commands(register):
    register(CliCommand("pair", "record how many completed", configure, run))
'''


async def test_a_volunteers_plugin_from_the_docs_alone(tmp_path: Path, capsys) -> None:
    """Pairs the people present, asks for a number, adds a minutes section, a report figure
    and a CLI subcommand, with only what docs/plugins.md documents."""
    from kusanone_tui.meeting import Meeting
    from kusanone_tui.tui.ask_dialog import AskDialog

    folder = tmp_path / "plugs"
    folder.mkdir(mode=0o700)
    (folder / "pair.py").write_text(VOLUNTEER, "utf-8")
    (folder / "pair.py").chmod(0o600)
    root = tmp_path / "store"
    log = SessionStore(root).create(load("teireikai"), title="講座")
    meeting = Meeting(log)
    for name in ("みどり", "はると", "ゆき"):
        meeting.join(name)
    meeting.join("ひみつ", show_name=False)
    host = PluginHost.discover([folder], use_entry_points=False, strict=True)
    assert host.records["pair"].enabled, host.records["pair"].error
    app = KusanoneApp(log, plugins=host, clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, app.shows_latest)
        await pilot.press("j")
        await wait_until(pilot, lambda: "・" in screen_text(app) and "みどり" in screen_text(app))
        assert "ひみつ" not in screen_text(app)  # the wall: the room's label
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, AskDialog))
        await pilot.press("1", "2", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AskDialog))
    events = [e for e in log.events() if e.kind.startswith("pair:")]
    (paired,) = [e for e in events if e.kind == "pair:paired"]
    assert sorted(pid for pair in paired.data["pairs"] for pid in pair) == sorted(
        log.state().participants
    )
    assert [e.data["count"] for e in events if e.kind == "pair:completed"] == [12]
    capsys.readouterr()
    flags = ["--data", str(root), "--plugins-dir", str(folder)]
    assert main(["export", log.session_id, "--format", "md", *flags]) == 0
    assert "最後までいた人: 12人" in capsys.readouterr().out
    assert main(["pair", log.session_id, "14", *flags]) == 0
    assert capsys.readouterr().out.strip() == "4"
    assert main(["report", "--format", "json", *flags]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"title": "修了した人", "value": 14} in report["plugins"]


def test_no_test_waits_a_fixed_time() -> None:
    """Tests wait for what they assert (``kusanone_tui.testing.wait_until``), never for a fixed
    time: a fixed pause passes on a fast machine whether or not the screen changed."""
    fixed = re.compile(r"\.pause\(\s*[0-9.]+\s*\)")
    found = [
        f"{path.name}:{number}"
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if fixed.search(line)
    ]
    assert found == [], "use wait_until instead of a fixed pause"
