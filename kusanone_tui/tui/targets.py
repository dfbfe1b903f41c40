"""What a key will act on, always in sight: the roster's target row.

``x`` (leave), ``c`` (call), ``m`` (move group) and ``k`` (topic) act on one person: the row the
roster's cursor is on. That row is marked ``▸`` in text (readable on a projector, without colour)
and stays highlighted when the table does not have the focus, so nobody acts on a row they could
not see was chosen.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

TARGET = "▸"


def target_mark(mark: Text | str, here: bool) -> Text:
    """The roster's first cell: ``▸`` on the target row, then the row's own mark (▶, a number)."""
    cell = Text(TARGET if here else " ", style="bold")
    cell.append_text(mark if isinstance(mark, Text) else Text(mark))
    return cell


class RosterTable(DataTable):
    """A row table whose cursor row reads as chosen even while another widget has the focus."""

    DEFAULT_CSS = """
    RosterTable > .datatable--cursor {
        background: $block-cursor-background 70%;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    RosterTable:focus > .datatable--cursor {
        background: $block-cursor-background;
    }
    """
