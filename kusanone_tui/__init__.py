"""kusanone (草の根): facilitate reflecting dialogue at community meetings.

The public API for scripts and plugin authors is documented in ``docs/api.md``.
"""

from .hooks import hookimpl
from .model.events import Actor, Event, new_id, plugin_kind
from .model.state import MeetingState, fold
from .store.session import SessionLog
from .store.sessions import SessionStore, resolve_root


def __getattr__(name: str) -> str:
    # The version is read lazily: importlib.metadata costs tens of milliseconds at start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("kusanone")
        except PackageNotFoundError:  # a source tree that was not installed
            return "0.0.0"
    raise AttributeError(name)


def open_session(ref: str, data: str | None = None) -> SessionLog:
    """Open a session by id, unique id prefix or file path, in the usual store."""
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
