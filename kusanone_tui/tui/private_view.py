"""The facilitator's screen is on the wall: wall-safe by default, private only on purpose.

Most rooms mirror one laptop to the projector, so in the facilitator's app every screen, dialog
and preview is drawn from :func:`~kusanone_tui.model.views.wall_state` — the meeting as the
projector may show it: names as people chose, public notes only, no pass. What is private (the
full note list, earlier ウラ records, the minutes with minutes-only lines, the real names behind
参加者N) shows only in the **private view**:

* entered on purpose (``F5``, or from the command palette), after a question
  (「プロジェクターに映っていませんか？」);
* marked by a banner on every screen and dialog while it is on;
* left by the same key, by itself after :data:`PRIVATE_IDLE_SECONDS` without a key, and
  whenever the meeting moves to another stage (from any window).

The note-taker's own app (``--role notes``, another device or tab) is not on the wall: it keeps
its full view. The projector's app never shows anything but the room's view.
"""

from __future__ import annotations

from textual import events
from textual.css.query import NoMatches

from ..i18n import t
from ..model.state import MeetingState
from ..model.views import wall_state
from .base import Plain, anonymous

#: A private view left alone this long (seconds, on the app's clock) closes by itself.
PRIVATE_IDLE_SECONDS = 60.0

BANNER_ID = "private-banner"


class PrivateBanner(Plain):
    """The unmistakable mark of the private view, on top of whatever screen is showing."""

    DEFAULT_CSS = """
    PrivateBanner {
        dock: top;
        height: 1;
        width: 100%;
        background: $warning;
        color: $background;
        text-style: bold;
        content-align: center middle;
    }
    """


class PrivateViewMixin:
    """What :class:`~kusanone_tui.tui.app.KusanoneApp` knows of the private view."""

    private_view: bool = False
    _private_stage: int | None = None
    _last_input_at: float = 0.0

    # -- what screens draw from -----------------------------------------------------------------
    @property
    def wall_safe(self) -> bool:
        """True when what this app shows may be on the wall: a facilitator's app, not private."""
        return self.role != "notes" and not self.private_view  # type: ignore[attr-defined]

    def shown_state(self, state: MeetingState) -> MeetingState:
        """``state`` as this app may show it now (see the module docstring)."""
        return wall_state(state, anonymous) if self.wall_safe else state

    # -- entering and leaving -------------------------------------------------------------------
    def action_private_view(self) -> None:
        """Toggle the private view; entering asks first."""
        if self.role != "facilitator" or self.session_log is None:  # type: ignore[attr-defined]
            return
        if self.private_view:
            self.leave_private_view()
            return
        from .dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.enter_private_view()

        dialog = ConfirmDialog(t("private.ask"), t("private.open"), t("private.stay"))
        self.push_screen(dialog, answered)  # type: ignore[attr-defined]

    def enter_private_view(self) -> None:
        log = self.session_log  # type: ignore[attr-defined]
        self.private_view = True
        self._private_stage = log.state().stage_index if log is not None else None
        self._last_input_at = self.now()  # type: ignore[attr-defined]
        self._private_changed()

    def leave_private_view(self, reason: str = "private.left") -> None:
        if not self.private_view:
            return
        self.private_view = False
        self._private_changed()
        self.notify(t(reason), timeout=4)  # type: ignore[attr-defined]

    def _private_changed(self) -> None:
        # Dialogs were drawn from the state of their moment: close any that could now show more
        # (or less) than they should, then redraw every screen from the right state.
        from .base import KModal

        while len(self.screen_stack) > 1 and isinstance(self.screen, KModal):  # type: ignore[attr-defined]
            self.pop_screen()  # type: ignore[attr-defined]
        self.sync_banner()
        self.refresh_now()  # type: ignore[attr-defined]

    # -- watching -------------------------------------------------------------------------------
    def check_private_view(self, state: MeetingState) -> None:
        """Called on every look at the log: close the private view when it should close."""
        if not self.private_view:
            return
        idle = self.now() - self._last_input_at  # type: ignore[attr-defined]
        if idle >= PRIVATE_IDLE_SECONDS:
            self.leave_private_view("private.left_idle")
        elif state.stage_index != self._private_stage:
            self.leave_private_view("private.left_moved")
        else:
            self.sync_banner()

    def note_input(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input_at = self.now()  # type: ignore[attr-defined]

    def sync_banner(self) -> None:
        """A banner on the screen at hand while the private view is on; none anywhere else."""
        for screen in self.screen_stack:  # type: ignore[attr-defined]
            try:
                banner = screen.query_one(f"#{BANNER_ID}", PrivateBanner)
            except NoMatches:
                banner = None
            wanted = self.private_view and screen is self.screen  # type: ignore[attr-defined]
            if banner is not None and not wanted:
                banner.remove()
            elif banner is None and wanted and screen.is_mounted:
                screen.mount(PrivateBanner(t("private.banner"), id=BANNER_ID))
