"""``kusanone serve``: no way in without a link's token, the link's role decides the view, and
every app process a tab starts ends with the tab (or with the server)."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from kusanone_tui.demo import create_demo
from kusanone_tui.serve import (
    ROLES,
    ServeError,
    SessionServer,
    bind,
    is_loopback,
    link_host,
    new_tokens,
    serve,
)
from kusanone_tui.store.session import SessionLog

ANSI = re.compile(
    r"\x1b\[[0-9;:?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b."
)

#: Text only each role's screen shows (Japanese, the default language).
MARKS = {
    "projector": "みんなの近況",  # the board of public notes
    "notes": "Ctrl+T",  # the visibility toggle under the note-taker's input
    "facilitator": "次へ",  # the facilitator's "next stage" key
}


def terminal_text(data: bytes) -> str:
    """What a terminal stream writes, without its escape sequences."""
    return ANSI.sub("", data.decode("utf-8", "replace"))


def children_of(pid: int) -> set[int]:
    """Live child processes of ``pid`` (Linux ``/proc``)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


@pytest.fixture
def session(tmp_path: Path) -> Path:
    return create_demo(tmp_path / "store").path


def make_server(session: Path, tokens=None, **kwargs) -> SessionServer:
    return SessionServer(
        session,
        store_root=session.parent,
        tokens=new_tokens() if tokens is None else tokens,
        title="デモ",
        out=io.StringIO(),
        **kwargs,
    )


class Tab:
    """A browser tab, as far as the server can tell: the websocket, read all the time (so the
    server's heartbeat is answered), and the screen's text so far."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.data = b""
        self.reader = asyncio.ensure_future(self._read())

    @classmethod
    async def open(cls, client, path: str) -> Tab:
        return cls(await client.ws_connect(path))

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.data += msg.data

    @property
    def text(self) -> str:
        return terminal_text(self.data)

    async def wait_for(self, mark: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while mark not in self.text and time.monotonic() < deadline and not self.reader.done():
            await asyncio.sleep(0.05)
        return self.text

    async def close(self) -> None:
        await self.ws.close()
        await asyncio.wait_for(self.reader, 10)


async def wait_ended(server: SessionServer, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while server.apps and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    for _role, service in server.started:
        assert service._process is not None
        assert service._process.returncode is not None, "a closed tab's app is still running"


# -- addresses, tokens, refusals -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.2.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("10.0.0.5", False),
        ("example.org", False),
        ("", False),
    ],
)
def test_which_addresses_are_local(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_tokens_are_random_and_one_per_role() -> None:
    first, second = new_tokens(), new_tokens()
    assert set(first) == set(ROLES)
    assert len(set(first.values())) == len(ROLES)
    assert not set(first.values()) & set(second.values())
    assert all(len(token) >= 20 for token in first.values())


def test_link_host() -> None:
    assert link_host("127.0.0.1") == "127.0.0.1"
    assert link_host("::1") == "[::1]"
    assert link_host("0.0.0.0") == socket.gethostname()


def test_no_token_is_refused_off_loopback(session: Path) -> None:
    for host in ("0.0.0.0", "192.168.1.20", "::"):
        with pytest.raises(ServeError) as caught:
            serve(session, host, 0, no_token=True, out=io.StringIO())
        assert caught.value.code == 2
        assert "--no-token" in str(caught.value) and "\n" not in str(caught.value)


def test_a_taken_port_is_one_clear_line(session: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(ServeError) as caught:
            serve(session, "127.0.0.1", port, out=io.StringIO())
        assert str(port) in str(caught.value) and "\n" not in str(caught.value)
        assert caught.value.code == 1
        with pytest.raises(ServeError, match="already in use"):
            serve(session, "127.0.0.1", port, lang="en", out=io.StringIO())


def test_a_bad_port_or_host(session: Path) -> None:
    with pytest.raises(ServeError) as caught:
        bind("127.0.0.1", 70000)
    assert caught.value.code == 2
    with pytest.raises(ServeError):
        bind("no-such-host.invalid", 0)


def test_a_missing_session_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ServeError) as caught:
        serve(tmp_path / "gone.session.jsonl", "127.0.0.1", 0, out=io.StringIO())
    assert "gone.session.jsonl" in str(caught.value) and "\n" not in str(caught.value)


def test_the_app_command_is_fixed_by_the_server(session: Path, tmp_path: Path) -> None:
    server = make_server(session, lang="en", plugins_dirs=[tmp_path / "p"])
    argv = server.argv("notes")
    assert argv[:5] == [sys.executable, "-m", "kusanone_tui", "open", str(session)]
    assert argv[argv.index("--role") + 1] == "notes"
    assert argv[argv.index("--lang") + 1] == "en"
    assert argv[argv.index("--data") + 1] == str(session.parent)
    assert argv[argv.index("--plugins-dir") + 1] == str(tmp_path / "p")


# -- HTTP: no token, no way in ---------------------------------------------------------------------
async def test_without_a_valid_token_403_and_no_process(session: Path) -> None:
    server = make_server(session)
    tokens = server.tokens
    assert tokens is not None
    wrong_role = {"projector": tokens["notes"], "notes": tokens["facilitator"]}
    wrong_role["facilitator"] = tokens["projector"]
    async with TestClient(TestServer(server.make_app())) as client:
        assert (await client.get("/download/0123456789abcdef")).status == 404
        paths = ["/", "/index.html", "/ws", "/static/", "/admin?token=x"]
        for role in ROLES:
            paths += [f"/{role}", f"/{role}?token=", f"/{role}?token=nope"]
            paths += [f"/{role}?token={wrong_role[role]}", f"/{role}?token={tokens[role]}x"]
            paths += [f"/{role}?token={tokens[role][:-1]}", f"/{role}?tok={tokens[role]}"]
            paths += [f"/ws/{role}/nope", f"/ws/{role}/{wrong_role[role]}", f"/ws/{role}/-"]
        for path in paths:
            response = await client.get(path)
            assert response.status == 403, path
            body = await response.text()
            assert tokens["projector"] not in body and "textual.js" not in body
        for role in ROLES:  # a websocket upgrade without the right token is refused
            for token in ("nope", wrong_role[role]):
                with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
                    await client.ws_connect(f"/ws/{role}/{token}")
                assert caught.value.status == 403
        # other methods are no way in either
        assert (await client.post(f"/ws/projector/{tokens['projector']}")).status in (403, 405)
    assert server.started == []
    assert children_of(os.getpid()) == set()


async def test_with_the_token_the_page_for_that_role(session: Path) -> None:
    server = make_server(session)
    tokens = server.tokens
    assert tokens is not None
    async with TestClient(TestServer(server.make_app())) as client:
        for role in ROLES:
            response = await client.get(f"/{role}?token={tokens[role]}&fontsize=24")
            assert response.status == 200
            assert response.headers["Cache-Control"] == "no-store"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            page = await response.text()
            assert f'"/ws/{role}/{tokens[role]}"' in page
            assert "textual.js" in page and 'data-font-size="24"' in page
            others = [tokens[other] for other in ROLES if other != role]
            assert not any(token in page for token in others)
            assert "googleapis" not in page  # nothing fetched from outside
        assert (await client.get("/static/js/textual.js")).status == 200
    assert server.started == []  # a page alone starts nothing: the tab's websocket does


async def test_no_token_mode_on_loopback_needs_no_token(session: Path) -> None:
    server = make_server(session, tokens={})
    server.tokens = None
    async with TestClient(TestServer(server.make_app())) as client:
        page = await (await client.get('/notes?token=";alert(1);"')).text()
        assert "alert" not in page and '"/ws/notes/-"' in page  # nothing echoed
        assert (await client.get("/admin")).status == 403
    assert server.link_path("notes") == "/notes"


# -- the role in the link decides the view; closing the tab ends its process ---------------------
@pytest.mark.parametrize("role", ROLES)
async def test_the_link_role_decides_the_view(session: Path, role: str) -> None:
    server = make_server(session)
    assert server.tokens is not None
    async with TestClient(TestServer(server.make_app())) as client:
        tab = await Tab.open(client, f"/ws/{role}/{server.tokens[role]}?width=150&height=45")
        text = await tab.wait_for(MARKS[role])
        assert MARKS[role] in text, text[-2000:]
        for other, mark in MARKS.items():
            if other != role and mark not in MARKS[role]:
                assert mark not in text, f"{role} shows {other}'s {mark!r}"
        assert [r for r, _ in server.started] == [role]
        (_, service) = server.started[0]
        assert service.argv[service.argv.index("--role") + 1] == role
        assert service.pid in children_of(os.getpid())
        await tab.close()  # the tab closes
        await wait_ended(server)
        assert service.pid not in children_of(os.getpid())


async def test_several_tabs_one_session_and_a_closed_tab_ends_only_its_app(session: Path) -> None:
    server = make_server(session)
    tokens = server.tokens
    assert tokens is not None
    async with TestClient(TestServer(server.make_app())) as client:
        projector = await Tab.open(client, f"/ws/projector/{tokens['projector']}?width=150")
        notes = await Tab.open(client, f"/ws/notes/{tokens['notes']}?width=150&height=45")
        second = await Tab.open(client, f"/ws/projector/{tokens['projector']}?width=150")
        for tab, role in ((projector, "projector"), (notes, "notes"), (second, "projector")):
            assert MARKS[role] in await tab.wait_for(MARKS[role])
        assert len(server.apps) == 3
        pids = {service.pid for _, service in server.started}
        assert pids <= children_of(os.getpid())
        await second.close()
        deadline = time.monotonic() + 15
        while len(server.apps) > 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert len(server.apps) == 2
        gone = server.started[2][1]
        assert gone._process is not None and gone._process.returncode is not None
        assert gone.pid not in children_of(os.getpid())
        assert {service.pid for service in server.apps} <= children_of(os.getpid())
        await projector.close()
        await notes.close()
        await wait_ended(server)


WRITER = """
import sys, time
from kusanone_tui.meeting import Meeting
from kusanone_tui.store.session import SessionLog
notes = Meeting(SessionLog.open(sys.argv[1]), "notes")
for n in range(10):
    notes.add_note(f"TERM-{n}", "public")
    time.sleep(0.05)
"""


def note_texts(session: Path) -> list[str]:
    return [note.text or "" for note in SessionLog.open(session).state().notes.values()]


async def type_notes(session: Path, tabs: dict[str, Tab], count: int) -> set[str]:
    """Each tab types ``count`` notes, as a person would: the next once the last one is saved."""
    typed = set()
    for n in range(count):
        batch = {f"{name}-{n}" for name in tabs}
        for name, tab in tabs.items():
            await tab.ws.send_json(["stdin", f"{name}-{n}\r"])
        deadline = time.monotonic() + 15
        while not batch <= set(note_texts(session)) and time.monotonic() < deadline:
            if any(tab.reader.done() for tab in tabs.values()):
                break  # a tab's app ended
            await asyncio.sleep(0.05)
        typed |= batch
        if not batch <= set(note_texts(session)):
            break  # the caller's check tells what is missing
    return typed


async def test_tabs_and_a_terminal_at_once_nothing_lost(session: Path) -> None:
    server = make_server(session)
    tokens = server.tokens
    assert tokens is not None
    async with TestClient(TestServer(server.make_app())) as client:
        notes = await Tab.open(client, f"/ws/notes/{tokens['notes']}?width=150&height=45")
        projector = await Tab.open(client, f"/ws/projector/{tokens['projector']}?width=150")
        facilitator = await Tab.open(client, f"/ws/facilitator/{tokens['facilitator']}")
        for tab, role in ((notes, "notes"), (projector, "projector"), (facilitator, "facilitator")):
            await tab.wait_for(MARKS[role])
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(session)])  # a terminal
        try:
            typed = await type_notes(session, {"TAB": notes}, 8)
            assert writer.wait(timeout=30) == 0
        finally:
            if writer.poll() is None:
                writer.kill()
        texts = note_texts(session)
        terminal = {f"TERM-{n}" for n in range(10)}
        assert typed | terminal <= set(texts), sorted(typed | terminal - set(texts))
        assert len(texts) == len(set(texts))  # nothing twice
        for mark in ("TERM-0", "TERM-9"):  # public: on the projector
            await projector.wait_for(mark, seconds=15)
        assert "TAB-0" not in projector.text  # minutes-only (the default): not on the projector
        for tab in (notes, projector, facilitator):
            await tab.close()
        await wait_ended(server)


async def test_two_note_taker_tabs_at_once_nothing_lost(session: Path) -> None:
    server = make_server(session)
    assert server.tokens is not None
    path = f"/ws/notes/{server.tokens['notes']}?width=150&height=45"
    async with TestClient(TestServer(server.make_app())) as client:
        tabs = {"A": await Tab.open(client, path), "B": await Tab.open(client, path)}
        for tab in tabs.values():
            await tab.wait_for(MARKS["notes"])
        typed = await type_notes(session, tabs, 6)
        texts = note_texts(session)
        assert typed <= set(texts), sorted(typed - set(texts))
        assert len(texts) == len(set(texts))
        assert len(server.apps) == 2, "a note-taker's app ended"
        for tab in tabs.values():
            await tab.close()
        await wait_ended(server)


async def test_too_many_tabs(session: Path) -> None:
    server = make_server(session, max_apps=0)
    assert server.tokens is not None
    async with TestClient(TestServer(server.make_app())) as client:
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await client.ws_connect(f"/ws/notes/{server.tokens['notes']}")
        assert caught.value.status == 503
    assert server.started == []


# -- the real server process ---------------------------------------------------------------------
SERVE = "import sys; from pathlib import Path; from kusanone_tui.serve import serve; " + (
    "sys.exit(serve(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]), "
    "sys.argv[5], no_token=sys.argv[6] == '1'))"
)


def start_server(
    session: Path, host: str = "127.0.0.1", lang: str = "ja", no_token: bool = False
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """The server in its own process on a free port; its links by role."""
    flag = "1" if no_token else "0"
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(session), host, "0", str(session.parent), lang, flag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert process.stdout is not None
    links: dict[str, str] = {}
    lines = []
    deadline = time.monotonic() + 30
    while len(links) < len(ROLES) and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        for role in ROLES:
            found = re.search(rf"http://\S+/{role}\b\S*", line)
            if found:
                links[role] = found.group(0)
    assert len(links) == len(ROLES), "".join(lines) + (
        process.stderr.read() if process.poll() else ""
    )
    return process, links


def stop_server(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        raise


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


async def test_the_server_process_prints_links_and_stops_its_apps_on_ctrl_c(session: Path) -> None:
    process, links = start_server(session)
    try:
        base = links["notes"].split("/notes")[0]
        assert base.startswith("http://127.0.0.1:")
        assert all(re.search(r"\?token=[\w-]{20,}$", link) for link in links.values())
        assert http_status(base + "/") == 403
        assert http_status(base + "/notes") == 403
        assert http_status(links["notes"]) == 200
        assert children_of(process.pid) == set()
        async with aiohttp.ClientSession() as client:
            token = links["notes"].split("token=")[1]
            tab = await Tab.open(client, f"{base.replace('http', 'ws')}/ws/notes/{token}")
            assert MARKS["notes"] in await tab.wait_for(MARKS["notes"])
            apps = children_of(process.pid)
            assert len(apps) == 1
            assert stop_server(process) == 0  # Ctrl+C with a tab open
            await asyncio.wait_for(tab.reader, 10)  # the server closed the tab's socket
        assert not any(alive(pid) for pid in apps)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        out = process.stdout.read() if process.stdout else ""
        err = process.stderr.read() if process.stderr else ""
    assert "Traceback" not in out + err, out + err
    assert "token=" not in err  # tokens are not logged


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
async def test_a_killed_server_leaves_no_app_running(session: Path) -> None:
    process, links = start_server(session)
    apps: set[int] = set()
    try:
        base = links["notes"].split("/notes")[0].replace("http", "ws")
        async with aiohttp.ClientSession() as client:
            token = links["notes"].split("token=")[1]
            tab = await Tab.open(client, f"{base}/ws/notes/{token}")
            assert MARKS["notes"] in await tab.wait_for(MARKS["notes"])
            apps = children_of(process.pid)
            assert len(apps) == 1
            process.kill()  # no chance to clean up
            process.wait(timeout=10)
            deadline = time.monotonic() + 15
            while any(alive(pid) for pid in apps) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert not any(alive(pid) for pid in apps), "an app outlived its server"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for pid in apps:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def test_the_english_links_and_the_no_token_note(session: Path) -> None:
    process, links = start_server(session, lang="en", no_token=True)
    try:
        assert links["projector"].endswith("/projector")
        assert http_status(links["projector"]) == 200
    finally:
        assert stop_server(process) == 0
    out = process.stdout.read() if process.stdout else ""
    assert "no tokens" in out and "Ctrl+C" in out


# -- through the kusanone command (once cli.py has the serve subcommand) --------------------------
def _cli():
    from kusanone_tui import cli

    if "serve" not in cli.COMMANDS:
        pytest.skip("kusanone serve is not wired into cli.py yet")
    return cli


def test_cli_serve_errors_are_one_line(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli = _cli()
    data = str(session.parent)
    assert cli.main(["serve", "no-such-session", "--data", data]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no-such-session" in err
    assert cli.main(["serve", session.name.split(".")[0], "--data", data, "--host", "0.0.0.0",
                     "--no-token"]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--no-token" in err
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        assert cli.main(["serve", str(session), "--data", data, "--port", port]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and port in err and "Traceback" not in err


def test_cli_serve_runs(session: Path) -> None:
    _cli()
    data = ("--data", str(session.parent))
    process = subprocess.Popen(
        [sys.executable, "-m", "kusanone_tui", "serve", str(session), "--port", "0", *data],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        link = next(
            re.search(r"http://\S+/notes\?token=\S+", line) for line in lines if "/notes" in line
        )
        assert link is not None and http_status(link.group(0)) == 200
        assert http_status(link.group(0).split("?")[0]) == 403
    finally:
        assert stop_server(process) == 0
