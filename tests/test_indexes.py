"""Indexes API through arangoasync, index structures, unique constraints and TTL expiry."""

from __future__ import annotations

import pytest
from arangoasync.exceptions import IndexCreateError, IndexDeleteError, IndexGetError

from pytest_arangomock.base.errors import ArangoError
from pytest_arangomock.state.indexes import PersistentIndex, create_index


def _store(col, key, **fields):
    col.store({"_key": key, "_id": f"{col.name}/{key}", "_rev": "_r", **fields}, None)


def _state(emulator, name, db="testdb"):
    return emulator.server.database(db).collections[name]


async def test_create_list_get_delete(db):
    col = await db.create_collection("products")
    idx = await col.add_index("persistent", ["a", "b"], {"unique": True, "name": "ab"})
    assert idx.type == "persistent" and idx["isNewlyCreated"] is True
    again = await col.add_index("persistent", ["a", "b"], {"unique": True})
    assert again.id == idx.id and again["isNewlyCreated"] is False
    hashed = await col.add_index("hash", ["c"])
    assert hashed.type == "persistent" and hashed["deduplicate"] is True
    ttl = await col.add_index("ttl", ["t"], {"expireAfter": 60})
    assert ttl["sparse"] is True and ttl["expireAfter"] == 60
    geo = await col.add_index("geo", ["loc"], {"geoJson": True})
    assert geo["geoJson"] is True
    assert [i.type for i in await col.indexes()] == [
        "primary",
        "persistent",
        "persistent",
        "ttl",
        "geo",
    ]
    assert (await col.get_index("ab")).id == idx.id
    assert (await col.get_index(idx.id)).name == "ab"
    assert await col.delete_index(idx.id) is True
    assert await col.delete_index(idx.id, ignore_missing=True) is False
    with pytest.raises(IndexGetError) as exc:
        await col.get_index(idx.id)
    assert (exc.value.http_code, exc.value.error_code) == (404, 1212)
    with pytest.raises(IndexDeleteError) as exc:
        await col.delete_index("0")
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)


async def test_bad_definitions(db):
    col = await db.create_collection("bad")
    cases = [
        ("nope", ["a"], {}, 10, "invalid index type 'nope'"),
        ("persistent", [], {}, 10, "invalid number of index attributes"),
        ("persistent", ["a", "a"], {}, 10, "duplicate attribute name in index fields list"),
        ("persistent", ["_id"], {}, 10, "_id attribute cannot be indexed"),
        ("ttl", ["t"], {}, 10, "expireAfter attribute must be a number"),
        ("ttl", ["t", "u"], {"expireAfter": 1}, 10, "invalid number of index attributes"),
        ("primary", ["_key"], {}, 10, None),
    ]
    for itype, fields, options, num, message in cases:
        with pytest.raises(IndexCreateError) as exc:
            await col.add_index(itype, fields, options)
        assert (exc.value.http_code, exc.value.error_code) == (400, num)
        if message:
            assert exc.value.error_message == message
    await col.add_index("persistent", ["x"], {"name": "same"})
    with pytest.raises(IndexCreateError) as exc:
        await col.add_index("persistent", ["y"], {"name": "same"})
    assert (exc.value.http_code, exc.value.error_code) == (400, 1005)
    assert len(await col.indexes()) == 2


async def test_unique_index_over_duplicates_and_on_writes(db, arango_emulator):
    col = await db.create_collection("u")
    state = _state(arango_emulator, "u")
    _store(state, "1", email="a@x")
    _store(state, "2", email="a@x")
    with pytest.raises(IndexCreateError) as exc:
        await col.add_index("persistent", ["email"], {"unique": True})
    assert (exc.value.http_code, exc.value.error_code) == (400, 1210)
    assert len(await col.indexes()) == 1
    state.delete(state.docs["2"])
    idx = await col.add_index("persistent", ["email"], {"unique": True, "name": "by_email"})
    with pytest.raises(ArangoError) as err:
        _store(state, "3", email="a@x")
    assert err.value.num == 1210 and err.value.status == 409
    assert err.value.message == (
        "unique constraint violated - in index by_email of type persistent over 'email'; "
        "conflicting key: 1"
    )
    assert "3" not in state.docs
    _store(state, "1", email="a@x", other=1)  # replacing the same document is fine
    assert idx.name == "by_email"


def test_sparse_array_and_range_lookups(arango_emulator):
    db = arango_emulator.server.create_database("lk")
    col = db.create_collection("c")
    sparse, _ = create_index(col, {"type": "persistent", "fields": ["v"], "sparse": True})
    tags, _ = create_index(col, {"type": "persistent", "fields": ["tags[*]"]})
    pair, _ = create_index(col, {"type": "persistent", "fields": ["v", "w"]})
    assert isinstance(sparse, PersistentIndex) and isinstance(tags, PersistentIndex)
    _store(col, "a", v=1, w="x", tags=["red", "blue", "red"])
    _store(col, "b", v=2, w="y", tags=["blue"])
    _store(col, "c", v=None, tags="nope")
    _store(col, "d", v="s", w="z")
    assert [d["_key"] for d in sparse.lookup_eq((1,))] == ["a"]
    assert sparse.lookup_eq((None,)) == []
    assert [d["_key"] for d in pair.lookup_eq((None,))] == ["c"]
    assert [d["_key"] for d in tags.lookup_eq(("blue",))] == ["a", "b"]
    assert [d["_key"] for d in pair.lookup_eq((2, "y"))] == ["b"]
    assert [d["_key"] for d in pair.lookup_eq((1,))] == ["a"]
    # AQL order: null < numbers < strings
    assert [d["_key"] for d in pair.lookup_range(1, 2)] == ["a", "b"]
    assert [d["_key"] for d in pair.lookup_range(1, 2, low_inclusive=False)] == ["b"]
    assert [d["_key"] for d in pair.lookup_range(high=2, high_inclusive=False)] == ["c", "a"]
    assert [d["_key"] for d in pair.lookup_range(low=2)] == ["b", "d"]
    col.delete(col.docs["a"])
    assert [d["_key"] for d in tags.lookup_eq(("blue",))] == ["b"]
    assert tags.lookup_eq(("red",)) == []
    col.truncate()
    assert pair.lookup_range() == []


def test_lookup_cost_does_not_grow_with_size(arango_emulator):
    db = arango_emulator.server.create_database("cost")
    col = db.create_collection("c")
    index, _ = create_index(col, {"type": "persistent", "fields": ["n"]})
    assert isinstance(index, PersistentIndex)

    def cost(size: int) -> int:
        col.truncate()
        for i in range(size):
            _store(col, str(i), n=i)
        docs = col.docs
        seen = []
        original_get = dict.get

        class Counting(dict):
            def get(self, key, default=None):
                seen.append(key)
                return original_get(self, key, default)

            def __getitem__(self, key):
                seen.append(key)
                return dict.__getitem__(self, key)

        col.docs = Counting(docs)
        try:
            before = index.operations
            found = index.lookup_eq((size // 2,))
            assert [d["n"] for d in found] == [size // 2]
            return index.operations - before + len(seen)
        finally:
            col.docs = docs

    assert cost(10) == cost(2000)


async def test_ttl_documents_disappear(db, arango_emulator):
    col = await db.create_collection("sessions")
    await col.add_index("ttl", ["expiresAt"], {"expireAfter": 0})
    state = _state(arango_emulator, "sessions")
    now = [1_000_000.0]
    arango_emulator.server.ttl.clock = lambda: now[0]
    _store(state, "old", expiresAt=now[0] - 10)
    _store(state, "iso", expiresAt="1970-01-12T13:46:30Z")  # 999990 seconds
    _store(state, "later", expiresAt=now[0] + 100)
    _store(state, "never", other=1)
    assert await col.count() == 2
    assert set(state.docs) == {"later", "never"}
    now[0] += 200
    assert await col.count() == 1
    assert set(state.docs) == {"never"}


def test_index_field_order_raw(raw, arango_emulator):
    arango_emulator.server.create_database("r")
    raw("POST", "/_db/r/_api/collection", {"name": "p"})
    status, body, _ = raw(
        "POST", "/_db/r/_api/index?collection=p", {"type": "fulltext", "fields": ["text"]}
    )
    assert status == 201
    assert list(body) == [
        "fields", "id", "isNewlyCreated", "minLength", "name", "sparse", "type", "unique",
        "code", "error",
    ]  # fmt: skip
    assert body["minLength"] == 2 and body["name"].startswith("idx_")
    status, body, _ = raw("GET", "/_db/r/_api/index?collection=p")
    assert list(body) == ["error", "code", "indexes", "identifiers"]
    assert list(body["identifiers"]) == [i["id"] for i in body["indexes"]]
    status, body, _ = raw("GET", "/_db/r/_api/index?collection=missing")
    assert (status, body["errorNum"]) == (404, 1203)
    status, body, _ = raw("DELETE", "/_db/r/_api/index/p/999")
    assert (status, body["errorNum"]) == (404, 1212)
