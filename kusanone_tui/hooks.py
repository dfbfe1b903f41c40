"""The plugin contract: every hook a kusanone plugin may implement, in one place.

A plugin is a module (one file is enough) with functions marked ``@hookimpl`` whose names are
the hooks below. A hook receives only the arguments it names, in any order, so a hook that gains
an argument later does not break an older plugin. Contributions go through ``register``
callbacks, so a plugin may add none, one or many of a thing.

See ``docs/plugins.md`` for a tutorial and an example of each hook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .api import PluginAPI
    from .model.events import Event
    from .plugin_types import (
        CliCommand,
        Command,
        MinutesSection,
        Panel,
        ReportFigure,
        StageType,
        TemplateSource,
    )

PROJECT = "kusanone_tui"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_stage_types(register: Callable[[StageType], None], api: PluginAPI) -> None:
    """Add stage types that templates can use, each with its facilitator panel and its
    projector rendering: ``register(StageType("hitokoto", {"ja": "ひとことカード"}, ...))``."""


@hookspec
def register_panels(register: Callable[[Panel], None], api: PluginAPI) -> None:
    """Add panels to the facilitator's screen and, drawn only from public data, the projector:
    ``register(Panel("clock", {"ja": "時計"}, facilitator=draw))``."""


@hookspec
def register_commands(register: Callable[[Command], None], api: PluginAPI) -> None:
    """Add commands to the command palette, optionally with a key on the facilitator's screen:
    ``register(Command("draw", {"ja": "カードを引く"}, run, key="d", stage_type="hitokoto"))``."""


@hookspec
def register_templates(register: Callable[[TemplateSource], None]) -> None:
    """Add meeting templates (TOML text or a file): ``register(TemplateSource("kai", text))``."""


@hookspec
def minutes_sections(register: Callable[[MinutesSection], None], api: PluginAPI) -> None:
    """Add sections to a session's minutes, written from the minutes' view (no private data):
    ``register(MinutesSection("openmic", {"ja": "出演"}, render))``."""


@hookspec
def report_figures(register: Callable[[ReportFigure], None], api: PluginAPI) -> None:
    """Add figures to the community report (counts of what the platform grew):
    ``register(ReportFigure("games", {"ja": "ゲーム会"}, compute))``."""


@hookspec
def register_cli_commands(register: Callable[[CliCommand], None]) -> None:
    """Add a subcommand to the ``kusanone`` command line, for work before or after a meeting:
    ``register(CliCommand("games", "plan game tables", configure, run))``."""


@hookspec
def on_event(event: Event, api: PluginAPI) -> None:
    """Observe each new event of the session as it lands (from any process). Keep it quick;
    every process showing the session calls it, so do not write an event for every event."""
