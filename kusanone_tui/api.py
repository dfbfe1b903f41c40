"""The narrow API object a plugin receives: read the state, append its own events, notify,
read its own settings. Never the App, so the app can change inside without breaking plugins.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .i18n import current_language, pick
from .meeting import last_action, write_undo
from .model.events import VISIBILITIES, Actor, Event, new_id, plugin_kind
from .model.state import MeetingState, Participant
from .model.text import clean_text
from .model.views import ProjectorView, participant_label
from .plugin_host import load_plugin_settings
from .store.session import SessionLog, SessionWriteError

#: The plugin API's version (semantic: MAJOR.MINOR.PATCH). A plugin may say which versions it
#: works with (``KUSANONE_API = ">=1.0,<2"`` in its module); one that needs another is listed
#: with the reason and not loaded. MAJOR grows when something a plugin may use changes or goes
#: away; MINOR when something is added; PATCH for fixes that change no name or meaning.
API_VERSION = "1.0.0"

#: The audiences of :meth:`PluginAPI.label`: the room (the projector, the wall), the minutes,
#: and the facilitator's and note-taker's private eyes.
AUDIENCES: tuple[str, ...] = ("room", "minutes", "private")

#: What :meth:`PluginAPI.ask` can ask for.
ASK_KINDS: tuple[str, ...] = ("text", "number", "choice", "yes_no")

#: Plugins may also write ``live`` events: shown on the projector while they are current, never
#: in the minutes or default exports (kept only with ``--include-private``). For what the room
#: should see now but nobody should find later, such as "up next" before someone may cancel.
PLUGIN_VISIBILITIES: tuple[str, ...] = (*VISIBILITIES, "live")

if TYPE_CHECKING:
    from .minutes import html_page, md_escape


def __getattr__(name: str) -> Any:
    """``html_page`` and ``md_escape`` (from :mod:`minutes`), imported when first asked for:
    the meeting's first screen does not need them."""
    if name in ("html_page", "md_escape"):
        from . import minutes

        return getattr(minutes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "API_VERSION",
    "ASK_KINDS",
    "AUDIENCES",
    "PLUGIN_VISIBILITIES",
    "Asked",
    "Background",
    "MinutesView",
    "PluginAPI",
    "PublicView",
    "Question",
    "ReportData",
    "SessionWriteError",
    "html_page",
    "load_plugin_settings",
    "md_escape",
    "open_api",
]


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
        from .minutes import md_escape

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


@dataclass(frozen=True)
class Question:
    """What :meth:`PluginAPI.ask` puts to the facilitator, in the core's own dialog.

    ``kind`` is one of :data:`ASK_KINDS`: ``"text"`` (one line), ``"number"`` (a whole number
    from ``minimum`` to ``maximum``), ``"choice"`` (one of ``choices``) or ``"yes_no"``.
    ``prompt`` and ``choices`` are shown literally on the facilitator's screen, which may be on
    the wall: put nothing private in them.
    """

    plugin: str
    prompt: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None

    def check(self, raw: object) -> Any:
        """The answer as the callback receives it (``str``, ``int``, a choice, ``bool``); raises
        ``ValueError`` with one line for the person when ``raw`` does not fit."""
        from .i18n import t

        if self.kind == "yes_no":
            if isinstance(raw, bool):
                return raw
            raise ValueError(t("ask.yes_no"))
        if self.kind == "choice":
            if raw in self.choices:
                return raw
            if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < len(self.choices):
                return self.choices[raw]
            raise ValueError(t("ask.pick_one"))
        text = clean_text(str(raw if raw is not None else "")).strip()
        if self.kind == "text":
            return text
        try:
            value = int(text)  # full-width digits too: int("１２") == 12
        except ValueError:
            raise ValueError(self._range_text()) from None
        low = self.minimum if self.minimum is not None else float("-inf")
        high = self.maximum if self.maximum is not None else float("inf")
        if not low <= value <= high:
            raise ValueError(self._range_text())
        return value

    def _range_text(self) -> str:
        from .i18n import t

        if self.minimum is not None and self.maximum is not None:
            return t("ask.number_between", low=self.minimum, high=self.maximum)
        if self.minimum is not None:
            return t("ask.number_from", low=self.minimum)
        if self.maximum is not None:
            return t("ask.number_up_to", high=self.maximum)
        return t("ask.number")


@dataclass
class Asked:
    """A question waiting for its answer. Without a screen (a test, a script) it waits in
    ``api.questions``; ``asked.answer(value)`` answers it as the dialog would."""

    question: Question
    on_answer: Callable[[Any], object]
    answered: bool = False

    def answer(self, raw: object) -> Any:
        value = self.question.check(raw)
        self.answered = True
        self.on_answer(value)
        return value


class Background:
    """Long work a plugin handed to the core (:meth:`PluginAPI.run_in_background`).

    The core runs ``work(progress, should_stop)`` away from the screen, shows ``label`` on a
    quiet line with the time so far (and ``progress(fraction)``'s share, 0.0–1.0, when given),
    and lets the facilitator cancel it with Escape: ``should_stop()`` is then true, the work
    should return soon, and ``on_done`` is not called. Otherwise ``on_done(result)`` gets what
    ``work`` returned, on the app's own thread, where the plugin may append its events (one
    undoable action). Without a screen (a test, a script, the command line) it all happens at
    once, inside ``run_in_background``."""

    def __init__(
        self,
        plugin: str,
        label: str,
        work: Callable[[Callable[[float], None], Callable[[], bool]], Any],
        on_done: Callable[[Any], object],
    ) -> None:
        self.plugin = plugin
        self.label = label
        self.work = work
        self.on_done = on_done
        #: The share done so far (0.0–1.0) as the work last said, or ``None``.
        self.fraction: float | None = None
        #: True once the work was cancelled (Escape, or :meth:`cancel`).
        self.cancelled = False
        #: True once ``on_done`` was called (or the work was cancelled or failed).
        self.finished = False

    def progress(self, fraction: float) -> None:
        """Say how far the work is (called from the work; any thread)."""
        with suppress(TypeError, ValueError):
            self.fraction = min(1.0, max(0.0, float(fraction)))

    def should_stop(self) -> bool:
        """Whether the work should stop now (it was cancelled)."""
        return self.cancelled

    def cancel(self) -> None:
        self.cancelled = True

    def run(self) -> Any:
        """Do it all at once, here: the work, then ``on_done`` unless it was cancelled."""
        result = self.work(self.progress, self.should_stop)
        if not self.cancelled:
            self.on_done(result)
        self.finished = True
        return result


class PluginAPI:
    """Given to every hook as ``api``. ``state()`` and ``append()`` need an open session."""

    def __init__(
        self,
        name: str,
        log: SessionLog | None = None,
        settings: Mapping[str, Any] | None = None,
        notify: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
        ask: Callable[[Asked], None] | None = None,
        ui_state: MutableMapping[str, Any] | None = None,
        background: Callable[[Background], None] | None = None,
    ) -> None:
        self.name = name
        self._background = background
        self.settings: Mapping[str, Any] = dict(settings or {})
        self._log = log
        self._notify = notify
        self._clock = clock
        self._ask = ask
        self.notices: list[str] = []  # kept when there is no screen to show them on
        #: Questions asked with no screen to show them (tests, scripts): see :class:`Asked`.
        self.questions: list[Asked] = []
        #: This plugin's own state for this window (which row is selected, a cursor…): kept by
        #: the core for the plugin while the app runs, forgotten on restart. What the meeting
        #: needs to remember belongs in events instead.
        self.ui_state: MutableMapping[str, Any] = ui_state if ui_state is not None else {}
        #: True while a facilitator panel is drawn for a screen that may be on the wall (the
        #: facilitator's screen is often the projected one): show nothing private then — no
        #: wishes, no contact details, no cancelled act. The ``state`` a panel receives is then
        #: the wall's (names as people chose, public notes only, no pass). False only on the
        #: note-taker's own screen and in the facilitator's private view.
        self.wall_safe = True
        self._store: Path | None = None  # the store folder, for write_output's refusals

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

    def ask(
        self,
        prompt: Mapping[str, str] | str,
        on_answer: Callable[[Any], object],
        *,
        kind: str = "text",
        choices: Sequence[Mapping[str, str] | str] = (),
        minimum: int | None = None,
        maximum: int | None = None,
        default: Any = None,
    ) -> Asked:
        """Ask the facilitator for a text, a whole number (``minimum``..``maximum``), one of
        ``choices`` or a yes/no (``kind``, see :data:`ASK_KINDS`), in the core's own dialog.
        ``on_answer(value)`` is called with the checked answer (``str``, ``int``, the chosen
        text, ``bool``) when the facilitator answers; not at all when they close the dialog.
        What ``on_answer`` writes is one undoable action, as a command's is; if it raises, the
        plugin is switched off like any failing hook. The prompt is shown literally on the
        facilitator's screen, which may be on the wall: nothing private in it."""
        if kind not in ASK_KINDS:
            raise ValueError(f"kind must be one of {', '.join(ASK_KINDS)}")
        texts = tuple(clean_text(self.text(choice)) for choice in choices)
        if kind == "choice" and not texts:
            raise ValueError("a choice needs choices")
        if minimum is not None and maximum is not None and minimum > maximum:
            raise ValueError("minimum is above maximum")
        question = Question(
            self.name, clean_text(self.text(prompt), multiline=True), kind, texts,
            minimum, maximum, default,
        )
        asked = Asked(question, on_answer)
        if self._ask is not None:
            self._ask(asked)
        else:
            self.questions.append(asked)
        return asked

    def run_in_background(
        self,
        work: Callable[[Callable[[float], None], Callable[[], bool]], Any],
        on_done: Callable[[Any], object],
        label: Mapping[str, str] | str = "",
    ) -> Background:
        """Run long work (planning, counting) without freezing the facilitator's screen.

        ``work(progress, should_stop)`` runs in the background: it must not touch the session
        or ``api`` (read what it needs before), may call ``progress(fraction)`` (0.0–1.0), and
        should return soon once ``should_stop()`` is true (Escape cancels). ``on_done(result)``
        then gets what it returned, on the app's thread, as one undoable action; it is not
        called when the work was cancelled. ``label`` is shown literally on a quiet line while
        it runs (the screen may be on the wall: nothing private). If ``work`` or ``on_done``
        raises, the plugin is switched off like any failing hook. Without a screen (tests,
        scripts, the command line) both run at once, before this returns."""
        job = Background(self.name, clean_text(self.text(label)) if label else "", work, on_done)
        if self._background is not None:
            self._background(job)
        else:
            job.run()
        return job

    def label(self, person: Participant | str, audience: str = "room") -> str:
        """The name of ``person`` (a participant or their id) as ``audience`` may see it:
        ``"room"`` (the projector and the wall: their name unless they said no, else the
        label the screens show, 「参加者2」 / "Participant 2"),
        ``"minutes"`` (only when they agreed to be named in the minutes) or ``"private"``
        (their name; while :attr:`wall_safe` the room's label instead). An unknown id gives
        ``"?"``."""
        if audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")
        state = self.state()
        pid = person if isinstance(person, str) else person.id
        if state is None or pid not in state.participants:
            return person.name if isinstance(person, Participant) and person.name else "?"
        if audience == "private" and self.wall_safe:
            audience = "room"
        shown = {"room": "public", "minutes": "minutes", "private": "private"}[audience]
        return participant_label(state, state.participants[pid], shown, _anonymous)

    def html_page(self, markdown: str, title: str, css: str = "") -> str:
        """One printable HTML file from Markdown, as the core's minutes are made: no raw HTML,
        no links or images, nothing fetched; in :attr:`lang`; ``css`` is added to the house
        style."""
        from .minutes import html_page

        return html_page(markdown, title, self.lang, css)

    @staticmethod
    def new_id() -> str:
        """A fresh id (for a performer, a table, anything the plugin names in its events)."""
        return new_id()

    def write_output(self, output: str | None, text: str, force: bool = False) -> Path | None:
        """Write a CLI subcommand's ``-o`` file (``None`` or ``"-"``: stdout) as ``kusanone
        export`` does: a private file, never over a session, a store's own file or folder, or
        (without ``force``) any existing file. Raises ``ValueError`` with one line."""
        from .store.output import OutputError, write_output

        stores = [self._log.path.parent] if self._log is not None else []
        if self._store is not None:
            stores.append(self._store)
        try:
            return write_output(output, text, force=force, stores=stores)
        except OutputError as error:
            raise ValueError(str(error)) from None

    def supporters(self) -> tuple[str, ...]:
        """The display names of the registered supporters (サポーター) of this store: people who
        offered to help, e.g. to explain games at a game night or to help at a festival. Names
        only: a contact they gave is never handed to a plugin. Empty outside a store."""
        from .store.series import Supporters

        folder = self._log.path.parent if self._log is not None else self._store
        if folder is None:
            return ()
        try:
            return tuple(Supporters(folder).names())
        except (OSError, ValueError):
            return ()

    def record_activity_day(
        self,
        name: str,
        kind: str,
        count: int,
        on: str | None = None,
        note: str = "",
    ) -> Any:
        """Record an evening or a day of the activity ``name`` with how many took part (a game
        night, a festival day) in the store's community registry (地域の記録), where the report
        counts it toward 地域活動への参加者数. The activity is found by its name (also a former
        or merged one) or added with ``kind`` (an activity kind: ``"games"``, ``"event"``,
        ``"ゲーム会"``…); ``on`` is ``YYYY-MM-DD`` (default: the day the meeting began, else
        today); ``note`` is public. Recording again from the same session corrects that day's
        count rather than adding a second day. Returns the registry's ``ActivityDay`` (``id``,
        ``activity``, ``on``, ``count``…). Raises ``ValueError`` with one line for a bad count,
        kind or date, ``OSError`` when the disk refuses, ``RuntimeError`` outside a store."""
        from .community_actions import record_activity_day
        from .store.registry import Registry
        from .store.sessions import COMMUNITY_FILE

        folder = self._log.path.parent if self._log is not None else self._store
        if folder is None:
            raise RuntimeError("no store is open")
        session = self._log.session_id if self._log is not None else None
        if on is None and self._log is not None:
            state = self._log.state()
            began = state.meeting_started_at or state.created_at
            on = time.strftime("%Y-%m-%d", time.localtime(began)) if began else None
        registry = Registry(Path(folder) / COMMUNITY_FILE)
        return record_activity_day(
            registry, name, kind, count, on, note, source=self.name, session=session
        )

    def minutes_view(self, state: MeetingState, include_private: bool = False) -> MinutesView:
        from .model.views import export_state

        allowed = PLUGIN_VISIBILITIES if include_private else ("public", "minutes")
        events = tuple(e for e in self.events() if e.data.get("visibility", "minutes") in allowed)
        audience = "private" if include_private else "minutes"
        return MinutesView(events, export_state(state, audience), include_private, self.lang)

    def public_view(self, room: ProjectorView) -> PublicView:
        events = tuple(e for e in self.events() if e.data.get("visibility") in ("public", "live"))
        return PublicView(room, events, self.settings, self.lang, self.now())


def _anonymous(number: int) -> str:
    """The label of someone not named: the same words the screens and the minutes use."""
    from .i18n import t

    return t("people.anonymous", n=number)


@contextmanager
def open_api(
    plugin: str,
    session: str | None = None,
    data: str | None = None,
    clock: Callable[[], float] | None = None,
) -> Iterator[PluginAPI]:
    """A plugin's API for a CLI subcommand, bound to the store (``data``: the ``--data``
    rules) and, with ``session`` (an id, a unique prefix or a file), to that session; its
    settings from the store's ``plugins.toml``. The session is closed afterwards::

        def run(args):
            with open_api("mine", args.session, args.data) as api:
                api.append("counted", {"n": 3})

    A session that cannot be opened raises ``ValueError`` with one line, which the command
    line prints (exit 2). Nothing here is on a wall: :attr:`PluginAPI.wall_safe` is ``False``.
    """
    from .i18n import t
    from .store.sessions import NotASessionFile, SessionNotFound, SessionStore, resolve_root

    root = resolve_root(data)
    log = None
    if session is not None:
        try:
            log = SessionStore(root).open(session)
        except NotASessionFile as error:
            raise ValueError(t("cli.not_session", path=error.path, reason=error.reason)) from None
        except SessionNotFound as error:
            key = "cli.ambiguous" if "matches" in str(error) else "cli.no_session"
            raise ValueError(t(key, ref=session, root=root)) from None
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError(t("cli.unreadable", path=session, reason=error)) from None
    folder = log.path.parent if log is not None else root
    extra = {"clock": clock} if clock is not None else {}
    api = PluginAPI(plugin, log, load_plugin_settings(folder).get(plugin, {}), **extra)
    api.wall_safe = False
    api._store = root
    try:
        yield api
    finally:
        if log is not None:
            log.close()
