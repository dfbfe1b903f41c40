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
from .store.registry import Activity, Collaboration, Group, Registry
from .store.session import SessionLog
from .store.sessions import COMMUNITY_FILE, SessionStore, os_reason

FIGURES = ("activities", "groups", "collaborations", "participants")


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

    def totals(self) -> dict[str, int]:
        return {
            "activities": len(self.activities),
            "groups": len(self.groups),
            "collaborations": len(self.collaborations),
            "participants": sum(row.attendance for row in self.meetings),
        }

    def by_year(self) -> dict[int, dict[str, int]]:
        years: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
        for row in self.meetings:
            years[row.fiscal_year]["participants"] += row.attendance
        dated = [
            *(("activities", a.born_on) for a in self.activities),
            *(("collaborations", c.on) for c in self.collaborations),
            *(("groups", _day(g.created_at)) for g in self.groups),
        ]
        for key, when in dated:
            if when:
                years[fiscal_year(when)][key] += 1
        return dict(sorted(years.items()))

    def positions(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for row in self.meetings:
            total.update(row.by_position)
        return dict(total)


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
    stores: Sequence[Path], since: str | None = None, until: str | None = None, host=None
) -> Report:
    """The report over every session in ``stores`` whose date is within the period."""
    since, until = _check_date(since), _check_date(until)
    report = Report(since, until)
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
                log = SessionLog.open(info.path)
            except (OSError, UnicodeDecodeError) as error:
                report.unreadable.append((info.path, _reason(error)))
                continue
            try:
                state = log.state()
            finally:
                log.close()
            day = _day(state.meeting_started_at or state.created_at)
            sessions.append((label, log.session_id, state, day))
        registry_path = root / COMMUNITY_FILE
        if registry_path.is_dir() or (registry_path.exists() and not registry_path.is_file()):
            report.unreadable.append((registry_path, t("store.not_regular")))  # never opened
        elif registry_path.exists() or registry_path.is_symlink():
            try:
                registries.append((label, Registry(registry_path)))
            except (OSError, UnicodeDecodeError) as error:
                report.unreadable.append((registry_path, _reason(error)))
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
            if until is None or _day(group.created_at) <= until:
                report.groups.append(group)  # groups taking part, known by the period's end
        for item in registry.collaborations():
            collaborations_by_session[item.session or ""] += 1
            if _in(item.on, since, until):
                report.collaborations.append(item)
    for label, session_id, state, day in sorted(sessions, key=lambda s: s[3]):
        remembered = [p.name for p in state.participants.values() if p.minutes_name and p.name]
        first = [name for name in remembered if name not in seen[label]]
        seen[label].update(remembered)
        if not _in(day, since, until):
            continue
        positions = Counter(
            p.position if p.position in POSITIONS else "none" for p in state.participants.values()
        )
        report.meetings.append(
            MeetingRow(
                label,
                session_id,
                day,
                fiscal_year(day),
                state.title,
                len(state.participants),
                dict(positions),
                len(first),
                len(remembered) - len(first),
                len(state.participants) - len(remembered),
                activities_by_session[session_id],
                groups_by_session[session_id],
                collaborations_by_session[session_id],
            )
        )
    if host is not None:
        report.extra = _plugin_figures(host, report, sessions, since, until)
    return report


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
    positions = report.positions()
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
                out.append(f"| {label} | {positions[key]} |")
    out += [
        "",
        f"## {t('report.per_meeting')}",
        "",
        f"| {t('report.date')} | {t('report.meeting')} | {t('report.attendance_short')} | "
        f"{t('report.first_time')} | {t('report.returning')} | {t('report.activities')} | "
        f"{t('report.groups_new')} | {t('report.collaborations')} |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report.meetings:
        title = md_escape(row.title)  # a title is people's text; "|" is escaped too
        out.append(
            f"| {row.day} | {title} | {row.attendance} | {row.first_time} | "
            f"{row.returning} | {row.activities} | {row.groups} | {row.collaborations} |"
        )
    out += ["", f"> {t('report.note')}"]
    if report.extra:
        out += ["", f"## {t('report.plugins')}", ""]
        out += [f"- {md_escape(title)}: {md_escape(value)}" for title, value in report.extra]
    return "\n".join(out) + "\n"


def to_json(report: Report) -> str:
    data = {
        "since": report.since,
        "until": report.until,
        "totals": report.totals(),
        "by_fiscal_year": {str(k): v for k, v in report.by_year().items()},
        "attendance_by_position": report.positions(),
        "meetings": [asdict(row) for row in report.meetings],
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
        ]
    )
    for row in report.meetings:
        writer.writerow(
            [
                row.store,
                row.session,
                row.day,
                row.fiscal_year,
                row.title,
                row.attendance,
                *(row.by_position.get(p, 0) for p in (*POSITIONS, "none")),
                row.first_time,
                row.returning,
                row.not_remembered,
                row.activities,
                row.groups,
                row.collaborations,
            ]
        )
    return buffer.getvalue()


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
    """Groups on a circle, joined by a line for each collaboration between them."""
    groups = {g.id: g for g in report.groups}
    ids = list(groups)
    size, radius = 420, 150
    centre = size / 2
    place = {
        gid: (
            centre + radius * math.cos(2 * math.pi * k / max(len(ids), 1) - math.pi / 2),
            centre + radius * math.sin(2 * math.pi * k / max(len(ids), 1) - math.pi / 2),
        )
        for k, gid in enumerate(ids)
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'role="img" aria-label="{html.escape(t("report.network"))}">'
    ]
    links: Counter[tuple[str, str]] = Counter()
    for item in report.collaborations:
        members = [g for g in item.groups if g in place]
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                links[tuple(sorted((members[a], members[b])))] += 1
    for (a, b), count in links.items():
        (x1, y1), (x2, y2) = place[a], place[b]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#c9a66b" stroke-width="{1 + count}" />'
        )
    for gid, (x, y) in place.items():
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="#6a8f95" />'
            f'<text x="{x:.1f}" y="{y - 12:.1f}" font-size="12" text-anchor="middle">'
            f"{html.escape(groups[gid].name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def to_html(report: Report) -> str:
    from .minutes import to_html as page

    charts = (
        f"<h2>{html.escape(t('report.chart'))}</h2>\n{chart_svg(report)}\n"
        f"<h2>{html.escape(t('report.network'))}</h2>\n{network_svg(report)}\n"
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
