"""System collections are built on first use, yet every answer is the one a database that
always had them gives: listings (order, ids), reads by name, counts, ``_graphs`` reads."""

from __future__ import annotations

from typing import Any

from pytest_arangomock.state.model import SYSTEM_COLLECTIONS, SYSTEM_DB_COLLECTIONS, Database


def _listing(raw: Any, db: str = "testdb") -> list[dict[str, Any]]:
    status, answer, _ = raw("GET", f"/_db/{db}/_api/collection")
    assert status == 200, answer
    return answer["result"]


def test_a_new_database_builds_none_until_asked(arango_emulator: Any) -> None:
    db: Database = arango_emulator.server.create_database("fresh")
    assert dict.__len__(db.collections) == 0  # nothing built yet
    assert len(db.collections) == len(SYSTEM_COLLECTIONS)
    assert "_graphs" in db.collections and "users" not in db.collections
    db.create_collection("users")
    assert dict.__len__(db.collections) == 1  # adding another name builds nothing either
    assert db.get_collection("_graphs") is not None  # reading one builds them all
    assert list(db.collections)[: len(SYSTEM_COLLECTIONS)] == list(SYSTEM_COLLECTIONS)


def test_listing_order_and_ids_as_if_built_up_front(raw: Any, db: Any) -> None:
    status, answer, _ = raw("POST", "/_db/testdb/_api/collection", {"name": "users"})
    assert status == 200, answer
    listed = _listing(raw)
    names = [c["name"] for c in listed]
    assert names == [*SYSTEM_COLLECTIONS, "users"]
    ids = [int(c["id"]) for c in listed]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # system ids come first
    assert all(c["isSystem"] for c in listed[:-1]) and not listed[-1]["isSystem"]


def test_system_database_has_its_extra_collections(raw: Any) -> None:
    names = [c["name"] for c in _listing(raw, "_system")]
    extra = {c for c in SYSTEM_DB_COLLECTIONS if c != "_users"}  # _users is never listed
    assert extra | set(SYSTEM_COLLECTIONS) <= set(names)


def test_reads_by_name_count_and_graphs(raw: Any, db: Any) -> None:
    status, answer, _ = raw("GET", "/_db/testdb/_api/collection/_graphs/count")
    assert status == 200 and answer["count"] == 0 and answer["isSystem"] is True
    status, answer, _ = raw("GET", "/_db/testdb/_api/gharial")
    assert status == 200 and answer["graphs"] == []
    status, answer, _ = raw(
        "POST", "/_db/testdb/_api/cursor", {"query": "FOR g IN _graphs RETURN g"}
    )
    assert status == 201 and answer["result"] == []


def test_a_system_name_is_taken_before_it_is_built(raw: Any, db: Any) -> None:
    status, answer, _ = raw(
        "POST", "/_db/testdb/_api/collection", {"name": "_graphs", "isSystem": True}
    )
    assert status == 409 and answer["errorNum"] == 1207
