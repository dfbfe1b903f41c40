"""The user cache folder is only a shortcut: a missing, damaged or unwritable cache changes no
text on any screen, and the texts that ship with kusanone are parsed once."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from kusanone_tui import cache, i18n, templates

TEXT = 'title = "草の根ネット"\n[stage]\nminutes = 15\nlines = ["a", "b"]\n'


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KUSANONE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_shipped_text_is_parsed_once(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache.parse_toml(TEXT) == tomllib.loads(TEXT)
    assert len(list((folder / "toml").iterdir())) == 1
    monkeypatch.setattr("tomllib.loads", lambda text: pytest.fail("parsed again"))
    again = cache.parse_toml(TEXT)
    assert again == {"title": "草の根ネット", "stage": {"minutes": 15, "lines": ["a", "b"]}}


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe3\x81"])
def test_a_damaged_cache_file_is_parsed_afresh_and_replaced(folder: Path, damage: bytes) -> None:
    cache.parse_toml(TEXT)
    (entry,) = (folder / "toml").iterdir()
    entry.write_bytes(damage)
    assert cache.parse_toml(TEXT) == tomllib.loads(TEXT)
    assert entry.read_bytes() != damage


def test_another_text_with_the_same_name_is_not_taken(folder: Path) -> None:
    import marshal

    cache.parse_toml(TEXT)
    (entry,) = (folder / "toml").iterdir()
    entry.write_bytes(marshal.dumps(("something else", {"title": "偽物"})))
    assert cache.parse_toml(TEXT)["title"] == "草の根ネット"


def test_an_unwritable_cache_folder_changes_nothing(folder: Path) -> None:
    folder.parent.mkdir(exist_ok=True)
    folder.write_text("a file where the folder should be")
    assert cache.parse_toml(TEXT) == tomllib.loads(TEXT)
    assert i18n.t("meeting.roster")
    assert templates.load("teireikai").id == "teireikai"
    assert not [p for p in folder.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_broken_shipped_text_is_still_an_error(folder: Path) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        cache.parse_toml("title = ")
    assert not (folder / "toml").exists() or not any((folder / "toml").iterdir())


def test_the_catalogue_and_template_read_from_the_cache_match_a_fresh_parse(folder: Path) -> None:
    i18n.catalogue.cache_clear()
    fresh = i18n.catalogue("ja")
    i18n.catalogue.cache_clear()
    assert i18n.catalogue("ja") == fresh  # now read from the cache
    assert templates.load("teireikai") == templates.load("teireikai")
    assert os.listdir(folder / "toml")


@pytest.mark.parametrize("xdg", [None, "/tmp/somewhere-else", "  "])
def test_the_cache_folder_is_the_one_platformdirs_names(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    from platformdirs import user_cache_dir

    monkeypatch.delenv("KUSANONE_CACHE", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache.folder() == Path(user_cache_dir("kusanone", appauthor=False))
