"""The home screen: start a meeting from a template, resume a session, open the demo.

Every readable session is offered; each entry of the store that cannot be read is named on one
muted line with the reason (one bad file never hides the others), and a session that fails to
open is a notice, not a crash. Titles and file names are shown literally (never as markup).
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from ...i18n import pick, t
from ...model.template import TemplateError
from ...store.sessions import Listing, NotASessionFile, SessionNotFound, SessionStore, os_reason
from ...templates import builtin_names
from ...templates import load as load_template
from ..base import TUI_FOLDER, KScreen, Plain, literal
from ..title_bar import TitleBar


def _when(occurrence) -> str:
    return occurrence.key if occurrence is not None else ""


class HomeScreen(KScreen):
    CSS_PATH = TUI_FOLDER / "home.tcss"
    #: The next meeting of each series starts with its number key (or Enter on its line).
    BINDINGS = [
        Binding(str(n), f"start_next({n - 1})", "keys.next_meeting", show=n == 1, key_display="1-9")
        for n in range(1, 10)
    ]

    def __init__(self, store: SessionStore) -> None:
        super().__init__()
        self.store = store
        self._next: list[tuple[object, object]] = []  # (series, occurrence), in list order

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="home"):
            yield Plain(t("app.tagline"), classes="muted")
            yield from self._next_meetings()
            yield Plain(t("home.start"), classes="pane-title")
            yield OptionList(*self._template_options(), id="home-templates")
            yield Plain(t("home.resume"), classes="pane-title")
            listing, folder_problem = self._listing()
            sessions = sorted(listing, key=lambda i: -(i.created_at or 0))
            options = [
                Option(
                    literal(
                        f"{time.strftime('%Y-%m-%d', time.localtime(i.created_at or 0))}  {i.title}"
                    ),
                    id=f"ses:{i.id}",
                )
                for i in sessions[:20]
            ]
            yield OptionList(*options, id="home-sessions")
            if folder_problem:
                yield Plain(folder_problem, classes="muted home-unreadable")
            elif not sessions:
                yield Plain(t("home.no_sessions"), classes="muted")
            for problem in listing.problems:
                line = t("home.unreadable", name=problem.path.name, reason=problem.reason)
                yield Plain(literal(line), classes="muted home-unreadable")
            yield OptionList(Option(t("home.demo"), id="demo"), id="home-demo")
        yield Footer()

    def _next_meetings(self) -> ComposeResult:
        """「次回：1月24日（土）14:00 第8回 まんまの会 夢プラザ」, one line per series."""
        from ...series_cli import next_line
        from ...store.series import SeriesBook

        book = SeriesBook(self.store.root)
        try:
            found = [(series, book.next(series)) for series in book.all()]
            # soonest first; a series with nothing planned at the end
            self._next = sorted(found, key=lambda pair: (pair[1] is None, _when(pair[1])))
        except (OSError, ValueError) as error:  # an unreadable series file: said, not a crash
            reason = os_reason(error) if isinstance(error, OSError) else str(error)
            yield Plain(literal(t("home.unreadable", name="series.jsonl", reason=reason)))
            return
        if not self._next:
            return
        yield Plain(t("series.home_title"), classes="pane-title")
        options = [
            Option(literal(f"{n}  {next_line(series, occurrence)}"), id=f"next:{n - 1}")
            for n, (series, occurrence) in enumerate(self._next, start=1)
        ]
        yield OptionList(*options, id="home-next")

    def action_start_next(self, index: int) -> None:
        """Create the next meeting of the ``index``-th series and open it."""
        if not 0 <= index < len(self._next):
            return
        from ...calendar_export import meeting_title
        from ...store.series import SeriesBook

        series, occurrence = self._next[index]
        if occurrence is None:
            self.notify(t("series.no_next", name=series.name), markup=False)
            return
        try:
            template = self._template(occurrence.template)
            log = SeriesBook(self.store.root).create_next(
                series, template, meeting_title(occurrence), occurrence
            )
        except TemplateError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        except OSError as error:
            self._store_failed(error)
            return
        self.app.open_log(log, "facilitator")

    def _store_failed(self, error: OSError) -> None:
        """A read-only or full store: one notice, and the app goes on."""
        message = t("cli.os_error", path=error.filename or self.store.root, reason=os_reason(error))
        self.notify(message, severity="error", markup=False)

    def _template(self, ref: str):
        host = self.app.plugins
        return load_template(ref, host.stage_types(), host.templates())

    def _template_options(self) -> list[Option]:
        """Every template, the plugins' too, each with the id to type for ``kusanone start``."""
        ids = sorted({*builtin_names(), *self.app.plugins.templates()})
        options = []
        for ref in ids:
            try:
                title = pick(self._template(ref).title)
            except TemplateError:  # a plugin's broken template: listed, not startable
                continue
            line = Text(title)
            line.append(f"   {ref}", style="dim")
            options.append(Option(line, id=f"tpl:{ref}"))
        return options

    def _listing(self) -> tuple[Listing, str | None]:
        try:
            return self.store.list(), None
        except OSError as error:
            reason = os_reason(error)
            return Listing(), t("store.folder_unreadable", root=self.store.root, reason=reason)

    def on_mount(self) -> None:
        self.app.title = t("home.title")
        if self._next:
            self.query_one("#home-next", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        if choice.startswith("next:"):
            self.action_start_next(int(choice[5:]))
        elif choice.startswith("tpl:"):
            try:
                log = self.store.create(self._template(choice[4:]))
            except OSError as error:
                self._store_failed(error)
                return
            self.app.open_log(log, "facilitator")
        elif choice.startswith("ses:"):
            try:
                log = self.store.open(choice[4:])
            except NotASessionFile as error:
                name = error.path.name
                self.notify(t("home.unreadable", name=name, reason=error.reason), markup=False)
                return
            except (SessionNotFound, OSError, UnicodeDecodeError) as error:
                reason = os_reason(error) if isinstance(error, OSError) else str(error)
                self.notify(t("home.unreadable", name=choice[4:], reason=reason), markup=False)
                return
            self.app.open_log(log, "facilitator")
        elif choice == "demo":
            from ...demo import create_demo

            self.app.open_log(create_demo(), "facilitator")

    def update_view(self, state, now) -> None:  # no session yet
        pass

    def update_clock(self, state, now) -> None:
        pass
