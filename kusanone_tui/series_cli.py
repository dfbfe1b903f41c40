"""The series commands: ``series``, ``next``, ``calendar``, ``close``, ``supporters``.

Kept apart from ``cli.py`` (which registers them) so that each part of the command line stays
small. Every failure is one line and a non-zero exit (``CliError``), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta

from .i18n import current_language, t
from .model.series import HOLIDAY_RULES, Series, SeriesError, parse_when, upcoming, when_text
from .store.series import SeriesBook, Supporters, local_now


def add_parsers(sub, common) -> None:
    """Add the subcommands to ``sub`` (``common`` adds --data/--lang/--plugins-dir)."""
    series = sub.add_parser("series", help="meeting series: add, list, show, edit")
    series_sub = series.add_subparsers(
        dest="series_command",
        metavar="add|list|show|edit",
        required=True,
        parser_class=type(series),
    )
    add = series_sub.add_parser("add", help="a new series")
    add.add_argument("name", help="its name, e.g. 定例会")
    _series_options(add, required=True)
    common(add, top=False)
    list_ = series_sub.add_parser("list", help="the series and their next meeting")
    list_.add_argument("--json", action="store_true", help="machine-readable output")
    common(list_, top=False)
    show = series_sub.add_parser("show", help="one series and its coming meetings")
    show.add_argument("series", help="series name or id")
    show.add_argument("--count", type=int, default=6, help="how many coming meetings (6)")
    common(show, top=False)
    edit = series_sub.add_parser("edit", help="change a series")
    edit.add_argument("series", help="series name or id")
    edit.add_argument("--name", help="a new name")
    _series_options(edit, required=False)
    common(edit, top=False)
    common(series, top=False)

    next_ = sub.add_parser("next", help="create the next session of a series")
    next_.add_argument("series", help="series name or id")
    next_.add_argument("--title", help="a title other than 「第N回 NAME」")
    next_.add_argument(
        "--start", action="store_true", help="open it in the facilitator's view at once"
    )
    common(next_, top=False)

    calendar = sub.add_parser("calendar", help="coming meetings as iCalendar or a flyer list")
    calendar.add_argument("series", nargs="*", help="series names or ids (default: all)")
    calendar.add_argument("--format", choices=("ics", "md"), default="ics")
    calendar.add_argument("--until", metavar="DATE", help="up to this date (default: a year)")
    calendar.add_argument("--count", type=int, default=12, help="at most N per series (12)")
    calendar.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    calendar.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    common(calendar, top=False)

    close = sub.add_parser("close", help="the closing record: head-count, organisations, summary")
    close.add_argument("session", help="session id, unique prefix, or file")
    how_many = close.add_mutually_exclusive_group()
    how_many.add_argument("--count", type=int, help="everyone in the room (the head-count)")
    how_many.add_argument("--others", type=int, help="people in the room never entered")
    close.add_argument(
        "--org",
        action="append",
        default=[],
        metavar="NAME",
        nargs="+",
        help="organisations that took part (repeatable; new ones join the registry)",
    )
    close.add_argument("--summary", default="", help="a short public summary")
    close.add_argument("--completed", type=int, help="a course: how many completed it")
    common(close, top=False)

    supporters = sub.add_parser("supporters", help="the supporter roster (private)")
    sup_sub = supporters.add_subparsers(
        dest="supporters_command", metavar="list|add|remove", parser_class=type(supporters)
    )
    sup_list = sup_sub.add_parser("list", help="list supporters")
    sup_list.add_argument(
        "--include-private", action="store_true", help="with the contacts they gave"
    )
    common(sup_list, top=False)
    sup_add = sup_sub.add_parser("add", help="register a supporter")
    sup_add.add_argument("name", help="display name")
    sup_add.add_argument("--contact", default="", help="a way to reach them, only if given")
    common(sup_add, top=False)
    sup_remove = sup_sub.add_parser("remove", help="remove someone at their request, no trace")
    sup_remove.add_argument("supporter", help="display name or id")
    common(sup_remove, top=False)
    supporters.add_argument(
        "--include-private", action="store_true", help="with the contacts they gave"
    )
    common(supporters, top=False)


def _series_options(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument("--template", required=required, help="template id or .toml file")
    parser.add_argument("--place", help="where it is held")
    parser.add_argument("--start", metavar="WHEN", help="its first meeting: YYYY-MM-DD HH:MM")
    parser.add_argument(
        "--rrule", metavar="RULE", help="its rhythm, e.g. FREQ=MONTHLY;INTERVAL=2;BYDAY=4SA"
    )
    parser.add_argument(
        "--date", action="append", metavar="WHEN", help="a dated meeting (repeatable)"
    )
    parser.add_argument(
        "--evening",
        action="append",
        metavar="TEMPLATE",
        help="a course: the template of each evening, in order (repeatable)",
    )
    parser.add_argument("--minutes", type=int, help="how long a meeting lasts (90)")
    parser.add_argument("--number", type=int, help="the number of the first meeting (1)")
    parser.add_argument("--holidays", choices=HOLIDAY_RULES, help="skip (default), flag, keep")
    parser.add_argument("--description", help="a public description (calendar, flyer)")


def _error(error: Exception):
    from .cli import EXIT_USAGE, CliError

    return CliError(str(error), EXIT_USAGE)


def _book(args) -> SeriesBook:
    from .cli import _store

    return SeriesBook(_store(args).root)


def _find(args, ref: str) -> Series:
    try:
        return _book(args).find(ref)
    except SeriesError as error:
        raise _error(error) from None


def _check_templates(args, refs) -> None:
    from .cli import _template

    for ref in refs:
        _template(args, ref)  # a TemplateError is one line, exit 2


def _changes(args) -> dict:
    changes: dict = {}
    for key in ("template", "place", "rrule", "minutes", "holidays", "description"):
        value = getattr(args, key, None)
        if value is not None:
            changes[key] = value
    if args.start is not None:
        changes["start"] = args.start
    if args.number is not None:
        changes["first_number"] = args.number
    if args.date:
        changes["dates"] = tuple(args.date)
    if args.evening:
        changes["templates"] = tuple(args.evening)
    return changes


def cmd_series(args) -> int:
    return {
        "add": _series_add,
        "list": _series_list,
        "show": _series_show,
        "edit": _series_edit,
    }[args.series_command](args)


def _series_add(args) -> int:
    changes = _changes(args)
    _check_templates(args, [changes["template"], *changes.get("templates", ())])
    try:
        series = _book(args).add(Series("", args.name, **changes))
    except SeriesError as error:
        raise _error(error) from None
    print(t("series.added", name=series.name, id=series.id))
    _say_next(args, series)
    return 0


def _series_edit(args) -> int:
    changes = _changes(args)
    if args.name is not None:
        changes["name"] = args.name
    if not changes:
        raise _error(SeriesError(t("series.nothing_to_change")))
    _check_templates(
        args, [r for r in (changes.get("template"), *changes.get("templates", ())) if r]
    )
    book = _book(args)
    try:
        series = book.update(book.find(args.series).id, **changes)
    except SeriesError as error:
        raise _error(error) from None
    print(t("series.changed", name=series.name, id=series.id))
    _say_next(args, series)
    return 0


def next_line(series: Series, occurrence, lang: str | None = None) -> str:
    """「次回：1月24日（土）14:00 まんまの会 夢プラザ」."""
    from .calendar_export import meeting_title

    lang = lang or current_language()
    if occurrence is None:
        return t("series.no_next", name=series.name)
    holiday = t("series.on_holiday", name=occurrence.holiday) if occurrence.holiday else ""
    return (
        t(
            "series.next_line",
            when=when_text(occurrence.start, lang),
            title=meeting_title(occurrence),
            place=series.place or "",
        ).rstrip()
        + holiday
    )


def _say_next(args, series: Series) -> None:
    print("  " + next_line(series, _book(args).next(series)))


def _series_list(args) -> int:
    book = _book(args)
    items = book.all()
    if args.json:
        rows = []
        for series in items:
            occurrence = book.next(series)
            rows.append(
                {
                    **series.to_dict(),
                    "next": occurrence.key if occurrence else None,
                    "next_number": occurrence.number if occurrence else None,
                }
            )
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not items:
        print(t("series.none"))
        return 0
    for series in items:
        print(f"{series.name}  ({series.id})  {series.template}  {series.place}")
        print("  " + next_line(series, book.next(series)))
    return 0


def _series_show(args) -> int:
    book = _book(args)
    series = _find(args, args.series)
    lang = current_language()
    print(f"{series.name}  ({series.id})")
    rows = [
        (t("series.f_template"), " → ".join(series.templates) or series.template),
        (t("series.f_place"), series.place or "—"),
        (t("series.f_start"), series.start),
        (t("series.f_rule"), series.rrule or "—"),
        (t("series.f_dates"), ", ".join(series.dates) or "—"),
        (t("series.f_minutes"), str(series.minutes)),
        (t("series.f_holidays"), t(f"series.holidays_{series.holidays}")),
        (t("series.f_description"), series.description or "—"),
        (t("series.f_held"), str(len(book.held(series)))),
    ]
    for label, value in rows:
        print(f"  {label}: {value}")
    coming = upcoming(series, local_now(series.tz), book.held(series), limit=max(1, args.count))
    print(t("series.coming"))
    from .calendar_export import meeting_title

    for occurrence in coming:
        holiday = t("series.on_holiday", name=occurrence.holiday) if occurrence.holiday else ""
        evening = f"  [{occurrence.template}]" if series.is_course else ""
        print(
            f"  {occurrence.start.year} {when_text(occurrence.start, lang)}  "
            f"{meeting_title(occurrence)}{holiday}{evening}"
        )
    if not coming:
        print("  " + t("series.no_next", name=series.name))
    return 0


def cmd_next(args) -> int:
    from .calendar_export import meeting_title
    from .cli import _run_app, _store, _template

    book = _book(args)
    series = _find(args, args.series)
    occurrence = book.next(series)
    if occurrence is None:
        raise _error(SeriesError(t("series.no_next", name=series.name)))
    template = _template(args, occurrence.template)
    title = args.title or meeting_title(occurrence)
    log = book.create_next(series, template, title, occurrence)
    print(t("cli.created", id=log.session_id))
    print(t("cli.file", path=log.path))
    print("  " + next_line(series, occurrence))
    if args.start:
        return _run_app(args, log, "facilitator", store=_store(args))
    return 0


def cmd_calendar(args) -> int:
    from . import calendar_export
    from .cli import _output

    book = _book(args)
    chosen = [_find(args, ref) for ref in args.series] if args.series else book.all()
    if args.count < 1:
        raise _error(SeriesError(t("series.bad_count")))
    until = None
    if args.until:
        try:
            until = datetime.combine(date.fromisoformat(args.until), datetime.max.time())
        except ValueError:
            raise _error(SeriesError(t("report.bad_date", value=args.until))) from None
    found = []
    for series in chosen:
        now = local_now(series.tz)
        limit_until = until or now + timedelta(days=366)
        found += upcoming(series, now, book.held(series), limit=args.count, until=limit_until)
    found.sort(key=lambda o: (o.start, o.series.name))
    if args.format == "ics":
        text = calendar_export.to_ics(found)
    else:
        text = calendar_export.to_markdown(found)
    _output(args, text)
    return 0


def cmd_close(args) -> int:
    from .cli import _open
    from .closing import ClosingError, ClosingInput, record_closing
    from .store.sessions import SessionStore

    log = _open(args, args.session)
    organisations = tuple(name for group in args.org for name in group)
    for value, flag in (
        (args.count, "--count"),
        (args.others, "--others"),
        (args.completed, "--completed"),
    ):
        if value is not None and value < 0:
            raise _error(SeriesError(t("closing.bad_count", what=flag, value=value)))
    given = ClosingInput(
        others=args.others or 0,
        organisations=organisations,
        summary=args.summary,
        completed=args.completed,
        count=args.count,
    )
    registry = SessionStore(log.path.parent).community()
    try:
        event = record_closing(log, given, registry, actor=None)
    except ClosingError as error:
        raise _error(error) from None
    data = event.data
    print(
        t(
            "closing.recorded",
            count=data["count"],
            others=data["others"],
            orgs=len(data["organisations"]),
        )
    )
    return 0


def cmd_supporters(args) -> int:
    from .cli import _store

    roster = Supporters(_store(args).root)
    command = args.supporters_command or "list"
    try:
        if command == "add":
            item = roster.add(args.name, args.contact)
            print(t("supporters.added", name=item.name, id=item.id))
            return 0
        if command == "remove":
            item = roster.remove(args.supporter)
            print(t("supporters.removed", name=item.name))
            return 0
    except SeriesError as error:
        raise _error(error) from None
    items = roster.all()
    if not items:
        print(t("supporters.none"))
        return 0
    print(t("supporters.header", count=len(items)))
    for item in items:
        contact = f"  {item.contact}" if args.include_private and item.contact else ""
        print(f"  {item.id}  {item.name}{contact}")
    if args.include_private:
        print(t("cli.private_included"), file=sys.stderr)
    return 0


COMMANDS = {
    "series": cmd_series,
    "next": cmd_next,
    "calendar": cmd_calendar,
    "close": cmd_close,
    "supporters": cmd_supporters,
}

__all__ = ["COMMANDS", "add_parsers", "next_line", "parse_when"]
