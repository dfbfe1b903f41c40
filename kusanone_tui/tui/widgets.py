"""Widgets that render parts of the meeting state. They never write to the log."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.screen import Screen

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


#: Textual's own keys that act on our screens, named from the catalogues (never in English).
BUILT_IN_KEYS = {
    "app.focus_next": "help.focus_next",
    "app.focus_previous": "help.focus_previous",
    "screen.copy_text": "help.copy",
    "command_palette": "help.palette_key",
    "app.command_palette": "help.palette_key",
}

#: Keys that must never fall off the key bar: every key, and the way on and back.
ESSENTIAL_ACTIONS = frozenset({"help", "next_stage", "prev_stage", "close", "cancel"})


@dataclass(frozen=True)
class KeyRow:
    """One key that acts now: as shown (``^q``), what it does, and how much it matters.

    ``rank``: 0 every key (``?``), 1 the way on and back (next, back, the other views),
    2 the keys of the stage at hand, 3 the rest of the screen's and the app's, 4 Textual's own.
    """

    key: str
    label: str
    action: str
    node: object
    rank: int
    show: bool


def screen_keys(screen: Screen) -> list[KeyRow]:
    """The keys that act on ``screen`` now, each action once, most important first.

    One list for the key bar, the key list (``?``) and the command palette: a key of another kind
    of stage, or of a plugin whose stage this is not, is not in it (``check_action`` says so);
    Textual's own keys are named from the catalogues; a focused widget's keys (moving a cursor,
    typing) are not listed.
    """
    app = screen.app
    stage_keys = getattr(screen, "stage_keys", frozenset())
    rows: list[KeyRow] = []
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding, node = active.binding, active.node
        if not active.enabled or binding.action in seen:
            continue
        if binding.action in BUILT_IN_KEYS:
            label, rank = t(BUILT_IN_KEYS[binding.action]), 4
        elif node is screen or node is app:
            label = binding.description
            if binding.action in ESSENTIAL_ACTIONS or binding.action.startswith("app.show_role"):
                rank = 0 if binding.action == "help" else 1
            else:
                rank = 2 if binding.action in stage_keys else 3
        else:
            continue  # a widget's own keys: cursor moves, typing
        if not label:
            continue
        seen.add(binding.action)
        key = binding.key_display or app.get_key_display(binding)
        rows.append(KeyRow(key, label, binding.action, node, rank, binding.show))
    return sorted(rows, key=lambda row: row.rank)  # stable: each rank keeps the screen's order


class KeyBar(Plain):
    """The keys of the screen at hand, in one line: a light stand-in for Textual's Footer.

    The Footer makes a widget per key, which took a fifth of the start-up time; this draws the
    same keys as text. It lists what the screen allows now (see ``check_action``), and never cuts
    a label: what does not fit is left out whole, the least needed first, so ``?`` (every key),
    the way on and the way back stay on the narrowest screen.
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

    def entries(self) -> list[tuple[str, str]]:
        """(key, label) of what the bar shows, in order, fitted to its width."""
        rows = [row for row in screen_keys(self.screen) if row.show and row.rank < 4]
        wanted = [(row.key, row.label) for row in rows]
        palette = ("^p", t("help.commands"))
        if any(row.action == "help" for row in rows):
            wanted.append(palette)  # last: dropped first when room is short
        else:  # "?" is typed into a box here: the palette is the way to every command
            wanted.insert(0, palette)
        width = self.content_size.width or max(self.app.size.width - 2, 0)
        shown: list[tuple[str, str]] = []
        used = 0
        for key, label in wanted:
            cost = cell_len(f" {key} {label} ")
            if used + cost <= width:
                shown.append((key, label))
                used += cost
        return shown

    def refresh_keys(self) -> None:
        text = Text(no_wrap=True, overflow="crop")
        for key, label in self.entries():
            text.append(f" {key} ", style="bold reverse")
            text.append(f"{label} ")
        self.update(text)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh_keys())
        self.refresh_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self.refresh_keys()
