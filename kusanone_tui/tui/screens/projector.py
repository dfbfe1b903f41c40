"""The projector's screen: what the whole room reads, from the back.

It is built only from a :class:`~kusanone_tui.model.views.ProjectorView`, which holds no
minutes-only or private entry, no pass, and no name of someone who asked not to be shown. It holds
no reference to the log, and no key changes the meeting.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Digits, Static

from ...i18n import pick, t
from ...model.views import ProjectorView
from ..base import KScreen, Plain, clock_text
from ..panels import phase_rules, show_panel, view_panel

BOARD_SIZE = 8


class ProjectorScreen(KScreen):
    BINDINGS = [
        Binding("f1", "app.show_role('facilitator')", "keys.facilitator", show=False),
        Binding("f2", "app.show_role('notes')", "keys.notes", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="projector"):
            with Horizontal(id="proj-top"):
                yield Plain(id="proj-stage")
                yield Digits("--:--", id="proj-timer")
            yield Plain(id="proj-speakers")
            with Horizontal(id="proj-bottom"):
                with Vertical(id="proj-rules-pane"):
                    yield Plain(id="proj-flow")
                    yield Plain(t("projector.rules"), classes="pane-title", id="proj-rules-title")
                    yield Plain(id="proj-rules")
                with VerticalScroll(id="proj-board-pane"):
                    yield Plain(t("projector.board"), classes="pane-title")
                    yield Plain(id="proj-board")

    def on_mount(self) -> None:
        self.app.refresh_now()

    def show(self, view: ProjectorView) -> None:
        """Render the room's view (called on every change and every second)."""
        self.app.title = view.title or t("app.name")
        if view.ended:
            title = t("meeting.ended")
        elif view.stage_title:
            title = pick(view.stage_title)
        else:
            title = t("meeting.before")
        stage = Text(title, style="bold")
        if view.title:
            stage = Text.assemble((view.title + "\n", "dim"), stage)
        if view.paused:
            stage.append("\n" + t("projector.paused"), style="italic")
        self.query_one("#proj-stage", Static).update(stage)
        timer = self.query_one("#proj-timer", Digits)
        remaining = view.remaining
        if view.reflecting is not None and view.reflecting.remaining is not None:
            remaining = view.reflecting.remaining  # the room follows the phase's time box
        timer.update(clock_text(remaining) if remaining is not None else "")
        timer.set_class(remaining is not None and remaining < 0, "over")
        show_panel(
            self.query_one("#proj-flow", Static),
            view_panel(view, rules=False),
            self.app.plugin_projector_text(view),
        )
        speakers = Text()
        if view.speaker or view.next_speaker:
            speakers.append(f"{t('meeting.now')}  ", style="dim")
            speakers.append(view.speaker or "—", style="bold")
            speakers.append(f"      {t('meeting.next')}  ", style="dim")
            speakers.append(view.next_speaker or "—")
        band = self.query_one("#proj-speakers", Static)
        band.update(speakers)
        band.display = bool(speakers.plain)
        if view.reflecting is not None and view.reflecting.phase is not None:
            rules = "\n".join(f"・{line}" for line in phase_rules(view.reflecting.phase))
        elif not view.rules and view.stage_type in self.app.stage_types:
            kind = self.app.stage_types[view.stage_type][1]
            rules = pick({k: "\n".join(f"・{r}" for r in v) for k, v in kind.rules.items()})
        elif view.rules:
            rules = pick({k: "\n".join(f"・{r}" for r in v) for k, v in view.rules.items()})
        else:
            rules = ""
        self.query_one("#proj-rules", Static).update(rules)
        self.query_one("#proj-rules-title", Static).display = bool(rules)
        board = Text()
        for note in view.board[-BOARD_SIZE:]:
            if note.speaker:
                board.append(f"{note.speaker}：", style="bold")
            board.append(note.text + "\n")
        self.query_one("#proj-board", Static).update(board)
