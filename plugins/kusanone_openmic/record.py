"""The festival day in the community's memory (地域の記録): how many came, as an activity day.

In the closing stage of a festival (a meeting with an open-mic block), the palette's
「この日を記録（来場者数）」 asks the facilitator how many took part that day, performers
included; the answer is recorded with ``api.record_activity_day`` under the festival's activity
(``[openmic] activity = "…"`` in ``plugins.toml``, else the session's series, else its title),
of kind ``event``. Asking again corrects the day's count: it is never counted twice.

The closing stage's panel says so, and, only off the wall (the note-taker's own screen, the
facilitator's private view), lists the registered supporters who may help (display names).
"""

from __future__ import annotations

from rich.text import Text

from .planning import STAGE_TYPE

KIND = "event"
TITLE = {"ja": "この日を記録（来場者数）", "en": "Record the day (visitors)"}
PROMPT = {
    "ja": "この日を地域の記録に残します。来場した人数（出演者も含めて。出演 {acts}組）",
    "en": "Record this day in the community's memory: how many came (performers too; {acts} acts)",
}
SAVED = {
    "ja": "地域の記録に残しました：{name} {on} {count}人",
    "en": "Recorded in the community's memory: {name}, {on}, {count} people",
}
FAILED = {"ja": "記録できませんでした：{reason}", "en": "Could not record it: {reason}"}
NOT_FESTIVAL = {
    "ja": "オープンマイクのある会（フェス）で使えます",
    "en": "This is for a festival (a meeting with an open-mic block)",
}
HINT = {
    "ja": "Ctrl+P「この日を記録（来場者数）」で、この日の来場者数を地域の記録に残せます",
    "en": "Ctrl+P “Record the day (visitors)” keeps the day's head-count in the community's memory",
}
HELPERS = {"ja": "手伝えるサポーター", "en": "Supporters who may help"}


def is_festival(state) -> bool:
    template = getattr(state, "template", None)
    return template is not None and any(s.type == STAGE_TYPE for s in template.stages)


def performed(events) -> int:
    """How many acts went on stage (each performer once)."""
    return len({e.data.get("performer") for e in events if e.kind.endswith(":performed")})


def activity_name(api, state) -> str:
    name = api.settings.get("activity")
    if isinstance(name, str) and name.strip():
        return name.strip()
    if state.series is not None and state.series.name:
        return state.series.name
    return state.title or api.text({"ja": "フェス", "en": "Festival"})


def record_day(api) -> None:
    """The palette's 「この日を記録」: ask the day's head-count, then record it."""
    state = api.state()
    if state is None:
        return
    if not is_festival(state):
        api.notify(api.text(NOT_FESTIVAL))
        return
    name = activity_name(api, state)

    def answered(count: int) -> None:
        try:
            day = api.record_activity_day(name, KIND, count)
        except (OSError, ValueError) as error:
            api.notify(api.text(FAILED).format(reason=error))
            return
        api.notify(api.text(SAVED).format(name=name, on=day.on, count=day.count))

    acts = performed(api.events())
    api.ask(api.text(PROMPT).format(acts=acts), answered, kind="number", minimum=0,
            maximum=1_000_000)  # fmt: skip


def supporters_line(api) -> str:
    """Supporters who may help: display names, only off the wall; ``""`` otherwise."""
    if api.wall_safe:
        return ""
    names = api.supporters()
    if not names:
        return ""
    return f"{api.text(HELPERS)}: {('、' if api.lang == 'ja' else ', ').join(names)}"


def closing_panel(api, state) -> Text | None:
    """The festival's closing stage: how to record the day; helpers off the wall."""
    if state is None or not is_festival(state):
        return None
    text = Text(api.text(HINT), style="dim")
    helpers = supporters_line(api)
    if helpers:
        text.append("\n" + helpers, style="dim")
    return text
