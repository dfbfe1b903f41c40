"""``kusanone serve`` in a real browser: headless Chromium, driven over the DevTools protocol.

Two tabs on one running demo session, the projector link and the note-taker link. A note typed in
the note-taker tab (made public with Ctrl+T) appears in the projector tab; a minutes-only note does
not; keys typed in the projector tab change nothing. A screenshot of each tab is saved under
``tests/artifacts/serve/`` (or ``$KUSANONE_ARTIFACTS/serve/``). Closing a tab ends its app.

Needs Chromium (``apt-get install chromium``; ``.ci/run`` installs it). Only loopback addresses.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from kusanone_tui.demo import create_demo
from kusanone_tui.store.session import SessionLog

CHROMIUM = next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium here (apt-get install chromium; .ci/run installs it)"
)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("KUSANONE_ARTIFACTS") or ROOT / "tests" / "artifacts") / "serve"

ANSI = re.compile(
    r"\x1b\[[0-9;:?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b."
)

#: Runs in each tab before the page: keeps what the app sends to the terminal as text, so the
#: test can read the screen (xterm.js draws on a canvas).
CAPTURE = """
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.__screenText = "";
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string") return;
        window.__screenText += decoder.decode(event.data, {stream: true});
      });
    }
  };
})();
"""

SERVE = "import sys; from pathlib import Path; from kusanone_tui.serve import serve; " + (
    "sys.exit(serve(Path(sys.argv[1]), '127.0.0.1', 0, Path(sys.argv[2]), 'ja'))"
)


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
                if int(fields[1]) == pid and fields[0] != "Z":
                    found.add(int(entry.name))
    return found


class DevTools:
    """The Chrome DevTools Protocol over one browser websocket (flat sessions per tab)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = 0
        self.pending: dict[int, asyncio.Future] = {}
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            future = self.pending.pop(data.get("id", -1), None)
            if future is None or future.done():
                continue
            if "error" in data:
                future.set_exception(RuntimeError(f"DevTools: {data['error']}"))
            else:
                future.set_result(data.get("result", {}))

    async def call(
        self, method: str, params: dict | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self.ids += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.ids] = future
        command: dict[str, Any] = {"id": self.ids, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        await self.ws.send_str(json.dumps(command))
        return await asyncio.wait_for(future, 30)


class BrowserTab:
    """One tab, opened on ``url`` with the screen capture in place."""

    def __init__(self, devtools: DevTools, target: str, session: str) -> None:
        self.devtools, self.target, self.session = devtools, target, session

    @classmethod
    async def open(cls, devtools: DevTools, url: str) -> BrowserTab:
        target = (await devtools.call("Target.createTarget", {"url": "about:blank"}))["targetId"]
        attached = await devtools.call(
            "Target.attachToTarget", {"targetId": target, "flatten": True}
        )
        tab = cls(devtools, target, attached["sessionId"])
        await tab.call("Page.enable")
        await tab.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False},
        )
        await tab.call("Emulation.setFocusEmulationEnabled", {"enabled": True})
        await tab.call("Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE})
        await tab.call("Page.navigate", {"url": url})
        return tab

    async def call(self, method: str, params: dict | None = None) -> dict[str, Any]:
        return await self.devtools.call(method, params, self.session)

    async def evaluate(self, expression: str) -> Any:
        result = await self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}
        )
        return result.get("result", {}).get("value")

    async def text(self) -> str:
        """Everything the app has written to this tab's terminal, escapes removed."""
        return ANSI.sub("", await self.evaluate("window.__screenText || ''") or "")

    async def wait_for(self, mark: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        text = await self.text()
        while mark not in text and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            text = await self.text()
        assert mark in text, f"{mark!r} not on the screen within {seconds}s: {text[-1500:]!r}"
        return text

    async def focus_terminal(self) -> None:
        """Focus xterm.js's input (what a click on the terminal does), without clicking the app."""
        focused = await self.evaluate(
            "(() => { const t = document.querySelector('.xterm-helper-textarea');"
            " t.focus(); return document.activeElement === t; })()"
        )
        assert focused, "the terminal's input did not take the focus"

    async def type(self, text: str) -> None:
        await self.call("Input.insertText", {"text": text})

    async def key(
        self, key: str, code: str, vk: int, modifiers: int = 0, text: str | None = None
    ) -> None:
        down: dict[str, Any] = {
            "type": "keyDown",  # not rawKeyDown: Chromium keeps that Ctrl+T for a new tab
            "key": key,
            "code": code,
            "windowsVirtualKeyCode": vk,
            "nativeVirtualKeyCode": vk,
            "modifiers": modifiers,
        }
        if text:
            down |= {"text": text, "unmodifiedText": text}
        await self.call("Input.dispatchKeyEvent", down)
        up = {k: v for k, v in down.items() if k not in ("text", "unmodifiedText")}
        await self.call("Input.dispatchKeyEvent", up | {"type": "keyUp"})

    async def ctrl(self, letter: str) -> None:
        await self.key(letter, f"Key{letter.upper()}", ord(letter.upper()), modifiers=2)

    async def enter(self) -> None:
        await self.key("Enter", "Enter", 13, text="\r")

    async def screenshot(self, path: Path) -> Path:
        await self.devtools.call("Target.activateTarget", {"targetId": self.target})
        await self.call("Page.bringToFront")
        shot = await self.call("Page.captureScreenshot", {"format": "png"})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    async def close(self) -> None:
        await self.devtools.call("Target.closeTarget", {"targetId": self.target})


def start_server(session: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(session), str(session.parent)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    assert process.stdout is not None
    links: dict[str, str] = {}
    lines: list[str] = []
    while len(links) < 3 and (line := process.stdout.readline()):
        lines.append(line)
        for role in ("projector", "notes", "facilitator"):
            if found := re.search(rf"http://127\.0\.0\.1:\d+/{role}\?token=\S+", line):
                links[role] = found.group(0)
    assert len(links) == 3, "".join(lines)
    return process, links


def stop_chromium(chromium: subprocess.Popen) -> None:
    chromium.terminate()
    try:
        chromium.wait(timeout=10)
    except subprocess.TimeoutExpired:
        chromium.kill()
        chromium.wait(timeout=10)


def stop_server(server: subprocess.Popen) -> int | None:
    """Ctrl+C to ``kusanone serve``, as a person stops it; its exit code (None if killed)."""
    server.send_signal(signal.SIGINT)
    try:
        return server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
        return None


def start_chromium(profile: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Headless Chromium with DevTools on a loopback port; its browser websocket address."""
    assert CHROMIUM is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--mute-audio",
        "--window-size=1280,800",
        f"--user-data-dir={profile}",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
    ]
    log = (profile.parent / "chromium.log").open("wb")
    process = subprocess.Popen([CHROMIUM, *flags, "about:blank"], stdout=log, stderr=log)
    active = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError, ValueError):
            port, path = active.read_text().split()[:2]
            return process, f"ws://127.0.0.1:{int(port)}{path}"
        time.sleep(0.1)
    process.kill()
    process.wait(timeout=10)
    log.close()
    raise AssertionError("Chromium did not start: " + (profile.parent / "chromium.log").read_text())


def notes_of(session: Path) -> dict[str, str]:
    """Note text → visibility, as the session file has them."""
    state = SessionLog.open(session).state()
    return {note.text or "": note.visibility for note in state.notes.values()}


async def test_a_note_typed_in_the_browser_reaches_the_projector_tab(tmp_path: Path) -> None:
    started = time.monotonic()
    session = create_demo(tmp_path / "store").path
    marker = f"BROWSER-{secrets.token_hex(3)}"
    hidden = f"MINUTES-{secrets.token_hex(3)}"
    server, links = start_server(session)
    chromium, browser_url = start_chromium(tmp_path / "chromium")
    try:
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(browser_url, max_msg_size=0)
            devtools = DevTools(ws)
            projector = await BrowserTab.open(devtools, links["projector"])
            notes = await BrowserTab.open(devtools, links["notes"])
            await projector.wait_for("みんなの近況")  # the projector's board
            await notes.wait_for("Ctrl+T")  # the note-taker's line
            assert len(children_of(server.pid)) == 2  # one app per tab
            assert await notes.evaluate("document.body.classList.contains('-first-byte')")

            # The note-taker makes the next note public (Ctrl+T) and types it.
            await notes.focus_terminal()
            await notes.ctrl("t")
            await notes.wait_for("公開   Ctrl+T")  # the badge beside the box says how it is kept
            await notes.type(f"{marker} ブラウザから")
            await notes.enter()
            deadline = time.monotonic() + 20
            while notes_of(session).get(f"{marker} ブラウザから") != "public":
                assert time.monotonic() < deadline, notes_of(session)
                await asyncio.sleep(0.2)
            await projector.wait_for(marker, seconds=20)

            # After each note the next is minutes-only again: it stays off the projector
            await notes.wait_for("議事録のみ   Ctrl+T")
            await notes.type(hidden)
            await notes.enter()
            deadline = time.monotonic() + 20
            while notes_of(session).get(hidden) != "minutes":
                assert time.monotonic() < deadline, notes_of(session)
                await asyncio.sleep(0.2)
            await notes.wait_for(hidden)

            # Whatever is typed on the projector changes nothing and shows nothing more.
            await asyncio.sleep(0.5)
            before = len(SessionLog.open(session).events())
            seen = len(await projector.text())
            await projector.focus_terminal()
            await projector.type("ntsa+xbgzmkulrpco")
            await projector.key(" ", "Space", 32, text=" ")
            for letter in "tbnre":
                await projector.ctrl(letter)
            await projector.key("F1", "F1", 112)
            await projector.key("F2", "F2", 113)
            await projector.ctrl("p")  # the command palette
            await projector.type("next")
            await projector.enter()
            await projector.key("Escape", "Escape", 27)
            await projector.type("HACK")
            await projector.enter()
            await asyncio.sleep(2)
            assert len(SessionLog.open(session).events()) == before
            after = (await projector.text())[seen:]
            assert "Ctrl+T" not in after and "次へ" not in after  # still the projector
            assert hidden not in await projector.text()
            await projector.key("Escape", "Escape", 27)

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shots = [
                await projector.screenshot(ARTIFACTS / "projector.png"),
                await notes.screenshot(ARTIFACTS / "notes.png"),
            ]
            for shot in shots:
                assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000

            # Closing a tab ends its app; the other goes on.
            await notes.close()
            deadline = time.monotonic() + 20
            while len(children_of(server.pid)) > 1:
                assert time.monotonic() < deadline, "the closed tab's app is still running"
                await asyncio.sleep(0.2)
            await projector.close()
            deadline = time.monotonic() + 20
            while children_of(server.pid):
                assert time.monotonic() < deadline, "the closed tab's app is still running"
                await asyncio.sleep(0.2)
            await ws.close()
    finally:
        stop_chromium(chromium)
        server.send_signal(signal.SIGINT)
        try:
            code = server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
            raise
        output = server.stdout.read() if server.stdout else ""
    assert code == 0, output
    assert "Traceback" not in output, output
    assert time.monotonic() - started < 60
