"""The projector's screen: what the whole room reads, from the back.

It is built only from a :class:`~kusanone_tui.model.views.ProjectorView`, which holds no
minutes-only or private entry, no pass, and no name of someone who asked not to be shown. It holds
no reference to the log, and no key changes the meeting.

The layout is designed for a small grid, about 60×18 cells (a big terminal font, or a browser
window whose font ``kusanone serve`` sizes so that this grid fills it): the stage's title and
the clock, who speaks now and next, the stage's panel and rules, and the newest public notes,
older ones giving way. On larger grids it uses the room instead of leaving it empty: the rules
and the notes side by side, the notes in two or three columns, more space around each block.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from ...i18n import pick, t
from ...model.views import ProjectorView, PublicNote
from ..base import TUI_FOLDER, KScreen, Plain, clock_text, fit_lines
from ..panels import phase_rules, show_panel, view_panel

#: Notes shown before the screen knows its size (the first draw).
BOARD_SIZE = 8

#: The board's columns: one under this many cells, two under the next, else three.
BOARD_COLUMNS = (60, 110)

#: Cells between two columns of notes.
COLUMN_GAP = 3


def big(text: str) -> str:
    """``text`` drawn at least double-width: Latin letters as their full-width forms
    (ＭＩＤＯＲＩ), a space as an ideographic space; kana and kanji are double-width already.
    Digits stay as they are (``参加者2``: the label the room knows)."""
    out = []
    for char in text:
        if char == " ":
            out.append("\u3000")
        elif char.isascii() and char.isalpha():
            out.append(chr(ord(char) + 0xFEE0))
        else:
            out.append(char)
    return "".join(out)


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class ProjectorScreen(KScreen):
    CSS_PATH = TUI_FOLDER / "projector.tcss"  # loaded by the app itself when it starts here
    BINDINGS = [
        Binding("f1", "app.show_role('facilitator')", "keys.facilitator", show=False),
        Binding("f2", "app.show_role('notes')", "keys.notes", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._view: ProjectorView | None = None
        self._heights: dict[tuple[str, str, str | None, int], int] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="projector"):
            with Horizontal(id="proj-top"):
                with Vertical(id="proj-heading"):
                    yield Plain(id="proj-meeting")
                    yield Plain(id="proj-stage")
                yield Digits("--:--", id="proj-timer")
            yield Plain(id="proj-speakers")
            with Horizontal(id="proj-bottom"):
                with Vertical(id="proj-rules-pane"):
                    yield Plain(id="proj-flow")
                    yield Plain(t("projector.rules"), classes="pane-title", id="proj-rules-title")
                    yield Plain(id="proj-rules")
                with Vertical(id="proj-board-pane"):
                    yield Plain(t("projector.board"), classes="pane-title", id="proj-board-title")
                    with Horizontal(id="proj-board"):
                        for number in range(len(BOARD_COLUMNS) + 1):
                            yield Plain(classes="board-column", id=f"proj-board-{number}")

    def on_mount(self) -> None:
        self.app.refresh_now()

    def on_resize(self) -> None:
        if self._view is not None:
            self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        if self._view is not None and self.is_mounted:
            self.show(self._view)

    @property
    def _tall(self) -> bool:
        return self.size.height >= 30

    @property
    def _roomy(self) -> bool:
        """A wide and tall grid: larger blocks, more space around them."""
        return self.size.width >= 120 and self.size.height >= 30

    def show(self, view: ProjectorView) -> None:
        """Render the room's view (called on every change and every second)."""
        self._view = view
        self.app.title = view.title or t("app.name")
        self._heading(view)
        timer = self.query_one("#proj-timer", Digits)
        remaining = view.remaining
        if view.reflecting is not None and view.reflecting.remaining is not None:
            remaining = view.reflecting.remaining  # the room follows the phase's time box
        timer.update(clock_text(remaining) if remaining is not None else "")
        timer.set_class(remaining is not None and remaining < 0, "over")
        timer.set_class(view.paused, "paused")
        flow = self.query_one("#proj-flow", Static)
        show_panel(flow, view_panel(view, rules=False), self.app.plugin_projector_text(view))
        self._speakers(view)
        rules = self._rules(view)
        self.query_one("#proj-rules", Static).update(fit_lines(rules, self._width("#proj-rules")))
        self.query_one("#proj-rules", Static).display = bool(rules)
        # under 30 rows the bullets say what they are: no title line
        self.query_one("#proj-rules-title", Static).display = bool(rules) and self._tall
        self.query_one("#proj-rules-pane").display = bool(rules) or flow.display
        self._board(view.board)

    # -- the parts ---------------------------------------------------------------------------
    def _width(self, selector: str) -> int:
        return self.query_one(selector).content_size.width

    def _heading(self, view: ProjectorView) -> None:
        if view.ended:
            title = t("meeting.ended")
        elif view.stage_title:
            title = pick(view.stage_title)
        else:
            title = t("meeting.before")
        stage = Text(big(title), style="bold")
        if view.paused:
            stage.append("\n" + t("projector.paused"), style="italic")
        self.query_one("#proj-stage", Static).update(stage)
        meeting = self.query_one("#proj-meeting", Static)
        meeting.update(Text(view.title, style="dim"))
        meeting.display = bool(view.title) and self._tall

    def _speakers(self, view: ProjectorView) -> None:
        band = self.query_one("#proj-speakers", Static)
        band.display = bool(view.speaker or view.next_speaker)
        if not band.display:
            return
        speakers = Text()
        speakers.append(f"{t('meeting.now')}  ", style="dim")
        speakers.append(big(view.speaker or "—"), style="bold")
        following = Text()
        following.append(f"{t('meeting.next')}  ", style="dim")
        following.append(view.next_speaker or "—")
        width = band.content_size.width
        if width and cells(speakers.plain) + 6 + cells(following.plain) > width:
            speakers.append("\n")  # a narrow screen: next on its own line
        else:
            speakers.append("      ")
        speakers.append_text(following)
        band.update(speakers)

    def _rules(self, view: ProjectorView) -> Text:
        if view.reflecting is not None and view.reflecting.phase is not None:
            lines = phase_rules(view.reflecting.phase)
        elif view.rules:
            lines = list(pick({k: list(v) for k, v in view.rules.items()}))
        elif view.stage_type in self.app.stage_types:
            kind = self.app.stage_types[view.stage_type][1]
            lines = list(pick({k: list(v) for k, v in kind.rules.items()})) if kind.rules else []
        else:
            lines = []
        text = Text()
        if view.note:
            text.append(pick(view.note) + ("\n" if lines else ""))
        text.append("\n".join(f"・{line}" for line in lines))
        return text

    def _note_text(self, note: PublicNote) -> Text:
        text = Text()
        if note.speaker:
            text.append(f"{note.speaker}：", style="bold")
        text.append(note.text)
        return text

    def _height(self, note: PublicNote, width: int) -> int:
        key = (note.id, note.text, note.speaker, width)
        if key not in self._heights:
            if len(self._heights) > 2000:
                self._heights.clear()
            lines = self._note_text(note).wrap(self.app.console, width)
            self._heights[key] = max(1, len(lines))
        return self._heights[key]

    def _board(self, board: Sequence[PublicNote]) -> None:
        """The newest public notes that fit, oldest first, in columns; older ones give way."""
        columns = list(self.query(".board-column").results(Static))
        area = self.query_one("#proj-board")
        width, height = area.content_size.width, area.content_size.height
        self.query_one("#proj-board-pane").display = bool(board)  # no empty title
        if width <= 0 or height <= 0:  # not laid out yet: the newest few, in one column
            count, shown = 1, [list(board[-BOARD_SIZE:])]
        else:
            count = 1 + sum(width >= limit for limit in BOARD_COLUMNS)
            column_width = max(10, (width - COLUMN_GAP * (count - 1)) // count)
            gap = 1 if self._roomy else 0
            shown = self._fill(board, count, column_width, height, gap)
        for number, column in enumerate(columns):
            column.display = number < count
            column.set_class(number < count - 1, "gap")
            if number >= count:
                continue
            text = Text()
            for index, note in enumerate(shown[number] if number < len(shown) else []):
                if index:
                    text.append("\n\n" if self._roomy else "\n")
                text.append_text(self._note_text(note))
            column.update(text)

    def _fill(
        self, board: Sequence[PublicNote], count: int, width: int, height: int, gap: int
    ) -> list[list[PublicNote]]:
        """The longest run of the newest notes that fits ``count`` columns of ``height`` lines,
        laid out oldest first, each note whole in one column (a note taller than a column is
        shown alone, its end cut)."""
        best: list[list[PublicNote]] = [[] for _ in range(count)]
        taken: list[PublicNote] = []
        for note in reversed(board):
            trial = [note, *taken]
            laid = self._lay(trial, count, width, height, gap)
            if laid is None:
                break
            taken, best = trial, laid
        if not taken and board:  # the newest note alone is taller than a column
            best[0] = [board[-1]]
            return best
        # Balanced: the shortest columns that still hold them all (no empty column beside a
        # full one).
        low, high = 1, height
        while low < high:
            middle = (low + high) // 2
            if self._lay(taken, count, width, middle, gap) is None:
                low = middle + 1
            else:
                high = middle
        return self._lay(taken, count, width, low, gap) or best

    def _lay(
        self, notes: list[PublicNote], count: int, width: int, height: int, gap: int
    ) -> list[list[PublicNote]] | None:
        laid: list[list[PublicNote]] = [[]]
        used = 0
        for note in notes:
            need = self._height(note, width) + (gap if laid[-1] else 0)
            if used + need > height:
                if len(laid) == count or not laid[-1]:
                    return None
                laid.append([])
                used, need = 0, self._height(note, width)
                if need > height:
                    return None
            laid[-1].append(note)
            used += need
        return laid + [[] for _ in range(count - len(laid))]
