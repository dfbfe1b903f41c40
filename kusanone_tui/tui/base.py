"""Pieces every screen shares: translated key bindings and formatting helpers."""

from __future__ import annotations

import dataclasses
from typing import Generic, TypeVar

from rich.text import Text
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


class KScreen(Screen):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)


ResultType = TypeVar("ResultType")


class KModal(ModalScreen[ResultType], Generic[ResultType]):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)


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
