"""The kusanone Textual app.

One app per terminal, in one role: facilitator (with the note-taker's screen a key away),
note-taker, or projector. Each follows the session file, so several apps, in several processes,
show the same meeting: the app looks at the file every tenth of a second (one ``stat``) and
re-renders only when something changed.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import gc
import inspect
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen

from ..i18n import pick, t
from ..meeting import Meeting
from ..model.state import MeetingState
from ..model.text import clean_text
from ..model.views import ProjectorView, projector_view
from ..plugin_host import PluginHost, load_plugin_settings
from ..store.lock import LockTimeout
from ..store.session import SessionLog
from ..store.sessions import COMMUNITY_FILE, SessionStore
from ..store.storage import LogReadOnly
from . import themes
from .base import TUI_FOLDER, anonymous, translate_bindings
from .plugin_ui import PluginUIMixin
from .private_view import PrivateViewMixin
from .screens.facilitator import FacilitatorScreen

if TYPE_CHECKING:  # read only when a plugin or someone opening the registry needs them
    from ..plugin_types import Command, Panel, StageType
    from ..store.registry import Registry

# Other screens and dialogs are imported when first used: start-up stays close to a bare app.

ROLES = ("facilitator", "notes", "projector")


POLL_SECONDS = 0.1

#: Seconds during which the same notice is not shown again (a key held down, a burst of notes).
NOTICE_REPEAT_SECONDS = 3.0

T = TypeVar("T")


def write_failure_reason(error: OSError) -> str:
    """What went wrong with a write, in the user's words."""
    if isinstance(error, LogReadOnly):
        return t("notice.reason_damaged", reason=error.strerror or error)
    if isinstance(error, LockTimeout):
        return t("notice.reason_lock")
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return t("notice.reason_space")
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return t("notice.reason_read_only")
    return t("notice.reason_other", detail=error.strerror or error)


class GuardedMeeting(Meeting):
    """The app's :class:`Meeting`: an action the disk refuses tells the app, and does nothing.

    Every write of the app's screens and dialogs is an action of a Meeting. When one fails (a full
    disk, a read-only file, folder or file system, the writers' lock held too long, a damaged log
    open read-only), it returns ``None``, as an action that makes no sense right now does, and
    ``on_failure`` gets the error, once per action: the app shows one calm notice. The log is
    unchanged (an append is all or nothing), so nothing is lost; the screen keeps what was typed.
    """

    def __init__(self, log: SessionLog, role: str, on_failure: Callable[[OSError], object]) -> None:
        super().__init__(log, role)
        self._on_failure = on_failure
        self._running = False

    def _attempt(self, action: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        if self._running:  # an action calling another: the outer one reports
            return action(self, *args, **kwargs)
        self._running = True
        try:
            return action(self, *args, **kwargs)
        except OSError as error:  # LockTimeout and LogReadOnly are OSErrors too
            self._on_failure(error)
            return None
        finally:
            self._running = False


def _guarded(action: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(action)
    def run(self: GuardedMeeting, *args: Any, **kwargs: Any) -> Any:
        return self._attempt(action, *args, **kwargs)

    return run


for _name, _action in vars(Meeting).items():
    if not _name.startswith("_") and inspect.isfunction(_action):
        setattr(GuardedMeeting, _name, _guarded(_action))

CALM = themes.CALM  # the themes live in themes.py


class KusanoneApp(PluginUIMixin, PrivateViewMixin, App):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses may live elsewhere
    BINDINGS = [
        Binding("question_mark", "help", "keys.help"),
        Binding("f4", "minutes", "keys.minutes"),
        Binding("f5", "private_view", "keys.private_view"),
        Binding("f7", "plugins", "keys.plugins"),
        Binding("f8", "community", "keys.community"),
        Binding("f9", "followups", "keys.followups"),
        Binding("ctrl+q", "quit", "keys.quit"),
        # a plugin's long work (api.run_in_background): a dialog's own Escape comes first
        Binding("escape", "cancel_background", "keys.cancel_background", show=False),
    ]

    def __init__(
        self,
        log: SessionLog | None = None,
        role: str = "facilitator",
        store: SessionStore | None = None,
        clock: Callable[[], float] = time.time,
        poll_seconds: float = POLL_SECONDS,
        plugins: PluginHost | None = None,
        theme: str | None = None,
    ) -> None:
        role = role if role in ROLES else "facilitator"
        # Each screen reads its own style sheet when first shown (CSS_PATH); the screen the app
        # starts on is not "shown", so the note-taker's or the projector's comes from here.
        sheets = [Path(self.CSS_PATH)]
        if log is not None and role in ("notes", "projector"):
            sheets.append(TUI_FOLDER / f"{role}.tcss")
        super().__init__(css_path=sheets)
        from textual.filter import DimFilter

        # Faint text keeps 7:1 in both themes, and looks the same in a browser tab.
        self._filters.append(DimFilter(themes.DIM_FACTOR))
        self.room_theme_override = theme if theme in themes.THEMES else None
        translate_bindings(self)
        self.session_log = log
        self.role = role
        self.store = store
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.meeting: Meeting | None = None
        self._signature: tuple | None = None
        self._second = -1
        self._screens: dict[str, Screen] = {}
        self.plugins = plugins or PluginHost()
        self.connect_plugins()
        self.stage_types: dict[str, tuple[str, StageType]] = {}
        self.panels: list[tuple[str, Panel]] = []
        self.commands: list[tuple[str, Command]] = []
        self._notices: dict[str, float] = {}
        self._start_theme()

    def _start_theme(self) -> None:
        """Register the room's themes and choose the first one before any CSS is parsed: setting
        ``theme`` once mounted parses every style sheet a second time (a tenth of start-up)."""
        for theme in themes.THEMES.values():
            self.register_theme(theme)
        state = None
        if self.session_log is not None:
            try:
                state = self.session_log.state()
            except OSError:
                state = None  # told once the screen is up (``poll``)
        self.set_reactive(App.theme, themes.THEMES[self.room_theme_name(state)].name)
        self.stylesheet.set_variables(self.get_css_variables())

    def now(self) -> float:
        return self.clock()

    async def on_event(self, event) -> None:
        self.note_input(event)  # the private view closes itself after a while without a key
        await super().on_event(event)

    # -- writes that fail ---------------------------------------------------------------------
    def guarded(self, log: SessionLog, role: str) -> GuardedMeeting:
        """A Meeting for a screen: its writes that fail become :meth:`write_failed` notices."""
        return GuardedMeeting(log, role, self.write_failed)

    def attempt(self, action: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run a write that is not a Meeting action (the registry); ``None`` if it failed."""
        try:
            return action(*args, **kwargs)
        except OSError as error:
            self.write_failed(error)
            return None

    def write_failed(self, error: OSError) -> None:
        """One calm notice: what happened, and that nothing was lost. The app goes on."""
        self.notice_once(
            t("notice.write_failed", reason=write_failure_reason(error)), severity="warning"
        )

    def notice_once(self, message: str, severity: str = "information", timeout: float = 8) -> None:
        """A notice, unless the same one was shown a moment ago."""
        now = time.monotonic()
        if now - self._notices.get(message, float("-inf")) < NOTICE_REPEAT_SECONDS:
            return
        self._notices = {m: at for m, at in self._notices.items() if now - at < 60}
        self._notices[message] = now
        self.notify(message, severity=severity, timeout=timeout)

    def notify(self, message: str, *, markup: bool = False, **kwargs) -> None:
        """Every notice is shown literally: it may carry a name or a note (``Bob[/]``)."""
        super().notify(clean_text(str(message), multiline=True), markup=False, **kwargs)

    # -- start-up -------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        """Started on a session, the role's own screen is the first on the stack. Pushed over
        Textual's empty default screen, it was styled, laid out and drawn twice before the first
        frame (about a tenth of the start). Without a session: the empty screen, then the home."""
        if self.session_log is None:
            return super().get_default_screen()
        self._open(self.session_log, self.role)
        return self._screen_for(self.role)

    def on_mount(self) -> None:
        for path, reason in self.plugins.refused:  # said on the screen too, not only on stderr
            line = t("cli.plugin_untrusted", path=path, reason=reason).removeprefix("kusanone: ")
            self.notify(line, severity="warning", timeout=10)
        if self.session_log is None:
            from .screens.home import HomeScreen

            self.push_screen(HomeScreen(self.store or SessionStore(Path("sessions"))))
        else:  # its screen is up already (get_default_screen)
            self._tell_damage(self.session_log)
            self.call_after_refresh(self.refresh_now)
        self.set_interval(self.poll_seconds, self.poll)
        if not gc.isenabled():  # off while starting (entry.py): on once the first screen is up
            self.call_after_refresh(gc.enable)

    def open_log(self, log: SessionLog, role: str) -> None:
        """Show ``log`` in ``role``, from the home screen."""
        self._open(log, role)
        self._tell_damage(log)
        self.show_role(role)

    def _open(self, log: SessionLog, role: str) -> None:
        self.session_log = log
        self.role = role
        self.meeting = self.guarded(log, "notes" if role == "notes" else "facilitator")
        self._bind_plugins(log)
        self._screens = {}
        self._signature = None

    def _tell_damage(self, log: SessionLog) -> None:
        damage = log.damage
        if damage is not None and getattr(damage, "read_only", False):
            self.notify(
                t("notice.damaged_read_only", reason=damage.reason), severity="warning", timeout=10
            )
        elif damage is not None:
            self.notify(t("notice.damaged", kept=damage.kept_as.name), timeout=10)

    def _screen_for(self, role: str) -> Screen:
        """The role's screen: the one on the stack, else a new one. A view left for another is
        removed by Textual (it was never installed), and one shown again after that stayed
        blank; a new one is also drawn from the log as it is now, wall-safe from its first
        frame, never with what it showed before (a private view since closed)."""
        known = self._screens.get(role)
        if known is None or known not in self.screen_stack:
            assert self.meeting is not None and self.session_log is not None
            if role == "notes":
                from ..store.drafts import Draft
                from .screens.notes import NotesScreen

                screen: Screen = NotesScreen(
                    self.guarded(self.session_log, "notes"), Draft(self.session_log.path)
                )
            elif role == "projector":
                from .screens.projector import ProjectorScreen

                screen = ProjectorScreen()
            else:
                screen = FacilitatorScreen(
                    self.guarded(self.session_log, "facilitator"), self.plugin_bindings()
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
        from .base import KModal

        while len(self.screen_stack) > 1 and isinstance(self.screen, KModal):
            self.pop_screen()  # a dialog or the minutes on top: closed, nothing is kept half-done
        screen = self._screen_for(role)
        if self.screen is screen:
            return
        if screen in self.screen_stack:  # the view the app started in, under the one shown
            while self.screen is not screen:
                self.pop_screen()
        elif len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        self._signature = None
        self.call_after_refresh(self.refresh_now)

    # -- plugins ------------------------------------------------------------------------------
    def _bind_plugins(self, log: SessionLog) -> None:
        # Installed plugins not imported yet are imported if the meeting shows something of
        # theirs from the start (a stage of theirs in the template, a panel, a key); the rest
        # when first needed (``need_plugins``; an observer when an event lands).
        template = log.state().template
        used: set[str | None] = {None, *(s.type for s in template.stages)} if template else {None}
        self.plugins.bind(log, settings=load_plugin_settings(log.path.parent), clock=self.clock)
        self.plugins.need(lambda offer: offer.serves(used))
        self.gather_plugins()
        log.follow()  # observers hear of events from now on

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "private_view":
            return self.role == "facilitator" and self.session_log is not None
        if action == "plugins":
            return self.role != "projector"
        if action == "plugin_command" and parameters:
            return self.plugin_command_offered(parameters[0])
        if action == "cancel_background":
            return self.background_job is not None
        return True

    def announce(self) -> None:
        """Tell the plugins' observers about events that landed since the last look."""
        if self.session_log is None or not (self.plugins.records or self.plugins.pending):
            return
        fresh = self.session_log.follow()
        if fresh:
            self.need_plugins(lambda offer: "on_event" in offer.hooks)
        for event in fresh or ():
            self.plugins.announce(event)

    # -- the room's theme ------------------------------------------------------------------------
    def room_theme_name(self, state: MeetingState | None) -> str:
        """The theme this app's screens show now (what F6 on the facilitator's screen turns)."""
        template = state.template if state is not None else None
        return themes.room_theme(
            state.theme if state is not None else None,
            self.room_theme_override,
            getattr(template, "theme", None),
            self.role if self.session_log is not None else "home",
        )

    def follow_room_theme(self, state: MeetingState) -> None:
        """Show the room's theme (light or dark) as the log, ``--theme`` or the template say."""
        wanted = themes.THEMES[self.room_theme_name(state)].name
        if self.theme != wanted:
            self.theme = wanted

    def room_view(self, state: MeetingState, now: float) -> ProjectorView:
        """What the room sees: the projector's view, and in the closing stage the community's
        open requests for help (協力のお願い) from the registry beside the session."""
        view = projector_view(state, now, anonymous)
        if view.stage_type != "closing" or self.session_log is None:
            return view
        return dataclasses.replace(view, help_wanted=self._help_wanted())

    def _help_wanted(self) -> tuple[str, ...]:
        # Read again only when the registry file changed (the screen is drawn every second).
        path = self.session_log.path.parent / COMMUNITY_FILE
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return ()
        cached = getattr(self, "_help_cache", None)
        if cached is None or cached[0] != stamp:
            try:
                texts = tuple(request.text for request in self.registry().open_requests())
            except (OSError, ValueError):
                texts = ()
            self._help_cache = (stamp, texts)
        return self._help_cache[1]

    # -- following the log ------------------------------------------------------------------------
    def _render(self, state: MeetingState, now: float, full: bool) -> bool:
        """Draw the screen; ``False`` when it is not ready yet (so the next look tries again)."""
        screen = self.screen
        if not screen.is_mounted:
            return False
        if full:
            self.follow_room_theme(state)
        try:
            if hasattr(screen, "show"):  # the projector: the room's view and nothing else
                screen.show(self.room_view(state, now))
            elif hasattr(screen, "update_view"):
                shown = self.shown_state(state)  # wall-safe unless the private view is on
                (screen.update_view if full else screen.update_clock)(shown, now)
        except NoMatches:  # a screen being swapped out (F1/F3 pressed fast): draw it next time
            return False
        return True

    def poll(self) -> None:
        """Take in other processes' events; redraw what changed; tick the clocks."""
        if self.session_log is None or not self.screen_stack:
            return  # nothing open, or the app is closing
        try:
            state = self.session_log.state()
        except OSError as error:  # told once, not every tenth of a second
            self.notice_once(str(error), severity="warning", timeout=5)
            return
        self.announce()
        self.check_private_view(state)
        now = self.now()
        signature = (
            self.session_log.epoch,
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

    def shows_latest(self) -> bool:
        """Whether the screen at hand was drawn from the log as it is now (tests wait for it)."""
        log = self.session_log
        if log is None or self._signature is None:
            return False
        state = log.state()
        return self._signature == (log.epoch, state.last_seq, state.event_count, id(self.screen))

    def refresh_now(self) -> None:
        """Redraw at once after this process wrote something."""
        self._signature = None
        self.poll()

    # -- backstage and the community registry ---------------------------------------------------
    def registry(self) -> Registry:
        """The store's community registry, beside the session file."""
        from ..community_actions import registry_for

        assert self.session_log is not None
        return registry_for(self.session_log)

    def open_backstage(self, meeting: Meeting) -> None:
        from .flow_dialogs import BackstageDialog

        def saved(result: dict | None) -> None:
            if not result:
                return
            if meeting.record_backstage(**result):
                self.notify(t("backstage.saved"), timeout=2)
                self.refresh_now()
            else:  # the disk refused (the app said why): what was typed is still there
                self.push_screen(BackstageDialog(shown, places, result), saved)

        shown = self.shown_state(meeting.state)  # earlier records only in the private view
        places = self.registry().names()
        self.push_screen(BackstageDialog(shown, places), saved)

    def open_registry(self, text: str = "") -> None:
        from .flow_dialogs import RegistryDialog

        def saved(result: dict | None) -> None:
            if result and self.attempt(record, result):
                self.notify(t("registry.saved", name=result["name"]), timeout=3)

        def record(result: dict) -> bool:
            from ..community_actions import record_entry

            return self.session_log is not None and record_entry(self.session_log, result)

        self.push_screen(RegistryDialog(text), saved)

    def action_community(self) -> None:
        """The community screen (F8): wall-safe, so the facilitator's screen may open it."""
        from .community_screen import CommunityScreen

        if self.session_log is None or self.role == "projector":
            return
        if not isinstance(self.screen, CommunityScreen):
            self.push_screen(CommunityScreen(self.registry(), self.attempt))

    def action_followups(self) -> None:
        """ウラのつづき (F9): the note-taker's app, or the facilitator's in the private view."""
        from .. import followups
        from .community_screen import FollowupsDialog

        if self.session_log is None or self.role == "projector":
            return
        if self.wall_safe:
            self.notify(t("followups.private_only"), timeout=3)
            return
        root, session = self.session_log.path.parent, self.session_log.session_id

        def load() -> list:
            return followups.open_followups(root, exclude=session, now=self.now())

        def mark(key: str, status: str) -> None:
            self.attempt(followups.mark, root, key, status)

        if not isinstance(self.screen, FollowupsDialog):
            self.push_screen(FollowupsDialog(load, mark))

    # -- help and the command palette --------------------------------------------------------------
    def _binding_rows(self) -> list[tuple[str, str]]:
        """The keys that act on the screen now (its stage's and plugins' included), each once."""
        from .widgets import screen_keys

        return [(row.key, row.label) for row in screen_keys(self.screen)]

    def action_minutes(self) -> None:
        """The minutes so far (F4), as the minutes would read: nothing private."""
        from .screens.minutes import MinutesScreen

        if self.session_log is not None and self.role != "projector":
            state = self.session_log.state()
            self.push_screen(MinutesScreen(state, self.plugins, public_only=self.wall_safe))

    def action_help(self) -> None:
        from .dialogs import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog(self._binding_rows()))

    def action_command_palette(self) -> None:
        """The command palette, in the user's language."""
        from .dialogs import Palette

        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        from .dialogs import Palette

        themes = Palette(providers=[ThemeProvider], placeholder=t("palette.theme_placeholder"))
        self.push_screen(themes)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette (Ctrl+P): what the screen's keys do now (each once), then the plugins'
        commands of this stage without a key, then the colours. Textual's own English entries
        (Keys, Quit, Screenshot…) are left out: ``?`` and ``Ctrl+Q`` are among the keys."""
        from .widgets import screen_keys

        for row in screen_keys(screen):
            if row.rank == 4:
                continue  # Textual's own: moving the focus, copying, this palette

            def run(action: str = row.action, target=row.node) -> None:
                self.call_later(self.run_action, action, target)

            yield SystemCommand(row.label, row.key, run)
        for name, command in self.plugin_commands_here():
            if command.key:
                continue  # already offered through its key binding above

            def run_plugin(ref: str = f"{name}.{command.name}") -> None:
                self.call_later(self.action_plugin_command, ref)

            yield SystemCommand(pick(command.title), name, run_plugin)
        yield SystemCommand(t("palette.theme"), t("palette.theme_help"), self.action_change_theme)
