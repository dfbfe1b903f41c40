"""The games on the shelf: name, players, play time, weight and copies.

A catalogue is read from CSV (a header row ``name,min_players,max_players,minutes,weight,copies``)
or TOML (``[[game]]`` tables). A mistake in a file is reported as one line that names the file
and the line: ``games.csv:4: max_players (2) is less than min_players (3)``.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

SAMPLE = "sample_games.toml"


class FileError(ValueError):
    """A mistake in a file, as one line: ``path:line: what is wrong``."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Game:
    """One game on the shelf. ``weight`` is its complexity, 1 (light) to 5 (heavy)."""

    name: str
    min_players: int
    max_players: int
    minutes: int = 30
    weight: float = 1.5
    copies: int = 1
    en: str | None = None  # the English name, if it differs

    def label(self, lang: str = "ja") -> str:
        return self.en if lang == "en" and self.en else self.name

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "min_players": self.min_players,
            "max_players": self.max_players,
            "minutes": self.minutes,
            "weight": self.weight,
            "copies": self.copies,
        }
        if self.en:
            out["en"] = self.en
        return out


def normalise(name: str) -> str:
    """The form names are compared in: NFKC, case-folded, spaces squeezed."""
    return " ".join(unicodedata.normalize("NFKC", str(name)).casefold().split())


def _int(value: Any, key: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{key} must be a whole number, not {value!r}")
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"[0-9]+", value):
            raise ValueError(f"{key} must be a whole number, not {value!r}")
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"{key} must be a whole number, not {value!r}")


def _float(value: Any, key: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{key} must be a number, not {value!r}")
    try:
        return float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number, not {value!r}") from None


_KEYS = {"name", "min_players", "max_players", "players", "minutes", "weight", "copies", "en"}


def game_from_mapping(raw: Mapping[str, Any]) -> Game:
    """A checked ``Game`` from a table or a CSV row; ``ValueError`` says what is wrong."""
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise FieldError(
            f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})", unknown[0]
        )
    name = str(raw.get("name") or "").strip()
    if not name:
        raise ValueError("a game needs a name")
    if "players" in raw:  # players = [2, 4], or players = 4
        players = raw["players"]
        if isinstance(players, list) and len(players) == 2:
            low, high = players
        elif isinstance(players, int | str) and not isinstance(players, bool):
            low = high = players
        else:
            raise FieldError(f"{name}: players must be [min, max]", "players")
        raw = {**raw, "min_players": low, "max_players": high}
    if "min_players" not in raw or "max_players" not in raw:
        raise ValueError(f"{name}: min_players and max_players are needed")
    players_key = "players" if "players" in raw and "min_players" not in raw else None

    def number(key: str, read, default=None):
        try:
            return read(raw[key] if default is None else raw.get(key, default), key)
        except ValueError as error:
            raise FieldError(f"{name}: {error}", players_key or key) from None

    low = number("min_players", _int)
    high = number("max_players", _int)
    minutes = number("minutes", _int, 30)
    weight = number("weight", _float, 1.5)
    copies = number("copies", _int, 1)
    if low < 1:
        raise FieldError(f"{name}: min_players must be at least 1", players_key or "min_players")
    if high < low:
        raise FieldError(
            f"{name}: max_players ({high}) is less than min_players ({low})",
            players_key or "max_players",
        )
    if high > 30:
        raise FieldError(
            f"{name}: max_players ({high}) is more than 30", players_key or "max_players"
        )
    if not 1 <= minutes <= 600:
        raise FieldError(f"{name}: minutes must be between 1 and 600", "minutes")
    if not 1.0 <= weight <= 5.0:
        raise FieldError(f"{name}: weight must be between 1 and 5 (1 = light)", "weight")
    if not 0 <= copies <= 20:
        raise FieldError(f"{name}: copies must be between 0 and 20", "copies")
    en = str(raw["en"]).strip() if raw.get("en") else None
    return Game(name, low, high, minutes, round(weight, 2), copies, en)


def header_lines(text: str, table: str) -> list[int]:
    """The line numbers of each ``[[table]]`` header in TOML text, in order."""
    pattern = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]


def line_of(text: str, needle: str, start: int = 1) -> int | None:
    """The first line at or after ``start`` that holds ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and needle in line:
            return number
    return None


def toml_error_line(error: tomllib.TOMLDecodeError, text: str) -> tuple[str, int | None]:
    """tomllib's message without its position, and the line it names."""
    message = str(error)
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    if found:
        return message[: found.start()].strip(), int(found.group(1))
    if "(at end of document)" in message:
        return message.replace("(at end of document)", "").strip(), len(text.splitlines())
    return message, None


class FieldError(ValueError):
    """A mistake in one key of a table: the message, and the key (to find its line)."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


def field_line(text: str, error: ValueError, start: int | None) -> int | None:
    """The line of the key a ``FieldError`` names, within the table that starts at ``start``;
    else ``start`` itself."""
    if start is None or not isinstance(error, FieldError):
        return start
    end = next(
        (n for n in range(start + 1, len(text.splitlines()) + 1) if _HEADER.match(_line(text, n))),
        None,
    )
    return key_line(text, error.key, start, end) or start


_HEADER = re.compile(r"^\s*\[")


def _line(text: str, number: int) -> str:
    return text.splitlines()[number - 1]


def key_line(text: str, key: str, start: int, end: int | None = None) -> int | None:
    """The line at or after ``start`` (before ``end``) that sets ``key`` (TOML or JSON)."""
    pattern = re.compile(rf'^\s*(?:"{re.escape(key)}"\s*:|{re.escape(key)}\s*[=.])')
    json_pattern = re.compile(rf'"{re.escape(key)}"\s*:')
    for number, line in enumerate(text.splitlines(), start=1):
        if number < start or (end is not None and number >= end):
            continue
        if pattern.match(line) or json_pattern.search(line):
            return number
    return None


def check_unique(games: Iterable[Game]) -> list[Game]:
    seen: dict[str, Game] = {}
    out = []
    for game in games:
        key = normalise(game.name)
        if key in seen:
            raise ValueError(f"the game {game.name!r} is listed twice")
        seen[key] = game
        out.append(game)
    return out


def games_from_toml_list(items: Any, text: str, source: str, table: str = "game") -> list[Game]:
    """Games from a parsed ``[[game]]`` list, errors naming the line of the game's header."""
    if not isinstance(items, list):
        raise FileError(source, f"[[{table}]] must be a list of tables", line_of(text, table))
    lines = header_lines(text, table)
    games: list[Game] = []
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else None
        if not isinstance(item, dict):
            raise FileError(source, f"game {index + 1} must be a table", line)
        try:
            games.append(game_from_mapping(item))
        except ValueError as error:
            raise FileError(source, str(error), field_line(text, error, line)) from None
    try:
        return check_unique(games)
    except ValueError as error:
        name = str(error).split("'")[1] if "'" in str(error) else ""
        lines_named = [n for n in lines if name and line_of(text, name, n)]
        raise FileError(source, str(error), lines_named[-1] if lines_named else None) from None


def parse_toml(text: str, source: str) -> list[Game]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line = toml_error_line(error, text)
        raise FileError(source, message, line) from None
    key = "game" if "game" in raw else "games"
    if key not in raw:
        raise FileError(source, "no [[game]] tables found")
    return games_from_toml_list(raw[key], text, source, key)


def parse_csv(text: str, source: str) -> list[Game]:
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header: list[str] | None = None
    games: list[Game] = []
    for number, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            if "name" not in header:
                raise FileError(source, "the first row must name the columns (name, …)", number)
            continue
        if len(row) > len(header):
            raise FileError(source, f"{len(row)} cells, but {len(header)} columns", number)
        cells = {key: value for key, value in zip(header, row, strict=False) if value.strip()}
        try:
            games.append(game_from_mapping(cells))
        except ValueError as error:
            raise FileError(source, str(error), number) from None
        try:
            check_unique(games)
        except ValueError as error:
            raise FileError(source, str(error), number) from None
    if not games:
        raise FileError(source, "no games found")
    return games


def load_catalogue(path: str | Path) -> list[Game]:
    """Games from a ``.csv`` or ``.toml`` file (``FileError`` names the file and line)."""
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
    if path.suffix.lower() == ".csv":
        return parse_csv(text, source)
    if path.suffix.lower() == ".toml":
        return parse_toml(text, source)
    raise FileError(source, "a catalogue is a .csv or .toml file")


def sample_text() -> str:
    """The sample catalogue's TOML text, as shipped."""
    return resources.files(__package__).joinpath(SAMPLE).read_text("utf-8")


def sample_catalogue() -> list[Game]:
    """About fifteen well-known, gentle games (a starting point: edit your own copy)."""
    return parse_toml(sample_text(), SAMPLE)
