"""The storage keeps TinyDB's contract (issue 19): as TinyDB's own storages do, or refused clearly.

TinyDB's whole test suite runs on the storage too (``tests/tinydb_contract/run.py``, in CI);
these are the differences it was found to have, each pinned down on both ways in: plain
``TinyDB(path, storage=LogStorage)`` and ``LogDB(path)``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tinydb import Query, TinyDB
from tinydb.table import Document

from kusanone_tui.store.session import SessionLog, read_log
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.store.storage import (
    LogDB,
    LogReadOnly,
    LogStorage,
    decode_line,
    decode_record,
    encode_line,
)

Q = Query()
KINDS = ["TinyDB+LogStorage", "LogDB"]


def open_db(kind: str, path: Path, **kwargs) -> TinyDB:
    if kind == "LogDB":
        return LogDB(path, **kwargs)
    return TinyDB(path, storage=LogStorage, **kwargs)


def content(db: TinyDB) -> dict:
    return {name: [(d.doc_id, dict(d)) for d in db.table(name).all()] for name in db.tables()}


@pytest.fixture(params=KINDS)
def kind(request) -> str:
    return request.param


def test_a_document_that_cannot_be_encoded_changes_nothing(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    db = open_db(kind, path)
    db.insert({"n": 1})
    before = path.read_bytes()
    with pytest.raises(TypeError):
        db.insert({"n": 2, "bad": object()})
    with pytest.raises(TypeError):
        db.insert_multiple([{"n": 3}, {"bad": {1, 2}}])
    assert db.all() == [{"n": 1}]
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [".db.jsonl.lock", "db.jsonl"]  # no temporary file
    new = db.insert({"n": 4})  # later inserts work, without reopening
    # (plain TinyDB's table has counted the failed ids, as it does on its own storages)
    assert new == 2 if kind == "LogDB" else new > 1
    expected = {"_default": [(1, {"n": 1}), (new, {"n": 4})]}
    assert content(db) == content(open_db(kind, path)) == expected


def test_an_update_that_fails_halfway_changes_nothing(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    db = open_db(kind, path)
    db.insert_multiple([{"n": n, "tags": [n]} for n in range(4)])
    before = path.read_bytes()

    def bump(doc: dict) -> None:
        if doc["n"] == 2:
            raise RuntimeError("halfway")
        doc["n"] += 10
        doc["tags"].append("x")  # in place, nested

    with pytest.raises(RuntimeError):
        db.update(bump)
    assert path.read_bytes() == before
    assert [(d["n"], d["tags"]) for d in db.all()] == [(n, [n]) for n in range(4)]
    assert content(db) == content(open_db(kind, path))
    # An update that cannot be encoded is refused whole too.
    with pytest.raises(TypeError):
        db.update({"bad": object()}, Q.n == 1)
    assert path.read_bytes() == before and db.get(Q.n == 1) == {"n": 1, "tags": [1]}


def test_read_hands_out_a_copy(tmp_path: Path) -> None:
    storage = LogStorage(tmp_path / "db.jsonl")
    storage.write({"t": {"1": {"a": [1]}}})
    data = storage.read()
    data["t"]["1"]["a"].append(2)
    data["t"]["2"] = {}
    del data["t"]
    assert storage.read() == {"t": {"1": {"a": [1]}}}


def test_documents_are_kept_as_json_reads_them_back(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    db = open_db(kind, path)
    doc = {"pair": (1, 2), "keys": {3: "three"}, "list": [1]}
    db.insert(doc)
    doc["list"].append(2)  # the caller's object is not the stored one
    stored = {"pair": [1, 2], "keys": {"3": "three"}, "list": [1]}
    assert db.all() == [stored]
    assert open_db(kind, path).all() == [stored]


@pytest.mark.parametrize("how", ["persist_empty", "truncate", "last removed", "insert none"])
def test_empty_tables_survive_reopen_and_are_seen_by_others(
    kind: str, how: str, tmp_path: Path
) -> None:
    path = tmp_path / "db.jsonl"
    db = open_db(kind, path)
    other = open_db(kind, path)
    assert other.tables() == set()
    if how == "persist_empty":
        db.table("empty", persist_empty=True)
    elif how == "insert none":
        db.table("empty").insert_multiple([])
    else:
        table = db.table("empty")
        ids = table.insert_multiple([{"n": 1}, {"n": 2}])
        if how == "truncate":
            table.truncate()
        else:
            table.remove(doc_ids=ids)
    assert db.tables() == {"empty"}
    assert other.tables() == {"empty"}  # another instance following the file
    assert open_db(kind, path).tables() == {"empty"}
    assert len(open_db(kind, path).table("empty")) == 0


def test_ids_are_never_handed_out_twice(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    table = LogDB(path).table("t")
    assert table.insert_multiple([{"n": n} for n in range(3)]) == [1, 2, 3]
    table.remove(doc_ids=[3])
    assert table.insert({"n": 3}) == 4
    table.remove(doc_ids=[4])
    other = LogDB(path).table("t")  # a fresh open, as another process would
    assert other.insert({"n": 4}) == 5
    assert table.insert({"n": 5}) == 6  # and this one follows it
    table.remove(doc_ids=[1, 2, 5, 6])
    assert LogDB(path).table("t").insert({"n": 6}) == 7  # the last document was removed too
    # Only truncate() starts again at 1, as in TinyDB.
    table.truncate()
    assert LogDB(path).table("t").insert({"n": 7}) == 1


def test_insert_multiple_with_a_repeated_id_is_refused_whole(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    db = open_db(kind, path)
    db.insert({"n": 0})
    before = path.read_bytes()
    with pytest.raises(ValueError, match="already exists"):
        db.insert_multiple([Document({"n": 1}, doc_id=7), Document({"n": 2}, doc_id=7)])
    with pytest.raises(ValueError, match="already exists"):
        db.insert_multiple([{"n": 3}, Document({"n": 4}, doc_id=1)])
    assert path.read_bytes() == before
    assert content(db) == {"_default": [(1, {"n": 0})]}


def test_get_next_id_reserves_the_id(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    table = LogDB(path).table("t")
    table.insert({"n": 1})
    assert [table._get_next_id(), table._get_next_id()] == [2, 3]
    assert table.insert({"n": 4}) == 4


def test_read_only_creates_nothing_and_refuses_writes(kind: str, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    path = folder / "db.jsonl"
    with pytest.raises(FileNotFoundError):
        open_db(kind, path, access_mode="r")
    assert not folder.exists()
    folder.mkdir()
    with pytest.raises(FileNotFoundError):
        open_db(kind, path, access_mode="r")
    assert os.listdir(folder) == []

    path.write_bytes(encode_line("_default", 1, {"n": 1}))
    reader = open_db(kind, path, access_mode="r")
    assert reader.all() == [{"n": 1}]
    for write in (
        lambda: reader.insert({"n": 2}),
        lambda: reader.update({"n": 3}),
        lambda: reader.remove(doc_ids=[1]),
        lambda: reader.truncate(),
        lambda: reader.drop_tables(),
        lambda: reader.table("new", persist_empty=True),
    ):
        with pytest.raises(LogReadOnly, match="read-only"):
            write()
    assert os.listdir(folder) == ["db.jsonl"]  # not even a lock file
    assert reader.all() == [{"n": 1}]
    # It follows a writer.
    open_db(kind, path).insert({"n": 2})
    assert [doc["n"] for doc in reader.all()] == [1, 2]


def test_read_only_open_of_a_damaged_file_leaves_it_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    damaged = encode_line("t", 1, {"n": 1}) + b"garbage\n" + encode_line("t", 2, {"n": 2})
    path.write_bytes(damaged + b'0000 {"cut')
    reader = LogDB(path, access_mode="r")
    assert [doc["n"] for doc in reader.table("t").all()] == [1, 2]
    assert reader.log.read_only and reader.log.damage is not None
    assert reader.log.damage.read_only and reader.log.damage.dropped_lines == 1
    assert path.read_bytes() == damaged + b'0000 {"cut'
    assert os.listdir(tmp_path) == ["db.jsonl"]


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"encoding": "cp936"}, ValueError, "UTF-8"),
        ({"encoding": "no-such-codec"}, ValueError, "UTF-8"),
        ({"indent": 4}, ValueError, "indent"),
        ({"sort_keys": True}, TypeError, "sort_keys"),
        ({"access_mode": "w"}, ValueError, "access_mode"),
        ({"access_mode": "a+"}, ValueError, "access_mode"),
    ],
)
def test_options_it_cannot_honour_are_refused(
    kind: str, options: dict, error: type, words: str, tmp_path: Path
) -> None:
    with pytest.raises(error, match=words):
        open_db(kind, tmp_path / "db.jsonl", **options)
    assert os.listdir(tmp_path) == []


def test_utf8_by_any_name_and_indent_none_are_accepted(tmp_path: Path) -> None:
    for n, options in enumerate(({"encoding": "utf-8"}, {"encoding": "UTF8"}, {"indent": None})):
        db = TinyDB(tmp_path / f"{n}.jsonl", storage=LogStorage, **options)
        db.insert({"text": "こんにちは"})
        assert TinyDB(tmp_path / f"{n}.jsonl", storage=LogStorage).all() == [{"text": "こんにちは"}]


def test_create_dirs_as_in_tinydb_and_logdb_makes_its_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        TinyDB(tmp_path / "a" / "db.jsonl", storage=LogStorage)
    assert not (tmp_path / "a").exists()
    TinyDB(tmp_path / "a" / "db.jsonl", storage=LogStorage, create_dirs=True).insert({"n": 1})
    LogDB(tmp_path / "b" / "db.jsonl").insert({"n": 1})
    with pytest.raises(FileNotFoundError):
        LogDB(tmp_path / "c" / "db.jsonl", create_dirs=False)
    assert (tmp_path / "a" / "db.jsonl").exists() and (tmp_path / "b" / "db.jsonl").exists()
    assert not (tmp_path / "c").exists()


def test_all_keeps_insertion_order_after_a_rewrite(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    db = open_db(kind, path)
    for doc_id in (5, 2, 9, 1):
        db.insert(Document({"id": doc_id}, doc_id=doc_id))
    db.insert({"id": "next"})
    order = [5, 2, 9, 1, 10]
    db.update({"seen": True}, doc_ids=[2])  # a rewrite
    assert [doc.doc_id for doc in db.all()] == order
    assert [doc.doc_id for doc in open_db(kind, path).all()] == order


def test_plain_tinydb_inserts_append_and_updates_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    db = TinyDB(path, storage=LogStorage)
    db.insert({"n": 1})
    held = os.open(path, os.O_RDONLY)  # held open: its inode number cannot be handed on
    inode = os.fstat(held).st_ino
    db.insert({"n": 2})
    db.table("other").insert({"n": 3})
    assert path.stat().st_ino == inode  # appended, not rewritten
    assert [decode_line(raw)[:2] for raw in path.read_bytes().splitlines()] == [
        ("_default", 1),
        ("_default", 2),
        ("other", 1),
    ]
    db.update({"n": 20}, doc_ids=[2])
    assert path.stat().st_ino != inode
    os.close(held)
    assert content(LogDB(path)) == content(db)


def test_table_lines_are_not_documents_and_a_session_skips_them(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    db = LogDB(path)
    db.table("gone").insert({"n": 1})
    db.table("gone").remove(doc_ids=[1])
    (raw,) = path.read_bytes().splitlines()
    assert decode_line(raw) is None  # not a document
    assert decode_record(raw) == ("gone", 2, None)  # the table, and its next id

    from kusanone_tui.templates import load

    log = SessionLog.create(tmp_path / "s.session.jsonl", load("teireikai"), title="t")
    follower = SessionLog.open(log.path)
    assert follower.follow()
    log.db.table("scratch", persist_empty=True)  # a table line in a session file
    log.append("timer.paused", {})
    assert [e.kind for e in follower.follow()] == ["timer.paused"]
    assert [e.kind for e in SessionLog.open(log.path).events()] == [
        "session.created",
        "timer.paused",
    ]
    assert SessionLog.open(log.path).damage is None
    assert SessionStore(tmp_path).info(log.path).events == 2  # the listing counts events only
    events, _state = read_log(log.path)  # the fast read, straight from the lines
    assert [e.kind for e in events] == ["session.created", "timer.paused"]


def test_persist_empty_on_an_existing_logdb_table_keeps_its_documents(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    LogDB(path).table("t").insert({"n": 1})
    assert LogDB(path).table("t", persist_empty=True).all() == [{"n": 1}]
    assert LogDB(path).table("t").all() == [{"n": 1}]
