"""The example plugin ひとことカード, driven through the plugin host as the app drives it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rich.text import Text

from kusanone_tui import Actor, new_id
from kusanone_tui.api import PublicView
from kusanone_tui.i18n import set_language
from kusanone_tui.model.events import Event
from kusanone_tui.model.state import MeetingState
from kusanone_tui.model.template import parse_template
from kusanone_tui.model.views import export_events, projector_view
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore

try:
    import kusanone_hitokoto
except ImportError:  # the source tree before the package was (re)installed
    sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))
    import kusanone_hitokoto

CARDS = kusanone_hitokoto.CARDS
FACILITATOR = Actor("facilitator")


def plain(drawn: object) -> str:
    return drawn.plain if isinstance(drawn, Text) else str(drawn)


class Room:
    """A session with only the hitokoto plugin, as the facilitator's process sees it."""

    def __init__(self, root: Path) -> None:
        self.host = PluginHost(strict=True)
        self.host.add(kusanone_hitokoto, name="hitokoto", source="built-in")
        self.stage_type = self.host.stage_types()["hitokoto"][1]
        template = parse_template(
            self.host.templates()["hitokoto_kai"], "hitokoto_kai.toml", extra_types=("hitokoto",)
        )
        self.store = SessionStore(root)
        self.log = self.store.create(template)
        self.host.bind(self.log)
        self.api = self.host.apis["hitokoto"]
        self.commands = {command.name: command for _, command in self.host.commands()}

    def press(self, name: str) -> None:
        self.commands[name].run(self.api)

    def join(self, name: str, show_name: bool = True) -> str:
        pid = new_id()
        self.log.append(
            "participant.joined",
            {"participant_id": pid, "name": name, "show_name": show_name},
            actor=FACILITATOR,
        )
        return pid

    def start_cards(self) -> None:
        self.log.append("stage.started", {"index": 1}, actor=FACILITATOR)

    def speak(self, pid: str) -> None:
        self.log.append("turn.started", {"participant_id": pid}, actor=FACILITATOR)

    def deck(self):
        return kusanone_hitokoto.deck_state(self.api.events())

    def panel(self) -> str:
        return plain(self.stage_type.panel(self.api, self.log.state()))

    def projector(self) -> str:
        room = projector_view(self.log.state(), self.api.now())
        return plain(self.stage_type.projector(self.api.public_view(room)))


@pytest.fixture
def room(tmp_path: Path) -> Room:
    return Room(tmp_path)


def test_the_plugin_registers_its_stage_commands_and_template(room: Room) -> None:
    assert kusanone_hitokoto.__version__ == "0.1.0"
    assert room.host.records["hitokoto"].enabled
    keys = {name: (c.key, c.stage_type) for name, c in room.commands.items()}
    assert keys == {"draw": ("d", "hitokoto"), "skip_card": ("w", "hitokoto")}
    template = room.log.state().template
    assert template is not None and template.id == "hitokoto_kai"
    assert [s.type for s in template.stages] == ["opening", "hitokoto", "closing"]
    cards = template.stages[1]
    assert cards.minutes == 20 and cards.rules["ja"] and cards.rules["en"]


def test_the_deck_holds_at_least_twenty_gentle_cards_in_both_languages() -> None:
    assert len(CARDS) >= 20
    assert all(card["ja"].strip() and card["en"].strip() for card in CARDS)
    assert len({card["ja"] for card in CARDS}) == len(CARDS)


def test_drawing_advances_the_deck_and_records_the_seed(room: Room) -> None:
    room.start_cards()
    room.press("draw")
    first = room.api.events()[0]
    assert first.kind == "hitokoto:drawn" and first.data["visibility"] == "public"
    seed = first.data["seed"]
    order = kusanone_hitokoto.shuffled(seed)
    assert first.data["card"] == order[0]  # anyone can check the order from the seed
    assert first.data["participant_id"] is None  # nobody had the turn

    room.press("draw")
    second = room.api.events()[1]
    assert "seed" not in second.data and second.data["card"] == order[1]
    deck_order, drawn, current = room.deck()
    assert deck_order == order and drawn == order[:2] and current == order[1]
    assert f"のこり {len(CARDS) - 2} 枚" in room.panel()
    assert CARDS[order[1]]["ja"] in room.panel()


def test_every_card_is_drawn_once_before_any_repeats(room: Room) -> None:
    room.start_cards()
    for _ in CARDS:
        room.press("draw")
    cards = [event.data["card"] for event in room.api.events()]
    assert sorted(cards) == list(range(len(CARDS)))
    assert sum("seed" in event.data for event in room.api.events()) == 1

    room.press("draw")  # the deck is empty: a fresh shuffle, with its seed recorded
    last = room.api.events()[-1]
    assert last.data["card"] == kusanone_hitokoto.shuffled(last.data["seed"])[0]
    assert room.deck()[1] == [last.data["card"]]


def test_a_card_put_back_comes_again_only_after_the_rest(room: Room) -> None:
    room.start_cards()
    room.press("draw")
    put_back = room.deck()[2]
    room.press("skip_card")
    assert room.deck()[2] != put_back
    assert room.deck()[0][-1] == put_back  # to the bottom of the deck
    for _ in range(len(CARDS) - 2):
        room.press("draw")
    assert room.deck()[2] != put_back
    room.press("draw")
    assert room.deck()[2] == put_back  # the last card left


def test_skipping_never_records_who_skipped(room: Room) -> None:
    pid = room.join("さくら")
    room.start_cards()
    room.speak(pid)
    room.press("draw")
    before = room.deck()
    room.press("skip_card")
    after = room.deck()

    assert after[2] != before[2]  # another card
    assert len(after[0]) - len(after[1]) == len(CARDS) - 1  # the card went back
    events = room.api.events()
    kinds = [event.kind for event in events]
    assert kinds == ["hitokoto:drawn", "hitokoto:put_back", "hitokoto:drawn"]
    put_back = events[1]
    assert "participant_id" not in put_back.data
    assert pid not in str(put_back.data) and "さくら" not in str(put_back.data)
    assert put_back.data["visibility"] == "private"
    assert not any("skip" in kind or "pass" in kind for kind in kinds)

    # The projector and the minutes see two ordinary draws and no put-back.
    room_view = projector_view(room.log.state(), room.api.now())
    public = room.api.public_view(room_view)
    assert [event.kind for event in public.events] == ["hitokoto:drawn", "hitokoto:drawn"]
    minutes = export_events(room.log.events(), room.log.state(), "minutes")
    assert "hitokoto:put_back" not in {record["kind"] for record in minutes}
    projected = room.projector()
    assert CARDS[after[2]]["ja"] in projected
    assert CARDS[before[2]]["ja"] not in projected


def test_the_projector_shows_the_card_and_never_a_hidden_name(room: Room) -> None:
    shy = room.join("ひみつのさくら", show_name=False)
    room.join("みどり")
    room.start_cards()
    assert "まもなく" in room.projector()
    room.speak(shy)
    room.press("draw")
    card = room.deck()[2]
    assert room.api.events()[-1].data["participant_id"] == shy

    projected = room.projector()
    assert CARDS[card]["ja"] in projected
    assert "ひみつのさくら" not in projected and shy not in projected
    assert "ひみつのさくら" in room.panel()  # the facilitator's own screen may name her

    set_language("en")
    projected = room.projector()
    assert CARDS[card]["en"] in projected and "ひみつのさくら" not in projected


def test_another_process_projects_the_same_card(room: Room) -> None:
    room.start_cards()
    room.press("draw")
    projector = PluginHost(strict=True)
    projector.add(kusanone_hitokoto, name="hitokoto", source="built-in")
    log = room.store.open(room.log.session_id)
    projector.bind(log)
    kind = projector.stage_types()["hitokoto"][1]
    view = projector.apis["hitokoto"].public_view(projector_view(log.state(), 0.0))
    assert CARDS[room.deck()[2]]["ja"] in plain(kind.projector(view))


def test_the_plugin_never_raises_without_a_session_or_state(room: Room) -> None:
    empty = MeetingState()
    room.host.bind(None)  # no session open
    api = room.host.apis["hitokoto"]
    for command in room.commands.values():
        command.run(api)
    assert "d" in plain(room.stage_type.panel(api, empty))
    view = PublicView(projector_view(empty, 0.0), ())
    assert "まもなく" in plain(room.stage_type.projector(view))


def test_a_fresh_session_and_odd_events_are_harmless(room: Room) -> None:
    assert room.deck() == ([], [], None)
    assert f"のこり {len(CARDS)} 枚" in room.panel()
    room.press("skip_card")  # nothing to put back: just draws a card
    assert [event.kind for event in room.api.events()] == ["hitokoto:drawn"]
    odd = [
        Event("hitokoto:drawn", {"card": "3"}),
        Event("hitokoto:drawn", {"card": 10_000, "seed": 1}),
        Event("hitokoto:drawn", {"card": True}),
        Event("hitokoto:drawn", {"card": 2, "seed": "x"}),
        Event("hitokoto:put_back", {"card": 5}),
        Event("hitokoto:put_back", {}),
        Event("hitokoto:other", {"card": 1}),
    ]
    order, drawn, current = kusanone_hitokoto.deck_state(odd)
    assert (order, drawn, current) == ([], [2], 2)
