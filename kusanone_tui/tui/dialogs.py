"""Small modal dialogs: add a walk-in, confirm, edit a note, choose the round's order, help."""

from __future__ import annotations

from rich.align import Align
from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, OptionList, Select
from textual.widgets.option_list import Option

from ..i18n import t
from ..model.round import ORDER_MODES
from ..model.state import POSITIONS
from .base import FrameScroll, KModal, Plain, PlainLabel
from .toggles import StateCheckbox


class JoinDialog(KModal[dict | None]):
    """Add a walk-in: a display name is all that is needed; Enter adds at once."""

    BINDINGS = [Binding("escape", "cancel", "keys.back")]

    def __init__(self, again: dict | None = None) -> None:
        """``again``: what was typed last time, when the disk refused it (nothing is lost)."""
        super().__init__()
        self.again = again or {}

    def compose(self) -> ComposeResult:
        again = self.again
        with FrameScroll(id="dialog"):
            yield PlainLabel(t("join.title"), classes="dialog-title")
            yield Input(again.get("name", ""), placeholder=t("join.name"), id="join-name")
            yield Select(
                [(t(f"position.{p}"), p) for p in POSITIONS],
                prompt=t("join.position"),
                id="join-position",
                value=again.get("position") or Select.NULL,
            )
            yield StateCheckbox(
                t("join.show_name"), value=again.get("show_name", True), id="join-show"
            )
            yield StateCheckbox(
                t("join.minutes_name"), value=again.get("minutes_name", False), id="join-minutes"
            )
            with Horizontal(classes="buttons"):
                yield Button(t("join.add"), variant="primary", id="join-add")
                yield Button(t("join.cancel"), id="join-cancel")

    def _result(self) -> dict:
        name = self.query_one("#join-name", Input).value.strip() or t("people.guest")
        position = self.query_one("#join-position", Select).value
        return {
            "name": name,
            "position": position if isinstance(position, str) else None,
            "show_name": self.query_one("#join-show", Checkbox).value,
            "minutes_name": self.query_one("#join-minutes", Checkbox).value,
        }

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(self._result())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self._result() if event.button.id == "join-add" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(KModal[bool]):
    BINDINGS = [Binding("escape", "no", "keys.back")]

    def __init__(self, question: str, yes: str | None = None, no: str | None = None) -> None:
        """``yes``/``no``: the buttons' words when はい/いいえ would be unclear (「開く」)."""
        super().__init__()
        self.question = question
        self.labels = (yes or t("confirm.yes"), no or t("confirm.no"))

    def compose(self) -> ComposeResult:
        with FrameScroll(id="dialog"):
            yield Plain(self.question, classes="dialog-title")
            with Horizontal(classes="buttons"):
                yield Button(self.labels[0], variant="primary", id="yes")
                yield Button(self.labels[1], id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_no(self) -> None:
        self.dismiss(False)


class EditDialog(KModal[str | None]):
    BINDINGS = [Binding("escape", "cancel", "keys.back")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with FrameScroll(id="dialog"):
            yield PlainLabel(self.title_text, classes="dialog-title")
            yield Input(value=self.text, id="edit-text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class OrderDialog(KModal[str | None]):
    BINDINGS = [Binding("escape", "cancel", "keys.back")]

    def compose(self) -> ComposeResult:
        with FrameScroll(id="dialog"):
            yield PlainLabel(t("keys.order"), classes="dialog-title")
            yield OptionList(*[Option(t(f"order.{m}"), id=m) for m in ORDER_MODES])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpDialog(KModal[None]):
    """The keys that act on the screen below now, each once, with what they do (``?``).

    Escape, ``?`` and ``q`` close it. The rows come from :func:`.widgets.screen_keys`: the keys
    of the stage at hand and of its plugins, Textual's own named from the catalogues.
    """

    BINDINGS = [
        Binding("escape", "close", "keys.back"),
        Binding("question_mark,q", "close", show=False),
    ]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="help"):
            yield PlainLabel(t("help.title"), classes="dialog-title")
            width = max((cell_len(key) for key, _ in self.rows), default=4) + 2
            lines = [f"{key}{' ' * (width - cell_len(key))}{text}" for key, text in self.rows]
            yield Plain("\n".join(lines) or t("help.none"), id="help-keys", markup=False)
            with Vertical(classes="buttons"):
                yield Plain(t("help.palette"), classes="muted")
                yield Plain(t("help.close"), classes="muted")

    def action_close(self) -> None:
        self.dismiss(None)


class Palette(CommandPalette):
    """Textual's command palette (``Ctrl+P``) with its own texts from the catalogues."""

    def __init__(self, providers=None, *, placeholder: str | None = None, **kwargs) -> None:
        super().__init__(providers, placeholder=placeholder or t("palette.placeholder"), **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own (8.2.8), with the words "No matches found" from the catalogues.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("palette.no_matches"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
