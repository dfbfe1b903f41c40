"""Loose plugin files run only when a command needs plugins, and only when they are trusted.

Issue 12, point 9: any ``kusanone`` command, even ``--version``, run in a folder whose
``sessions/plugins/`` held ``.py`` files used to execute them. Here a loose file that writes a
marker file when it is imported stands in for such a file.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kusanone_tui.cli import _first_word, main
from kusanone_tui.plugin_host import FROM_FLAG, FROM_STORE, PluginHost, untrusted
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load

POSIX = hasattr(os, "geteuid")
ROOT = POSIX and os.geteuid() == 0
posix_only = pytest.mark.skipif(not POSIX, reason="owners and modes are POSIX")


def marker_plugin(marker: Path) -> str:
    """A plugin that leaves ``marker`` behind when it is imported (and adds a minutes section,
    so that a command gathering sections would have a reason to load it)."""
    return (
        "from pathlib import Path\n"
        "from kusanone_tui import hookimpl\n"
        f"Path({str(marker)!r}).write_text('imported', 'utf-8')\n"
        "@hookimpl\n"
        "def register_stage_types(register):\n"
        "    pass\n"
    )


def kusanone() -> list[str]:
    """The installed ``kusanone`` command, as a user runs it."""
    script = Path(sys.executable).with_name("kusanone")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kusanone_tui"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A working folder with ``sessions/`` (so it is the store), one session, and a loose
    plugin in ``sessions/plugins/`` that writes ``marker`` when it runs."""
    work = tmp_path / "work"
    plugins = work / "sessions" / "plugins"
    plugins.mkdir(parents=True, mode=0o755)
    os.chmod(plugins, 0o755)
    SessionStore(work / "sessions").create(load("teireikai"), title="t").close()
    path = plugins / "sneaky.py"
    path.write_text(marker_plugin(work / "marker"), "utf-8")
    os.chmod(path, 0o644)
    return work


def run(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUSANONE_")}
    return subprocess.run(
        [*kusanone(), *args], cwd=work, env=env, capture_output=True, text=True, timeout=60
    )


def session_id(work: Path) -> str:
    return SessionStore(work / "sessions").list()[0].id


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["sessions"],
        ["export", "{session}"],
        ["export", "{session}", "--format", "md"],
        ["report", "--format", "json"],
    ],
    ids=lambda args: " ".join(args),
)
def test_commands_that_run_no_meeting_never_import_the_folder_s_files(
    folder: Path, args: list[str]
) -> None:
    """The issue's own reproduction, through the real command: nothing runs."""
    done = run(folder, *[a.format(session=session_id(folder)) for a in args])
    assert done.returncode == 0, done.stderr
    assert not (folder / "marker").exists(), f"kusanone {' '.join(args)} ran sneaky.py"


def test_the_same_files_run_for_kusanone_plugins_and_say_where_they_came_from(
    folder: Path,
) -> None:
    done = run(folder, "--lang", "en", "plugins")
    assert done.returncode == 0, done.stderr
    assert (folder / "marker").read_text("utf-8") == "imported"
    assert "from: store plugins folder" in done.stdout
    assert str(Path("sessions") / "plugins" / "sneaky.py") in done.stdout
    assert "owner and write permissions checked" in done.stdout


def test_more_commands_import_nothing_in_process(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The other forms (``-h`` of a built-in command, html minutes, a ``--plugins-dir`` on a
    command that needs no plugins), in-process for speed."""
    monkeypatch.chdir(folder)
    monkeypatch.delenv("KUSANONE_DATA", raising=False)
    extra = folder / "extra"
    extra.mkdir(mode=0o755)
    (extra / "other.py").write_text(marker_plugin(folder / "marker2"), "utf-8")
    sid = session_id(folder)
    for args in (
        ["sessions", "--json", "--plugins-dir", str(extra)],
        ["export", sid, "--format", "html"],
        ["report", "--format", "csv"],
    ):
        assert main(args) == 0, args
    for args in (
        ["sessions", "--help"],
        ["--plugins-dir", str(extra), "-h"],
        ["--plugins-dir", str(extra), "--version"],  # cli.main itself, past the entry point
    ):
        with pytest.raises(SystemExit) as leaving:
            main(args)
        assert leaving.value.code == 0
    capsys.readouterr()
    assert not (folder / "marker").exists() and not (folder / "marker2").exists()


def test_export_minutes_read_a_plugins_dir_named_on_its_command_line(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Minutes and the report use installed plugins, and the loose files of a folder the user
    names with ``--plugins-dir`` (still checked), never the store's folder on their own."""
    monkeypatch.chdir(folder)
    monkeypatch.delenv("KUSANONE_DATA", raising=False)
    named = folder / "named"
    named.mkdir(mode=0o755)
    (named / "named.py").write_text(marker_plugin(folder / "marker2"), "utf-8")
    assert main(["export", session_id(folder), "--format", "md", "--plugins-dir", str(named)]) == 0
    capsys.readouterr()
    assert (folder / "marker2").exists() and not (folder / "marker").exists()


def test_version_imports_neither_the_plugin_host_nor_pluggy_nor_textual() -> None:
    """Issue 17: ``kusanone --version`` starts in a few times ``python -c pass``."""
    code = (
        "import sys\n"
        "from kusanone_tui.entry import main\n"
        "assert main(['--version']) == 0\n"
        "heavy = [m for m in ('pluggy', 'textual', 'tinydb', 'kusanone_tui.plugin_host',"
        " 'kusanone_tui.cli', 'importlib.metadata') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first.startswith("kusanone ") and second == "[]"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--version"], (None, "version")),
        (["--data", "d", "--plugins-dir=p", "--vers"], (None, "version")),
        (["--lang", "en", "-h"], (None, "help")),
        (["--data", "sessions", "export", "x"], ("export", None)),
        (["--dat", "games", "sessions"], ("sessions", None)),
        (["--data=games", "games", "plan"], ("games", None)),
        (["--", "games"], ("games", None)),
        (["games", "--help"], ("games", None)),
        ([], (None, None)),
    ],
)
def test_the_command_word_is_found_as_argparse_finds_it(
    argv: list[str], expected: tuple[str | None, str | None]
) -> None:
    assert _first_word(argv) == expected


def test_help_lists_installed_plugins_subcommands_and_says_where_the_others_are(
    folder: Path,
) -> None:
    done = run(folder, "--lang", "en", "--help")
    assert done.returncode == 0
    assert "games" in done.stdout  # an installed (entry-point) plugin's subcommand
    assert "kusanone plugins" in done.stdout
    assert not (folder / "marker").exists()


# -- trust ---------------------------------------------------------------------------------------


def listing(
    capsys: pytest.CaptureFixture[str], store: Path, *dirs: Path
) -> tuple[dict[str, dict], str]:
    flags = [f for d in dirs for f in ("--plugins-dir", str(d))]
    assert main(["--lang", "en", "plugins", "--json", "--data", str(store), *flags]) == 0
    out, err = capsys.readouterr()
    return {r["name"]: r for r in json.loads(out)}, err


def loose(folder: Path, name: str, marker: Path, mode: int = 0o644) -> Path:
    folder.mkdir(exist_ok=True, mode=0o755)
    path = folder / f"{name}.py"
    path.write_text(marker_plugin(marker), "utf-8")
    os.chmod(path, mode)
    return path


def a_shared_group() -> int | None:
    """A group that is not this user's private group, to make a file group-writable for others;
    ``None`` when this process cannot give a file such a group."""
    import grp
    import pwd

    user = pwd.getpwuid(os.geteuid())
    primary = grp.getgrgid(user.pw_gid)
    if primary.gr_name != user.pw_name or set(primary.gr_mem) - {user.pw_name}:
        return user.pw_gid  # the user's own group is shared already
    if ROOT:
        for name in ("nogroup", "users", "nobody"):
            try:
                return grp.getgrnam(name).gr_gid
            except KeyError:
                continue
    return None


@posix_only
@pytest.mark.parametrize("what", ["file", "folder"])
@pytest.mark.parametrize("writable_by", ["others", "group"])
def test_a_file_or_folder_others_can_write_is_not_imported_and_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str, writable_by: str
) -> None:
    folder = tmp_path / "mine"
    path = loose(folder, "shared", tmp_path / "marker")
    target = path if what == "file" else folder
    bit = stat.S_IWOTH if writable_by == "others" else stat.S_IWGRP
    if writable_by == "group":
        gid = a_shared_group()
        if gid is None:
            pytest.skip("no group other than the user's private one to give the file")
        os.chown(target, -1, gid)
    os.chmod(target, stat.S_IMODE(target.stat().st_mode) | bit)
    listed, err = listing(capsys, tmp_path / "store", folder)
    assert not (tmp_path / "marker").exists()
    record = listed["shared"]
    assert record["enabled"] is False and record["trusted"] is False
    assert record["origin"] == FROM_FLAG and record["location"] == str(path)
    assert "writable by group or others" in record["error"]
    if what == "folder":
        assert str(folder) in record["error"]
    notice = [line for line in err.splitlines() if "shared.py" in line]
    assert len(notice) == 1 and "not loading" in notice[0] and "chmod go-w" in notice[0]


@posix_only
def test_a_file_in_the_user_s_private_group_may_be_group_writable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With user private groups (umask 002), group-writable means writable by the user alone;
    Debian's ssh accepts that too."""
    import grp
    import pwd

    user = pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(user.pw_gid)
    if group.gr_name != user.pw_name or set(group.gr_mem) - {user.pw_name}:
        pytest.skip("this user's group is not a private group")
    folder = tmp_path / "mine"
    path = loose(folder, "own", tmp_path / "marker", mode=0o664)
    os.chown(path, -1, user.pw_gid)
    listed, _ = listing(capsys, tmp_path / "store", folder)
    assert listed["own"]["enabled"] and listed["own"]["trusted"]
    assert (tmp_path / "marker").exists()


@pytest.mark.skipif(not ROOT, reason="giving a file to another user needs root")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_file_or_folder_of_another_user_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str
) -> None:
    import pwd

    nobody = pwd.getpwnam("nobody")
    folder = tmp_path / "store" / "plugins"
    folder.mkdir(parents=True)
    path = loose(folder, "theirs", tmp_path / "marker")
    os.chown(path if what == "file" else folder, nobody.pw_uid, nobody.pw_gid)
    listed, err = listing(capsys, tmp_path / "store")
    assert not (tmp_path / "marker").exists()
    record = listed["theirs"]
    assert record["origin"] == FROM_STORE and not record["enabled"] and not record["trusted"]
    assert f"belongs to another user (uid {nobody.pw_uid}" in record["error"]
    assert "theirs.py" in err


@posix_only
def test_a_symlink_is_checked_at_its_target(tmp_path: Path) -> None:
    """A link in a trusted folder to a file in a folder anyone may write: refused; a link to a
    trusted file: loaded, under the link's name."""
    shared = tmp_path / "shared"
    loose(shared, "real", tmp_path / "marker")
    os.chmod(shared, 0o777)
    safe = tmp_path / "safe"
    loose(safe, "good", tmp_path / "marker-good")
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    (mine / "linked.py").symlink_to(shared / "real.py")
    (mine / "fine.py").symlink_to(safe / "good.py")
    assert "writable by group or others" in (untrusted(mine / "linked.py") or "")
    host = PluginHost.discover([mine], use_entry_points=False)
    assert not host.records["linked"].enabled and not (tmp_path / "marker").exists()
    assert host.records["fine"].enabled and (tmp_path / "marker-good").exists()
    assert [path for path, _ in host.refused] == [str(mine / "linked.py")]


@posix_only
def test_a_trusted_file_is_listed_with_where_it_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    loose(store / "plugins", "from_store", tmp_path / "m1")
    loose(tmp_path / "dev", "from_flag", tmp_path / "m2")
    listed, err = listing(capsys, store, tmp_path / "dev")
    assert listed["from_store"]["origin"] == FROM_STORE
    assert listed["from_flag"]["origin"] == FROM_FLAG
    assert all(listed[n]["trusted"] and listed[n]["enabled"] for n in ("from_store", "from_flag"))
    assert listed["hitokoto"]["origin"] == "entry point" and listed["hitokoto"]["trusted"] is None
    assert err == ""
    assert not (store / "plugins" / "__pycache__").exists()  # nothing written beside them


@posix_only
async def test_a_refused_file_is_named_on_the_meetings_screen_too(tmp_path: Path) -> None:
    """The stderr line is gone once the app takes the terminal: the app says it as a notice."""
    from kusanone_tui.plugin_host import PluginHost
    from kusanone_tui.store.sessions import SessionStore
    from kusanone_tui.templates import load
    from kusanone_tui.tui.app import KusanoneApp

    folder = tmp_path / "mine"
    path = loose(folder, "shared", tmp_path / "marker")
    os.chmod(path, 0o666)
    host = PluginHost.discover([folder])
    log = SessionStore(tmp_path / "store").create(load("teireikai"), title="会")
    app = KusanoneApp(log, plugins=host)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert not (tmp_path / "marker").exists()
    assert any("shared.py" in m for m in messages)
