"""What each audience sees: the facilitator's panel, the projector, the minutes, the paper.

- The facilitator's panel shows the running order with times, who is on hold, and — privately —
  who may not fit in time.
- The projector reads only the newest ``lineup`` event: now on stage, up next and the next few,
  by stage name, and a per-act timer in gentle colours. Someone who cancelled is simply not in
  the next lineup; nothing on any screen says that anyone cancelled.
- The minutes list the acts as performed; a cancellation is never written anywhere they read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from rich.text import Text

from kusanone_tui.api import md_escape

from .planning import NEXT_FEW, Picture, hhmm
from .state import OpenMic, Performer, fold

Say = Callable[[Mapping[str, str]], str]

TITLE = {"ja": "当日キャンセル・当日飛び込みOK！枠", "en": "Cancel-OK, walk-in-OK stage"}
ON_STAGE = {"ja": "いまステージ", "en": "On stage now"}
NEXT = {"ja": "つぎ", "en": "Up next"}
THEN = {"ja": "そのあと", "en": "Then"}
ENJOY = {"ja": "ステージをお楽しみください", "en": "Enjoy the stage"}
WELCOME = {
    "ja": "飛び込み出演は受付へ。ステージ名だけで申し込めます",
    "en": "Want to perform? See the desk: a stage name is all we need",
}
WHEN_READY = {"ja": "準備ができたら はじめます", "en": "We begin when you are ready"}
ABOUT = {"ja": "めやす {m}分", "en": "about {m} min"}
LEFT = {"ja": "{start}–{end}・のこり {m}分", "en": "{start}–{end}, {m} min left"}
SHARE = {"ja": "ひとり約 {m}分", "en": "about {m} min each"}
LATER = {"ja": "あとで", "en": "later"}
NOT_FITTING = {"ja": "🔒 入りきらないかも（進行役だけ）", "en": "🔒 May not fit (facilitator only)"}
NOBODY = {
    "ja": "まだ出演者はいません。受付で `kusanone openmic add` から入れられます",
    "en": "No performers yet. Add them at the desk: `kusanone openmic add`",
}
KEYS = {
    "ja": "e 次の出演  f おわり  [ ] 選ぶ  < > 順番\nDel キャンセル  h あとで  j 抽選",
    "en": "e next act  f done  [ ] select  < > move\nDel cancel  h hold/back  j lottery",
}
MORE = {"ja": "⋯ ほか {n}組", "en": "⋯ {n} more"}
COMPANION = {"ja": "同伴", "en": "companion"}
EARLY = {"ja": "早め", "en": "early"}
FROM = {"ja": "{t}以降", "en": "from {t}"}
WANTS = {"ja": "{m}分希望", "en": "{m} min"}

#: The per-act timer: calm, then yellow near the end of the slot, then red (counting up).
COLOURS = {
    "calm": "bold #14202b on #7fb7be",
    "soon": "bold #14202b on #d9c58b",
    "over": "bold #14202b on #c98a8a",
}
PANEL_ROWS = 12  # planned acts in sight at once (around the selection)
NOT_FITTING_ROWS = 6


def minutes_text(seconds: float) -> str:
    return f"{max(0, round(seconds / 60)):d}"


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def timer_tone(elapsed: float, slot: float) -> str:
    """``calm`` → ``soon`` (the last minute, or the last fifth of a short slot) → ``over``."""
    if slot <= 0 or elapsed >= slot:
        return "over" if slot > 0 else "calm"
    return "soon" if elapsed >= slot - min(60.0, slot / 5) else "calm"


def wishes(person: Performer, say: Say) -> str:
    parts = []
    if person.companion:
        parts.append(say(COMPANION))
    if person.early:
        parts.append(say(EARLY))
    if person.not_before:
        parts.append(say(FROM).format(t=person.not_before))
    if person.minutes:
        parts.append(say(WANTS).format(m=f"{person.minutes:g}"))
    return "・".join(parts)


# -- the lineup: the projector's only source -------------------------------------------------------


def lineup(openmic: OpenMic, meeting, picture: Picture) -> dict[str, Any]:
    """What the projector may show of one block now: stage names of who is on and who comes."""
    block = openmic.block(picture.block)
    people = openmic.performers
    act = block.on_stage
    remaining = None
    if act is not None and meeting.stage_index == picture.window.index:
        remaining = meeting.stage_remaining(act.started_at)
    coming = [people[a.id].name for a in picture.plan.acts if not people[a.id].away]
    return {
        "block": picture.block,
        "stage_index": picture.window.index,
        "based_on": openmic.based_on,
        "now": people[act.performer].name if act else None,
        "started_at": act.started_at if act else None,
        "slot": act.slot if act else None,
        "remaining_at_start": remaining,
        "next": coming[0] if coming else None,
        "later": coming[1 : 1 + NEXT_FEW],
    }


def current_lineup(events: Iterable[Any], room) -> Mapping[str, Any] | None:
    """The newest lineup of the block now running.

    "Newest" is by the list change it shows (``based_on``), then by its place in the log: a
    lineup worked out in another process from an older list never hides a newer one.
    """
    index = next((i for i, entry in enumerate(room.agenda) if entry[2]), None)
    best = None
    for event in events:
        data = event.data
        if not event.kind.endswith(":lineup") or data.get("stage_index") != index:
            continue
        based_on = data.get("based_on")
        key = (based_on if type(based_on) is int else -1, event.seq)
        if best is None or key > best[0]:
            best = (key, data)
    return best[1] if best else None


def _names(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def projector(view) -> Text:
    """The room's view: stage names only, a gentle per-act timer, nothing about cancellations."""
    shown = current_lineup(view.events, view.room)
    text = Text()
    if shown is None:
        text.append(view.text(ENJOY) + "\n", style="bold")
        text.append(view.text(WELCOME), style="dim")
        return text
    now = shown.get("now") if isinstance(shown.get("now"), str) else None
    if now:
        text.append(view.text(ON_STAGE) + "\n", style="dim")
        text.append(f"  {now}\n", style="bold")
        elapsed = _elapsed(view, shown)
        slot = shown.get("slot")
        if elapsed is not None:
            slot = float(slot) if isinstance(slot, int | float) and slot > 0 else 0.0
            text.append("  ")
            text.append(f" {clock(elapsed)} ", style=COLOURS[timer_tone(elapsed, slot)])
            if slot:
                text.append("  " + view.text(ABOUT).format(m=minutes_text(slot)), style="dim")
            text.append("\n")
        text.append("\n")
    following = shown.get("next") if isinstance(shown.get("next"), str) else None
    if following:
        text.append(f"{view.text(NEXT)}  ", style="dim")
        text.append(following + "\n", style="bold")
        if not now:
            text.append(view.text(WHEN_READY) + "\n", style="dim")
    later = _names(shown.get("later"))
    if later:
        text.append(f"{view.text(THEN)}  ", style="dim")
        text.append(" ・ ".join(later) + "\n")
    if not now and not following:
        text.append(view.text(ENJOY) + "\n", style="bold")
    text.append(view.text(WELCOME), style="dim")
    return text


def _elapsed(view, shown: Mapping[str, Any]) -> float | None:
    """How long the act has been on: from the view's clock when it has one, else from the
    stage's timer (which pauses with the meeting)."""
    started = shown.get("started_at")
    now = getattr(view, "now", None)
    if isinstance(now, int | float) and isinstance(started, int | float):
        return max(0.0, now - started)
    at_start = shown.get("remaining_at_start")
    remaining = view.room.remaining
    if isinstance(at_start, int | float) and isinstance(remaining, int | float):
        return max(0.0, at_start - remaining)
    return None


# -- the facilitator's panel -----------------------------------------------------------------------


def rows(openmic: OpenMic, picture: Picture) -> list[str]:
    """The panel's rows, top to bottom: on stage, planned acts, then those who may not fit."""
    block = openmic.block(picture.block)
    head = [block.on_stage.performer] if block.on_stage else []
    return head + picture.plan.ids + list(picture.plan.not_fitting)


def default_selection(openmic: OpenMic, picture: Picture) -> str | None:
    """Up next, or whoever is on stage, or the first row."""
    block = openmic.block(picture.block)
    listed = rows(openmic, picture)
    waiting = [pid for pid in listed if block.on_stage is None or pid != block.on_stage.performer]
    return (waiting or listed or [None])[0]


def panel(
    openmic: OpenMic,
    picture: Picture,
    selected: str | None,
    say: Say,
    wall_safe: bool = True,
    left: float | None = None,
) -> Text:
    """The facilitator's panel. Stage names only; the private wishes only when it is not on
    the wall (``wall_safe`` False: the note-taker's own screen or the private view)."""
    people = openmic.performers
    block = openmic.block(picture.block)
    win, plan, now = picture.window, picture.plan, picture.now
    text = Text()
    # ``left``: the stage timer's seconds, when the block is running (the big clock's figure)
    remaining = left if left is not None else win.end - max(now, win.start)
    line = say(LEFT).format(
        start=hhmm(win.start), end=hhmm(win.end), m=minutes_text(max(0.0, remaining))
    )
    text.append(line, style="dim")
    if plan.acts:
        text.append("・" + say(SHARE).format(m=minutes_text(plan.level)), style="dim")
    text.append("\n")
    act = block.on_stage
    if act is not None:
        elapsed = max(0.0, now - act.started_at)
        text.append("▸ " if selected == act.performer else "  ")
        text.append(f"♪ {people[act.performer].name}  ", style="bold")
        text.append(f" {clock(elapsed)} ", style=COLOURS[timer_tone(elapsed, act.slot)])
        text.append(f" / {clock(act.slot)}\n", style="dim")
    if not plan.acts and not plan.not_fitting and act is None:
        text.append(say(NOBODY) + "\n", style="dim")
    listed = plan.acts
    begin = 0
    if len(listed) > PANEL_ROWS:
        at = next((i for i, a in enumerate(listed) if a.id == selected), 0)
        begin = min(max(0, at - PANEL_ROWS // 2), len(listed) - PANEL_ROWS)
    shown = listed[begin : begin + PANEL_ROWS]
    if begin:
        text.append("  " + say(MORE).format(n=begin) + "\n", style="dim")
    for planned in shown:
        person = people[planned.id]
        text.append("▸ " if selected == planned.id else "  ")
        text.append(f"{hhmm(planned.start)}–{hhmm(planned.end)} ", style="dim")
        text.append(person.name, style="bold" if selected == planned.id else "")
        notes = "" if wall_safe else wishes(person, say)
        if person.away:
            notes = say(LATER) + ("・" + notes if notes else "")
        if notes:
            text.append(f"  {notes}", style="dim italic")
        text.append("\n")
    rest = len(listed) - begin - len(shown)
    if rest > 0:
        text.append("  " + say(MORE).format(n=rest) + "\n", style="dim")
    if plan.not_fitting:
        text.append(say(NOT_FITTING) + "\n", style="dim")
        left_out = list(plan.not_fitting)
        shown_out = left_out[:NOT_FITTING_ROWS]
        if selected in left_out and selected not in shown_out:
            shown_out.append(selected)  # the selection is always in sight
        for pid in shown_out:
            person = people[pid]
            text.append("▸ " if selected == pid else "  ")
            text.append(person.name, style="bold" if selected == pid else "")
            if person.away:
                text.append(f"  {say(LATER)}", style="dim italic")
            text.append("\n")
        if len(left_out) > len(shown_out):
            more = say(MORE).format(n=len(left_out) - len(shown_out))
            text.append(f"  {more}\n", style="dim")
    text.append(say(KEYS), style="dim")
    return text


# -- the minutes -----------------------------------------------------------------------------------


def minutes(events: Iterable[Any], stages: Sequence[Mapping[str, Any]], say: Say) -> str:
    """The acts as performed, block by block: time and stage name. Nothing else."""
    folded = fold(events)
    out: list[str] = []
    for stage in stages:
        block = folded.blocks.get(str(stage.get("id")))
        if block is None or not block.performed:
            continue
        title = stage.get("title")
        out += [f"**{say(title) if isinstance(title, Mapping) else title}**", ""]
        for number, act in enumerate(block.performed, start=1):
            out.append(f"{number}. {hhmm(act.started_at)} {_plain(act.name)}")
        out.append("")
    return "\n".join(out).strip()


def _plain(name: str) -> str:
    """A stage name as text in Markdown (no links, no emphasis, one line)."""
    return md_escape(name)


# -- the printable running order -------------------------------------------------------------------

PRINT_AT = {"ja": "{at} 現在・時刻はめやすです", "en": "As of {at}; times are approximate"}
PRINT_HEAD = {"ja": "| 順 | 時刻 | 出演 |", "en": "| # | Time | Performer |"}
PRINT_HEAD_PRIVATE = {
    "ja": "| 順 | 時刻 | 出演 | 🔒 希望 |",
    "en": "| # | Time | Performer | 🔒 Wishes |",
}
PRINT_NOW = {"ja": "♪ いまステージ: {name}", "en": "♪ On stage now: {name}"}
PRINT_NONE = {"ja": "（いまは予定がありません）", "en": "(Nothing planned yet)"}
PRINT_FOOT = {
    "ja": "出演は、いつでもキャンセルできます。当日の飛び込みも歓迎です。",
    "en": "Anyone may cancel at any time. Walk-ins are welcome.",
}


def running_order(
    openmic: OpenMic, picture: Picture, title: str, say: Say, include_private: bool = False
) -> str:
    """The paper fallback, as Markdown: the planned acts with their times, stage names only.

    With ``include_private`` (the facilitator's own copy), the wishes and who may not fit are
    added, each marked 🔒.
    """
    people = openmic.performers
    block = openmic.block(picture.block)
    win = picture.window
    out = [f"# {_plain(title)} — {_plain(say(win.title))}", ""]
    out.append(f"{hhmm(win.start)}–{hhmm(win.end)}・{say(PRINT_AT).format(at=hhmm(picture.now))}")
    out.append("")
    if block.on_stage is not None:
        name = _plain(people[block.on_stage.performer].name)
        out += [say(PRINT_NOW).format(name=name), ""]
    if picture.plan.acts:
        out.append(say(PRINT_HEAD_PRIVATE if include_private else PRINT_HEAD))
        out.append("|---:|---|---|---|" if include_private else "|---:|---|---|")
        for number, act in enumerate(picture.plan.acts, start=1):
            person = people[act.id]
            row = f"| {number} | {hhmm(act.start)}–{hhmm(act.end)} | {_plain(person.name)} |"
            if include_private:
                notes = wishes(person, say)
                if person.away:
                    notes = say(LATER) + ("・" + notes if notes else "")
                row += f" {notes} |"
            out.append(row)
    else:
        out.append(say(PRINT_NONE))
    out.append("")
    if include_private and picture.plan.not_fitting:
        out += [f"## {say(NOT_FITTING)}", ""]
        out += [f"- 🔒 {_plain(people[pid].name)}" for pid in picture.plan.not_fitting]
        out.append("")
    out.append(say(PRINT_FOOT))
    return "\n".join(out) + "\n"


#: What the printed running order adds to the house style of the minutes' page: a wide table in
#: large type, rows kept whole across pages.
PRINT_CSS = """
table { width: 100%; font-size: 1.15em; }
td, th { border: 1px solid #999; padding: .35em .7em; text-align: left; }
@media print { tr { break-inside: avoid; } }
"""
