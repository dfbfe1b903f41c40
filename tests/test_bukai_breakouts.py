"""Standing 部会 open a meeting's breakouts (issue 16.1): `d` in the breakout stage picks a 部会 of
the registry, the group remembers it, its notes are linked to it, and `kusanone community show`
lists the meetings where it met (counts only)."""

from __future__ import annotations

import json

from kusanone_tui.cli import main
from kusanone_tui.community_actions import bukai_breakouts
from kusanone_tui.meeting import Meeting
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp

HOSTILE = "[bold red]イベント[/]部会"  # a registry name is data, never markup


def notices(app) -> list[str]:
    """The notices the app showed (toasts are not drawn under run_test)."""
    return [n.message for n in app._notifications]


def breakout_session(root, clock):
    store = SessionStore(root)
    registry = store.community()
    registry.add_group(HOSTILE, "部会")
    registry.add_group("居場所部会", "部会")
    registry.add_group("NPOそよかぜ")  # not a 部会: never offered
    log = store.create(load("teireikai"), title="第32回 定例会", clock=clock)
    meeting = Meeting(log)
    meeting.join("あおい")
    index = next(i for i, s in enumerate(log.state().template.stages) if s.type == "breakout")
    meeting.start_stage(index)
    return log, registry


async def test_a_breakout_opens_from_a_standing_bukai_and_its_notes_link_to_it(
    tmp_path, clock, capsys
):
    log, registry = breakout_session(tmp_path, clock)
    bukai = registry.find_group(HOSTILE)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    template_groups = dict(log.state().breakout.groups)  # 居場所部会, イベント部会 of the template
    assert template_groups and not any(g.bukai for g in template_groups.values())
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("d")
        await wait_until(pilot, lambda: "どの部会の分科会を開きますか" in screen_text(app))
        shown = screen_text(app)
        assert HOSTILE in shown and "居場所部会" in shown  # literally, not as markup
        assert "NPOそよかぜ" not in shown
        await pilot.press("enter")  # the first: the hostile-named 部会
        await wait_until(pilot, lambda: len(log.state().breakout.groups) == 3)
        (group,) = [g for g in log.state().breakout.groups.values() if g.bukai]
        assert group.bukai == bukai.id and group.id not in template_groups
        await wait_until(pilot, lambda: f"■ {HOSTILE}" in screen_text(app))
        # Again: the same 部会 is not opened twice.
        await pilot.press("d")
        await wait_until(pilot, lambda: "どの部会の分科会を開きますか" in screen_text(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("もう開いています" in n for n in notices(app)))
        assert len(log.state().breakout.groups) == 3
        # 居場所部会: the template's group of that name is linked, not doubled.
        await pilot.press("d")
        await wait_until(pilot, lambda: "どの部会の分科会を開きますか" in screen_text(app))
        await pilot.press("down", "enter")
        ibasho = registry.find_group("居場所部会").id
        linked = lambda: {g.bukai for g in log.state().breakout.groups.values()}  # noqa: E731
        await wait_until(pilot, lambda: ibasho in linked())
        assert len(log.state().breakout.groups) == 3
        # ctrl+z takes the link back like any action
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: ibasho not in linked())

    notes = Meeting(log, "notes")
    notes.add_note("居場所マップを作りたい", "public", group_id=group.id)
    notes.add_note("非公開のひとこと", "private", group_id=group.id)
    notes.add_note("全体のメモ", "public")
    added = [e for e in log.events() if e.kind == "note.added"]
    assert [e.data.get("bukai") for e in added] == [bukai.id, bukai.id, None]

    (met,) = bukai_breakouts(tmp_path, bukai.id)
    assert (met["session"], met["title"], met["notes"]) == (log.session_id, "第32回 定例会", 1)
    assert bukai_breakouts(tmp_path, registry.find_group("居場所部会").id) == []

    assert main(["community", "show", bukai.id, "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "分科会：" in out and "第32回 定例会" in out and "メモ 1件" in out
    assert "非公開のひとこと" not in out and "居場所マップ" not in out  # counts only
    assert main(["community", "show", bukai.id, "--json", "--data", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["breakouts"][0]["notes"] == 1


async def test_without_a_standing_bukai_the_key_says_so_in_one_line(tmp_path, clock):
    store = SessionStore(tmp_path)
    log = store.create(load("teireikai"), clock=clock)
    meeting = Meeting(log)
    index = next(i for i, s in enumerate(log.state().template.stages) if s.type == "breakout")
    meeting.start_stage(index)
    before = log.state().event_count
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("d")
        await wait_until(pilot, lambda: any("部会が登録されていません" in n for n in notices(app)))
        assert log.state().event_count == before  # nothing written
        assert "どの部会" not in screen_text(app)  # no empty list to pick from
