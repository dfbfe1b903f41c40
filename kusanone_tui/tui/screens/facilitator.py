"""The facilitator's screen (進行役): agenda, timers, roster and the round of updates.

This screen may be mirrored on the projector, so it follows the projector's rules too: no notes,
no mark for a pass, names only as people agreed.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from ...i18n import pick, t
from ...meeting import Meeting
from ...model import round as rounds
from ...model.state import MeetingState
from ...model.views import participant_label
from ..base import FrameScroll, KScreen, Plain, anonymous, clock_text, fit_lines, literal
from ..panels import flow_panel, show_panel
from ..targets import RosterTable
from ..title_bar import TitleBar
from ..widgets import Agenda, KeyBar, MeetingClock

#: Keys that belong to one kind of stage: the footer shows them only there, to stay calm.
STAGE_ACTIONS: dict[str, frozenset[str]] = {
    "round": frozenset({"next_turn", "pass_turn", "later", "order", "call"}),
    "reflecting": frozenset({"roles", "phase"}),
    "breakout": frozenset({"new_group", "bukai_group", "move_group", "balance", "topic"}),
    "closing": frozenset({"closing_record"}),
}


class FacilitatorScreen(KScreen):
    BINDINGS = [
        Binding("n", "next_stage", "keys.next_stage"),
        Binding("b", "prev_stage", "keys.prev_stage"),
        Binding("space", "pause", "keys.pause"),
        Binding("plus,equals_sign", "extend", "keys.extend", key_display="+"),
        Binding("a", "join", "keys.join"),
        Binding("x", "leave", "keys.leave"),
        Binding("t", "next_turn", "keys.next_turn"),
        Binding("s", "pass_turn", "keys.pass"),
        Binding("l", "later", "keys.later"),
        Binding("o", "order", "keys.order"),
        Binding("c", "call", "keys.call"),
        Binding("r", "roles", "keys.roles"),
        Binding("p", "phase", "keys.phase"),
        Binding("g", "new_group", "keys.group_new"),
        Binding("m", "move_group", "keys.group_move"),
        Binding("z", "balance", "keys.group_balance"),
        Binding("k", "topic", "keys.group_topic"),
        Binding("d", "bukai_group", "keys.group_bukai"),
        Binding("u", "backstage", "keys.backstage"),
        Binding("e", "closing_record", "keys.closing_record"),
        Binding("ctrl+z", "undo", "keys.undo"),
        Binding("f6", "room_theme", "keys.theme"),
        Binding("f2", "app.show_role('notes')", "keys.notes"),
        Binding("f3", "app.show_role('projector')", "keys.projector"),
    ]

    def __init__(self, meeting: Meeting, extra_bindings: list[tuple[str, str, str]] = ()) -> None:
        super().__init__()
        self.meeting = meeting
        for key, action, description in extra_bindings:  # plugins' commands with a key
            self._bindings.bind(key, action, description)
        self._roster_ids: list[str] = []
        stage = meeting.state.stage
        # Known from the start, so the first draw does not rebuild the footer.
        self._stage_type = (stage.type, rounds.in_round(meeting.state)) if stage else None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="facilitator"):
            with Vertical(id="agenda-pane", classes="pane"):
                yield Plain(t("meeting.agenda"), classes="pane-title")
                yield Agenda(id="agenda")
            with Vertical(id="centre-pane", classes="pane"):
                yield Plain(id="stage-title")
                yield Digits("--:--", id="stage-timer")
                yield MeetingClock(id="meeting-clock")
                yield Plain(id="round-now", classes="round-line")
                yield Plain(id="round-next", classes="round-line")
                yield Plain(id="round-status", classes="muted")
                # the private view only: 「前回、…にお誘いした方：2件（F9）」 (counts, no names)
                yield Plain(id="followups-line", classes="muted")
                # The stage's panel takes what is left and scrolls: the lines above stay in view.
                with FrameScroll(id="flow-scroll"):  # not focusable: the roster keeps the focus
                    yield Plain(id="flow-panel")
            with Vertical(id="roster-pane", classes="pane"):
                yield Plain(t("meeting.roster"), classes="pane-title")
                table = RosterTable(id="roster")
                table.add_column(" ", key="mark", width=3)
                table.add_column(t("join.name").split("（")[0].split(" (")[0], key="name")
                table.add_column(t("join.position").split("（")[0].split(" (")[0], key="position")
                yield table
                # what other terminals type for `kusanone open`; the header may cut it
                yield Plain(self.meeting.log.session_id, id="session-id", classes="muted")
        yield KeyBar()

    def on_mount(self) -> None:
        self.update_view(self.app.shown_state(self.meeting.state), self.app.now())

    @property
    def stage_keys(self) -> frozenset[str]:
        """Actions that belong to a kind of stage: the key bar shows them first."""
        plugin = {action for _, action, _ in self.app.plugin_bindings()}
        return frozenset().union(*STAGE_ACTIONS.values(), plugin)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "closing_record":  # in the closing stage, and once the meeting has ended
            state = self.meeting.state
            stage = state.stage
            return (stage is not None and stage.type == "closing") or (
                stage is None and state.meeting_ended_at is not None
            )
        if action in STAGE_ACTIONS["round"]:
            return rounds.in_round(self.meeting.state)  # also a plugin stage with turns
        for stage_type, actions in STAGE_ACTIONS.items():
            if action in actions:
                stage = self.meeting.state.stage
                return stage is not None and stage.type == stage_type
        return True

    # -- rendering ----------------------------------------------------------------------------
    def _label(self, state: MeetingState, pid: str | None) -> str:
        person = state.participants.get(pid or "")
        if person is None:
            return "—"
        label = participant_label(state, person, "public", anonymous)
        if self.app.wall_safe or label == person.name:
            return label
        return f"{label}（{person.name}）"  # the private view: who is behind 参加者N

    def update_view(self, state: MeetingState, now: float) -> None:
        self.sub_title = t("role.facilitator")
        self.app.title = state.title or t("app.name")
        stages = [(s.title, s.minutes) for s in state.template.stages] if state.template else []
        self.query_one(Agenda).show(stages, state.stage_index)
        stage = state.stage
        if stage is None:
            key = "meeting.ended" if state.meeting_ended_at else "meeting.not_started"
            self.query_one("#stage-title", Static).update(t(key))
        else:
            self.query_one("#stage-title", Static).update(pick(stage.title))
        self.update_clock(state, now)
        self._show_roster(state)
        self._show_followups()
        stage_type = (state.stage.type, rounds.in_round(state)) if state.stage else None
        if stage_type != self._stage_type:
            self._stage_type = stage_type
            self.refresh_bindings()  # the stage's own keys come and go with the stage
            self.query_one(KeyBar).refresh_keys()

    def _show_followups(self) -> None:
        """The follow-ups' calm line, in the private view only: this screen is on the wall."""
        line = self.query_one("#followups-line", Static)
        log = self.meeting.log
        lines: list[str] = []
        if not self.app.wall_safe:
            from ...followups import calm_lines  # the registry, read only in the private view

            lines = calm_lines(log.path.parent, log.session_id)
        line.update(literal("\n".join(lines)))
        line.display = bool(lines)

    def update_clock(self, state: MeetingState, now: float) -> None:
        """The parts that change with time alone (called every second)."""
        timer = self.query_one("#stage-timer", Digits)
        remaining = state.stage_remaining(now)
        timer.update(clock_text(remaining))
        timer.set_class(remaining is not None and remaining < 0, "over")
        timer.set_class(bool(state.clock and state.clock.paused_at is not None), "paused")
        self.query_one(MeetingClock).show(state, now)
        self._show_round(state, now)
        show_panel(
            self.query_one("#flow-panel", Static),
            flow_panel(state, now, self.app.room_view(state, now)),
            self.app.plugin_facilitator_text(state),
        )

    def _show_round(self, state: MeetingState, now: float) -> None:
        now_line = self.query_one("#round-now", Static)
        next_line = self.query_one("#round-next", Static)
        status = self.query_one("#round-status", Static)
        in_round = rounds.in_round(state)
        for widget in (now_line, next_line, status):
            widget.display = in_round  # no blank lines above the panel on 24 rows
        if not in_round:
            return
        speaker = state.turn.participant_id if state.turn else None
        # A narrow column breaks the line before the name, never inside it.
        line = f"{t('meeting.now')}：{self._label(state, speaker)}"
        now_line.update(fit_lines(line, now_line.content_size.width))
        now_line.set_class(rounds.turn_over_time(state, now), "turn-over")
        upcoming = rounds.next_speaker(state)
        line = f"{t('meeting.next')}：{self._label(state, upcoming)}"
        next_line.update(fit_lines(line, next_line.content_size.width))
        parts = []
        if rounds.round_done(state):
            parts.append(t("meeting.round_done"))
        elif speaker is None and not (state.spoken or state.passed):
            parts.append(t("meeting.round_ready"))
        if state.round_mode:
            parts.append(t("meeting.order_set", mode=t(f"order.{state.round_mode}")))
        status.update("\n".join(parts))

    def _show_roster(self, state: MeetingState) -> None:
        table = self.query_one("#roster", RosterTable)
        waiting = rounds.queue(state) if rounds.in_round(state) else []
        speaker = state.turn.participant_id if state.turn else None
        people = state.present
        ids = [p.id for p in people]
        cursor = min(max(table.cursor_row, 0), max(len(ids) - 1, 0))
        table.clear()
        for person in people:
            if person.id == speaker:
                mark = Text("▶", style="bold")
            elif person.id in waiting:
                mark = Text(str(waiting.index(person.id) + 1), style="dim")
            else:
                mark = Text("")  # spoken or passed look the same: no mark
            position = t(f"position.{person.position}") if person.position else ""
            group = state.breakout.groups.get(state.breakout.seats.get(person.id, ""))
            if group is not None and state.stage and state.stage.type == "breakout":
                position = pick(group.name)
            # the table puts the ▸ of the keys' target before the mark, wherever the cursor goes
            table.add_row(
                mark, literal(self._label(state, person.id)), literal(position), key=person.id
            )
        self._roster_ids = ids
        if ids:
            table.move_cursor(row=cursor)

    def selected_participant(self) -> str | None:
        table = self.query_one("#roster", RosterTable)
        if not self._roster_ids or table.cursor_row < 0:
            return None
        return self._roster_ids[min(table.cursor_row, len(self._roster_ids) - 1)]

    # -- actions --------------------------------------------------------------------------------
    def _after(self) -> None:
        self.app.refresh_now()

    def action_next_stage(self) -> None:
        self.meeting.next_stage()
        self._after()

    def action_prev_stage(self) -> None:
        self.meeting.previous_stage()
        self._after()

    def action_pause(self) -> None:
        self.meeting.toggle_pause()
        self._after()

    def action_room_theme(self) -> None:
        """F6: the room's colours, light (a lit room) or dark; every screen follows. It turns
        what this screen shows: most rooms mirror this screen, so the press must be seen here."""
        shown = self.app.room_theme_name(self.meeting.state)
        wanted = "dark" if shown == "light" else "light"
        if self.meeting.set_theme(wanted):
            self.notify(t(f"theme.{wanted}"), timeout=3)
        self._after()

    def action_extend(self) -> None:
        self.meeting.extend()
        self._after()

    def action_join(self) -> None:
        from ..dialogs import JoinDialog

        def added(result: dict | None) -> None:
            if not result:
                return
            if self.meeting.join(**result) is None:  # the disk refused: the app said why
                self.app.push_screen(JoinDialog(result), added)  # what was typed is still there
                return
            self.notify(t("join.added", name=result["name"]), timeout=3)
            self._after()

        self.app.push_screen(JoinDialog(), added)

    def action_leave(self) -> None:
        pid = self.selected_participant()
        if pid:
            self.meeting.leave(pid)
            self._after()

    def action_next_turn(self) -> None:
        self.meeting.next_turn()
        self._after()

    def action_pass_turn(self) -> None:
        self.meeting.pass_turn()
        self._after()

    def action_later(self) -> None:
        self.meeting.defer_turn()
        self._after()

    def action_call(self) -> None:
        pid = self.selected_participant()
        if pid:
            self.meeting.call(pid)
            self._after()

    def action_roles(self) -> None:
        from ..flow_dialogs import RolesDialog

        state = self.meeting.state
        if state.reflecting is None:
            return

        def chosen(roles: dict | None) -> None:
            if roles:
                self.meeting.set_roles(**roles)
                self.notify(t("reflecting.roles_saved"), timeout=2)
                self._after()

        self.app.push_screen(RolesDialog(self.app.shown_state(state)), chosen)

    def action_phase(self) -> None:
        self.meeting.next_phase()
        self._after()

    def action_new_group(self) -> None:
        from ..dialogs import EditDialog

        def named(name: str | None) -> None:
            if name:
                self.meeting.add_group(name)
                self._after()

        self.app.push_screen(EditDialog(t("breakout.new_group"), ""), named)

    def action_bukai_group(self) -> None:
        """``d``: a breakout group opened from a standing 部会 of the registry (picked from a
        list); the group remembers the 部会, and its notes are linked to it."""
        from ...api import Question
        from ...store.sessions import SessionStore, os_reason
        from ..ask_dialog import AskDialog

        try:
            registry = SessionStore(self.meeting.log.path.parent).community()
            standing = [g for g in registry.groups() if g.kind == "bukai" and not g.ended]
        except (OSError, ValueError) as error:
            reason = os_reason(error) if isinstance(error, OSError) else str(error)
            self.notify(t("closing.unreadable_registry", reason=reason), markup=False)
            return
        if not standing:
            self.notify(t("breakout.no_bukai"), timeout=5)
            return
        names = tuple(g.name for g in standing)

        def picked(result: tuple | None) -> None:
            if not result or result[0] not in names:
                return
            bukai = standing[names.index(result[0])]
            groups = self.meeting.state.breakout.groups.values()
            if any(group.bukai == bukai.id for group in groups):
                self.notify(t("breakout.bukai_open", name=bukai.name), markup=False, timeout=4)
                return
            if self.meeting.add_group(bukai.name, bukai=bukai.id):
                self.notify(t("breakout.bukai_opened", name=bukai.name), markup=False, timeout=3)
                self._after()

        question = Question("", t("breakout.from_bukai"), "choice", names)
        self.app.push_screen(AskDialog(question, t("breakout.groups")), picked)

    def action_move_group(self) -> None:
        pid = self.selected_participant()
        if pid:
            self.meeting.move_to_next_group(pid)
            self._after()

    def action_balance(self) -> None:
        if self.meeting.balance_groups():
            self.notify(t("breakout.balanced"), timeout=2)
            self._after()

    def action_topic(self) -> None:
        from ..dialogs import EditDialog

        state = self.meeting.state
        pid = self.selected_participant()
        gid = state.breakout.seats.get(pid or "")
        group = state.breakout.groups.get(gid or "")
        if group is None:
            return

        def typed(topic: str | None) -> None:
            if topic is not None:
                self.meeting.set_topic(group.id, topic)
                self._after()

        title = f"{pick(group.name)} — {t('breakout.topic')}"
        self.app.push_screen(EditDialog(title, group.topic), typed)

    def action_closing_record(self) -> None:
        """``e``: the closing record (head-count, organisations, summary) in a few keys."""
        from ...closing import ClosingError, record_closing
        from ...model.events import Actor
        from ...store.sessions import SessionStore, os_reason
        from ..closing_dialog import ClosingDialog

        state = self.meeting.state
        try:
            registry = SessionStore(self.meeting.log.path.parent).community()
            names = [group.name for group in registry.groups()]
        except (OSError, ValueError) as error:
            reason = os_reason(error) if isinstance(error, OSError) else str(error)
            self.notify(t("closing.unreadable_registry", reason=reason), markup=False)
            registry, names = None, []
        mark = state.series
        last_evening = bool(mark and mark.evening and mark.evening == mark.evenings)

        def recorded(result) -> None:
            if result is None:
                return
            try:
                with self.meeting.log.action("facilitator", "keys.closing_record"):
                    event = record_closing(
                        self.meeting.log, result, registry, Actor("facilitator")
                    )
            except ClosingError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            except OSError as error:
                self.notify(os_reason(error), severity="error", markup=False)
                return
            count, orgs = event.data["count"], len(event.data["organisations"])
            self.notify(t("closing.saved", count=count, orgs=orgs), timeout=4, markup=False)
            self._after()

        dialog = ClosingDialog(len(state.participants), names, state.closing, last_evening)
        self.app.push_screen(dialog, recorded)

    def action_backstage(self) -> None:
        self.app.open_backstage(self.meeting)

    def action_order(self) -> None:
        from ..dialogs import ConfirmDialog, OrderDialog

        def chosen(mode: str | None) -> None:
            if mode:
                self.meeting.start_round(mode)
                self._after()

        def answered(go_on: bool | None) -> None:
            if go_on:
                self.app.push_screen(OrderDialog(), chosen)

        state = self.meeting.state
        if state.turn is not None or state.spoken or state.passed or state.deferred:
            # A new order starts the round again from the first person: ask first.
            self.app.push_screen(ConfirmDialog(t("undo.round_confirm")), answered)
        else:
            self.app.push_screen(OrderDialog(), chosen)

    def action_undo(self) -> None:
        """ctrl+z: take back this screen's last action (a plugin's command included)."""
        undone = self.meeting.undo()
        if undone is None:  # the disk refused: the app has said so
            return
        if not undone:
            self.notify(t("undo.nothing"), timeout=3)
            return
        label = self.meeting.action_label(undone)
        if label is None:
            what = t("undo.earlier")
        elif label.startswith(("keys.", "undo.")):
            what = t(label)
        else:  # a plugin command's title
            what = label
        self.notify(t("undo.done", what=what), timeout=4)
        self._after()
