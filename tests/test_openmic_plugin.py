"""The open-mic plugin as the host sees it: its stage type, keys, festival template, and a
failure that never ends a meeting."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from test_openmic_kit import Festival, enable_live, kusanone_openmic

# isort: split
from kusanone_openmic import actions
from kusanone_openmic.planning import at_clock, clock_time, window

from kusanone_tui.api import PluginAPI, PublicView
from kusanone_tui.cli import main
from kusanone_tui.i18n import set_language
from kusanone_tui.model.state import MeetingState
from kusanone_tui.model.views import projector_view
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.templates import load

CORE_KEYS = set("nbaxtslocrpgmzku") | {"space", "plus", "equals_sign", "f2", "f3"}


def test_the_plugin_registers_a_stage_type_keys_a_template_a_section_and_a_command():
    host = PluginHost(strict=True)
    name = host.add(kusanone_openmic)
    assert name == "openmic" and host.records[name].enabled
    assert set(host.records[name].hooks) == {
        "register_stage_types",
        "register_commands",
        "register_templates",
        "minutes_sections",
        "register_cli_commands",
        "on_event",  # draws the lineup again after an undo
        "register_panels",  # the festival's closing: record the day; helpers off the wall
    }
    kind = host.stage_types()["openmic"][1]
    assert kind.panel is not None and kind.projector is not None and kind.rules["ja"]
    commands = {c.name: c for _, c in host.commands()}
    record_day = commands.pop("record_day")  # the festival day's head-count, at its closing
    assert (record_day.stage_type, record_day.key) == ("closing", None)  # no key at a 定例会
    assert all(c.stage_type == "openmic" for c in commands.values())
    keys = [k for c in commands.values() if c.key for k in c.key.split(",")]
    assert len(keys) == len(set(keys)) and not set(keys) & CORE_KEYS
    assert {"d", "w"}.isdisjoint(keys)  # the hitokoto example's keys
    assert commands["next_act"].key == "e" and commands["cancel"].key == "delete,backspace"
    assert [s.name for _, s in host.minutes_sections()] == ["openmic"]
    assert [c.name for _, c in host.cli_commands()] == ["openmic"]


def test_the_festival_template_runs_1330_to_2030_in_six_fixed_blocks():
    host = PluginHost(strict=True)
    host.add(kusanone_openmic)
    template = load("trigger_fes", extra_types=host.stage_types(), extra_templates=host.templates())
    assert template.minutes == 420
    titles = [s.title["ja"] for s in template.stages]
    assert titles == [
        "オープニングセレモニー",
        "専門家によるパネルディスカッション",
        "ライブ演奏・ステージパフォーマンス①",
        "当日キャンセル・当日飛び込みOK！枠",
        "ライブ演奏・ステージパフォーマンス②",
        "クロージングセレモニー",
    ]
    assert all(s.title["en"] for s in template.stages)
    times = [(s.options["start"], s.options["end"]) for s in template.stages]
    assert times[0][0] == "13:30" and times[-1][1] == "20:30"
    for (_, end), (start, _) in pairwise(times):
        assert end == start  # one block after another
    for stage, (start, end) in zip(template.stages, times, strict=True):
        (h1, m1), (h2, m2) = clock_time(start), clock_time(end)
        assert (h2 * 60 + m2) - (h1 * 60 + m1) == stage.minutes
    walkin = [s for s in template.stages if s.type == "openmic"]
    assert [s.id for s in walkin] == ["walkin"] and walkin[0].options["end"] == "18:20"


def test_kusanone_check_accepts_the_festival(tmp_path, capsys):
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "openmic.py").write_text("from kusanone_openmic import *  # noqa: F403\n", "utf-8")
    flags = ["--data", str(tmp_path / "store"), "--plugins-dir", str(shim)]
    assert main(["check", "trigger_fes", *flags]) == 0
    assert "トリガーフェス" in capsys.readouterr().out
    assert main(["plugins", *flags]) == 0
    listed = capsys.readouterr().out.split("\n")
    assert [line for line in listed if line.startswith("openmic ") and "有効" in line]


def test_the_block_window_is_on_the_day_it_runs(tmp_path):
    day = Festival(tmp_path)
    found = window(day.log.state(), "walkin", day.clock())
    assert found is not None and not found.running
    assert found.start == at_clock(day.clock(), "16:30")
    assert found.end == at_clock(day.clock(), "18:20")
    day.to_walkin()  # started at 16:25: the acts may begin then too
    found = window(day.log.state(), "walkin", day.clock())
    assert (
        found.running and found.start == day.clock() and found.end == at_clock(day.clock(), "18:20")
    )
    assert window(day.log.state(), "nowhere", day.clock()) is None
    assert at_clock(day.clock(), "25:00") is None


def test_english_screens(tmp_path, monkeypatch):
    enable_live(monkeypatch)
    day = Festival(tmp_path)
    day.to_walkin()
    day.add("Sakura", companion=True)
    day.add("Midori")
    set_language("en")
    day.press("next_act")
    panel, room = day.panel(), day.projector()
    assert "♪ Sakura" in panel and "e next act" in panel and "min left" in panel
    assert "On stage now" in room and "Up next" in room and "Midori" in room


def test_outside_a_session_or_a_block_nothing_happens_and_nothing_raises(tmp_path):
    api = PluginAPI("openmic")  # no session
    for _, _, run, _ in kusanone_openmic.COMMANDS:
        run(api)
    assert actions.facilitator_panel(api, MeetingState()) is None
    view = PublicView(projector_view(MeetingState(), 0.0), ())
    assert "ステージをお楽しみください" in kusanone_openmic.views.projector(view).plain
    day = Festival(tmp_path)  # a session, but the open-mic block has not begun
    for name, *_ in kusanone_openmic.COMMANDS:
        day.press(name)
    assert day.api.events() == []


def test_a_failing_plugin_is_switched_off_and_the_meeting_goes_on(tmp_path, monkeypatch):
    day = Festival(tmp_path)
    day.to_walkin()
    day.add("さくら")
    host = PluginHost(strict=False)
    host.add(kusanone_openmic)
    host.bind(day.log)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the plugin")

    monkeypatch.setattr(actions, "fold", broken)
    command = {c.name: c for _, c in host.commands()}["next_act"]
    assert host.guard("openmic", "command", command.run, host.apis["openmic"]) is None
    assert not host.records["openmic"].enabled
    assert "a bug in the plugin" in host.records["openmic"].error
    day.meeting.next_stage()  # the meeting itself goes on
    assert day.log.state().stage.id == "live2"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_text_has_both_languages(lang):
    from kusanone_openmic import cli, views

    for module in (views, actions, cli, kusanone_openmic):
        for value in vars(module).values():
            if isinstance(value, dict) and "ja" in value:
                assert set(value) == {"ja", "en"} and value[lang]
                assert not isinstance(value[lang], str) or value[lang].strip()
    assert Path(kusanone_openmic.__file__).with_name("festival.py").exists()


def test_the_keys_table_of_docs_openmic_matches_the_commands():
    import re

    page = (Path(__file__).resolve().parents[1] / "docs" / "openmic.md").read_text("utf-8")
    page = page.split('<a id="keys">')[1].split("<a id=")[0]
    rows = re.findall(r"^\| (`[^|]+`) \| ([^|]+) \| ([^|]+) \|$", page, re.M)
    documented = {(keys, ja.strip(), en.strip()) for keys, ja, en in rows}
    shown = {"left_square_bracket": "[", "right_square_bracket": "]", "less_than_sign": "<"}
    shown |= {"greater_than_sign": ">", "delete": "Delete", "backspace": "Backspace"}
    expected = set()
    for _, title, _, key in kusanone_openmic.COMMANDS:
        if key is None:  # the palette only (ctrl+z is the core's undo)
            continue
        keys = " / ".join(f"`{shown.get(k, k)}`" for k in key.split(","))
        expected.add((keys, title["ja"], title["en"]))
    assert expected == documented


def test_a_long_list_stays_readable_and_the_selection_stays_in_sight(tmp_path):
    day = Festival(tmp_path)
    day.to_walkin()
    for number in range(40):
        day.add(f"演者{number:02d}")
    panel = day.panel()
    assert len(panel.splitlines()) <= 26
    assert "⋯ ほか" in panel and "演者00" in panel and "演者39" not in panel
    for _ in range(39):
        day.press("select_down")
    panel = day.panel()
    assert "▸ 演者39" in panel  # the last one, selected, is shown
    day.press("move_up")
    assert "▸ 演者39" in day.panel()


def test_the_act_timer_goes_calm_then_yellow_then_red_and_keeps_counting():
    from kusanone_openmic.views import COLOURS, clock, timer_tone

    assert [timer_tone(t, 600) for t in (0, 539, 540, 599, 600, 3600)] == [
        "calm",
        "calm",
        "soon",
        "soon",
        "over",
        "over",
    ]
    assert timer_tone(100, 180) == "calm" and timer_tone(150, 180) == "soon"  # a 3-minute act
    assert timer_tone(999, 0) == "calm"  # no slot known: never red
    assert clock(3600 + 62) == "61:02" and clock(-5) == "00:00"
    assert set(COLOURS) == {"calm", "soon", "over"}
    assert "blink" not in " ".join(COLOURS.values())  # no alarms


def test_the_projector_uses_its_own_clock_when_the_view_has_one(tmp_path, monkeypatch):
    from types import SimpleNamespace

    enable_live(monkeypatch)
    day = Festival(tmp_path)
    day.to_walkin()
    day.add("さくら")
    day.press("next_act")
    day.clock.advance(125)
    room = projector_view(day.log.state(), day.clock())
    view = day.api.public_view(room)
    assert "02:05" in kusanone_openmic.views.projector(view).plain  # from the stage's timer
    timed = SimpleNamespace(room=room, events=view.events, text=view.text, now=day.clock() + 60)
    assert "03:05" in kusanone_openmic.views.projector(timed).plain  # from view.now
