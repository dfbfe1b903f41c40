"""Minutes (議事録): Markdown and printable HTML built from a session's log.

Only what the minutes may hold: public and minutes-only notes; names only of people who agreed to
be named in the minutes (others are 参加者N, as on the screens); attendance as counts by 立場;
no pass, ever.
Private entries (backstage records, private notes) appear only when asked for, in a section of
their own that says so on every line.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from dataclasses import dataclass

from .i18n import pick, t
from .model.backstage import record_kind
from .model.breakout import SUMMARY_TAG
from .model.reflecting import PHASES
from .model.state import POSITIONS, MeetingState, Note
from .model.views import participant_label

PRIVATE_MARK = "🔒"


@dataclass(frozen=True)
class Section:
    """A plugin's section: a heading and its Markdown."""

    title: str
    markdown: str


def minutes_labels(state: MeetingState, audience: str = "minutes") -> dict[str, str]:
    """Each person's label: a name where its owner agreed (to the minutes, or for ``public``
    to be shown), else the same 参加者N the screens use, so one person has one label."""
    return {
        person.id: participant_label(state, person, audience, _anonymous)  # type: ignore[arg-type]
        for person in state.participants.values()
    }


def _anonymous(number: int) -> str:
    return t("people.anonymous", n=number)


def _clock(at: float | None) -> str:
    return time.strftime("%H:%M", time.localtime(at)) if at else "--:--"


# What can start Markdown structure inside a line: links and images ([ ] <), emphasis and code
# (* _ `), raw HTML and autolinks (< >), entities (&), tables (|), strikethrough (~), headings (#)
# and the escape itself. Other punctuation stays as typed, so the Markdown source reads well.
_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>#|&~")


def md_escape(text: object) -> str:
    """People's text for Markdown: shown as written, never read as Markdown or HTML.

    Every character that could start Markdown structure is backslash-escaped, so
    ``![t](http://…)`` stays those characters instead of becoming a remote image, ``<b>`` stays
    text, and ``*`` makes no emphasis. Line breaks become spaces: one entry is one line.
    """
    flat = " ".join(str(text or "").split())
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in flat)


def _line(text: str | None) -> str:
    # One note, one list item: keep the author's words, but not Markdown structure.
    return md_escape(text)


def _series_lines(state: MeetingState) -> list[str]:
    """Under the title: the series and the meeting's number (「定例会 第32回」)."""
    mark = state.series
    if mark is None:
        return []
    name = md_escape(mark.name)
    number = t("series.numbered", n=mark.number, name=name) if mark.number is not None else name
    if mark.evening is not None and mark.evenings:
        number += f"（{t('series.minutes_evening', evening=mark.evening, evenings=mark.evenings)}）"
    return [f"**{t('series.minutes_line')}: {number}**", ""]


def _closing_lines(state: MeetingState) -> list[str]:
    """The closing record (public): head-count, organisations, summary, completion count."""
    closing = state.closing
    if closing is None:
        return []
    count = t("closing.headcount_value", count=closing.count, others=closing.others)
    out = [f"## {t('closing.minutes_title')}", "", f"- {t('closing.headcount')}: {count}"]
    if closing.organisations:
        names = "、".join(md_escape(name) for _, name in closing.organisations)
        out.append(f"- {t('closing.orgs_line')}（{len(closing.organisations)}）: {names}")
    if closing.completed is not None:
        out.append(f"- {t('closing.completed_line')}: {closing.completed}")
    if closing.summary:
        out.append(f"- {t('closing.summary_line')}: {_line(closing.summary)}")
    return [*out, ""]


def minutes_markdown(
    state: MeetingState,
    include_private: bool = False,
    sections: Sequence[Section] = (),
    public_only: bool = False,
) -> str:
    """The minutes of one session, as Markdown.

    ``public_only`` gives the preview the wall may show: public notes only, and each person as
    the room knows them (the facilitator's screen is often the projected one).
    """
    labels = minutes_labels(state, "public" if public_only else "minutes")
    if public_only:
        reach: tuple[str, ...] = ("public",)
        include_private = False
    else:
        reach = ("public", "minutes", "private") if include_private else ("public", "minutes")
    notes = [n for n in state.notes.values() if not n.redacted and n.visibility in reach]
    shared = [n for n in notes if n.visibility != "private"]
    out: list[str] = [f"# {md_escape(state.title) or t('minutes.title')}", ""]
    out += _series_lines(state)
    when = state.meeting_started_at or state.created_at
    out.append(f"- {t('minutes.date')}: {time.strftime('%Y-%m-%d', time.localtime(when or 0))}")
    out.append(f"- {t('minutes.place')}: {md_escape(state.place) or '—'}")
    if state.template is not None:
        out.append(f"- {t('minutes.template')}: {md_escape(pick(state.template.title))}")
    out.append("")

    out += [f"## {t('minutes.attendance')}", ""]
    counts = {p: 0 for p in (*POSITIONS, None)}
    for person in state.participants.values():
        counts[person.position if person.position in POSITIONS else None] += 1
    out.append(f"- {t('minutes.total')}: {len(state.participants)}")
    for position, number in counts.items():
        if number:
            label = t(f"position.{position}") if position else t("minutes.no_position")
            out.append(f"- {label}: {number}")
    out.append("")

    out += _closing_lines(state)

    if state.stage_history and state.template is not None:
        out += [f"## {t('minutes.stages')}", ""]
        for index, started, ended in state.stage_history:
            stage = state.template.stages[index]
            actual = f"{(ended - started) / 60:.0f}" if ended else "—"
            out.append(
                f"- {_clock(started)}–{_clock(ended)} {md_escape(pick(stage.title))}"
                f"（{t('minutes.planned', m=f'{stage.minutes:g}')}・"
                f"{t('minutes.actual', m=actual)}）"
            )
        out.append("")

    def speaker(note: Note) -> str:
        return (
            f"{md_escape(labels[note.participant_id])}: " if note.participant_id in labels else ""
        )

    def stage_type(note: Note) -> str | None:
        if note.stage_index is None or state.template is None:
            return None
        return state.template.stages[note.stage_index].type

    updates = [n for n in shared if stage_type(n) == "round" and not n.group_id]
    if updates:
        out += [f"## {t('minutes.updates')}", ""]
        out += [f"- {speaker(n)}{_line(n.text)}" for n in updates]
        out.append("")

    by_phase = {phase: [n for n in shared if f"phase:{phase}" in n.tags] for phase in PHASES}
    if any(by_phase.values()):
        out += [f"## {t('minutes.reflecting')}", ""]
        for phase, items in by_phase.items():
            if items:
                out += [f"### {t(f'reflecting.{phase}')}", ""]
                out += [f"- {speaker(n)}{_line(n.text)}" for n in items]
                out.append("")

    groups = state.breakout.groups
    if groups:
        out += [f"## {t('minutes.breakouts')}", ""]
        for group in groups.values():
            out.append(f"### {md_escape(pick(group.name))}")
            out.append("")
            if group.topic:
                out += [f"{t('breakout.topic')}: {md_escape(group.topic)}", ""]
            summary = [n for n in shared if n.group_id == group.id and SUMMARY_TAG in n.tags]
            out += [f"- {_line(n.text)}" for n in summary] or [f"- {t('breakout.no_summary')}"]
            out.append("")

    counted = {id(n) for n in updates} | {id(n) for items in by_phase.values() for n in items}
    counted |= {id(n) for n in shared if n.group_id and SUMMARY_TAG in n.tags}
    other = [n for n in shared if id(n) not in counted]
    if other:
        out += [f"## {t('minutes.notes')}", ""]
        out += [f"- {speaker(n)}{_line(n.text)}" for n in other]
        out.append("")

    for section in sections:
        out += [f"## {section.title}", "", section.markdown.strip(), ""]

    private = [n for n in notes if n.visibility == "private"]
    if include_private and private:
        out += [f"## {PRIVATE_MARK} {t('minutes.private')}", ""]
        out += [f"> {t('minutes.private_hint')}", ""]
        for note in private:
            kind = record_kind(note.tags)
            head = f"{t(f'backstage.{kind}')}: " if kind else ""
            people = f"（{'、'.join(map(md_escape, note.people))}）" if note.people else ""
            invited = f" → {md_escape(note.invited_to)}" if note.invited_to else ""
            text = "" if note.text == "・" else _line(note.text)
            out.append(f"- {PRIVATE_MARK} {head}{speaker(note)}{text}{people}{invited}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


CSS = """
body { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif;
       max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.7; color: #222; }
h1 { font-size: 1.6em; border-bottom: 2px solid #6a8f95; padding-bottom: .2em; }
h2 { font-size: 1.25em; margin-top: 1.6em; color: #36595e; }
h3 { font-size: 1.05em; }
ul { padding-left: 1.4em; }
blockquote { margin: 0; padding: .2em 1em; border-left: 4px solid #c9a66b; color: #555; }
table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: .2em .6em; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
"""


def html_page(markdown: str, title: str, lang: str = "ja", css: str = "") -> str:
    """A clean, printable, well-formed single HTML file from Markdown: the one page builder of
    the minutes and of plugins (``PluginAPI.html_page``). ``css`` is added to the house style."""
    from markdown_it import MarkdownIt

    # No raw HTML, and no links or images even from a plugin's Markdown: the page is printed
    # and shared, and must fetch nothing and send no reader anywhere.
    parser = MarkdownIt("commonmark", {"xhtmlOut": True, "html": False}).enable("table")
    body = parser.disable(["image", "link", "autolink"]).render(markdown)
    style = CSS + css
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8" />\n'
        f"<title>{html.escape(title)}</title>\n<style>{style}</style>\n</head>\n"
        f"<body>\n{body}</body>\n</html>\n"
    )


def to_html(markdown: str, title: str, lang: str = "ja") -> str:
    """The minutes as one HTML file (:func:`html_page`)."""
    return html_page(markdown, title, lang)


def plugin_sections(host, state: MeetingState, include_private: bool) -> list[Section]:
    """Each plugin's minutes section, drawn in isolation."""
    sections = []
    for name, section in host.minutes_sections():
        api = host.apis.get(name)
        if api is None:
            continue
        view = api.minutes_view(state, include_private)
        text = host.guard(name, f"minutes {section.name}", section.render, view)
        if text:
            sections.append(Section(pick(section.title), str(text)))
    return sections
