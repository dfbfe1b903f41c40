"""The narrow API object a plugin receives: read the state, append its own events, notify,
read its own settings. Never the App, so the app can change inside without breaking plugins.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .i18n import current_language, pick
from .meeting import last_action, write_undo
from .minutes import md_escape
from .model.events import VISIBILITIES, Actor, Event, plugin_kind
from .model.state import MeetingState
from .model.views import ProjectorView
from .store.session import SessionLog

#: Plugins may also write ``live`` events: shown on the projector while they are current, never
#: in the minutes or default exports (kept only with ``--include-private``). For what the room
#: should see now but nobody should find later, such as "up next" before someone may cancel.
PLUGIN_VISIBILITIES: tuple[str, ...] = (*VISIBILITIES, "live")

__all__ = [
    "PLUGIN_VISIBILITIES",
    "MinutesView",
    "PluginAPI",
    "PublicView",
    "ReportData",
    "SessionWriteError",
    "md_escape",
]


class SessionWriteError(OSError):
    """The session could not be written (a full disk, a read-only folder, a held lock).

    Raised by :meth:`PluginAPI.append`. A plugin need not catch it: the app shows one calm
    notice that nothing was lost, and the plugin stays on — the fault is not the plugin's.
    """


@dataclass(frozen=True)
class PublicView:
    """What a projector rendering may use: the room's view, and this plugin's events that were
    written with ``visibility="public"`` or ``"live"``. Nothing minutes-only or private can
    reach it. ``now`` is the app's clock."""

    room: ProjectorView
    events: tuple[Event, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
    lang: str = "ja"
    now: float | None = None

    def text(self, texts: Mapping[str, str] | str) -> str:
        return pick(texts, self.lang)


@dataclass(frozen=True)
class MinutesView:
    """What a minutes section may use: this plugin's events that are public or minutes-only
    (never private ones, unless the minutes were asked for with ``--include-private``), and
    the session's folded state as the minutes see it (``export_state`` for that audience)."""

    events: tuple[Event, ...]
    state: Mapping[str, Any]
    include_private: bool = False
    lang: str = "ja"

    def text(self, texts: Mapping[str, str] | str) -> str:
        return pick(texts, self.lang)

    @staticmethod
    def escape(text: object) -> str:
        """People's text (a name, a note) for a section's Markdown: shown as written, one line,
        never a link, an image or emphasis. Use it for every string that came from a person."""
        return md_escape(text)


@dataclass(frozen=True)
class ReportData:
    """What a report figure may use: the sessions in the report's period (their exported
    minutes-level state, oldest first) and the community registry's records."""

    sessions: tuple[Mapping[str, Any], ...]
    groups: tuple[Any, ...] = ()
    activities: tuple[Any, ...] = ()
    collaborations: tuple[Any, ...] = ()
    plugin_events: Mapping[str, tuple[Event, ...]] = field(default_factory=dict)


class PluginAPI:
    """Given to every hook as ``api``. ``state()`` and ``append()`` need an open session."""

    def __init__(
        self,
        name: str,
        log: SessionLog | None = None,
        settings: Mapping[str, Any] | None = None,
        notify: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self.settings: Mapping[str, Any] = dict(settings or {})
        self._log = log
        self._notify = notify
        self._clock = clock
        self.notices: list[str] = []  # kept when there is no screen to show them on
        #: True while a facilitator panel is drawn for a screen that may be on the wall (the
        #: facilitator's screen is often the projected one): show nothing private then — no
        #: wishes, no contact details, no cancelled act. The ``state`` a panel receives is then
        #: the wall's (names as people chose, public notes only, no pass). False only on the
        #: note-taker's own screen and in the facilitator's private view.
        self.wall_safe = True

    @property
    def lang(self) -> str:
        return current_language()

    def text(self, texts: Mapping[str, str] | str) -> str:
        """Choose the current language from ``{"ja": …, "en": …}``."""
        return pick(texts, self.lang)

    def now(self) -> float:
        return self._clock()

    def state(self) -> MeetingState | None:
        """The meeting's state, folded from the log (``None`` outside a session)."""
        return self._log.state() if self._log is not None else None

    def events(self) -> list[Event]:
        """This plugin's own events, oldest first."""
        state = self.state()
        return list(state.plugin_events.get(self.name, ())) if state else []

    def append(
        self, name: str, data: Mapping[str, Any] | None = None, visibility: str = "minutes"
    ) -> Event:
        """Save an event ``"<plugin>:<name>"``. ``"public"`` and ``"live"`` events reach the
        projector; ``"live"`` and ``"private"`` ones stay out of the minutes and default exports."""
        if self._log is None:
            raise RuntimeError("no session is open")
        if visibility not in PLUGIN_VISIBILITIES:
            raise ValueError(f"visibility must be one of {', '.join(PLUGIN_VISIBILITIES)}")
        payload = {**dict(data or {}), "visibility": visibility}
        try:
            return self._log.append(
                plugin_kind(self.name, name), payload, actor=Actor("plugin", self.name)
            )
        except SessionWriteError:
            raise
        except OSError as error:  # the disk's trouble, not the plugin's: see SessionWriteError
            raise SessionWriteError(error.errno, error.strerror, error.filename) from error

    def undo(self) -> list[Event]:
        """Take back the last action that wrote this plugin's events: everything one command
        (one key) wrote, as the facilitator's ``ctrl+z`` does for any action. The events are then
        as if never written (gone from :meth:`events` and from ``state()``); the undo is an
        event in the log, so a restart and other windows agree. Returns the events taken back
        (``[]`` when there is nothing to undo, or no session). Only what a command wrote can be
        undone: events appended outside a command (a terminal's ``kusanone`` command,
        ``on_event``) cannot."""
        if self._log is None:
            return []
        namespace = self.name
        events = last_action(self._log.state(), lambda event: event.namespace == namespace)
        return write_undo(self._log, events, Actor("plugin", self.name))

    def notify(self, message: str) -> None:
        """A calm notice on the screen (or kept in ``notices`` when there is none)."""
        self.notices.append(message)
        if self._notify is not None:
            self._notify(message)

    def minutes_view(self, state: MeetingState, include_private: bool = False) -> MinutesView:
        from .model.views import export_state

        allowed = PLUGIN_VISIBILITIES if include_private else ("public", "minutes")
        events = tuple(e for e in self.events() if e.data.get("visibility", "minutes") in allowed)
        audience = "private" if include_private else "minutes"
        return MinutesView(events, export_state(state, audience), include_private, self.lang)

    def public_view(self, room: ProjectorView) -> PublicView:
        events = tuple(e for e in self.events() if e.data.get("visibility") in ("public", "live"))
        return PublicView(room, events, self.settings, self.lang, self.now())
