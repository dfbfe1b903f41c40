"""The facilitator's keys during an open-mic block, and the lineup the projector reads.

Every change is an event (see ``state.py``); after each one the plugin writes a fresh ``lineup``
for the projector. The selection (which row the keys act on) is the only thing kept in memory,
in ``api.ui_state`` (kept by the core for this window): it belongs to this window, not to the
meeting, and a restart simply starts again at "up next".

Each key is one undoable action of the core: the facilitator's ``ctrl+z`` takes back everything
it wrote (a cancel, a move, a lottery…), with an undo event in the log, so a restart and the
projector in another process agree; :func:`republish` then draws the projector's lineup again.
"""

from __future__ import annotations

import random
from typing import Any

from . import record, views
from .planning import STAGE_TYPE, Picture, current_block, picture
from .state import OpenMic, fold

#: The key in ``api.ui_state`` (this window's own state, kept by the core) of the selected row.
SELECTED = "selected"

CANCELLED = {
    "ja": "リストから外しました（まちがいなら ctrl+z）",
    "en": "Taken off the list (ctrl+z if that was a mistake)",
}
RESTORED = {"ja": "もとに戻しました", "en": "Undone"}
DRAWN = {
    "ja": "抽選で順番を決めました（シード {seed}）",
    "en": "Order drawn by lottery (seed {seed})",
}
NOBODY_TO_DRAW = {"ja": "抽選するほど人がいません", "en": "Not enough people to draw"}
ON_STAGE_NOW = {
    "ja": "ステージ中の方は f で終わりにできます",
    "en": "Someone on stage can finish with f",
}


def here(api, block_id: str | None = None) -> tuple[Any, OpenMic, Picture] | None:
    """The meeting, the folded list and the block's plan now (``None`` outside a block)."""
    meeting = api.state()
    if meeting is None:
        return None
    if block_id is None:
        stage = meeting.stage
        if stage is None or stage.type != STAGE_TYPE:
            return None
        block_id = stage.id
    openmic = fold(api.events(), default_block=current_block(meeting))
    shown = picture(openmic, meeting, block_id, api.now(), api.settings)
    return (meeting, openmic, shown) if shown is not None else None


def publish(api, block_id: str) -> bool:
    """Write the lineup the projector shows. ``False`` when the core cannot keep it off the
    record (no ``live`` visibility): then the projector shows no names at all."""
    found = here(api, block_id)
    if found is None:
        return False
    meeting, openmic, shown = found
    try:
        api.append("lineup", views.lineup(openmic, meeting, shown), visibility="live")
    except ValueError:
        return False
    return True


def selected(api, openmic: OpenMic, shown: Picture) -> str | None:
    chosen = api.ui_state.get(SELECTED)
    if chosen in views.rows(openmic, shown):
        return chosen
    return views.default_selection(openmic, shown)


def _finish(api, openmic: OpenMic, block_id: str) -> None:
    act = openmic.block(block_id).on_stage
    if act is not None:
        name = openmic.performers[act.performer].name
        data = {"performer": act.performer, "block": block_id, "name": name}
        api.append("performed", {**data, "started_at": act.started_at}, visibility="minutes")


def next_act(api) -> None:
    """e: the act on stage is done; the next one in the plan goes on."""
    found = here(api)
    if found is None:
        return
    _, openmic, shown = found
    if openmic.block(shown.block).on_stage is not None:
        _finish(api, openmic, shown.block)
        found = here(api)
        if found is None:
            return
        _, openmic, shown = found
    people = openmic.performers
    ready = [act for act in shown.plan.acts if not people[act.id].away]
    if ready:
        first, slot = ready[0].id, ready[0].length
    else:  # nobody fits: the facilitator chose to go on all the same
        present = [p.id for p in openmic.waiting(shown.block) if not p.away]
        if not present:
            publish(api, shown.block)
            return
        first = present[0]
        left = shown.window.end - shown.now
        slot = min(left, shown.settings.max_slot) if left > 60 else shown.settings.min_slot
    following = next((act.id for act in ready if act.id != first), None)
    data = {"performer": first, "block": shown.block, "slot": slot, "next": following}
    api.append("act_started", data, visibility="private")
    api.ui_state.pop(SELECTED, None)
    publish(api, shown.block)


def finish_act(api) -> None:
    """f: the act on stage is done; the stage waits for the next one."""
    found = here(api)
    if found is None:
        return
    _, openmic, shown = found
    if openmic.block(shown.block).on_stage is not None:
        _finish(api, openmic, shown.block)
        publish(api, shown.block)


def cancel(api) -> None:
    """Delete: the selected performer is off the list, with no trace on any shared screen.

    The event is private and holds only the performer's id; nothing counts it, and the
    performer is simply absent from the next lineup and from the minutes.
    """
    found = here(api)
    if found is None:
        return
    _, openmic, shown = found
    pid = selected(api, openmic, shown)
    if pid is None:
        return
    api.append("removed", {"performer": pid}, visibility="private")
    api.ui_state.pop(SELECTED, None)
    publish(api, shown.block)
    api.notify(api.text(CANCELLED))


def undo(api) -> None:
    """The palette's "undo": take back this plugin's last command (a cancel brings the performer
    back exactly where they were). The facilitator's ``ctrl+z`` does the same for any action.
    (Older logs may hold ``restored`` events, the undo of an earlier version: still folded.)"""
    if not api.undo():
        return
    found = here(api)
    if found is not None:
        publish(api, found[2].block)
    api.notify(api.text(RESTORED))


def republish(api, event) -> None:
    """After an undo of this plugin's events (the core's ``flow.undone``), draw the projector's
    lineup again: a lineup written since (by a sign-up at the desk) may show the list without
    what the undo brought back. Every window may see the undo: only one that finds the newest
    lineup out of date writes a new one."""
    plugins = event.data.get("plugins")
    if event.kind != "flow.undone" or not isinstance(plugins, list) or api.name not in plugins:
        return
    found = here(api)
    if found is None:
        return
    meeting, openmic, shown = found
    wanted = views.lineup(openmic, meeting, shown)
    lineups = [e for e in api.events() if e.kind.endswith(":lineup")]
    if lineups and all(lineups[-1].data.get(key) == value for key, value in wanted.items()):
        return
    publish(api, shown.block)


def hold(api) -> None:
    """h: skip for now (あとで), or, pressed again, back — near the top of the list."""
    found = here(api)
    if found is None:
        return
    _, openmic, shown = found
    pid = selected(api, openmic, shown)
    if pid is None:
        return
    if pid not in openmic.block(shown.block).order:
        api.notify(api.text(ON_STAGE_NOW))
        return
    kind = "back" if openmic.performers[pid].away else "hold"
    api.append(kind, {"performer": pid}, visibility="private")
    publish(api, shown.block)


def _select(api, step: int) -> None:
    found = here(api)
    if found is None:
        return
    _, openmic, shown = found
    listed = views.rows(openmic, shown)
    current = selected(api, openmic, shown)
    if current is None:
        return
    place = min(max(listed.index(current) + step, 0), len(listed) - 1)
    api.ui_state[SELECTED] = listed[place]


def select_up(api) -> None:
    """[: the row above."""
    _select(api, -1)


def select_down(api) -> None:
    """]: the row below."""
    _select(api, +1)


def _move(api, step: int) -> None:
    found = here(api)
    if found is None:
        return
    _, openmic, shown = found
    pid = selected(api, openmic, shown)
    waiting = shown.plan.ids + list(shown.plan.not_fitting)
    if pid not in waiting:
        return
    place = waiting.index(pid) + step
    if not 0 <= place < len(waiting):
        return
    anchor = "before" if step < 0 else "after"
    api.append("moved", {"performer": pid, anchor: waiting[place]}, visibility="private")
    api.ui_state[SELECTED] = pid
    publish(api, shown.block)


def move_up(api) -> None:
    """<: the selected performer one place earlier."""
    _move(api, -1)


def move_down(api) -> None:
    """>: the selected performer one place later."""
    _move(api, +1)


def lottery(api) -> None:
    """j: draw the order of everyone waiting (not the one already told "you're next").

    The seed is recorded with the order it shuffled, so anyone can check the draw:
    ``random.Random(seed).shuffle(ids)``; those who asked to go early then go first.
    """
    found = here(api)
    if found is None:
        return
    _, openmic, shown = found
    block = openmic.block(shown.block)
    ids = [pid for pid in block.order if pid != block.pinned]
    if len(ids) < 2:
        api.notify(api.text(NOBODY_TO_DRAW))
        return
    seed = random.SystemRandom().randrange(1, 1_000_000_000)
    data = {"block": shown.block, "seed": seed, "ids": ids}
    api.append("lottery", data, visibility="private")
    api.ui_state.pop(SELECTED, None)
    publish(api, shown.block)
    api.notify(api.text(DRAWN).format(seed=seed))


def facilitator_panel(api, state) -> Any:
    """The open-mic stage's panel on the facilitator's own screen."""
    found = here(api)
    if found is None:
        return None
    meeting, openmic, shown = found
    chosen = selected(api, openmic, shown)
    # "… min left" is the stage timer's own figure, so the panel and the big clock agree.
    left = meeting.stage_remaining(api.now()) if shown.window.running else None
    wall_safe = getattr(api, "wall_safe", True)
    drawn = views.panel(openmic, shown, chosen, api.text, wall_safe, left)
    helpers = record.supporters_line(api)  # display names, only off the wall
    if helpers:
        drawn.append("\n" + helpers, style="dim")
    return drawn
