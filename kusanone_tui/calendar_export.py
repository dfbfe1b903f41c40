"""`kusanone calendar`: the upcoming meetings of the series, for phones, city calendars and flyers.

An iCalendar file (the ``icalendar`` package; one event per meeting, in the series' time zone,
with the zone's definition included) or a printable Markdown list. Only public fields: the
title with its number, the place, the time, the series' public description. Never a name of a
person, never anything from a session's notes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from .i18n import current_language, t
from .minutes import md_escape
from .model.series import Occurrence, when_text


def meeting_title(occurrence: Occurrence, lang: str | None = None) -> str:
    """「第32回 定例会」."""
    return t("series.numbered", lang=lang, n=occurrence.number, name=occurrence.series.name)


def _uid(occurrence: Occurrence) -> str:
    seed = f"{occurrence.series.id}|{occurrence.key}".encode()
    return f"{hashlib.sha1(seed).hexdigest()[:20]}@kusanone"


def to_ics(occurrences: Sequence[Occurrence], now: datetime | None = None) -> str:
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//kusanone//series calendar//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", t("calendar.name"))
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for occurrence in occurrences:
        zone = ZoneInfo(occurrence.series.tz)
        event = Event()
        event.add("uid", _uid(occurrence))
        event.add("dtstamp", stamp)
        event.add("dtstart", occurrence.start.replace(tzinfo=zone))
        event.add("dtend", occurrence.end.replace(tzinfo=zone))
        event.add("summary", meeting_title(occurrence))
        if occurrence.series.place:
            event.add("location", occurrence.series.place)
        description = occurrence.series.description
        if occurrence.holiday:
            description = "\n".join(
                p for p in (t("calendar.holiday", name=occurrence.holiday), description) if p
            )
        if description:
            event.add("description", description)
        event.add("categories", [occurrence.series.name])
        calendar.add_component(event)
    if occurrences:
        calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")


def to_markdown(occurrences: Sequence[Occurrence]) -> str:
    """A printable list for a flyer: one line per meeting, by date."""
    lang = current_language()
    out = [f"# {t('calendar.name')}", ""]
    if not occurrences:
        return "\n".join([*out, t("calendar.none"), ""])
    for occurrence in sorted(occurrences, key=lambda o: o.start):
        end = occurrence.end.strftime("%H:%M")
        place = f" — {md_escape(occurrence.series.place)}" if occurrence.series.place else ""
        holiday = f"（{md_escape(occurrence.holiday)}）" if occurrence.holiday else ""
        out.append(
            f"- {occurrence.start.year}年 {when_text(occurrence.start, lang)}–{end} "
            if lang == "ja"
            else f"- {occurrence.start.year} {when_text(occurrence.start, lang)}–{end} "
        )
        out[-1] += f"**{md_escape(meeting_title(occurrence))}**{place}{holiday}"
    described = {o.series.id: o.series for o in occurrences if o.series.description}
    if described:
        out.append("")
        for series in described.values():
            out += [f"## {md_escape(series.name)}", "", md_escape(series.description), ""]
    return "\n".join(out).rstrip("\n") + "\n"
