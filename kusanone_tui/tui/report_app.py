"""The community report in the terminal: the tables and text bars of the four figures."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from ..i18n import t
from ..report import Report, bars, to_markdown
from .base import Plain
from .title_bar import TitleBar


class ReportApp(App):
    CSS = "#report { padding: 1 3; } #bars { margin: 1 0; }"
    BINDINGS = [Binding("q,escape,ctrl+q", "quit", "quit")]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="report"):
            yield Plain(f"{t('report.chart')}\n\n{bars(self.report)}", id="bars")
            yield Markdown(to_markdown(self.report))

    def on_mount(self) -> None:
        self.title = t("report.title")
