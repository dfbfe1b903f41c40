"""The evening in the community's memory (地域の記録): how many played, as an activity day.

Key ``w`` during the games stage (or the palette's 「この会を記録」) asks the facilitator how many
took part, offering the number of people who sat at a table in any round played; the answer is
recorded with ``api.record_activity_day`` under the activity of this game night (``[games]
activity = "…"`` in ``plugins.toml``, else the session's series, else its title). Pressing it
again corrects the evening's count: it is never counted twice. Only a number leaves the meeting.
"""

from __future__ import annotations

from .state import TITLE

KIND = "games"

PROMPT = {
    "ja": "この会を地域の記録に残します。遊んだ人数（アプリに入っていない人も含めて）",
    "en": "Record this evening in the community's memory: how many played (all of them)",
}
SAVED = {
    "ja": "地域の記録に残しました：{name} {on} {count}人",
    "en": "Recorded in the community's memory: {name}, {on}, {count} people",
}
HELPERS = {"ja": "ゲームを説明できるサポーター", "en": "Supporters who can explain games"}
FAILED = {"ja": "記録できませんでした：{reason}", "en": "Could not record it: {reason}"}


def played(events) -> set[str]:
    """Everyone who sat at a table in a round shown to the room (the public ``tables``)."""
    ids: set[str] = set()
    for event in events:
        if event.kind.endswith(":tables"):
            for table in event.data.get("tables") or ():
                ids.update(str(pid) for pid in table.get("ids") or ())
    return ids


def activity_name(api, state) -> str:
    """The activity the evenings are recorded under."""
    name = api.settings.get("activity")
    if isinstance(name, str) and name.strip():
        return name.strip()
    if state is not None and state.series is not None and state.series.name:
        return state.series.name
    if state is not None and state.title:
        return state.title
    return api.text(TITLE)


def record_evening(api) -> None:
    """Key w: ask how many played, then record the evening as an activity day."""
    state = api.state()
    if state is None:
        return
    name = activity_name(api, state)

    def answered(count: int) -> None:
        try:
            day = api.record_activity_day(name, KIND, count)
        except (OSError, ValueError) as error:
            api.notify(api.text(FAILED).format(reason=error))
            return
        api.notify(api.text(SAVED).format(name=name, on=day.on, count=day.count))

    api.ask(PROMPT, answered, kind="number", minimum=0, maximum=100_000,
            default=len(played(api.events())))  # fmt: skip


def supporters_line(api) -> str:
    """Supporters who can explain games: display names, never on a screen that may be on the
    wall (``api.wall_safe``); ``""`` there or when there are none."""
    if api.wall_safe:
        return ""
    names = api.supporters()
    if not names:
        return ""
    label = api.text(HELPERS)
    return f"{label}: {'、'.join(names) if api.lang == 'ja' else ', '.join(names)}"
