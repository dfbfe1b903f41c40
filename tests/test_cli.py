"""The ``kusanone`` command: every outcome is a clear result or one line on stderr, never a
traceback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kusanone_tui import Actor, SessionStore, __version__, new_id
from kusanone_tui.cli import main
from kusanone_tui.i18n import set_language

SECRET = "PRIVATE-MARKER-7f3a"
HIDDEN_NAME = "ひみつの名前"


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """No store or language from the outside world; an empty working folder."""
    monkeypatch.delenv("KUSANONE_DATA", raising=False)
    monkeypatch.delenv("KUSANONE_LANG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    yield
    set_language("ja")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "store"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``kusanone ARGS`` in this process: (exit status, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str) -> str:
    assert err.endswith("\n"), repr(err)
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.strip()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _new(capsys: pytest.CaptureFixture[str], data: Path, title: str = "11月の定例会") -> str:
    code, out, err = run(capsys, "new", "teireikai", "--title", title, "--data", str(data))
    assert (code, err) == (0, "")
    return out.splitlines()[0].rsplit(" ", 1)[-1]


# -- version, help, new, sessions -----------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"kusanone {__version__}\n", "")


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--help")
    assert (code, err) == (0, "")
    assert out.startswith("usage: kusanone")
    for command in ("new", "sessions", "export", "check"):
        assert command in out


def test_new_prints_the_id_and_a_private_file(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    code, out, err = run(capsys, "new", "teireikai", "--title", "X", "--data", str(data))
    assert (code, err) == (0, "")
    first, second = out.splitlines()
    files = list(data.glob("*.session.jsonl"))
    assert len(files) == 1
    session_id = files[0].name.removesuffix(".session.jsonl")
    assert first == f"新しいセッションを作りました: {session_id}"
    assert second == f"ファイル: {files[0]}"
    assert "-teireikai-" in session_id
    assert _mode(files[0]) == 0o600
    assert _mode(data) == 0o700
    state = SessionStore(data).open(session_id).state()
    assert state.title == "X"
    assert state.template is not None and state.template.id == "teireikai"


def test_new_from_a_users_template_keeps_its_agenda(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[template]\nid = "mine"\ntitle = "会"\nminutes = 30\n\n'
        '[[stages]]\nid = "talk"\ntype = "free"\ntitle = "話"\nminutes = 30\n',
        "utf-8",
    )
    code, out, err = run(capsys, "new", str(mine), "--data", str(data))
    assert (code, err) == (0, "")
    session_id = out.splitlines()[0].rsplit(" ", 1)[-1]
    state = SessionStore(data).open(session_id).state()
    assert state.title == "会"
    assert state.template is not None
    assert [stage.id for stage in state.template.stages] == ["talk"]


def test_sessions_lists_the_new_session(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    session_id = _new(capsys, data, "12月の会")
    code, out, err = run(capsys, "sessions", "--data", str(data))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"保存先: {data}"
    assert session_id in out and "12月の会" in out

    # --data is accepted before the command too.
    code, out, _ = run(capsys, "--data", str(data), "sessions", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [entry["id"] for entry in listed] == [session_id]
    entry = listed[0]
    assert entry["title"] == "12月の会"
    assert entry["template"] == "teireikai"
    assert entry["events"] == 1
    assert Path(entry["path"]).is_file()


def test_sessions_in_an_empty_store(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    assert run(capsys, "sessions", "--data", str(data)) == (
        0,
        f"セッションはまだありません（保存先: {data}）\n",
        "",
    )
    assert run(capsys, "sessions", "--json", "--data", str(data)) == (0, "[]\n", "")
    assert not data.exists()  # looking does not create the store


# -- export ---------------------------------------------------------------------------------


def _meeting(capsys: pytest.CaptureFixture[str], data: Path) -> dict[str, Any]:
    """A session with a named and an unnamed participant, notes of each visibility, a pass."""
    session_id = _new(capsys, data)
    hidden, named = new_id(), new_id()
    with SessionStore(data).open(session_id) as log:
        log.append_many(
            [
                ("participant.joined", {"participant_id": hidden, "name": HIDDEN_NAME}),
                (
                    "participant.joined",
                    {"participant_id": named, "name": "みどり", "minutes_name": True},
                ),
                ("stage.started", {"index": 1}),
                ("turn.passed", {"participant_id": hidden}),
            ],
            actor=Actor("facilitator"),
        )
        for text, visibility in (
            (SECRET, "private"),
            ("MINUTES-NOTE", "minutes"),
            ("PUBLIC-NOTE", "public"),
        ):
            log.append(
                "note.added",
                {"note_id": new_id(), "text": text, "visibility": visibility},
                actor=Actor("notes"),
            )
    return {"id": session_id, "hidden": hidden, "named": named}


def test_export_is_json_for_the_minutes_by_default(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    meeting = _meeting(capsys, data)
    code, out, err = run(capsys, "export", meeting["id"], "--data", str(data))
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert {"events", "state"} <= set(document)
    assert document["session"] == meeting["id"]
    assert document["audience"] == "minutes"
    assert SECRET not in out
    assert "MINUTES-NOTE" in out and "PUBLIC-NOTE" in out
    # Names only where the person agreed to be named in the minutes.
    assert HIDDEN_NAME not in out
    names = {p["id"]: p["name"] for p in document["state"]["participants"]}
    assert names == {meeting["hidden"]: "#1", meeting["named"]: "みどり"}
    joined = [e for e in document["events"] if e["kind"] == "participant.joined"]
    assert [e["data"]["name"] for e in joined] == ["#1", "みどり"]
    # A pass is nobody's business.
    assert all(e["kind"] != "turn.passed" for e in document["events"])
    assert "round" not in document["state"]


def test_export_with_private_entries(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    meeting = _meeting(capsys, data)
    code, out, err = run(capsys, "export", meeting["id"], "--include-private", "--data", str(data))
    assert code == 0
    assert _one_line(err) == "非公開の記録も含めて書き出します"
    document = json.loads(out)
    assert document["audience"] == "private"
    assert SECRET in out
    assert HIDDEN_NAME in out
    assert document["state"]["round"]["passed"] == [meeting["hidden"]]


def test_export_by_unique_prefix(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    session_id = _new(capsys, data)
    code, out, _ = run(capsys, "export", session_id[:-2], "--data", str(data))
    assert code == 0
    assert json.loads(out)["session"] == session_id


def test_export_to_a_file_is_private(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    meeting = _meeting(capsys, data)
    target = tmp_path / "out" / "nested" / "minutes.json"
    code, out, err = run(capsys, "export", meeting["id"], "-o", str(target), "--data", str(data))
    assert (code, out) == (0, "")
    assert _one_line(err) == f"書き出しました: {target}"
    assert _mode(target) == 0o600
    assert json.loads(target.read_text("utf-8"))["session"] == meeting["id"]
    assert SECRET not in target.read_text("utf-8")


def test_export_over_an_existing_readable_file_makes_it_private(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    meeting = _meeting(capsys, data)
    target = tmp_path / "everyone-can-read.json"
    target.write_text("old and longer than nothing " * 100, "utf-8")
    target.chmod(0o644)
    code, _, _ = run(
        capsys,
        "export",
        meeting["id"],
        "--include-private",
        "--output",
        str(target),
        "--force",  # an existing file is replaced only when asked
        "--data",
        str(data),
    )
    assert code == 0
    assert _mode(target) == 0o600
    assert SECRET in json.loads(target.read_text("utf-8"))["state"]["notes"][0]["text"]


def test_export_of_an_unknown_session(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    _new(capsys, data)
    code, out, err = run(capsys, "export", "nope", "--data", str(data))
    assert code != 0
    assert out == ""
    assert _one_line(err) == f"kusanone: セッション nope が見つかりません（保存先: {data}）"


def test_export_of_an_ambiguous_prefix(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    _new(capsys, data)
    _new(capsys, data)
    code, _, err = run(capsys, "export", "2", "--data", str(data), "--lang", "en")
    assert code != 0
    assert "matches more than one session" in _one_line(err)


# -- check ----------------------------------------------------------------------------------


def test_check_a_good_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        '[template]\nid = "good"\ntitle = "よい会"\nminutes = 20\n\n'
        '[[stages]]\nid = "a"\ntype = "free"\ntitle = "話"\nminutes = 20\n',
        "utf-8",
    )
    code, out, err = run(capsys, "check", str(good))
    assert (code, err) == (0, "")
    assert out == f"{good}: OK — 「よい会」 1 段階、20 分\n"
    assert run(capsys, "check", "teireikai")[0] == 0


def test_check_a_bad_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[template]\nid = "bad"\ntitle = "会"\nminutes = 20\n\n'
        '[[stages]]\nid = "a"\ntype = "rounds"\ntitle = "話"\nminutes = 20\n',
        "utf-8",
    )
    code, out, err = run(capsys, "check", str(bad))
    assert (code, out) == (2, "")
    line = _one_line(err)
    assert line.startswith(f"kusanone: テンプレートの誤り: {bad}:8: stage 1 (a): unknown stage")


@pytest.mark.parametrize("ref", ["missing.toml", "no_such_builtin"])
def test_check_something_that_is_not_there(capsys: pytest.CaptureFixture[str], ref: str) -> None:
    code, out, err = run(capsys, "check", ref)
    assert (code, out) == (2, "")
    assert ref in _one_line(err)


def test_new_from_a_bad_template(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[template]\nid = "bad"\n', "utf-8")
    code, _, err = run(capsys, "new", str(bad), "--data", str(data))
    assert code == 2
    assert f"{bad}:" in _one_line(err)
    assert not list(data.glob("*.session.jsonl"))


# -- usage errors and language --------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["export"],
        ["export", "x", "--bogus"],
        ["frobnicate"],
        ["--lang", "fr", "sessions"],
        ["export", "x", "--format", "xml"],
    ],
)
def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert _one_line(err).startswith("kusanone")


def test_lang_en(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, "--lang", "en", "new", "teireikai", "--data", str(data))
    assert code == 0
    assert out.startswith("Created a new session: ")
    assert "File: " in out
    code, out, _ = run(capsys, "sessions", "--data", str(data), "--lang", "en")
    assert out.startswith(f"Store: {data}")
    code, _, err = run(capsys, "export", "nope", "--data", str(data), "--lang=en")
    assert _one_line(err) == f"kusanone: No session nope (store: {data})"
    # Without the flag, Japanese again.
    code, out, _ = run(capsys, "sessions", "--data", str(data))
    assert out.startswith(f"保存先: {data}")


def test_lang_from_the_environment(
    capsys: pytest.CaptureFixture[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUSANONE_LANG", "en_GB.UTF-8")
    assert run(capsys, "sessions", "--data", str(data))[1].startswith("No sessions yet")
    # The flag wins over the environment.
    assert run(capsys, "sessions", "--data", str(data), "--lang", "ja")[1].startswith("セッション")


# -- where the store is ---------------------------------------------------------------------


def test_store_is_flag_then_env_then_cwd_sessions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag, env, local = tmp_path / "flag", tmp_path / "env", Path.cwd() / "sessions"
    ids = {name: _new(capsys, folder, name) for name, folder in [("flag", flag), ("env", env)]}
    ids["local"] = _new(capsys, local, "local")

    def listed(*args: str) -> list[str]:
        code, out, err = run(capsys, "sessions", "--json", *args)
        assert (code, err) == (0, "")
        return [entry["title"] for entry in json.loads(out)]

    monkeypatch.setenv("KUSANONE_DATA", str(env))
    assert listed("--data", str(flag)) == ["flag"]
    assert listed() == ["env"]
    monkeypatch.delenv("KUSANONE_DATA")
    assert listed() == ["local"]
    code, out, _ = run(capsys, "export", ids["local"])
    assert code == 0 and json.loads(out)["state"]["title"] == "local"

    # No flag, no variable, no ./sessions: the user's data folder.
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "sessions")
    fallback = tmp_path / "xdg" / "kusanone" / "sessions"
    assert out == f"セッションはまだありません（保存先: {fallback}）\n"


# -- a real process -------------------------------------------------------------------------


def _kusanone(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUSANONE_")}
    env["XDG_DATA_HOME"] = str(cwd / "xdg")
    return subprocess.run(
        [sys.executable, "-m", "kusanone_tui", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_a_real_process_never_shows_a_traceback(tmp_path: Path) -> None:
    data = str(tmp_path / "store")
    done = _kusanone(tmp_path, "--version")
    assert (done.returncode, done.stdout) == (0, f"kusanone {__version__}\n")

    done = _kusanone(tmp_path, "new", "teireikai", "--title", "X", "--data", data)
    assert (done.returncode, done.stderr) == (0, "")
    session_id = done.stdout.splitlines()[0].rsplit(" ", 1)[-1]

    done = _kusanone(tmp_path, "export", session_id, "--data", data)
    assert done.returncode == 0
    assert json.loads(done.stdout)["state"]["title"] == "X"

    dated = tmp_path / "dated.toml"
    dated.write_text(
        '[template]\nid = "d"\ntitle = "会"\nminutes = 20\n\n'
        '[[stages]]\nid = "a"\ntype = "free"\ntitle = "話"\nminutes = 20\n'
        "held_on = 2026-12-01\n",
        "utf-8",
    )
    failures = [
        (["--bogus"], 2),
        (["export", "nope", "--data", data], 1),
        (["check", str(dated)], 2),
        (["new", str(dated), "--data", data], 2),
        (["--lang", "en", "check", str(tmp_path / "missing.toml")], 2),
    ]
    for args, expected in failures:
        done = _kusanone(tmp_path, *args)
        assert done.returncode == expected, (args, done.stderr)
        assert done.stdout == "", args
        _one_line(done.stderr)
