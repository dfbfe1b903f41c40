"""The room's themes: a light one for a lit room (the projector's default) and a dark one.

A projector in a community room with the lights on washes colours out: the light theme puts very
dark text on a warm white, every text colour at least 7:1 against its background (WCAG AAA), and
the dark theme does the same the other way round. Overrun is a calm amber, never an alarm red.

Which theme a screen shows (:func:`room_theme`): the facilitator's choice in the log
(``room.theme``) first, then ``--theme`` given to ``open``/``serve``, then the template's
``theme``, then the role's default (the projector light, the other screens dark).
``tests/test_themes.py`` checks every text colour pair of :data:`TEXT_PAIRS` in both themes.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.theme import Theme

from ..model.template import THEMES as TEMPLATE_THEMES

#: The room's themes, by the name used in templates, ``--theme`` and the ``room.theme`` event.
ROOM_THEMES: tuple[str, ...] = TEMPLATE_THEMES

LIGHT = Theme(
    name="kusanone-light",
    primary="#0b4658",
    secondary="#2d4a1c",
    accent="#5c4300",
    warning="#6e4200",  # overrun: a calm deep amber, legible on the white
    error="#7d2525",
    success="#1f4d26",
    foreground="#101820",
    background="#fbfaf5",
    surface="#eceee6",
    panel="#c9d0c2",
    dark=False,
    variables={
        "text-muted": "#38444f",
        "footer-background": "#eceee6",
        "footer-foreground": "#101820",
        "footer-key-foreground": "#0b4658",
        "footer-description-foreground": "#101820",
        "block-cursor-foreground": "#fbfaf5",
        "block-cursor-background": "#0b4658",
        "input-selection-background": "#0b4658 30%",
    },
)

DARK = Theme(
    name="kusanone-dark",
    primary="#8ccad2",
    secondary="#c2cfb0",
    accent="#e2cf94",
    warning="#e6c27f",  # overrun: a calm warm amber
    error="#e0a3a3",
    success="#a9d4a6",
    foreground="#f4f1e8",
    background="#111c26",
    surface="#1a2834",
    panel="#2a3d4d",
    dark=True,
    variables={
        "text-muted": "#c3cad0",
        "footer-background": "#1a2834",
        "footer-foreground": "#f4f1e8",
        "footer-key-foreground": "#8ccad2",
        "footer-description-foreground": "#f4f1e8",
    },
)

#: The calm dark theme the app always had (its former name); the dark room theme now.
CALM = DARK

THEMES: dict[str, Theme] = {"light": LIGHT, "dark": DARK}

#: How faint text (Rich's ``dim``) is drawn: blended this far from the background towards its
#: colour (1.0 = not dimmed). Chosen so that dim text keeps 7:1 in both themes (tested), and so
#: that a browser tab (xterm.js draws dim at half opacity) shows the same colours as a terminal.
DIM_FACTOR = 0.8

#: Text colour variables against the backgrounds they are drawn on, as the screens use them.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("foreground", "background"),
    ("foreground", "surface"),
    ("text-muted", "background"),
    ("text-muted", "surface"),
    ("primary", "background"),  # the clock
    ("warning", "background"),  # the clock once over time, the round's over-time line
    ("secondary", "background"),  # pane titles
    ("primary", "surface"),  # dialog frames' titles
    ("footer-key-foreground", "footer-background"),
    ("footer-foreground", "footer-background"),
)

DEFAULT_ROLE_THEME = {"projector": "light"}


def room_theme(chosen: str | None, override: str | None, template: str | None, role: str) -> str:
    """The theme a screen of ``role`` shows: the room's choice in the log, else ``--theme``,
    else the template's, else the role's default (the projector light, others dark)."""
    for name in (chosen, override, template):
        if name in THEMES:
            return name
    return DEFAULT_ROLE_THEME.get(role, "dark")


def theme_colours(theme: Theme) -> Mapping[str, str]:
    """Every colour variable of ``theme`` as Textual resolves it (``#rrggbb`` strings)."""
    return theme.to_color_system().generate()


def _luminance(hex_colour: str) -> float:
    from textual.color import Color

    colour = Color.parse(hex_colour)

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two opaque colours (1 to 21)."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
