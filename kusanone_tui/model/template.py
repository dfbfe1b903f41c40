"""Meeting templates: the agenda of stages a session is started from.

A template is a TOML document (see ``docs/templates.md``). Parsing is pure: it takes the text and
a name for messages, and returns a :class:`Template` or raises :class:`TemplateError` naming the
file, the line and the problem.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .text import clean_data

#: Stage types the core app runs. Plugins may register more (they are passed as ``extra_types``).
CORE_STAGE_TYPES: tuple[str, ...] = (
    "opening",  # はじめに・グラウンドルール
    "round",  # 近況報告
    "reflecting",  # リフレクティング
    "break",  # 休憩 (ウラの時間)
    "breakout",  # 分科会
    "report_back",  # 分科会の報告
    "closing",  # おわりに
    "free",  # 自由な時間
)

#: The room's themes a template may choose (``theme = "light"``): the projector's colours.
THEMES: tuple[str, ...] = ("light", "dark")

_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_KNOWN_STAGE_KEYS = {"id", "type", "title", "minutes", "rules", "note"}


class TemplateError(ValueError):
    """A template that cannot be used. ``str()`` is one line: ``file:line: problem``."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        self.source, self.line, self.problem = source, line, problem
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True, slots=True)
class Stage:
    """One part of the meeting, with a time box in minutes."""

    id: str
    type: str
    title: Mapping[str, str]
    minutes: float
    rules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "title": dict(self.title),
            "minutes": self.minutes,
        }
        if self.rules:
            out["rules"] = {lang: list(items) for lang, items in self.rules.items()}
        if self.note:
            out["note"] = dict(self.note)
        out.update(self.options)
        return out


@dataclass(frozen=True, slots=True)
class Template:
    """A meeting's agenda: its stages and the planned length."""

    id: str
    title: Mapping[str, str]
    minutes: float
    stages: tuple[Stage, ...]
    description: Mapping[str, str] = field(default_factory=dict)
    theme: str | None = None  # the room's theme: "light" (a lit room) or "dark"

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "title": dict(self.title),
            "minutes": self.minutes,
            "description": dict(self.description),
            "stages": [stage.to_dict() for stage in self.stages],
        }
        if self.theme:
            out["theme"] = self.theme
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], source: str = "<session>") -> Template:
        """Rebuild a template saved in a session (validated like a file).

        Any stage type is accepted: the session was checked when it was created, possibly with
        a plugin's stage types, and it must fold the same way even without that plugin (its
        stages then run as plain time boxes).
        """
        stages = raw.get("stages", [])
        types = [s.get("type") for s in stages if isinstance(s, Mapping)]
        plugin_types = [kind for kind in types if isinstance(kind, str)]
        return _build({"template": _meta(raw), "stages": stages}, source, "", plugin_types)


def _meta(raw: Mapping[str, Any]) -> dict[str, Any]:
    meta = {k: raw[k] for k in ("id", "title", "minutes", "description", "theme") if k in raw}
    if not meta.get("description"):  # to_dict() writes {} for a template without one
        meta.pop("description", None)
    return meta


def _stage_lines(text: str) -> list[int]:
    """Line numbers (1-based) of each ``[[stages]]`` header, to point errors at a stage."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip().replace(" ", "").startswith("[[stages]]")
    ]


def _key_line(text: str, key: str, start: int = 1, end: int | None = None) -> int | None:
    """The first line at or after ``start`` (and before ``end``) that sets ``key``."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*[.=]")
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and (end is None or number < end) and pattern.match(line):
            return number
    return None


_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\]\]?\s*(?:#.*)?$")


def _table_span(text: str, name: str) -> tuple[int | None, int | None]:
    """The header line of table ``[name]`` and the line of the next table header after it."""
    start = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if match and start is not None:
            return start, number
        if match and match.group(1) == name and not line.strip().startswith("[["):
            start = number
    return start, None


def _next_header(text: str, line: int | None) -> int | None:
    """The first table header after ``line``: where a ``[[stages]]`` entry's keys end."""
    if line is None:
        return None
    for number, row in enumerate(text.splitlines(), start=1):
        if number > line and _HEADER.match(row):
            return number
    return None


def _plain(value: Any) -> bool:
    """Whether a session file (JSON) can hold ``value``: TOML dates and times it cannot."""
    if isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, Mapping):
        return all(_plain(item) for item in value.values())
    return False


def _texts(value: Any, what: str) -> dict[str, str]:
    """A title in one or more languages: ``"定例会"`` or ``{ja = "定例会", en = "..."}``."""
    if isinstance(value, str) and value.strip():
        return {"ja": value}
    if (
        isinstance(value, Mapping)
        and value
        and all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items())
    ):
        return dict(value)
    raise ValueError(f"{what} must be text, or a table of texts by language (ja, en)")


def _rules(value: Any) -> dict[str, tuple[str, ...]]:
    if isinstance(value, list):
        value = {"ja": value}
    if not isinstance(value, Mapping) or not all(
        isinstance(items, list) and all(isinstance(i, str) for i in items)
        for items in value.values()
    ):
        raise ValueError("rules must be a list of texts, or lists by language (ja, en)")
    return {lang: tuple(items) for lang, items in value.items()}


def _minutes(value: Any, what: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{what} must be a positive number of minutes, not {value!r}")
    return float(value)


def parse_template(
    text: str,
    source: str = "<template>",
    extra_types: Iterable[str] = (),
    parse: Callable[[str], dict[str, Any]] | None = None,
) -> Template:
    """Parse and check a template's TOML text.

    ``source`` names the file in messages; ``extra_types`` are stage types added by plugins;
    ``parse`` reads the TOML (a cached reader for the templates that ship with kusanone).
    """
    if parse is None:
        import tomllib

        parse = tomllib.loads
    try:
        raw = parse(text)
    except ValueError as error:
        # a TOML error (tomllib is imported once one was raised: a cached parse may not need it)
        tomllib = sys.modules.get("tomllib")
        if tomllib is None or not isinstance(error, tomllib.TOMLDecodeError):
            raise
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise TemplateError(source, int(match.group(1)) if match else None, problem) from None
    return _build(raw, source, text, extra_types)


def _build(
    raw: Mapping[str, Any], source: str, text: str, extra_types: Iterable[str] = ()
) -> Template:
    known_types = set(CORE_STAGE_TYPES) | set(extra_types)
    raw = clean_data(raw)  # a template's texts reach the projector: no terminal control
    meta = raw.get("template")
    if not isinstance(meta, Mapping):
        raise TemplateError(source, 1, "missing the [template] table (id, title, minutes)")
    meta_start, meta_end = _table_span(text, "template")
    meta_line = meta_start or 1

    def fail(problem: str, line: int | None = None) -> TemplateError:
        return TemplateError(source, line, problem)

    template_id = meta.get("id")
    if not isinstance(template_id, str) or not _ID.match(template_id):
        raise fail(
            "template id must be letters, digits, '-' or '_'",
            _key_line(text, "id", meta_line, meta_end) or meta_line,
        )
    try:
        title = _texts(meta.get("title"), "template title")
        description = _texts(meta["description"], "description") if "description" in meta else {}
    except ValueError as error:
        raise fail(str(error), _key_line(text, "title", meta_line, meta_end) or meta_line) from None

    theme = meta.get("theme")
    if theme is not None and theme not in THEMES:
        raise fail(
            f"theme must be one of {', '.join(THEMES)}, not {theme!r}",
            _key_line(text, "theme", meta_line, meta_end) or meta_line,
        )

    stages_raw = raw.get("stages")
    if not isinstance(stages_raw, list) or not stages_raw:
        raise fail("a template needs at least one [[stages]] entry", meta_line)
    lines = _stage_lines(text)
    stages: list[Stage] = []
    seen: set[str] = set()
    for number, entry in enumerate(stages_raw, start=1):
        line = lines[number - 1] if number - 1 < len(lines) else None
        end = _next_header(text, line)
        label = f"stage {number}"
        if not isinstance(entry, Mapping):
            raise fail(f"{label}: must be a table", line)
        stage_id = entry.get("id")
        if not isinstance(stage_id, str) or not _ID.match(stage_id):
            raise fail(f"{label}: id must be letters, digits, '-' or '_'", line)
        label = f"stage {number} ({stage_id})"
        if stage_id in seen:
            raise fail(f"{label}: the id is used twice", line)
        seen.add(stage_id)
        stage_type = entry.get("type")
        if stage_type not in known_types:
            raise fail(
                f"{label}: unknown stage type {stage_type!r}"
                f" (known: {', '.join(sorted(known_types))})",
                _key_line(text, "type", line or 1, end) or line,
            )
        try:
            stage_title = _texts(entry.get("title"), "title")
            minutes = _minutes(entry.get("minutes"), "minutes")
            rules = _rules(entry["rules"]) if "rules" in entry else {}
            note = _texts(entry["note"], "note") if "note" in entry else {}
        except ValueError as error:
            raise fail(f"{label}: {error}", line) from None
        options = {k: v for k, v in entry.items() if k not in _KNOWN_STAGE_KEYS}
        for key, value in options.items():
            if not _plain(value):
                raise fail(
                    f"{label}: {key} cannot be a date or time",
                    _key_line(text, key, line or 1, end) or line,
                )
        stages.append(Stage(stage_id, str(stage_type), stage_title, minutes, rules, note, options))

    planned = sum(stage.minutes for stage in stages)
    try:
        total = _minutes(meta.get("minutes", planned), "template minutes")
    except ValueError as error:
        raise fail(
            str(error), _key_line(text, "minutes", meta_line, meta_end) or meta_line
        ) from None
    if planned > total + 1e-9:
        raise fail(
            f"the stages add up to {planned:g} minutes, more than the planned {total:g}",
            _key_line(text, "minutes", meta_line, meta_end) or meta_line,
        )
    return Template(template_id, title, total, tuple(stages), description, theme)
