"""Text panels for the reflecting, breakout and report-back stages, shared by the facilitator's
screen and the projector. Both draw from a :class:`ProjectorView`, so neither can show anything
private: the facilitator's screen may be mirrored on the projector."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..i18n import pick, t
from ..model.state import MeetingState
from ..model.views import ProjectorView, projector_view
from .base import anonymous, clock_text


def phase_rules(phase: str | None) -> list[str]:
    if phase is None:
        return []
    return t(f"reflecting.rules_{phase}").splitlines()


def view_panel(view: ProjectorView, rules: bool = False) -> Text:
    """The stage-specific part of a view: phases and roles, groups, or the groups' reports."""
    text = Text()
    current = view.reflecting
    if current is not None:
        if current.phase is None:
            text.append(t("reflecting.phase_none"), style="dim")
        else:
            text.append(t(f"reflecting.{current.phase}"), style="bold")
            if current.cycle > 1:
                text.append(f"（{t('reflecting.cycle', n=current.cycle)}）")
            if current.remaining is not None:
                text.append(f"  {clock_text(current.remaining)}", style="bold")
        text.append("\n")
        text.append(f"{t('reflecting.talking')}：", style="dim")
        text.append("、".join(current.talking) or "—", style="bold")
        text.append("\n")
        text.append(f"{t('reflecting.listening')}：", style="dim")
        text.append("、".join(current.listening) or "—")
        text.append(f"\n{t('reflecting.others')}", style="dim")
        if rules:
            for line in phase_rules(current.phase):
                text.append(f"\n・{line}")
    if view.groups:
        text.append(f"{t('breakout.groups')}\n", style="bold")
        for group in view.groups:
            text.append(f"■ {pick(group.name)}", style="bold")
            text.append(f"  {t('breakout.members', n=len(group.members))}", style="dim")
            if group.topic:
                text.append(f"  {group.topic}")
            text.append("\n")
            if group.members:
                text.append(f"   {'、'.join(group.members)}\n")
    if view.regroup_soon:
        text.append(f"\n{t('breakout.regroup_soon')}", style="italic")
    if view.report:
        text.append(f"{t('breakout.report')}\n", style="bold")
        for name, summaries in view.report:
            text.append(f"■ {pick(name)}\n", style="bold")
            for line in summaries or (t("breakout.no_summary"),):
                text.append(f"   {line}\n")
    return text


def flow_panel(state: MeetingState, now: float) -> Text:
    """The facilitator's panel: the same view the room sees."""
    return view_panel(projector_view(state, now, anonymous))


def show_panel(widget: Static, panel: Text, extra: Text | None) -> None:
    """Draw the stage's panel plus what plugins add; hide the widget when there is nothing."""
    if extra is not None:
        panel.append("\n" if panel.plain else "")
        panel.append_text(extra)
    widget.update(panel)
    widget.display = bool(panel.plain)
