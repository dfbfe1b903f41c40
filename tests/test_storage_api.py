"""LogDB keeps TinyDB's interface: what a script does through TinyDB lands on disk and is shared."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb import Query
from tinydb.table import Document

from kusanone_tui.store.storage import LogDB, decode_line

Q = Query()


def records(path: Path) -> list[tuple[str, int, dict]]:
    """Every line of the file, decoded (fails on a line that does not pass its checksum)."""
    out = []
    for raw in path.read_bytes().split(b"\n")[:-1]:
        record = decode_line(raw)
        assert record is not None, raw
        out.append(record)
    return out


def test_insert_get_search_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    table = LogDB(path).table("people")
    first = table.insert({"name": "あおい", "age": 30})
    more = table.insert_multiple([{"name": "ひかり", "age": 41}, {"name": "そら", "age": 25}])
    assert [first, *more] == [1, 2, 3]

    table = LogDB(path).table("people")
    assert table.get(doc_id=2) == {"name": "ひかり", "age": 41}
    assert table.get(Q.name == "そら").doc_id == 3
    assert sorted(doc["name"] for doc in table.search(Q.age > 28)) == ["あおい", "ひかり"]
    assert table.contains(Q.name == "あおい") and not table.contains(Q.name == "x")
    assert table.count(Q.age < 100) == 3
    assert len(table) == 3
    # Ids go on from the last one, also after reopening.
    assert table.insert({"name": "うみ", "age": 9}) == 4
    # Each insert is one appended line, not a rewrite.
    assert [(t, i) for t, i, _ in records(path)] == [("people", n) for n in (1, 2, 3, 4)]


def test_update_remove_truncate_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    db = LogDB(path)
    table = db.table("items")
    table.insert_multiple([{"k": k, "done": False} for k in range(5)])
    db.table("other").insert({"keep": True})

    assert sorted(table.update({"done": True}, Q.k < 2)) == [1, 2]
    assert table.remove(Q.k == 4) == [5]
    table = LogDB(path).table("items")
    assert {doc["k"]: doc["done"] for doc in table.all()} == {
        0: True,
        1: True,
        2: False,
        3: False,
    }
    assert table.get(doc_id=5) is None

    table.truncate()
    assert len(table) == 0
    reopened = LogDB(path)
    assert len(reopened.table("items")) == 0
    assert reopened.table("other").all() == [{"keep": True}]  # other tables are untouched
    assert reopened.table("items").insert({"k": "again"}) == 1


def test_default_table_len_and_upsert(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    db = LogDB(path)
    assert len(db) == 0
    db.insert({"key": "a", "v": 1})
    db.upsert({"key": "a", "v": 2}, Q.key == "a")
    db.upsert({"key": "b", "v": 3}, Q.key == "b")
    assert len(db) == 2
    reopened = LogDB(path)
    assert len(reopened) == 2
    assert {doc["key"]: doc["v"] for doc in reopened.all()} == {"a": 2, "b": 3}


def test_insert_with_taken_doc_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    table = LogDB(path).table("t")
    table.insert({"v": 1})
    with pytest.raises(ValueError):
        table.insert(Document({"v": 2}, doc_id=1))
    assert table.insert(Document({"v": 9}, doc_id=9)) == 9
    assert table.insert({"v": 10}) == 10
    assert {doc.doc_id: doc["v"] for doc in LogDB(path).table("t").all()} == {1: 1, 9: 9, 10: 10}


def test_returned_documents_are_copies(tmp_path: Path) -> None:
    table = LogDB(tmp_path / "db.jsonl").table("t")
    table.insert({"v": 1})
    doc = table.get(doc_id=1)
    doc["v"] = 99
    table.search(Q.v == 1)[0]["v"] = 99
    assert table.get(doc_id=1)["v"] == 1
    assert LogDB(tmp_path / "db.jsonl").table("t").get(doc_id=1)["v"] == 1


def test_search_sees_other_instances_writes(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    mine = LogDB(path).table("t")
    theirs = LogDB(path).table("t")
    mine.insert({"k": 0, "tag": "x"})
    # Fill the query cache, then change the data behind it from another instance.
    assert len(mine.search(Q.tag == "x")) == 1
    assert mine.count(Q.k == 1) == 0

    theirs.insert({"k": 1, "tag": "x"})
    assert sorted(doc["k"] for doc in mine.search(Q.tag == "x")) == [0, 1]
    assert mine.count(Q.k == 1) == 1
    assert len(mine) == 2
    # An insert from `mine` continues after the id `theirs` used, never overwrites it.
    assert mine.insert({"k": 2, "tag": "z"}) == 3

    theirs.update({"tag": "y"}, Q.k == 0)
    assert [doc["k"] for doc in mine.search(Q.tag == "x")] == [1]
    theirs.remove(Q.k == 1)
    assert mine.search(Q.tag == "x") == []
    assert mine.get(doc_id=1) == {"k": 0, "tag": "y"}
    assert [doc["k"] for doc in mine.search(Q.tag == "z")] == [2]
    assert len(mine) == 2


def test_a_missing_file_is_created_empty_or_refused(tmp_path: Path) -> None:
    path = tmp_path / "new" / "db.jsonl"
    with pytest.raises(FileNotFoundError):
        LogDB(path, create=False)
    db = LogDB(path)
    assert path.exists() and path.read_bytes() == b""
    assert db.tables() == set()


def test_changes_made_while_not_looking_are_seen_and_not_undone(tmp_path: Path) -> None:
    # Two rewrites in a row by another instance: the second new file may reuse the inode
    # number of the file this instance read last (ext4 does), and must still be noticed.
    path = tmp_path / "db.jsonl"
    mine = LogDB(path).table("t")
    mine.insert({"n": 1, "other": 0})
    theirs = LogDB(path).table("t")
    assert theirs.get(doc_id=1) == {"n": 1, "other": 0}
    for n in (2, 3, 4, 5):
        mine.update({"n": n}, doc_ids=[1])
        mine.update({"n": n + 10}, doc_ids=[1])
        assert theirs.get(doc_id=1)["n"] == n + 10
        theirs.update({"other": n}, doc_ids=[1])
        assert mine.get(doc_id=1) == {"n": n + 10, "other": n}
    assert LogDB(path).table("t").get(doc_id=1) == {"n": 15, "other": 5}


def test_closed_db_still_reads_current_data(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    with LogDB(path) as db:
        db.insert({"k": 1})
    other = LogDB(path)
    other.update({"k": 2})
    other.update({"k": 3})
    assert db.all() == [{"k": 3}]
    db.close()
    other.insert({"k": 4})
    assert sorted(doc["k"] for doc in db.all()) == [3, 4]
