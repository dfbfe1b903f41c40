"""Dialogs for the reflecting roles, backstage records and the community registry."""

from __future__ import annotations

import re
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option

from ..i18n import t
from ..model.backstage import KINDS, record_kind
from ..model.reflecting import roles_problem
from ..model.state import MeetingState
from .base import FrameScroll, KModal, Plain, PlainLabel, literal
from .toggles import StateSelectionList


def split_names(text: str) -> list[str]:
    """Names typed with Japanese or Latin commas: 「あおい、はると」 or "Aoi, Haruto"."""
    return [part.strip() for part in re.split(r"[、,，]", text) if part.strip()]


class RolesDialog(KModal[dict | None]):
    """Pick the talker, the interviewer and the team from the roster, or type names.

    It refuses, with a kind word in the dialog, a team with the talker or the interviewer on it,
    and a talker who is also the interviewer; the dialog stays open to put it right.
    """

    BINDINGS = [Binding("escape", "cancel", "keys.back")]

    def __init__(self, state: MeetingState) -> None:
        super().__init__()
        self.people = [(literal(p.name), p.id) for p in state.present]
        self.current = state.reflecting

    def compose(self) -> ComposeResult:
        current = self.current
        with FrameScroll(id="dialog"):
            yield PlainLabel(t("reflecting.roles_title"), classes="dialog-title")
            yield Plain(t("reflecting.talker"), classes="pane-title")
            talker = current.talkers[0] if current and current.talkers else None
            known = {pid for _, pid in self.people}
            yield Select(
                self.people,
                prompt=t("reflecting.talker"),
                id="roles-talker",
                value=talker if talker in known else Select.NULL,
            )
            yield Plain(t("reflecting.interviewer"), classes="pane-title")
            interviewer = current.interviewer if current else None
            yield Select(
                self.people,
                prompt=t("reflecting.interviewer"),
                id="roles-interviewer",
                value=interviewer if interviewer in known else Select.NULL,
            )
            yield Plain(
                t("reflecting.team") + "  " + t("reflecting.team_size"), classes="pane-title"
            )
            team = set(current.team) if current else set()
            yield StateSelectionList(
                *[(name, pid, pid in team) for name, pid in self.people], id="roles-team"
            )
            yield Input(placeholder=t("reflecting.typed"), id="roles-typed")
            yield Plain(t("reflecting.others"), classes="muted")
            yield Plain("", id="roles-error")
            with Horizontal(classes="buttons"):
                yield Button(t("reflecting.ok"), variant="primary", id="roles-ok")
                yield Button(t("join.cancel"), id="roles-cancel")

    def _result(self) -> dict:
        talker = self.query_one("#roles-talker", Select).value
        interviewer = self.query_one("#roles-interviewer", Select).value
        team = list(self.query_one("#roles-team", SelectionList).selected)
        team += split_names(self.query_one("#roles-typed", Input).value)
        return {
            "talkers": [talker] if isinstance(talker, str) else [],
            "interviewer": interviewer if isinstance(interviewer, str) else None,
            "team": team,
        }

    def _finish(self) -> None:
        """Close with the roles, or say kindly why not and stay open."""
        result = self._result()
        problem = roles_problem(result["talkers"], result["interviewer"], result["team"])
        error = self.query_one("#roles-error", Static)
        if problem is None:
            self.dismiss(result)
            return
        error.update(Text(t(f"reflecting.{problem}"), style="bold"))
        error.scroll_visible()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "roles-ok":
            self._finish()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish()

    def action_cancel(self) -> None:
        self.dismiss(None)


class BackstageDialog(KModal[dict | None]):
    """A quick backstage (ウラ) record: what kind of encounter, with whom, a word or two."""

    BINDINGS = [Binding("escape", "cancel", "keys.back")]

    def __init__(self, state: MeetingState, places: list[str], again: dict | None = None) -> None:
        """``again``: what was typed last time, when the disk refused it (nothing is lost)."""
        super().__init__()
        self.records = [n for n in state.notes.values() if n.backstage and not n.redacted]
        self.places = places
        self.again = again or {}

    def compose(self) -> ComposeResult:
        with FrameScroll(id="dialog"):
            yield PlainLabel(t("backstage.title"), classes="dialog-title")
            yield Plain(t("backstage.hint"), classes="muted")
            yield OptionList(*[Option(t(f"backstage.{k}"), id=k) for k in KINDS], id="ura-kind")
            again = self.again
            people = "、".join(again.get("people") or ())
            yield Input(people, placeholder=t("backstage.people"), id="ura-people")
            invited = again.get("invited_to") or ""
            yield Input(invited, placeholder=t("backstage.invited_to"), id="ura-invited")
            if self.places:
                yield Plain("・" + "　・".join(self.places[:12]), classes="muted")
            yield Input(again.get("text", ""), placeholder=t("backstage.text"), id="ura-text")
            with Horizontal(classes="buttons"):
                yield Button(t("backstage.save"), variant="primary", id="ura-save")
                yield Button(t("join.cancel"), id="ura-cancel")
            yield Plain(t("backstage.recent"), classes="pane-title")
            lines = Text()
            for note in self.records[-8:]:
                kind = record_kind(note.tags) or "other"
                stamp = time.strftime("%H:%M", time.localtime(note.at))
                lines.append(f"{stamp} {t(f'backstage.{kind}')}", style="bold")
                if note.people:
                    lines.append(f"（{'、'.join(note.people)}）")
                if note.invited_to:
                    lines.append(f" → {note.invited_to}")
                if note.text and note.text != "・":
                    lines.append(f"  {note.text}")
                lines.append("\n")
            # On the wall the earlier records are not drawn at all: say where they are.
            empty = t("backstage.in_private_view" if self.app.wall_safe else "backstage.none")
            yield Plain(lines if self.records else empty, id="ura-recent")

    def on_mount(self) -> None:
        kinds = self.query_one("#ura-kind", OptionList)
        kinds.highlighted = 0
        kinds.focus()

    def _result(self) -> dict:
        kinds = self.query_one("#ura-kind", OptionList)
        kind = KINDS[kinds.highlighted or 0]
        return {
            "kind": kind,
            "people": split_names(self.query_one("#ura-people", Input).value),
            "invited_to": self.query_one("#ura-invited", Input).value.strip() or None,
            "text": self.query_one("#ura-text", Input).value.strip(),
        }

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#ura-people", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on: kind → with whom → invited to → note → saved."""
        event.stop()
        following = {"ura-people": "#ura-invited", "ura-invited": "#ura-text"}
        if event.input.id in following:
            self.query_one(following[event.input.id], Input).focus()
        else:
            self.dismiss(self._result())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self._result() if event.button.id == "ura-save" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


REGISTRY_KINDS = ("group", "activity", "collaboration")


class RegistryDialog(KModal[dict | None]):
    """Record a group, an activity that was born, or a collaboration, from a note."""

    BINDINGS = [Binding("escape", "cancel", "keys.back")]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with FrameScroll(id="dialog"):
            yield PlainLabel(t("registry.title"), classes="dialog-title")
            yield OptionList(
                *[Option(t(f"registry.{k}"), id=k) for k in REGISTRY_KINDS], id="reg-kind"
            )
            yield Input(value=self.text, placeholder=t("registry.name"), id="reg-name")
            yield Input(
                value=time.strftime("%Y-%m-%d"), placeholder=t("registry.born_on"), id="reg-date"
            )
            yield Input(placeholder=t("registry.with_groups"), id="reg-groups")
            yield Plain("", id="reg-error", classes="muted")
            with Horizontal(classes="buttons"):
                yield Button(t("backstage.save"), variant="primary", id="reg-save")
                yield Button(t("join.cancel"), id="reg-cancel")

    def on_mount(self) -> None:
        kinds = self.query_one("#reg-kind", OptionList)
        kinds.highlighted = 0
        kinds.focus()

    def _result(self) -> dict | None:
        date = self.query_one("#reg-date", Input).value.strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            self.query_one("#reg-error", Static).update(t("registry.bad_date"))
            return None
        name = self.query_one("#reg-name", Input).value.strip()
        if not name:
            return None
        return {
            "kind": REGISTRY_KINDS[self.query_one("#reg-kind", OptionList).highlighted or 0],
            "name": name,
            "date": date,
            "groups": split_names(self.query_one("#reg-groups", Input).value),
        }

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#reg-name", Input).focus()

    def _finish(self) -> None:
        result = self._result()
        if result is not None:
            self.dismiss(result)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "reg-save":
            self._finish()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
