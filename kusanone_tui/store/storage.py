"""A TinyDB ``Storage`` that is crash-safe, shared by processes, and cheap to append to.

TinyDB's default JSON storage rewrites the whole file on every insert, in place: a crash mid-write
corrupts it, two processes lose each other's writes, and an insert costs more as the log grows.
This storage keeps TinyDB's interface and changes what happens on disk:

* The file is a log of lines, ``<crc32> <json>\\n``, each holding one document of one table.
  An insert appends one line under an inter-process lock and fsyncs it: the cost does not grow
  with the log, and an acknowledged insert survives ``kill -9``.
* Anything else TinyDB writes (an update, a removal, a redaction) rewrites the file atomically:
  a new file beside it, fsynced, renamed over the old one. So superseded text never lingers.
* Readers need no lock: they take only lines that end in a newline and pass their checksum, and
  follow other processes by reading from their last offset (or again from the start when the
  file was replaced).
* A damaged file (truncated, garbled) is opened with every intact line; the original is kept
  beside it as ``<name>.damaged-<time><suffix>`` and a :class:`DamageReport` says so. Nothing is
  silently overwritten: the copy is written completely and fsynced before the original is
  rewritten.
* When no copy can be kept (a full disk, a read-only folder or file system), nothing on disk is
  touched and no partial copy is left: the file is opened **read-only** with its intact lines.
  ``LogStorage.read_only`` (and ``SessionLog.read_only``) is then true, ``damage.read_only`` is
  true, ``damage.reason`` says why (the system's words, e.g. "No space left on device") and
  ``damage.kept_as`` is the untouched original itself. Each later write first tries the repair
  again (so it works once space is freed); while it cannot, it raises :class:`LogReadOnly`, an
  ``OSError`` (``errno`` of the cause), and the file is not touched. An app shows a notice from
  ``damage`` (see :meth:`DamageReport.describe`) and keeps the typed text.
* An append that fails part-way (``ENOSPC``, ``EIO``) cuts the file back to where it was, so a
  full disk leaves no cut-off line; the caller gets the ``OSError``.
* Files are created ``0600``, their folder ``0700``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
import weakref
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from .lock import LockTimeout, WriterLock

FILE_MODE = 0o600
DIR_MODE = 0o700
LOCK_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class DamageReport:
    """What was found wrong with a file, and where the damaged original was kept.

    ``read_only``: no copy could be kept (``reason`` says why), so the file was left exactly as
    it was and is open read-only with its intact lines; ``kept_as`` is then the file itself.
    """

    path: Path
    kept_as: Path
    recovered: int
    dropped_lines: int
    torn_tail: bool
    read_only: bool = False
    reason: str = ""

    def describe(self) -> str:
        damage = (
            f"{self.path.name}: damaged ({self.dropped_lines} broken line(s)"
            f"{', cut-off end' if self.torn_tail else ''}); {self.recovered} entries recovered;"
        )
        if self.read_only:
            return (
                f"{damage} opened read-only, file left untouched (no copy could be kept:"
                f" {self.reason})"
            )
        return f"{damage} original kept as {self.kept_as.name}"


class LogReadOnly(OSError):
    """A write to a log that is open read-only (damaged, and no copy of it could be kept)."""


@dataclass(frozen=True, slots=True)
class Change:
    """What a refresh found: lines appended by others, or a replaced file (``reset``)."""

    appended: tuple[tuple[str, int, dict[str, Any]], ...] = ()
    reset: bool = False

    def __bool__(self) -> bool:
        return self.reset or bool(self.appended)


def encode_line(table: str, doc_id: int, doc: Mapping[str, Any]) -> bytes:
    body = json.dumps(
        {"t": table, "id": doc_id, "doc": doc}, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(body), body)


def decode_line(line: bytes) -> tuple[str, int, dict[str, Any]] | None:
    """One line without its newline, or ``None`` when it fails its checksum or shape."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        record = json.loads(body)
        table, doc_id, doc = record["t"], record["id"], record["doc"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(table, str) or not isinstance(doc_id, int) or not isinstance(doc, dict):
        return None
    return table, doc_id, doc


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _let_go(pin: list[int]) -> None:
    while pin:
        os.close(pin.pop())


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a write may be short)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _sync_data(fd: int) -> None:
    # fdatasync skips timestamps but still flushes the new size, so appended lines are durable.
    (getattr(os, "fdatasync", None) or os.fsync)(fd)


def replace_file(path: Path, content: bytes) -> None:
    """Atomically replace ``path`` with ``content`` (private, fsynced, renamed into place)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        write_all(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def ensure_private_dir(folder: Path) -> None:
    """Create ``folder`` (and parents) and make it ``0700`` if it is ours."""
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    with contextlib.suppress(OSError):
        if folder.stat().st_uid == os.getuid() and folder.stat().st_mode & 0o077:
            folder.chmod(DIR_MODE)


class LogStorage(Storage):
    """TinyDB storage over an append-only, checksummed log file. See the module docstring."""

    def __init__(self, path: str | os.PathLike[str], create: bool = True, **_: Any) -> None:
        super().__init__()
        self.path = Path(path)
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self._lock = WriterLock(self.lock_path, timeout=LOCK_TIMEOUT, mode=FILE_MODE)
        self._tables: dict[str, dict[str, dict[str, Any]]] = {}
        self._last_id: dict[str, int] = {}
        self._offset = 0
        self._ino: int | None = None
        # The file last read, held open: its inode cannot be freed and its number handed to a
        # newer file, so a changed inode number in refresh() reliably means "replaced".
        self._pin: list[int] = []
        weakref.finalize(self, _let_go, self._pin)
        self.generation = 0  # bumped whenever the in-memory copy changes
        self.epoch = 0  # bumped whenever the whole file was (re)loaded or replaced
        self.damage: DamageReport | None = None
        self.read_only = False  # see the module docstring
        self._read_only_errno = errno.EROFS
        ensure_private_dir(self.path.parent)
        if not self.path.exists():
            if not create:
                raise FileNotFoundError(self.path)
            with self.locked():
                if not self.path.exists():
                    self._create_empty()
        self._load()

    # -- locking --------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the writers' lock (re-entrant within a process)."""
        self._lock.acquire()
        try:
            yield
        finally:
            self._lock.release()

    # -- TinyDB's interface -----------------------------------------------------------------
    def read(self) -> dict[str, dict[str, Any]] | None:
        self.refresh()
        return self._tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the whole content atomically (TinyDB's path for updates and removals)."""
        with self.locked():
            self._check_writable()
            tables = {name: dict(docs) for name, docs in data.items()}
            self._rewrite(tables)

    def close(self) -> None:
        """Let go of the file held open for following; the next read loads it afresh."""
        _let_go(self._pin)

    # -- the fast path ----------------------------------------------------------------------
    def next_id(self, table: str) -> int:
        return self._last_id.get(table, 0) + 1

    def append(self, table: str, docs: list[tuple[int, dict[str, Any]]]) -> None:
        """Append documents with the given ids, durably. Call under :meth:`locked`."""
        if not docs:
            return
        self._check_writable()
        self.refresh()
        if self._pending_tail():
            self._repair()
            self._check_writable()
        current = self._tables.setdefault(table, {})
        for doc_id, _ in docs:
            if str(doc_id) in current:
                raise ValueError(f"Document with ID {doc_id} already exists")
        payload = b"".join(encode_line(table, doc_id, doc) for doc_id, doc in docs)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            start = os.fstat(fd).st_size
            try:
                write_all(fd, payload)
                _sync_data(fd)
            except BaseException:
                # Not acknowledged: leave no cut-off line (truncating needs no free space).
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                    _sync_data(fd)
                raise
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        for doc_id, doc in docs:
            current[str(doc_id)] = doc
            self._last_id[table] = max(self._last_id.get(table, 0), doc_id)
        self._offset = size
        self.generation += 1

    # -- following other processes ----------------------------------------------------------
    def refresh(self) -> Change:
        """Take in whatever other processes wrote since the last look."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return Change()
        if not self._pin or st.st_ino != self._ino or st.st_size < self._offset:
            self._load()
            return Change(reset=True)
        if st.st_size == self._offset:
            return Change()
        with open(self.path, "rb") as handle:
            if os.fstat(handle.fileno()).st_ino != self._ino:
                self._load()
                return Change(reset=True)
            handle.seek(self._offset)
            chunk = handle.read(st.st_size - self._offset)
        end = chunk.rfind(b"\n") + 1  # a line still being written waits for the next look
        appended = []
        for raw in chunk[:end].split(b"\n")[:-1]:
            record = decode_line(raw)
            if record is None:  # a garbled line in the middle: recover under the lock
                self._load()
                return Change(reset=True)
            appended.append(record)
        self._offset += end
        for table, doc_id, doc in appended:
            self._tables.setdefault(table, {})[str(doc_id)] = doc
            self._last_id[table] = max(self._last_id.get(table, 0), doc_id)
        if appended:
            self.generation += 1
        return Change(appended=tuple(appended))

    def _check_writable(self) -> None:
        """Raise :class:`LogReadOnly` while the file is damaged and cannot be repaired."""
        if not self.read_only:
            return
        self._load()  # the repair may work now (space freed, folder writable again)
        if self.read_only:
            damage = self.damage
            reason = damage.reason if damage else ""
            raise LogReadOnly(
                self._read_only_errno,
                f"opened read-only: damaged, and no copy could be kept ({reason})",
                str(self.path),
            )

    def _pending_tail(self) -> bool:
        with contextlib.suppress(FileNotFoundError):
            return os.stat(self.path).st_size > self._offset
        return False

    # -- loading and repair -----------------------------------------------------------------
    def _parse(self, content: bytes) -> tuple[dict[str, dict[str, dict[str, Any]]], int, bool]:
        tables: dict[str, dict[str, dict[str, Any]]] = {}
        end = content.rfind(b"\n") + 1
        dropped = 0
        for raw in content[:end].split(b"\n")[:-1]:
            record = decode_line(raw)
            if record is None:
                dropped += 1
                continue
            table, doc_id, doc = record
            tables.setdefault(table, {})[str(doc_id)] = doc
        return tables, dropped, end < len(content)

    def _read_all(self) -> tuple[int, bytes, int]:
        """The file's inode number, its content, and a descriptor holding it open."""
        with open(self.path, "rb") as handle:
            return os.fstat(handle.fileno()).st_ino, handle.read(), os.dup(handle.fileno())

    def _load(self) -> None:
        ino, content, pin = self._read_all()
        tables, dropped, torn = self._parse(content)
        if not (dropped or torn):
            self._install(tables, ino, len(content), pin)
            return
        os.close(pin)
        # A torn end may be a write in progress: look again holding the writers' lock.
        try:
            self._lock.acquire()
        except LockTimeout:
            raise
        except OSError as error:  # no lock file can be made here: nothing can be repaired
            ino, content, pin = self._read_all()
            tables, dropped, torn = self._parse(content)
            if dropped or torn:
                self._open_read_only(tables, dropped, torn, ino, len(content), pin, error)
            else:
                self._install(tables, ino, len(content), pin)
            return
        try:
            ino, content, pin = self._read_all()
            tables, dropped, torn = self._parse(content)
            if dropped or torn:
                self._recover(content, tables, dropped, torn, ino, pin)
            else:
                self._install(tables, ino, len(content), pin)
        finally:
            self._lock.release()

    def _repair(self) -> None:
        """Under the lock: the file has a cut-off end left by a writer that died."""
        ino, content, pin = self._read_all()
        tables, dropped, torn = self._parse(content)
        if dropped or torn:
            self._recover(content, tables, dropped, torn, ino, pin)
        else:
            os.close(pin)

    def _recover(
        self, content: bytes, tables: dict, dropped: int, torn: bool, ino: int, pin: int
    ) -> None:
        """Under the lock: keep the damaged original, then rewrite the file with what is intact.

        When either step fails, nothing is left behind and the file is opened read-only.
        """
        try:
            kept = self._keep_damaged(content)
        except OSError as error:
            self._open_read_only(tables, dropped, torn, ino, len(content), pin, error)
            return
        try:
            self._rewrite(tables)
        except OSError as error:
            # The original is still whole: the copy is not needed, and it takes the space.
            with contextlib.suppress(OSError):
                kept.unlink()
            self._open_read_only(tables, dropped, torn, ino, len(content), pin, error)
            return
        os.close(pin)
        recovered = sum(len(docs) for docs in tables.values())
        self.damage = DamageReport(self.path, kept, recovered, dropped, torn)

    def _open_read_only(
        self,
        tables: dict,
        dropped: int,
        torn: bool,
        ino: int,
        size: int,
        pin: int,
        error: OSError,
    ) -> None:
        self._install(tables, ino, size, pin)
        self.read_only = True
        self._read_only_errno = error.errno or errno.EROFS
        recovered = sum(len(docs) for docs in tables.values())
        reason = error.strerror or str(error)
        self.damage = DamageReport(
            self.path, self.path, recovered, dropped, torn, read_only=True, reason=reason
        )

    def _keep_damaged(self, content: bytes) -> Path:
        """A complete, fsynced copy of ``content`` beside the file; no file at all on failure."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for n in range(1000):
            suffix = f"-{n}" if n else ""
            kept = self.path.with_name(
                f"{self.path.stem}.damaged-{stamp}{suffix}{self.path.suffix}"
            )
            try:
                fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            except FileExistsError:
                continue
            try:
                try:
                    write_all(fd, content)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                _fsync_dir(self.path.parent)
            except BaseException:
                with contextlib.suppress(OSError):
                    kept.unlink()
                raise
            return kept
        raise OSError(errno.EEXIST, f"cannot keep a copy of damaged {self.path}", str(self.path))

    def _install(self, tables: dict, ino: int, size: int, pin: int) -> None:
        _let_go(self._pin)
        self.read_only = False
        self._pin.append(pin)
        self._tables = tables
        self._last_id = {
            name: max((int(k) for k in docs), default=0) for name, docs in tables.items()
        }
        self._ino, self._offset = ino, size
        self.generation += 1
        self.epoch += 1

    def _create_empty(self) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        os.fsync(fd)
        os.close(fd)
        _fsync_dir(self.path.parent)

    def _rewrite(self, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
        """Atomically replace the file with exactly ``tables``. Call under the lock."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            payload = b"".join(
                encode_line(name, int(doc_id), doc)
                for name, docs in tables.items()
                for doc_id, doc in sorted(docs.items(), key=lambda item: int(item[0]))
            )
            write_all(fd, payload)
            os.fsync(fd)
            ino = os.fstat(fd).st_ino
            os.replace(tmp, self.path)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):  # a full disk leaves no half-written file behind
                tmp.unlink()
            raise
        with contextlib.suppress(OSError):  # the file is replaced either way
            _fsync_dir(self.path.parent)
        self._install(tables, ino, len(payload), fd)  # fd now holds the new file open


class LogTable(Table):
    """A TinyDB table whose inserts append one line instead of rewriting the file.

    Reads see other processes' writes; updates and removals hold the writers' lock across
    TinyDB's read-modify-write, so concurrent writers never lose each other's documents.
    """

    def __init__(self, storage: Storage, name: str, cache_size: int = 10, persist_empty=False):
        super().__init__(storage, name, cache_size=cache_size, persist_empty=persist_empty)
        self._seen_generation = -1

    @property
    def log(self) -> LogStorage:
        assert isinstance(self._storage, LogStorage)
        return self._storage

    def _sync(self) -> None:
        self.log.refresh()
        if self.log.generation != self._seen_generation:
            self.clear_cache()
            self._seen_generation = self.log.generation

    def _get_next_id(self) -> int:
        return self.log.next_id(self.name)

    def insert(self, document: Mapping) -> int:
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents) -> list[int]:
        docs = list(documents)
        for document in docs:
            if not isinstance(document, Mapping):
                raise ValueError("Document is not a Mapping")
        with self.log.locked():
            self.log.refresh()
            next_id = self.log.next_id(self.name)
            batch: list[tuple[int, dict[str, Any]]] = []
            for document in docs:
                doc_id = int(document.doc_id) if isinstance(document, Document) else next_id
                next_id = max(next_id, doc_id) + 1
                batch.append((doc_id, dict(document)))
            self.log.append(self.name, batch)
        self.clear_cache()
        return [doc_id for doc_id, _ in batch]

    def _update_table(self, updater) -> None:
        with self.log.locked():
            self.log.refresh()
            try:
                super()._update_table(updater)
            except BaseException:
                self.log._load()  # drop any half-applied change to the in-memory copy
                raise

    def search(self, cond):
        self._sync()
        return super().search(cond)

    def __len__(self) -> int:
        self.log.refresh()
        return len(self.log._tables.get(self.name, {}))


class LogDB(TinyDB):
    """TinyDB on a :class:`LogStorage` with :class:`LogTable` tables."""

    table_class = LogTable
    default_storage_class = LogStorage

    def __init__(self, path: str | os.PathLike[str], **kwargs: Any) -> None:
        super().__init__(path, storage=LogStorage, **kwargs)

    @property
    def log(self) -> LogStorage:
        storage = self.storage
        assert isinstance(storage, LogStorage)
        return storage
