"""Toggles whose state reads in text, not only in colour: ☑ ticked, ☐ not ticked.

Textual's own check box draws the same ``X`` ticked or not and tells them apart by colour alone,
which a projector (or a person who does not see colour well) loses. These draw the state glyph
itself, in the same one cell, so nothing else about the widgets changes.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

ON = "☑"
OFF = "☐"


def glyph(value: bool) -> str:
    return ON if value else OFF


class StateCheckbox(Checkbox):
    """A :class:`Checkbox` showing ``☑`` or ``☐``."""

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:
        return glyph(self.value)


class StateSelectionList(SelectionList):
    """A :class:`SelectionList` whose every row starts with ``☑`` or ``☐``."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        inner = 1  # BUTTON_LEFT, BUTTON_INNER, BUTTON_RIGHT, " ", the prompt
        if len(segments) > inner and segments[inner].text == ToggleButton.BUTTON_INNER:
            _, style, control = segments[inner]
            segments[inner] = Segment(glyph(selection.value in self._selected), style, control)
            return Strip(segments, strip.cell_length)
        return strip
