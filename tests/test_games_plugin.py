"""The game-night plugin in a meeting: planning from the events, the projector, privacy (the
"not with" wish and resting never reach a shared screen or a default export), and a Pilot run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from rich.text import Text

from kusanone_tui import Actor, new_id
from kusanone_tui.cli import main
from kusanone_tui.i18n import set_language
from kusanone_tui.model.events import Event
from kusanone_tui.model.state import MeetingState
from kusanone_tui.model.template import parse_template
from kusanone_tui.model.views import export_events, projector_view
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.testing import screen_text, wait_until

try:
    import kusanone_games
except ImportError:  # the source tree before the package was (re)installed
    sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))
    import kusanone_games

FACILITATOR = Actor("facilitator")
MARKER = "NOTWITH-MARKER-7f3a"  # a private wish that must never leave the organiser's screen


def plain(drawn: object) -> str:
    return drawn.plain if isinstance(drawn, Text) else str(drawn)


class Room:
    """A game-night session with only this plugin, as the facilitator's process sees it."""

    def __init__(self, root: Path, settings: dict | None = None) -> None:
        self.host = PluginHost(strict=True)
        self.host.add(kusanone_games)
        self.stage_type = self.host.stage_types()["games"][1]
        template = parse_template(
            self.host.templates()["game_night"], "game_night.toml", extra_types=("games",)
        )
        self.store = SessionStore(root / "store")
        self.log = self.store.create(template)
        self.host.bind(self.log, settings={"games": {"seconds": 0.2, **(settings or {})}})
        self.api = self.host.apis["games"]
        self.commands = {command.name: command for _, command in self.host.commands()}

    def press(self, name: str) -> None:
        self.commands[name].run(self.api)

    def join(self, name: str, show_name: bool = True, minutes_name: bool = True) -> str:
        pid = new_id()
        self.log.append(
            "participant.joined",
            {
                "participant_id": pid,
                "name": name,
                "show_name": show_name,
                "minutes_name": minutes_name,
            },
            actor=FACILITATOR,
        )
        return pid

    def leave(self, pid: str) -> None:
        self.log.append("participant.left", {"participant_id": pid}, actor=FACILITATOR)

    def start_games(self) -> None:
        self.log.append("stage.started", {"index": 1}, actor=FACILITATOR)

    def night(self) -> kusanone_games.Night:
        return kusanone_games.night(self.api.events(), self.log.state())

    def panel(self) -> str:
        return plain(self.stage_type.panel(self.api, self.log.state()))

    def public_view(self):
        return self.api.public_view(projector_view(self.log.state(), self.api.now()))

    def projector(self) -> str:
        return plain(self.stage_type.projector(self.public_view()))


@pytest.fixture
def room(tmp_path: Path) -> Room:
    return Room(tmp_path)


def crowd(room: Room, count: int = 10) -> list[str]:
    return [room.join(f"人{i}") for i in range(count)]


def test_the_plugin_registers_its_stage_keys_template_and_command_line(room: Room) -> None:
    assert kusanone_games.__version__ == "0.1.0"
    assert room.host.records["games"].enabled
    keys = {name: (c.key, c.stage_type) for name, c in room.commands.items()}
    assert keys == {
        "plan": ("e", "games"),
        "replan": ("y", "games"),
        "next_round": ("j", "games"),
        "select_table": ("h", "games"),
        "lock": ("v", "games"),
        "select_person": ("q", "games"),
        "rest": ("f", "games"),
        "read_file": ("i", "games"),
        "record": ("w", "games"),  # the evening as an activity day (test_activity_days.py)
    }
    template = room.log.state().template
    assert [s.type for s in template.stages] == ["opening", "games", "closing"]
    assert template.stages[1].options["rounds"] == 3
    assert [c.name for _, c in room.host.cli_commands()] == ["games"]


def test_planning_writes_a_private_plan_and_a_public_table_list(room: Room) -> None:
    pids = crowd(room, 12)
    room.start_games()
    assert "e で組み合わせを作ります" in room.panel()
    assert "まもなく" in room.projector()
    room.press("plan")

    kinds = [(e.kind, e.data["visibility"]) for e in room.api.events()]
    assert kinds == [("games:plan", "private"), ("games:tables", "public")]
    nt = room.night()
    assert nt.round == 1 and nt.rounds == 3 and sorted(nt.tables) == [1, 2, 3]
    seated = sorted(p for t in nt.current() for p in t.players)
    assert seated == sorted(pids)
    panel = room.panel()
    assert "第1回（全3回）" in panel and "守れていないルール 0" in panel and "人0" in panel
    projected = room.projector()
    for table in nt.current():
        assert table.game in projected
    assert "人0" in projected and "第1回" in projected
    assert room.api.notices[-1].startswith("組み合わせを作りました")


def test_the_next_round_is_projected_and_later_rounds_avoid_repeats(room: Room) -> None:
    crowd(room, 12)
    room.start_games()
    room.press("plan")
    first = {frozenset(t.players) for t in room.night().current()}
    room.press("next_round")
    nt = room.night()
    assert nt.round == 2
    public = room.public_view().events
    assert public[-1].data["round"] == 2
    assert {frozenset(t["ids"]) for t in public[-1].data["tables"]} == {
        frozenset(t.players) for t in nt.current()
    }
    assert {frozenset(t.players) for t in nt.current()} != first
    assert "第2回" in room.projector()
    room.press("next_round")
    room.press("next_round")  # there is no fourth round
    assert room.night().round == 3 and room.api.notices[-1] == "最後の回です"


def test_names_reach_the_shared_screen_only_with_consent(room: Room) -> None:
    """The public table list reaches the projector *and* the minutes, so it carries a name only
    for someone who agreed to both; the projector shows names from the room's consent-aware
    labels (screen consent), and the organiser's own panel names everyone."""
    room.join("ひみつのさくら", show_name=False, minutes_name=False)
    room.join("画面だけのゆう", show_name=True, minutes_name=False)
    room.join("みどり", show_name=True, minutes_name=True)
    crowd(room, 5)
    room.start_games()
    room.press("plan")
    projected = room.projector()
    assert "ひみつのさくら" not in projected
    assert "画面だけのゆう" in projected and "みどり" in projected
    public = json.dumps([e.data for e in room.public_view().events], ensure_ascii=False)
    assert "ひみつのさくら" not in public and "画面だけのゆう" not in public
    wall = room.panel()  # the facilitator's screen may be on the wall: the room's names
    assert "画面だけのゆう" in wall and "みどり" in wall
    assert "ひみつのさくら" not in wall
    room.api.wall_safe = False  # the private view: the organiser's own eyes name everyone
    panel = room.panel()
    assert "ひみつのさくら" in panel and "画面だけのゆう" in panel


def test_a_projector_that_offers_consent_aware_labels_uses_them(room: Room) -> None:
    """If the room's view maps participant ids to the projector's labels (a proposed core
    addition), the projector shows names agreed for the screen, from the ids."""
    shy = room.join("画面だけのゆう", show_name=True, minutes_name=False)
    crowd(room, 5)
    room.start_games()
    room.press("plan")
    view = room.public_view()

    class Room_:
        def __init__(self, labels):
            self.labels = labels

    from kusanone_tui.api import PublicView

    labelled = PublicView(Room_({shy: "画面だけのゆう"}), view.events)
    assert "画面だけのゆう" in plain(room.stage_type.projector(labelled))


def attendee_events(room: Room, rows: list[dict]) -> None:
    for row in rows:
        room.api.append("attendee", row, visibility="private")


def test_the_private_not_with_wish_never_leaves_the_organiser(room: Room, capsys) -> None:
    pids = crowd(room, 8)
    attendee_events(
        room,
        [
            {"name": "人0", "not_with": [MARKER, "人1"], "wishes": ["ドブル"]},
            {"name": "人1", "not_with": ["人0"], "newcomer": True},
            {"name": "人2", "supporter": True, "teaches": ["ドブル", "ito（イト）"]},
        ],
    )
    room.start_games()
    room.press("plan")
    room.press("next_round")
    room.press("replan")

    nt = room.night()
    for tables in nt.tables.values():
        for table in tables:
            assert not {pids[0], pids[1]} <= set(table.players)
    # Not on the projector, not in any public event.
    assert MARKER not in room.projector()
    public = json.dumps([e.data for e in room.public_view().events], ensure_ascii=False)
    assert MARKER not in public and "not_with" not in public
    # Not on the organiser's panel either: the private wishes are only counted there.
    panel = room.panel()
    assert MARKER not in panel and "非公開の希望" in panel
    # Not in the minutes' view, nor in the default export.
    minutes = json.dumps(
        export_events(room.log.events(), room.log.state(), "minutes"), ensure_ascii=False
    )
    assert MARKER not in minutes and "not_with" not in minutes
    code = main(["export", room.log.session_id, "--data", str(room.store.root)])
    out = capsys.readouterr().out
    assert code == 0 and MARKER not in out and "not_with" not in out
    assert "games:tables" in out and "games:attendee" not in out and "games:plan" not in out


def test_resting_is_a_private_choice_and_honoured_on_replanning(room: Room) -> None:
    pids = crowd(room, 10)
    room.start_games()
    room.press("plan")
    room.press("select_person")  # the first person
    room.press("rest")
    assert room.api.events()[-1].kind == "games:rest"
    assert room.api.events()[-1].data["visibility"] == "private"
    assert "ひと休み: 人0" in room.panel()
    assert "遊ぶ人が変わりました（+0 −1）" in room.panel()
    room.press("replan")
    assert all(pids[0] not in t.players for t in room.night().current())
    assert "守れていないルール 0" in room.panel()
    # The room sees an ordinary table list: nobody is listed as resting, and no public event
    # says anything about a rest.
    projected = room.projector()
    assert "人0" not in projected and "休" not in projected.replace("ひと休みしても", "")
    public = [e.kind for e in room.public_view().events]
    assert "games:rest" not in public
    room.press("rest")  # back to play
    room.press("replan")
    assert any(pids[0] in t.players for t in room.night().current())


def test_replanning_after_people_leave_and_arrive_keeps_the_locked_table(room: Room) -> None:
    pids = crowd(room, 14)
    room.start_games()
    room.press("plan")
    room.press("select_table")  # the second table
    room.press("lock")
    nt = room.night()
    locked = nt.current()[1]
    assert locked.locked and "🔒" in room.panel()
    others = [p for t in nt.current() if t is not locked for p in t.players]
    room.leave(others[0])
    late = room.join("おそめ")
    assert "遊ぶ人が変わりました（+1 −1）" in room.panel()
    room.press("replan")
    nt = room.night()
    assert locked in nt.current()
    seated = {p for t in nt.current() for p in t.players}
    assert late in seated and others[0] not in seated
    assert seated == (set(pids) - {others[0]}) | {late}
    before = {p: t.tid for t in room.night().current() for p in t.players}
    assert sum(before.get(p) != tid for p, tid in before.items()) == 0
    figures = [e for e in room.api.events() if e.kind == "games:plan"][-1].data["figures"]
    assert figures["moved"] <= 4 and figures["unmet_hard_rules"] == 0
    assert "private_wishes" not in figures
    room.press("lock")  # free it again: the selection follows the table, not its place
    assert not any(t.locked for t in room.night().current())


def test_reading_the_evening_file_keeps_wishes_private(tmp_path: Path) -> None:
    evening = tmp_path / "evening.toml"
    evening.write_text(
        'rounds = 2\ncatalogue = "sample"\nmet_before = [["人3", "人4"]]\n'
        '[[attendee]]\nname = "人0"\nnewcomer = true\n'
        f'[[attendee]]\nname = "人1"\nnot_with = ["{MARKER}"]\nwishes = ["カタン"]\n'
        '[[attendee]]\nname = "人2"\nsupporter = true\nteaches = ["ドブル", "ito（イト）"]\n',
        "utf-8",
    )
    room = Room(tmp_path, settings={"file": str(evening)})
    crowd(room, 6)
    room.start_games()
    room.press("read_file")
    assert room.api.notices[-1] == "読み込みました: 3人・15ゲーム"
    visibility = {e.kind: e.data["visibility"] for e in room.api.events()}
    assert visibility == {
        "games:catalogue": "minutes",
        "games:setup": "private",
        "games:attendee": "private",
    }
    nt = room.night()
    assert nt.rounds == 2 and nt.met_before == [("人3", "人4")]
    room.press("plan")
    nt = room.night()
    assert sorted(nt.tables) == [1, 2]
    newcomer_table = next(
        t
        for t in nt.current()
        if any(room.log.state().participants[p].name == "人0" for p in t.players)
    )
    names = {room.log.state().participants[p].name for p in newcomer_table.players}
    assert "人2" in names  # the supporter who can teach sits with the newcomer
    assert MARKER not in room.projector()


def test_reading_without_a_file_setting_says_how(room: Room, tmp_path: Path) -> None:
    room.press("read_file")
    assert "plugins.toml" in room.api.notices[-1]
    broken = tmp_path / "bad.toml"
    broken.write_text("rounds = 2\n[[attendee]]\nnam = 1\n", "utf-8")
    other = Room(tmp_path / "second", settings={"file": str(broken)})
    other.press("read_file")
    assert other.api.notices[-1].startswith(f"{broken}:3: unknown key 'nam'")
    assert other.api.events() == []


def test_english_screens(room: Room) -> None:
    crowd(room, 6)
    room.start_games()
    room.press("plan")
    set_language("en")
    assert "Round 1 of 3" in room.panel() and "Unmet hard rules 0" in room.panel()
    projected = room.projector()
    assert "Round 1 of 3" in projected and "A rest is always fine" in projected


def test_the_plugin_never_raises_without_a_session_or_with_odd_events(room: Room) -> None:
    empty = MeetingState()
    room.host.bind(None)
    api = room.host.apis["games"]
    for command in room.commands.values():
        command.run(api)
    assert "e" in plain(room.stage_type.panel(api, empty))
    from kusanone_tui.api import PublicView

    assert "まもなく" in plain(room.stage_type.projector(PublicView(projector_view(empty, 0), ())))
    odd = [
        Event("games:plan", {"plan": "x"}),
        Event("games:plan", {}),
        Event("games:lock", {"round": "one"}),
        Event("games:rest", {}),
        Event("games:round", {"round": True}),
        Event("games:round", {"round": 0}),
        Event("games:catalogue", {"games": [{"name": "x"}]}),
        Event("games:attendee", {"name": ""}),
        Event("games:setup", {"rounds": "many"}),
        Event("games:other", {"anything": 1}),
    ]
    nt = kusanone_games.night(odd)
    assert nt.round == 1 and nt.tables == {} and len(nt.games) == 15 and nt.wishes == {}


def test_the_minutes_section_counts_tables_and_encounters_without_names(room: Room) -> None:
    crowd(room, 8)
    room.start_games()
    room.press("plan")
    room.press("next_round")
    [(name, section)] = room.host.minutes_sections()
    text = section.render(None)
    assert name == "games" and text.startswith("- 2回・のべ")
    assert "人" not in text.replace("人0", "").split("卓")[0]  # counts only


async def test_a_game_night_in_the_app(kusanone_pilot) -> None:
    async with kusanone_pilot(kusanone_games, template="game_night", size=(140, 44)) as pilot:
        log = pilot.app.session_log
        for i in range(8):
            log.append(
                "participant.joined",
                {
                    "participant_id": new_id(),
                    "name": f"なまえ{i}",
                    "show_name": True,
                    "minutes_name": True,
                },
                actor=FACILITATOR,
            )
        await pilot.press("n", "n")  # はじめに → ゲームの時間
        await pilot.pause()
        assert "e で組み合わせを作ります" in screen_text(pilot.app)
        await pilot.press("e")  # planned in the background (api.run_in_background)
        await wait_until(pilot, lambda: "第1回（全3回）" in screen_text(pilot.app))
        shown = screen_text(pilot.app)
        assert "第1回（全3回）" in shown and "守れていないルール 0" in shown
        kinds = [e.kind for e in log.events()]
        assert kinds.count("games:plan") == 1 and kinds.count("games:tables") == 1
        await pilot.press("j")
        await pilot.pause()
        assert "第2回（全3回）" in screen_text(pilot.app)
        await pilot.press("f3")  # the projector's view
        await pilot.pause()
        projected = screen_text(pilot.app)
        assert "第2回 / 3" in projected and "なまえ" in projected
        assert "ひと休みしてもだいじょうぶ" in projected
