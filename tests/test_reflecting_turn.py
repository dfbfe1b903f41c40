"""The reflecting turn, as a room runs it (issue 13, point 7).

One vocabulary (話し手 / 聞き手 / リフレクティング・チーム) in the dialog, on the screens and on the
projector; a roles dialog that refuses, kindly, a team with the talker or the interviewer on it;
a turn with an end (the talker's last response, then back to the room) and phases sized to the
stage's time box; key hints and the overrun line only on the facilitator's own screen.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from kusanone_tui.i18n import set_language, t
from kusanone_tui.locales import __file__ as locales_init
from kusanone_tui.meeting import Meeting
from kusanone_tui.model import reflecting as reflect
from kusanone_tui.model.views import projector_view
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text, wait_until
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.flow_dialogs import RolesDialog
from kusanone_tui.tui.panels import view_panel
from kusanone_tui.tui.screens.projector import ProjectorScreen

SIZE = (150, 45)
REFLECTING = 2  # teireikai: opening, round of updates, reflecting (15 minutes: 6 / 4 / 3)
OLD_WORDS = ("話す人", "聞く人", "Talking:", "Listening:")
#: What a key hint looks like, in either language: never on the projector.
KEY_HINTS = ("p で", "r で", "n で", "press p", "p moves", "r sets", "n moves")



def projecting(app) -> bool:
    """The projector's view is up and drawn (its stage title on the screen)."""
    return isinstance(app.screen, ProjectorScreen) and "リフレクティング" in screen_text(app)

def session(tmp_path, clock, template="teireikai"):
    log = SessionStore(tmp_path / "s").create(load(template), title="会", clock=clock)
    meeting = Meeting(log)
    people = {name: meeting.join(name) for name in ("あおい", "はると", "ゆき", "みどり")}
    return log, meeting, people


async def open_roles(pilot) -> RolesDialog:
    await pilot.press("r")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, RolesDialog)
    return dialog


def flat(app) -> str:
    """The screen's text without frames and line breaks: a message wrapped in a dialog reads
    as one line."""
    return re.sub(r"[\s│▎▊]+", "", screen_text(app))


def phase_events(log) -> list[tuple[str, int]]:
    return [
        (e.data["phase"], e.data["cycle"]) for e in log.events() if e.kind == "reflecting.phase"
    ]


# -- the roles dialog -----------------------------------------------------------------------


async def test_the_dialog_refuses_a_team_with_the_talker_and_stays_open(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = await open_roles(pilot)
        text = screen_text(app)
        assert "決定" in text and "追加" not in text  # the confirm button says what it does
        dialog.query_one("#roles-talker").value = people["あおい"]
        dialog.query_one("#roles-interviewer").value = people["はると"]
        team = dialog.query_one("#roles-team")
        for name in ("あおい", "ゆき", "みどり"):
            team.select(people[name])
        ok = dialog.query_one("#roles-ok")
        await pilot.click("#roles-ok")
        said = t("reflecting.team_has_talker").replace(" ", "")
        await wait_until(pilot, lambda said=said: said in flat(app))
        # a button ignores a second click while it still looks pressed
        await wait_until(pilot, lambda: not ok.has_class("-active"))
        assert app.screen is dialog  # still open, to put it right
        assert not [e for e in log.events() if e.kind == "reflecting.roles"]

        # The interviewer on the team: the same, with its own word.
        team.deselect(people["あおい"])
        team.select(people["はると"])
        await pilot.click("#roles-ok")
        said = t("reflecting.team_has_interviewer").replace(" ", "")
        await wait_until(pilot, lambda said=said: said in flat(app))
        # a button ignores a second click while it still looks pressed
        await wait_until(pilot, lambda: not ok.has_class("-active"))
        assert app.screen is dialog

        # One person as talker and interviewer.
        team.deselect(people["はると"])
        dialog.query_one("#roles-interviewer").value = people["あおい"]
        await pilot.click("#roles-ok")
        said = t("reflecting.same_person").replace(" ", "")
        await wait_until(pilot, lambda said=said: said in flat(app))
        # a button ignores a second click while it still looks pressed
        await wait_until(pilot, lambda: not ok.has_class("-active"))
        assert app.screen is dialog

        # Put right: the dialog closes and the roles are kept.
        dialog.query_one("#roles-interviewer").value = people["はると"]
        await pilot.click("#roles-ok")
        await wait_until(pilot, lambda: not isinstance(app.screen, RolesDialog))
        current = log.state().reflecting
        assert current.talkers == [people["あおい"]] and current.interviewer == people["はると"]
        assert current.team == [people["ゆき"], people["みどり"]]


async def test_enter_in_the_dialog_is_refused_the_same_way(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = await open_roles(pilot)
        dialog.query_one("#roles-talker").value = people["ゆき"]
        dialog.query_one("#roles-team").select(people["ゆき"])
        dialog.query_one("#roles-typed").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert t("reflecting.team_has_talker").replace(" ", "") in flat(app)


def test_the_meeting_itself_refuses_impossible_roles(tmp_path, clock):
    _, meeting, people = session(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    aoi, haru, yuki = people["あおい"], people["はると"], people["ゆき"]
    assert meeting.set_roles([aoi], haru, [aoi, yuki]) is None
    assert meeting.set_roles([aoi], haru, [haru, yuki]) is None
    assert meeting.set_roles([aoi], aoi, [yuki]) is None
    assert meeting.set_roles([aoi], haru, [yuki]) is not None
    assert reflect.roles_problem([aoi], None, [yuki]) is None  # no interviewer is fine


# -- one vocabulary -------------------------------------------------------------------------


def test_the_catalogues_use_one_vocabulary():
    folder = __import__("pathlib").Path(locales_init).parent
    for name in ("ja.toml", "en.toml"):
        text = (folder / name).read_text("utf-8")
        for word in OLD_WORDS:
            assert word not in text, (name, word)
        section = tomllib.loads(text)["reflecting"]
        assert section["ok"] != "追加"
    ja = tomllib.loads((folder / "ja.toml").read_text("utf-8"))["reflecting"]
    assert (ja["talker"], ja["interviewer"], ja["team"]) == (
        "話し手",
        "聞き手",
        "リフレクティング・チーム",
    )
    assert "聞き手" not in ja["others"]  # the rest of the room are not "interviewers"
    en = tomllib.loads((folder / "en.toml").read_text("utf-8"))["reflecting"]
    assert (en["talker"], en["interviewer"], en["team"]) == (
        "Talker",
        "Interviewer",
        "Reflecting team",
    )


async def test_screens_dialog_and_projector_say_the_same_words(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_roles(pilot)
        dialog_text = screen_text(app)
        for word in ("話し手", "聞き手", "リフレクティング・チーム"):
            assert word in dialog_text
        await pilot.press("escape")
        meeting.set_roles([people["あおい"]], people["はると"], [people["ゆき"], people["みどり"]])
        app.refresh_now()
        await pilot.pause()
        seen = []
        for _ in range(4):  # conversation, reflection, response, back to the room
            await pilot.press("p")
            await pilot.pause()
            seen.append(screen_text(app))
            await pilot.press("f3")
            await wait_until(pilot, lambda: projecting(app))
            seen.append(screen_text(app))
            await pilot.press("f1")
            await pilot.pause()
        for text in seen:
            for word in OLD_WORDS:
                assert word not in text
        conversation, conversation_room, reflection, reflection_room = seen[:4]
        # Who talks now and who listens, by role, in each phase.
        for text in (conversation, conversation_room):
            assert "話しています　話し手：あおい　聞き手：はると" in text
            assert "聞いています　リフレクティング・チーム：ゆき、みどり" in text, text
        for text in (reflection, reflection_room):
            assert "話しています　リフレクティング・チーム：ゆき、みどり" in text
            assert "聞いています　話し手：あおい　聞き手：はると" in text


# -- an end to the turn ---------------------------------------------------------------------


async def test_p_runs_through_every_phase_to_the_end_and_then_does_nothing(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    meeting.set_roles([people["あおい"]], people["はると"], [people["ゆき"], people["みどり"]])
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        expected = [
            ("会話", "06:00", "1/3", "p で次へ：リフレクション"),
            ("リフレクション", "04:00", "2/3", "p で次へ：応答"),
            ("応答", "03:00", "3/3", "p で次へ：全体に戻る"),
        ]
        for phase, time_box, step, hint in expected:
            await pilot.press("p")
            await pilot.pause()
            text = screen_text(app)
            assert f"{phase}  {time_box}  {step}" in text
            assert hint in text  # the facilitator sees where p leads
        await pilot.press("p")
        await pilot.pause()
        text = screen_text(app)
        assert "全体に戻る" in text and "ありがとうございました。全体に戻ります" in text
        assert "リフレクティングはここまでです。n で次の段階へ" in text
        for _ in range(5):  # no third, fourth… round
            await pilot.press("p")
            await pilot.pause()
        text = screen_text(app)
        assert "巡目" not in text and "全体に戻る" in text
    assert phase_events(log) == [
        ("conversation", 1),
        ("reflection", 1),
        ("response", 1),
        (reflect.END, 1),
    ]


def test_a_plan_repeats_reflection_and_response_only_when_the_template_says_so():
    kinds = ["conversation", "reflection", "response", "reflection", "response"]
    plan = reflect.turn_plan({"phases": [{"kind": k, "minutes": 2} for k in kinds]}, 15)
    state, seen = reflect.ReflectingState(), []
    while (found := reflect.following(state, plan)) is not None:
        state.phase, state.cycle, state.step = found
        seen.append(found[:2])
    assert seen[-3:] == [("reflection", 2), ("response", 2), (reflect.END, 2)]
    # A plan that stops on a reflection still gives the talker the last word.
    plan = reflect.turn_plan({"phases": [{"kind": "reflection", "minutes": 5}]}, 15)
    assert [kind for kind, _ in plan] == ["conversation", "reflection", "response"]


# -- time boxes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage_minutes", "plan"),
    [
        (15, [6.0, 4.0, 3.0]),
        (25, [11.0, 7.0, 5.5]),
        (10, [4.0, 2.5, 2.0]),
        (2, [0.5, 0.5, 0.5]),
    ],
)
def test_phases_without_a_plan_share_the_stage_s_minutes(stage_minutes, plan):
    got = reflect.turn_plan({}, stage_minutes)
    assert [minutes for _, minutes in got] == plan
    assert sum(plan) <= max(stage_minutes, 1.5)


async def test_a_course_stage_sizes_its_phases_from_its_own_minutes(tmp_path, clock):
    log = SessionStore(tmp_path / "s").create(load("reflecting_practice"), clock=clock)
    meeting = Meeting(log)
    meeting.start_stage(2)  # 体験1: 25 minutes, no phases in the template
    meeting.next_phase()
    assert projector_view(meeting.state, clock()).reflecting.remaining == 11 * 60


async def test_the_facilitator_alone_sees_the_overrun_coming(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(REFLECTING)  # 15 minutes; 6 + 4 + 3 planned
    meeting.set_roles([people["あおい"]], people["はると"], [people["ゆき"]])
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        clock.advance(5 * 60)
        app.refresh_now()
        await pilot.pause()
        assert "こえそうです" not in screen_text(app)  # still fits
        clock.advance(5 * 60)  # the conversation runs 4 minutes over
        app.refresh_now()
        await wait_until(pilot, lambda: "分こえそうです" in screen_text(app))
        assert "このままでは、この段階の時間を約" in screen_text(app)
        await pilot.press("f3")
        await wait_until(pilot, lambda: projecting(app))  # the room's view is drawn, and:
        assert "こえそうです" not in screen_text(app)
    over = reflect.overrun(
        log.state().reflecting,
        reflect.turn_plan(log.state().stage.options, 15),
        log.state().stage_remaining(clock()),
        clock(),
    )
    assert over == pytest.approx(2 * 60)  # 10 min gone, 4 + 3 still to come, 5 left


# -- the projector never shows key hints ----------------------------------------------------


async def test_the_projector_shows_no_key_hint_in_any_phase(tmp_path, clock):
    log, meeting, people = session(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    app = KusanoneApp(log, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rooms = []
        for step in range(5):  # before the first phase, each phase, back to the room
            if step == 1:
                meeting.set_roles([people["あおい"]], people["はると"], [people["ゆき"]])
            if step:
                meeting.next_phase()
            app.refresh_now()
            await pilot.press("f3")
            await wait_until(pilot, lambda: projecting(app))
            rooms.append(screen_text(app))
            await pilot.press("f1")
            await pilot.pause()
        assert "まもなく始まります" in rooms[0]
        assert "全体に戻る" in rooms[-1]
        for room in rooms:
            for hint in KEY_HINTS:
                assert hint not in room, hint


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_room_s_panel_holds_no_key_hint_in_either_language(tmp_path, clock, language):
    set_language(language)
    _, meeting, people = session(tmp_path, clock)
    meeting.start_stage(REFLECTING)
    panels = [view_panel(projector_view(meeting.state, clock())).plain]
    meeting.set_roles([people["あおい"]], people["はると"], [people["ゆき"]])
    while meeting.next_phase() is not None:
        panels.append(view_panel(projector_view(meeting.state, clock()), rules=True).plain)
    assert len(panels) == 5
    hints = [t("reflecting.start_hint"), t("reflecting.end_hint"), t("reflecting.next_hint")]
    for panel in panels:
        for hint in [*hints, *KEY_HINTS]:
            assert hint.split("{")[0] not in panel
