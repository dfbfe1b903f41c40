"""The ``kusanone`` command.

Every failure a user can cause (a wrong flag, an unknown session, a bad template, an unreadable
file) ends with one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from .i18n import current_language, resolve_language, set_language, t
from .model.template import TemplateError
from .model.views import export_events, export_state
from .store.output import OutputError, write_output
from .store.sessions import NotASessionFile, SessionNotFound, SessionStore, dumps, resolve_root
from .store.storage import LogReadOnly
from .templates import load as load_template

EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def _version() -> str:
    from . import __version__

    return __version__


class _VersionAction(argparse.Action):
    """``--version``, reading the installed version only when asked (it is slow to read)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser._print_message(f"kusanone {_version()}\n", sys.stdout)  # stdout, as argparse does
        parser.exit(0)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (--help)\n")


class _Unused:
    """Stands in for the parser of a command this run does not use: every call on it is a no-op
    that returns it again. Building every subcommand's parser took a tenth of start-up."""

    def __getattr__(self, name: str) -> _Unused:
        return self

    def __call__(self, *args: object, **kwargs: object) -> _Unused:
        return self


class _Commands(argparse._SubParsersAction):
    """The subcommands; with ``only`` set, the others are not built (``_Unused``)."""

    only: frozenset[str] | None = None

    def add_parser(self, name: str, **kwargs):  # type: ignore[override]
        if self.only is not None and name not in self.only:
            return _Unused()
        return super().add_parser(name, **kwargs)


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--data", metavar="DIR", default=default, help="session store folder (or KUSANONE_DATA)"
    )
    parser.add_argument(
        "--lang",
        choices=("ja", "en"),
        default=default,
        help="language of messages (or KUSANONE_LANG); default ja",
    )
    parser.add_argument(
        "--plugins-dir",
        metavar="DIR",
        action="append",
        default=default,
        help="also load loose plugin .py files from DIR (repeatable)",
    )


def build_parser(host=None, only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only`` (a built-in command's name), that command's
    parser alone, which is all a run of that command reads."""
    parser = _Parser(
        prog="kusanone", description=t("cli.description"), epilog=t("cli.help_plugins")
    )
    parser.add_argument("--version", action=_VersionAction)
    _common(parser, top=True)
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, action=_Commands
    )
    sub.only = None if only is None else frozenset({only})

    new = sub.add_parser("new", help="create a session from a template")
    new.add_argument("template", help="built-in template id or a .toml file")
    new.add_argument("--title", help="the session's title")
    new.add_argument("--place", help="where the meeting is held (for the minutes)")
    _common(new, top=False)

    sessions = sub.add_parser("sessions", help="list sessions in the store")
    sessions.add_argument("--json", action="store_true", help="machine-readable output")
    _common(sessions, top=False)

    export = sub.add_parser("export", help="export a session's events and state")
    export.add_argument("session", help="session id, unique prefix, or file")
    export.add_argument(
        "--format",
        choices=("json", "md", "html"),
        default="json",
        help="json: events and state; md, html: the minutes (議事録)",
    )
    export.add_argument(
        "--include-private",
        action="store_true",
        help="include private entries and everyone's names",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    export.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    _common(export, top=False)

    check = sub.add_parser("check", help="validate a template file without running it")
    check.add_argument("file", help="a template .toml file or a built-in id")
    _common(check, top=False)

    start = sub.add_parser("start", help="start a meeting from a template (facilitator view)")
    start.add_argument("template", help="built-in template id or a .toml file")
    start.add_argument("--title", help="the session's title")
    start.add_argument("--place", help="where the meeting is held (for the minutes)")
    _common(start, top=False)

    open_ = sub.add_parser("open", help="join or resume a session")
    open_.add_argument("session", help="session id, unique prefix, or file")
    open_.add_argument(
        "--role", choices=("facilitator", "notes", "projector"), default="facilitator"
    )
    open_.add_argument(
        "--theme",
        choices=("light", "dark"),
        help="colours: light for a lit room (the projector's default), dark for a dark room",
    )
    _common(open_, top=False)

    demo = sub.add_parser("demo", help="a demo meeting with fictional people, in a throwaway store")
    demo.add_argument(
        "--role", choices=("facilitator", "notes", "projector"), default="facilitator"
    )
    demo.add_argument(
        "--theme",
        choices=("light", "dark"),
        help="colours: light for a lit room (the projector's default), dark for a dark room",
    )
    _common(demo, top=False)

    report = sub.add_parser("report", help="the community report over sessions and registries")
    report.add_argument(
        "stores",
        nargs="*",
        metavar="DATA_DIR",
        help="session stores (default: the usual store); several at once",
    )
    report.add_argument("--since", metavar="DATE", help="from this date (YYYY-MM-DD)")
    report.add_argument("--until", metavar="DATE", help="up to this date (YYYY-MM-DD)")
    report.add_argument("--format", choices=("md", "html", "csv", "json"), default="md")
    report.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    report.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    report.add_argument("--screen", action="store_true", help="show it in the terminal")
    report.add_argument(
        "--include-private",
        action="store_true",
        help="exact small numbers, first-time per meeting, private stories",
    )
    report.add_argument("--series", metavar="NAME", help="only the meetings of one series")
    _common(report, top=False)

    serve_ = sub.add_parser("serve", help="serve a session to browsers, one link per role")
    serve_.add_argument("session", help="session id, unique prefix, or file")
    serve_.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve_.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve_.add_argument(
        "--no-token",
        action="store_true",
        help="links without tokens (allowed only on 127.0.0.1 / localhost)",
    )
    serve_.add_argument(
        "--theme",
        choices=("light", "dark"),
        help="colours: light for a lit room (the projector's default), dark for a dark room",
    )
    _common(serve_, top=False)

    plugins = sub.add_parser("plugins", help="list plugins: name, version, source, hooks, errors")
    plugins.add_argument("--json", action="store_true", help="machine-readable output")
    plugins.add_argument(
        "--session", metavar="SESSION", help="also what failed during this session (id or file)"
    )
    _common(plugins, top=False)

    plugin = sub.add_parser("plugin", help="tools for plugin authors")
    plugin_sub = plugin.add_subparsers(
        dest="plugin_command", metavar="new", required=True, parser_class=_Parser
    )
    new_plugin = plugin_sub.add_parser("new", help="write a ready plugin package to start from")
    new_plugin.add_argument("name", help="the plugin's name (letters, digits, _)")
    new_plugin.add_argument("--dir", help="where to write it (default: here)")
    _common(new_plugin, top=False)

    if only is None or only in ("community", "forget"):
        from .community_cli import configure as community_parsers

        community_parsers(sub, _common)  # kusanone community …, kusanone forget NAME

    if only is None or only in SERIES_COMMANDS:
        from .series_cli import add_parsers as series_parsers

        series_parsers(sub, _common)  # kusanone series …, next, calendar, close, supporters

    for name, command in host.cli_commands(load=False) if host is not None else ():
        if command.name in sub.choices:
            continue  # a plugin cannot replace a built-in command
        extra = sub.add_parser(command.name, help=f"{command.help} [{name}]")
        extra.set_defaults(_plugin_command=(name, command))
        _common(extra, top=False)
        host.guard(name, f"cli {command.name}", command.configure, extra)
    # Plugins not imported yet: their subcommands as the index remembers them, for the list
    # of commands (``--help``); running one imports its plugin first (``main``).
    for name, command, help_text in host.cli_offers() if host is not None else ():
        if command not in sub.choices:
            extra = sub.add_parser(command, help=f"{help_text} [{name}]")
            extra.set_defaults(_offered=name)
            _common(extra, top=False)
    return parser


def _store(args: argparse.Namespace) -> SessionStore:
    return SessionStore(resolve_root(args.data))


def _open(args: argparse.Namespace, ref: str):
    store = _store(args)
    try:
        log = store.open(ref)
    except NotASessionFile as error:
        raise CliError(t("cli.not_session", path=error.path, reason=error.reason)) from None
    except SessionNotFound as error:
        key = "cli.ambiguous" if "matches" in str(error) else "cli.no_session"
        raise CliError(t(key, ref=ref, root=store.root)) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise CliError(t("cli.unreadable", path=ref, reason=reason)) from None
    damage = log.damage
    if damage and damage.read_only:
        name, reason, recovered = log.path.name, damage.reason, damage.recovered
        print(t("cli.read_only", name=name, reason=reason, recovered=recovered), file=sys.stderr)
    elif damage:
        print(t("cli.damaged", detail=damage.describe()), file=sys.stderr)
    ignored = log.ignored()
    if ignored:
        print(t("cli.ignored", name=log.path.name, count=len(ignored)), file=sys.stderr)
    return log


def _output(args: argparse.Namespace, text: str, stores=()) -> None:
    """``-o FILE`` (or stdout), through the one guarded writer (see ``store/output.py``)."""
    try:
        written = write_output(
            args.output,
            text,
            force=getattr(args, "force", False),
            stores=[resolve_root(args.data), *stores],
        )
    except OutputError as error:
        raise CliError(str(error)) from None
    if written is not None:
        print(t("cli.exported", path=written), file=sys.stderr)


def cmd_new(args: argparse.Namespace) -> int:
    template = _template(args, args.template)
    log = _store(args).create(template, title=args.title, place=args.place)
    print(t("cli.created", id=log.session_id))
    print(t("cli.file", path=log.path))
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        infos = store.list()
    except OSError as error:
        reason = error.strerror or error
        raise CliError(t("store.folder_unreadable", root=store.root, reason=reason)) from None
    problems = infos.problems
    if args.json:
        print(dumps([info.to_dict() for info in infos]))
        for problem in problems:  # stdout stays the JSON list; each unreadable one on stderr
            print(t("cli.skipped", path=problem.path, reason=problem.reason), file=sys.stderr)
        return 0
    if not infos and not problems:
        print(t("cli.no_sessions", root=store.root))
        return 0
    print(t("cli.sessions_header", root=store.root))
    for info in infos:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.created_at or 0))
        print(f"  {info.id}  {when}  {info.title}  ({info.events})")
    for problem in problems:
        print(t("cli.unreadable_entry", name=problem.path.name, reason=problem.reason))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    log = _open(args, args.session)
    events = log.events()
    state = log.state()
    audience = "private" if args.include_private else "minutes"
    if args.format in ("md", "html"):
        from .minutes import minutes_markdown, plugin_sections, to_html

        host = _host(args, store_folder=False)  # installed plugins and --plugins-dir only
        host.bind(log)
        sections = plugin_sections(host, state, args.include_private)
        text = minutes_markdown(state, args.include_private, sections)
        if args.format == "html":
            text = to_html(text, state.title or t("minutes.title"), current_language())
    else:
        document = {
            "kusanone": _version(),
            "session": log.session_id,
            "audience": audience,
            "exported_at": time.time(),
            "state": export_state(state, audience),
            "events": export_events(events, state, audience),
        }
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if args.include_private:
        print(t("cli.private_included"), file=sys.stderr)
    _output(args, text, stores=[log.path.parent])
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    template = _template(args, args.file)
    print(
        t(
            "cli.check_ok",
            source=args.file,
            title=template.title.get("ja", template.id),
            stages=len(template.stages),
            minutes=f"{template.minutes:g}",
        )
    )
    return 0


def _host(args: argparse.Namespace, store_folder: bool = True):
    """Plugins, found when a command first needs them: installed ones, the trusted loose files of
    any ``--plugins-dir`` and, with ``store_folder`` (commands that run or set up a meeting), of
    the store's ``plugins/`` folder. ``export`` and ``report`` pass ``False``: a folder's loose
    files never run just because someone made minutes or a report there."""
    from .plugin_host import PluginHost

    attribute = "_host" if store_folder else "_host_no_store"
    cached = getattr(args, attribute, None) or getattr(args, "_host", None)
    if cached is None:
        store = resolve_root(args.data) / "plugins" if store_folder else None
        cached = PluginHost.discover(map(Path, args.plugins_dir or ()), store=store, lazy=True)
        _say_refused(cached)
        setattr(args, attribute, cached)
    return cached


def _say_refused(host) -> None:
    """One line for each loose plugin file the ownership check kept out: never silently."""
    for path, reason in host.refused:
        print(t("cli.plugin_untrusted", path=path, reason=reason), file=sys.stderr)


def _template(args: argparse.Namespace, ref: str):
    """A template, with the stage types and templates of the plugins it needs: those that offer
    a template of that id, then, if it names a stage type still unknown, all of them."""
    host = _host(args)
    host.need(lambda offer: ref in offer.templates)
    try:
        types, templates = host.stage_types(load=False), host.templates(load=False)
        return load_template(ref, extra_types=types, extra_templates=templates)
    except TemplateError:
        if not host.pending:
            raise
    host.load_pending()
    return load_template(ref, extra_types=host.stage_types(), extra_templates=host.templates())


def _run_app(args: argparse.Namespace, log, role: str, store: SessionStore | None = None) -> int:
    from .tui.app import KusanoneApp  # Textual is imported only for the screens

    theme = getattr(args, "theme", None)
    KusanoneApp(log, role=role, store=store, plugins=_host(args), theme=theme).run()
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    template = _template(args, args.template)
    log = _store(args).create(template, title=args.title, place=args.place)
    return _run_app(args, log, "facilitator")


def cmd_open(args: argparse.Namespace) -> int:
    return _run_app(args, _open(args, args.session), args.role)


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import create_demo

    log = create_demo(Path(args.data) if args.data else None)
    print(t("cli.file", path=log.path), file=sys.stderr)
    return _run_app(args, log, args.role)


def cmd_home(args: argparse.Namespace) -> int:
    return _run_app(args, None, "facilitator", store=_store(args))


def cmd_report(args: argparse.Namespace) -> int:
    from . import report as reports

    stores = reports.stores_from(args.stores) or [resolve_root(args.data)]
    for store in stores:
        if not store.is_dir():
            raise CliError(t("report.no_store", path=store))
    try:
        built = reports.build(
            stores,
            args.since,
            args.until,
            host=_host(args, store_folder=False),
            series=args.series,
            include_private=args.include_private,
        )
    except ValueError as error:
        raise CliError(str(error), EXIT_USAGE) from None
    for path, reason in built.unreadable:  # every readable session is in; each other one named
        print(t("cli.skipped", path=path, reason=reason), file=sys.stderr)
    if args.screen:
        from .tui.report_app import ReportApp

        ReportApp(built).run()
        return 0
    _output(args, reports.render(built, args.format), stores=stores)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import ServeError, serve

    log = _open(args, args.session)  # an unknown session: one clear line, nothing bound
    log.close()
    try:
        return serve(
            log.path,
            args.host,
            args.port,
            store_root=resolve_root(args.data),
            lang=current_language(),
            plugins_dirs=[Path(folder) for folder in args.plugins_dir or ()],
            no_token=args.no_token,
            theme=args.theme,
        )
    except ServeError as error:
        raise CliError(str(error), error.code) from None


def cmd_plugins(args: argparse.Namespace) -> int:
    from .plugin_host import session_failures

    host = _host(args)
    host.load_pending()  # every plugin is listed as it loads, with its error if it does not
    failures: dict[str, list[dict]] = {}
    if getattr(args, "session", None):
        log = _open(args, args.session)
        try:
            failures = session_failures(log)
        finally:
            log.close()
    records = sorted(host.records.values(), key=lambda r: r.name)
    if failures:  # a plugin that failed in the session is off there, with the failure as error
        for record in records:
            failed = failures.get(record.name)
            if failed:
                last = failed[-1]
                record.enabled = False
                record.error = record.error or (
                    f"{last.get('hook')}: {last.get('error')} ({last.get('location') or '?'})"
                )
    if args.json:
        rows = []
        for record in records:
            row = record.to_dict()
            if getattr(args, "session", None):
                row["session_failures"] = failures.get(record.name, [])
            rows.append(row)
        print(dumps(rows))
        return 0
    if not records:
        print(t("cli.no_plugins"))
        return 0
    for record in records:
        state = t("cli.plugin_on") if record.enabled else t("cli.plugin_off")
        print(f"{record.name} {record.version or '-'}  [{record.source}]  {state}")
        if record.hooks:
            print(f"    hooks: {', '.join(record.hooks)}")
        if record.location:
            print(f"    {record.location}")
        if record.source == "file" and record.origin:
            print(f"    {t('cli.plugin_from')}: {record.origin}")
        if record.trusted:
            print(f"    {t('cli.plugin_trusted')}")
        if record.error:
            print(f"    {t('cli.plugin_error')}: {record.error}")
        for failure in failures.get(record.name, []):
            where = failure.get("location") or "?"
            print(f"    {t('plugins.session_failures')}: {failure.get('hook')} ({where})")
            print(f"      {failure.get('error')}")
    return 0


def cmd_community(args: argparse.Namespace) -> int:
    from .community_cli import cmd_community as run

    return run(args)


def cmd_forget(args: argparse.Namespace) -> int:
    from .community_cli import cmd_forget as run

    return run(args)


def cmd_plugin_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, write_plugin

    try:
        folder = write_plugin(args.name, Path(args.dir or "."))
    except ScaffoldError as error:
        raise CliError(str(error), EXIT_USAGE) from None
    print(t("cli.scaffolded", path=folder))
    return 0


COMMANDS = {
    "new": cmd_new,
    "sessions": cmd_sessions,
    "export": cmd_export,
    "check": cmd_check,
    "start": cmd_start,
    "open": cmd_open,
    "demo": cmd_demo,
    "plugins": cmd_plugins,
    "report": cmd_report,
    "serve": cmd_serve,
    "plugin": cmd_plugin_new,
    "community": cmd_community,
    "forget": cmd_forget,
}

#: Commands that run a meeting's app in this process (``None``: the home screen).
APP_COMMANDS = frozenset({"start", "open", "demo", None})

#: Commands of ``series_cli``, imported when one of them runs.
SERIES_COMMANDS = ("series", "next", "calendar", "close", "supporters")


def _series_command(args: argparse.Namespace) -> int:
    from .series_cli import COMMANDS as series_commands

    return series_commands[args.command](args)


COMMANDS.update(dict.fromkeys(SERIES_COMMANDS, _series_command))


#: The top-level options that take a value (argparse also accepts any unique prefix).
_VALUE_OPTIONS = ("--data", "--lang", "--plugins-dir")


def _first_word(argv: list[str]) -> tuple[str | None, str | None]:
    """The command word (the first argument that is neither an option nor an option's value),
    and ``"help"`` or ``"version"`` when argparse will act on that flag before any command."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return (argv[i + 1] if i + 1 < len(argv) else None), None
        if not arg.startswith("-") or arg == "-":
            return arg, None
        name = arg.split("=", 1)[0]
        if name == "-h" or (len(name) >= 3 and "--help".startswith(name)):
            return None, "help"
        if len(name) >= 3 and "--version".startswith(name):
            return None, "version"
        takes_value = len(name) >= 3 and any(o.startswith(name) for o in _VALUE_OPTIONS)
        i += 2 if takes_value and "=" not in arg else 1
    return None, None


def _early_host(argv: list[str]):
    """Plugins whose subcommands must be part of the command line, found before parsing.

    Only when the command word is not a built-in one (``kusanone games …``) are all plugins
    loaded here, loose files included; for ``--help`` only installed plugins are asked for their
    subcommands (installed code, trusted like kusanone itself); for ``--version``, a built-in
    command or none, nothing is loaded now, and each command loads what it needs (``_host``).
    Returns the host and whether it is the complete one.
    """
    word, flag = _first_word(argv)
    if flag == "version" or (flag is None and (word is None or word in COMMANDS)):
        return None, False
    from .plugin_host import PluginHost

    if flag == "help":  # the subcommands of installed plugins, from the index where it can
        return PluginHost.discover((), lazy=True), False

    def values(flag: str) -> list[str]:
        found = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == flag]
        return found + [a.split("=", 1)[1] for a in argv if a.startswith(flag + "=")]

    data = (values("--data") or [None])[-1]
    host = PluginHost.discover(
        map(Path, values("--plugins-dir")), store=resolve_root(data) / "plugins", lazy=True
    )
    host.need(lambda offer: any(name == word for name, _ in offer.cli))
    if word not in {command.name for _, command in host.cli_commands(load=False)}:
        host.load_pending()  # not a plugin's we know of: all of them, for argparse's list
    _say_refused(host)
    return host, True


def _run_plugin_command(args: argparse.Namespace) -> int:
    name, command = args._plugin_command
    host = args._host
    try:
        status = command.run(args)
    except ValueError as error:  # the plugin's way to say "your input is wrong"
        raise CliError(str(error), EXIT_USAGE) from None
    except Exception as error:
        host.fail(name, error, f"cli {command.name}")
        raise CliError(t("plugins.failed", name=name, detail=host.records[name].error)) from None
    return int(status or 0)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language must be known before the parser's own texts are made.
    lang_flag = next(
        (
            a.removeprefix("--lang=") if a.startswith("--lang=") else argv[i + 1]
            for i, a in enumerate(argv)
            if a.startswith("--lang=") or (a == "--lang" and i + 1 < len(argv))
        ),
        None,
    )
    set_language(resolve_language(lang_flag))
    try:
        host, complete = _early_host(argv)
    except OSError as error:  # e.g. an unreadable store folder: one line, no traceback
        return _os_error(error)
    word, flag = _first_word(argv)
    only = word if flag is None and host is None and word in COMMANDS else None
    parser = build_parser(host, only)
    args = parser.parse_args(argv)
    if getattr(args, "_offered", None) and host is not None:  # a pending plugin's subcommand
        host.load_pending([args._offered])
        args = build_parser(host).parse_args(argv)
        complete = True
    args._host = host if complete else None
    if args.command not in APP_COMMANDS:
        gc.enable()  # off while starting (entry.py); a meeting turns it on once drawn
    try:
        if getattr(args, "_plugin_command", None):
            return _run_plugin_command(args)
        return COMMANDS.get(args.command, cmd_home)(args)
    except TemplateError as error:
        print(t("cli.error", message=t("cli.bad_template", detail=error)), file=sys.stderr)
        return EXIT_USAGE
    except CliError as error:
        print(t("cli.error", message=error), file=sys.stderr)
        return error.code
    except OSError as error:
        return _os_error(error)
    except KeyboardInterrupt:
        return 130


def _os_error(error: OSError) -> int:
    """Any ``OSError`` (permission, no space, read-only file system, missing folder): one line."""
    reason = os.strerror(error.errno) if error.errno else (error.strerror or str(error))
    if isinstance(error, LogReadOnly):
        message = t("cli.log_read_only", path=error.filename or "", reason=reason)
    else:
        message = t("cli.os_error", path=error.filename or "", reason=reason)
    print(t("cli.error", message=message), file=sys.stderr)
    return EXIT_ERROR
