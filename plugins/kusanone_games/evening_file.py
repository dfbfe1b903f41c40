"""The evening file: who comes, what they wish, which games (TOML or JSON; docs/games.md).

```toml
rounds = 3
catalogue = "sample"            # or "my_games.csv" / "my_games.toml", next to this file

[[attendee]]
name = "さくら"
newcomer = true
wishes = ["ito（イト）", "ドブル"]
```

A mistake is one line naming the file and the line: ``evening.toml:12: rest must be …``.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .catalogue import (
    FieldError,
    FileError,
    Game,
    check_unique,
    field_line,
    game_from_mapping,
    header_lines,
    line_of,
    load_catalogue,
    normalise,
    sample_catalogue,
    toml_error_line,
)
from .model import Attendee, Evening, Weights

ATTENDEE_KEYS = {
    "name",
    "newcomer",
    "supporter",
    "teaches",
    "buddies",
    "not_with",
    "rest",
    "quiet",
    "leaves_after",
    "wishes",
}
TOP_KEYS = {
    "title",
    "rounds",
    "catalogue",
    "game",
    "games",
    "attendee",
    "attendees",
    "met_before",
    "weights",
}


def _names(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FieldError(f"{key} must be a list of names", key)
    return tuple(v.strip() for v in value)


def _rounds(value: Any, key: str) -> tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value
    ):
        raise FieldError(f"{key} must be round numbers, like [2] or [1, 3]", key)
    return tuple(sorted(set(value)))


def _flag(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"{key} must be true or false", key)
    return value


def attendee_from_mapping(raw: Mapping[str, Any]) -> Attendee:
    """A checked ``Attendee`` from a table (``ValueError`` says what is wrong)."""
    if not isinstance(raw, Mapping):
        raise ValueError("an attendee must be a table")
    unknown = sorted(set(raw) - ATTENDEE_KEYS)
    if unknown:
        known = ", ".join(sorted(ATTENDEE_KEYS))
        raise FieldError(f"unknown key {unknown[0]!r} (known: {known})", unknown[0])
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise FieldError("an attendee needs a name", "name")
    name = name.strip()
    try:
        leaves = raw.get("leaves_after")
        if leaves is not None and (
            not isinstance(leaves, int) or isinstance(leaves, bool) or leaves < 1
        ):
            raise FieldError("leaves_after must be a round number, like 2", "leaves_after")
        return Attendee(
            name=name,
            newcomer=_flag(raw.get("newcomer", False), "newcomer"),
            supporter=_flag(raw.get("supporter", False), "supporter"),
            teaches=_names(raw.get("teaches", []), "teaches"),
            buddies=_names(raw.get("buddies", []), "buddies"),
            not_with=_names(raw.get("not_with", []), "not_with"),
            rest=_rounds(raw.get("rest", []), "rest"),
            quiet=_rounds(raw.get("quiet", []), "quiet"),
            leaves_after=leaves,
            wishes=_names(raw.get("wishes", []), "wishes"),
        )
    except FieldError as error:
        raise FieldError(f"{name}: {error}", error.key) from None


def _weights(raw: Any) -> Weights:
    if not isinstance(raw, Mapping):
        raise ValueError("[weights] must be a table")
    known = Weights().to_dict()
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValueError(f"unknown weight {unknown[0]!r} (known: {', '.join(sorted(known))})")
    values = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"weight {key} must be a number of 0 or more")
        values[key] = float(value)
    return Weights(**values)


class EveningFile:
    """A parsed evening file: the ``Evening`` (rounds from the file, or 3) and its title."""

    def __init__(
        self,
        evening: Evening,
        title: str = "",
        rounds_given: bool = False,
        met_before: list[tuple[str, str]] | None = None,
    ) -> None:
        self.evening = evening
        self.title = title
        self.rounds_given = rounds_given
        self.met_before = met_before or []  # every pair named, listed in the file or not


def load_evening(path: str | Path) -> EveningFile:
    """Read an evening file (``.toml`` or ``.json``); ``FileError`` on any mistake."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise FileError(source, "no such file") from None
    except UnicodeDecodeError:
        raise FileError(source, "not UTF-8 text") from None
    except OSError as error:
        raise FileError(source, error.strerror or str(error)) from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise FileError(source, error.msg, error.lineno) from None
        toml = False
    elif suffix == ".toml":
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            message, line = toml_error_line(error, text)
            raise FileError(source, message, line) from None
        toml = True
    else:
        raise FileError(source, "an evening file is a .toml or .json file")
    if not isinstance(raw, dict):
        raise FileError(source, "the file must hold a table of settings")
    return parse_evening(raw, text, source, path.parent, toml)


def parse_evening(
    raw: Mapping[str, Any], text: str, source: str, folder: Path, toml: bool = True
) -> EveningFile:
    def fail(message: str, key: str | None = None, line: int | None = None) -> FileError:
        if line is None and key is not None:
            line = line_of(text, f'"{key}"') if not toml else _key_line(text, key)
        return FileError(source, message, line)

    unknown = sorted(set(raw) - TOP_KEYS)
    if unknown:
        raise fail(
            f"unknown setting {unknown[0]!r} (known: {', '.join(sorted(TOP_KEYS))})", unknown[0]
        )
    title = raw.get("title", "")
    if not isinstance(title, str):
        raise fail("title must be text", "title")
    rounds = raw.get("rounds", 3)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= 20:
        raise fail("rounds must be a whole number from 1 to 20", "rounds")

    # The games: a catalogue file (or the sample), and games written in this file.
    games: list[Game] = []
    catalogue = raw.get("catalogue")
    inline_key = "game" if "game" in raw else "games"
    if catalogue is None and inline_key not in raw:
        catalogue = "sample"
    if catalogue is not None:
        if not isinstance(catalogue, str) or not catalogue.strip():
            raise fail('catalogue must be "sample" or a file name', "catalogue")
        if catalogue.strip() == "sample":
            games.extend(sample_catalogue())
        else:
            games.extend(load_catalogue(folder / Path(catalogue).expanduser()))
    if inline_key in raw:
        items = raw[inline_key]
        if not isinstance(items, list):
            raise fail(f"{inline_key} must be a list of games", inline_key)
        lines = header_lines(text, inline_key) if toml else []
        for index, item in enumerate(items):
            line = lines[index] if index < len(lines) else None
            try:
                if not isinstance(item, Mapping):
                    raise ValueError(f"game {index + 1} must be a table")
                game = game_from_mapping(item)
            except ValueError as error:
                if line is None and isinstance(item, Mapping) and item.get("name"):
                    line = line_of(text, json.dumps(str(item["name"]), ensure_ascii=False))
                raise fail(str(error), line=field_line(text, error, line)) from None
            games = [g for g in games if normalise(g.name) != normalise(game.name)]
            games.append(game)
    try:
        games = check_unique(games)
    except ValueError as error:
        raise fail(str(error)) from None
    if not games:
        raise fail("no games: add [[game]] tables or a catalogue")
    known_games = {normalise(name) for g in games for name in (g.name, g.en) if name}

    # The people.
    people_key = "attendee" if "attendee" in raw else "attendees"
    items = raw.get(people_key)
    if not isinstance(items, list) or not items:
        raise fail(
            "no attendees: add [[attendee]] tables"
            " (`kusanone games sample --evening` prints a whole evening file to start from)",
            people_key,
        )
    lines = header_lines(text, people_key) if toml else []
    attendees: list[Attendee] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else None
        if line is None and isinstance(item, Mapping) and isinstance(item.get("name"), str):
            line = line_of(text, json.dumps(item["name"], ensure_ascii=False))
        try:
            person = attendee_from_mapping(item)
            key = normalise(person.name)
            if key in seen:
                raise FieldError(f"{person.name}: the name is listed twice", "name")
            seen.add(key)
            for field_name in ("wishes", "teaches"):
                for name in getattr(person, field_name):
                    if normalise(name) not in known_games:
                        raise FieldError(
                            f"{person.name}: {field_name}: {name!r} is not in the catalogue",
                            field_name,
                        )
        except ValueError as error:
            raise fail(str(error), line=field_line(text, error, line)) from None
        attendees.append(person)

    met: dict[frozenset[str], int] = {}
    named: list[tuple[str, str]] = []
    pairs = raw.get("met_before", [])
    if not isinstance(pairs, list):
        raise fail("met_before must be a list of pairs of names", "met_before")
    for pair in pairs:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(name, str) for name in pair)
        ):
            raise fail('met_before must be pairs of names, like [["A", "B"]]', "met_before")
        named.append((pair[0].strip(), pair[1].strip()))
        ends = [normalise(name) for name in pair]
        if ends[0] in seen and ends[1] in seen and ends[0] != ends[1]:
            key = frozenset(p.name for p in attendees if normalise(p.name) in ends)
            met[key] = met.get(key, 0) + 1

    try:
        weights = _weights(raw.get("weights", {}))
    except ValueError as error:
        raise fail(str(error), "weights") from None
    evening = Evening(games, attendees, rounds=rounds, met=met, weights=weights)
    return EveningFile(evening, title, "rounds" in raw, named)


def _key_line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(key) and stripped[len(key) :].lstrip()[:1] in ("=", "."):
            return number
        if stripped.startswith(f"[{key}]") or stripped.startswith(f"[[{key}]]"):
            return number
    return None
