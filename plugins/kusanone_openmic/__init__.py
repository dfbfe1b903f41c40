"""オープンマイク (open mic): the festival's 「当日キャンセル・当日飛び込みOK！枠」.

A performance is a chance, never a duty. Performers sign up in advance or walk in on the day, by
stage name only, with optional wishes (not before HH:MM, early please, with a companion, a
length). Anyone may cancel at any moment: one key, and they are simply no longer on the list —
no history, no counter, nothing on any shared screen. The running order fits the block's hard
end, absorbs overruns, and shows the facilitator alone who may not fit.

Written only against the public plugin API (``docs/plugins.md``); the whole list is folded from
this plugin's own events (``state.py``), so it survives a crash and reads the same in every
window. See ``docs/openmic.md``.
"""

from __future__ import annotations

from kusanone_tui import hookimpl
from kusanone_tui.plugin_types import Command, MinutesSection, Panel, StageType, TemplateSource

from . import actions, record, views
from .cli import COMMAND
from .festival import TEMPLATE
from .planning import STAGE_TYPE

__version__ = "0.1.0"
PLUGIN_NAME = "openmic"
KUSANONE_API = ">=1.0,<2"

STAGE_TITLE = {"ja": "オープンマイク（出演リスト）", "en": "Open mic (performers)"}
SECTION_TITLE = {"ja": "ステージの出演（出演順）", "en": "On stage (as performed)"}
RULES = {
    "ja": [
        "出演は、いつでもキャンセルしてだいじょうぶ",
        "飛び込み出演は受付へ（ステージ名だけで）",
    ],
    "en": ["Anyone may cancel, at any moment", "Walk-ins: see the desk (a stage name is enough)"],
}

#: (name, title, what it does, key). Keys are used only during an open-mic block.
COMMANDS = [
    ("next_act", {"ja": "次の出演", "en": "Next act"}, actions.next_act, "e"),
    ("finish_act", {"ja": "おわり", "en": "Done"}, actions.finish_act, "f"),
    ("select_up", {"ja": "選ぶ↑", "en": "Select ↑"}, actions.select_up, "left_square_bracket"),
    ("select_down", {"ja": "選ぶ↓", "en": "Select ↓"}, actions.select_down, "right_square_bracket"),
    ("move_up", {"ja": "前へ", "en": "Move up"}, actions.move_up, "less_than_sign"),
    ("move_down", {"ja": "後ろへ", "en": "Move down"}, actions.move_down, "greater_than_sign"),
    ("cancel", {"ja": "キャンセル", "en": "Cancel"}, actions.cancel, "delete,backspace"),
    ("hold", {"ja": "あとで・もどった", "en": "Hold/back"}, actions.hold, "h"),
    ("lottery", {"ja": "抽選", "en": "Lottery"}, actions.lottery, "j"),
    # ctrl+z is the core's undo (any action, this plugin's commands included); this one is for
    # the palette, and takes back this plugin's last command only.
    ("undo", {"ja": "もとに戻す（オープンマイク）", "en": "Undo (open mic)"}, actions.undo, None),
]


@hookimpl
def register_stage_types(register) -> None:
    register(
        StageType(
            STAGE_TYPE,
            STAGE_TITLE,
            panel=actions.facilitator_panel,
            projector=views.projector,
            rules=RULES,
        )
    )


@hookimpl
def register_commands(register) -> None:
    for name, title, run, key in COMMANDS:
        register(Command(name, title, run, key=key, stage_type=STAGE_TYPE))
    # the festival day's head-count, at its closing (a palette command: no key in other meetings)
    register(Command("record_day", record.TITLE, record.record_day, stage_type="closing"))


@hookimpl
def register_panels(register) -> None:
    register(Panel("festival_day", record.TITLE, facilitator=record.closing_panel,
                   stage_type="closing"))  # fmt: skip


@hookimpl
def register_templates(register) -> None:
    register(TemplateSource("trigger_fes", TEMPLATE))


@hookimpl
def minutes_sections(register) -> None:
    def render(view) -> str:
        state = view.state if isinstance(view.state, dict) else {}
        template = state.get("template") or {}
        return views.minutes(view.events, template.get("stages") or [], view.text)

    register(MinutesSection("openmic", SECTION_TITLE, render))


@hookimpl
def on_event(event, api) -> None:
    actions.republish(api, event)


@hookimpl
def register_cli_commands(register) -> None:
    register(COMMAND)
