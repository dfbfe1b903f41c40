"""Pieces every screen shares: translated key bindings and formatting helpers."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Generic, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from ..i18n import pick, t
from ..model.text import clean_text, is_clean


def translate_bindings(node: Screen) -> None:
    """Replace message keys (``"keys.next_stage"``) in binding descriptions by their text.

    BINDINGS are class attributes, made before the language is known; the footer and the
    command palette read them from each screen instance, so we translate them per instance.
    """
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            dataclasses.replace(b, description=t(b.description))
            if b.description.startswith("keys.")
            else b
            for b in bindings
        ]


#: Width classes on every screen and dialog (``-narrow`` under 100 columns, ``-medium`` under
#: 120, ``-wide`` from 120) and height classes (``-short`` under 30 rows): app.tcss fits the room's
#: terminal with them, from 80×24 up.
WIDTHS = [(0, "-narrow"), (100, "-medium"), (120, "-wide")]
HEIGHTS = [(0, "-short"), (30, "-tall")]


class KScreen(Screen):
    HORIZONTAL_BREAKPOINTS = WIDTHS
    VERTICAL_BREAKPOINTS = HEIGHTS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)


#: The style sheets' folder: app.tcss for the first screen, one sheet per other screen.
TUI_FOLDER = Path(__file__).parent

ResultType = TypeVar("ResultType")


class KModal(ModalScreen[ResultType], Generic[ResultType]):
    HORIZONTAL_BREAKPOINTS = WIDTHS
    CSS_PATH = TUI_FOLDER / "dialogs.tcss"  # read when the first dialog opens
    VERTICAL_BREAKPOINTS = HEIGHTS
    # F1–F3 reach their view from any dialog or the minutes too (a modal screen hides the app's
    # and the screens' bindings); the dialog closes, nothing half-typed is saved.
    BINDINGS = [
        Binding("f1", "app.show_role('facilitator')", show=False),
        Binding("f2", "app.show_role('notes')", show=False),
        Binding("f3", "app.show_role('projector')", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)


class FrameScroll(VerticalScroll, can_focus=False):
    """A frame that scrolls when the terminal is short but never takes the focus: a dialog
    (``#dialog``, its ``.buttons`` docked at its bottom in app.tcss, so they stay in view at
    80×24; the focus goes to its first field), the facilitator's stage panel."""


class Plain(Static):
    """A Static that never parses markup: people's text (and ours) is shown as it is.

    A name like ``Bob[/]`` would otherwise be read as a closing tag and end the meeting with a
    ``MarkupError``. Every text widget of the app is a :class:`Plain` or :class:`PlainLabel`;
    styled text is passed as a :class:`rich.text.Text`.
    """

    def __init__(self, content="", **kwargs) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)


class PlainLabel(Label):
    """A Label that never parses markup (see :class:`Plain`)."""

    def __init__(self, content="", **kwargs) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)


def literal(text: object) -> Text:
    """``text`` as a Rich Text shown exactly as written: for option lists and table cells."""
    return Text(clean_text(str(text), multiline=True))


def literal_text(part: object) -> Text:
    """A plugin's drawing as Text: a string is taken literally, and neither carries control."""
    if not isinstance(part, Text):
        return literal(part)
    if not is_clean(part.plain, multiline=True):
        part = part.copy()
        part.plain = clean_text(part.plain, multiline=True)
    return part


def clock_text(seconds: float | None) -> str:
    """``MM:SS``, or ``+MM:SS`` once the time box is passed (counting up, calmly)."""
    if seconds is None:
        return "--:--"
    sign = "+" if seconds < 0 else ""
    whole = int(abs(seconds) + (0 if seconds < 0 else 0.999))
    return f"{sign}{whole // 60:02d}:{whole % 60:02d}"


def stage_title(title) -> str:
    return pick(title) if title else ""


def anonymous(number: int) -> str:
    return t("people.anonymous", n=number)


#: Where a line may break: after a Japanese or Latin comma, a colon, a space. Never inside a name.
BREAKS = frozenset("、，,：: 　")


def fit_lines(text: Text | str, width: int) -> Text:
    """``text`` with its long lines broken at :data:`BREAKS`, so that a narrow column never
    breaks a line inside a name (``いま話している人：み / どり``). A continued line keeps the
    first one's indent. A single word wider than ``width`` is left for the widget to fold;
    ``width`` 0 (not laid out yet) changes nothing."""
    text = Text(text) if isinstance(text, str) else text
    if width <= 0 or all(cell_len(line) <= width for line in text.plain.split("\n")):
        return text
    out: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        indent = len(line.plain) - len(line.plain.lstrip(" 　"))
        while cell_len(line.plain) > width:
            cut, used = 0, 0
            for index, char in enumerate(line.plain):
                used += cell_len(char)
                if used > width:
                    break
                if char in BREAKS and index >= indent:
                    cut = index + 1
            if cut == 0:
                break  # one long word: folded by the widget
            head, line = line.divide([cut])
            out.append(head)
            rest = line.plain.lstrip(" 　")
            line = Text(" " * min(indent, width // 2)) + line[len(line.plain) - len(rest) :]
        out.append(line)
    return Text("\n").join(out)
