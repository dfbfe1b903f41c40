"""Shared helpers for the open-mic plugin's tests (this module holds no tests itself).

``live`` applies, in-process, the small core change the plugin asks for (see docs/openmic.md,
"Privacy"): a ``live`` visibility for plugin events, which reaches the projector but never the
minutes or the default exports. Once the core has it (``kusanone_tui.api.PLUGIN_VISIBILITIES``),
the fixture does nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from kusanone_tui.api import PluginAPI, PublicView
from kusanone_tui.meeting import Meeting
from kusanone_tui.model.views import projector_view
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import FakeClock

try:
    import kusanone_openmic
except ImportError:  # the source tree before the package was (re)installed
    sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))
    import kusanone_openmic

from kusanone_openmic import cli as openmic_cli

WALKIN = 3  # the walk-in block's place in trigger_fes


def festival_day(hour: int = 16, minute: int = 25) -> float:
    """An instant on the festival day (Japan time, as the tests run)."""
    return time.mktime((2026, 3, 7, hour, minute, 0, 0, 0, -1))


def core_has_live() -> bool:
    import kusanone_tui.api as core_api

    return "live" in getattr(core_api, "PLUGIN_VISIBILITIES", ())


def enable_live(monkeypatch) -> None:
    """The proposed core change, applied for one test (see the module docstring)."""
    if core_has_live():
        return
    import kusanone_tui.api as core_api
    from kusanone_tui.model import views as core_views

    monkeypatch.setattr(core_api, "VISIBILITIES", (*core_api.VISIBILITIES, "live"))

    def public_view(self, room):
        shown = ("public", "live")
        events = tuple(e for e in self.events() if e.data.get("visibility") in shown)
        return PublicView(room, events, self.settings, self.lang)

    monkeypatch.setattr(core_api.PluginAPI, "public_view", public_view)
    monkeypatch.setitem(core_views._REACH, "private", (*core_views._REACH["private"], "live"))


@pytest.fixture
def live(monkeypatch):
    enable_live(monkeypatch)


class Festival:
    """A trigger_fes session with only the open-mic plugin, driven as the app drives it."""

    def __init__(self, root: Path, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock(festival_day())
        self.host = PluginHost(strict=True)
        self.host.add(kusanone_openmic)
        template = load(
            "trigger_fes",
            extra_types=self.host.stage_types(),
            extra_templates=self.host.templates(),
        )
        self.store = SessionStore(root)
        self.log = self.store.create(template, title="第4回フェス", clock=self.clock)
        self.host.bind(self.log)
        self.api = PluginAPI("openmic", self.log, clock=self.clock)
        self.host.apis["openmic"] = self.api
        self.meeting = Meeting(self.log)
        self.kind = self.host.stage_types()["openmic"][1]
        self.commands = {command.name: command for _, command in self.host.commands()}

    def to_walkin(self) -> None:
        while (self.log.state().stage_index or -1) < WALKIN:
            self.meeting.next_stage()

    def press(self, *names: str) -> None:
        for name in names:
            with self.log.action("facilitator"):  # one key, one undoable action (as the app does)
                self.commands[name].run(self.api)

    def add(self, name: str, **wishes) -> str:
        """Add a performer as ``kusanone openmic add`` does, in this process."""
        from types import SimpleNamespace

        args = SimpleNamespace(
            openmic_command="add",
            session=str(self.log.path),
            name=name,
            not_before=wishes.get("not_before"),
            early=wishes.get("early", False),
            companion=wishes.get("companion", False),
            minutes=wishes.get("minutes"),
            block=None,
            data=str(self.store.root),
        )
        saved = openmic_cli.now
        openmic_cli.now = self.clock
        try:
            assert openmic_cli.run(args) == 0
        finally:
            openmic_cli.now = saved
        return self.find(name)

    def find(self, name: str) -> str:
        from kusanone_openmic.state import fold

        people = fold(self.api.events()).performers.values()
        return [p.id for p in people if p.name == name][-1]

    def projector(self) -> str:
        room = projector_view(self.log.state(), self.clock())
        return self.kind.projector(self.api.public_view(room)).plain

    def panel(self) -> str:
        return self.kind.panel(self.api, self.log.state()).plain
