"""``kusanone openmic add|list|print``: the reception desk's terminal beside the meeting."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from test_openmic_kit import festival_day, kusanone_openmic

# isort: split
from kusanone_openmic import cli as openmic_cli

from kusanone_tui import SessionStore
from kusanone_tui.cli import main
from kusanone_tui.i18n import set_language
from kusanone_tui.testing import FakeClock

PLUGINS = Path(kusanone_openmic.__file__).parents[1]


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A store with a festival session, and the plugin as the command line finds it."""
    monkeypatch.delenv("KUSANONE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    # Until the entry point is registered, a one-line loose plugin file brings it in (once it
    # is, the entry point wins and this file is skipped).
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "openmic.py").write_text("from kusanone_openmic import *  # noqa: F403\n", "utf-8")
    clock = FakeClock(festival_day(15, 0))
    monkeypatch.setattr(openmic_cli, "now", clock)
    store = tmp_path / "store"
    flags = ["--data", str(store), "--plugins-dir", str(shim)]
    assert main(["new", "trigger_fes", "--title", "第4回フェス", *flags]) == 0
    session = SessionStore(store).list()[0].id
    yield Desk(session, flags, store, clock)
    set_language("ja")


class Desk:
    def __init__(self, session: str, flags: list[str], store: Path, clock: FakeClock) -> None:
        self.session, self.flags, self.store, self.clock = session, flags, store, clock

    def run(self, *args: str) -> int:
        command, *rest = args
        return main(["openmic", command, self.session, *rest, *self.flags])


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


def test_add_list_and_print(desk, capsys):
    assert desk.run("add", "さくら") == 0
    out = capsys.readouterr().out
    assert "「さくら」を出演リストに入れました" in out and "16:32 ごろ（1 番目）" in out
    assert desk.run("add", "みどり", "--companion", "--minutes", "8") == 0
    assert desk.run("add", "はると", "--not-before", "17:30", "--early") == 0
    capsys.readouterr()
    assert desk.run("list") == 0
    listed = capsys.readouterr().out
    assert "当日キャンセル・当日飛び込みOK！枠  16:30–18:20" in listed
    lines = [line for line in listed.splitlines() if "–" in line and ":" in line][1:]
    assert [line.split()[-1] for line in lines if "(" not in line] == ["さくら"]
    assert "みどり  (同伴・8分希望)" in listed and "はると  (早め・17:30以降)" in listed

    assert desk.run("print") == 0
    paper = capsys.readouterr().out
    assert paper.startswith("# 第4回フェス — 当日キャンセル・当日飛び込みOK！枠")
    assert "| 1 | 16:32–" in paper and "さくら" in paper and "みどり" in paper
    assert "同伴" not in paper and "🔒" not in paper  # wishes only in the facilitator's copy
    assert desk.run("print", "--include-private") == 0
    assert "| 🔒 希望 |" in capsys.readouterr().out


def test_the_paper_copy_in_html_is_clean_printable_and_kept_private(desk, tmp_path, capsys):
    desk.run("add", "<script>alert(1)</script>")
    desk.run("add", "ゆき & そら")
    out = tmp_path / "order.html"
    assert desk.run("print", "--format", "html", "-o", str(out)) == 0
    page = out.read_text("utf-8")
    root = ElementTree.fromstring(page.split("\n", 1)[1])  # after <!DOCTYPE html>
    assert root.tag == "html" and root.attrib["lang"] == "ja"
    assert "当日キャンセル" in root.find("head/title").text
    assert "<script>" not in page and "&lt;script&gt;" in page and "ゆき &amp; そら" in page
    assert "@media print" in page
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert "書き出しました" in capsys.readouterr().out


def test_who_may_not_fit_is_only_in_the_facilitators_copy(desk, capsys):
    for number in range(20):
        desk.run("add", f"演者{number:02d}")
    capsys.readouterr()
    assert desk.run("list") == 0
    listed = capsys.readouterr().out
    assert "🔒 入りきらないかも（進行役だけ）" in listed
    late = listed.split("🔒")[1]
    assert "演者19" in late
    desk.run("print")
    paper = capsys.readouterr().out
    assert "演者19" not in paper and "🔒" not in paper
    desk.run("print", "--include-private")
    assert "- 🔒 演者19" in capsys.readouterr().out


def test_english(desk, capsys):
    assert main(["--lang", "en", "openmic", "add", desk.session, "Sakura", *desk.flags]) == 0
    out = capsys.readouterr().out
    assert "Sakura is on the list" in out and "on at about 16:32" in out
    assert main(["openmic", "print", desk.session, "--lang", "en", *desk.flags]) == 0
    assert "| # | Time | Performer |" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "さくら", "--not-before", "25:00"], "HH:MM"),
        (["add", "さくら", "--not-before", "5pm"], "HH:MM"),
        (["add", "さくら", "--minutes", "0"], "1〜60"),
        (["add", "さくら", "--minutes", "ten"], "1〜60"),
        (["add", "  "], "ステージ名"),
        (["add", "a\u0007b"], "ステージ名"),
        (["add", "長" * 41], "ステージ名"),
        (["add", "さくら", "--block", "live1"], "walkin"),
        (["list", "--block", "nowhere"], "nowhere"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(desk, capsys, args, message):
    assert desk.run(*args) == 2
    assert message in one_line(capsys)


def test_a_name_already_on_the_list_and_unknown_sessions(desk, capsys):
    assert desk.run("add", "さくら") == 0
    capsys.readouterr()
    assert desk.run("add", " さくら ") == 2
    assert "もう出演リストにあります" in one_line(capsys)
    assert main(["openmic", "list", "no-such-session", *desk.flags]) == 2
    assert "no-such-session" in one_line(capsys)
    with pytest.raises(SystemExit) as stopped:  # argparse's usage error: one line too
        main(["openmic", "add", *desk.flags])
    assert stopped.value.code == 2
    assert "session, name" in one_line(capsys)


def test_a_meeting_without_an_open_mic_block(desk, capsys):
    assert main(["new", "teireikai", *desk.flags]) == 0
    capsys.readouterr()
    other = next(s.id for s in SessionStore(desk.store).list() if s.id != desk.session)
    assert main(["openmic", "add", other, "さくら", *desk.flags]) == 2
    assert "openmic" in one_line(capsys)


def test_several_desks_at_once_lose_nobody(desk, capsys):
    """Three processes add walk-ins at the same moment as this one: all are on the list."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PLUGINS), os.environ.get("PYTHONPATH", "")]),
    }
    names = [[f"組{p}-{n}" for n in range(3)] for p in range(3)]
    script = (
        "import sys\nfrom kusanone_tui.cli import main\n"
        "for name in sys.argv[2:]:\n"
        "    assert main(['openmic', 'add', sys.argv[1], name, *FLAGS]) == 0\n"
    ).replace("FLAGS", repr(desk.flags))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, desk.session, *group],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for group in names
    ]
    for number in range(3):
        assert desk.run("add", f"ここ-{number}") == 0
    for worker in workers:
        _, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err.decode()
    capsys.readouterr()
    desk.run("print")
    paper = capsys.readouterr().out
    for name in [n for group in names for n in group] + [f"ここ-{n}" for n in range(3)]:
        assert name in paper


def test_any_template_with_an_openmic_stage_and_the_stores_settings(desk, tmp_path, capsys):
    """A stage without fixed times runs for its minutes; ``plugins.toml`` sets the slots."""
    (desk.store / "plugins.toml").write_text("[openmic]\nmin_slot_minutes = 20\n", "utf-8")
    template = tmp_path / "kai.toml"
    template.write_text(
        '[template]\nid = "kai"\ntitle = "発表会"\nminutes = 60\n'
        '[[stages]]\nid = "stage"\ntype = "openmic"\ntitle = "ステージ"\nminutes = 60\n',
        "utf-8",
    )
    assert main(["new", str(template), *desk.flags]) == 0
    capsys.readouterr()
    session = next(s.id for s in SessionStore(desk.store).list() if "kai" in s.id)
    for name in ("いち", "に", "さん"):
        assert main(["openmic", "add", session, name, *desk.flags]) == 0
    capsys.readouterr()
    assert main(["openmic", "list", session, *desk.flags]) == 0
    listed = capsys.readouterr().out
    assert "15:00–16:00" in listed  # planned from its start, for its 60 minutes
    assert "15:02–15:22  いち" in listed and "15:24–15:44  に" in listed  # 20-minute slots
    assert "🔒" in listed and "さん" in listed.split("🔒")[1]


def test_the_paper_copy_never_overwrites_a_session_or_an_existing_file(desk, tmp_path, capsys):
    desk.run("add", "さくら")
    capsys.readouterr()
    (session,) = desk.store.glob("*.session.jsonl")
    before = session.read_bytes()
    for force in ([], ["--force"]):
        assert desk.run("print", "-o", str(session), *force) != 0
        assert "Traceback" not in one_line(capsys)
    assert session.read_bytes() == before
    mine = tmp_path / "mine.md"
    mine.write_text("my list\n")
    assert desk.run("print", "-o", str(mine)) != 0
    assert "--force" in one_line(capsys) and mine.read_text() == "my list\n"
    assert desk.run("print", "-o", str(mine), "--force") == 0
    assert "さくら" in mine.read_text()
