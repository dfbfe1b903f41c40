"""出演リスト (the list of performers): a pure fold of this plugin's own events.

The plugin keeps no memory of its own: the list, the running order, who is on stage and who has
performed are all worked out from the events, so a restarted app, the projector in another
process and ``kusanone openmic list`` in a second terminal all agree.

Events (``<plugin>:<name>``), their visibility, and their data:

- ``signed_up`` (private): ``performer`` (an id), ``name`` (the stage name), ``block`` (the
  stage's id); wishes ``not_before`` ("HH:MM"), ``early``, ``companion``, ``minutes``; ``seed``
  (a fair place for someone who arrives after the lottery).
- ``removed`` (private): ``performer``. The one-key cancel: it names nobody, and nothing else
  remembers it.
- ``restored`` (private): ``performer``. The facilitator's undo of a cancel pressed by mistake.
- ``hold`` / ``back`` (private): ``performer``. Skip for now (あとで), and come back.
- ``moved`` (private): ``performer``, and ``before`` or ``after`` another performer's id.
- ``lottery`` (private): ``block``, ``seed``, ``ids`` (the order that was shuffled).
- ``act_started`` (private): ``performer``, ``block``, ``slot`` (seconds), ``next`` (who was
  told "you're next").
- ``performed`` (minutes): ``performer``, ``block``, ``name``, ``started_at``; written when an
  act ends, so the minutes hold only what was performed.
- ``lineup`` (live): what the projector shows (``views.lineup``); not a change to the list.

Odd data (a wrong type, an unknown performer, an event out of order) is ignored: a fold never
raises, because a meeting must go on.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: Changes to the list. A ``lineup`` is only a picture of it.
LIST_EVENTS = frozenset(
    {
        "signed_up",
        "removed",
        "restored",
        "hold",
        "back",
        "moved",
        "lottery",
        "act_started",
        "performed",
    }
)


@dataclass(slots=True)
class Performer:
    id: str
    name: str  # the stage name, nothing else
    block: str
    not_before: str | None = None  # "HH:MM"
    early: bool = False  # 「早めがいい」
    companion: bool = False  # 同伴者あり
    minutes: float | None = None  # a requested length
    away: bool = False  # あとで: skipped for now, keeps the place


@dataclass(frozen=True, slots=True)
class OnStage:
    performer: str
    started_at: float
    slot: float  # seconds, as planned when the act started


@dataclass(frozen=True, slots=True)
class Performed:
    performer: str
    name: str
    started_at: float
    ended_at: float


@dataclass(slots=True)
class Block:
    """One open-mic block (a stage of type ``openmic``)."""

    order: list[str] = field(default_factory=list)  # waiting, in running order (holds included)
    on_stage: OnStage | None = None
    pinned: str | None = None  # told "you're next" when the last act began
    lottery: bool = False  # the order was drawn: late arrivals get a fair random place
    seeds: list[int] = field(default_factory=list)
    performed: list[Performed] = field(default_factory=list)
    _gone: dict[str, int] = field(default_factory=dict)  # for the undo only; never shown


@dataclass(slots=True)
class OpenMic:
    performers: dict[str, Performer] = field(default_factory=dict)
    blocks: dict[str, Block] = field(default_factory=dict)
    based_on: int = 0  # seq of the last change to the list (a lineup says which it shows)

    def block(self, block_id: str) -> Block:
        return self.blocks.get(block_id) or Block()

    def waiting(self, block_id: str) -> list[Performer]:
        return [self.performers[pid] for pid in self.block(block_id).order]

    def on_list(self, block_id: str) -> list[str]:
        """Everyone still on the list: on stage, then waiting."""
        block = self.block(block_id)
        ahead = [block.on_stage.performer] if block.on_stage else []
        return ahead + list(block.order)

    def find(self, block_id: str, name: str) -> Performer | None:
        """The performer on the list with this stage name (on stage or waiting)."""
        for pid in self.on_list(block_id):
            if self.performers[pid].name == name:
                return self.performers[pid]
        return None


def shuffled(ids: list[str], seed: int) -> list[str]:
    """The lottery's order: anyone can check it from the seed and the order it started from."""
    order = list(ids)
    random.Random(seed).shuffle(order)
    return order


def fair_place(seed: int, low: int, high: int) -> int:
    """A late arrival's place among ``low``..``high`` (inclusive), each equally likely.

    Putting one newcomer at a uniformly random place of a uniformly random order gives a
    uniformly random order of everyone: as if they had been in the lottery from the start.
    """
    return low + random.Random(seed).randrange(high - low + 1)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _int(value: Any) -> int | None:
    return value if type(value) is int else None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        return float(value)
    return None


class _Fold:
    def __init__(self, default_block: str | None) -> None:
        self.state = OpenMic()
        self.default_block = default_block

    def _block_of(self, pid: str) -> tuple[Performer, Block] | None:
        person = self.state.performers.get(pid)
        if person is None:
            return None
        return person, self.state.blocks.setdefault(person.block, Block())

    def apply(self, name: str, data: dict, at: float) -> bool:
        handler = getattr(self, f"_{name}", None)
        if name not in LIST_EVENTS or handler is None:
            return False
        pid = _text(data.get("performer"))
        if name == "lottery":
            return handler(data)
        if pid is None:
            return False
        return handler(pid, data, at)

    def _lo(self, block: Block) -> int:
        """Nobody is placed ahead of the one already told "you're next"."""
        return block.order.index(block.pinned) + 1 if block.pinned in block.order else 0

    def _signed_up(self, pid: str, data: dict, at: float) -> bool:
        name = _text(data.get("name"))
        block_id = _text(data.get("block")) or self.default_block
        if name is None or block_id is None or pid in self.state.performers:
            return False
        minutes = _number(data.get("minutes"))
        person = Performer(
            pid,
            name.strip(),
            block_id,
            not_before=_text(data.get("not_before")),
            early=data.get("early") is True,
            companion=data.get("companion") is True,
            minutes=minutes if minutes and minutes > 0 else None,
        )
        self.state.performers[pid] = person
        block = self.state.blocks.setdefault(block_id, Block())
        lo = self._lo(block)
        seed = _int(data.get("seed"))
        if person.early:  # 早めがいい: after the others who asked the same, near the top
            place = lo
            while place < len(block.order) and self.state.performers[block.order[place]].early:
                place += 1
        elif block.lottery and seed is not None:  # after a lottery: a fair place, not the last
            place = fair_place(seed, lo, len(block.order))
        else:  # first come, first served
            place = len(block.order)
        block.order.insert(place, pid)
        return True

    def _removed(self, pid: str, data: dict, at: float) -> bool:
        found = self._block_of(pid)
        if found is None:
            return False
        person, block = found
        if block.on_stage is not None and block.on_stage.performer == pid:
            block.on_stage = None
            block._gone[pid] = 0
        elif pid in block.order:
            block._gone[pid] = block.order.index(pid)
            block.order.remove(pid)
        else:
            return False
        person.away = False
        if block.pinned == pid:
            block.pinned = None
        return True

    def _restored(self, pid: str, data: dict, at: float) -> bool:
        found = self._block_of(pid)
        if found is None:
            return False
        _, block = found
        if pid not in block._gone:
            return False
        block.order.insert(min(block._gone.pop(pid), len(block.order)), pid)
        return True

    def _hold(self, pid: str, data: dict, at: float) -> bool:
        found = self._block_of(pid)
        if found is None or pid not in found[1].order:
            return False
        person, block = found
        person.away = True
        if block.pinned == pid:
            block.pinned = None
        return True

    def _back(self, pid: str, data: dict, at: float) -> bool:
        found = self._block_of(pid)
        if found is None or pid not in found[1].order or not found[0].away:
            return False
        person, block = found
        person.away = False
        # Back at the old place, near the top; never ahead of the one already told "next".
        if block.pinned in block.order and block.order.index(pid) < block.order.index(block.pinned):
            block.order.remove(pid)
            block.order.insert(block.order.index(block.pinned) + 1, pid)
        return True

    def _moved(self, pid: str, data: dict, at: float) -> bool:
        found = self._block_of(pid)
        if found is None or pid not in found[1].order:
            return False
        _, block = found
        before, after = _text(data.get("before")), _text(data.get("after"))
        anchor = before if before in block.order else after if after in block.order else None
        if anchor is None or anchor == pid:
            return False
        block.order.remove(pid)
        place = block.order.index(anchor) + (0 if anchor == before else 1)
        block.order.insert(place, pid)
        if block.pinned == pid or (
            block.pinned in block.order and place <= block.order.index(block.pinned)
        ):
            block.pinned = None  # the facilitator chose someone else to go next
        return True

    def _lottery(self, data: dict) -> bool:
        block_id = _text(data.get("block"))
        seed = _int(data.get("seed"))
        ids = data.get("ids")
        if block_id is None or seed is None or not isinstance(ids, list):
            return False
        block = self.state.blocks.setdefault(block_id, Block())
        start = [i for i in ids if isinstance(i, str)]
        drawn = [i for i in shuffled(start, seed) if i in block.order and i != block.pinned]
        people = self.state.performers
        drawn = [i for i in drawn if people[i].early] + [i for i in drawn if not people[i].early]
        first = [block.pinned] if block.pinned in block.order else []
        rest = [i for i in block.order if i not in drawn and i not in first]
        block.order = first + drawn + rest
        block.lottery = True
        block.seeds.append(seed)
        return True

    def _act_started(self, pid: str, data: dict, at: float) -> bool:
        found = self._block_of(pid)
        if found is None or pid not in found[1].order:
            return False
        person, block = found
        block.order.remove(pid)
        person.away = False
        slot = _number(data.get("slot"))
        block.on_stage = OnStage(pid, at, slot if slot and slot > 0 else 0.0)
        following = _text(data.get("next"))
        block.pinned = following if following in block.order else None
        return True

    def _performed(self, pid: str, data: dict, at: float) -> bool:
        found = self._block_of(pid)
        name = _text(data.get("name"))
        started = _number(data.get("started_at"))
        if found is None:  # the minutes see only this event: record it as it says
            block_id = _text(data.get("block"))
            if block_id is None or name is None:
                return False
            block = self.state.blocks.setdefault(block_id, Block())
        else:
            block = found[1]
            name = name or found[0].name
            if block.on_stage is not None and block.on_stage.performer == pid:
                started = started if started is not None else block.on_stage.started_at
                block.on_stage = None
        block.performed.append(Performed(pid, name or "", started or at, at))
        return True


def fold(events: Iterable[Any], default_block: str | None = None) -> OpenMic:
    """The list after ``events`` (this plugin's events, oldest first)."""
    folding = _Fold(default_block)
    for event in events:
        name = event.kind.rpartition(":")[2]
        data = event.data if isinstance(event.data, dict) else {}
        if folding.apply(name, dict(data), float(event.at or 0.0)):
            folding.state.based_on = max(folding.state.based_on, int(event.seq or 0))
    return folding.state
