"""The home screen: start a meeting from a template, resume a session, open the demo."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ...i18n import pick, t
from ...store.sessions import SessionStore
from ...templates import builtin_names
from ...templates import load as load_template
from ..base import KScreen


class HomeScreen(KScreen):
    def __init__(self, store: SessionStore) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(t("app.tagline"), classes="muted")
            yield Static(t("home.start"), classes="pane-title")
            yield OptionList(
                *[Option(pick(load_template(n).title), id=f"tpl:{n}") for n in builtin_names()],
                id="home-templates",
            )
            yield Static(t("home.resume"), classes="pane-title")
            sessions = sorted(self.store.list(), key=lambda i: -(i.created_at or 0))
            options = [
                Option(
                    f"{time.strftime('%Y-%m-%d', time.localtime(i.created_at or 0))}  {i.title}",
                    id=f"ses:{i.id}",
                )
                for i in sessions[:20]
            ]
            yield OptionList(*options, id="home-sessions")
            if not sessions:
                yield Static(t("home.no_sessions"), classes="muted")
            yield OptionList(Option(t("home.demo"), id="demo"), id="home-demo")
        yield Footer()

    def on_mount(self) -> None:
        self.app.title = t("home.title")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        if choice.startswith("tpl:"):
            log = self.store.create(load_template(choice[4:]))
            self.app.open_log(log, "facilitator")
        elif choice.startswith("ses:"):
            self.app.open_log(self.store.open(choice[4:]), "facilitator")
        elif choice == "demo":
            from ...demo import create_demo

            self.app.open_log(create_demo(), "facilitator")

    def update_view(self, state, now) -> None:  # no session yet
        pass

    def update_clock(self, state, now) -> None:
        pass
