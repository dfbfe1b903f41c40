"""docs/plugins.md cannot drift from the plugin contract: every hook, record and API member is
documented with its real signature, and the tutorial's plugin works as the page says."""

from __future__ import annotations

import dataclasses
import inspect
import re
import types
from pathlib import Path

import pytest
from rich.text import Text

from kusanone_tui import Actor, hooks, plugin_types
from kusanone_tui.api import MinutesView, PluginAPI, PublicView, ReportData
from kusanone_tui.model.state import MeetingState, Note, Participant
from kusanone_tui.model.views import projector_view
from kusanone_tui.plugin_host import PluginHost, registered
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load

PAGE = (Path(__file__).resolve().parent.parent / "docs" / "plugins.md").read_text("utf-8")
#: Every record a plugin can register, from the host's own list (a new one must be documented).
RECORDS = tuple(sorted({cls.__name__ for cls in registered().values()}))


def hook_specs() -> dict[str, types.FunctionType]:
    """The hookspecs: functions carrying pluggy's ``<project>_spec`` marker."""
    marker = hooks.PROJECT + "_spec"
    return {
        name: value
        for name, value in vars(hooks).items()
        if inspect.isfunction(value) and hasattr(value, marker)
    }


def expected_signature(name: str, function: types.FunctionType) -> str:
    """``def name(arg: Type, ...) -> None`` with the annotations as written in the source."""
    signature = str(inspect.signature(function, eval_str=False))
    return f"def {name}{signature}".replace("'", "").replace('"', "")


def part(heading: str) -> str:
    """The text of the ``## `` section whose heading contains ``heading``."""
    match = re.search(rf"^## [^\n]*{re.escape(heading)}[^\n]*\n(.*?)(?=^## |\Z)", PAGE, re.M | re.S)
    assert match, f"docs/plugins.md has no '## … {heading}' section"
    return match.group(1)


def sections(text: str) -> dict[str, str]:
    """``### `name` `` headings and the text under each."""
    found = re.findall(r"^### ([^\n]+)\n(.*?)(?=^### |\Z)", text, re.M | re.S)
    return {heading.strip(): body for heading, body in found}


def blocks(text: str, lang: str = "python") -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def test_every_hook_has_a_section_with_its_exact_signature() -> None:
    documented = sections(part("Hook reference"))
    specs = hook_specs()
    assert len(specs) >= 7
    for name, function in specs.items():
        heading = f"`{name}`"
        assert heading in documented, f"docs/plugins.md: add a '### `{name}`' section"
        lines = [
            line.strip() for block in blocks(documented[heading]) for line in block.splitlines()
        ]
        signatures = [line for line in lines if line.startswith(f"def {name}(")]
        assert signatures, f"docs/plugins.md: the '{name}' section shows no signature"
        expected = expected_signature(name, function)
        assert signatures[0] == expected, f"docs/plugins.md: the signature should be {expected}"


def test_no_section_documents_a_hook_that_does_not_exist() -> None:
    documented = sections(part("Hook reference"))
    stale = [
        heading
        for heading in documented
        if not (heading.startswith("`") and heading.strip("`") in hook_specs())
    ]
    assert not stale, f"docs/plugins.md documents hooks that do not exist: {stale}"


def test_every_public_member_of_the_plugin_api_is_documented() -> None:
    members = {name for name, _ in inspect.getmembers(PluginAPI) if not name.startswith("_")}
    members |= {name for name in vars(PluginAPI("example")) if not name.startswith("_")}
    assert {"append", "events", "notify", "state", "text", "now"} <= members
    missing = sorted(name for name in members if f"`api.{name}" not in PAGE)
    assert not missing, f"document these PluginAPI members in docs/plugins.md: {missing}"


def test_every_member_of_the_public_view_is_documented() -> None:
    members = {field.name for field in dataclasses.fields(PublicView)}
    members |= {name for name, _ in inspect.getmembers(PublicView) if not name.startswith("_")}
    missing = sorted(name for name in members if f"`view.{name}" not in PAGE)
    assert not missing, f"document these PublicView members in docs/plugins.md: {missing}"


def _members(cls: type) -> set[str]:
    """Fields, properties and public methods of a (data)class."""
    names = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    names |= {
        name
        for name, value in vars(cls).items()
        if not name.startswith("_") and (isinstance(value, property) or callable(value))
        and not isinstance(value, type)
    }
    return names


@pytest.mark.parametrize(
    ("cls", "prefix", "heading"),
    [
        (MinutesView, "view", "`MinutesSection`"),
        (ReportData, "data", "`ReportFigure`"),
    ],
)
def test_every_member_of_what_sections_and_figures_receive_is_documented(cls, prefix, heading):
    body = sections(part("Records"))[heading]
    missing = sorted(name for name in _members(cls) if f"`{prefix}.{name}" not in body)
    assert not missing, f"docs/plugins.md ({heading}): document {cls.__name__}'s {missing}"


@pytest.mark.parametrize(
    ("cls", "prefix", "heading"),
    [
        (MeetingState, "state", "`MeetingState`"),
        (Participant, "person", "`Participant`"),
        (Note, "note", "`Note`"),
    ],
)
def test_every_field_of_the_state_a_plugin_reads_is_documented(cls, prefix, heading):
    documented = sections(part("What a plugin receives"))
    (body,) = [text for title, text in documented.items() if title.startswith(heading)]
    missing = sorted(name for name in _members(cls) if f"`{prefix}.{name}" not in body)
    assert not missing, f"docs/plugins.md ({heading}): document {missing}"


def test_store_entries_and_fixtures_are_documented() -> None:
    from kusanone_tui.store.sessions import SessionInfo

    body = part("What a plugin receives")
    missing = [f"info.{name}" for name in _members(SessionInfo) if f"`info.{name}" not in body]
    assert not missing
    testing = (Path(__file__).resolve().parent.parent / "kusanone_tui" / "testing.py").read_text()
    fixtures = re.findall(r"@pytest.fixture\n    def (\w+)", testing)
    assert {"kusanone_store", "kusanone_session", "kusanone_pilot"} <= set(fixtures)
    helpers = ["screen_text", "wait_until", "FakeClock"]
    undocumented = [name for name in [*fixtures, *helpers] if f"`{name}" not in PAGE]
    assert not undocumented, f"docs/plugins.md: document {undocumented}"


def test_the_cli_parser_options_a_subcommand_inherits_are_documented() -> None:
    import argparse

    from kusanone_tui.cli import _common

    parser = argparse.ArgumentParser()
    _common(parser, top=False)
    inherited = [a.option_strings[0] for a in parser._actions if a.option_strings[0] != "-h"]
    body = sections(part("Records"))["`CliCommand`"]
    assert inherited and all(f"`{option}" in body for option in inherited), inherited


def _constructor(cls: type) -> str:
    parts = []
    for field in dataclasses.fields(cls):
        if field.default is not dataclasses.MISSING:
            parts.append(f"{field.name}={field.default!r}")
        elif field.default_factory is not dataclasses.MISSING:
            parts.append(f"{field.name}={field.default_factory()!r}")
        else:
            parts.append(field.name)
    return f"{cls.__name__}({', '.join(parts)})"


@pytest.mark.parametrize("name", RECORDS)
def test_every_record_is_documented_with_its_fields(name: str) -> None:
    cls = getattr(plugin_types, name)
    documented = sections(part("Records"))
    assert f"`{name}`" in documented, f"docs/plugins.md: add a '### `{name}`' record section"
    body = documented[f"`{name}`"]
    assert _constructor(cls) in body
    missing = [f.name for f in dataclasses.fields(cls) if f"`{f.name}`" not in body]
    assert not missing, f"docs/plugins.md: describe {name}'s fields {missing}"


def test_the_code_examples_are_python() -> None:
    for block in blocks(PAGE):
        lines = block.strip().splitlines()
        if len(lines) == 1 and re.match(r"^(def \w+\(.*\) -> None|[A-Z]\w*\(.*\))$", lines[0]):
            continue  # a signature, not a statement
        compile(block, "docs/plugins.md", "exec")


def _tutorial_plugin() -> types.ModuleType:
    source = next(b for b in blocks(part("Tutorial")) if b.startswith("# kyukei.py"))
    module = types.ModuleType("kyukei")
    exec(compile(source, "docs/plugins.md (kyukei.py)", "exec"), module.__dict__)
    return module


def test_the_tutorial_plugin_works_as_described(tmp_path: Path) -> None:
    kyukei = _tutorial_plugin()
    host = PluginHost(strict=True)
    host.add(kyukei, name="kyukei", source="file")
    assert host.records["kyukei"].hooks == ["register_commands", "register_panels"]
    log = SessionStore(tmp_path).create(load("teireikai"))
    host.bind(log)
    api = host.apis["kyukei"]
    ((_, command),) = host.commands()
    ((_, panel),) = host.panels()
    assert (command.key, command.stage_type, panel.stage_type) == ("y", "break", "break")

    stages = log.state().template.stages
    log.append(
        "stage.started",
        {"index": [s.type for s in stages].index("break")},
        actor=Actor("facilitator"),
    )
    room = projector_view(log.state(), api.now())
    assert panel.projector(api.public_view(room)) is None  # nothing before the timer starts

    command.run(api)
    (event,) = api.events()
    assert event.kind == "kyukei:started" and event.data["visibility"] == "public"
    assert event.data["minutes"] == 10 and api.notices == ["休憩 10 分"]
    room = projector_view(log.state(), api.now())
    shown = panel.projector(api.public_view(room))
    shown = shown.plain if isinstance(shown, Text) else str(shown)
    assert "に再開します" in shown
    assert "再開" in str(panel.facilitator(api, log.state()))


def test_the_tutorial_reads_its_settings(tmp_path: Path) -> None:
    host = PluginHost(strict=True)
    host.add(_tutorial_plugin(), name="kyukei", source="file")
    host.bind(SessionStore(tmp_path).create(load("teireikai")), {"kyukei": {"minutes": 15}})
    ((_, command),) = host.commands()
    command.run(host.apis["kyukei"])
    assert host.apis["kyukei"].events()[0].data["minutes"] == 15
