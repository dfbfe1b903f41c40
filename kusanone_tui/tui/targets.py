"""What a key will act on, always in sight: the roster's target row.

``x`` (leave), ``c`` (call), ``m`` (move group) and ``k`` (topic) act on one person: the row the
roster's cursor is on. That row is marked ``▸`` in text (readable on a projector, without colour)
and stays highlighted when the table does not have the focus, so nobody acts on a row they could
not see was chosen.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size, Spacing
from textual.scroll_view import ScrollView
from textual.strip import Strip

TARGET = "▸"


def target_mark(mark: Text | str, here: bool) -> Text:
    """The roster's first cell: ``▸`` on the target row, then the row's own mark (▶, a number)."""
    cell = Text(TARGET if here else " ", style="bold")
    cell.append_text(mark if isinstance(mark, Text) else Text(mark))
    return cell


#: Spaces on each side of a cell, as a DataTable draws them.
CELL_PADDING = 1
#: A column the roster narrows to fit its pane keeps at least this many cells.
MIN_CELLS = 4


class RosterTable(ScrollView, can_focus=True):
    """The roster: a header line and one line per person, with a row cursor that reads as chosen
    even while another widget has the focus; the first column carries the ``▸`` of the row the
    keys act on.

    It draws what a row-cursor ``DataTable`` drew (same cells, padding, colours, component
    classes, keys and mouse), but only that: a ``DataTable`` measured cells through Rich's
    console and carried a large style sheet, about a sixth of the time to the first screen.
    It keeps the few methods of ``DataTable`` that the screen and the tests use (``add_row``,
    ``clear``, ``cursor_row``, ``move_cursor``, ``get_row``, ``get_row_at``, ``row_count``).
    """

    COMPONENT_CLASSES = {
        "datatable--header",
        "datatable--cursor",
        "datatable--hover",
        "datatable--header-hover",
    }

    # DataTable's rules for what a row-cursor table without zebra stripes shows, then the
    # roster's own cursor (highlighted without the focus too).
    DEFAULT_CSS = """
    RosterTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;

        &:focus {
            background-tint: $foreground 5%;
            & > .datatable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .datatable--header {
                background-tint: $foreground 5%;
            }
        }
        & > .datatable--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .datatable--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .datatable--cursor {
            background: $block-cursor-background 70%;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .datatable--header-hover {
            background: $accent 30%;
        }
        & > .datatable--hover {
            background: $block-hover-background;
        }
    }
    """

    BINDINGS = [
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("ctrl+home", "scroll_top", show=False),
        Binding("ctrl+end", "scroll_bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._columns: list[tuple[str, Text, int | None]] = []  # key, label, fixed width
        self._widths: list[int] = []  # content widths: they grow, never shrink (as DataTable)
        self._fitted: tuple[tuple[int, tuple[int, ...]], list[int]] | None = None
        self._rows: dict[str, list[Text]] = {}
        self._keys: list[str] = []
        self.cursor_row = 0
        self._hover_row: int | None = None  # the mouse's row (-1: the header)

    # -- the DataTable methods the roster keeps ---------------------------------------------
    def add_column(self, label: str, *, key: str, width: int | None = None) -> None:
        text = Text(label)
        self._columns.append((key, text, width))
        self._widths.append(width if width is not None else cell_len(text.plain))
        self._update_size()

    def add_row(self, *cells: Text, key: str) -> None:
        self._rows[key] = list(cells)
        self._keys.append(key)
        for index, (_key, _label, width) in enumerate(self._columns):
            if width is None:
                self._widths[index] = max(self._widths[index], _width(cells[index]))
        self._update_size()

    def clear(self) -> None:
        """No rows, the cursor and the scroll back at the top (the columns stay)."""
        self._rows.clear()
        self._keys.clear()
        self.cursor_row = 0
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._update_size()

    @property
    def rows(self) -> dict[str, list[Text]]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._keys)

    def get_row(self, key: str) -> list[Text]:
        """The row's cells as shown: the first one with its ``▸`` when the cursor is on it."""
        return self.get_row_at(self._keys.index(key))

    def get_row_at(self, row: int) -> list[Text]:
        mark, *rest = self._rows[self._keys[row]]
        return [target_mark(mark, row == self.cursor_row), *rest]

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        self.cursor_row = min(max(row, 0), max(self.row_count - 1, 0))
        if scroll:
            self._scroll_cursor_into_view()
        self.refresh()

    # -- keys and mouse -----------------------------------------------------------------------
    def action_cursor_up(self) -> None:
        self._hover_row = None
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._hover_row = None
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._hover_row = None
        page = max(self.scrollable_content_region.height - 1, 1)
        self.scroll_relative(y=-page, animate=False)
        self.move_cursor(row=self.cursor_row - page + 1, scroll=False)

    def action_page_down(self) -> None:
        self._hover_row = None
        page = max(self.scrollable_content_region.height - 1, 1)
        self.scroll_relative(y=page, animate=False, force=True)
        self.move_cursor(row=self.cursor_row + page - 1, scroll=False)

    def action_scroll_top(self) -> None:
        self._hover_row = None
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self._hover_row = None
        self.move_cursor(row=self.row_count - 1)

    def _row_at(self, y: int) -> int | None:
        """The row under the line ``y`` of the widget (-1 the header), or ``None``."""
        if y <= 0:
            return -1 if y == 0 else None
        row = y - 1 + int(self.scroll_y)
        return row if row < self.row_count else None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        hover = None if offset is None else self._row_at(offset.y)
        if hover != self._hover_row:
            self._hover_row = hover
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover_row is not None:
            self._hover_row = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        row = None if offset is None else self._row_at(offset.y)
        if row is not None and row >= 0:
            self.move_cursor(row=row)
            event.stop()

    # -- drawing ------------------------------------------------------------------------------
    def fitted_widths(self) -> list[int]:
        """The columns' widths in the pane: a long name narrows the widest column (cut with
        "…") instead of pushing the 立場 column out of sight for everybody. Worked out once per
        pane width and content, not for every line drawn."""
        room = self.size.width
        if not room:  # not laid out yet
            return list(self._widths)
        key = (room, tuple(self._widths))
        if self._fitted is None or self._fitted[0] != key:
            free = [i for i, (_key, _label, fixed) in enumerate(self._columns) if fixed is None]
            self._fitted = (key, fit_widths(self._widths, free, room))
        return self._fitted[1]

    def on_resize(self) -> None:
        self._update_size()

    def _update_size(self) -> None:
        width = sum(w + 2 * CELL_PADDING for w in self.fitted_widths())
        self.virtual_size = Size(width, 1 + self.row_count)
        self.refresh()

    def _scroll_cursor_into_view(self) -> None:
        region = Region(0, self.cursor_row + 1, self.virtual_size.width, 1)
        self.scroll_to_region(region, animate=False, spacing=Spacing(1, 0, 0, 0), force=True)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        row = -1 if y == 0 else y - 1 + int(self.scroll_y)
        if row >= self.row_count:
            return Strip.blank(width, base)
        if row == -1:
            row_style = self.get_component_styles("datatable--header").rich_style
            cells = [label for _key, label, _width in self._columns]
        else:
            row_style = base
            cells = self.get_row_at(row)
        component = Style()
        if self._hover_row is not None and self._hover_row == row:
            component += self.get_component_styles("datatable--hover").rich_style
            if row == -1:
                component += self.get_component_styles("datatable--header-hover").rich_style
        if row == self.cursor_row and row >= 0:
            component += self.get_component_styles("datatable--cursor").rich_style
        post = Style.from_color(component.color) + Style.from_color(bgcolor=component.bgcolor)
        pre = row_style + component
        segments: list[Segment] = []
        widths = self.fitted_widths()
        for cell, content in zip(cells, widths, strict=False):
            segments.extend(_cell(cell, content, pre, post, self.app.console))
        used = sum(w + 2 * CELL_PADDING for w in widths)
        segments.append(Segment(" " * max(0, width - used), row_style + component))
        return Strip(segments).crop(0, width).adjust_cell_length(width, base).simplify()


def fit_widths(widths: list[int], free: list[int], room: int) -> list[int]:
    """``widths`` (cells per column, each padded by :data:`CELL_PADDING` on both sides) made
    to fit ``room``: the widest of the ``free`` columns gives way first, down to the next widest,
    then both together, never below :data:`MIN_CELLS`."""
    widths = list(widths)
    over = sum(w + 2 * CELL_PADDING for w in widths) - room
    while over > 0:
        shrinkable = sorted((i for i in free if widths[i] > MIN_CELLS), key=widths.__getitem__)
        if not shrinkable:
            break
        widest = shrinkable[-1]
        below = widths[shrinkable[-2]] if len(shrinkable) > 1 else MIN_CELLS
        step = min(over, max(widths[widest] - max(below, MIN_CELLS), 1))
        widths[widest] -= step
        over -= step
    return widths


def _width(cell: Text) -> int:
    return max((cell_len(line) for line in cell.plain.split("\n")), default=0)


def _cell(cell: Text, width: int, pre: Style, post: Style, console: object) -> Iterable[Segment]:
    """One cell on one line, as DataTable drew it: padded, cropped to ``width``, the row's
    style under the cell's own and the cursor's colours over it."""
    text = cell.copy()
    text.truncate(width, overflow="ellipsis")
    # the room left in the cell takes the row's style, not the cell's own (a bold ▸)
    fill = Segment(" " * (width - cell_len(text.plain) + CELL_PADDING), pre + post)
    yield Segment(" " * CELL_PADDING, pre + post)
    # the cell's own style under its spans' (Rich's render leaves the former to the console)
    own = pre + (Style.parse(text.style) if isinstance(text.style, str) else text.style)
    for segment in text.render(console):  # type: ignore[arg-type]
        if segment.text and segment.text != "\n":
            yield Segment(segment.text, own + (segment.style or Style()) + post)
    yield fill
