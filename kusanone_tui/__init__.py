"""kusanone (草の根): facilitate reflecting dialogue at community meetings.

The public API for scripts and plugin authors is documented in ``docs/api.md``.

Every name below is imported when first used, so ``kusanone --version`` starts without pluggy,
TinyDB or the model (issue 17: start-up where people wait).
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # typing itself is not imported at start-up
if TYPE_CHECKING:
    from typing import Any

    from .hooks import hookimpl
    from .model.events import Actor, Event, new_id, plugin_kind
    from .model.state import MeetingState, fold
    from .store.session import SessionLog
    from .store.sessions import SessionStore, resolve_root

#: Where each public name lives.
_LAZY = {
    "hookimpl": ".hooks",
    "Actor": ".model.events",
    "Event": ".model.events",
    "new_id": ".model.events",
    "plugin_kind": ".model.events",
    "MeetingState": ".model.state",
    "fold": ".model.state",
    "SessionLog": ".store.session",
    "SessionStore": ".store.sessions",
    "resolve_root": ".store.sessions",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from ._version import installed_version

        return installed_version()
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def open_session(ref: str, data: str | None = None) -> SessionLog:
    """Open a session by id, unique id prefix or file path, in the usual store."""
    from .store.sessions import SessionStore, resolve_root

    return SessionStore(resolve_root(data)).open(ref)


__all__ = [
    "Actor",
    "Event",
    "MeetingState",
    "SessionLog",
    "SessionStore",
    "__version__",
    "fold",
    "hookimpl",
    "new_id",
    "open_session",
    "plugin_kind",
    "resolve_root",
]
