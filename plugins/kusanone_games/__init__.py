"""ゲーム会 (Game night): board-game tables that make new encounters, safely.

ボードゲームは、自分のことを話さなくても人と出会えるやり方です。このプラグインは、夜の何回かの
卓の組み合わせを、まとめて作ります。初めての人の卓にはルールを説明できる人がいて、同じ人とばかり
にならないように。人が来たり帰ったりしたら、動く人が少なくなるように組み直します。

Board games let people meet without having to talk about themselves. This plugin plans the
tables for every round of an evening at once: a newcomer always has someone who can explain the
game, and pairs who already met are kept apart where possible. When people arrive or leave, the
remaining rounds are re-planned moving as few people as possible; tables fixed by hand stay.

Everything is worked out from the plugin's events (``night(events, state)``):

- ``games:catalogue`` (minutes): the games on the shelf (the sample catalogue until one is read).
- ``games:setup`` (private): rounds, title and "met before" pairs from the evening file.
- ``games:attendee`` (private): one person's wishes, including the private "not with".
- ``games:plan`` (private): a plan from a round on; ``games:lock`` and ``games:rest`` (private).
- ``games:round`` (public): the round now being played.
- ``games:tables`` (public): what the projector shows — each table's game and players, with
  names only of people who agreed to be named both on the screen and in the minutes (this event
  reaches the minutes too); ``#3`` otherwise. Nobody resting is listed, no wish is written.
"""

from __future__ import annotations

from kusanone_tui import hookimpl
from kusanone_tui.plugin_types import Command, StageType, TemplateSource

from .cli import COMMAND
from .commands import COMMANDS
from .record import record_evening
from .state import DEFAULT_ROUNDS, STAGE, TITLE, Night, evening_for, night
from .views import minutes, panel, projector

RECORD_TITLE = {"ja": "この会を記録", "en": "Record the evening"}

__version__ = "0.1.0"
PLUGIN_NAME = "games"
KUSANONE_API = ">=1.0,<2"

__all__ = ["DEFAULT_ROUNDS", "STAGE", "TITLE", "Night", "evening_for", "night"]

TEMPLATE = """
[template]
id = "game_night"
title = { ja = "ゲーム会", en = "Game night" }
description.ja = "ボードゲームで、話さなくても出会える夜。"
description.en = "Board games: meeting people without having to talk about yourself."
minutes = 150

[[stages]]
id = "opening"
type = "opening"
title = { ja = "はじめに", en = "Welcome" }
minutes = 10
rules.ja = ["だれも否定しない", "ひと休みもふつうのこと", "ここで聞いた話はここだけに"]
rules.en = ["Nobody is put down", "Taking a rest is normal", "What is said here stays here"]

[[stages]]
id = "games"
type = "games"
title = { ja = "ゲームの時間", en = "Games" }
minutes = 130
rounds = 3
rules.ja = [
  "勝ち負けより、いっしょに楽しく", "ルールはゆっくり説明します", "ひと休みしてもだいじょうぶ",
]
rules.en = [
  "Playing together matters more than winning", "Rules are explained slowly",
  "A rest is fine at any time",
]

[[stages]]
id = "closing"
type = "closing"
title = { ja = "おわりに", en = "Closing" }
minutes = 10
rules.ja = ["おつかれさまでした"]
rules.en = ["Thank you for tonight"]
"""


# -- hooks ---------------------------------------------------------------------------------------
@hookimpl
def register_stage_types(register) -> None:
    register(StageType(STAGE, TITLE, panel=panel, projector=projector))


@hookimpl
def register_commands(register) -> None:
    for name, title, run_command, key in COMMANDS:
        register(Command(name, title, run_command, key=key, stage_type=STAGE))
    register(Command("record", RECORD_TITLE, record_evening, key="w", stage_type=STAGE))


@hookimpl
def register_templates(register) -> None:
    register(TemplateSource("game_night", TEMPLATE))


@hookimpl
def minutes_sections(register, api) -> None:
    register(minutes(api))


@hookimpl
def register_cli_commands(register) -> None:
    register(COMMAND)
