"""Follow-ups are seen without opening F9 (issue 16.5): a calm line with counts per kind and
place on the note-taker's own screen and in the facilitator's private view — never on the wall
or the projector, never a name — and the scan of every session is cached by the files' stamps."""

from __future__ import annotations

from kusanone_tui import followups
from kusanone_tui.meeting import Meeting
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp

LINE = "前回、まんまの会にお誘いした方：2件（F9）"
NAME = "ひかりZZ"


def store_with_earlier_invitations(root, clock):
    store = SessionStore(root)
    earlier = store.create(load("teireikai"), title="第31回 定例会", clock=clock)
    notes = Meeting(earlier, "notes")
    notes.record_backstage("invited", "", [NAME], "まんまの会")
    notes.record_backstage("invited", "カフェの話も", ["そらZZ"], "まんまの会")
    notes.record_backstage("greeted", "", ["あいさつZZ"])  # not a follow-up
    earlier.close()
    clock.advance(60 * 86400)
    return store, store.create(load("teireikai"), title="第32回 定例会", clock=clock)


async def test_the_note_takers_screen_shows_the_counts_without_names(tmp_path, clock):
    _store, log = store_with_earlier_invitations(tmp_path, clock)
    app = KusanoneApp(log, role="notes", clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: LINE in screen_text(app))
        shown = screen_text(app)
        assert NAME not in shown and "そらZZ" not in shown and "あいさつ" not in shown


async def test_the_facilitator_sees_it_only_in_the_private_view(tmp_path, clock):
    _store, log = store_with_earlier_invitations(tmp_path, clock)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: "第32回 定例会" in screen_text(app))
        assert "お誘いした方" not in screen_text(app)  # the facilitator's screen is on the wall
        await pilot.press("f2")  # the note-taker's screen inside the projected app: still the wall
        await wait_until(pilot, lambda: "記録" in app.screen.sub_title)
        assert "お誘いした方" not in screen_text(app)
        await pilot.press("f1")
        await pilot.press("f5")
        await wait_until(pilot, lambda: "プロジェクターに映っていませんか" in screen_text(app))
        await pilot.click("#yes")
        await wait_until(pilot, lambda: LINE in screen_text(app))
        assert NAME not in screen_text(app)  # names only in F9
        await pilot.press("f5")  # leaving takes it away
        await wait_until(pilot, lambda: not app.private_view)
        await wait_until(pilot, lambda: "お誘いした方" not in screen_text(app))


async def test_the_projector_never_shows_it(tmp_path, clock):
    _store, log = store_with_earlier_invitations(tmp_path, clock)
    app = KusanoneApp(log, role="projector", clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: "第32回 定例会" in screen_text(app))
        assert "お誘い" not in screen_text(app) and NAME not in screen_text(app)


def test_the_scan_is_cached_until_a_session_file_changes(tmp_path, clock, monkeypatch):
    store, log = store_with_earlier_invitations(tmp_path, clock)
    scans = []
    real = followups.collect
    monkeypatch.setattr(followups, "collect", lambda *a, **k: scans.append(1) or real(*a, **k))
    root, now = tmp_path, clock()
    assert followups.calm_lines(root, log.session_id, now) == [LINE]
    assert followups.calm_lines(root, log.session_id, now) == [LINE]
    assert len(scans) == 1
    Meeting(log, "notes").add_note("今の会のメモ", "minutes")  # the meeting running now
    followups.calm_lines(root, log.session_id, now)
    assert len(scans) == 1  # its own writes are not its follow-ups: no new scan
    other = store.create(load("kazokukai"), title="まんまの会", clock=clock)
    Meeting(other, "notes").record_backstage("invited", "", ["ゆきZZ"], "まんまの会")
    lines = followups.calm_lines(root, log.session_id, now)
    assert len(scans) == 2 and lines == ["前回、まんまの会にお誘いした方：3件（F9）"]
    # Marked done: counted out at once (the marks are read each time; no scan needed).
    item = followups.open_followups(root, log.session_id, now, cached=True)[0]
    followups.mark(root, item.key, "done")
    assert followups.calm_lines(root, log.session_id, now) == [LINE]
    assert len(scans) == 2
