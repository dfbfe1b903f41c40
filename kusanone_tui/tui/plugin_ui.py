"""Where plugins meet the screen: their panels drawn, their commands run, their questions asked,
their failures listed. Kept out of the app class, which routes roles and follows the log.

Every call into a plugin goes through :meth:`PluginHost.guard`, so a plugin that raises is
switched off (and recorded in the session) while the meeting goes on.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ..i18n import pick, t
from ..model.state import MeetingState
from .base import Plain, literal_text

#: The worker group of plugins' long work (``api.run_in_background``).
BACKGROUND_GROUP = "plugin-background"


class BackgroundLine(Plain):
    """The quiet line while a plugin's long work runs: what, for how long, and Esc to stop."""

    DEFAULT_CSS = """
    BackgroundLine {
        dock: bottom;
        height: 1;
        margin-bottom: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..api import Asked, Background
    from ..plugin_host import PluginHost
    from ..plugin_index import Offer
    from ..plugin_types import Command, Panel, StageType


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
        self.plugins.on_background = self.run_plugin_background
        #: The plugin's long work running now: (plugin, job, started, its line) or None.
        self.background_job: tuple[str, Background, float, BackgroundLine] | None = None

    def gather_plugins(self) -> None:
        """What the imported plugins offer: their stage types, panels and commands."""
        self.stage_types = self.plugins.stage_types(load=False)
        self.panels = self.plugins.panels(load=False)
        self.commands = self.plugins.commands(load=False)

    def need_plugins(self, wanted: Callable[[Offer], bool]) -> None:
        """Import the pending plugins whose offer ``wanted`` accepts (``PluginHost.need``): a
        plugin is imported when its stage, panel or command is first needed."""
        if self.plugins.pending and self.plugins.need(wanted):
            self.gather_plugins()

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
        self.need_plugins(lambda offer: offer.draws(stage_type))
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
        self.need_plugins(lambda offer: offer.draws(view.stage_type))
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
        self.need_plugins(lambda offer: offer.commands_for(stage_type))
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

    # -- long work (api.run_in_background) --
    def run_plugin_background(self, name: str, job: Background) -> None:
        """Run a plugin's long work in a thread worker, with a quiet line and Escape to stop;
        its ``on_done`` runs here, on the app's thread, when it is done. One at a time."""
        if self.background_job is not None:
            job.finished = True  # never started: the one running goes on
            self.notify(t("background.busy"), timeout=3)
            return
        line = BackgroundLine()
        self.background_job = (name, job, time.monotonic(), line)
        self.screen.mount(line)
        self._show_background()
        self._background_timer = self.set_interval(0.25, self._show_background)

        def run() -> Any:
            from textual.worker import get_current_worker

            worker = get_current_worker()  # cancelled too when the app closes
            return job.work(job.progress, lambda: job.cancelled or worker.is_cancelled)

        self.run_worker(
            run,
            name=name,
            group=BACKGROUND_GROUP,
            thread=True,
            exit_on_error=False,
        )

    def _show_background(self) -> None:
        if self.background_job is None:
            return
        _, job, started, line = self.background_job
        label = job.label or t("background.working")
        if job.cancelled:
            line.update(t("background.stopping", label=label))
            return
        seconds = int(time.monotonic() - started)
        share = f" {round(job.fraction * 100)}%" if job.fraction is not None else ""
        line.update(t("background.running", label=label, seconds=seconds, share=share))

    def action_cancel_background(self) -> None:
        """Escape: stop the plugin's long work; nothing it would have written is written."""
        if self.background_job is not None:
            self.background_job[1].cancel()
            self._show_background()

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        worker = event.worker
        if worker.group != BACKGROUND_GROUP or self.background_job is None:
            return
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        name, job, _, line = self.background_job
        self.background_job = None
        self._background_timer.stop()
        line.remove()
        job.finished = True
        if event.state == WorkerState.ERROR and worker.error is not None:
            if self._alive(name):
                self.plugins.fail(name, worker.error, f"background {job.label}".strip())
            return
        if event.state == WorkerState.CANCELLED:
            return  # the app is closing
        if job.cancelled:
            self.notify(t("background.cancelled", label=job.label or t("background.working")),
                        timeout=3)
            return
        if self._alive(name):
            with self._one_action(job.label or name):
                self.plugins.guard(name, f"background {job.label}".strip(), job.on_done,
                                   worker.result)
            self.refresh_now()

    # -- the plugins screen --
    def action_plugins(self) -> None:
        """The plugins and what went wrong with them (F7): wall-safe unless private."""
        from .screens.plugins import PluginsScreen

        if self.role == "projector" or isinstance(self.screen, PluginsScreen):
            return
        if self.plugins.pending:  # every plugin is listed as it loads, with its error
            self.plugins.load_pending()
            self.gather_plugins()
        self.push_screen(PluginsScreen(self.plugins, self.session_log, self.wall_safe))
