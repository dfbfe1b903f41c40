"""The community report (`kusanone report`): what the platform grew, never a person's progress.

The talk this project comes from proposes four figures for judging community building:
新たな活動の創出数 (new activities created), 参加主体数 (participating groups and organisations),
主体間の協働事例数 (collaborations between them) and 地域活動への参加者数 (people taking part in
local activities). They are counted here per meeting, per fiscal year (April–March) and over time,
from any number of stores (a wider-area network), with attendance by 立場 and first-time vs
returning visitors — by display name, and only for people who agreed to be named.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .i18n import t
from .minutes import md_escape
from .model.state import POSITIONS, MeetingState
from .store.registry import (
    Activity,
    ActivityDay,
    Collaboration,
    Group,
    HelpRequest,
    Registry,
    Story,
    kind_title,
)
from .store.session import SessionLog, read_log
from .store.session import session_id as _session_id
from .store.sessions import COMMUNITY_FILE, SessionStore, os_reason

FIGURES = ("activities", "groups", "collaborations", "participants")

#: In a shared report (md, html, csv, json without ``--include-private``), a count of people
#: below this in a breakdown (by 立場, by meeting, by activity) is shown as 「3未満」.
SMALL = 3


@dataclass(frozen=True)
class MeetingRow:
    """One meeting's line of the report: counts only."""

    store: str
    session: str
    day: str
    fiscal_year: int
    title: str
    attendance: int
    by_position: dict[str, int]
    first_time: int
    returning: int
    not_remembered: int
    activities: int
    groups: int
    collaborations: int
    #: The series and its number (「第32回」), when the session was made from one.
    series: str = ""
    number: int | None = None
    #: From the closing record: the organisations that attended; whether ``attendance`` is
    #: its head-count (people never entered in the app included).
    organisations: tuple[str, ...] = ()
    headcount: bool = False


@dataclass
class Report:
    since: str | None
    until: str | None
    meetings: list[MeetingRow] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    collaborations: list[Collaboration] = field(default_factory=list)
    extra: list[tuple[str, Any]] = field(default_factory=list)  # plugins' figures
    #: Entries that could not be read (path, reason): left out, each named by the caller.
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    #: The community's memory (see ``community_parts``): activity days with head-counts within
    #: the period, connection stories (public ones unless ``include_private``), help requests,
    #: every activity and group known (for the kinds per year and the network), names by id.
    days: list[ActivityDay] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    requests: list[HelpRequest] = field(default_factory=list)
    known_activities: list[Activity] = field(default_factory=list)
    known_groups: list[Group] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    include_private: bool = False

    def totals(self) -> dict[str, int]:
        return {
            "activities": len(self.activities),
            "groups": len(self.groups),
            "collaborations": len(self.collaborations),
            "participants": sum(self.sources().values()),
        }

    def sources(self) -> dict[str, int]:
        """Where 地域活動への参加者数 comes from: the sessions' head-counts, the activity days'.
        A session whose evening a plugin recorded as an activity day (a game night, a festival
        day) counts once, as that day."""
        return {
            "meetings": sum(row.attendance for row in self.counted_meetings()),
            "days": sum(day.count for day in self.days),
        }

    def counted_meetings(self) -> list[MeetingRow]:
        """The meetings whose head-count adds to the participants (not recorded as a day)."""
        recorded = {day.session for day in self.days if day.session}
        return [row for row in self.meetings if row.session not in recorded]

    def by_year(self) -> dict[int, dict[str, int]]:
        years: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
        for row in self.counted_meetings():
            years[row.fiscal_year]["participants"] += row.attendance
        for day in self.days:
            years[fiscal_year(day.on)]["participants"] += day.count
        dated = [
            *(("activities", a.born_on) for a in self.activities),
            *(("collaborations", c.on) for c in self.collaborations),
            *(("groups", g.since) for g in self.groups),
        ]
        for key, when in dated:
            if when:
                years[fiscal_year(when)][key] += 1
        return dict(sorted(years.items()))

    def by_series(self) -> dict[str, dict[int, int]]:
        """Each series' meetings per fiscal year (meetings of no series are left out)."""
        table: dict[str, dict[int, int]] = defaultdict(Counter)
        for row in self.meetings:
            if row.series:
                table[row.series][row.fiscal_year] += 1
        return {name: dict(sorted(years.items())) for name, years in table.items()}

    def positions(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for row in self.meetings:
            total.update(row.by_position)
        return dict(total)

    def first_time_by_year(self) -> dict[int, dict[str, int]]:
        """はじめて／くり返し per fiscal year (never per meeting in a shared report)."""
        years: dict[int, dict[str, int]] = {}
        for row in self.meetings:
            year = years.setdefault(row.fiscal_year, {"first_time": 0, "returning": 0})
            year["first_time"] += row.first_time
            year["returning"] += row.returning
        return dict(sorted(years.items()))

    def kinds_by_year(self) -> dict[int, dict[str, int]]:
        """The variety of places: activities going on in each fiscal year, per kind."""
        years = set(self.by_year())
        for activity in self.known_activities:
            if activity.born_on and _in(activity.born_on, self.since, self.until):
                years.add(fiscal_year(activity.born_on))
        out: dict[int, dict[str, int]] = {}
        for year in range(min(years), max(years) + 1) if years else ():
            start, end = f"{year}-04-01", f"{year + 1}-03-31"
            counts: Counter[str] = Counter(
                a.kind
                for a in self.known_activities
                if a.born_on and a.born_on <= end and (not a.ended or a.ended >= start)
            )
            out[year] = dict(counts)
        return out

    def help_counts(self) -> dict[str, int]:
        """協力のお願い: how many were posted in the period, and how many were met (counts only)."""
        return {
            "requests": len(self.requests),
            "met": sum(1 for r in self.requests if r.closed and r.helped > 0),
            "helped": sum(r.helped for r in self.requests if r.closed),
        }

    def shown(self, cells: dict[Any, int]) -> dict[Any, int | str]:
        """A breakdown of counts of people as a shared report shows it (see :func:`protect`)."""
        return dict(cells) if self.include_private else protect(cells)

    def attendance_shown(self) -> tuple[list[int | str], list[int | str]]:
        """The meetings' and the activity days' counts, as one breakdown of the participants."""
        cells = {("m", n): row.attendance for n, row in enumerate(self.meetings)}
        cells.update({("d", n): day.count for n, day in enumerate(self.days)})
        shown = self.shown(cells)
        return (
            [shown[("m", n)] for n in range(len(self.meetings))],
            [shown[("d", n)] for n in range(len(self.days))],
        )


def protect(cells: dict[Any, int]) -> dict[Any, int | str]:
    """Small numbers in a breakdown: 1 or 2 become 「3未満」, and the smallest other count is
    hidden too (「＊」): the total, shown elsewhere, minus the counts shown never gives the small
    ones back (their sum could otherwise tell 2+2 from 1+1)."""
    out: dict[Any, int | str] = dict(cells)
    small = [key for key, value in cells.items() if 0 < value < SMALL]
    for key in small:
        out[key] = t("report.small")
    if small:
        keys = list(cells)
        others = sorted((value, n) for n, value in enumerate(cells.values()) if value >= SMALL)
        if others:
            out[keys[others[0][1]]] = t("report.hidden")
    return out


def fiscal_year(day: str) -> int:
    """Japan's fiscal year: April to March. 2027-03-31 is in FY2026."""
    year, month = int(day[:4]), int(day[5:7])
    return year if month >= 4 else year - 1


def _reason(error: Exception) -> str:
    return os_reason(error) if isinstance(error, OSError) else str(error)


def _day(at: float | None) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(at or 0))


def _in(day: str, since: str | None, until: str | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(t("report.bad_date", value=value)) from None


def build(
    stores: Sequence[Path],
    since: str | None = None,
    until: str | None = None,
    host=None,
    series: str | None = None,
    include_private: bool = False,
) -> Report:
    """The report over every session in ``stores`` whose date is within the period
    (``series``: only the meetings of the series of that name or id)."""
    since, until = _check_date(since), _check_date(until)
    report = Report(since, until, include_private=include_private)
    seen: dict[str, set[str]] = defaultdict(set)  # store → names of remembered people so far
    sessions: list[tuple[str, str, MeetingState, str]] = []
    registries: list[tuple[str, Registry]] = []
    for root in stores:
        store = SessionStore(root)
        label = root.name or str(root)
        listing = store.list()  # one unreadable entry never hides the others
        report.unreadable += [(problem.path, problem.reason) for problem in listing.problems]
        for info in listing:
            try:
                fast = read_log(info.path)  # straight from the lines; None: open it properly
                log = SessionLog.open(info.path) if fast is None else None
            except (OSError, UnicodeDecodeError) as error:
                report.unreadable.append((info.path, _reason(error)))
                continue
            if fast is not None:
                state = fast[1]
            else:
                try:
                    state = log.state()
                finally:
                    log.close()
            day = _day(state.meeting_started_at or state.created_at)
            if state.meeting_started_at is None and state.series and state.series.starts_at:
                day = state.series.starts_at[:10]  # prepared ahead: the meeting's own day
            if series is not None and not _of_series(state, series):
                continue
            sessions.append((label, _session_id(info.path), state, day))
        registry_path = root / COMMUNITY_FILE
        if registry_path.is_dir() or (registry_path.exists() and not registry_path.is_file()):
            report.unreadable.append((registry_path, t("store.not_regular")))  # never opened
        elif registry_path.exists() or registry_path.is_symlink():
            try:
                registries.append((label, Registry(registry_path)))
            except (OSError, UnicodeDecodeError) as error:
                report.unreadable.append((registry_path, _reason(error)))
    if series is not None and not sessions:
        raise ValueError(t("series.report_unknown", name=series))
    activities_by_session: Counter[str] = Counter()
    groups_by_session: Counter[str] = Counter()
    collaborations_by_session: Counter[str] = Counter()
    for _label, registry in registries:
        for activity in registry.activities():
            activities_by_session[activity.session or ""] += 1
            if _in(activity.born_on, since, until):
                report.activities.append(activity)
        for group in registry.groups():
            groups_by_session[group.session or ""] += 1
            if _taking_part(group, since, until):
                report.groups.append(group)  # groups taking part, known by the period's end
        for item in registry.collaborations():
            collaborations_by_session[item.session or ""] += 1
            if _in(item.on, since, until):
                report.collaborations.append(item)
        community_parts(report, registry, since, until)
    for label, session_id, state, day in sorted(sessions, key=lambda s: s[3]):
        remembered = [p.name for p in state.participants.values() if p.minutes_name and p.name]
        first = [name for name in remembered if name not in seen[label]]
        seen[label].update(remembered)
        if not _in(day, since, until):
            continue
        positions = Counter(
            p.position if p.position in POSITIONS else "none" for p in state.participants.values()
        )
        closing = state.closing  # the closing record counts the room and who took part
        report.meetings.append(
            MeetingRow(
                label,
                session_id,
                day,
                fiscal_year(day),
                state.title,
                closing.count if closing else len(state.participants),
                dict(positions),
                len(first),
                len(remembered) - len(first),
                len(state.participants) - len(remembered),
                activities_by_session[session_id],
                len(closing.organisations) if closing else groups_by_session[session_id],
                collaborations_by_session[session_id],
                state.series.name if state.series else "",
                state.series.number if state.series else None,
                tuple(name for _, name in closing.organisations) if closing else (),
                closing is not None,
            )
        )
    if host is not None:
        report.extra = _plugin_figures(host, report, sessions, since, until)
    return report


def _of_series(state: MeetingState, ref: str) -> bool:
    mark = state.series
    return mark is not None and ref.strip() in (mark.id, mark.name)


def _taking_part(group: Group, since: str | None, until: str | None) -> bool:
    """A group counts when it began by the period's end and had not ended before it began;
    a standing 部会 is part of the platform, not a 参加主体."""
    if group.kind == "bukai":
        return False
    return (until is None or group.since <= until) and (
        not group.ended or since is None or group.ended >= since
    )


def community_parts(report: Report, registry: Registry, since, until) -> None:
    """Activity days, stories and help requests of the period; every known entry's name."""
    folded = registry.folded()
    for entry_id, (_kind, record) in folded.entries.items():
        report.names[entry_id] = str(getattr(record, "name", "") or getattr(record, "text", ""))
    report.known_activities += registry.activities()
    report.known_groups += registry.groups()
    report.days += [d for d in registry.days() if _in(d.on, since, until)]
    report.stories += [
        s for s in registry.stories(report.include_private) if _in(s.on, since, until)
    ]
    report.requests += [r for r in registry.requests() if _in(r.on, since, until)]


def _plugin_figures(host, report: Report, sessions, since, until) -> list[tuple[str, Any]]:
    from .api import ReportData
    from .i18n import pick
    from .model.views import export_state

    states = tuple(
        export_state(state, "minutes") for _, _, state, day in sessions if _in(day, since, until)
    )
    figures = []
    for name, figure in host.report_figures():
        events = {
            session_id: tuple(
                e
                for e in state.plugin_events.get(name, ())
                if e.data.get("visibility", "minutes") != "private"
            )
            for _, session_id, state, day in sessions
            if _in(day, since, until)
        }
        data = ReportData(
            states,
            tuple(report.groups),
            tuple(report.activities),
            tuple(report.collaborations),
            events,
        )
        value = host.guard(name, f"report {figure.name}", figure.compute, data)
        if value is not None:
            figures.append((pick(figure.title), value))
    return figures


# -- formats -----------------------------------------------------------------------------------


def _period(report: Report) -> str:
    return f"{report.since or '…'} – {report.until or '…'}"


def to_markdown(report: Report) -> str:
    totals = report.totals()
    out = [
        f"# {t('report.title')}",
        "",
        f"- {t('report.period')}: {_period(report)}",
        f"- {t('report.meetings')}: {len(report.meetings)}",
        "",
        f"## {t('report.four')}",
        "",
        f"| {t('report.figure')} | {t('report.count')} |",
        "|---|---:|",
    ]
    out += [f"| {t(f'report.{key}')} | {totals[key]} |" for key in FIGURES]
    out += _sources_markdown(report)
    out += [
        "",
        f"## {t('report.by_year')}",
        "",
        f"| {t('report.year')} | " + " | ".join(t(f"report.{k}") for k in FIGURES) + " |",
        "|---|" + "---:|" * len(FIGURES),
    ]
    for year, figures in report.by_year().items():
        out.append(
            f"| {t('report.fy', year=year)} | "
            + " | ".join(str(figures[k]) for k in FIGURES)
            + " |"
        )
    out += _series_markdown(report)
    positions = report.positions()
    shown_positions = report.shown(positions)  # 1 or 2 people: 「3未満」
    if positions:
        out += [
            "",
            f"## {t('report.attendance')}",
            "",
            f"| {t('report.position')} | {t('report.count')} |",
            "|---|---:|",
        ]
        for key in (*POSITIONS, "none"):
            if positions.get(key):
                label = t(f"position.{key}") if key != "none" else t("minutes.no_position")
                out.append(f"| {label} | {shown_positions[key]} |")
    out += _meetings_markdown(report)
    out += _community_markdown(report)
    out += ["", f"> {t('report.note')}", ">", f"> {t('series.report_note')}"]
    if report.extra:
        out += ["", f"## {t('report.plugins')}", ""]
        out += [f"- {md_escape(title)}: {md_escape(value)}" for title, value in report.extra]
    return "\n".join(out) + "\n"


def _sources_markdown(report: Report) -> list[str]:
    """Where 地域活動への参加者数 came from (the sessions, the activity days)."""
    sources = report.sources()
    return [
        "",
        t(
            "report.sources",
            meetings=sources["meetings"],
            sessions=len(report.counted_meetings()),
            days=sources["days"],
            count=len(report.days),
        ),
    ]


def _meetings_markdown(report: Report) -> list[str]:
    """Each meeting's line; 1 or 2 people shown as 「3未満」, はじめて／くり返し only in a private
    report (per fiscal year otherwise, see :func:`_community_markdown`)."""
    private = report.include_private
    attendance, _days = report.attendance_shown()
    head = [t("report.date"), t("report.meeting"), t("report.attendance_short")]
    if private:
        head += [t("report.first_time"), t("report.returning")]
    head += [t("report.activities"), t("report.groups"), t("report.collaborations")]
    out = [
        "",
        f"## {t('report.per_meeting')}",
        "",
        "| " + " | ".join(head) + " |",
        "|---|---|" + "---:|" * (len(head) - 2),
    ]
    for n, row in enumerate(report.meetings):
        title = md_escape(row.title)  # a title is people's text; "|" is escaped too
        cells = [row.day, title, str(attendance[n])]
        if private:
            cells += [str(row.first_time), str(row.returning)]
        cells += [str(row.activities), str(row.groups), str(row.collaborations)]
        out.append("| " + " | ".join(cells) + " |")
    return out


def _community_markdown(report: Report) -> list[str]:
    """はじめて／くり返し per year, activity days, the kinds of places per year, collaborations
    and connection stories per year, help wanted."""
    out: list[str] = []
    firsts = report.first_time_by_year()
    if firsts:
        out += [
            "",
            f"## {t('report.first_time_by_year')}",
            "",
            f"| {t('report.year')} | {t('report.first_time')} | {t('report.returning')} |",
            "|---|---:|---:|",
        ]
        for year, counts in firsts.items():
            shown = report.shown(counts)
            out.append(
                f"| {t('report.fy', year=year)} | {shown['first_time']} | {shown['returning']} |"
            )
    if report.days:
        _meetings, counts = report.attendance_shown()
        out += [
            "",
            f"## {t('report.days')}",
            "",
            f"| {t('report.date')} | {t('report.activity')} | {t('report.attendance_short')} |",
            "|---|---|---:|",
        ]
        for n, day in sorted(enumerate(report.days), key=lambda item: item[1].on):
            name = md_escape(report.names.get(day.activity, day.activity))
            out.append(f"| {day.on} | {name} | {counts[n]} |")
    kinds = report.kinds_by_year()
    used = [k for k in _kind_order(report) if any(k in c for c in kinds.values())]
    if used:
        out += [
            "",
            f"## {t('report.kinds')}",
            "",
            f"| {t('report.year')} | " + " | ".join(md_escape(kind_title(k)) for k in used) + " |",
            "|---|" + "---:|" * len(used),
        ]
        for year, counts in kinds.items():
            cells = " | ".join(str(counts.get(k, 0)) for k in used)
            out.append(f"| {t('report.fy', year=year)} | {cells} |")
    years: dict[int, list[str]] = defaultdict(list)
    for item in sorted(report.collaborations, key=lambda c: c.on):
        years[fiscal_year(item.on)].append(f"- {item.on} {md_escape(item.text)}")
    for story in sorted(report.stories, key=lambda s: s.on):
        mark = "🔒 " if story.visibility == "private" else ""
        linked = "・".join(md_escape(report.names.get(i, i)) for i in story.entries)
        years[fiscal_year(story.on)].append(
            f"- {story.on} {mark}{md_escape(story.text)}（{linked}）"
        )
    if years:
        out += ["", f"## {t('report.stories')}"]
        for year in sorted(years):
            out += ["", f"### {t('report.fy', year=year)}", "", *years[year]]
    if report.requests:
        counts = report.help_counts()
        out += [
            "",
            f"## {t('report.help')}",
            "",
            t("report.help_counts", **counts),
        ]
    if not report.include_private:
        out += ["", f"> {t('report.small_note')}"]
    return out


def _kind_order(report: Report) -> list[str]:
    from .store.registry import activity_kinds

    extra = sorted({a.kind for a in report.known_activities} - set(activity_kinds()))
    return [*activity_kinds(), *extra]


def _series_markdown(report: Report) -> list[str]:
    """Each series' meetings per fiscal year (nothing when no meeting is of a series)."""
    table = report.by_series()
    if not table:
        return []
    years = sorted({year for counts in table.values() for year in counts})
    out = [
        "",
        f"## {t('series.report_title')}",
        "",
        f"| {t('series.report_series')} | "
        + " | ".join(t("report.fy", year=year) for year in years)
        + " |",
        "|---|" + "---:|" * len(years),
    ]
    for name, counts in sorted(table.items()):
        cells = " | ".join(str(counts.get(year, 0)) for year in years)
        out.append(f"| {md_escape(name)} | {cells} |")
    return out


def to_json(report: Report) -> str:
    data = {
        "since": report.since,
        "until": report.until,
        "totals": report.totals(),
        "by_fiscal_year": {str(k): v for k, v in report.by_year().items()},
        "attendance_by_position": report.shown(report.positions()),
        **_community_json(report),
        "by_series": {
            name: {str(k): v for k, v in years.items()}
            for name, years in report.by_series().items()
        },
        "meetings": _meeting_dicts(report),
        "activities": [asdict(a) for a in report.activities],
        "groups": [asdict(g) for g in report.groups],
        "collaborations": [asdict(c) for c in report.collaborations],
        "plugins": [{"title": title, "value": value} for title, value in report.extra],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "store",
            "session",
            "date",
            "fiscal_year",
            "title",
            "attendance",
            *(f"position_{p}" for p in (*POSITIONS, "none")),
            "first_time",
            "returning",
            "not_remembered",
            "activities",
            "groups",
            "collaborations",
            "source",
        ]
    )
    attendance, day_counts = report.attendance_shown()
    private = report.include_private
    for n, row in enumerate(report.meetings):
        positions = report.shown({p: row.by_position.get(p, 0) for p in (*POSITIONS, "none")})
        writer.writerow(
            [
                row.store,
                row.session,
                row.day,
                row.fiscal_year,
                row.title,
                attendance[n],
                *positions.values(),
                row.first_time if private else "",  # per fiscal year only (the md/html/json)
                row.returning if private else "",
                row.not_remembered if private else "",
                row.activities,
                row.groups,
                row.collaborations,
                "meeting",
            ]
        )
    for n, day in enumerate(report.days):  # activity days: counted in the participants too
        name = report.names.get(day.activity, day.activity)
        blank = [""] * (len(POSITIONS) + 1 + 6)
        writer.writerow(
            ["", day.id, day.on, fiscal_year(day.on), name, day_counts[n], *blank, "activity_day"]
        )
    return buffer.getvalue()


def _meeting_dicts(report: Report) -> list[dict[str, Any]]:
    attendance, _days = report.attendance_shown()
    rows = []
    for n, row in enumerate(report.meetings):
        data = asdict(row)
        if not report.include_private:
            data["attendance"] = attendance[n]
            data["by_position"] = report.shown(row.by_position)
            for key in ("first_time", "returning", "not_remembered"):
                data.pop(key)  # per fiscal year only
        rows.append(data)
    return rows


def _community_json(report: Report) -> dict[str, Any]:
    _meetings, day_counts = report.attendance_shown()
    days = []
    for n, day in enumerate(report.days):
        item = asdict(day)
        item["count"] = day_counts[n]
        item["activity_name"] = report.names.get(day.activity, day.activity)
        days.append(item)
    return {
        "participants_sources": report.sources(),
        "first_time_by_fiscal_year": {
            str(year): report.shown(counts) for year, counts in report.first_time_by_year().items()
        },
        "activities_by_kind": {str(k): v for k, v in report.kinds_by_year().items()},
        "activity_days": days,
        "stories": [asdict(story) for story in report.stories],
        "help_wanted": report.help_counts(),
    }


def chart_svg(report: Report) -> str:
    """The four figures per fiscal year, as grouped bars (inline SVG, no script)."""
    years = report.by_year()
    colours = ("#6a8f95", "#c9a66b", "#9cc59a", "#8f7fb0")
    width, height, pad = 640, 260, 40
    peak = max([v for figures in years.values() for v in figures.values()] + [1])
    slot = (width - 2 * pad) / max(len(years), 1)
    bar = slot / (len(FIGURES) + 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}" '
        f'role="img" aria-label="{html.escape(t("report.by_year"))}">'
    ]
    parts.append(
        f'<line x1="{pad}" y1="{height}" x2="{width - pad}" y2="{height}" stroke="#888" />'
    )
    for i, (year, figures) in enumerate(years.items()):
        x0 = pad + i * slot
        for j, key in enumerate(FIGURES):
            value = figures[key]
            h = (height - pad) * value / peak
            parts.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{height - h:.1f}" width="{bar - 2:.1f}" '
                f'height="{h:.1f}" fill="{colours[j]}"><title>'
                f"{html.escape(t(f'report.{key}'))}: {value}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + slot / 2:.1f}" y="{height + 16}" font-size="12" '
            f'text-anchor="middle">{html.escape(t("report.fy", year=year))}</text>'
        )
    for j, key in enumerate(FIGURES):
        parts.append(
            f'<rect x="{pad + j * 150}" y="{height + 26}" width="10" height="10" '
            f'fill="{colours[j]}" /><text x="{pad + j * 150 + 14}" y="{height + 35}" '
            f'font-size="11">{html.escape(t(f"report.{key}"))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def network_svg(report: Report) -> str:
    """Groups (circles) and activities (squares) on a circle, joined by a line for each
    collaboration and each connection story between them (private stories only in a private
    report), and by a thin dashed line from an activity to the groups that run it."""
    known = {g.id: g for g in report.known_groups}
    known.update({a.id: a for a in report.known_activities})
    edges: Counter[tuple[str, str]] = Counter()
    dashed: set[tuple[str, str]] = set()

    def join(members: Sequence[str], into: Counter | set) -> None:
        members = [m for m in dict.fromkeys(members) if m in known]
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                pair = tuple(sorted((members[a], members[b])))
                if isinstance(into, Counter):
                    into[pair] += 1
                else:
                    into.add(pair)

    for item in report.collaborations:
        join([*item.groups, *([item.activity] if item.activity else [])], edges)
    for story in report.stories:
        join(story.entries, edges)
    for activity in report.activities:
        for group in activity.groups:
            join([activity.id, group], dashed)
    linked = {node for pair in (*edges, *dashed) for node in pair}
    ids = list(dict.fromkeys([*(g.id for g in report.groups), *(a.id for a in report.activities)]))
    ids += [node for node in known if node in linked and node not in ids]
    size, radius = 520, 190
    centre = size / 2
    place = {
        node: (
            centre + radius * math.cos(2 * math.pi * k / max(len(ids), 1) - math.pi / 2),
            centre + radius * math.sin(2 * math.pi * k / max(len(ids), 1) - math.pi / 2),
        )
        for k, node in enumerate(ids)
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'role="img" aria-label="{html.escape(t("report.network"))}">'
    ]
    for a, b in sorted(dashed - set(edges)):
        (x1, y1), (x2, y2) = place[a], place[b]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="#9aa" stroke-width="1" stroke-dasharray="4 3" />'
        )
    for (a, b), count in edges.items():
        (x1, y1), (x2, y2) = place[a], place[b]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#c9a66b" stroke-width="{1 + count}" />'
        )
    for node, (x, y) in place.items():
        record = known[node]
        if isinstance(record, Activity):
            shape = (
                f'<rect x="{x - 7:.1f}" y="{y - 7:.1f}" width="14" height="14" fill="#9cc59a">'
                f"<title>{html.escape(kind_title(record.kind))}</title></rect>"
            )
        else:
            shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="#6a8f95" />'
        parts.append(
            f'{shape}<text x="{x:.1f}" y="{y - 12:.1f}" font-size="12" text-anchor="middle">'
            f"{html.escape(record.name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def kinds_svg(report: Report) -> str:
    """Activities going on per fiscal year, stacked by kind (the variety of places)."""
    years = report.kinds_by_year()
    kinds = [k for k in _kind_order(report) if any(k in c for c in years.values())]
    colours = ("#6a8f95", "#c9a66b", "#9cc59a", "#8f7fb0", "#d08c8c", "#7fa7c9", "#b5b56a")
    width, height, pad = 640, 240, 40
    peak = max([sum(c.values()) for c in years.values()] + [1])
    slot = (width - 2 * pad) / max(len(years), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height + 30 + 16 * ((len(kinds) + 3) // 4)}" '
        f'role="img" aria-label="{html.escape(t("report.kinds"))}">',
        f'<line x1="{pad}" y1="{height}" x2="{width - pad}" y2="{height}" stroke="#888" />',
    ]
    for i, (year, counts) in enumerate(years.items()):
        x0, top = pad + i * slot + slot * 0.2, float(height)
        for j, kind in enumerate(kinds):
            value = counts.get(kind, 0)
            if not value:
                continue
            h = (height - pad) * value / peak
            top -= h
            parts.append(
                f'<rect x="{x0:.1f}" y="{top:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" '
                f'fill="{colours[j % len(colours)]}"><title>'
                f"{html.escape(kind_title(kind))}: {value}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + slot * 0.3:.1f}" y="{height + 16}" font-size="12" '
            f'text-anchor="middle">{html.escape(t("report.fy", year=year))}</text>'
        )
    for j, kind in enumerate(kinds):
        x, y = pad + (j % 4) * 150, height + 28 + 16 * (j // 4)
        parts.append(
            f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colours[j % len(colours)]}" />'
            f'<text x="{x + 14}" y="{y + 9}" font-size="11">{html.escape(kind_title(kind))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def to_html(report: Report) -> str:
    from .minutes import to_html as page

    charts = (
        f"<h2>{html.escape(t('report.chart'))}</h2>\n{chart_svg(report)}\n"
        f"<h2>{html.escape(t('report.network'))}</h2>\n{network_svg(report)}\n"
        f"<h2>{html.escape(t('report.kinds'))}</h2>\n{kinds_svg(report)}\n"
    )
    document = page(to_markdown(report), t("report.title"))
    return document.replace("</body>", f"{charts}</body>")


def bars(report: Report, width: int = 30) -> str:
    """The figures per fiscal year as text bars, for the terminal."""
    years = report.by_year()
    peak = max([v for figures in years.values() for v in figures.values()] + [1])
    lines = []
    for key in FIGURES:
        lines.append(t(f"report.{key}"))
        for year, figures in years.items():
            value = figures[key]
            lines.append(
                f"  {t('report.fy', year=year)}  {'█' * round(width * value / peak)} {value}"
            )
    return "\n".join(lines)


def render(report: Report, fmt: str) -> str:
    return {"md": to_markdown, "html": to_html, "csv": to_csv, "json": to_json}[fmt](report)


def stores_from(values: Iterable[str]) -> list[Path]:
    return [Path(value).expanduser() for value in values]
