"""What plugins contribute: small records passed to the ``register`` callbacks of the hooks.

Each drawing function returns text (a ``str`` or a Rich ``Text``). A function that raises is
caught: its plugin is switched off for the session and the meeting goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import PluginAPI, PublicView
    from .model.state import MeetingState

Texts = Mapping[str, str]  # {"ja": "…", "en": "…"} or one language


@dataclass(frozen=True)
class StageType:
    """A new ``type`` for template stages.

    ``panel(api, state)`` draws the facilitator's panel while such a stage runs;
    ``projector(view)`` draws the room's view from public data only.
    """

    name: str
    title: Texts
    panel: Callable[[PluginAPI, MeetingState], Any] | None = None
    projector: Callable[[PublicView], Any] | None = None
    rules: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Panel:
    """A panel on the facilitator's screen (``facilitator``) and/or the projector (``projector``,
    drawn from public data only). ``stage_type`` limits it to stages of that type."""

    name: str
    title: Texts
    facilitator: Callable[[PluginAPI, MeetingState], Any] | None = None
    projector: Callable[[PublicView], Any] | None = None
    stage_type: str | None = None


@dataclass(frozen=True)
class Command:
    """A command in the palette; with ``key``, also a key on the facilitator's screen.
    ``stage_type`` offers it only while a stage of that type runs."""

    name: str
    title: Texts
    run: Callable[[PluginAPI], Any]
    key: str | None = None
    stage_type: str | None = None


@dataclass(frozen=True)
class TemplateSource:
    """A meeting template that a plugin ships: TOML text (or read it from a file yourself)."""

    id: str
    text: str


@dataclass(frozen=True)
class MinutesSection:
    """A section of the minutes: ``render(view)`` returns Markdown from the minutes' view."""

    name: str
    title: Texts
    render: Callable[[Any], str]


@dataclass(frozen=True)
class ReportFigure:
    """A figure of the community report: ``compute(data)`` returns a number or rows."""

    name: str
    title: Texts
    compute: Callable[[Any], Any]


@dataclass(frozen=True)
class CliCommand:
    """A ``kusanone NAME …`` subcommand: ``configure(parser)`` adds its arguments (an
    ``argparse`` parser, which may have sub-parsers of its own); ``run(args)`` does the work and
    returns the exit status. A one-line message for a user's mistake: raise ``ValueError``."""

    name: str
    help: str
    configure: Callable[[Any], None]
    run: Callable[[Any], int]
