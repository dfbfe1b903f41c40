"""Where plugins meet the screen: their panels drawn, their commands run, their questions asked,
their failures listed. Kept out of the app class, which routes roles and follows the log.

Every call into a plugin goes through :meth:`PluginHost.guard`, so a plugin that raises is
switched off (and recorded in the session) while the meeting goes on.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ..api import Asked
from ..i18n import pick, t
from ..model.state import MeetingState
from ..plugin_types import Command
from .base import literal_text

if TYPE_CHECKING:
    from ..plugin_host import PluginHost
    from ..plugin_types import Panel, StageType


class PluginUIMixin:
    """Mixed into :class:`KusanoneApp`; expects ``plugins``, ``meeting``, ``session_log``,
    ``role``, ``wall_safe``, ``screen``, ``notify``, ``push_screen`` and ``refresh_now``."""

    plugins: PluginHost
    stage_types: dict[str, tuple[str, StageType]]
    panels: list[tuple[str, Panel]]
    commands: list[tuple[str, Command]]

    def connect_plugins(self) -> None:
        """Hook the host's notices, failures and questions to this app."""
        self.plugins.on_notice = lambda message: self.notify(message, timeout=4)
        self.plugins.on_failure = self._plugin_failed
        self.plugins.on_write_failed = self.write_failed
        self.plugins.on_ask = self.ask_for_plugin

    def _plugin_failed(self, name: str, detail: str) -> None:
        self.notify(t("plugins.failed", name=name, detail=detail), severity="warning", timeout=10)

    def _alive(self, name: str) -> bool:
        record = self.plugins.records.get(name)
        return record is not None and record.enabled

    # -- drawing --
    def plugin_facilitator_text(self, state: MeetingState) -> Text | None:
        """The running plugin stage's panel and the plugins' facilitator panels, drawn from
        ``state`` as the screen shows it (:meth:`shown_state`: wall-safe unless private)."""
        stage_type = state.stage.type if state.stage else None
        parts: list[tuple[str, str, object]] = []
        if stage_type in self.stage_types:
            name, kind = self.stage_types[stage_type]
            if kind.panel is not None:
                parts.append((name, f"{kind.name} panel", kind.panel))
        for name, panel in self.panels:
            if panel.facilitator is not None and panel.stage_type in (None, stage_type):
                parts.append((name, f"panel {panel.name}", panel.facilitator))
        drawn = []
        for name, where, draw in parts:
            if self._alive(name) and name in self.plugins.apis:
                api = self.plugins.apis[name]
                api.wall_safe = self.wall_safe  # it is told so
                drawn.append(self.plugins.guard(name, where, draw, api, state))
        return self._join(drawn)

    def plugin_projector_text(self, view) -> Text | None:
        """The same for the projector, drawn from public data only."""
        parts: list[tuple[str, str, object]] = []
        if view.stage_type in self.stage_types:
            name, kind = self.stage_types[view.stage_type]
            if kind.projector is not None:
                parts.append((name, f"{kind.name} projector", kind.projector))
        for name, panel in self.panels:
            if panel.projector is not None and panel.stage_type in (None, view.stage_type):
                parts.append((name, f"panel {panel.name}", panel.projector))
        drawn = []
        for name, where, draw in parts:
            if self._alive(name) and name in self.plugins.apis:
                public = self.plugins.apis[name].public_view(view)
                drawn.append(self.plugins.guard(name, where, draw, public))
        return self._join(drawn)

    @staticmethod
    def _join(parts: list[object]) -> Text | None:
        out = Text()
        for part in parts:
            if part is None or part == "":
                continue
            if out:
                out.append("\n\n")
            out.append(literal_text(part))
        return out or None

    # -- commands --
    def plugin_commands_here(self) -> list[tuple[str, Command]]:
        stage = self.meeting.state.stage if self.meeting else None
        stage_type = stage.type if stage else None
        return [
            (name, command)
            for name, command in self.commands
            if self._alive(name) and command.stage_type in (None, stage_type)
        ]

    def plugin_command_offered(self, ref: object) -> bool:
        """Whether ``"plugin.command"`` is offered at this stage (for ``check_action``)."""
        return ref in {f"{name}.{command.name}" for name, command in self.plugin_commands_here()}

    def _one_action(self, label: str):
        """What a plugin writes now is one undoable action: ctrl+z takes all of it back."""
        log = self.session_log
        screen_meeting = getattr(self.screen, "meeting", None)
        by = screen_meeting.actor.role if screen_meeting is not None else "facilitator"
        return log.action(by, label) if log else contextlib.nullcontext()

    def action_plugin_command(self, ref: str) -> None:
        """Run a plugin's command (``"plugin.command"``) if it fits the stage at hand."""
        for name, command in self.plugin_commands_here():
            if f"{name}.{command.name}" == ref:
                with self._one_action(pick(command.title)):
                    self.plugins.guard(
                        name, f"command {command.name}", command.run, self.plugins.apis[name]
                    )
                self.refresh_now()
                return

    def plugin_bindings(self) -> list[tuple[str, str, str]]:
        """(key, action, description) for plugin commands that asked for a key."""
        return [
            (command.key, f"app.plugin_command('{name}.{command.name}')", pick(command.title))
            for name, command in self.commands
            if command.key
        ]

    # -- questions (api.ask) --
    def ask_for_plugin(self, name: str, asked: Asked) -> None:
        """Put a plugin's question to the facilitator in the core's dialog. A projector-only
        window asks nothing: the question waits in ``api.questions`` there."""
        if self.role == "projector" or not self._alive(name):
            api = self.plugins.apis.get(name)
            if api is not None:
                api.questions.append(asked)
            return
        from .ask_dialog import AskDialog

        def answered(result: tuple[Any] | None) -> None:
            if result is None or not self._alive(name):
                return
            with self._one_action(asked.question.prompt[:60]):
                self.plugins.answer(name, asked, result[0])
            self.refresh_now()

        self.push_screen(AskDialog(asked.question, name), answered)

    # -- the plugins screen --
    def action_plugins(self) -> None:
        """The plugins and what went wrong with them (F7): wall-safe unless private."""
        from .screens.plugins import PluginsScreen

        if self.role == "projector" or isinstance(self.screen, PluginsScreen):
            return
        self.push_screen(PluginsScreen(self.plugins, self.session_log, self.wall_safe))
