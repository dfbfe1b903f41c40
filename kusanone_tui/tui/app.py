"""The kusanone Textual app.

One app per terminal, in one role: facilitator (with the note-taker's screen a key away),
note-taker, or projector. Each follows the session file, so several apps, in several processes,
show the same meeting: the app looks at the file every tenth of a second (one ``stat``) and
re-renders only when something changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.theme import Theme

from ..i18n import pick, t
from ..meeting import Meeting
from ..model.state import MeetingState
from ..model.text import clean_text
from ..model.views import projector_view
from ..plugin_host import PluginHost
from ..plugin_types import Command, Panel, StageType
from ..store.drafts import Draft
from ..store.registry import Registry
from ..store.session import SessionLog
from ..store.sessions import COMMUNITY_FILE, SessionStore
from .base import anonymous, literal_text, translate_bindings
from .screens.facilitator import FacilitatorScreen

# Other screens and dialogs are imported when first used: start-up stays close to a bare app.

ROLES = ("facilitator", "notes", "projector")


def load_plugin_settings(store: Path) -> dict:
    """Each plugin's own settings: its table in ``plugins.toml`` in the store folder."""
    import tomllib

    try:
        raw = tomllib.loads((store / "plugins.toml").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {name: table for name, table in raw.items() if isinstance(table, dict)}


POLL_SECONDS = 0.1

CALM = Theme(
    name="kusanone-calm",
    primary="#7fb7be",
    secondary="#b8c4a8",
    accent="#d9c58b",
    warning="#d9b26f",
    error="#c98a8a",
    success="#9cc59a",
    foreground="#f2efe6",
    background="#14202b",
    surface="#1b2a37",
    panel="#223443",
    dark=True,
)


class KusanoneApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses may live elsewhere
    BINDINGS = [
        Binding("question_mark", "help", "keys.help"),
        Binding("f4", "minutes", "keys.minutes"),
        Binding("ctrl+q", "quit", "keys.quit"),
    ]

    def __init__(
        self,
        log: SessionLog | None = None,
        role: str = "facilitator",
        store: SessionStore | None = None,
        clock: Callable[[], float] = time.time,
        poll_seconds: float = POLL_SECONDS,
        plugins: PluginHost | None = None,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.session_log = log
        self.role = role if role in ROLES else "facilitator"
        self.store = store
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.meeting: Meeting | None = None
        self._signature: tuple | None = None
        self._second = -1
        self._screens: dict[str, Screen] = {}
        self.plugins = plugins or PluginHost()
        self.plugins.on_notice = lambda message: self.notify(message, timeout=4)
        self.plugins.on_failure = self._plugin_failed
        self.stage_types: dict[str, tuple[str, StageType]] = {}
        self.panels: list[tuple[str, Panel]] = []
        self.commands: list[tuple[str, Command]] = []

    def now(self) -> float:
        return self.clock()

    def notify(self, message: str, *, markup: bool = False, **kwargs) -> None:
        """Every notice is shown literally: it may carry a name or a note (``Bob[/]``)."""
        super().notify(clean_text(str(message), multiline=True), markup=False, **kwargs)

    # -- start-up -------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.register_theme(CALM)
        self.theme = CALM.name
        if self.session_log is None:
            from .screens.home import HomeScreen

            self.push_screen(HomeScreen(self.store or SessionStore(Path("sessions"))))
        else:
            self.open_log(self.session_log, self.role)
        self.set_interval(self.poll_seconds, self.poll)

    def open_log(self, log: SessionLog, role: str) -> None:
        """Show ``log`` in ``role``; used at start and from the home screen."""
        self.session_log = log
        self.role = role
        self.meeting = Meeting(log, "notes" if role == "notes" else "facilitator")
        self._bind_plugins(log)
        if log.damage:
            self.notify(t("notice.damaged", kept=log.damage.kept_as.name), timeout=10)
        self._screens = {}
        self._signature = None
        self.show_role(role)

    def _screen_for(self, role: str) -> Screen:
        if role not in self._screens:
            assert self.meeting is not None and self.session_log is not None
            if role == "notes":
                from .screens.notes import NotesScreen

                screen: Screen = NotesScreen(
                    Meeting(self.session_log, "notes"), Draft(self.session_log.path)
                )
            elif role == "projector":
                from .screens.projector import ProjectorScreen

                screen = ProjectorScreen()
            else:
                screen = FacilitatorScreen(
                    Meeting(self.session_log, "facilitator"), self.plugin_bindings()
                )
            self._screens[role] = screen
        return self._screens[role]

    def action_show_role(self, role: str) -> None:
        self.show_role(role)

    def show_role(self, role: str) -> None:
        if self.session_log is None or role not in ROLES:
            return
        # A projector-only app never becomes a control screen.
        if self.role == "projector" and role != "projector":
            return
        screen = self._screen_for(role)
        if self.screen is screen:
            return
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        self._signature = None
        self.call_after_refresh(self.refresh_now)

    # -- plugins ------------------------------------------------------------------------------
    def _bind_plugins(self, log: SessionLog) -> None:
        self.plugins.bind(log, settings=load_plugin_settings(log.path.parent), clock=self.clock)
        self.stage_types = self.plugins.stage_types()
        self.panels = self.plugins.panels()
        self.commands = self.plugins.commands()
        log.follow()  # observers hear of events from now on

    def _plugin_failed(self, name: str, detail: str) -> None:
        self.notify(t("plugins.failed", name=name, detail=detail), severity="warning", timeout=10)

    def _alive(self, name: str) -> bool:
        record = self.plugins.records.get(name)
        return record is not None and record.enabled

    def plugin_facilitator_text(self, state: MeetingState) -> Text | None:
        """The running plugin stage's panel and the plugins' facilitator panels."""
        stage_type = state.stage.type if state.stage else None
        parts: list[tuple[str, str, object]] = []
        if stage_type in self.stage_types:
            name, kind = self.stage_types[stage_type]
            if kind.panel is not None:
                parts.append((name, f"{kind.name} panel", kind.panel))
        for name, panel in self.panels:
            if panel.facilitator is not None and panel.stage_type in (None, stage_type):
                parts.append((name, f"panel {panel.name}", panel.facilitator))
        return self._join(
            [
                self.plugins.guard(name, where, draw, self.plugins.apis[name], state)
                for name, where, draw in parts
                if self._alive(name) and name in self.plugins.apis
            ]
        )

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

    def plugin_commands_here(self) -> list[tuple[str, Command]]:
        stage = self.meeting.state.stage if self.meeting else None
        stage_type = stage.type if stage else None
        return [
            (name, command)
            for name, command in self.commands
            if self._alive(name) and command.stage_type in (None, stage_type)
        ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "plugin_command" and parameters:
            here = {f"{name}.{command.name}" for name, command in self.plugin_commands_here()}
            return parameters[0] in here
        return True

    def action_plugin_command(self, ref: str) -> None:
        """Run a plugin's command (``"plugin.command"``) if it fits the stage at hand."""
        for name, command in self.plugin_commands_here():
            if f"{name}.{command.name}" == ref:
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

    def announce(self) -> None:
        """Tell the plugins' observers about events that landed since the last look."""
        if self.session_log is None or not self.plugins.records:
            return
        fresh = self.session_log.follow()
        for event in fresh or ():
            self.plugins.announce(event)

    # -- following the log ------------------------------------------------------------------------
    def _render(self, state: MeetingState, now: float, full: bool) -> bool:
        """Draw the screen; ``False`` when it is not ready yet (so the next look tries again)."""
        screen = self.screen
        if not screen.is_mounted:
            return False
        try:
            if hasattr(screen, "show"):  # the projector: the room's view and nothing else
                screen.show(projector_view(state, now, anonymous))
            elif hasattr(screen, "update_view"):
                (screen.update_view if full else screen.update_clock)(state, now)
        except NoMatches:  # a screen being swapped out (F1/F3 pressed fast): draw it next time
            return False
        return True

    def poll(self) -> None:
        """Take in other processes' events; redraw what changed; tick the clocks."""
        if self.session_log is None or not self.screen_stack:
            return  # nothing open, or the app is closing
        try:
            state = self.session_log.state()
        except OSError as error:
            self.notify(str(error), severity="warning", timeout=5)
            return
        self.announce()
        now = self.now()
        signature = (
            self.session_log.db.log.epoch,
            state.last_seq,
            state.event_count,
            id(self.screen),
        )
        if signature != self._signature:
            self._second = int(now)
            if self._render(state, now, full=True):
                self._signature = signature
        elif int(now) != self._second:
            self._second = int(now)
            self._render(state, now, full=False)

    def refresh_now(self) -> None:
        """Redraw at once after this process wrote something."""
        self._signature = None
        self.poll()

    # -- backstage and the community registry ---------------------------------------------------
    def registry(self) -> Registry:
        """The store's community registry, beside the session file."""
        assert self.session_log is not None
        return Registry(self.session_log.path.parent / COMMUNITY_FILE)

    def open_backstage(self, meeting: Meeting) -> None:
        from .flow_dialogs import BackstageDialog

        def saved(result: dict | None) -> None:
            if result and meeting.record_backstage(**result):
                self.notify(t("backstage.saved"), timeout=2)
                self.refresh_now()

        self.push_screen(BackstageDialog(meeting.state, self.registry().names()), saved)

    def open_registry(self, text: str = "") -> None:
        from .flow_dialogs import RegistryDialog

        def saved(result: dict | None) -> None:
            if not result:
                return
            registry = self.registry()
            session = self.session_log.session_id if self.session_log else None
            groups = tuple(
                registry.add_group(name, session=session).id for name in result["groups"]
            )
            if result["kind"] == "group":
                registry.add_group(result["name"], session=session)
            elif result["kind"] == "activity":
                registry.add_activity(
                    result["name"], born_on=result["date"], groups=groups, session=session
                )
            else:
                registry.add_collaboration(
                    result["name"], groups=groups, on=result["date"], session=session
                )
            self.notify(t("registry.saved", name=result["name"]), timeout=3)

        self.push_screen(RegistryDialog(text), saved)

    # -- help and the command palette --------------------------------------------------------------
    def _binding_rows(self) -> list[tuple[str, str]]:
        """Every key of the screen and the app, including those of other kinds of stage."""
        rows = []
        seen = set()
        for node in (self.screen, self):
            for bindings in node._bindings.key_to_bindings.values():
                for binding in bindings:
                    if not binding.description or binding.action in seen:
                        continue
                    seen.add(binding.action)
                    key = binding.key_display or self.get_key_display(binding)
                    rows.append((key, binding.description))
        return rows

    def action_minutes(self) -> None:
        """The minutes so far (F4), as the minutes would read: nothing private."""
        from .screens.minutes import MinutesScreen

        if self.session_log is not None and self.role != "projector":
            self.push_screen(MinutesScreen(self.session_log.state(), self.plugins))

    def action_help(self) -> None:
        from .dialogs import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog(self._binding_rows()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key binding of the screen is also a command in the palette (Ctrl+P)."""
        seen = set()
        for active in screen.active_bindings.values():
            binding, node = active.binding, active.node
            if not binding.description or binding.action in seen:
                continue
            if node.check_action(binding.action, ()) is False:
                continue  # a key of another kind of stage
            seen.add(binding.action)

            def run(action: str = binding.action, target=node) -> None:
                self.call_later(self.run_action, action, target)

            yield SystemCommand(binding.description, binding.key_display or binding.key, run)
        for name, command in self.plugin_commands_here():
            if command.key:
                continue  # already offered through its key binding above

            def run_plugin(ref: str = f"{name}.{command.name}") -> None:
                self.call_later(self.action_plugin_command, ref)

            yield SystemCommand(pick(command.title), name, run_plugin)
        yield from super().get_system_commands(screen)
