"""Text panels for the reflecting, breakout and report-back stages, shared by the facilitator's
screen and the projector. Both draw from a :class:`ProjectorView`, so neither can show anything
private: the facilitator's screen may be mirrored on the projector."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..i18n import pick, t
from ..model import reflecting as reflect
from ..model.state import MeetingState
from ..model.views import ProjectorView, ReflectingView, projector_view
from .base import anonymous, clock_text, fit_lines


def phase_rules(phase: str | None) -> list[str]:
    if phase is None:
        return []
    return t(f"reflecting.rules_{phase}").splitlines()


def _roles(text: Text, roles: list[tuple[str, tuple[str, ...]]], bold: bool) -> None:
    """``話し手：あおい　聞き手：はると`` — each role named, so the room knows who does what."""
    for index, (role, people) in enumerate(roles):
        text.append(("　" if index else "") + f"{t(f'reflecting.{role}')}：", style="dim")
        text.append("、".join(people) or "—", style="bold" if bold else "")


def reflecting_panel(text: Text, current: ReflectingView, rules: bool = False) -> None:
    """The phase, its time, and who talks now and who listens, by role (the room may read it)."""
    pair = [("talker", current.talkers), ("interviewer", current.interviewer)]
    team = [("team", current.team)]
    if current.phase == reflect.END:
        text.append(t("reflecting.end"), style="bold")
        text.append(f"\n{t('reflecting.end_note')}")
    else:
        if current.phase is None:
            text.append(t("reflecting.phase_none"), style="dim")
        else:
            text.append(t(f"reflecting.{current.phase}"), style="bold")
            if current.cycle > 1:
                text.append(f"（{t('reflecting.cycle', n=current.cycle)}）")
            if current.remaining is not None:
                text.append(f"  {clock_text(current.remaining)}", style="bold")
            if current.steps:
                step = t("reflecting.step", i=current.step, n=current.steps)
                text.append(f"  {step}", style="dim")
        talking, listening = (team, pair) if current.phase == "reflection" else (pair, team)
        running = current.phase is not None
        if running:
            text.append(f"\n{t('reflecting.talking')}　", style="dim")
        else:
            text.append("\n")
        _roles(text, talking, bold=running)
        if running:
            text.append(f"\n{t('reflecting.listening')}　", style="dim")
        else:
            text.append("\n")
        _roles(text, listening, bold=False)
        text.append(f"\n{t('reflecting.others')}", style="dim")
    if rules:
        for line in phase_rules(current.phase):
            text.append(f"\n・{line}")


def view_panel(view: ProjectorView, rules: bool = False) -> Text:
    """The stage-specific part of a view: phases and roles, groups, or the groups' reports."""
    text = Text()
    current = view.reflecting
    if current is not None:
        reflecting_panel(text, current, rules)
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
            empty = "summary_in_minutes" if name in view.summary_in_minutes else "no_summary"
            for line in summaries or (t(f"breakout.{empty}"),):
                text.append(f"   {line}\n")
    if view.help_wanted:
        text.append(f"{t('community.help_wanted')}\n", style="bold")
        for line in view.help_wanted:
            text.append(f"・{line}\n")
    return text


def flow_panel(state: MeetingState, now: float, view: ProjectorView | None = None) -> Text:
    """The facilitator's panel: the same view the room sees, plus what only the facilitator
    needs in a reflecting turn — the key for what comes next, and a calm line when the phases
    still to come will not fit in the stage's time."""
    text = view_panel(view or projector_view(state, now, anonymous))
    current, stage = state.reflecting, state.stage
    if current is None or stage is None:
        return text
    plan = reflect.turn_plan(stage.options, stage.minutes)
    found = reflect.following(current, plan)
    if current.phase is None:
        hint = t("reflecting.start_hint")
    elif found is None:
        hint = t("reflecting.end_hint")
    else:
        hint = t("reflecting.next_hint", phase=t(f"reflecting.{found[0]}"))
    text.append(f"\n\n{hint}", style="dim")
    over = reflect.overrun(current, plan, state.stage_remaining(now), now)
    if over is not None and over >= 30:
        text.append(f"\n{t('reflecting.overrun', m=max(1, round(over / 60)))}", style="italic")
    return text


def show_panel(widget: Static, panel: Text, extra: Text | None) -> None:
    """Draw the stage's panel plus what plugins add; hide the widget when there is nothing."""
    if extra is not None:
        panel.append("\n" if panel.plain else "")
        panel.append_text(extra)
    widget.update(fit_lines(panel, widget.content_size.width))  # lines break between names
    widget.display = bool(panel.plain)
