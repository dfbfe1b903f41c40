"""The minutes (議事録) as they stand, in Textual's Markdown widget. Never private entries."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from ...i18n import t
from ...minutes import minutes_markdown, plugin_sections
from ...model.state import MeetingState
from ..base import TUI_FOLDER, KModal
from ..title_bar import TitleBar


class MinutesScreen(KModal[None]):
    CSS_PATH = [TUI_FOLDER / "dialogs.tcss", TUI_FOLDER / "minutes.tcss"]
    BINDINGS = [Binding("escape,f4", "close", "keys.back")]

    def __init__(self, state: MeetingState, host, public_only: bool = False) -> None:
        super().__init__()
        # On the wall (the facilitator's screen): what the projector may show, nothing more.
        sections = [] if public_only else plugin_sections(host, state, False)
        self.text = minutes_markdown(state, False, sections, public_only=public_only)
        self.public_only = public_only

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="minutes"):
            yield Markdown(self.text)

    def on_mount(self) -> None:
        # On the wall it is the public part only; the whole preview is in the private view.
        key = "minutes.screen_title_public" if self.public_only else "minutes.screen_title"
        self.sub_title = t(key)

    def action_close(self) -> None:
        self.dismiss(None)
