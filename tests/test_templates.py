"""The built-in templates, a user's own template file, and one-line errors that point at the
right line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kusanone_tui.model.template import CORE_STAGE_TYPES, Template, TemplateError, parse_template
from kusanone_tui.templates import builtin_names, load

BUILTINS = (
    "kazokukai",
    "koza_1_ibasho",
    "koza_2_taikendan",
    "koza_3_kazoku",
    "koza_4_reflecting",
    "reflecting_practice",
    "teireikai",
)

# A user's template. Line numbers in the tests are found with _line(), not counted by hand.
MINE = """\
# 12月の会
[template]
id = "mine"
title = { ja = "12月の会", en = "December meeting" }
minutes = 60

[[stages]]
id = "opening"
type = "opening"
title = { ja = "はじめに", en = "Welcome" }
minutes = 10
rules.ja = ["だれも否定しない"]

[[stages]]
id = "updates"
type = "round"
title = { ja = "近況報告", en = "Round of updates" }
minutes = 30
turn_minutes = 3

[[stages]]
id = "closing"
type = "closing"
title = { ja = "おわりに", en = "Closing" }
minutes = 5
"""


def _line(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based number of the line holding the ``occurrence``-th ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} is not in the text {occurrence} times"
    return hits[occurrence - 1]


def _write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _error(tmp_path: Path, text: str) -> tuple[TemplateError, Path]:
    path = _write(tmp_path, text)
    with pytest.raises(TemplateError) as caught:
        load(str(path))
    return caught.value, path


def _assert_points_at(error: TemplateError, path: Path, line: int, words: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: "), message
    assert (error.source, error.line) == (str(path), line)
    assert words in message


# -- the built-ins --------------------------------------------------------------------------


def test_the_builtins_are_listed() -> None:
    assert builtin_names() == list(BUILTINS)


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_loads_and_fits_its_time(name: str) -> None:
    template = load(name)
    assert template.id == name
    assert template.stages
    assert sum(stage.minutes for stage in template.stages) <= template.minutes
    assert {"ja", "en"} <= set(template.title)
    for stage in template.stages:
        assert stage.type in CORE_STAGE_TYPES
        assert stage.minutes > 0
        assert stage.title.get("ja", "").strip(), stage.id
        assert stage.title.get("en", "").strip(), stage.id
    assert len({stage.id for stage in template.stages}) == len(template.stages)


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_survives_being_saved_in_a_session(name: str) -> None:
    template = load(name)
    assert Template.from_dict(template.to_dict()) == template


def test_teireikai_is_the_90_minute_regular_meeting() -> None:
    template = load("teireikai")
    assert template.minutes == 90
    assert sum(stage.minutes for stage in template.stages) == 90
    assert [stage.type for stage in template.stages] == [
        "opening",
        "round",
        "reflecting",
        "break",
        "breakout",
        "report_back",
        "closing",
    ]
    updates = template.stages[1]
    assert updates.options["turn_minutes"] == 3  # extra keys are kept
    assert [group["id"] for group in template.stages[4].options["groups"]] == ["ibasho", "event"]
    assert "パスしてよい" in template.stages[0].rules["ja"]


# -- a user's own file ----------------------------------------------------------------------


def test_a_users_file_loads_like_a_builtin(tmp_path: Path) -> None:
    template = load(str(_write(tmp_path, MINE)))
    assert template.id == "mine"
    assert template.minutes == 60
    assert [stage.id for stage in template.stages] == ["opening", "updates", "closing"]
    assert template.stages[1].options == {"turn_minutes": 3}
    assert template.description == {}
    # Saved in a session and read back, it is the same agenda (no description needed).
    assert Template.from_dict(template.to_dict()) == template


def test_a_copy_of_a_builtin_loads_to_the_same_template(tmp_path: Path) -> None:
    builtin = load("teireikai")
    text = (Path(__file__).parent.parent / "kusanone_tui/templates/teireikai.toml").read_text(
        "utf-8"
    )
    assert load(str(_write(tmp_path, text, "copy.toml"))) == builtin


def test_plain_titles_and_plugin_stage_types(tmp_path: Path) -> None:
    text = MINE.replace('title = { ja = "12月の会", en = "December meeting" }', 'title = "会"')
    text = text.replace('type = "closing"', 'type = "openmic"')
    path = _write(tmp_path, text)
    with pytest.raises(TemplateError, match="unknown stage type 'openmic'"):
        load(str(path))
    template = load(str(path), extra_types=["openmic"])
    assert template.title == {"ja": "会"}
    assert template.stages[-1].type == "openmic"


def test_missing_file_and_unknown_builtin(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(TemplateError) as caught:
        load(str(missing))
    assert str(caught.value) == f"{missing}: no such file"
    with pytest.raises(TemplateError) as caught:
        load("no_such_template")
    assert str(caught.value).startswith("no_such_template: no such template")
    assert "teireikai" in str(caught.value)


# -- errors name the file and the line ------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "needle", "words"),
    [
        ("minutes = = 30", "minutes = = 30", "Invalid value"),
        ('type = "round\nminutes = 30', 'type = "round', "Illegal character"),
    ],
    ids=["bad-value", "unterminated-string"],
)
def test_bad_toml_syntax(tmp_path: Path, broken: str, needle: str, words: str) -> None:
    text = MINE.replace('type = "round"\n', "").replace("minutes = 30", broken)
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, needle), words)


def test_a_key_set_twice_is_a_syntax_error(tmp_path: Path) -> None:
    text = MINE.replace("minutes = 30\n", "minutes = 30\nminutes = 31\n")
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, "minutes = 31"), "Cannot overwrite")


def test_unknown_stage_type_points_at_the_type_key(tmp_path: Path) -> None:
    text = MINE.replace('type = "round"', 'type = "rounds"')
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, 'type = "rounds"'), "unknown stage type 'rounds'")
    assert "stage 2 (updates)" in str(error)


def test_missing_stage_type_points_at_its_own_stage(tmp_path: Path) -> None:
    # Not at the next stage's ``type =`` line.
    text = MINE.replace('type = "round"\n', "")
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, "[[stages]]", 2), "unknown stage type None")


def test_missing_stage_title(tmp_path: Path) -> None:
    text = MINE.replace('title = { ja = "近況報告", en = "Round of updates" }\n', "")
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, "[[stages]]", 2), "stage 2 (updates): title")


def test_missing_template_title_points_at_the_template_table(tmp_path: Path) -> None:
    # Not at the first stage's ``title =`` line.
    text = MINE.replace('title = { ja = "12月の会", en = "December meeting" }\n', "")
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, "[template]"), "template title")


def test_template_table_after_the_stages(tmp_path: Path) -> None:
    head, stages = MINE.split("\n[[stages]]", 1)
    text = "[[stages]]" + stages + "\n" + head.replace("title = {", "# no title {")
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, "[template]"), "template title")


def test_negative_stage_minutes(tmp_path: Path) -> None:
    text = MINE.replace("minutes = 30", "minutes = -5")
    error, path = _error(tmp_path, text)
    _assert_points_at(
        error, path, _line(text, "[[stages]]", 2), "stage 2 (updates): minutes must be a positive"
    )


def test_negative_template_minutes(tmp_path: Path) -> None:
    text = MINE.replace("minutes = 60", "minutes = -60")
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, "minutes = -60"), "template minutes")


@pytest.mark.parametrize("value", ["nan", "inf", "0", "true", '"30"'])
def test_minutes_must_be_a_finite_positive_number(tmp_path: Path, value: str) -> None:
    text = MINE.replace("minutes = 30", f"minutes = {value}")
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, "[[stages]]", 2), "positive number of minutes")


def test_duplicate_stage_id(tmp_path: Path) -> None:
    text = MINE.replace('id = "closing"', 'id = "opening"')
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, "[[stages]]", 3), "stage 3 (opening): the id is")


def test_missing_template_table(tmp_path: Path) -> None:
    text = MINE.replace("[template]", "[meta]")
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, 1, "missing the [template] table")


def test_stages_longer_than_the_meeting(tmp_path: Path) -> None:
    text = MINE.replace("minutes = 60", "minutes = 40")
    error, path = _error(tmp_path, text)
    _assert_points_at(
        error, path, _line(text, "minutes = 40"), "add up to 45 minutes, more than the planned 40"
    )


def test_no_stages(tmp_path: Path) -> None:
    text = MINE.split("\n[[stages]]", 1)[0]
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, "[template]"), "at least one [[stages]]")


def test_a_date_in_a_stage_is_refused_where_it_is_written(tmp_path: Path) -> None:
    # A session file is JSON: a TOML date would pass the check, then break ``kusanone new``.
    text = MINE.replace("turn_minutes = 3", "turn_minutes = 3\nheld_on = 2026-12-01")
    error, path = _error(tmp_path, text)
    _assert_points_at(error, path, _line(text, "held_on"), "held_on cannot be a date or time")


def test_parse_template_names_the_source_it_is_given() -> None:
    line = _line(MINE, 'type = "round"')
    with pytest.raises(TemplateError) as caught:
        parse_template(MINE.replace('type = "round"', 'type = "x"'), "docs/example.toml")
    assert str(caught.value).startswith(f"docs/example.toml:{line}: ")
