"""Small modal dialogs: add a walk-in, confirm, edit a note, choose the round's order, help."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, OptionList, Select
from textual.widgets.option_list import Option

from ..i18n import t
from ..model.round import ORDER_MODES
from ..model.state import POSITIONS
from .base import KModal, Plain, PlainLabel
from .toggles import StateCheckbox


class JoinDialog(KModal[dict | None]):
    """Add a walk-in: a display name is all that is needed; Enter adds at once."""

    BINDINGS = [Binding("escape", "cancel", "keys.back")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield PlainLabel(t("join.title"), classes="dialog-title")
            yield Input(placeholder=t("join.name"), id="join-name")
            yield Select(
                [(t(f"position.{p}"), p) for p in POSITIONS],
                prompt=t("join.position"),
                id="join-position",
            )
            yield StateCheckbox(t("join.show_name"), value=True, id="join-show")
            yield StateCheckbox(t("join.minutes_name"), value=False, id="join-minutes")
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

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Plain(self.question, classes="dialog-title")
            with Horizontal(classes="buttons"):
                yield Button(t("confirm.yes"), variant="primary", id="yes")
                yield Button(t("confirm.no"), id="no")

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
        with Vertical(id="dialog"):
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
        with Vertical(id="dialog"):
            yield PlainLabel(t("keys.order"), classes="dialog-title")
            yield OptionList(*[Option(t(f"order.{m}"), id=m) for m in ORDER_MODES])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpDialog(KModal[None]):
    """Every key of the screen below, with what it does."""

    BINDINGS = [Binding("escape", "close", "keys.back"), Binding("question_mark", "close")]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="help"):
            yield PlainLabel(t("help.title"), classes="dialog-title")
            width = max((len(key) for key, _ in self.rows), default=4) + 2
            lines = [f"{key:<{width}}{text}" for key, text in self.rows]
            yield Plain("\n".join(lines), id="help-keys", markup=False)
            yield Plain(t("help.palette"), classes="muted")
            yield Plain(t("help.close"), classes="muted")

    def action_close(self) -> None:
        self.dismiss(None)
