"""People's text is data: never markup, never terminal control, never active content.

Names, notes, topics and titles made of markup brackets, escape sequences, bidi overrides and
10,000 characters go through every screen, dialog, export and report: nothing crashes, and the
text is shown as written.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kusanone_tui.cli import main
from kusanone_tui.meeting import Meeting
from kusanone_tui.minutes import md_escape, minutes_markdown, to_html
from kusanone_tui.model.text import clean_data, clean_text, is_clean
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text
from kusanone_tui.tui.app import KusanoneApp

UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

HOSTILE = [
    "Bob[/]",
    "[b]太字[/b]",
    "[link=http://evil.example]x[/link]",
    "[@click=app.quit]押して[/]",
    "\x1b[31m赤\x1b[0m",
    "\x1b]0;乗っ取り\x07",
    "\x1b[2J\x1b[H消す",
    "\u202eevil\u202c",
    "<b>x</b><img src=http://h.example/p.png>",
    "![t](http://h.example/p.png) [l](http://h.example)",
    "*強調* _下線_ `code` # 見出し | 表 |",
    "あ" * 10_000,
]


# -- the boundary --------------------------------------------------------------------------------
@given(st.text(alphabet=st.characters(codec=None), max_size=200))
def test_clean_text_leaves_nothing_a_terminal_would_act_on(text):
    single = clean_text(text)
    assert not UNSAFE.search(single) and "\n" not in single
    assert len(single) == len(text)  # every character is kept or stands in visibly
    assert clean_text(single) == single and is_clean(single)
    several = clean_text(text, multiline=True)
    assert not UNSAFE.search(several)


def test_control_characters_become_visible_pictures_and_brackets_stay():
    assert clean_text("a\x1b[31mb\x07") == "a␛[31mb␇"
    assert clean_text("\u202eevil") == "\ufffdevil"
    assert clean_text("x\ny") == "x y"
    assert clean_text("x\r\ny", multiline=True) == "x\ny"
    assert clean_text("Bob[/] <b>") == "Bob[/] <b>"
    assert clean_data({"name": "a\nb", "text": "a\nb", "people": ["\x1b"]}) == {
        "name": "a b",
        "text": "a\nb",
        "people": ["␛"],
    }


def test_no_control_byte_reaches_the_disk(tmp_path):
    log = SessionStore(tmp_path).create(load("teireikai"), title="\x1b]0;t\x07会")
    meeting = Meeting(log)
    pid = meeting.join("\x1b[31mBob\u202e")
    Meeting(log, "notes").add_note("note \x1b[2J\x9b1m", "public", participant_id=pid)
    raw = log.path.read_bytes()
    assert b"\x1b" not in raw and b"\\u001b" not in raw and b"\\u0007" not in raw
    assert "\u202e".encode() not in raw and "\x9b".encode() not in raw
    state = log.state()
    assert state.participants[pid].name == "␛[31mBob\ufffd"
    assert state.title == "␛]0;t␇会"


def test_a_log_written_by_hand_is_cleaned_when_read(tmp_path):
    """A file from elsewhere (an older version, an editor) cannot bring control into a screen."""
    from kusanone_tui.store.storage import encode_line

    log = SessionStore(tmp_path).create(load("teireikai"), title="会")
    doc = {
        "id": "x",
        "kind": "participant.joined",
        "at": 1.0,
        "actor": {"role": "facilitator"},
        "data": {"participant_id": "p1", "name": "\x1b[31mred"},
    }
    with open(log.path, "ab") as handle:
        handle.write(encode_line("events", 99, doc))
    assert log.state().participants["p1"].name == "␛[31mred"


# -- screens -----------------------------------------------------------------------------------
def _meeting(tmp_path, clock, name: str, note: str, topic: str, title: str):
    log = SessionStore(tmp_path / "s").create(load("teireikai"), title=title, clock=clock)
    meeting, notes = Meeting(log), Meeting(log, "notes")
    pid = meeting.join(name)
    other = meeting.join("みどり")
    meeting.next_stage()
    meeting.next_stage()  # 近況報告
    meeting.start_round()
    meeting.next_turn()
    notes.add_note(note, "public", participant_id=pid)
    notes.add_note(note, "minutes", participant_id=other)
    notes.record_backstage("invited", note, [name], topic)
    gid = meeting.add_group(topic)
    meeting.set_topic(gid, topic)
    return log, pid


async def _tour(app, pilot) -> list[str]:
    """Every screen and dialog of the facilitator's app; the text of each."""
    seen = [screen_text(app)]
    for keys in (
        ("t",),
        ("f3",),
        ("f1",),
        ("f2",),
        ("f1",),
        ("n",),  # リフレクティング
        ("r",),
        ("escape",),
        ("u",),
        ("escape",),
        ("n", "n"),  # 分科会
        ("k",),
        ("escape",),
        ("f4",),
        ("escape",),
        ("question_mark",),
        ("escape",),
        ("f3",),
    ):
        await pilot.press(*keys)
        await pilot.pause()
        seen.append(screen_text(app))
    return seen


@pytest.mark.parametrize("hostile", HOSTILE[:9], ids=range(9))
async def test_every_screen_shows_hostile_text_literally(tmp_path, clock, hostile):
    log, _ = _meeting(tmp_path, clock, hostile, f"ノート{hostile}", f"話題{hostile}", hostile)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        seen = await _tour(app, pilot)
        assert app.is_running
    shown = clean_text(hostile)
    everything = "\n".join(seen)
    assert shown in everything  # as written (control characters as visible pictures)
    assert f"ノート{shown}" in everything
    assert not UNSAFE.search(everything)


async def test_ten_thousand_characters_everywhere(tmp_path, clock):
    long = "あ" * 10_000
    log, _ = _meeting(tmp_path, clock, long, long, long, long)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await _tour(app, pilot)
        assert app.is_running


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=40))
async def test_any_text_as_name_note_topic_and_title(tmp_path_factory, text):
    from kusanone_tui.testing import FakeClock

    clock = FakeClock()
    log, _ = _meeting(tmp_path_factory.mktemp("h"), clock, text, text, text, text)
    app = KusanoneApp(log, clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await _tour(app, pilot)
        assert app.is_running


async def test_the_note_takers_screen_keeps_markup_literal(tmp_path, clock):
    log, _ = _meeting(tmp_path, clock, "Bob[/]", "[b]x[/b] \x1b[31m", "t", "会")
    app = KusanoneApp(log, role="notes", clock=clock, plugins=PluginHost())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press(*"[/] [bold]typed", "enter")
        await pilot.pause()
        text = screen_text(app)
    assert "[b]x[/b] ␛[31m" in text
    notes = [n.text for n in log.state().notes.values()]
    assert "[/] [bold]typed" in " ".join(n or "" for n in notes)


async def test_a_plugins_notice_and_panel_are_literal(tmp_path, clock):
    from types import SimpleNamespace

    from kusanone_tui import hookimpl
    from kusanone_tui.plugin_types import Command, Panel

    @hookimpl
    def register_commands(register, api):
        register(Command("loud", {"ja": "[b]押す[/]"}, lambda api: api.notify("Bob[/] 通知"), "j"))

    @hookimpl
    def register_panels(register):
        register(Panel("p", {"ja": "p"}, facilitator=lambda api, state: "[/]panel\x1b[2J"))

    host = PluginHost(strict=True)
    host.add(
        SimpleNamespace(register_commands=register_commands, register_panels=register_panels),
        "loud",
    )
    log, _ = _meeting(tmp_path, clock, "a", "b", "c", "d")
    app = KusanoneApp(log, clock=clock, plugins=host)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        notices = [(n.message, n.markup) for n in app._notifications]
        text = screen_text(app)
        assert app.is_running
    assert "[/]panel␛[2J" in text
    assert notices == [("loud: Bob[/] 通知", False)]


# -- exports and reports ---------------------------------------------------------------------------
class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster", "data") and value:
                self.found.append(f"{tag} {name}={value}")
            if name == "style" and value and "url(" in value:
                self.found.append(f"{tag} style")


def _remote(page: str) -> list[str]:
    parser = _Links()
    parser.feed(page)
    found = parser.found
    found += re.findall(r"url\(", page)
    found += re.findall(r"@import", page)
    return found


def test_minutes_escape_participants_markdown(tmp_path, clock):
    evil = "![t](http://h.example/p.png) [l](http://h.example) <img src=x> *em* `c` | <http://a.b>"
    log, _ = _meeting(tmp_path, clock, f"名{evil}", evil, evil, evil)
    text = minutes_markdown(log.state())
    page = to_html(text, "t")
    assert _remote(page) == []
    assert "<img" not in page and "<em>" not in page and "<code>" not in page
    assert "![t](http://h.example/p.png)" in page  # the words themselves, literally
    assert md_escape("a*b") == "a\\*b"


def test_a_plugins_section_cannot_link_or_embed(tmp_path):
    page = to_html("## s\n\n![i](http://h.example/i.png) [x](http://h.example) <http://y.z>", "t")
    assert _remote(page) == []


def test_exports_and_report_with_hostile_text(tmp_path, clock, capsys):
    for index, hostile in enumerate(HOSTILE):
        _meeting(tmp_path / f"m{index}", clock, hostile, hostile, hostile, hostile)
        root = tmp_path / f"m{index}" / "s"
        [path] = SessionStore(root).paths()
        for fmt in ("json", "md", "html"):
            assert main(["--data", str(root), "export", path.name[:-14], "--format", fmt]) == 0
            out = capsys.readouterr().out
            assert not UNSAFE.search(out.replace("\n", ""))
            if fmt == "html":
                assert _remote(out) == []
            if fmt == "json":
                json.loads(out)
        for fmt in ("md", "html", "csv", "json"):
            assert main(["report", str(root), "--format", fmt]) == 0
            out = capsys.readouterr().out
            if fmt == "html":
                assert _remote(out) == []
