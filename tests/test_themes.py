"""Themes for real rooms: text readable at 7:1 in both, and the projector follows the room's
choice made on the facilitator's screen (an event in the log)."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.filter import dim_color

from kusanone_tui.meeting import Meeting
from kusanone_tui.model.template import parse_template
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import wait_until
from kusanone_tui.tui.app import KusanoneApp
from kusanone_tui.tui.themes import (
    DIM_FACTOR,
    LIGHT,
    TEXT_PAIRS,
    THEMES,
    contrast,
    room_theme,
    theme_colours,
)


def _hex(value: str) -> str:
    return Color.parse(value).hex6


@pytest.mark.parametrize("name", sorted(THEMES))
def test_every_text_colour_meets_7_to_1(name):
    colours = theme_colours(THEMES[name])
    for text, ground in TEXT_PAIRS:
        ratio = contrast(_hex(colours[text]), _hex(colours[ground]))
        assert ratio >= 7, f"{name}: {text} on {ground} is {ratio:.2f}:1"
    # faint text (Rich's dim) as the app draws it, on both grounds
    for ground in ("background", "surface"):
        back, fore = Color.parse(colours[ground]), Color.parse(colours["foreground"])
        faint = dim_color(back.rich_color, fore.rich_color, DIM_FACTOR)
        ratio = contrast("#{:02x}{:02x}{:02x}".format(*faint.triplet), back.hex6)
        assert ratio >= 7, f"{name}: dim text on {ground} is {ratio:.2f}:1"


def test_overrun_is_calm_not_an_alarm_red():
    for theme in THEMES.values():
        warning = Color.parse(theme_colours(theme)["warning"])
        hue = warning.hsl.h * 360
        assert 25 <= hue <= 60, f"an amber, not a red (hue {hue:.0f}°)"


def test_which_theme_a_screen_shows():
    assert room_theme(None, None, None, "projector") == "light"
    assert room_theme(None, None, None, "facilitator") == "dark"
    assert room_theme(None, None, "dark", "projector") == "dark"
    assert room_theme(None, "dark", "light", "projector") == "dark"
    assert room_theme("light", "dark", "dark", "notes") == "light"
    assert room_theme("sepia", None, None, "projector") == "light"  # unknown: the default


def test_a_template_chooses_its_theme_and_a_wrong_one_is_named():
    text = load("teireikai")
    assert text.theme is None
    toml = '[template]\nid = "x"\ntitle = "x"\ntheme = "dark"\n[[stages]]\nid = "a"\n'
    toml += 'type = "round"\ntitle = "a"\nminutes = 5\n'
    assert parse_template(toml).theme == "dark"
    with pytest.raises(ValueError, match=r"<template>:4: theme must be one of light, dark"):
        parse_template(toml.replace('"dark"', '"pink"'))


async def test_f6_on_the_facilitators_screen_and_the_projector_follows(tmp_path, clock):
    log = SessionStore(tmp_path).create(load("teireikai"), title="会", clock=clock)
    Meeting(log).join("みどり")
    projector = KusanoneApp(log, role="projector", clock=clock)
    facilitator = KusanoneApp(type(log).open(log.path), clock=clock)
    async with projector.run_test(size=(60, 18)) as wall, facilitator.run_test() as desk:
        await wait_until(wall, projector.shows_latest)
        assert projector.theme == LIGHT.name  # the projector's default: a lit room
        await wait_until(desk, facilitator.shows_latest)
        assert facilitator.theme == THEMES["dark"].name  # the desk's own default
        await desk.press("f6")  # turns what this screen shows (most rooms mirror it): light

        def chosen() -> list:
            return [e.data["theme"] for e in log.events() if e.kind == "room.theme"]

        await wait_until(desk, chosen)
        assert chosen() == ["light"]
        await wait_until(desk, lambda: facilitator.theme == LIGHT.name)
        assert projector.theme == LIGHT.name
        await desk.press("f6")  # and again: the whole room dark
        await wait_until(desk, lambda: chosen() == ["light", "dark"])
        await wait_until(wall, lambda: projector.theme == THEMES["dark"].name)
        background = projector.screen.styles.background
        assert background.brightness < 0.2  # the wall is dark now
        await desk.press("ctrl+z")  # undone like any action: back to the light wall
        await wait_until(wall, lambda: projector.theme == LIGHT.name)


async def test_theme_given_on_the_command_line(tmp_path, clock):
    log = SessionStore(tmp_path).create(load("teireikai"), title="会", clock=clock)
    app = KusanoneApp(log, role="projector", clock=clock, theme="dark")
    async with app.run_test(size=(60, 18)) as pilot:
        await wait_until(pilot, app.shows_latest)
        assert app.theme == THEMES["dark"].name
