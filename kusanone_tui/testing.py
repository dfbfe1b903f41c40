"""Helpers for testing kusanone and its plugins with pytest and Textual's Pilot.

``screen_text(app)`` gives the screen as plain text, as a person would read it, for asserting on
what is shown; ``wait_until(pilot, predicate)`` waits for what a test asserts instead of a fixed
pause; ``FakeClock`` makes timers and time stamps repeatable.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

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


async def wait_until(pilot, predicate: Callable[[], object], timeout: float = 5.0) -> bool:
    """Let the app run until ``predicate()`` is true, then return ``True``; raise
    ``AssertionError`` if it is still false after ``timeout`` seconds. A predicate that raises
    (a widget not mounted yet) counts as not yet. Use it instead of ``pilot.pause(0.2)``: it
    waits as long as a slow machine needs, and no longer than a fast one.

    Before asserting that something is *absent*, wait for the change that should have removed
    it (``await wait_until(pilot, lambda: "次の段階" in screen_text(pilot.app))``): absent text
    after a fixed pause passes whether or not the screen was redrawn.
    """
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while True:
        try:
            if predicate():
                return True
            last = None
        except Exception as error:  # not ready yet (a widget not mounted)
            last = error
        if time.monotonic() >= deadline:
            detail = f" (last: {type(last).__name__}: {last})" if last else ""
            raise AssertionError(f"still not true after {timeout:g} s{detail}")
        await pilot.pause(0.02)


# -- pytest fixtures for plugin authors (registered as the pytest plugin "kusanone") -------------

try:
    import pytest
except ImportError:  # the helpers above work without pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:
    from contextlib import asynccontextmanager

    @pytest.fixture
    def kusanone_store(tmp_path):
        """A throwaway session store (its own folder under pytest's tmp_path)."""
        from .store.sessions import SessionStore

        return SessionStore(tmp_path / "kusanone-store")

    @pytest.fixture
    def kusanone_session(kusanone_store):
        """A throwaway session of the regular meeting (定例会) template."""
        from .templates import load

        return kusanone_store.create(load("teireikai"), title="テストの会")

    @pytest.fixture
    def kusanone_pilot(kusanone_store):
        """Run the app with only the plugins under test, on a throwaway session::

            async with kusanone_pilot(my_plugin, template="my_template") as pilot:
                await pilot.press("n")
                assert "…" in screen_text(pilot.app)

        Plugin errors are raised (strict mode), so a test shows the plugin's traceback.
        """

        @asynccontextmanager
        async def start(
            *plugins,
            template="teireikai",
            role="facilitator",
            size=(120, 36),
            clock=None,
            strict=True,
        ):
            from .plugin_host import PluginHost
            from .templates import load
            from .tui.app import KusanoneApp

            host = PluginHost(strict=strict)
            for plugin in plugins:
                host.add(plugin)
            chosen = load(
                template, extra_types=host.stage_types(), extra_templates=host.templates()
            )
            kwargs = {"clock": clock} if clock is not None else {}
            log = kusanone_store.create(chosen, title="テストの会", **kwargs)
            app = KusanoneApp(log, role=role, plugins=host, **kwargs)
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                yield pilot

        return start
