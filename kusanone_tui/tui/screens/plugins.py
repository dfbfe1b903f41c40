"""The plugins screen (F7): each plugin, whether it is on, and what went wrong with it in this
session — the same as ``kusanone plugins --session S``, so a failure outlives its notice.

It opens over the facilitator's screen, which may be on the wall: there it says which plugin
stopped, in which hook and at which file and line, but not the error's own words (they may hold
a name); the private view (F5) shows those too.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding

from ...i18n import t
from ...plugin_host import PluginHost, session_failures
from ...store.session import SessionLog
from ..base import FrameScroll, KModal, Plain
from ..title_bar import TitleBar


def plugins_text(host: PluginHost, log: SessionLog | None, wall_safe: bool) -> Text:
    """The listing, as literal text (names and errors are data, never markup)."""
    try:
        failures = session_failures(log) if log is not None else {}
    except OSError:
        failures = {}
    out = Text()
    names = sorted(set(host.records) | set(failures))
    if not names:
        out.append(t("cli.no_plugins"))
        return out
    for name in names:
        record = host.records.get(name)
        failed = failures.get(name, [])
        on = record is not None and record.enabled and not failed
        state = t("cli.plugin_on") if on else t("cli.plugin_off")
        version = record.version if record and record.version else "-"
        source = record.source if record else "?"
        if out:
            out.append("\n\n")
        out.append(f"{name} {version}  [{source}]  ", style="bold")
        out.append(state, style="" if on else "italic")
        if record is not None and record.error and not failed:
            error = record.error if not wall_safe else _short(record.error)
            out.append(f"\n    {t('cli.plugin_error')}: {error}")
        for failure in failed:
            where = failure.get("location") or "?"
            line = t("plugins.failed_in", hook=failure.get("hook", "?"), where=where)
            out.append(f"\n    {line}")
            if not wall_safe:
                out.append(f"\n      {failure.get('error', '')}")
    if wall_safe:
        out.append("\n\n")
        out.append(t("plugins.wall_hint"), style="italic")
    return out


def _short(error: str) -> str:
    """The error's kind and place, without its words: ``KeyError (x.py:3)``."""
    kind = error.split(":", 1)[0]
    place = error.rsplit(" (", 1)[1] if error.endswith(")") and " (" in error else ""
    return f"{kind} ({place}" if place else kind


class PluginsScreen(KModal[None]):
    BINDINGS = [Binding("escape,f7", "close", "keys.back")]

    def __init__(self, host: PluginHost, log: SessionLog | None, wall_safe: bool) -> None:
        super().__init__()
        self.host, self.session_log, self.wall_safe = host, log, wall_safe

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with FrameScroll(id="plugins-list"):
            text = plugins_text(self.host, self.session_log, self.wall_safe)
            yield Plain(text, id="plugins-text")

    def on_mount(self) -> None:
        self.sub_title = t("plugins.screen_title")

    def action_close(self) -> None:
        self.dismiss(None)
