"""Widgets that render parts of the meeting state. They never write to the log."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from ..i18n import pick, t
from ..model.state import MeetingState
from .base import Plain, clock_text


class Agenda(Plain):
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


class MeetingClock(Plain):
    """Time since the meeting started, against the planned length."""

    def show(self, state: MeetingState, now: float) -> None:
        if state.template is None or state.meeting_started_at is None:
            self.update(t("meeting.not_started"))
            return
        elapsed = clock_text(state.meeting_elapsed(now) + 0.0)
        self.update(t("meeting.elapsed", elapsed=elapsed, planned=f"{state.template.minutes:g}"))


class KeyBar(Plain):
    """The keys of the screen at hand, in one line: a light stand-in for Textual's Footer.

    The Footer makes a widget per key, which took a fifth of the start-up time; this draws the
    same keys as text. It lists what the screen allows now (see ``check_action``).
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def refresh_keys(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        # "?" (every key) comes first, so it never falls off a narrow screen.
        # Then "next", the keys of the stage at hand (they change), then the rest.
        stage_keys = getattr(self.screen, "stage_keys", frozenset())

        def order(active) -> int:
            action = active.binding.action
            if action == "help":
                return 0
            if action == "next_stage":  # moving the meeting on must never fall off the bar
                return 1
            return 2 if action in stage_keys else 3

        actives = sorted(self.screen.active_bindings.values(), key=order)
        for active in actives:
            binding, node = active.binding, active.node
            if not binding.show or not binding.description or binding.action in seen:
                continue
            if node.check_action(binding.action, ()) is False:
                continue
            seen.add(binding.action)
            key = binding.key_display or self.app.get_key_display(binding)
            text.append(f" {key} ", style="bold reverse")
            text.append(f"{binding.description} ")
        text.append(f" ^p {t('help.commands')}", style="dim")
        self.update(text)

    def on_mount(self) -> None:
        self.refresh_keys()
