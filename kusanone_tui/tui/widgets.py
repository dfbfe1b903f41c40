"""Widgets that render parts of the meeting state. They never write to the log."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..i18n import pick, t
from ..model.state import MeetingState
from .base import clock_text


class Agenda(Static):
    """The template's stages with their time boxes; the current one marked."""

    def show(self, stages, current: int | None) -> None:
        text = Text()
        for index, (title, minutes, *_rest) in enumerate(stages):
            mark = "▶ " if index == current else "  "
            style = "bold reverse" if index == current else ""
            text.append(f"{mark}{pick(title)}", style=style)
            text.append(f"  {t('meeting.minutes_short', m=f'{minutes:g}')}\n", style="dim")
        self.update(text)


class MeetingClock(Static):
    """Time since the meeting started, against the planned length."""

    def show(self, state: MeetingState, now: float) -> None:
        if state.template is None or state.meeting_started_at is None:
            self.update(t("meeting.not_started"))
            return
        elapsed = clock_text(state.meeting_elapsed(now) + 0.0)
        self.update(t("meeting.elapsed", elapsed=elapsed, planned=f"{state.template.minutes:g}"))
