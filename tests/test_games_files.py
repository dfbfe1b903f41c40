"""Game-night files: catalogues (CSV, TOML), evening files (TOML, JSON), the sample catalogue,
and ``kusanone games …`` (run through the plugin's own CliCommand until its entry point is
registered). A mistake in a file is one line naming the file and the line."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pytest

try:
    import kusanone_games
except ImportError:  # the source tree before the package was (re)installed
    sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))
    import kusanone_games

from kusanone_games.catalogue import FileError, load_catalogue, sample_catalogue, sample_text
from kusanone_games.evening_file import ATTENDEE_KEYS, load_evening
from kusanone_games.model import Weights

from kusanone_tui.i18n import set_language
from kusanone_tui.plugin_host import PluginHost


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def one_line(error: pytest.ExceptionInfo[BaseException]) -> str:
    message = str(error.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# -- the sample catalogue ------------------------------------------------------------------------
def test_the_sample_catalogue_is_about_fifteen_gentle_real_games() -> None:
    games = sample_catalogue()
    assert 12 <= len(games) <= 20
    assert len({g.name for g in games}) == len(games)
    for game in games:
        assert 1 <= game.min_players <= game.max_players <= 10
        assert 10 <= game.minutes <= 90
        assert 1.0 <= game.weight <= 2.5  # gentle: nothing heavy
        assert game.copies >= 1 and game.en
    names = {g.en for g in games}
    assert {"Catan", "Dixit", "Codenames", "Ticket to Ride", "ito"} <= names
    catan = next(g for g in games if g.en == "Catan")
    assert (catan.min_players, catan.max_players) == (3, 4)
    assert sum(g.max_players * g.copies for g in games) >= 40  # a 40-person evening fits


# -- catalogues ----------------------------------------------------------------------------------
def test_a_csv_catalogue(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "games.csv",
        "name,min_players,max_players,minutes,weight,copies\n"
        "# my shelf\n"
        "ドブル,2,8,15,1.0,2\n"
        "カタン,3,4,75,2.3,\n",
    )
    games = load_catalogue(path)
    assert [(g.name, g.copies) for g in games] == [("ドブル", 2), ("カタン", 1)]
    assert games[1].minutes == 75 and games[1].weight == 2.3


def test_a_toml_catalogue_with_player_ranges(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "games.toml",
        '[[game]]\nname = "ito"\nplayers = [2, 10]\nminutes = 30\n'
        '[[game]]\nname = "ザ・マインド"\nmin_players = 2\nmax_players = 4\nweight = 1.1\n',
    )
    games = load_catalogue(path)
    assert [(g.name, g.min_players, g.max_players) for g in games] == [
        ("ito", 2, 10),
        ("ザ・マインド", 2, 4),
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "games.csv",
            "name,min_players,max_players\nドブル,2,8\nカタン,4,3\n",
            "games.csv:3: カタン: max_players (3) is less than min_players (4)",
        ),
        (
            "games.csv",
            "name,min_players,max_players\nドブル,2,many\n",
            "games.csv:2: ドブル: max_players must be a whole number",
        ),
        ("games.csv", "name,min_players,max_players\nA,2,4\na,2,4\n", "games.csv:3: the game"),
        (
            "games.toml",
            '[[game]]\nname = "ito"\nplayers = [2, 10]\n\n[[game]]\nname = "x"\nweight = 9\n'
            "players = [2, 4]\n",
            "games.toml:7: x: weight must be between 1 and 5",
        ),
        ("games.toml", '[[game]]\nname = "ito"\nplayers = [2, 10\n', "games.toml:3:"),
        ("games.toml", '[[game]]\nnmae = "ito"\n', "games.toml:2: unknown key 'nmae'"),
        ("games.txt", "ito", "games.txt: a catalogue is a .csv or .toml file"),
    ],
)
def test_a_bad_catalogue_is_one_line_naming_the_file_and_line(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(FileError) as error:
        load_catalogue(path)
    assert one_line(error).startswith(str(tmp_path / expected))


def test_a_missing_catalogue(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="no such file"):
        load_catalogue(tmp_path / "nowhere.csv")


# -- evening files -------------------------------------------------------------------------------
EVENING = """
title = "テストの夜"
rounds = 2
catalogue = "games.csv"
met_before = [["さくら", "ゆう"]]

[[game]]
name = "カタン"
players = [3, 4]
minutes = 75
weight = 2.3

[[attendee]]
name = "みどり"
supporter = true
teaches = ["ドブル"]

[[attendee]]
name = "さくら"
newcomer = true
wishes = ["ドブル", "カタン"]
buddies = ["ゆう"]
not_with = ["れん"]
rest = 2

[[attendee]]
name = "ゆう"
leaves_after = 1
quiet = [1]

[[attendee]]
name = "れん"
"""


def test_an_evening_file_in_toml(tmp_path: Path) -> None:
    write(tmp_path, "games.csv", "name,min_players,max_players\nドブル,2,8\n")
    loaded = load_evening(write(tmp_path, "evening.toml", EVENING))
    night = loaded.evening
    assert loaded.title == "テストの夜" and night.rounds == 2 and loaded.rounds_given
    assert [g.name for g in night.games] == ["ドブル", "カタン"]
    sakura = night.attendees[1]
    assert sakura.newcomer and sakura.rest == (2,) and sakura.not_with == ("れん",)
    assert sakura.wishes == ("ドブル", "カタン")
    assert night.attendees[2].leaves_after == 1 and night.attendees[2].quiet == (1,)
    assert night.met == {frozenset(("さくら", "ゆう")): 1}


def test_an_evening_file_in_json_uses_the_sample_catalogue(tmp_path: Path) -> None:
    document = {
        "rounds": 3,
        "attendees": [{"name": "あ", "wishes": ["Catan"]}, {"name": "い"}, {"name": "う"}],
    }
    path = write(tmp_path, "evening.json", json.dumps(document, ensure_ascii=False))
    night = load_evening(path).evening
    assert len(night.games) == len(sample_catalogue()) and len(night.attendees) == 3


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("e.toml", EVENING.replace("rest = 2", 'rest = "two"'), "e.toml:24: さくら: rest"),
        ("e.toml", EVENING.replace('"ドブル", "カタン"', '"ドブル", "カタソ"'), "e.toml:21:"),
        ("e.toml", EVENING.replace("leaves_after = 1", "leaves_after = 0"), "e.toml:28:"),
        ("e.toml", EVENING.replace('name = "れん"', 'name = "みどり"'), "e.toml:32: みどり"),
        ("e.toml", EVENING.replace("rounds = 2", "rounds = 0"), "e.toml:3: rounds"),
        (
            "e.toml",
            EVENING.replace('[[attendee]]\nname = "れん"', "[[attendee]]\nnam = 1"),
            "e.toml:32: unknown key 'nam'",
        ),
        ("e.toml", EVENING + "\nfoo = 1\n", "e.toml:"),  # TOML syntax: after a table
        ("e.toml", 'rounds = 2\nsurprise = 1\n[[attendee]]\nname = "a"\n', "e.toml:2: unknown"),
        (
            "e.json",
            '{"attendees": [{"name": "a"},\n {"name": "b", "newcomer": "yes"}]}',
            "e.json:2: b: newcomer must be true or false",
        ),
        ("e.json", '{"attendees": [\n{"name": "a"},,]}', "e.json:2:"),
        ("e.json", '{"rounds": 2}', "e.json: no attendees"),
        ("e.yaml", "rounds: 2", "e.yaml: an evening file is a .toml or .json file"),
    ],
)
def test_a_bad_evening_file_is_one_line_naming_the_file_and_line(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    write(tmp_path, "games.csv", "name,min_players,max_players\nドブル,2,8\n")
    path = write(tmp_path, name, text)
    with pytest.raises(FileError) as error:
        load_evening(path)
    assert one_line(error).startswith(str(tmp_path / expected)), str(error.value)


# -- the command line ----------------------------------------------------------------------------
def games_command():
    host = PluginHost(strict=True)
    host.add(kusanone_games)
    [(name, command)] = host.cli_commands()
    assert (name, command.name) == ("games", "games")
    return command


def cli(*argv: str) -> int:
    """``kusanone games …`` through the plugin's CliCommand, as kusanone's parser calls it."""
    command = games_command()
    parser = argparse.ArgumentParser(prog="kusanone games")
    command.configure(parser)
    return command.run(parser.parse_args(list(argv)))


def test_games_plan_prints_tables_reasons_and_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "games.csv", "name,min_players,max_players\nドブル,2,8\n")
    path = write(tmp_path, "evening.toml", EVENING)
    assert cli("plan", str(path), "--seed", "4", "--seconds", "0.2") == 0
    out = capsys.readouterr().out
    assert "テストの夜" in out and "seed 4" in out and "第1回" in out and "第2回" in out
    assert "守れていないルール 0" in out
    assert "ルールを説明できます" in out  # みどり teaches さくら's table
    assert "ひと休み: さくら" in out  # round 2, on the organiser's own printout


def test_games_plan_json_is_stable_for_a_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "games.csv", "name,min_players,max_players\nドブル,2,8\n")
    path = write(tmp_path, "evening.toml", EVENING)
    documents = []
    for _ in range(2):
        assert cli("plan", str(path), "--seed", "9", "--rounds", "3", "--json") == 0
        documents.append(json.loads(capsys.readouterr().out))
    first, again = documents
    assert first["rounds"] == again["rounds"] and first["seed"] == 9
    assert [r["round"] for r in first["rounds"]] == [1, 2, 3]
    assert first["figures"]["unmet_hard_rules"] == 0
    tables = first["rounds"][0]["tables"]
    assert sorted(p for t in tables for p in t["players"]) == sorted(
        ["みどり", "さくら", "ゆう", "れん"]
    )


def test_games_plan_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_language("en")
    path = write(tmp_path, "evening.json", '{"attendees": [{"name": "a"}, {"name": "b"}]}')
    assert cli("plan", str(path), "--seed", "1", "--seconds", "0.1") == 0
    out = capsys.readouterr().out
    assert "Round 1" in out and "Unmet hard rules 0" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("--rounds", "0"), "--rounds must be from 1 to 20"),
        (("--seconds", "0"), "--seconds must be from 0.05 to 600"),
    ],
)
def test_games_plan_rejects_bad_options_in_one_line(
    tmp_path: Path, argv: tuple[str, ...], expected: str
) -> None:
    path = write(tmp_path, "evening.json", '{"attendees": [{"name": "a"}]}')
    with pytest.raises(ValueError) as error:
        cli("plan", str(path), *argv)
    assert one_line(error) == expected


def test_games_plan_with_a_bad_file_raises_one_line_value_error(tmp_path: Path) -> None:
    path = write(tmp_path, "evening.toml", "rounds = 3\n[[attendee]]\nname = 3\n")
    with pytest.raises(ValueError) as error:  # kusanone turns it into one line and exit 2
        cli("plan", str(path))
    assert one_line(error) == f"{path}:3: an attendee needs a name"


def test_games_sample_prints_the_catalogue_and_an_evening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("sample") == 0
    out = capsys.readouterr().out
    assert out == sample_text()
    catalogue = write(tmp_path, "mine.toml", out)
    assert load_catalogue(catalogue) == sample_catalogue()
    assert cli("sample", "--evening") == 0
    evening = write(tmp_path, "evening.toml", capsys.readouterr().out)
    assert len(load_evening(evening).evening.attendees) >= 10

    # the catalogue alone cannot be planned: the error says which option gives a file that can
    with pytest.raises(ValueError) as error:
        cli("plan", str(catalogue))
    assert "kusanone games sample --evening" in one_line(error)
    assert "kusanone games sample --evening" in out  # and the catalogue's own first lines say so


def test_the_sample_evening_plans_with_every_rule_met(capsys) -> None:
    path = Path(kusanone_games.__file__).parent / "sample_evening.toml"
    assert cli("plan", str(path), "--seed", "1", "--seconds", "0.3", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["figures"]["unmet_hard_rules"] == 0
    assert document["figures"]["private_wishes_kept"] == 1
    # The private wish is never named in the output, only counted.
    text = json.dumps(document, ensure_ascii=False)
    assert "not_with" not in text


# -- docs/games.md cannot drift --------------------------------------------------------------------
DOCS = Path(__file__).resolve().parents[1] / "docs" / "games.md"


def test_the_docs_example_is_a_valid_evening_file(tmp_path: Path) -> None:
    page = DOCS.read_text("utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", page, re.S)
    example = next(block for block in blocks if "[[attendee]]" in block)
    night = load_evening(write(tmp_path, "evening.toml", example)).evening
    assert [p.name for p in night.attendees] == ["みどり", "さくら"]
    sakura = night.attendees[1]
    assert sakura.rest == (2,) and sakura.quiet == (3,) and sakura.leaves_after == 2
    assert next(g for g in night.games if g.name == "ito（イト）").copies == 2
    csv_example = re.findall(r"```csv\n(.*?)```", page, re.S)[0]
    assert [g.name for g in load_catalogue(write(tmp_path, "g.csv", csv_example))] == [
        "ドブル",
        "カタン",
    ]


def test_the_docs_name_every_weight_key_and_attendee_field() -> None:
    page = DOCS.read_text("utf-8")
    for name in Weights().to_dict():
        assert f"| `{name}` |" in page, name
    host = PluginHost(strict=True)
    host.add(kusanone_games)
    for _, command in host.commands():
        assert f"| `{command.key}` |" in page, command.name
    for key in ATTENDEE_KEYS:
        assert f"| `{key}` |" in page, key


def test_kusanone_games_through_the_real_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``kusanone games plan FILE`` as the kusanone command runs it, with the plugin given to
    the command line's plugin discovery (its entry point is not registered yet)."""
    from kusanone_tui import cli

    real = PluginHost.discover

    def discover(*args, **kwargs) -> PluginHost:
        host = real(*args, **kwargs)
        if "games" not in host.records:
            host.add(kusanone_games, name="games", source="built-in")
        return host

    monkeypatch.setattr(PluginHost, "discover", staticmethod(discover))
    monkeypatch.setenv("KUSANONE_DATA", str(tmp_path / "store"))
    path = write(tmp_path, "evening.json", '{"attendees": [{"name": "あ"}, {"name": "い"}]}')
    assert cli.main(["games", "plan", str(path), "--seed", "2", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["seed"] == 2 and document["figures"]["unmet_hard_rules"] == 0
    bad = write(tmp_path, "bad.toml", "rounds = 3\n[[attendee]]\nname = 3\n")
    assert cli.main(["games", "plan", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"kusanone: {bad}:3: an attendee needs a name\n"
    assert cli.main(["games", "sample"]) == 0
    assert capsys.readouterr().out == sample_text()
