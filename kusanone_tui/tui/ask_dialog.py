"""The core's dialog for a plugin's question (``api.ask``): a text, a whole number within
bounds, one of a list, or a yes/no.

The plugin never touches a widget: it gives words, the core draws them literally (a plugin's
prompt is data like anyone's text) and hands back a checked answer. The dialog opens over the
facilitator's screen, which may be on the wall, so it shows only the question and what is typed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, OptionList
from textual.widgets.option_list import Option

from ..api import Question
from ..i18n import t
from .base import FrameScroll, KModal, Plain


class AskDialog(KModal[tuple[Any] | None]):
    """Dismissed with ``(answer,)``, or ``None`` when closed without an answer."""

    BINDINGS = [Binding("escape", "cancel", "keys.back")]

    def __init__(self, question: Question, plugin_title: str) -> None:
        super().__init__()
        self.question = question
        self.plugin_title = plugin_title

    def compose(self) -> ComposeResult:
        question = self.question
        with FrameScroll(id="dialog", classes="ask-dialog"):
            yield Plain(self.plugin_title, classes="dialog-hint")
            yield Plain(question.prompt, classes="dialog-title", id="ask-prompt")
            if question.kind in ("text", "number"):
                default = "" if question.default is None else str(question.default)
                yield Input(
                    value=default,
                    placeholder=self._placeholder(),
                    type="text",
                    id="ask-input",
                )
                yield Plain("", id="ask-error", classes="dialog-hint")
                with Horizontal(classes="buttons"):
                    yield Button(t("ask.ok"), variant="primary", id="ask-ok")
                    yield Button(t("ask.cancel"), id="ask-cancel")
            elif question.kind == "choice":
                yield OptionList(
                    *[
                        Option(Text(choice), id=f"c{i}")
                        for i, choice in enumerate(question.choices)
                    ],
                    id="ask-choices",
                )
            else:
                with Horizontal(classes="buttons"):
                    yield Button(t("confirm.yes"), variant="primary", id="ask-yes")
                    yield Button(t("confirm.no"), id="ask-no")

    def _placeholder(self) -> str:
        if self.question.kind == "number":
            return self.question._range_text()
        return t("ask.placeholder")

    def on_mount(self) -> None:
        if self.question.kind in ("text", "number"):
            self.query_one("#ask-input", Input).focus()
        elif self.question.kind == "choice":
            choices = self.query_one("#ask-choices", OptionList)
            if self.question.default in self.question.choices:
                choices.highlighted = self.question.choices.index(self.question.default)
            choices.focus()
        else:
            self.query_one("#ask-yes" if self.question.default else "#ask-no", Button).focus()

    def _submit(self, raw: object) -> None:
        try:
            value = self.question.check(raw)
        except ValueError as error:  # one calm line under the box; the dialog stays
            self.query_one("#ask-error", Plain).update(str(error))
            return
        self.dismiss((value,))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit(event.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss((self.question.choices[event.option_index],))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id
        if button == "ask-ok":
            self._submit(self.query_one("#ask-input", Input).value)
        elif button in ("ask-yes", "ask-no"):
            self.dismiss((button == "ask-yes",))
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
