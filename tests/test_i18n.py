"""The message catalogues stay in step, and every message the code asks for exists."""

from __future__ import annotations

import ast
import re
import string
import tomllib
from pathlib import Path

import pytest

from kusanone_tui.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    catalogue,
    current_language,
    resolve_language,
    set_language,
    t,
)

PACKAGE = Path(__file__).resolve().parent.parent / "kusanone_tui"
SOURCES = sorted(PACKAGE.rglob("*.py"))
# t("cli.created", ...) or t('meeting.now'): a key written out in full.
LITERAL_KEY = re.compile(r"(?<![\w.])t\(\s*(['\"])([A-Za-z0-9_.]+)\1")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _literal_keys() -> dict[str, set[str]]:
    """Every ``t("...")`` key in the package, with the files that use it."""
    keys: dict[str, set[str]] = {}
    for path in SOURCES:
        for match in LITERAL_KEY.finditer(path.read_text("utf-8")):
            keys.setdefault(match.group(2), set()).add(str(path.relative_to(PACKAGE)))
    return keys


def _keys_through_a_variable() -> dict[str, set[str]]:
    """Keys picked into a variable first: ``key = "a.b" if x else "a.c"; t(key)``."""
    keys: dict[str, set[str]] = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text("utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            names = {
                node.args[0].id
                for node in ast.walk(function)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Name)
            }
            for node in ast.walk(function):
                if not isinstance(node, ast.Assign):
                    continue
                if not any(isinstance(tg, ast.Name) and tg.id in names for tg in node.targets):
                    continue
                for const in ast.walk(node.value):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        keys.setdefault(const.value, set()).add(str(path.relative_to(PACKAGE)))
    return keys


def _raw(lang: str) -> dict:
    return tomllib.loads((PACKAGE / "locales" / f"{lang}.toml").read_text("utf-8"))


# -- the catalogues -------------------------------------------------------------------------


def test_both_catalogues_have_the_same_keys() -> None:
    ja, en = catalogue("ja"), catalogue("en")
    assert sorted(set(ja) - set(en)) == [], "missing in en.toml"
    assert sorted(set(en) - set(ja)) == [], "missing in ja.toml"
    assert len(ja) > 10


def test_every_message_has_the_same_placeholders_in_both() -> None:
    ja, en = catalogue("ja"), catalogue("en")
    differ = {
        key: (sorted(_placeholders(ja[key])), sorted(_placeholders(en[key])))
        for key in ja.keys() & en.keys()
        if _placeholders(ja[key]) != _placeholders(en[key])
    }
    assert differ == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_formats_and_is_text(lang: str) -> None:
    for section, table in _raw(lang).items():
        assert isinstance(table, dict), f"{lang}.toml: {section} should be a [table]"
    for key, text in catalogue(lang).items():
        assert text.strip(), f"{lang}.toml: {key} is empty"
        values = dict.fromkeys(_placeholders(text), "X")
        text.format(**values)  # no stray braces
        assert t(key, lang, **values) == text.format(**values)


# -- the code asks only for messages that exist ---------------------------------------------


def test_the_scan_finds_the_cli_messages() -> None:
    keys = _literal_keys()
    assert {"cli.created", "cli.file", "cli.error", "cli.check_ok"} <= set(keys)
    assert {"cli.ambiguous", "cli.no_session"} <= set(_keys_through_a_variable())


def test_every_key_the_code_uses_is_in_both_catalogues() -> None:
    used = _literal_keys()
    for key, files in _keys_through_a_variable().items():
        if "." in key:
            used.setdefault(key, set()).update(files)
    for lang in LANGUAGES:
        known = catalogue(lang)
        missing = {key: sorted(files) for key, files in used.items() if key not in known}
        assert missing == {}, f"add these to locales/{lang}.toml"


def test_the_cli_placeholders_match_what_the_code_fills() -> None:
    text = (PACKAGE / "cli.py").read_text("utf-8")
    for key, names in (
        ("cli.created", {"id"}),
        ("cli.file", {"path"}),
        ("cli.no_session", {"ref", "root"}),
        ("cli.check_ok", {"source", "title", "stages", "minutes"}),
    ):
        assert key in text
        for lang in LANGUAGES:
            assert _placeholders(catalogue(lang)[key]) == names, (lang, key)


# -- choosing the language ------------------------------------------------------------------


def test_language_defaults_to_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUSANONE_LANG", raising=False)
    assert DEFAULT_LANGUAGE == "ja"
    assert resolve_language() == "ja"
    assert resolve_language(None) == "ja"
    assert resolve_language("") == "ja"
    assert resolve_language("fr") == "ja"


def test_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUSANONE_LANG", "en")
    assert resolve_language() == "en"
    monkeypatch.setenv("KUSANONE_LANG", "en_US.UTF-8")
    assert resolve_language() == "en"
    monkeypatch.setenv("KUSANONE_LANG", "EN")
    assert resolve_language() == "en"
    monkeypatch.setenv("KUSANONE_LANG", "de_DE")
    assert resolve_language() == "ja"


def test_the_flag_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUSANONE_LANG", "en")
    assert resolve_language("ja") == "ja"
    monkeypatch.setenv("KUSANONE_LANG", "ja")
    assert resolve_language("en") == "en"
    # A flag that names no language we have leaves the choice to the environment.
    assert resolve_language("fr") == "ja"
    monkeypatch.setenv("KUSANONE_LANG", "en")
    assert resolve_language("fr") == "en"


def test_set_language_switches_t() -> None:
    try:
        set_language("en")
        assert current_language() == "en"
        assert t("cli.created", id="X") == "Created a new session: X"
        assert t("cli.created", "ja", id="X") == "新しいセッションを作りました: X"
        set_language("ja")
        assert t("cli.created", id="X") == "新しいセッションを作りました: X"
        with pytest.raises(ValueError):
            set_language("fr")
        assert current_language() == "ja"
    finally:
        set_language("ja")


def test_an_unknown_key_falls_back_to_itself() -> None:
    assert t("no.such_key") == "no.such_key"
    assert t("no.such_key", "en") == "no.such_key"
