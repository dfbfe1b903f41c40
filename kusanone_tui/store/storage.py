"""A TinyDB ``Storage`` that is crash-safe, shared by processes, and cheap to append to.

NOTE for code that reads the log's lines itself (e.g. a fast event-reading path): besides the
document lines ``{"t": table, "id": n, "doc": {...}}`` there are *table lines*
``{"t": table, "next": n}`` (no ``"doc"``): the table exists (also when empty) and ids below ``n``
are taken. :func:`decode_line` returns ``None`` for them, :func:`decode_record` returns
``(table, n, None)``; skip them, never count them as damage. A rewrite writes them after the
table's documents, and only for a table that is empty or whose highest id was removed, so a
session's ``events`` table (never emptied, never removed from) does not get one in practice.

TinyDB's default JSON storage rewrites the whole file on every insert, in place: a crash mid-write
corrupts it, two processes lose each other's writes, and an insert costs more as the log grows.
This storage keeps TinyDB's interface and changes what happens on disk:

* The file is a log of lines, ``<crc32> <json>\\n``, each holding one document of one table
  (or a table line, see above: an empty table, and the high-water mark of its ids, survive).
  An insert appends one line under an inter-process lock and fsyncs it: the cost does not grow
  with the log, and an acknowledged insert survives ``kill -9``. (``durable=False`` skips the
  fsync of appends, for a throwaway store such as the demo's: a power cut may lose its tail.)
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

What TinyDB's own storages guarantee holds here too (TinyDB's test suite runs on this storage,
``tests/tinydb_contract``): a write that fails (a document JSON cannot encode, an update function
that raises) changes neither the file nor memory; ``read()`` hands TinyDB a copy; documents are
kept as JSON gives them back; ``all()`` is in insertion order, also after a rewrite; ids are never
handed out twice (the next id comes from the persisted high-water mark, not from the documents
present; only ``truncate()`` starts a table again at 1, as in TinyDB). Where the design must
differ, it refuses clearly: ``access_mode='r'`` opens read-only (no file, folder or lock is
created; writes raise :class:`LogReadOnly`), any other mode than ``r``/``r+`` and any
``encoding`` but UTF-8 raise ``ValueError``, as does ``indent`` (one line per document); other
``json.dumps`` options raise ``TypeError``. ``create_dirs`` is false by default, as in TinyDB (a
missing folder raises ``FileNotFoundError``); :class:`LogDB` makes the folder unless told not to.
The lock file ``.<name>.lock`` stays beside the file.
"""

from __future__ import annotations

import codecs
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
from tinydb.table import Table

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


def _frame(record: Mapping[str, Any]) -> tuple[bytes, bytes]:
    body = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(body), body), body


def encode_line(table: str, doc_id: int, doc: Mapping[str, Any]) -> bytes:
    return _frame({"t": table, "id": doc_id, "doc": doc})[0]


def encode_table_line(table: str, next_id: int) -> bytes:
    """A table line: ``table`` exists (even empty) and its ids below ``next_id`` are taken."""
    return _frame({"t": table, "next": next_id})[0]


def _encode_doc(table: str, doc_id: int, doc: Mapping[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """The document's line and the document as it will read back (JSON's types)."""
    if not isinstance(table, str):
        raise TypeError(f"table name must be a string, not {type(table).__name__}")
    line, body = _frame({"t": table, "id": doc_id, "doc": doc})
    stored = json.loads(body)["doc"]
    if not isinstance(stored, dict):
        raise ValueError("Document is not a Mapping")
    return line, stored


def decode_record(line: bytes) -> tuple[str, int, dict[str, Any] | None] | None:
    """One line without its newline: ``(table, id, doc)`` for a document, ``(table, next_id,
    None)`` for a table line, ``None`` when it fails its checksum or shape."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        record = json.loads(body)
        table = record["t"]
        if "doc" not in record:
            next_id = record["next"]
            if not isinstance(table, str) or type(next_id) is not int or next_id < 1:
                return None
            return table, next_id, None
        doc_id, doc = record["id"], record["doc"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(table, str) or not isinstance(doc_id, int) or not isinstance(doc, dict):
        return None
    return table, doc_id, doc


def decode_line(line: bytes) -> tuple[str, int, dict[str, Any]] | None:
    """One document line without its newline, or ``None`` when it fails its checksum or shape,
    or is a table line (see the module docstring)."""
    record = decode_record(line)
    if record is None or record[2] is None:
        return None
    return record  # type: ignore[return-value]


def _copy(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars), much quicker than ``copy.deepcopy``."""
    if type(value) is dict:
        return {key: _copy(item) for key, item in value.items()}
    if type(value) is list:
        return [_copy(item) for item in value]
    return value


def _copy_tables(tables: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: {key: _copy(doc) for key, doc in docs.items()} for name, docs in tables.items()}


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
    """TinyDB storage over an append-only, checksummed log file. See the module docstring.

    ``access_mode``: ``"r+"`` (the default) or ``"r"`` (read-only: nothing is created, every
    write raises :class:`LogReadOnly`). ``create``: make the file when it is missing (else
    ``FileNotFoundError``). ``create_dirs``: make a missing folder (else ``FileNotFoundError``,
    as TinyDB's ``JSONStorage``; :class:`LogDB` makes it by default). ``encoding``: UTF-8 only.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        create: bool = True,
        *,
        access_mode: str = "r+",
        create_dirs: bool = False,
        encoding: str | None = None,
        durable: bool = True,
        **options: Any,
    ) -> None:
        super().__init__()
        _check_options(access_mode, encoding, options)
        self.path = Path(path)
        self.durable = durable
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self._lock = WriterLock(self.lock_path, timeout=LOCK_TIMEOUT, mode=FILE_MODE)
        self._tables: dict[str, dict[str, dict[str, Any]]] = {}
        #: Per table, the highest id ever taken (persisted: documents and table lines).
        self._last_id: dict[str, int] = {}
        #: Per table, the highest id handed out by :meth:`reserve` in this process.
        self._reserved: dict[str, int] = {}
        self._offset = 0
        self._ino: int | None = None
        # The file last read, held open: its inode cannot be freed and its number handed to a
        # newer file, so a changed inode number in refresh() reliably means "replaced".
        self._pin: list[int] = []
        weakref.finalize(self, _let_go, self._pin)
        self.generation = 0  # bumped whenever the in-memory copy changes
        self.epoch = 0  # bumped whenever the whole file was (re)loaded or replaced
        self.damage: DamageReport | None = None
        #: Opened with ``access_mode='r'``: never written, nothing created.
        self.opened_read_only = access_mode.replace("b", "") == "r"
        self.read_only = self.opened_read_only  # see the module docstring
        self._read_only_errno = errno.EROFS
        if self.opened_read_only:
            if not self.path.exists():
                raise FileNotFoundError(errno.ENOENT, "No such file (opened read-only)", str(path))
        else:
            if not create_dirs and not self.path.parent.is_dir():
                raise FileNotFoundError(
                    errno.ENOENT, "No such folder (create_dirs=False)", str(self.path.parent)
                )
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
        if self.opened_read_only:
            raise self._refusal()
        self._lock.acquire()
        try:
            yield
        finally:
            self._lock.release()

    # -- TinyDB's interface -----------------------------------------------------------------
    def read(self) -> dict[str, dict[str, Any]] | None:
        """A copy of every table: TinyDB changes what it reads before it writes it back."""
        self.refresh()
        return _copy_tables(self._tables)

    def write(self, data: Mapping[str, Mapping[str, Any]]) -> None:
        """Make the content ``data``: only new documents and tables are appended; anything else
        (an update, a removal, a dropped table) replaces the file atomically. Nothing changes,
        on disk or in memory, when it fails (a document JSON cannot encode, a full disk)."""
        self._write(data)

    def _write(self, data: Mapping[str, Mapping[str, Any]], reset: frozenset[str] = frozenset()):
        if not isinstance(data, Mapping) or not all(
            isinstance(name, str) and isinstance(docs, Mapping) for name, docs in data.items()
        ):
            raise TypeError("LogStorage.write: data must map table names to tables of documents")
        with self.locked():
            self._check_writable()
            added = None if reset else self._additions(data)
            if added is not None:
                self._append_records(added)
                return
            marks = {name: 0 if name in reset else self._last_id.get(name, 0) for name in data}
            self._rewrite(data, marks)
            self._reserved = {
                name: top
                for name, top in self._reserved.items()
                if name in data and name not in reset
            }

    def close(self) -> None:
        """Let go of the file held open for following; the next read loads it afresh."""
        _let_go(self._pin)

    # -- the fast path ----------------------------------------------------------------------
    def next_id(self, table: str) -> int:
        """The id the next new document of ``table`` gets: above every id ever taken."""
        return max(self._last_id.get(table, 0), self._reserved.get(table, 0)) + 1

    def reserve(self, table: str) -> int:
        """Take the next id for this process (TinyDB's ``_get_next_id``)."""
        doc_id = self.next_id(table)
        self._reserved[table] = doc_id
        return doc_id

    def append(self, table: str, docs: list[tuple[int, Mapping[str, Any]]]) -> None:
        """Append documents with the given ids, durably. Call under :meth:`locked`.

        ``ValueError`` when an id is taken (by a document present or earlier in ``docs``);
        ``TypeError``/``ValueError`` when a document cannot be encoded. Either way nothing is
        written and memory is unchanged.
        """
        if docs:
            self._append_records([(table, doc_id, doc) for doc_id, doc in docs])

    def create_table(self, table: str) -> None:
        """Make ``table`` exist (also empty, also in other processes): one table line."""
        self.refresh()
        if table in self._tables:
            return
        with self.locked():
            self.refresh()
            if table not in self._tables:
                self._append_records([(table, 0, None)])

    def _additions(self, data: Mapping[str, Mapping[str, Any]]) -> list | None:
        """What ``data`` adds to the memory copy, as records, or ``None`` when it changes or
        removes anything (or reorders documents)."""
        records: list[tuple[str, int, Mapping[str, Any] | None]] = []
        for name, docs in self._tables.items():
            new = data.get(name)
            if new is None or len(new) < len(docs):
                return None
            pairs = iter(new.items())
            for (key, doc), (new_key, new_doc) in zip(docs.items(), pairs, strict=False):
                if str(new_key) != key or new_doc != doc:
                    return None
            records.extend((name, _doc_id(key), doc) for key, doc in pairs)
        for name, new in data.items():
            if name not in self._tables:
                records.extend((name, _doc_id(key), doc) for key, doc in new.items())
                if not new:
                    records.append((name, 0, None))
        return records

    def _append_records(self, records: list[tuple[str, int, Mapping[str, Any] | None]]) -> None:
        """Append documents (``doc`` ``None``: a line making the table exist). Under the lock."""
        if not records:
            return
        self._check_writable()
        self.refresh()
        if self._pending_tail():
            self._repair()
            self._check_writable()
        lines: list[bytes] = []
        stored: list[tuple[str, int, dict[str, Any] | None]] = []
        taken: set[tuple[str, str]] = set()
        for table, doc_id, doc in records:
            if doc is None:
                lines.append(encode_table_line(table, self._last_id.get(table, 0) + 1))
                stored.append((table, 0, None))
                continue
            key = str(doc_id)
            if key in self._tables.get(table, {}) or (table, key) in taken:
                raise ValueError(f"Document with ID {doc_id} already exists")
            taken.add((table, key))
            line, doc = _encode_doc(table, doc_id, doc)
            lines.append(line)
            stored.append((table, doc_id, doc))
        payload = b"".join(lines)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            start = os.fstat(fd).st_size
            try:
                write_all(fd, payload)
                if self.durable:
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
        for table, doc_id, doc in stored:
            current = self._tables.setdefault(table, {})
            if doc is not None:
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
        records = []
        for raw in chunk[:end].split(b"\n")[:-1]:
            record = decode_record(raw)
            if record is None:  # a garbled line in the middle: recover under the lock
                self._load()
                return Change(reset=True)
            records.append(record)
        self._offset += end
        appended = []
        for table, doc_id, doc in records:
            current = self._tables.setdefault(table, {})
            if doc is None:  # a table line: doc_id is the table's next id
                self._last_id[table] = max(self._last_id.get(table, 0), doc_id - 1)
                continue
            current[str(doc_id)] = doc
            self._last_id[table] = max(self._last_id.get(table, 0), doc_id)
            appended.append((table, doc_id, doc))
        if records:
            self.generation += 1
        return Change(appended=tuple(appended))

    def _refusal(self) -> LogReadOnly:
        return LogReadOnly(
            errno.EBADF, "opened read-only (access_mode='r'): writes are refused", str(self.path)
        )

    def _check_writable(self) -> None:
        """Raise :class:`LogReadOnly` while the file is damaged and cannot be repaired."""
        if self.opened_read_only:
            raise self._refusal()
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
    def _parse(self, content: bytes) -> tuple[dict, dict[str, int], int, bool]:
        """The tables, their high-water marks, the broken lines, and whether the end is cut."""
        tables: dict[str, dict[str, dict[str, Any]]] = {}
        marks: dict[str, int] = {}
        end = content.rfind(b"\n") + 1
        dropped = 0
        for raw in content[:end].split(b"\n")[:-1]:
            record = decode_record(raw)
            if record is None:
                dropped += 1
                continue
            table, doc_id, doc = record
            current = tables.setdefault(table, {})
            if doc is None:  # a table line
                marks[table] = max(marks.get(table, 0), doc_id - 1)
                continue
            current[str(doc_id)] = doc
            marks[table] = max(marks.get(table, 0), doc_id)
        return tables, marks, dropped, end < len(content)

    def _read_all(self) -> tuple[int, bytes, int]:
        """The file's inode number, its content, and a descriptor holding it open."""
        with open(self.path, "rb") as handle:
            return os.fstat(handle.fileno()).st_ino, handle.read(), os.dup(handle.fileno())

    def _load(self) -> None:
        ino, content, pin = self._read_all()
        tables, marks, dropped, torn = self._parse(content)
        if not (dropped or torn):
            self._install(tables, marks, ino, len(content), pin)
            return
        if self.opened_read_only:
            # Nothing may be touched: take the intact lines; a cut-off end may be a write in
            # progress, read again from its start on the next look.
            self._install(tables, marks, ino, content.rfind(b"\n") + 1, pin)
            if dropped:
                recovered = sum(len(docs) for docs in tables.values())
                self.damage = DamageReport(
                    self.path,
                    self.path,
                    recovered,
                    dropped,
                    torn,
                    read_only=True,
                    reason="opened read-only",
                )
            return
        os.close(pin)
        # A torn end may be a write in progress: look again holding the writers' lock.
        try:
            self._lock.acquire()
        except LockTimeout:
            raise
        except OSError as error:  # no lock file can be made here: nothing can be repaired
            ino, content, pin = self._read_all()
            tables, marks, dropped, torn = self._parse(content)
            if dropped or torn:
                self._open_read_only(tables, marks, dropped, torn, ino, len(content), pin, error)
            else:
                self._install(tables, marks, ino, len(content), pin)
            return
        try:
            ino, content, pin = self._read_all()
            tables, marks, dropped, torn = self._parse(content)
            if dropped or torn:
                self._recover(content, tables, marks, dropped, torn, ino, pin)
            else:
                self._install(tables, marks, ino, len(content), pin)
        finally:
            self._lock.release()

    def _repair(self) -> None:
        """Under the lock: the file has a cut-off end left by a writer that died."""
        ino, content, pin = self._read_all()
        tables, marks, dropped, torn = self._parse(content)
        if dropped or torn:
            self._recover(content, tables, marks, dropped, torn, ino, pin)
        else:
            os.close(pin)

    def _recover(
        self,
        content: bytes,
        tables: dict,
        marks: dict[str, int],
        dropped: int,
        torn: bool,
        ino: int,
        pin: int,
    ) -> None:
        """Under the lock: keep the damaged original, then rewrite the file with what is intact.

        When either step fails, nothing is left behind and the file is opened read-only.
        """
        try:
            kept = self._keep_damaged(content)
        except OSError as error:
            self._open_read_only(tables, marks, dropped, torn, ino, len(content), pin, error)
            return
        try:
            self._rewrite(tables, marks)
        except OSError as error:
            # The original is still whole: the copy is not needed, and it takes the space.
            with contextlib.suppress(OSError):
                kept.unlink()
            self._open_read_only(tables, marks, dropped, torn, ino, len(content), pin, error)
            return
        os.close(pin)
        recovered = sum(len(docs) for docs in tables.values())
        self.damage = DamageReport(self.path, kept, recovered, dropped, torn)

    def _open_read_only(
        self,
        tables: dict,
        marks: dict[str, int],
        dropped: int,
        torn: bool,
        ino: int,
        size: int,
        pin: int,
        error: OSError,
    ) -> None:
        self._install(tables, marks, ino, size, pin)
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

    def _install(self, tables: dict, marks: dict[str, int], ino: int, size: int, pin: int) -> None:
        _let_go(self._pin)
        self.read_only = self.opened_read_only
        self._pin.append(pin)
        self._tables = tables
        self._last_id = {name: marks.get(name, 0) for name in tables}
        self._ino, self._offset = ino, size
        self.generation += 1
        self.epoch += 1

    def _create_empty(self) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        if self.durable:
            os.fsync(fd)
        os.close(fd)
        if self.durable:
            _fsync_dir(self.path.parent)

    def _rewrite(self, data: Mapping[str, Mapping[str, Any]], marks: Mapping[str, int]) -> None:
        """Atomically replace the file with exactly ``data``, in its order; ``marks``: each
        table's high-water mark so far. Call under the lock. Everything is encoded before the
        file is touched, so a document that cannot be encoded changes nothing."""
        lines: list[bytes] = []
        tables: dict[str, dict[str, dict[str, Any]]] = {}
        new_marks: dict[str, int] = {}
        for name, docs in data.items():
            current = tables[name] = {}
            top = 0
            for key, doc in docs.items():
                doc_id = _doc_id(key)
                if str(doc_id) in current:
                    raise ValueError(f"Document with ID {doc_id} already exists")
                line, current[str(doc_id)] = _encode_doc(name, doc_id, doc)
                lines.append(line)
                top = max(top, doc_id)
            mark = new_marks[name] = max(marks.get(name, 0), top)
            if not docs or mark > top:
                lines.append(encode_table_line(name, mark + 1))
        payload = b"".join(lines)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
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
        self._install(tables, new_marks, ino, len(payload), fd)  # fd holds the new file open


def _doc_id(key: Any) -> int:
    """A document id as stored (TinyDB hands ids as strings or ints)."""
    if isinstance(key, bool):
        raise ValueError(f"document id {key!r} is not an integer")
    try:
        return int(key)
    except (TypeError, ValueError):
        raise ValueError(f"document id {key!r} is not an integer") from None


_JSON_OPTIONS = {"sort_keys", "separators", "ensure_ascii", "default", "cls", "skipkeys"}


def _check_options(access_mode: str, encoding: str | None, options: Mapping[str, Any]) -> None:
    """Refuse, clearly, what TinyDB's ``JSONStorage`` takes but this format cannot honour."""
    if access_mode not in ("r", "rb", "r+", "rb+"):
        raise ValueError(
            f"LogStorage: access_mode {access_mode!r} is not supported: 'r' (read-only) or 'r+'"
        )
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            name = str(encoding)
        if name != "utf-8":
            raise ValueError(f"LogStorage: the log is always UTF-8, not encoding={encoding!r}")
    if options.get("indent") is not None:
        raise ValueError("LogStorage: indent is not supported (one line per document)")
    unknown = sorted(set(options) - {"indent"})
    if unknown:
        json_opts = [name for name in unknown if name in _JSON_OPTIONS]
        why = " (the line format is fixed)" if json_opts else ""
        raise TypeError(f"LogStorage: unexpected keyword argument(s) {', '.join(unknown)}{why}")


class LogTable(Table):
    """A TinyDB table whose inserts append one line instead of rewriting the file.

    Reads see other processes' writes; updates and removals hold the writers' lock across
    TinyDB's read-modify-write, so concurrent writers never lose each other's documents.
    """

    def __init__(self, storage: Storage, name: str, cache_size: int = 10, persist_empty=False):
        self._seen_generation = -1
        super().__init__(storage, name, cache_size=cache_size)
        if persist_empty:
            # TinyDB's Table empties an existing table here; this one only makes sure it exists.
            self.log.create_table(name)

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
        return self.log.reserve(self.name)

    def _read_table(self) -> dict[str, Mapping]:
        # TinyDB only reads what this returns (and copies each document it hands out): no copy
        # of the whole table is needed here; changes go through _update_table.
        self.log.refresh()
        return self.log._tables.get(self.name, {})

    def insert(self, document: Mapping) -> int:
        if not isinstance(document, Mapping):
            raise ValueError("Document is not a Mapping")
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents) -> list[int]:
        docs = list(documents)
        for document in docs:
            if not isinstance(document, Mapping):
                raise ValueError("Document is not a Mapping")
        with self.log.locked():
            self.log.refresh()
            if not docs:  # as TinyDB: the table now exists
                self.log.create_table(self.name)
                return []
            next_id = self.log.next_id(self.name)
            batch: list[tuple[int, Mapping[str, Any]]] = []
            for document in docs:
                if isinstance(document, self.document_class):
                    doc_id = _doc_id(document.doc_id)
                else:
                    doc_id = next_id
                next_id = max(next_id, doc_id + 1)
                batch.append((doc_id, dict(document)))
            self.log.append(self.name, batch)  # ValueError for a taken id: nothing written
        self.clear_cache()
        return [doc_id for doc_id, _ in batch]

    def _update_table(self, updater) -> None:
        """TinyDB's read-modify-write, on a copy of this table, under the writers' lock: when
        ``updater`` or the write fails, neither memory nor the file has changed."""
        with self.log.locked():
            self.log._check_writable()
            self.log.refresh()
            raw = self.log._tables.get(self.name, {})
            table = {self.document_id_class(key): _copy(doc) for key, doc in raw.items()}
            updater(table)
            tables: dict[str, Mapping[str, Any]] = dict(self.log._tables)
            tables[self.name] = {str(doc_id): doc for doc_id, doc in table.items()}
            self.log.write(tables)
        self.clear_cache()

    def truncate(self) -> None:
        """Remove every document; ids start again at 1 (as in TinyDB)."""
        with self.log.locked():
            self.log.refresh()
            tables: dict[str, Mapping[str, Any]] = dict(self.log._tables)
            tables[self.name] = {}
            self.log._write(tables, reset=frozenset({self.name}))
        self._next_id = None
        self.clear_cache()

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
        kwargs.setdefault("create_dirs", True)  # a store's folders are made on demand
        super().__init__(path, storage=LogStorage, **kwargs)

    @property
    def log(self) -> LogStorage:
        storage = self.storage
        assert isinstance(storage, LogStorage)
        return storage

    def tables(self) -> set[str]:
        self.log.refresh()
        return set(self.log._tables)
