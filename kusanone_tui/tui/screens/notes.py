"""The note-taker's screen (記録係): one line to capture what is said, and the session's notes.

Only the note-taker's own screen shows private entries. A draft is saved to disk as it is typed,
so a crash gives it back.

Every note typed lands once, in order, whole, however fast the keys come: the line is a
:class:`NoteInput`, which saves the text in the box at the moment Enter is read (see there).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ...i18n import pick, t
from ...meeting import Meeting, next_visibility
from ...model.events import DEFAULT_VISIBILITY
from ...model.state import MeetingState, Note
from ...store.drafts import Draft
from ..base import TUI_FOLDER, KScreen, Plain
from ..dialogs import ConfirmDialog, EditDialog
from ..title_bar import TitleBar
from ..widgets import KeyBar

_VIS_STYLE = {"public": "bold green", "minutes": "bold cyan", "private": "bold magenta"}

class NoteInput(Input):
    """The note-taker's line: Enter saves exactly the text in the box when Enter is read.

    A plain :class:`Input` inserts a letter as soon as it reads the key, but runs its Enter
    binding only after the key has gone up to the app and back; with keys arriving together (a
    stalled browser tab catching up, a paste, a fast typist) the letters typed after Enter were
    already in the box when the submit ran, and the handler that then cleared the box threw them
    away: notes were merged, saved twice and lost. Here Enter is handled in the order the keys
    arrive: the text is handed to ``send``, which saves it at once, and the box is emptied only if
    it was saved, before the next key is read. A note that could not be saved stays in the box.

    ``in_order``: other keys (the next note's visibility, speaker, group) that must take effect
    between the letters typed before and after them, handled here for the same reason.
    """

    def __init__(
        self,
        send: Callable[[str], bool],
        in_order: Mapping[str, Callable[[], object]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.send = send
        self.in_order = dict(in_order or {})

    def _on_key(self, event: events.Key) -> None:
        # Called before Input's own handler (Textual dispatches along the class's MRO);
        # prevent_default() keeps Input and its bindings from seeing the key again.
        if event.key == "enter" or event.key in self.in_order:
            event.stop()
            event.prevent_default()
            if event.key == "enter":
                self.take()
            else:
                self.in_order[event.key]()

    def _on_paste(self, event: events.Paste) -> None:
        """A pasted text of several lines goes into the box whole, its lines joined by spaces."""
        event.stop()
        event.prevent_default()  # Input's own paste would keep only the first line
        text = " ".join(line for line in event.text.splitlines() if line.strip())
        if text:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)

    def take(self) -> None:
        """Save the box's text now; empty the box only once it is saved."""
        text = self.value
        if text.strip() and self.send(text):
            self.value = ""

    async def action_submit(self) -> None:
        self.take()


class NotesScreen(KScreen):
    CSS_PATH = TUI_FOLDER / "notes.tcss"  # loaded by the app itself when it starts here
    BINDINGS = [
        Binding("ctrl+t", "toggle_visibility", "keys.toggle_visibility"),
        Binding("ctrl+g", "toggle_general", "keys.general"),
        Binding("ctrl+e", "edit", "keys.edit", priority=True),  # over the input's end-of-line
        Binding("ctrl+r", "redact", "keys.redact"),
        Binding("ctrl+l", "focus_list", "keys.to_list"),
        Binding("ctrl+o", "focus_input", "keys.to_input"),
        Binding("ctrl+b", "backstage", "keys.backstage"),
        Binding("ctrl+k", "cycle_group", "keys.group_cycle"),  # in the input: NoteInput
        Binding("ctrl+y", "summary", "keys.summary"),
        Binding("ctrl+n", "registry", "keys.registry"),
        Binding("f1", "app.show_role('facilitator')", "keys.facilitator"),
        Binding("f3", "app.show_role('projector')", "keys.projector"),
    ]

    def __init__(self, meeting: Meeting, draft: Draft | None = None) -> None:
        super().__init__()
        self.meeting = meeting
        self.draft = draft
        self.visibility = DEFAULT_VISIBILITY
        self.general = False  # True: the next note is a general note, not the speaker's update
        self.group_id: str | None = None  # in a breakout: the group whose notes are typed
        self._note_ids: list[str] = []
        self._rows: list[tuple[str, tuple]] = []
        self._draft_due = False
        self._saved_line = ""  # "saved (public)": beside the box, never over it

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Plain(id="notes-context")
        yield Plain(id="notes-followups", classes="muted")  # off the wall only: counts, no names
        yield OptionList(id="notes-list")
        yield Plain(id="notes-visibility")
        yield NoteInput(
            self.send_note,
            {
                "ctrl+t": self.action_toggle_visibility,
                "ctrl+g": self.action_toggle_general,
                "ctrl+k": self.action_cycle_group,
            },
            id="note-input",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        if self.draft is not None:
            text, visibility = self.draft.load()
            if text:
                self.query_one("#note-input", Input).value = text
                if visibility in _VIS_STYLE:
                    self.visibility = visibility
                self.notify(t("notes.restored"), timeout=4)
        self.update_view(self.app.shown_state(self.meeting.state), self.app.now())
        self.query_one("#note-input", Input).focus()

    # -- rendering ----------------------------------------------------------------------------
    def _show_visibility(self, state: MeetingState | None = None) -> None:
        """The line above the box: how the next note will be kept, whom it is about, and what
        was saved last — in words and large, so nobody types a private note as public."""
        label = t(f"visibility.{self.visibility}")
        line = Text.assemble(
            (f" {label} ", f"reverse {_VIS_STYLE[self.visibility]}"), ("  Ctrl+T", "dim")
        )
        if state is not None:
            pid = self._subject(state)
            who = state.participants[pid].name if pid is not None else t("notes.general")
            line.append("   → ")
            line.append(who, style="bold")
        if self._saved_line:
            line.append(f"   ✓ {self._saved_line}", style="dim")
        self.query_one("#notes-visibility", Plain).update(line)
        self.query_one("#note-input", Input).placeholder = t("notes.placeholder", vis=label)

    def _subject(self, state: MeetingState) -> str | None:
        """Whom the next note is about: the current speaker, unless a general note is chosen."""
        if self.general or state.turn is None:
            return None
        pid = state.turn.participant_id
        return pid if pid in state.participants else None

    def _about(self, state: MeetingState) -> str:
        parts = []
        group = state.breakout.groups.get(self.group_id or "")
        if group is not None:
            parts.append(t("breakout.group_context", name=pick(group.name)))
        if state.reflecting is not None and state.reflecting.phase:
            parts.append(t(f"reflecting.{state.reflecting.phase}"))
        pid = self._subject(state)
        if pid is not None:
            parts.append(t("notes.about", name=state.participants[pid].name))
        elif group is None:
            parts.append(t("notes.general"))
        return "  —  ".join(parts)

    def _line(self, state: MeetingState, note: Note) -> Text:
        stamp = time.strftime("%H:%M", time.localtime(note.at))
        who = state.participants.get(note.participant_id or "")
        label = t("keys.backstage") if note.backstage else t(f"visibility.{note.visibility}")
        line = Text.assemble(
            (f"[{label}] ", _VIS_STYLE.get(note.visibility, "")),
            (f"{stamp} ", "dim"),
        )
        group = state.breakout.groups.get(note.group_id or "")
        if group is not None:
            line.append(f"{pick(group.name)} ", style="italic")
        if "summary" in note.tags:
            line.append(f"[{t('breakout.summary')}] ", style="bold")
        if note.people:
            line.append(f"（{'、'.join(note.people)}）")
        if note.invited_to:
            line.append(f"→{note.invited_to} ")
        if who:
            line.append(f"{who.name}：", style="bold")
        if note.redacted:
            line.append(t("notes.redacted"), style="dim italic")
        else:
            line.append(note.text or "")
        return line

    def update_view(self, state: MeetingState, now: float) -> None:
        self.sub_title = t("role.notes")
        self.app.title = state.title or t("app.name")
        self._show_context(state)
        self._show_visibility(state)
        # On the facilitator's (projected) app the list holds what the wall may show; say so.
        listing = self.query_one("#notes-list", OptionList)
        listing.border_title = t("private.wall_hint") if self.app.wall_safe else None
        self._sync_list(state)

    def _show_context(self, state: MeetingState) -> None:
        stage = pick(state.stage.title) if state.stage else ""
        context = f"{stage}  —  {self._about(state)}" if stage else self._about(state)
        self.query_one("#notes-context", Plain).update(context)
        self._show_followups()

    def _show_followups(self) -> None:
        """「前回、まんまの会にお誘いした方：2件（F9）」 on the note-taker's own screen; nothing
        while this screen may be on the wall (the facilitator's app, not in the private view)."""
        from ...followups import calm_lines

        line = self.query_one("#notes-followups", Plain)
        log = self.meeting.log
        lines = [] if self.app.wall_safe else calm_lines(log.path.parent, log.session_id)
        line.update("\n".join(lines))
        line.display = bool(lines)

    def _sync_list(self, state: MeetingState) -> None:
        """Bring the list up to date, touching only the lines that changed.

        A meeting's notes only grow or change in place, so a new note costs one new line even
        with a thousand notes in the session; anything else rebuilds the list.
        """
        listing = self.query_one("#notes-list", OptionList)
        notes = list(state.notes.values())
        rows = [(note.id, self._row_key(state, note)) for note in notes]
        old = self._rows
        grown = len(rows) >= len(old) and all(rows[i][0] == old[i][0] for i in range(len(old)))
        if grown:
            for index, (row, previous) in enumerate(zip(rows, old, strict=False)):
                if row[1] != previous[1]:
                    listing.replace_option_prompt_at_index(index, self._line(state, notes[index]))
            fresh = notes[len(old) :]
            if fresh:
                listing.add_options([Option(self._line(state, n), id=n.id) for n in fresh])
        else:
            highlighted = listing.highlighted
            listing.clear_options()
            listing.add_options([Option(self._line(state, n), id=n.id) for n in notes])
            if notes:
                listing.highlighted = min(highlighted or 0, len(notes) - 1)
        self._rows = rows
        self._note_ids = [note_id for note_id, _ in rows]
        if self._note_ids and listing.highlighted is None:
            listing.highlighted = len(self._note_ids) - 1

    def _row_key(self, state: MeetingState, note: Note) -> tuple:
        who = state.participants.get(note.participant_id or "")
        return (note.text, note.visibility, note.redacted, who.name if who else None, note.tags)

    def update_clock(self, state: MeetingState, now: float) -> None:
        """Nothing here changes with time alone."""

    def selected_note(self) -> str | None:
        listing = self.query_one("#notes-list", OptionList)
        if listing.highlighted is None or not self._note_ids:
            return None
        return self._note_ids[min(listing.highlighted, len(self._note_ids) - 1)]

    # -- typing ---------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        """Keep the draft: once the keys that are waiting have been read, not at every key."""
        event.stop()
        if self.draft is not None and not self._draft_due:
            self._draft_due = True
            self.call_later(self._save_draft)

    def _save_draft(self) -> None:
        self._draft_due = False
        if self.draft is not None:
            self.draft.save(self.query_one("#note-input", Input).value, self.visibility)

    def send_note(self, text: str) -> bool:
        """Save one note now (called by the input as Enter is read); ``False`` if it was not."""
        state = self.meeting.state
        speaker = self._subject(state)
        group = self.group_id if self.group_id in state.breakout.groups else None
        saved = self.meeting.add_note(text, self.visibility, participant_id=speaker, group_id=group)
        if not saved:  # the app told why (a full disk, a read-only file); the text stays
            if self.draft is not None:
                self.draft.save(text, self.visibility)
            return False
        if self.draft is not None:
            self.draft.clear()  # what is in the box now is saved; later keys make a new draft
        # Said on the line above the box (a notice would cover it); then the next note starts
        # again from the usual visibility, so a private or public choice never carries on unseen.
        self._saved_line = t("notes.saved", vis=t(f"visibility.{self.visibility}"))
        self.visibility = DEFAULT_VISIBILITY
        self.app.refresh_now()
        listing = self.query_one("#notes-list", OptionList)
        if self._note_ids:
            listing.highlighted = len(self._note_ids) - 1
        return True

    # -- actions ----------------------------------------------------------------------------------
    def action_toggle_visibility(self) -> None:
        if self.focused is self.query_one("#notes-list", OptionList):
            note_id = self.selected_note()
            note = self.meeting.state.notes.get(note_id or "")
            if note is not None:
                self.meeting.set_visibility(note.id, next_visibility(note.visibility))
                self.app.refresh_now()
            return
        self.visibility = next_visibility(self.visibility)
        self._saved_line = ""
        self._show_visibility(self.app.shown_state(self.meeting.state))
        if self.draft is not None:
            self._save_draft()

    def action_toggle_general(self) -> None:
        self.general = not self.general
        shown = self.app.shown_state(self.meeting.state)
        self._show_context(shown)
        self._show_visibility(shown)

    def action_backstage(self) -> None:
        self.app.open_backstage(self.meeting)

    def action_cycle_group(self) -> None:
        """全体 → each group → 全体: whose notes the next lines are."""
        groups = [None, *self.meeting.state.breakout.groups]
        index = groups.index(self.group_id) if self.group_id in groups else 0
        self.group_id = groups[(index + 1) % len(groups)]
        self._show_context(self.app.shown_state(self.meeting.state))

    def action_summary(self) -> None:
        note = self.meeting.state.notes.get(self.selected_note() or "")
        if note is None:
            return
        if self.meeting.mark_summary(note.id):
            key = "breakout.summary_unset" if "summary" in note.tags else "breakout.summary_set"
            self.notify(t(key), timeout=2)
            self.app.refresh_now()

    def action_registry(self) -> None:
        note = self.meeting.state.notes.get(self.selected_note() or "")
        text = note.invited_to or note.text or "" if note is not None else ""
        self.app.open_registry("" if text == "・" else text)

    def action_edit(self) -> None:
        note_id = self.selected_note()
        note = self.meeting.state.notes.get(note_id or "")
        if note is None or note.redacted:
            return

        def edited(text: str | None) -> None:
            if text is not None:
                self.meeting.edit_note(note.id, text)
                self.app.refresh_now()

        self.app.push_screen(EditDialog(t("notes.edit_title"), note.text or ""), edited)

    def action_redact(self) -> None:
        note_id = self.selected_note()
        note = self.meeting.state.notes.get(note_id or "")
        if note is None or note.redacted:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.meeting.redact(note.id)
                self.notify(t("notes.redact_done"), timeout=2)
                self.app.refresh_now()

        self.app.push_screen(ConfirmDialog(t("notes.redact_confirm")), confirmed)

    def action_focus_list(self) -> None:
        self.query_one("#notes-list", OptionList).focus()

    def action_focus_input(self) -> None:
        self.query_one("#note-input", Input).focus()
