from __future__ import annotations

import os
import time

import pytest

from kusanone_tui.i18n import set_language
from kusanone_tui.testing import FakeClock


@pytest.fixture(autouse=True)
def _japanese_and_fixed_zone(monkeypatch, tmp_path_factory):
    """Every test starts in Japanese, in Japan's time zone, with no store set from outside, and
    the plugin index in the test run's own cache folder (not the user's)."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    monkeypatch.setenv("KUSANONE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("KUSANONE_DATA", raising=False)
    monkeypatch.delenv("KUSANONE_LANG", raising=False)
    time.tzset()
    set_language("ja")
    yield
    set_language("ja")
    os.environ.pop("TZ", None)
    time.tzset()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
