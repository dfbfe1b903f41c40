"""The closing record (閉会の記録): what a meeting leaves behind, recorded in a few keys.

The head-count (everyone in the room, also those never entered in the app: 「ほかに 3人」), the
organisations that took part (picked from the community registry, or added to it on the spot),
a short public summary and, on a course's last evening, how many completed it (a count only).
It is one ``closing.recorded`` event in the session log, written from the facilitator's
screen or afterwards with ``kusanone close``; a later record replaces an earlier one. The
community report counts from it (see ``report.py``). No Textual here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .i18n import t
from .model.events import Actor, Event
from .model.text import clean_text
from .store.registry import Registry
from .store.session import SessionLog

KIND = "closing.recorded"
#: A summary is short: it goes on the minutes' first page and into the report.
SUMMARY_LIMIT = 400
COUNT_LIMIT = 100_000


class ClosingError(ValueError):
    """Input the closing record cannot take; ``str()`` is one line for the user."""


@dataclass(frozen=True, slots=True)
class ClosingInput:
    """What the facilitator typed: ``others`` are people in the room never entered."""

    others: int = 0
    organisations: tuple[str, ...] = ()
    summary: str = ""
    completed: int | None = None
    count: int | None = None  # the whole head-count, when given instead of ``others``


def parse_count(raw: object, what: str) -> int:
    """A non-negative whole number from the user, or :class:`ClosingError`."""
    text = str(raw).strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not text:
        return 0
    if not text.isdigit() or int(text) > COUNT_LIMIT:
        raise ClosingError(t("closing.bad_count", what=what, value=clean_text(str(raw))[:20]))
    return int(text)


def record_closing(
    log: SessionLog,
    given: ClosingInput,
    registry: Registry | None,
    actor: Actor | None = None,
) -> Event:
    """Append the closing record; organisations not yet in ``registry`` are added to it."""
    state = log.state()
    entered = len(state.participants)
    if given.count is not None:
        if given.count < 0 or given.count > COUNT_LIMIT:
            raise ClosingError(t("closing.bad_count", what="--count", value=given.count))
        count, others = given.count, max(0, given.count - entered)
    else:
        if given.others < 0 or given.others > COUNT_LIMIT:
            raise ClosingError(t("closing.bad_count", what="others", value=given.others))
        count, others = entered + given.others, given.others
    summary = clean_text(given.summary, multiline=True).strip()
    if len(summary) > SUMMARY_LIMIT:
        raise ClosingError(t("closing.too_long", limit=SUMMARY_LIMIT))
    organisations = []
    for name in _names(given.organisations):
        group = None
        if registry is not None:
            group = registry.add_group(name, "organisation", session=log.session_id)
        organisations.append({"id": group.id if group else "", "name": name})
    data: dict = {
        "count": count,
        "others": others,
        "organisations": organisations,
        "summary": summary,
    }
    if given.completed is not None:
        data["completed"] = given.completed
    return log.append(KIND, data, actor=actor or Actor("facilitator"))


def _names(names: Iterable[str]) -> list[str]:
    out = []
    for name in names:
        cleaned = clean_text(str(name)).strip()
        if cleaned and cleaned not in out:
            out.append(cleaned)
    return out
