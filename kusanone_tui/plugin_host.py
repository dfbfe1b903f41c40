"""Finding, loading and calling plugins, each in isolation.

Plugins come from the entry-point group ``kusanone_tui`` (installed packages, and the built-in
plugins of this repository's ``plugins/`` folder, registered the same way) and from loose ``.py``
files in the store's ``plugins/`` folder or a ``--plugins-dir``. A loose file runs only when it
and its folder pass :func:`untrusted` (they belong to this user or root and nobody else can write
them, as ssh checks its keys); one that does not is listed with the reason and never imported.
Every call into a plugin (a
hook, a drawing function, a command) goes through :meth:`PluginHost.guard`: an exception switches
that plugin off for the session, is reported, and the meeting goes on. ``KUSANONE_STRICT_PLUGINS=1``
re-raises instead, for plugin authors. ``KUSANONE_PLUGINS=a,b`` loads only those plugins;
``KUSANONE_DISABLE_PLUGINS=c`` never loads ``c``.

With ``lazy`` discovery (the command line and the app), an entry-point plugin is found from its
metadata and imported only when first needed: a hook is called or a register hook collected
(only the plugins that implement it), or :meth:`PluginHost.need` finds in the index
(:mod:`plugin_index`) that it offers something needed now. A plugin the index does not know is
imported at once, as before. pluggy itself is imported with the first plugin.
"""

from __future__ import annotations

import importlib.util
import os
import re
import stat
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from .model.events import Actor
from .store.session import SessionLog, SessionWriteError

if TYPE_CHECKING:
    import pluggy

    from .api import Asked, Background, PluginAPI
    from .plugin_index import Index, Offer
    from .plugin_types import (
        CliCommand,
        Command,
        MinutesSection,
        Panel,
        ReportFigure,
        StageType,
    )

#: The private event a plugin's failure leaves in the session.
FAILED_KIND = "plugin.failed"

GROUP = "kusanone_tui"  # the entry-point group is named after the project (hooks.PROJECT)
#: Where a plugin came from (``PluginRecord.origin``).
FROM_ENTRY_POINT = "entry point"
FROM_STORE = "store plugins folder"
FROM_FLAG = "--plugins-dir"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
T = TypeVar("T")


def registered() -> dict[str, type]:
    """What each register hook accepts: every record a plugin can register (the docs test reads
    it). Imported when a plugin is: a meeting without plugins never needs the records' classes."""
    from . import plugin_types as types

    return {
        "register_stage_types": types.StageType,
        "register_panels": types.Panel,
        "register_commands": types.Command,
        "register_templates": types.TemplateSource,
        "minutes_sections": types.MinutesSection,
        "report_figures": types.ReportFigure,
        "register_cli_commands": types.CliCommand,
    }


def entry_points(group: str) -> Iterable[Any]:
    """The installed entry points of ``group`` (remembered while nothing was installed or
    removed: see ``plugin_index.installed_points``)."""
    from .plugin_index import installed_points

    return installed_points(group)


@dataclass
class Pending:
    """An entry-point plugin found in the metadata and not imported yet."""

    point: Any  # importlib.metadata.EntryPoint
    record: PluginRecord
    stamp: str


class PluginFailure(Exception):
    """Raised instead of switching a plugin off when ``KUSANONE_STRICT_PLUGINS=1``."""


@dataclass
class PluginRecord:
    """One plugin as ``kusanone plugins`` shows it."""

    name: str
    source: str  # "built-in", "package" or "file"
    version: str | None = None
    location: str | None = None
    hooks: list[str] = field(default_factory=list)
    error: str | None = None
    enabled: bool = True
    origin: str | None = None  # FROM_ENTRY_POINT, FROM_STORE or FROM_FLAG
    trusted: bool | None = None  # loose files: whether they passed the ownership check
    api: str | None = None  # the plugin API versions it declared (``KUSANONE_API``)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "source": self.source,
            "location": self.location,
            "origin": self.origin,
            "trusted": self.trusted,
            "hooks": self.hooks,
            "enabled": self.enabled,
            "error": self.error,
            "api": self.api,
        }


def plugin_name(raw: str) -> str:
    """A plugin's namespace from an entry-point or file name: ``My-Plugin`` → ``my_plugin``."""
    name = re.sub(r"[^a-z0-9_]", "_", raw.strip().lower())
    return name if _NAME.match(name) else f"p_{name}"


def _names(variable: str) -> set[str] | None:
    raw = os.environ.get(variable)
    if raw is None:
        return None
    return {plugin_name(part) for part in raw.split(",") if part.strip()}


class PluginHost:
    def __init__(
        self, strict: bool | None = None, clock: Callable[[], float] | None = None
    ) -> None:
        self._pm: pluggy.PluginManager | None = None
        #: Entry-point plugins found but not imported yet (lazy discovery), by name.
        self.pending: dict[str, Pending] = {}
        self._index: Index | None = None
        self.records: dict[str, PluginRecord] = {}
        self.apis: dict[str, PluginAPI] = {}
        self.strict = (
            os.environ.get("KUSANONE_STRICT_PLUGINS", "") not in ("", "0")
            if strict is None
            else strict
        )
        self.allow = _names("KUSANONE_PLUGINS")
        self.block = _names("KUSANONE_DISABLE_PLUGINS") or set()
        self.log: SessionLog | None = None
        self.settings: Mapping[str, Mapping[str, Any]] = {}
        self.on_notice: Callable[[str], None] | None = None
        self.on_failure: Callable[[str, str], None] | None = None
        self.on_write_failed: Callable[[OSError], None] | None = None
        #: The app's way to put a plugin's question (``api.ask``) to the facilitator.
        self.on_ask: Callable[[str, Asked], None] | None = None
        #: The app's way to run a plugin's long work (``api.run_in_background``) off the
        #: screen's thread; without it the work runs at once.
        self.on_background: Callable[[str, Background], None] | None = None
        #: Each plugin's ``api.ui_state``: kept here, so it outlives a re-bound API.
        self.ui_states: dict[str, dict[str, Any]] = {}
        self.clock = clock
        #: Loose files refused by the ownership check: (path, reason), for a one-line notice.
        self.refused: list[tuple[str, str]] = []

    @property
    def pm(self) -> pluggy.PluginManager:
        """pluggy's manager, made (and pluggy imported) when first needed."""
        if self._pm is None:
            import pluggy

            from . import hooks

            self._pm = pluggy.PluginManager(hooks.PROJECT)
            self._pm.add_hookspecs(hooks)
        return self._pm

    # -- finding and loading -------------------------------------------------------------------
    @classmethod
    def discover(
        cls,
        dirs: Iterable[Path] = (),
        use_entry_points: bool = True,
        strict: bool | None = None,
        store: Path | None = None,
        lazy: bool = False,
    ) -> PluginHost:
        """Installed plugins, then the trusted loose files of ``store`` (the store's ``plugins/``
        folder) and of each of ``dirs`` (the ``--plugins-dir`` folders). ``lazy``: installed
        plugins are imported when first needed (see the module's docstring)."""
        host = cls(strict=strict)
        if use_entry_points:
            host.load_entry_points(lazy=lazy)
        if store is not None:
            host.load_dir(store, FROM_STORE)
        for folder in dirs:
            host.load_dir(folder, FROM_FLAG)
        return host

    def _wanted(self, name: str, record: PluginRecord) -> bool:
        if name in self.block or (self.allow is not None and name not in self.allow):
            record.enabled = False
            record.error = "switched off by KUSANONE_PLUGINS / KUSANONE_DISABLE_PLUGINS"
            self.records[name] = record
            return False
        return True

    def load_entry_points(self, lazy: bool = False) -> None:
        """The installed plugins: imported now, or with ``lazy`` when first needed (a plugin
        the index does not know is imported now all the same)."""
        for point in entry_points(group=GROUP):
            name = plugin_name(point.name)
            dist = getattr(point, "dist", None)
            source = "built-in" if dist is not None and dist.name == "kusanone" else "package"
            record = PluginRecord(name, source, dist.version if dist else None, point.value)
            record.origin = FROM_ENTRY_POINT
            if name in self.records or name in self.pending or not self._wanted(name, record):
                continue
            from .plugin_index import stamp

            made = stamp(point.value, getattr(dist, "name", None), record.version)
            self.pending[name] = Pending(point, record, made)
        if not lazy:
            self.load_pending()
            return
        index = self.index()
        self.load_pending([n for n, p in self.pending.items() if index.get(n, p.stamp) is None])

    def index(self) -> Index:
        """The index of what installed plugins offer (read once)."""
        if self._index is None:
            from .plugin_index import read_index

            self._index = read_index()
        return self._index

    def offer(self, name: str) -> Offer | None:
        """What the pending plugin ``name`` offers, as the index remembers it (or ``None``)."""
        pending = self.pending.get(name)
        return None if pending is None else self.index().get(name, pending.stamp)

    def need(self, wanted: Callable[[Offer], bool]) -> list[str]:
        """Import the pending plugins whose offer ``wanted`` accepts (and any the index does
        not know); the names imported."""
        names = [name for name in self.pending if (o := self.offer(name)) is None or wanted(o)]
        self.load_pending(names)
        return names

    def load_pending(self, names: Iterable[str] | None = None) -> None:
        """Import the pending plugins ``names`` (all without), each in isolation."""
        for name in list(self.pending if names is None else names):
            pending = self.pending.pop(name, None)
            if pending is None or name in self.records:
                continue  # added directly meanwhile (a test, a fixture)
            record, point = pending.record, pending.point
            try:
                module = point.load()
            except BaseException as error:  # a broken package must not stop the app
                self._load_failed(record, error)
                continue
            self.add(module, name=name, source=record.source, version=record.version,
                     location=point.value)
            if name in self.records:
                self.records[name].origin = FROM_ENTRY_POINT
                if self.index().get(name, pending.stamp) is None:
                    self._remember(name, pending.stamp, module)

    def _remember(self, name: str, stamp: str, module: object) -> None:
        """Keep in the index what the plugin just imported offers (not if asking it fails:
        then it is simply imported at once next time)."""
        from .plugin_index import Offer, location

        record = self.records[name]
        if not record.enabled:
            return
        found: dict[str, list[Any]] = {}
        try:
            for hook in ("register_stage_types", "register_panels", "register_commands",
                         "register_templates", "register_cli_commands"):
                found[hook] = []
                for impl in getattr(self.pm.hook, hook).get_hookimpls():
                    if impl.plugin_name == name:
                        args = {"register": found[hook].append, "api": self._api(name)}
                        impl.function(**{key: args[key] for key in impl.argnames if key in args})
            offer = Offer(
                hooks=tuple(record.hooks),
                stage_types=tuple(item.name for item in found["register_stage_types"]),
                panels=tuple(item.stage_type for item in found["register_panels"]),
                commands=tuple(
                    (item.name, item.key, item.stage_type) for item in found["register_commands"]
                ),
                templates=tuple(item.id for item in found["register_templates"]),
                cli=tuple((item.name, item.help) for item in found["register_cli_commands"]),
            )
        except Exception:
            return
        self.index().put(name, stamp, offer, location(module))

    def load_dir(self, folder: Path, origin: str = FROM_FLAG) -> None:
        """The loose ``.py`` files of ``folder`` (not those starting with ``_``); none of them
        runs if the folder itself is not trusted."""
        if not folder.is_dir():
            return
        problem = untrusted(folder, folder=True)
        for path in sorted(folder.glob("*.py")):
            if not path.name.startswith("_"):
                self.load_file(path, origin, problem)

    def load_file(self, path: Path, origin: str = FROM_FLAG, refuse: str | None = None) -> None:
        """Import one loose file, if it passes the ownership check (``refuse``: a reason found
        already, e.g. its folder's)."""
        name = plugin_name(path.stem)
        record = PluginRecord(name, "file", None, str(path), origin=origin)
        if name in self.records or not self._wanted(name, record):
            return
        module_name = f"kusanone_plugin_{name}"
        try:
            source, problem = (b"", refuse) if refuse else _read_trusted(path)
            if problem is not None:
                self._refuse(record, problem)
                return
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            record.trusted = True
            # The bytes that were checked are the bytes that run (no second open, no
            # __pycache__ written into the plugins folder); dont_inherit: no __future__ leaks in.
            exec(compile(source, str(path), "exec", dont_inherit=True), module.__dict__)
        except BaseException as error:
            sys.modules.pop(module_name, None)
            self._load_failed(record, error)
            return
        self.add(
            module,
            name=name,
            source="file",
            version=getattr(module, "__version__", None),
            location=str(path),
        )
        if name in self.records:
            self.records[name].origin = origin
            self.records[name].trusted = True

    def _refuse(self, record: PluginRecord, reason: str) -> None:
        """A loose file that is not imported: listed with the reason, never silently."""
        record.enabled = False
        record.trusted = False
        record.error = f"not loaded: {reason}"
        self.records[record.name] = record
        self.refused.append((record.location or record.name, reason))

    def _load_failed(
        self, record: PluginRecord, error: BaseException, detail: str | None = None
    ) -> None:
        record.enabled = False
        record.error = detail or _describe(error)
        self.records[record.name] = record
        if self.strict:
            raise PluginFailure(f"plugin {record.name} failed to load: {record.error}") from error

    def add(
        self,
        plugin: ModuleType | object,
        name: str | None = None,
        source: str = "file",
        version: str | None = None,
        location: str | None = None,
    ) -> str:
        """Register a plugin module or object directly (tests, the testing fixtures).

        Without ``name``: the module's ``PLUGIN_NAME``, else its name without a
        ``kusanone_`` prefix (``kusanone_hitokoto`` → ``hitokoto``, as its entry point says).
        """
        if name is None:
            name = getattr(plugin, "PLUGIN_NAME", None)
        if name is None:
            raw = getattr(plugin, "__name__", type(plugin).__name__).rsplit(".", 1)[-1]
            name = raw.removeprefix("kusanone_plugin_").removeprefix("kusanone_")
        name = plugin_name(name)
        record = PluginRecord(
            name, source, version or getattr(plugin, "__version__", None), location
        )
        if not self._wanted(name, record):
            return name
        from pluggy import PluginValidationError

        wanted = getattr(plugin, "KUSANONE_API", None)
        record.api = None if wanted is None else str(wanted)
        problem = api_version_problem(wanted)
        if problem is not None:  # listed with the reason, never loaded, never a crash
            record.enabled = False
            record.error = problem
            self.records[name] = record
            return name
        try:
            unknown = [
                attribute
                for attribute in dir(plugin)
                if self.pm.parse_hookimpl_opts(plugin, attribute) is not None
                and not hasattr(self.pm.hook, attribute)
            ]
            if unknown:  # a typo in a hook's name would otherwise be silently ignored
                where = _where(getattr(plugin, unknown[0], None))
                raise AttributeError(
                    f"no such hook: {', '.join(unknown)} (see docs/plugins.md){where}"
                )
            self.pm.register(plugin, name=name)
        except PluginValidationError as error:  # an argument the hook does not offer
            hook = re.search(r"for hook '(\w+)'", str(error))
            where = _where(getattr(plugin, hook.group(1), None)) if hook else ""
            first = str(error).strip().splitlines()
            detail = " ".join(line.strip() for line in first[1:] if line.strip()) or first[0]
            self._load_failed(record, error, f"PluginValidationError: {detail}{where}")
            return name
        except Exception as error:
            self._load_failed(record, error)
            return name
        record.hooks = sorted(impl_name for impl_name in _hook_names(self.pm, name))
        self.records[name] = record
        self.apis[name] = self._api(name)
        return name

    def remove(self, name: str) -> None:
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        self.records.pop(name, None)
        self.apis.pop(name, None)

    # -- the session ---------------------------------------------------------------------------
    def _api(self, name: str) -> PluginAPI:
        from .api import PluginAPI

        extra = {"clock": self.clock} if self.clock is not None else {}
        return PluginAPI(
            name,
            self.log,
            self.settings.get(name, {}),
            self._notice_from(name),
            ask=self._ask_from(name),
            background=self._background_from(name),
            ui_state=self.ui_states.setdefault(name, {}),
            **extra,
        )

    def _ask_from(self, name: str) -> Callable[[Asked], None] | None:
        def ask(asked: Asked) -> None:
            if self.on_ask is None:  # no screen: it waits in api.questions
                api = self.apis.get(name)
                if api is not None:
                    api.questions.append(asked)
                return
            self.on_ask(name, asked)

        return ask

    def _background_from(self, name: str) -> Callable[[Background], None]:
        def background(job: Background) -> None:
            if self.on_background is None:  # no screen: at once, inside the caller's guard
                job.run()
                return
            self.on_background(name, job)

        return background

    def answer(self, name: str, asked: Asked, value: Any) -> None:
        """Give a question's checked answer to its plugin, in isolation."""
        asked.answered = True
        self.guard(name, "ask", asked.on_answer, value)

    def _notice_from(self, name: str) -> Callable[[str], None]:
        def notice(message: str) -> None:
            if self.on_notice is not None:
                self.on_notice(f"{name}: {message}")

        return notice

    def bind(
        self,
        log: SessionLog | None,
        settings: Mapping[str, Mapping[str, Any]] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Give every plugin an API bound to ``log`` (its own settings, the app's clock)."""
        self.log = log
        if clock is not None:
            self.clock = clock
        if settings is not None:
            self.settings = settings
        self.apis = {name: self._api(name) for name in self.active()}

    def active(self) -> list[str]:
        return [name for name, record in self.records.items() if record.enabled]

    # -- calling, in isolation -------------------------------------------------------------------
    def fail(self, name: str, error: BaseException, where: str) -> None:
        """Switch a plugin off for the session, and say so."""
        record = self.records.get(name)
        detail = f"{where}: {_describe(error)}"
        if self.strict:
            raise PluginFailure(f"plugin {name} failed in {detail}") from error
        if record is not None:
            record.enabled = False
            record.error = detail
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        self._record_failure(name, where, error)
        if self.on_failure is not None:
            self.on_failure(name, detail)

    def _record_failure(self, plugin: str, where: str, error: BaseException) -> None:
        """Keep the failure in the session as a private event (``plugin.failed``), so that
        ``kusanone plugins --session S`` and other windows see it after the notice fades."""
        if self.log is None:
            return
        location = _location(error)
        data = {
            "plugin": plugin,
            "hook": where,
            "error": f"{type(error).__name__}: {error}"[:500],
            "location": location,
            "visibility": "private",
        }
        try:
            with self.log.outside_action():
                self.log.append(FAILED_KIND, data, actor=Actor("system"))
        except Exception:
            pass

    def session_failures(self, log: SessionLog) -> dict[str, list[dict[str, Any]]]:
        """The failures recorded in ``log``, by plugin, oldest first."""
        return session_failures(log)

    def guard(
        self, name: str, where: str, function: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T | None:
        """Run a plugin's function; if it raises, switch the plugin off and return ``None``."""
        record = self.records.get(name)
        if record is None or not record.enabled:
            return None
        try:
            return function(*args, **kwargs)
        except SessionWriteError as error:  # the disk's fault: a calm notice, the plugin stays on
            if self.on_write_failed is None:
                raise
            self.on_write_failed(error)
            return None
        except Exception as error:
            self.fail(name, error, where)
            return None

    def _need_hook(self, hook: str) -> None:
        if self.pending:
            self.need(lambda offer: hook in offer.hooks)

    def call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on each plugin separately, passing only the arguments it asks for
        (pending plugins that implement it are imported first)."""
        self._need_hook(hook)
        if self._pm is None:
            return []
        results = []
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            name = impl.plugin_name
            args = {**kwargs, "api": self.apis.get(name) or self._api(name)}
            wanted = {key: args[key] for key in impl.argnames if key in args}
            result = self.guard(name, hook, impl.function, **wanted)
            results.append((name, result))
        return results

    def collect(self, hook: str, load: bool = True, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a register hook and gather what each plugin registered, tagged by plugin;
        ``load``: import the pending plugins that implement it first (else: the imported ones)."""
        if load:
            self._need_hook(hook)
        if self._pm is None:
            return []
        expected = registered()[hook]
        gathered: list[tuple[str, Any]] = []
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            name = impl.plugin_name
            items: list[Any] = []

            def register(item: Any, _items: list[Any] = items) -> None:
                if not isinstance(item, expected):
                    raise TypeError(f"register() takes a {expected.__name__}, not {item!r}")
                _items.append(item)

            args = {**kwargs, "register": register, "api": self.apis.get(name) or self._api(name)}
            wanted = {key: args[key] for key in impl.argnames if key in args}
            before = self.records.get(name)
            self.guard(name, hook, impl.function, **wanted)
            if before is not None and before.enabled:
                gathered.extend((name, item) for item in items)
        return gathered

    # -- what plugins contributed ------------------------------------------------------------------
    def stage_types(self, load: bool = True) -> dict[str, tuple[str, StageType]]:
        return {
            item.name: (name, item) for name, item in self.collect("register_stage_types", load)
        }

    def panels(self, load: bool = True) -> list[tuple[str, Panel]]:
        return self.collect("register_panels", load)

    def commands(self, load: bool = True) -> list[tuple[str, Command]]:
        return self.collect("register_commands", load)

    def templates(self, load: bool = True) -> dict[str, str]:
        return {item.id: item.text for _, item in self.collect("register_templates", load)}

    def minutes_sections(self) -> list[tuple[str, MinutesSection]]:
        return self.collect("minutes_sections")

    def report_figures(self) -> list[tuple[str, ReportFigure]]:
        return self.collect("report_figures")

    def cli_commands(self, load: bool = True) -> list[tuple[str, CliCommand]]:
        return self.collect("register_cli_commands", load)

    def cli_offers(self) -> list[tuple[str, str, str]]:
        """(plugin, name, help) of the subcommands of pending plugins, from the index."""
        return [
            (name, command, help_text)
            for name in self.pending
            for command, help_text in getattr(self.offer(name), "cli", ())
        ]

    def announce(self, event: Any) -> None:
        """Tell the observers about one new event."""
        self.call("on_event", event=event)


def untrusted(path: Path, folder: bool = False) -> str | None:
    """Why the loose plugin file (or folder) at ``path`` must not run, or ``None`` when it may.

    As ssh checks its keys: it must belong to this user or root, and not be writable by others,
    nor by its group unless that is the user's own private group. A symbolic link is checked as
    a link (its owner) and at its resolved target; a file's target also needs a trusted folder
    around it. Without owners and modes (Windows) nothing is refused.
    """
    if not hasattr(os, "geteuid"):
        return None
    try:
        link = os.lstat(path)
        target = os.stat(path)
    except OSError as error:
        return f"cannot be checked: {error.strerror or error}"
    kind = f"folder {path}" if folder else "file"
    if stat.S_ISLNK(link.st_mode):
        problem = _owner_problem(link, "the link")
        if problem:
            return problem
    if folder and not stat.S_ISDIR(target.st_mode):
        return "not a folder"
    if not folder and not stat.S_ISREG(target.st_mode):
        return "not a regular file"
    problem = _owner_problem(target, f"the {kind}") or _mode_problem(target, f"the {kind}")
    if problem:
        return problem
    if stat.S_ISLNK(link.st_mode) and not folder:
        real = Path(os.path.realpath(path)).parent
        return untrusted(real, folder=True)  # the link points into this folder
    return None


def _owner_problem(info: os.stat_result, what: str) -> str | None:
    me = os.geteuid()
    if info.st_uid in (me, 0):
        return None
    return f"{what} belongs to another user (uid {info.st_uid}; you are {me})"


def _mode_problem(info: os.stat_result, what: str) -> str | None:
    mode = stat.S_IMODE(info.st_mode)
    if mode & stat.S_IWOTH or (mode & stat.S_IWGRP and not _private_group(info.st_gid)):
        return f"{what} is writable by group or others (mode {mode:o}; chmod go-w)"
    return None


def _private_group(gid: int) -> bool:
    """Whether ``gid`` is this user's own private group (named after the user, the user's
    primary group, no other members): group-writable then means writable by this user only, as
    Debian's ssh also accepts (systems with user private groups and umask 002)."""
    try:
        import grp
        import pwd

        user = pwd.getpwuid(os.geteuid())
        group = grp.getgrgid(gid)
    except (ImportError, KeyError):
        return False
    return (
        user.pw_gid == gid
        and group.gr_name == user.pw_name
        and set(group.gr_mem) <= {user.pw_name}
    )


def _read_trusted(path: Path) -> tuple[bytes, str | None]:
    """The file's bytes and ``None``, or ``b""`` and why it is refused; the check is made on the
    open file, so what was checked is what runs."""
    problem = untrusted(path)
    if problem is not None:
        return b"", problem
    with open(path, "rb") as handle:
        info = os.fstat(handle.fileno())
        if hasattr(os, "geteuid"):
            problem = _owner_problem(info, "the file") or _mode_problem(info, "the file")
            if problem is not None:
                return b"", problem
        return handle.read(), None


def _hook_names(pm: pluggy.PluginManager, name: str) -> list[str]:
    plugin = pm.get_plugin(name)
    return [caller.name for caller in pm.get_hookcallers(plugin) or ()]


def session_failures(log: SessionLog) -> dict[str, list[dict[str, Any]]]:
    """The plugin failures recorded in a session (``plugin.failed`` events), by plugin."""
    found: dict[str, list[dict[str, Any]]] = {}
    for event in log.events():
        if event.kind == FAILED_KIND:
            data = dict(event.data)
            data["at"] = event.at
            found.setdefault(str(data.get("plugin")), []).append(data)
    return found


def api_version_problem(wanted: object, version: str | None = None) -> str | None:
    """Why a plugin that declared ``KUSANONE_API = wanted`` cannot run with this plugin API
    (``version``, by default ``api.API_VERSION``), or ``None``. ``wanted`` is a comma-separated
    range: ``">=1.0,<2"``, ``"~=1.1"``, ``"==1.*"``, or a bare ``"1"`` (any 1.x)."""
    if wanted is None:
        return None
    if version is None:
        from .api import API_VERSION as version
    spec = str(wanted).strip()
    have = _version_tuple(version)
    try:
        ok = all(_clause_holds(clause.strip(), have) for clause in spec.split(",") if clause)
    except ValueError:
        return f"KUSANONE_API {spec!r} is not a version range (say \">=1.0,<2\")"
    if ok:
        return None
    return f"needs plugin API {spec}; this kusanone has {version}: not loaded"


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = text.strip().split(".")
    if not parts or not all(part.isdigit() for part in parts):
        raise ValueError(text)
    return tuple(int(part) for part in parts)


def _clause_holds(clause: str, have: tuple[int, ...]) -> bool:
    match = re.fullmatch(r"(~=|==|!=|>=|<=|>|<)?\s*([0-9.]+?)(\.\*)?", clause)
    if match is None:
        raise ValueError(clause)
    op, number, star = match.group(1) or "", match.group(2), match.group(3)
    want = _version_tuple(number)
    if not op or star:  # "1", "1.2", "==1.*": the same leading parts
        if op not in ("", "==", "!="):
            raise ValueError(clause)
        same = have[: len(want)] == want
        return not same if op == "!=" else same
    width = max(len(want), len(have))
    a = have + (0,) * (width - len(have))
    b = want + (0,) * (width - len(want))
    if op == "~=":  # compatible release: >= want, same leading parts but the last
        return a >= b and have[: max(len(want) - 1, 1)] == want[: max(len(want) - 1, 1)]
    return {"==": a == b, "!=": a != b, ">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b}[op]


def _where(function: object) -> str:
    """`` (file.py:12)`` for a plugin's function, or ``""``."""
    import inspect

    try:
        target = inspect.unwrap(function)  # type: ignore[arg-type]
        code = target.__code__
    except (AttributeError, TypeError, ValueError):
        return ""
    return f" ({code.co_filename}:{code.co_firstlineno})"


def _location(error: BaseException) -> str | None:
    """``path:line`` of the innermost frame in the plugin's own code (not kusanone's)."""
    if isinstance(error, SyntaxError) and error.filename:
        return f"{error.filename}:{error.lineno}"
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        path = frame.filename.replace(os.sep, "/").split("/site-packages/")[-1]
        if "kusanone_tui/" not in path and not path.startswith("<frozen"):
            return f"{frame.filename}:{frame.lineno}"
    return None


def _describe(error: BaseException) -> str:
    """One line: the error, and the file and line in the plugin where it happened."""
    location = _location(error)
    where = f" ({location})" if location else ""
    message = error.msg if isinstance(error, SyntaxError) and error.msg else error
    return f"{type(error).__name__}: {message}{where}"


def load_plugin_settings(store: Path) -> dict[str, dict[str, Any]]:
    """Each plugin's own settings: its table in ``plugins.toml`` in the store folder."""
    try:
        text = (Path(store) / "plugins.toml").read_text("utf-8")
    except (OSError, ValueError):
        return {}  # most stores have none: tomllib is not even imported
    import tomllib

    try:
        raw = tomllib.loads(text)
    except ValueError:
        return {}
    return {name: table for name, table in raw.items() if isinstance(table, dict)}
