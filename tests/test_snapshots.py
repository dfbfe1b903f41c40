"""Snapshots of the screens and of every dialog, in Japanese, as plain text, at the two sizes of
the room's terminals: 80×24 (a small laptop, a projector at low resolution) and 120×36.

A change to a screen shows up here as a diff. After checking the new screen by eye (run the app,
or look at the SVG written beside a screen's snapshot), refresh with:
``KUSANONE_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py``.
What each layout must keep at 80×24 is asserted in ``tests/test_layout.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kusanone_tui.i18n import t
from kusanone_tui.meeting import Meeting
from kusanone_tui.store.session import SessionLog
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp

SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZES = [(80, 24), (120, 36)]


def scene(tmp_path, clock, stage: str = "round"):
    """The regular meeting in its round of updates (or, with ``stage="breakout"``, in 分科会)."""
    # A fixed session id (the store's own ids carry the time and a random suffix): the screens
    # show it whole or cut, and a snapshot must not change from run to run.
    path = tmp_path / "s" / "20261114-1330-teireikai-snap.session.jsonl"
    path.parent.mkdir(parents=True)
    log = SessionLog.create(path, load("teireikai"), title="11月の定例会", clock=clock)
    meeting = Meeting(log)
    people = [
        meeting.join("みどり", "self"),
        meeting.join("さくらの母", "family", minutes_name=True),
        meeting.join("ゲスト"),
        meeting.join("そら", "self", show_name=False),
    ]
    meeting.next_stage()
    clock.advance(4 * 60)
    meeting.next_stage()
    clock.advance(30)
    meeting.next_turn()
    meeting.pass_turn()
    notes = Meeting(log, "notes")
    notes.add_note("先月から散歩を続けています", "public", participant_id=people[1])
    notes.add_note("家族会に誘った", "minutes", participant_id=people[1])
    notes.add_note("ウラ：帰りに声をかける", "private")
    clock.advance(95)
    if stage == "breakout":
        while log.state().stage.type != "breakout":
            meeting.next_stage()
            clock.advance(60)
        meeting.balance_groups()
        group = next(iter(log.state().breakout.groups))
        meeting.set_topic(group, "居場所カフェの見学")
        clock.advance(30)
    return log


def check(name: str, text: str, svg: str | None = None, session: str = "") -> None:
    if session:  # the session's id is new every run (time, random suffix): a fixed stand-in
        stand_in = "SESSION-ID".ljust(len(session), "-")
        text = text.replace(session, stand_in)
        svg = svg.replace(session, stand_in) if svg is not None else None
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("KUSANONE_UPDATE_SNAPSHOTS"):
        path.write_text(text, "utf-8")
        if svg is not None:
            (SNAPSHOTS / f"{name}.svg").write_text(svg, "utf-8")
    assert path.exists(), f"no snapshot {path.name}: run with KUSANONE_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text("utf-8")


def size_name(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.mark.parametrize("size", SIZES, ids=size_name)
@pytest.mark.parametrize(
    "role, stage",
    [
        ("facilitator", "round"),
        ("facilitator", "breakout"),
        ("notes", "round"),
        ("projector", "round"),
        ("projector", "breakout"),
    ],
)
async def test_screen_snapshot(tmp_path, clock, role, stage, size):
    app = KusanoneApp(scene(tmp_path, clock, stage), role=role, clock=clock)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, app.shows_latest)
        await wait_until(pilot, settled(app))
        app.refresh_now()  # lines fitted to the laid-out widths
        await wait_until(pilot, settled(app))
        name = role if stage == "round" else f"{role}-{stage}"
        session = app.session_log.session_id
        check(f"{name}-{size_name(size)}", screen_text(app), app.export_screenshot(), session)


def settled(app: KusanoneApp):
    """A predicate for ``wait_until``: the screen read the same twice in a row (laid out and
    drawn, nothing more on its way)."""
    seen: list[str] = []

    def check() -> bool:
        seen.append(screen_text(app))
        return len(seen) > 1 and seen[-1] == seen[-2]

    return check


async def open_and_wait(pilot, app: KusanoneApp, name: str) -> None:
    """Open a dialog over the drawn facilitator's screen and wait until it is drawn whole."""
    await wait_until(pilot, app.shows_latest)
    below = app.screen
    open_dialog(app, name)
    await wait_until(pilot, lambda: app.screen is not below and app.screen.is_mounted)
    if name == "palette":  # the palette gathers its commands after it opens
        await wait_until(pilot, lambda: app.screen.query_one("CommandList").option_count > 0)
    await pilot.wait_for_scheduled_animations()  # scrolling to the focused field
    await wait_until(pilot, settled(app))


def open_dialog(app: KusanoneApp, name: str) -> None:
    """Open one dialog over the facilitator's screen, as its key or command would."""
    from kusanone_tui.tui import dialogs, flow_dialogs

    screen = app.screen
    state = app.shown_state(app.session_log.state())
    opened = {
        "help": lambda: app.action_help(),
        "palette": lambda: app.action_command_palette(),
        "minutes": lambda: app.action_minutes(),
        "join": lambda: app.push_screen(dialogs.JoinDialog()),
        "confirm": lambda: app.push_screen(dialogs.ConfirmDialog(t("notes.redact_confirm"))),
        "edit": lambda: app.push_screen(dialogs.EditDialog(t("notes.edit_title"), "散歩")),
        "order": lambda: app.push_screen(dialogs.OrderDialog()),
        "roles": lambda: app.push_screen(flow_dialogs.RolesDialog(state)),
        "backstage": lambda: app.open_backstage(screen.meeting),
        "registry": lambda: app.open_registry("居場所カフェ"),
    }
    opened[name]()


DIALOGS = [
    "help",
    "palette",
    "minutes",
    "join",
    "confirm",
    "edit",
    "order",
    "roles",
    "backstage",
    "registry",
]


@pytest.mark.parametrize("size", SIZES, ids=size_name)
@pytest.mark.parametrize("name", DIALOGS)
async def test_dialog_snapshot(tmp_path, clock, name, size):
    app = KusanoneApp(scene(tmp_path, clock), clock=clock)
    async with app.run_test(size=size) as pilot:
        await open_and_wait(pilot, app, name)
        if name == "registry":  # today's date by default: a fixed one for the snapshot
            app.screen.query_one("#reg-date").value = "2026-11-14"
            await wait_until(pilot, lambda: "2026-11-14" in screen_text(app))
        check(
            f"dialog-{name}-{size_name(size)}", screen_text(app), None, app.session_log.session_id
        )
