"""The session log on disk: TinyDB with a crash-safe, multi-process, append-only storage."""

from .storage import DamageReport, LogDB, LogStorage, LogTable

__all__ = ["DamageReport", "LogDB", "LogStorage", "LogTable"]
