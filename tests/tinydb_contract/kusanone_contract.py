"""A pytest plugin that runs TinyDB's own test suite on kusanone's storage as well.

Used by ``tests/tinydb_contract/run.py`` (see there), which unpacks the sdist of the pinned
TinyDB version and runs its ``tests/`` with ``--noconftest -p kusanone_contract``. TinyDB's
``conftest.py`` is not loaded as a conftest but imported here, and its fixtures are extended:

* ``db`` runs every test on TinyDB's own ``memory`` and ``json`` storages (TinyDB's code, as
  it is) and on ``TinyDB(path, storage=LogStorage)`` and ``LogDB(path)``, set up the same way
  (all tables dropped, three documents inserted);
* after each test on the log, the open database must equal a fresh, read-only open of the same
  file: the same tables, the same documents with the same ids in the same order, and the same
  high-water mark of ids per table.

The tests of ``tests/test_storages.py`` that exercise ``JSONStorage`` (by name, or as
TinyDB's default storage) run a second time with ``LogStorage`` in its place.

Tests that cannot apply are listed in :data:`NOT_APPLICABLE` with the reason. They still run,
as strict expected failures with the exception they must fail with: one that starts to pass, or
fails otherwise, fails the run, so the list stays true. An entry that names no collected test
fails the run too.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

import tests.conftest as tinydb_conftest  # TinyDB's own conftest, from the unpacked sdist
from kusanone_tui.store.storage import LogDB, LogStorage

LOG_KINDS = ("LogStorage", "LogDB")

_REPR = (
    "expects TinyDB's own class names in repr() (storage=<tinydb.storages.MemoryStorage|"
    "JSONStorage ...>); ours is kusanone_tui.store.storage.LogStorage",
    AssertionError,
)

#: Test ids that cannot apply to the log storage: the reason, and the exception they fail with.
NOT_APPLICABLE: dict[str, tuple[str, type[BaseException]]] = {
    "tests/test_tables.py::test_table_repr[LogStorage]": _REPR,
    "tests/test_tables.py::test_table_repr[LogDB]": _REPR,
    "tests/test_storages.py::test_json[LogStorage]": (
        "writes a JSON value that is not tables of documents ({'int': 42, ...}); the log holds"
        " tables of documents, which is all TinyDB ever writes (TypeError)",
        TypeError,
    ),
    "tests/test_storages.py::test_json_kwargs[LogStorage]": (
        "expects indent=4 to pretty-print the file; the log is one line per document, so"
        " indent is refused (ValueError), as are json.dumps options (TypeError)",
        ValueError,
    ),
    "tests/test_storages.py::test_create_dirs[LogStorage]": (
        "removes the folder with os.rmdir after closing; the writers' lock file"
        " .<name>.lock stays beside the log (an flock file cannot be removed safely)",
        OSError,
    ),
    "tests/test_storages.py::test_encoding[LogStorage]": (
        "writes cp936; the log is always UTF-8 and another encoding is refused (ValueError)",
        ValueError,
    ),
    "tests/test_storages.py::test_json_invalid_mode_warning[LogStorage]": (
        "expects a warning for access_mode='w'; modes other than 'r' and 'r+' are refused"
        " (ValueError, so pytest.warns fails: DID NOT WARN): 'w' would empty the log",
        pytest.fail.Exception,
    ),
}

_tinydb_db = tinydb_conftest.db.__wrapped__
_tinydb_storage = tinydb_conftest.storage.__wrapped__


def _open(kind: str, path: Path, **kwargs: Any) -> TinyDB:
    if kind == "LogDB":
        return LogDB(path, **kwargs)
    return TinyDB(path, storage=LogStorage, **kwargs)


def _log(db: TinyDB) -> LogStorage:
    storage = db.storage
    assert isinstance(storage, LogStorage)
    return storage


def snapshot(db: TinyDB) -> dict[str, Any]:
    """Every table: its documents (id, content) in order, and its ids' high-water mark."""
    names = sorted(db.tables())
    log = _log(db)
    log.refresh()
    return {
        name: {
            "docs": [(doc.doc_id, dict(doc)) for doc in db.table(name).all()],
            "last_id": log._last_id.get(name, 0),
        }
        for name in names
    }


@pytest.fixture(params=["memory", "json", *LOG_KINDS])
def db(request: pytest.FixtureRequest, tmp_path: Path):
    """TinyDB's ``db`` fixture, also on the log storage, with the reopen check after each test."""
    if request.param not in LOG_KINDS:
        yield from _tinydb_db(request, tmp_path)
        return
    path = tmp_path / "test.db"
    db_ = _open(request.param, path)
    db_.drop_tables()
    db_.insert_multiple({"int": 1, "char": c} for c in "abc")
    yield db_
    fresh = _open(request.param, path, access_mode="r")
    try:
        assert snapshot(db_) == snapshot(fresh), "the open database differs from a fresh open"
    finally:
        fresh.close()


@pytest.fixture
def storage():
    return _tinydb_storage()


def _uses_json_storage(function: Any) -> bool:
    """Names ``JSONStorage``, or opens ``TinyDB(...)`` with no ``storage=`` (its default)."""
    source = inspect.getsource(function)
    return "JSONStorage" in function.__code__.co_names or bool(
        re.search(r"TinyDB\((?![^)]*storage=)", source)
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.module.__name__ == "tests.test_storages" and _uses_json_storage(metafunc.function):
        metafunc.fixturenames.append("json_storage")
        metafunc.parametrize("json_storage", ["JSONStorage", "LogStorage"])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """In ``tests/test_storages.py``: ``LogStorage`` in place of ``JSONStorage``."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or callspec.params.get("json_storage") != "LogStorage":
        return (yield)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(item.module, "JSONStorage", LogStorage)
        patch.setattr(TinyDB, "default_storage_class", LogStorage)
        return (yield)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seen = set()
    for item in items:
        entry = NOT_APPLICABLE.get(item.nodeid)
        if entry is not None:
            seen.add(item.nodeid)
            reason, raises = entry
            mark = pytest.mark.xfail(reason=f"not applicable: {reason}", raises=raises, strict=True)
            item.add_marker(mark)
    stale = sorted(set(NOT_APPLICABLE) - seen)
    if stale and not config.getoption("keyword") and not config.getoption("deselect"):
        raise pytest.UsageError(f"NOT_APPLICABLE names tests that were not collected: {stale}")


_outcomes: dict[str, dict[str, str]] = {kind: {} for kind in LOG_KINDS}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Each log test's outcome: a failure in any phase (the reopen check runs at teardown)."""
    kind = next((k for k in LOG_KINDS if report.nodeid.endswith(f"[{k}]")), None)
    if kind is None:
        return
    seen = _outcomes[kind]
    if report.failed:
        seen[report.nodeid] = "failed"
    elif report.skipped and hasattr(report, "wasxfail"):
        seen[report.nodeid] = "not applicable"
    elif report.skipped:
        seen[report.nodeid] = "skipped"
    elif report.when == "call":
        seen.setdefault(report.nodeid, "passed")


def pytest_terminal_summary(terminalreporter) -> None:
    for kind, seen in _outcomes.items():
        counts: dict[str, int] = {}
        for outcome in seen.values():
            counts[outcome] = counts.get(outcome, 0) + 1
        text = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"on {kind}: {text or 'nothing ran'}")
