"""Meetings in series: when each meeting of a series falls, and which one comes next (pure).

A series (定例会 every other month, まんまの会 on the fourth Saturday every two months, the
continuing course's four dated evenings) has a first meeting time and either an iCalendar
recurrence rule (``FREQ=MONTHLY;INTERVAL=2;BYDAY=4SA``, read by ``dateutil.rrule``) or a list
of dates (the course's evenings), or both. National holidays of Japan (the ``holidays``
package) are skipped, flagged, or kept, as the series says.

Times are local wall-clock times of the series' time zone (``Asia/Tokyo`` unless it says
otherwise), kept naive here; the calendar export attaches the zone. No I/O: the store passes in
the meetings already held (their dates), and ``now``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from ..i18n import t
from .text import clean_text

#: What to do with a meeting that falls on a national holiday.
HOLIDAY_RULES: tuple[str, ...] = ("skip", "flag", "keep")
DEFAULT_TZ = "Asia/Tokyo"
#: Never look further than this many occurrences ahead (a rule with no end is endless).
MAX_STEPS = 2000
_STAMP = "%Y-%m-%dT%H:%M"
_SLUG = re.compile(r"[^0-9A-Za-z_-]+")


class SeriesError(ValueError):
    """A series that cannot be used; ``str()`` is one line for the user."""


@dataclass(frozen=True, slots=True)
class Series:
    """A meeting series: what is held, where, and its rhythm. Every field is public."""

    id: str
    name: str
    template: str
    place: str = ""
    start: str = ""  # the first meeting, local "YYYY-MM-DDTHH:MM"
    minutes: int = 90
    rrule: str = ""  # e.g. "FREQ=MONTHLY;INTERVAL=2;BYDAY=4SA"; "" for dates only
    dates: tuple[str, ...] = ()  # extra meeting times ("YYYY-MM-DDTHH:MM"), e.g. a course
    templates: tuple[str, ...] = ()  # a course: one template per evening, in order
    holidays: str = "skip"
    first_number: int = 1  # the number the first meeting kept here gets (第32回)
    description: str = ""  # public: for the calendar and the flyer
    tz: str = DEFAULT_TZ
    created_at: float = 0.0

    @property
    def is_course(self) -> bool:
        """A course: a fixed set of evenings, each with its own template."""
        return bool(self.templates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "template": self.template,
            "place": self.place,
            "start": self.start,
            "minutes": self.minutes,
            "rrule": self.rrule,
            "dates": list(self.dates),
            "templates": list(self.templates),
            "holidays": self.holidays,
            "first_number": self.first_number,
            "description": self.description,
            "tz": self.tz,
            "created_at": self.created_at,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Series:
        """A series read back from the store (odd values fall back to defaults)."""

        def text(key: str, default: str = "") -> str:
            value = raw.get(key, default)
            return (
                clean_text(value, multiline=key == "description")
                if isinstance(value, str)
                else default
            )

        def number(key: str, default: int) -> int:
            value = raw.get(key, default)
            return value if isinstance(value, int) and not isinstance(value, bool) else default

        def texts(key: str) -> tuple[str, ...]:
            value = raw.get(key) or ()
            return (
                tuple(clean_text(v) for v in value if isinstance(v, str))
                if isinstance(value, list | tuple)
                else ()
            )

        created = raw.get("created_at")
        return cls(
            id=text("id"),
            name=text("name"),
            template=text("template"),
            place=text("place"),
            start=text("start"),
            minutes=number("minutes", 90),
            rrule=text("rrule"),
            dates=texts("dates"),
            templates=texts("templates"),
            holidays=text("holidays", "skip") if raw.get("holidays") in HOLIDAY_RULES else "skip",
            first_number=number("first_number", 1),
            description=text("description"),
            tz=text("tz", DEFAULT_TZ) or DEFAULT_TZ,
            created_at=float(created) if isinstance(created, int | float) else 0.0,
        )


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One meeting of a series, planned or held."""

    series: Series
    start: datetime  # local, naive
    number: int  # 第N回; a course's evening number
    template: str
    holiday: str | None = None  # the holiday's name when it falls on one (rule "flag"/"keep")
    evening: int | None = None  # a course: 1-based evening
    held: bool = False

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.series.minutes)

    @property
    def key(self) -> str:
        """The meeting's time as stored in its session (``series.starts_at``)."""
        return self.start.strftime(_STAMP)


@dataclass(frozen=True, slots=True)
class Held:
    """A session already made from a series: when it is (or was) and its number."""

    starts_at: str
    number: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


# -- parsing and checking -----------------------------------------------------------------


def parse_when(value: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` or ``YYYY-MM-DDTHH:MM`` (or a date alone: 00:00)."""
    text = value.strip().replace(" ", "T", 1)
    try:
        if len(text) == 10:
            return datetime.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SeriesError(t("series.bad_when", value=value)) from None
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def stamp(moment: datetime) -> str:
    return moment.strftime(_STAMP)


def normalise_rrule(rule: str) -> str:
    """The rule without a leading ``RRULE:``, upper case; checked by ``dateutil``."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    text = text.upper()
    if not text:
        return ""
    if "DTSTART" in text or "\n" in text:
        raise SeriesError(t("series.one_rule"))
    try:
        _rule(text, datetime(2026, 1, 1, 14, 0))
    except (ValueError, TypeError) as error:
        raise SeriesError(f"{t('series.bad_rule', value=rule)} ({error})") from None
    return text


def _rule(text: str, start: datetime):
    from dateutil.rrule import rrulestr

    return rrulestr(text, dtstart=start)


def slug(name: str) -> str:
    """An id from a name, when it is ASCII enough; else empty (the store makes one)."""
    return _SLUG.sub("-", name.strip()).strip("-").lower()[:24]


def check(series: Series) -> Series:
    """``series`` with its rule normalised, or :class:`SeriesError` (one line)."""
    if not series.name.strip():
        raise SeriesError(t("series.no_name"))
    if not series.template.strip():
        raise SeriesError(t("series.no_template"))
    if series.holidays not in HOLIDAY_RULES:
        raise SeriesError(f"holidays: {', '.join(HOLIDAY_RULES)}")
    if not 1 <= series.minutes <= 24 * 60:
        raise SeriesError(t("series.bad_minutes"))
    if series.first_number < 0:
        raise SeriesError(t("series.bad_number"))
    rule = normalise_rrule(series.rrule)
    dates = tuple(stamp(parse_when(d)) for d in series.dates)
    start = stamp(parse_when(series.start)) if series.start else (min(dates) if dates else "")
    if not start:
        raise SeriesError(t("series.no_start"))
    if not rule and not dates:
        dates = (start,)
    return replace(series, rrule=rule, dates=tuple(sorted(set(dates))), start=start)


# -- holidays -----------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _japan(lang: str):
    import holidays

    return holidays.Japan(language="ja" if lang == "ja" else "en_US")


def japan_holiday(day: date, lang: str = "ja") -> str | None:
    """The name of Japan's national holiday on ``day``, or ``None``."""
    return _japan(lang).get(day)


HolidayLookup = Callable[[date], "str | None"]


# -- occurrences --------------------------------------------------------------------------


def _times(series: Series) -> Iterator[datetime]:
    """Every meeting time of the series in order (rule and dates merged), endless if the rule
    is; at most :data:`MAX_STEPS`."""
    extra = sorted(parse_when(d) for d in series.dates)
    rule_times: Iterable[datetime] = ()
    if series.rrule:
        rule_times = _rule(series.rrule, parse_when(series.start))
    seen: set[datetime] = set()
    rule_iter = iter(rule_times)
    pending = next(rule_iter, None)
    steps = 0
    while steps < MAX_STEPS and (pending is not None or extra):
        steps += 1
        if pending is not None and (not extra or pending <= extra[0]):
            moment, pending = pending, next(rule_iter, None)
        else:
            moment = extra.pop(0)
        if moment not in seen:
            seen.add(moment)
            yield moment


def occurrences(
    series: Series,
    held: Iterable[Held] = (),
    holiday: HolidayLookup | None = None,
) -> Iterator[Occurrence]:
    """The series' meetings in time order, numbered; holidays skipped or flagged.

    A meeting already held (a session made for that time) keeps the number it was given; the
    others are numbered on from there. A course's evenings are numbered 1, 2, … in order.
    """
    lookup = holiday or japan_holiday
    done = {h.starts_at: h for h in held}
    number = series.first_number
    evening = 0
    for moment in _times(series):
        name = lookup(moment.date())
        made = done.get(stamp(moment))
        if name and series.holidays == "skip" and made is None:
            continue
        if series.is_course:
            evening += 1
            if evening > len(series.templates):
                return  # a course has as many evenings as it has templates
            template, current = series.templates[evening - 1], evening
        else:
            template, current = series.template, None
            if made is not None and made.number is not None:
                number = made.number
        yield Occurrence(
            series,
            moment,
            current if current is not None else number,
            template,
            name if series.holidays != "skip" else None,
            current,
            made is not None,
        )
        number += 1


def upcoming(
    series: Series,
    now: datetime,
    held: Iterable[Held] = (),
    limit: int = 12,
    until: datetime | None = None,
    holiday: HolidayLookup | None = None,
) -> list[Occurrence]:
    """The meetings still to come: from today on, not yet made into a session."""
    today = datetime(now.year, now.month, now.day)
    out: list[Occurrence] = []
    for occurrence in occurrences(series, held, holiday):
        if until is not None and occurrence.start > until:
            break
        if occurrence.start < today or occurrence.held:
            continue
        out.append(occurrence)
        if len(out) >= limit:
            break
    return out


def next_meeting(
    series: Series,
    now: datetime,
    held: Iterable[Held] = (),
    holiday: HolidayLookup | None = None,
) -> Occurrence | None:
    """The next meeting of the series to prepare, or ``None`` when none is left."""
    found = upcoming(series, now, held, limit=1, holiday=holiday)
    return found[0] if found else None


WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def when_text(moment: datetime, lang: str = "ja") -> str:
    """「1月24日（土）14:00」 / "Sat 24 Jan 14:00"."""
    if lang == "ja":
        return f"{moment.month}月{moment.day}日（{WEEKDAYS_JA[moment.weekday()]}）{moment:%H:%M}"
    return f"{WEEKDAYS_EN[moment.weekday()]} {moment.day} {moment:%b %H:%M}"
