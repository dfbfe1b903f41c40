"""Installed plugins are found from their metadata and imported only when first needed
(issue 17: start-up): commands that never use plugins import none, a template, a stage or a
subcommand imports its own plugin, and a broken plugin is still listed and never ends a meeting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from kusanone_tui import plugin_host as host_module
from kusanone_tui import plugin_index
from kusanone_tui.cli import main
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp

SIZE = (120, 36)
BUILT_IN = ("kusanone_games", "kusanone_hitokoto", "kusanone_openmic")

#: Runs the kusanone command in a fresh interpreter and says which plugin modules it imported.
PROBE = (
    """
import json, sys
from kusanone_tui.entry import main
try:
    code = main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(BUILT_IN))
sys.stderr.write("\\nLOADED=" + json.dumps(loaded) + "\\n")
raise SystemExit(code)
"""
).replace("BUILT_IN", repr(BUILT_IN), 1)


def kusanone(tmp_path: Path, *args: str) -> tuple[int, str, list[str]]:
    """``kusanone ARGS`` as a user runs it (own process, own store and cache): exit status,
    output (stdout, then stderr), and the plugin packages it imported."""
    env = {
        **os.environ,
        "KUSANONE_DATA": str(tmp_path / "store"),
        "KUSANONE_CACHE": str(tmp_path / "cache"),
    }
    env.pop("KUSANONE_PLUGINS", None)
    env.pop("KUSANONE_DISABLE_PLUGINS", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=60
    )
    errors, found = done.stderr.rsplit("LOADED=", 1)
    return done.returncode, done.stdout + errors, json.loads(found)


@pytest.fixture
def warm(tmp_path: Path) -> Path:
    """A store and a cache where ``kusanone plugins`` ran once (it imports every plugin, and the
    index remembers what each offers)."""
    code, out, loaded = kusanone(tmp_path, "plugins")
    assert code == 0 and list(loaded) == list(BUILT_IN)
    assert all(name in out for name in ("games", "hitokoto", "openmic"))
    return tmp_path


def test_commands_that_need_no_plugin_import_none(warm: Path) -> None:
    code, out, loaded = kusanone(warm, "--help")
    assert code == 0 and loaded == []
    assert "games" in out and "openmic" in out  # their subcommands are listed all the same
    code, out, loaded = kusanone(warm, "--version")
    assert code == 0 and loaded == []
    code, out, loaded = kusanone(warm, "new", "teireikai")
    assert code == 0 and loaded == []  # a built-in template no plugin replaces
    session = out.split()[-1] if out else ""
    code, out, loaded = kusanone(warm, "sessions")
    assert code == 0 and loaded == [] and session[:8] in out
    code, out, loaded = kusanone(warm, "sessions", "--json")
    ref = json.loads(out.strip().splitlines()[0] if out.startswith("[]") else out)[0]["id"]
    code, out, loaded = kusanone(warm, "export", ref, "--format", "json")
    assert code == 0 and loaded == [] and json.loads(out)["session"] == ref


def test_sessions_and_json_export_import_no_plugin_even_without_the_index(tmp_path: Path) -> None:
    code, out, loaded = kusanone(tmp_path, "sessions", "--json")
    assert code == 0 and loaded == [] and json.loads(out) == []


def test_a_subcommand_or_a_template_imports_its_own_plugin(warm: Path) -> None:
    code, _, loaded = kusanone(warm, "openmic", "--help")
    assert code == 0 and loaded == ["kusanone_openmic"]
    code, _, loaded = kusanone(warm, "new", "hitokoto_kai")
    assert code == 0 and loaded == ["kusanone_hitokoto"]


def test_an_unknown_command_still_lists_every_command(warm: Path) -> None:
    code, out, _ = kusanone(warm, "no_such_command")
    assert code == 2 and "'games'" in out and "'openmic'" in out  # argparse's choices


def test_an_edited_plugin_is_imported_at_once_again(tmp_path: Path) -> None:
    package = tmp_path / "mods" / "kusanone_lazy_probe"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("X = 1\n", "utf-8")
    stamp = plugin_index.stamp("kusanone_lazy_probe", "probe", "1.0")
    assert plugin_index.stamp("kusanone_lazy_probe", "probe", "1.1") != stamp  # an upgrade
    index = plugin_index.Index(tmp_path / "index.json")
    index.put("probe", stamp, plugin_index.Offer(hooks=("on_event",)), str(package))
    assert plugin_index.read_index(tmp_path / "index.json").get("probe", stamp) is not None
    assert plugin_index.read_index(tmp_path / "index.json").get("probe", "other") is None
    later = time.time() + 5
    os.utime(package / "__init__.py", (later, later))  # edited in a checkout
    assert plugin_index.read_index(tmp_path / "index.json").get("probe", stamp) is None


def lazy_host(tmp_path: Path, monkeypatch) -> PluginHost:
    monkeypatch.setenv("KUSANONE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("KUSANONE_PLUGINS", raising=False)
    monkeypatch.delenv("KUSANONE_DISABLE_PLUGINS", raising=False)
    PluginHost.discover(lazy=True)  # the first one imports them all, and remembers them
    return PluginHost.discover(lazy=True)


async def test_a_meeting_imports_a_plugin_when_its_stage_or_an_event_needs_it(
    tmp_path: Path, monkeypatch, clock
) -> None:
    host = lazy_host(tmp_path, monkeypatch)
    assert set(host.pending) == {"games", "hitokoto", "openmic"} and not host.records
    log = SessionStore(tmp_path / "s").create(load("teireikai"), clock=clock)
    app = KusanoneApp(log, clock=clock, plugins=host)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "はじめに" in screen_text(app)
        assert set(host.pending) == {"games", "hitokoto", "openmic"}  # nothing of theirs shown
        await pilot.press("n")
        await wait_until(pilot, lambda: "openmic" in host.records)  # an observer: an event
        assert {"games", "hitokoto"} <= set(host.pending)

    host = lazy_host(tmp_path, monkeypatch)
    log = SessionStore(tmp_path / "s").create(load("hitokoto_kai"), clock=clock)
    app = KusanoneApp(log, clock=clock, plugins=host)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert host.records["hitokoto"].enabled  # its stage is in this meeting: its keys bound
        assert "hitokoto" in app.stage_types and "games" in host.pending
        await pilot.press("f7")  # the plugins screen lists every plugin: all imported now
        await pilot.pause()
        assert not host.pending and {"games", "hitokoto", "openmic"} <= set(host.records)


async def test_a_broken_installed_plugin_is_listed_and_the_meeting_goes_on(
    tmp_path: Path, monkeypatch, capsys, clock
) -> None:
    broken = EntryPoint("broken", "no_such_module_anywhere", host_module.GROUP)
    real = host_module.entry_points
    monkeypatch.setattr(host_module, "entry_points", lambda group: [broken, *real(group)])
    host = lazy_host(tmp_path, monkeypatch)
    assert not host.records["broken"].enabled  # unknown to the index: tried at once, failed
    assert "ModuleNotFoundError" in (host.records["broken"].error or "")
    log = SessionStore(tmp_path / "s").create(load("teireikai"), clock=clock)
    app = KusanoneApp(log, clock=clock, plugins=host)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_until(pilot, lambda: log.state().stage is not None)  # the meeting goes on
    assert main(["plugins", "--json", "--data", str(tmp_path / "store")]) == 0
    listed = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert not listed["broken"]["enabled"] and "ModuleNotFoundError" in listed["broken"]["error"]
    assert listed["games"]["enabled"] and listed["games"]["origin"] == "entry point"
