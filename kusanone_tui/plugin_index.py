"""What each installed plugin offers, remembered so that it is imported only when first needed.

An entry-point plugin is found from its package's metadata without importing it (issue 17:
start-up). To know whether a meeting, a template or a subcommand needs it, the index keeps what
it registered the last time it was imported: its hooks, stage types, panels, commands with their
keys, template ids and subcommands. An entry is used only while its stamp holds (the entry
point, the distribution's name and version, and the newest modification time of the plugin's
own files, so an edited plugin in a checkout is seen again); a plugin without a valid entry is
imported as before. The index lives in the user's cache folder and is never required: a missing
or damaged one only means plugins are imported at once.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 1


@dataclass(frozen=True)
class Offer:
    """What one plugin registered, without its functions."""

    hooks: tuple[str, ...] = ()
    stage_types: tuple[str, ...] = ()
    #: Each panel's ``stage_type`` (``None``: every stage).
    panels: tuple[str | None, ...] = ()
    #: Each command's (name, key, stage_type).
    commands: tuple[tuple[str, str | None, str | None], ...] = ()
    templates: tuple[str, ...] = ()
    #: Each subcommand's (name, help).
    cli: tuple[tuple[str, str], ...] = ()

    def serves(self, stage_types: set[str | None]) -> bool:
        """Whether a meeting whose stages are of ``stage_types`` (and ``None``, every stage)
        needs this plugin from the start: a stage type of its, a panel on every stage, or a key
        (the facilitator's screen binds its keys once). A panel of one kind of stage waits for
        that stage (:meth:`draws`)."""
        return (
            any(name in stage_types for name in self.stage_types)
            or None in self.panels
            or any(key and stage in stage_types for _, key, stage in self.commands)
        )

    def commands_for(self, stage_type: str | None) -> bool:
        """Whether a command of this plugin is offered while a stage of ``stage_type`` runs."""
        return any(stage in (None, stage_type) for _, _, stage in self.commands)

    def draws(self, stage_type: str | None) -> bool:
        """Whether this plugin draws on the screens while a stage of ``stage_type`` runs."""
        return stage_type in self.stage_types or any(
            stage in (None, stage_type) for stage in self.panels
        )


@dataclass
class Index:
    """The remembered offers, by plugin name, each with the stamp it was made under."""

    path: Path | None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, name: str, stamp: str) -> Offer | None:
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("stamp") != stamp:
            return None
        try:
            if entry["newest"] != newest(entry["location"]):
                return None  # the plugin's files changed (an edited checkout): ask it again
            offer = entry["offer"]
            return Offer(
                hooks=tuple(offer["hooks"]),
                stage_types=tuple(offer["stage_types"]),
                panels=tuple(offer["panels"]),
                commands=tuple(tuple(command) for command in offer["commands"]),
                templates=tuple(offer["templates"]),
                cli=tuple(tuple(command) for command in offer["cli"]),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, name: str, stamp: str, offer: Offer, location: str | None = None) -> None:
        """Remember ``offer`` of the plugin whose files are at ``location`` (a package's folder
        or a module's file), and write the file (quietly: the index is only a shortcut)."""
        self.entries[name] = {
            "stamp": stamp,
            "location": location,
            "newest": newest(location),
            "offer": asdict(offer),
        }
        if self.path is not None:
            _remember(self.path, {"format": FORMAT, "plugins": self.entries})


def _remember(path: Path, document: dict[str, Any]) -> None:
    from .cache import remember

    remember(path, json.dumps(document).encode("utf-8"))


def index_path() -> Path:
    """The index file in the user's cache folder (``KUSANONE_CACHE`` overrides the folder)."""
    from .cache import folder

    return folder() / "plugins.json"


def read_index(path: Path | None = None) -> Index:
    """The index, or an empty one when it is missing, unreadable or of another format."""
    path = index_path() if path is None else path
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return Index(path)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return Index(path)
    plugins = document.get("plugins")
    return Index(path, plugins if isinstance(plugins, dict) else {})


def stamp(value: str, dist: str | None, version: str | None) -> str:
    """What an entry holds for: the entry point, the distribution and its version (and, checked
    by :meth:`Index.get`, the newest modification time of the plugin's files)."""
    return f"{value}|{dist}|{version}"


def location(module: object) -> str | None:
    """Where an imported plugin's files are: its package's folder, or its module's file."""
    path = getattr(module, "__file__", None)
    if not path:
        return None
    return os.path.dirname(path) if os.path.basename(path) == "__init__.py" else path


def newest(place: str | None) -> int:
    """The newest modification time of a module file, or of a package folder's ``.py`` files
    (0 when there is nothing there)."""
    if not place:
        return 0
    try:
        if not os.path.isdir(place):
            return os.stat(place).st_mtime_ns
        return max(
            (entry.stat().st_mtime_ns for entry in os.scandir(place) if entry.name.endswith(".py")),
            default=0,
        )
    except OSError:
        return 0


@dataclass(frozen=True)
class Distribution:
    name: str | None
    version: str | None


@dataclass(frozen=True)
class Point:
    """An entry point as remembered: what ``importlib.metadata.EntryPoint`` offers here."""

    name: str
    value: str
    dist: Distribution

    def load(self) -> Any:
        """Import the module (and the attribute after ``:``), as ``EntryPoint.load`` does."""
        from functools import reduce
        from importlib import import_module

        module, _, attribute = self.value.partition(":")
        found = import_module(module.strip())
        return reduce(getattr, filter(None, attribute.strip().split(".")), found)


def _paths_key() -> list[list[Any]]:
    """Each folder of ``sys.path`` and its modification time: installing, upgrading or removing a
    distribution adds or removes a ``*.dist-info`` folder there, which changes it."""
    import sys

    key: list[list[Any]] = []
    for entry in sys.path:
        try:
            key.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            key.append([entry, None])
    return key


def installed_points(group: str) -> list[Any]:
    """The entry points of ``group``: remembered while no folder of ``sys.path`` changed, else
    read with ``importlib.metadata`` (a tenth of start-up to import) and remembered."""
    import sys
    import zlib

    # One file per search path (the console script and ``python -m`` differ in their first).
    where = zlib.crc32("\0".join(sys.path).encode("utf-8", "surrogateescape"))
    path = index_path().with_name(f"entry-points-{where:08x}.json")
    key = _paths_key()
    try:
        document = json.loads(path.read_text("utf-8"))
        if document.get("format") == FORMAT and document.get("key") == key:
            return [
                Point(p["name"], p["value"], Distribution(p["dist"], p["version"]))
                for p in document["groups"][group]
            ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    from importlib.metadata import entry_points

    points = list(entry_points(group=group))
    remembered = [
        {
            "name": point.name,
            "value": point.value,
            "dist": getattr(getattr(point, "dist", None), "name", None),
            "version": getattr(getattr(point, "dist", None), "version", None),
        }
        for point in points
    ]
    _remember(path, {"format": FORMAT, "key": key, "groups": {group: remembered}})
    return points
