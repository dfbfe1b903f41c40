"""The closing record's dialog (閉会の記録), opened with ``e`` in the closing stage.

Wall-safe by its nature: it holds only public things (a head-count, organisation names from the
community registry, a short public summary, a completion count), never a person's name. A few
keys: type how many others were in the room, space to tick organisations (or type a new one
and Enter), a summary, Enter.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, SelectionList

from ..closing import ClosingError, ClosingInput, parse_count
from ..i18n import t
from ..model.state import ClosingRecord
from ..model.text import clean_text
from .base import FrameScroll, KModal, Plain, PlainLabel, literal
from .toggles import StateSelectionList


class ClosingDialog(KModal[ClosingInput | None]):
    BINDINGS = [Binding("escape", "cancel", "keys.back")]

    def __init__(
        self,
        entered: int,
        organisations: list[str],
        current: ClosingRecord | None = None,
        ask_completed: bool = False,
    ) -> None:
        super().__init__()
        self.entered = entered
        chosen = [name for _, name in current.organisations] if current else []
        self.names = list(dict.fromkeys([*organisations, *chosen]))
        self.chosen = set(chosen)
        self.current = current
        self.ask_completed = ask_completed

    def compose(self) -> ComposeResult:
        current = self.current
        with FrameScroll(id="dialog", classes="closing"):
            yield PlainLabel(t("closing.title"), classes="dialog-title")
            yield Plain(t("closing.entered", count=self.entered))
            yield Plain(t("closing.others"), classes="pane-title")
            yield Input(
                value=str(current.others) if current and current.others else "",
                placeholder=t("closing.others_hint"),
                id="closing-others",
            )
            yield Plain(t("closing.total", count=self.entered), id="closing-total")
            yield Plain(t("closing.orgs"), classes="pane-title")
            yield StateSelectionList(
                *[(literal(name), name, name in self.chosen) for name in self.names],
                id="closing-orgs",
            )
            yield Input(placeholder=t("closing.add_org"), id="closing-new-org")
            yield Plain(t("closing.summary"), classes="pane-title")
            yield Input(value=current.summary if current else "", id="closing-summary")
            if self.ask_completed:
                yield Plain(t("closing.completed"), classes="pane-title")
                completed = current.completed if current and current.completed else ""
                yield Input(value=str(completed), id="closing-completed")
            yield Plain("", id="closing-error")
            with Horizontal(classes="buttons"):
                yield Button(t("closing.save"), variant="primary", id="closing-save")
                yield Button(t("closing.cancel"), id="closing-cancel")

    def on_mount(self) -> None:
        self.query_one("#closing-others", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "closing-others":
            try:
                others = parse_count(event.value, t("closing.others"))
            except ClosingError:
                return
            total = self.query_one("#closing-total", Plain)
            total.update(t("closing.total", count=self.entered + others))

    def _add_org(self, raw: str) -> None:
        name = clean_text(raw).strip()
        if not name:
            return
        orgs = self.query_one("#closing-orgs", SelectionList)
        if name not in self.names:
            self.names.append(name)
            orgs.add_option((literal(name), name, True))
        orgs.select(name)

    def _result(self) -> ClosingInput:
        others = parse_count(self.query_one("#closing-others", Input).value, t("closing.others"))
        completed = None
        if self.ask_completed:
            raw = self.query_one("#closing-completed", Input).value
            completed = parse_count(raw, t("closing.completed")) if raw.strip() else None
        pending = self.query_one("#closing-new-org", Input).value
        self._add_org(pending)  # typed but not yet entered: taken all the same
        selected = self.query_one("#closing-orgs", SelectionList).selected
        return ClosingInput(
            others=others,
            organisations=tuple(name for name in self.names if name in selected),
            summary=self.query_one("#closing-summary", Input).value,
            completed=completed,
        )

    def _finish(self) -> None:
        try:
            result = self._result()
        except ClosingError as error:
            self.query_one("#closing-error", Plain).update(str(error))
            return
        self.dismiss(result)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "closing-new-org":
            self._add_org(event.value)
            event.input.value = ""
            return
        self._finish()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "closing-save":
            self._finish()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
