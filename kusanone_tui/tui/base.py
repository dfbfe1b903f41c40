"""Pieces every screen shares: translated key bindings and formatting helpers."""

from __future__ import annotations

import dataclasses
from typing import Generic, TypeVar

from textual.screen import ModalScreen, Screen

from ..i18n import pick, t


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
