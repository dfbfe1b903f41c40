"""Helpers for testing kusanone and its plugins with pytest and Textual's Pilot.

``screen_text(app)`` gives the screen as plain text, as a person would read it, for asserting on
what is shown; ``FakeClock`` makes timers and time stamps repeatable.
"""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App


class FakeClock:
    """A clock that stands still until moved: ``clock.advance(60)``."""

    def __init__(self, start: float = 1_795_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


def screen_text(app: App) -> str:
    """The current screen (with any dialog on top) as plain text lines."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text(styles=False)
