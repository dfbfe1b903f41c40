"""The community screen (F8) and the follow-ups dialog (F9).

The community screen lists the registry (groups, activities, collaborations, activity days,
public connection stories, help requests), searches it, and adds, edits, merges, retires and
logs activity days — each change one event in the registry. It is opened from the facilitator's
screen too, which is on the wall: it shows only public names and counts (no private story, no
name of someone who offered help).

The follow-ups dialog (ウラのつづき) is private: the note-taker's app, or the facilitator's in
the private view, only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, OptionList
from textual.widgets.option_list import Option

from ..community_actions import change_entry
from ..i18n import t
from ..store.registry import Registry, RegistryError, kind_title, label
from .base import FrameScroll, KModal, Plain, PlainLabel, literal

ADD_TYPES = ("group", "activity", "collaboration", "story", "help")


def entry_line(registry: Registry, typ: str, record: Any) -> Text:
    """One public line of an entry (names, kinds, dates, counts; never a private name)."""
    names = {i: label(r) for i, (_k, r) in registry.folded().entries.items()}
    parts = [t(f"community.type.{typ}")]
    if hasattr(record, "kind"):
        parts.append(f"〔{kind_title(record.kind)}〕")
    if typ == "day":
        parts.append(names.get(record.activity, record.activity))
        parts.append(t("community.people", count=record.count))
        parts.append(record.on)
    else:
        parts.append(label(record))
        when = getattr(record, "born_on", "") or getattr(record, "on", "")
        if typ == "group":
            when = record.since
        parts.append(when + (f"〜{record.ended}" if record.ended else ""))
    links = [*getattr(record, "groups", ()), *getattr(record, "entries", ())]
    if getattr(record, "activity", "") and typ != "day":
        links.append(record.activity)
    if links:
        parts.append("← " + "・".join(names.get(i, i) for i in links))
    if typ == "help":
        parts.append(
            t("community.closed", helped=record.helped, on=record.closed)
            if record.closed
            else t("community.open_request", offers=len(record.offers))
        )
    return literal("  ".join(p for p in parts if p))


class CommunityScreen(KModal[None]):
    """List, search, add, edit, merge, retire; log an activity day."""

    BINDINGS = [
        Binding("escape,f8", "close", "keys.back"),
        Binding("a", "add", "keys.community_add"),
        Binding("e", "edit", "keys.community_edit"),
        Binding("m", "merge", "keys.community_merge"),
        Binding("l", "log_day", "keys.community_log"),
        Binding("r", "retire", "keys.community_retire"),
        Binding("slash", "search", "keys.community_search", key_display="/"),
    ]

    def __init__(self, registry: Registry, attempt: Callable[..., Any] | None = None) -> None:
        super().__init__()
        self.registry = registry
        self.attempt = attempt or (lambda action, *a, **k: action(*a, **k))
        self.shown: list[tuple[str, Any]] = []

    def compose(self) -> ComposeResult:
        with FrameScroll(id="dialog"):
            yield PlainLabel(t("community.screen_title"), classes="dialog-title")
            yield Plain(t("community.screen_hint"), classes="muted")
            yield Input(placeholder=t("community.search"), id="com-search")
            yield OptionList(id="com-list")
            yield Plain("", id="com-message", classes="muted")

    def on_mount(self) -> None:
        self.sub_title = t("community.screen_title")
        self.refill()
        self.query_one("#com-list", OptionList).focus()

    # -- the list ------------------------------------------------------------------------------
    def refill(self) -> None:
        words = self.query_one("#com-search", Input).value
        entries = self.registry.search(words) if words.strip() else None
        if entries is None:
            entries = list(self.registry.folded().entries.values())
        entries = [
            (typ, rec)
            for typ, rec in entries
            if not rec.ended and getattr(rec, "visibility", "public") == "public"
        ]  # wall-safe: no private story; a retired entry only from the command line
        order = {typ: n for n, typ in enumerate(("group", "activity", "collaboration", "day"))}
        self.shown = sorted(entries, key=lambda e: order.get(e[0], 9))
        listing = self.query_one("#com-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(
            [Option(entry_line(self.registry, typ, rec), id=rec.id) for typ, rec in self.shown]
            or [Option(t("community.none"), disabled=True)]
        )
        if self.shown:
            listing.highlighted = min(highlighted or 0, len(self.shown) - 1)

    def current(self) -> tuple[str, Any] | None:
        index = self.query_one("#com-list", OptionList).highlighted
        if index is None or not (0 <= index < len(self.shown)):
            return None
        return self.shown[index]

    def say(self, text: str) -> None:
        self.query_one("#com-message", Plain).update(literal(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "com-search":
            self.refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#com-list", OptionList).focus()

    # -- changes -------------------------------------------------------------------------------
    def _run(self, action: str, ref: str | None, fields: dict[str, Any]) -> None:
        try:
            result = self.attempt(change_entry, self.registry, action, ref, fields)
        except RegistryError as error:
            self.say(str(error))
            return
        if result is not None:
            self.say(t(f"community.{result[0]}", name=label(result[1]) or result[1].id,
                       id=result[1].id))  # fmt: skip
        self.refill()

    def _ask(self, title: str, fields: list[tuple[str, str, str]], then, choices=()) -> None:
        self.app.push_screen(FieldsDialog(title, fields, choices), then)

    def _change(self, action: str, record: Any, title: str, fields) -> None:
        """Ask for ``fields``, then make the change ``action`` to ``record`` (one event)."""

        def done(result: dict | None) -> None:
            if result:
                self._run(action, record.id, result)

        self._ask(title, fields, done)

    def action_add(self) -> None:
        def done(result: dict | None) -> None:
            if result:
                self._run("add", None, result)

        self._ask(
            t("community.add_title"),
            [
                ("name", t("community.field_name"), ""),
                ("kind", t("community.field_kind"), ""),
                ("date", t("community.field_date"), time.strftime("%Y-%m-%d")),
                ("with", t("community.field_with"), ""),
            ],
            done,
            choices=[(k, t(f"community.type.{k}")) for k in ADD_TYPES],
        )

    def action_edit(self) -> None:
        entry = self.current()
        if entry is None:
            return
        typ, record = entry
        when = getattr(record, "born_on", "") or getattr(record, "on", "")
        if typ == "group":
            when = record.since
        fields = [
            ("name", t("community.field_name"), label(record)),
            ("date", t("community.field_date"), when),
        ]
        if hasattr(record, "kind"):
            fields.insert(1, ("kind", t("community.field_kind"), kind_title(record.kind)))
        if typ == "day":
            fields = [
                ("count", t("community.field_count"), str(record.count)),
                ("date", t("community.field_date"), record.on),
            ]
        title = t("community.edit_title", name=label(record) or record.on)
        self._change("edit", record, title, fields)

    def action_merge(self) -> None:
        entry = self.current()
        if entry is None:
            return
        record = entry[1]
        title = t("community.merge_title", name=label(record))
        self._change("merge", record, title, [("into", t("community.field_into"), "")])

    def action_retire(self) -> None:
        entry = self.current()
        if entry is None:
            return
        record = entry[1]
        self._change(
            "retire",
            record,
            t("community.retire_title", name=label(record) or record.id),
            [("date", t("community.field_ended"), time.strftime("%Y-%m-%d"))],
        )

    def action_log_day(self) -> None:
        entry = self.current()
        if entry is None or entry[0] != "activity":
            self.say(t("community.pick_activity"))
            return
        record = entry[1]

        def done(result: dict | None) -> None:
            if result:
                self._run("log", record.id, result)

        self._ask(
            t("community.log_title", name=record.name),
            [
                ("date", t("community.field_date"), time.strftime("%Y-%m-%d")),
                ("count", t("community.field_count"), ""),
                ("note", t("community.field_note"), ""),
            ],
            done,
        )

    def action_search(self) -> None:
        self.query_one("#com-search", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class FieldsDialog(KModal[dict | None]):
    """A few labelled fields (and an optional choice first); Enter in the last one saves."""

    BINDINGS = [Binding("escape", "cancel", "keys.back")]

    def __init__(self, title: str, fields, choices=()) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with FrameScroll(id="dialog"):
            yield PlainLabel(self.title_text, classes="dialog-title")
            if self.choices:
                yield OptionList(
                    *[Option(literal(text), id=key) for key, text in self.choices], id="f-choice"
                )
            for key, text, value in self.fields:
                yield PlainLabel(text, classes="muted")
                yield Input(value=value, placeholder=text, id=f"f-{key}")
            with Horizontal(classes="buttons"):
                yield Button(t("backstage.save"), variant="primary", id="f-save")
                yield Button(t("join.cancel"), id="f-cancel")

    def on_mount(self) -> None:
        if self.choices:
            choice = self.query_one("#f-choice", OptionList)
            choice.highlighted = 0
            choice.focus()
        else:
            self.query_one(f"#f-{self.fields[0][0]}", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one(f"#f-{self.fields[0][0]}", Input).focus()

    def result(self) -> dict:
        out = {key: self.query_one(f"#f-{key}", Input).value for key, _t, _v in self.fields}
        if self.choices:
            index = self.query_one("#f-choice", OptionList).highlighted or 0
            out["type"] = self.choices[index][0]
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.dismiss(self.result())
        else:
            inputs[inputs.index(event.input) + 1].focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.result() if event.button.id == "f-save" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FollowupsDialog(KModal[None]):
    """ウラのつづき (private): earlier meetings' invitations and requests for help, with the
    display names; ``d`` done, ``x`` dropped. They fade on their own after a year."""

    BINDINGS = [
        Binding("escape,f9", "close", "keys.back"),
        Binding("d", "mark('done')", "keys.followup_done"),
        Binding("x", "mark('dropped')", "keys.followup_drop"),
    ]

    def __init__(self, load: Callable[[], list], mark: Callable[[str, str], Any]) -> None:
        super().__init__()
        self.load = load
        self.mark_key = mark
        self.items: list = []

    def compose(self) -> ComposeResult:
        with FrameScroll(id="dialog"):
            yield PlainLabel(t("followups.title"), classes="dialog-title")
            yield Plain("", id="fu-summary")
            yield OptionList(id="fu-list")
            yield Plain(t("followups.hint"), classes="muted")

    def on_mount(self) -> None:
        self.refill()
        self.query_one("#fu-list", OptionList).focus()

    def refill(self) -> None:
        from ..followups import summary

        self.items = self.load()
        lines = [
            t(
                f"followups.summary_{kind}",
                where=where or t("followups.somewhere"),
                count=count,
            )
            for kind, where, count in summary(self.items)
        ]
        self.query_one("#fu-summary", Plain).update(
            literal("\n".join(lines) or t("followups.none"))
        )
        listing = self.query_one("#fu-list", OptionList)
        listing.clear_options()
        for item in self.items:
            day = time.strftime("%Y-%m-%d", time.localtime(item.at))
            who = "、".join(item.people) or t("followups.no_name")
            where = f" → {item.invited_to}" if item.invited_to else ""
            text = f"  {item.text}" if item.text else ""
            listing.add_option(
                Option(literal(f"🔒 {day} {item.title}: {who}{where}{text}"), id=item.key)
            )
        if self.items:
            listing.highlighted = 0

    def action_mark(self, status: str) -> None:
        index = self.query_one("#fu-list", OptionList).highlighted
        if index is None or not (0 <= index < len(self.items)):
            return
        self.mark_key(self.items[index].key, status)
        self.refill()

    def action_close(self) -> None:
        self.dismiss(None)
