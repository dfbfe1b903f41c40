"""Widgets that render parts of the meeting state. They never write to the log."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ..i18n import pick, t
from ..model.state import MeetingState
from .base import clock_text


class Agenda(Static):
    """The template's stages with their time boxes; the current one marked."""

    def show(self, stages, current: int | None) -> None:
        # A grid measures cells, so Japanese titles and the minutes column stay aligned.
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=1)
        grid.add_column(ratio=1, overflow="fold")
        grid.add_column(justify="right", style="dim", no_wrap=True)
        for index, (title, minutes, *_rest) in enumerate(stages):
            here = index == current
            grid.add_row(
                "▶" if here else "",
                Text(pick(title), style="bold reverse" if here else ""),
                t("meeting.minutes_short", m=f"{minutes:g}"),
            )
        self.update(grid)


class MeetingClock(Static):
    """Time since the meeting started, against the planned length."""

    def show(self, state: MeetingState, now: float) -> None:
        if state.template is None or state.meeting_started_at is None:
            self.update(t("meeting.not_started"))
            return
        elapsed = clock_text(state.meeting_elapsed(now) + 0.0)
        self.update(t("meeting.elapsed", elapsed=elapsed, planned=f"{state.template.minutes:g}"))
