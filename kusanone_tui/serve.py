"""``kusanone serve``: the meeting in a browser, one app process per browser tab.

Built on textual-serve: each browser connection starts ``python -m kusanone_tui open SESSION
--role ROLE`` with Textual's web driver, and every such process follows the same session log, as
terminals do. What this module adds:

* **A link per role, each with its own random token.** ``/projector?token=…``, ``/notes?token=…``,
  ``/facilitator?token=…``. The token is checked (in constant time) before the page is served and
  again before the websocket that starts the app; without a valid one the answer is 403 and no
  process is started. The projector's token does not open the note-taker's or the facilitator's
  view, so the projector link cannot be edited into a control link.
* **The role comes from the link, never from the browser.** The command is built here from a fixed
  argument list (no shell); the browser only chooses the terminal size.
* **Loopback by default.** ``--no-token`` is refused on any address but 127.0.0.1/::1/localhost.
* **One clear line** when the port is taken, the address cannot be bound, or the session is gone.
* **Closing a tab ends its process**, and stopping the server ends every process it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import html
import ipaddress
import logging
import secrets
import socket
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TextIO

from aiohttp import web
from rich.cells import cell_len
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from .i18n import LANGUAGES, t

#: The roles a link can carry, in the order the links are printed.
ROLES = ("projector", "notes", "facilitator")

EXIT_ERROR = 1
EXIT_USAGE = 2

#: At most this many app processes at once (each browser tab is one process).
MAX_APPS = 24

#: Seconds a closed tab's app gets to quit by itself before it is killed.
QUIT_SECONDS = 5.0

#: The grid the projector's layout is designed for (columns × rows): its link sizes the font
#: from the window so that this grid fills it (docs/meeting.md, "in the room").
PROJECTOR_GRID = (60, 18)

#: The font size of the other links, and of any link given ``&fontsize=``'s bounds.
FONT_SIZE = 16
FONT_SIZES = (8, 200)

#: Where textual.js is served with its terminal made reachable (for the projector's re-fit).
SCRIPT_PATH = "/kusanone/textual.js"
_SCRIPT_HOOK = (
    "window.onresize=()=>{this.fit()}",
    "window.onresize=()=>{this.fit()},window.kusanoneTerminal=this",
)

log = logging.getLogger("kusanone.serve")


def message(lang: str, key: str, **values: object) -> str:
    """A message of the ``[serve]`` catalogue, in ``lang``."""
    return t(f"serve.{key}", lang=lang, **values)


class ServeError(Exception):
    """A problem the user can fix, told in one line (``code`` is the exit status)."""

    def __init__(self, text: str, code: int = EXIT_ERROR) -> None:
        super().__init__(text)
        self.code = code


# -- addresses and tokens ----------------------------------------------------------------------
def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach: 127.0.0.0/8, ::1, ``localhost``."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def new_tokens() -> dict[str, str]:
    """A fresh random token for each role (128 bits each)."""
    return {role: secrets.token_urlsafe(16) for role in ROLES}


def token_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def bind(host: str, port: int, lang: str = "ja") -> socket.socket:
    """A listening socket on ``host:port``, or a :class:`ServeError` saying why not."""
    if not 0 <= port <= 65535:
        raise ServeError(message(lang, "bad_port", port=port), EXIT_USAGE)
    name = host.strip("[]") or None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            name, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as error:
        raise ServeError(message(lang, "bad_host", host=host, reason=error), EXIT_USAGE) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a just-stopped server's port
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise ServeError(message(lang, "port_taken", port=port, host=host)) from None
        if error.errno == errno.EACCES:
            raise ServeError(message(lang, "port_denied", port=port)) from None
        reason = error.strerror or error
        raise ServeError(message(lang, "bad_host", host=host, reason=reason)) from None
    sock.setblocking(False)
    return sock


def link_host(host: str) -> str:
    """The host part of the printed links."""
    name = host.strip("[]")
    if name in ("", "0.0.0.0", "::"):
        return socket.gethostname()
    return f"[{name}]" if ":" in name else name


# -- the app processes -----------------------------------------------------------------------
def _end_with_parent():
    """On Linux: a function that makes a child get SIGTERM when the server dies, even killed.

    Textual's web driver quits on SIGTERM; without this, a server killed with SIGKILL would leave
    its apps running (they do not notice their input closing).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes
        import signal

        prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not in the child
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def end_with_parent() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return end_with_parent


_END_WITH_PARENT = _end_with_parent()


class RoleAppService(AppService):
    """textual-serve's app process, started from an argument list (no shell), stopped for sure."""

    def __init__(self, argv: list[str], quit_seconds: float = QUIT_SECONDS, **kwargs) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self.quit_seconds = quit_seconds

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def _open_app_process(self, width: int = 80, height: int = 24):
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            preexec_fn=_END_WITH_PARENT,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the app to quit; kill it if it has not within ``quit_seconds``."""
        process = self._process
        if self._task is not None:
            try:
                await asyncio.wait_for(super().stop(), self.quit_seconds)
            except Exception:  # a timeout, or a broken pipe to an app already gone
                log.debug("app %s did not quit; killing it", self.pid, exc_info=True)
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), self.quit_seconds)
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, self.quit_seconds)
            self._task = None


PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="{script}"></script>
<style>
@font-face {{
  font-family: "Roboto Mono";
  src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf");
}}
body {{ margin: 0; background: {background}; color: {foreground}; }}
.textual-terminal {{ opacity: 0; transition: opacity 0.3s ease-out; }}
body.-first-byte .textual-terminal {{ opacity: 1; }}
#start {{ display: none; }}
.closed {{
  display: none; position: absolute; inset: 0; z-index: 10;
  align-items: center; justify-content: center; flex-direction: column;
  font: 20px sans-serif; background: {background};
}}
body.-closed .closed {{ display: flex; }}
.closed button {{ font: inherit; margin: 1em; padding: 0.5em 1.5em; cursor: pointer; }}
</style>
</head>
<body>
<div class="closed"><p>{ended}</p>
  <button type="button" onclick="location.reload()">{reload}</button></div>
<span id="start" hidden></span>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{socket_url}"
  data-font-size="{font_size}" data-fit="{fit}"></div>
<script>
(function () {{
  var terminal = document.getElementById("terminal");
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  terminal.dataset.sessionWebsocketUrl = scheme + location.host + "{socket_path}";
  // The projector: the font sized from the window, so that the designed grid fills it.
  var fit = terminal.dataset.fit.split("x").map(Number);
  if (!(fit[0] > 0 && fit[1] > 0)) return;
  var FAMILY = "'Roboto Mono', Monaco, 'Courier New', monospace";
  function fitted() {{
    var probe = document.createElement("span");
    probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre;left:0;top:0;" +
      "font-size:100px;font-family:" + FAMILY;
    probe.textContent = "W".repeat(40);
    document.body.appendChild(probe);
    var box = probe.getBoundingClientRect();
    probe.remove();
    var width = box.width / 40 / 100, height = box.height / 100;
    var size = Math.min(
      window.innerWidth / (fit[0] * width), window.innerHeight / (fit[1] * height));
    return Math.max(8, Math.min(400, Math.floor(size)));
  }}
  terminal.dataset.fontSize = fitted();
  function refit() {{
    var shown = window.kusanoneTerminal;  // textual.js's terminal (see serve.py)
    var size = fitted();
    terminal.dataset.fontSize = size;
    if (shown && Number(shown.terminal.options.fontSize) !== size) {{
      shown.terminal.options.fontSize = size;
      // xterm.js measures the new cell size on its next frame: fit after it
      setTimeout(function () {{ shown.fit(); }}, 50);
      setTimeout(function () {{ shown.fit(); }}, 400);
    }}
  }}
  var waiting = null;
  window.addEventListener("resize", function () {{
    clearTimeout(waiting);
    waiting = setTimeout(refit, 150);
  }});
  if (document.fonts) document.fonts.load("100px 'Roboto Mono'").then(refit, function () {{}});
  // A grid fitted while the app was still starting may not reach it: tell it again once it
  // draws (textual.js sends the size only when it changes).
  var told = 0;
  var again = setInterval(function () {{
    var shown = window.kusanoneTerminal;
    if (!shown || !document.body.classList.contains("-first-byte")) return;
    shown.sendSize();
    if (++told >= 2) clearInterval(again);
  }}, 500);
}})();
</script>
</body>
</html>
"""

FORBIDDEN = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>403</title></head>
<body style="font: 20px sans-serif; margin: 3em"><h1>403</h1><p>{text}</p></body></html>
"""

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


class SessionServer(Server):
    """textual-serve's server, with a token per role and one session's roles as its apps."""

    def __init__(
        self,
        session_path: Path,
        *,
        store_root: Path,
        lang: str = "ja",
        plugins_dirs: Iterable[Path] = (),
        tokens: Mapping[str, str] | None = None,
        title: str = "kusanone",
        host: str = "127.0.0.1",
        port: int = 8000,
        python: str = sys.executable,
        max_apps: int = MAX_APPS,
        quit_seconds: float = QUIT_SECONDS,
        out: TextIO | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__(command="kusanone", host=host, port=port, title=title)
        self.theme = theme if theme in ("light", "dark") else None
        self.session_path = Path(session_path)
        self.store_root = Path(store_root)
        self.lang = lang if lang in LANGUAGES else "ja"
        self.plugins_dirs = [Path(p) for p in plugins_dirs]
        self.tokens = dict(tokens) if tokens is not None else None
        self.python = python
        self.max_apps = max_apps
        self.quit_seconds = quit_seconds
        self.out = out
        self.apps: dict[RoleAppService, web.WebSocketResponse] = {}
        self.started: list[tuple[str, RoleAppService]] = []  # every app ever started, in order
        self._ending: set[asyncio.Future] = set()
        self._script: str | None = None

    # -- what a link may do ---------------------------------------------------------------------
    def allowed(self, role: str, token: str) -> bool:
        if role not in ROLES:
            return False
        if self.tokens is None:
            return True
        return token_matches(token, self.tokens[role])

    def link_path(self, role: str) -> str:
        if self.tokens is None:
            return f"/{role}"
        return f"/{role}?token={self.tokens[role]}"

    def argv(self, role: str) -> list[str]:
        """The app process for ``role``: fixed by the server, nothing from the browser."""
        argv = [self.python, "-m", "kusanone_tui", "open", str(self.session_path)]
        argv += ["--role", role, "--data", str(self.store_root), "--lang", self.lang]
        if self.theme is not None:
            argv += ["--theme", self.theme]
        for folder in self.plugins_dirs:
            argv += ["--plugins-dir", str(folder)]
        return argv

    def _say(self, key: str, **values: object) -> None:
        if self.out is not None:
            stamp = time.strftime("%H:%M:%S")
            print(f"[{stamp}] {message(self.lang, key, **values)}", file=self.out, flush=True)

    # -- the web app ------------------------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        return self.make_app()

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._headers])
        app.add_routes(
            [
                web.static("/static", self.statics_path, show_index=False, name="static"),
                web.get("/ws/{role}/{token}", self.handle_websocket, name="websocket"),
                # a file an open tab's app delivers (e.g. the palette's Screenshot); its key is
                # random and known only to that tab
                web.get("/download/{key}", self.handle_download, name="download"),
                web.get(SCRIPT_PATH, self.handle_script, name="script"),
                web.get("/{role}", self.handle_index, name="index"),
            ]
        )
        app.router.add_route("*", "/{tail:.*}", self.handle_forbidden)
        app.on_shutdown.append(self.on_shutdown)
        app.on_cleanup.append(self.on_cleanup)
        return app

    @web.middleware
    async def _headers(self, request: web.Request, handler) -> web.StreamResponse:
        response = await handler(request)
        if not response.prepared:
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
        return response

    def forbidden(self) -> web.Response:
        text = html.escape(message(self.lang, "forbidden"))
        page = FORBIDDEN.format(lang=self.lang, text=text)
        return web.Response(status=403, text=page, content_type="text/html")

    async def handle_forbidden(self, request: web.Request) -> web.Response:
        return self.forbidden()

    async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
        role = request.match_info["role"]
        token = request.query.get("token", "")
        if not self.allowed(role, token):
            return self.forbidden()
        given = request.query.get("fontsize")
        low, high = FONT_SIZES
        font_size = min(max(to_int(given or str(FONT_SIZE), FONT_SIZE), low), high)
        # The projector's font fills the window with its designed grid, unless one was asked for.
        columns, rows = PROJECTOR_GRID
        fit = f"{columns}x{rows}" if role == "projector" and not given else ""
        background, foreground = self.page_colours(role)
        # the server's own token, never the query's text: nothing from the request is echoed
        socket_path = f"/ws/{role}/{self.tokens[role] if self.tokens is not None else '-'}"
        label = message(self.lang, f"name.{role}")
        page = PAGE.format(
            lang=self.lang,
            title=html.escape(f"{label} — {self.title}"),
            socket_url=html.escape(f"ws://{request.host}{socket_path}"),
            socket_path=socket_path,
            font_size=font_size,
            fit=fit,
            script=SCRIPT_PATH,
            background=background,
            foreground=foreground,
            ended=html.escape(message(self.lang, "ended")),
            reload=html.escape(message(self.lang, "reload")),
        )
        return web.Response(text=page, content_type="text/html")

    def page_colours(self, role: str) -> tuple[str, str]:
        """The page's background and text, in the theme the role's app will show (around the
        terminal's grid, the window's few spare pixels match it)."""
        from .tui.themes import THEMES, room_theme

        chosen = template = None
        with contextlib.suppress(Exception):  # a page is served even if the log cannot be read
            from .store.session import SessionLog

            log = SessionLog.open(self.session_path)
            try:
                state = log.state()
            finally:
                log.close()
            chosen, template = state.theme, getattr(state.template, "theme", None)
        theme = THEMES[room_theme(chosen, self.theme, template, role)]
        return theme.background or "#111c26", theme.foreground or "#f4f1e8"

    async def handle_script(self, request: web.Request) -> web.Response:
        """textual.js, with its terminal reachable as ``window.kusanoneTerminal`` so that the
        projector's page can size the font again when the window changes. Unchanged if the
        hook is not found (then the font is fitted once, when the page opens)."""
        if self._script is None:
            original = (Path(self.statics_path) / "js" / "textual.js").read_text("utf-8")
            self._script = original.replace(*_SCRIPT_HOOK, 1)
        return web.Response(text=self._script, content_type="application/javascript")

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        role = request.match_info["role"]
        if not self.allowed(role, request.match_info["token"]):
            return self.forbidden()  # before the upgrade: no socket, no process
        if len(self.apps) >= self.max_apps:
            self._say("full", limit=self.max_apps)
            raise web.HTTPServiceUnavailable(text=message(self.lang, "full", limit=self.max_apps))
        width = min(max(to_int(request.query.get("width", "80"), 80), 10), 1000)
        height = min(max(to_int(request.query.get("height", "24"), 24), 5), 500)
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        service = RoleAppService(
            self.argv(role),
            quit_seconds=self.quit_seconds,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.apps[service] = websocket
        self.started.append((role, service))
        label = message(self.lang, f"name.{role}")
        try:
            await service.start(width, height)
            self._say("opened", role=label, count=len(self.apps))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            pass  # the connection was lost, or the server is stopping: the tab is closed
        except Exception:
            log.exception("the %s tab failed", role)
        finally:
            # Ending the app must not be cut short by a cancelled handler: it runs on its own.
            ending = asyncio.ensure_future(self._end(service, websocket, label))
            self._ending.add(ending)
            ending.add_done_callback(self._ending.discard)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(ending)
        return websocket

    async def _end(
        self, service: RoleAppService, websocket: web.WebSocketResponse, label: str
    ) -> None:
        try:
            await service.stop()
        finally:
            self.apps.pop(service, None)
            with contextlib.suppress(Exception):
                await websocket.close()
            self._say("closed", role=label, count=len(self.apps))

    async def on_startup(self, app: web.Application) -> None:
        """The links are printed by :func:`serve`, once the port is bound."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every tab's socket, so each handler stops its app."""
        for websocket in list(self.apps.values()):
            with contextlib.suppress(Exception):
                await websocket.close(code=1001)

    async def on_cleanup(self, app: web.Application) -> None:
        """Whatever is still running now is stopped for sure."""
        await asyncio.gather(*(service.stop() for service in list(self.apps)))
        if self._ending:
            await asyncio.wait(list(self._ending), timeout=self.quit_seconds * 3)
        self.apps.clear()


def session_title(session_path: Path) -> str:
    from .store.sessions import SessionStore

    try:
        return SessionStore(session_path.parent).info(session_path).title or session_path.name
    except (OSError, ValueError):
        return session_path.name


def serve(
    session_path: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    store_root: Path | None = None,
    lang: str = "ja",
    plugins_dirs: Iterable[Path] = (),
    *,
    no_token: bool = False,
    out: TextIO | None = None,
    theme: str | None = None,
) -> int:
    """Serve ``session_path`` to browsers until Ctrl+C; print one link per role first.

    Raises :class:`ServeError` (one line, with an exit code) for what the user can fix: a missing
    session file, ``no_token`` off loopback, a taken port or an address that cannot be bound.
    """
    out = out or sys.stdout
    lang = lang if lang in LANGUAGES else "ja"
    session_path = Path(session_path).absolute()  # the apps may start elsewhere
    if not session_path.is_file():
        raise ServeError(message(lang, "no_session", path=session_path))
    if no_token and not is_loopback(host):
        raise ServeError(message(lang, "no_token_remote", host=host), EXIT_USAGE)
    sock = bind(host, port, lang)
    bound_port = sock.getsockname()[1]
    server = SessionServer(
        session_path,
        store_root=Path(store_root).absolute() if store_root is not None else session_path.parent,
        lang=lang,
        plugins_dirs=plugins_dirs,
        tokens=None if no_token else new_tokens(),
        title=session_title(session_path),
        host=host,
        port=bound_port,
        out=out,
        theme=theme,
    )
    base = f"http://{link_host(host)}:{bound_port}"
    where = f"[{host.strip('[]')}]:{bound_port}" if ":" in host else f"{host}:{bound_port}"
    say = [message(lang, "serving", title=server.title, where=where)]
    labels = {role: message(lang, f"role.{role}") for role in ROLES}
    width = max(cell_len(label) for label in labels.values())
    for role, label in labels.items():
        pad = " " * (width - cell_len(label))
        say.append(f"  {label}{pad}  {base}{server.link_path(role)}")
    if no_token:
        say.append(message(lang, "no_token"))
    if not is_loopback(host):
        say.append(message(lang, "lan", host=host))
        if link_host(host) != host.strip("[]"):
            say.append(message(lang, "wildcard", name=link_host(host)))
    say.append(message(lang, "quit"))
    print("\n".join(say), file=out, flush=True)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    try:
        web.run_app(
            server.make_app(),
            sock=sock,
            print=None,
            access_log=None,  # the links' tokens are in the paths: they are not logged
            shutdown_timeout=QUIT_SECONDS,
            handle_signals=True,
        )
    finally:
        sock.close()
    return 0
