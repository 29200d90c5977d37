"""The HTTP-free document functions AQL's data-modification operations call."""

from __future__ import annotations

import pytest

from pytest_arangomock.base.errors import ArangoError
from pytest_arangomock.state import Server
from pytest_arangomock.state.documents import (
    RevisionConflict,
    WriteOptions,
    get_document,
    insert_document,
    insert_document_ex,
    key_from_selector,
    remove_document,
    replace_document,
    update_document,
)
from pytest_arangomock.state.indexes import PersistentIndex


@pytest.fixture
def col():
    return Server(seed=7).create_database("d").create_collection("c")


def test_insert_ignore_returns_existing_without_old(col):
    new, old = insert_document(col, {"_key": "k", "a": 1}, WriteOptions())
    assert old is None and list(new) == ["_key", "_id", "_rev", "a"]
    again, none = insert_document(col, {"_key": "k", "a": 2}, WriteOptions(overwrite_mode="ignore"))
    assert again is new and none is None
    assert insert_document_ex(col, {"_key": "k"}, WriteOptions(overwrite_mode="ignore")).ignored
    replaced, previous = insert_document(col, {"_key": "k", "b": 1}, WriteOptions(overwrite=True))
    assert previous is new and replaced["b"] == 1 and "a" not in replaced


def test_stored_documents_are_never_mutated(col):
    first, _ = insert_document(col, {"_key": "k", "o": {"x": 1}}, WriteOptions())
    snapshot = {"_key": "k", "_id": "c/k", "_rev": first["_rev"], "o": {"x": 1}}
    update_document(col, "k", {"o": {"y": 2}}, WriteOptions())
    assert first == snapshot
    assert col.docs["k"]["o"] == {"x": 1, "y": 2}


def test_revision_preconditions(col):
    doc, _ = insert_document(col, {"_key": "k"}, WriteOptions())
    with pytest.raises(RevisionConflict) as exc:
        replace_document(col, "k", {}, WriteOptions(), expected_rev="_nope")
    assert exc.value.num == 1200 and exc.value.current is doc
    with pytest.raises(RevisionConflict):
        update_document(col, "k", {"_rev": "_nope"}, WriteOptions(ignore_revs=False))
    with pytest.raises(RevisionConflict) as exc2:
        get_document(col, "k", "_nope")
    assert exc2.value.message == "conflict"
    assert get_document(col, "k", doc["_rev"]) is doc
    assert remove_document(col, "k", WriteOptions(), doc["_rev"]) is doc
    with pytest.raises(ArangoError) as missing:
        remove_document(col, "k", WriteOptions())
    assert missing.value.num == 1202


def test_failed_unique_index_leaves_state_untouched(col):
    col.indexes.append(PersistentIndex(col, "9", "u", ["u"], unique=True))
    insert_document(col, {"_key": "a", "u": 1}, WriteOptions())
    b, _ = insert_document(col, {"_key": "b", "u": 2}, WriteOptions())
    with pytest.raises(ArangoError) as exc:
        insert_document(col, {"_key": "c", "u": 1}, WriteOptions())
    assert exc.value.num == 1210
    with pytest.raises(ArangoError):
        update_document(col, "b", {"u": 1}, WriteOptions())
    assert set(col.docs) == {"a", "b"} and col.docs["b"] is b
    update_document(col, "a", {"u": 1, "x": 1}, WriteOptions())  # own value: no conflict
    assert col.docs["a"]["x"] == 1


def test_is_restore_keeps_revisions_and_user_keys(col):
    col.key_options["allowUserKeys"] = False
    new, _ = insert_document(col, {"_key": "r", "_rev": "_abc"}, WriteOptions(is_restore=True))
    assert new["_rev"] == "_abc"
    with pytest.raises(ArangoError) as exc:
        insert_document(col, {"_key": "s"}, WriteOptions())
    assert exc.value.num == 1222


@pytest.mark.parametrize(
    ("selector", "key"),
    [("k", "k"), ("c/k", "k"), ({"_key": "k"}, "k"), ({"_id": "c/k"}, "k")],
)
def test_key_from_selector(col, selector, key):
    assert key_from_selector(col, selector) == key


@pytest.mark.parametrize(("selector", "num"), [(5, 1227), ([], 1227), ({"a": 1}, 1226), ("", 1205)])
def test_key_from_bad_selector(col, selector, num):
    with pytest.raises(ArangoError) as exc:
        key_from_selector(col, selector)
    assert exc.value.num == num
