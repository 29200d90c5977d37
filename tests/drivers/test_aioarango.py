"""aioarango through the in-process transport and its own httpx client."""

from __future__ import annotations

from typing import Any

import pytest
from aioarango.exceptions import (
    AQLQueryExecuteError,
    CollectionCreateError,
    DatabaseCreateError,
    DocumentInsertError,
    DocumentRevisionError,
    GraphCreateError,
    IndexCreateError,
    UserCreateError,
)

from pytest_arangomock import Emulator

pytestmark = pytest.mark.filterwarnings(
    "ignore:Use .content=:DeprecationWarning"
)  # aioarango + httpx


async def test_version(aio_sys: Any) -> None:
    assert (await aio_sys.version()).startswith("3.12")


async def test_databases(aio_sys: Any) -> None:
    assert await aio_sys.create_database("sales") is True
    assert await aio_sys.has_database("sales")
    with pytest.raises(DatabaseCreateError) as exc:
        await aio_sys.create_database("sales")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1207)
    assert await aio_sys.delete_database("sales") is True
    assert "sales" not in await aio_sys.databases()


async def test_collections_and_documents(aio_db: Any) -> None:
    items = await aio_db.create_collection("items")
    with pytest.raises(CollectionCreateError) as exc:
        await aio_db.create_collection("items")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1207)
    meta = await items.insert({"_key": "a", "n": 1}, return_new=True)
    assert meta["new"] == {"_key": "a", "_id": "items/a", "_rev": meta["_rev"], "n": 1}
    assert (await items.get("a"))["n"] == 1
    await items.update({"_key": "a", "m": 2})
    with pytest.raises(DocumentRevisionError) as exc:
        await items.replace({"_key": "a", "_rev": meta["_rev"]}, check_rev=True)
    assert (exc.value.http_code, exc.value.error_code) == (412, 1200)
    results = await items.insert_many([{"_key": "a"}, {"_key": "b"}])
    assert isinstance(results[0], DocumentInsertError) and results[0].error_code == 1210
    assert await items.count() == 2
    assert await items.delete("b")
    await items.truncate()
    assert await items.count() == 0


async def test_indexes(aio_db: Any) -> None:
    items = await aio_db.create_collection("items")
    index = await items.add_persistent_index(["sku"], unique=True)
    assert index["type"] == "persistent" and index["fields"] == ["sku"]
    await items.insert({"sku": 1})
    with pytest.raises(DocumentInsertError) as exc:
        await items.insert({"sku": 1})
    assert (exc.value.http_code, exc.value.error_code) == (409, 1210)
    with pytest.raises(IndexCreateError) as exc:
        await items.add_persistent_index([])
    assert (exc.value.http_code, exc.value.error_code) == (400, 10)
    assert await items.delete_index(index["id"]) is True


async def test_aql_cursor_in_batches(aio_db: Any) -> None:
    items = await aio_db.create_collection("items")
    await items.insert_many([{"n": i} for i in range(5)])
    cursor = await aio_db.aql.execute(
        "FOR d IN items SORT d.n DESC RETURN d.n", batch_size=2, count=True
    )
    assert cursor.count() == 5
    assert cursor.has_more() is True
    assert [n async for n in cursor] == [4, 3, 2, 1, 0]
    assert cursor.has_more() is False
    with pytest.raises(AQLQueryExecuteError) as exc:
        await aio_db.aql.execute("RETURN @missing")
    assert (exc.value.http_code, exc.value.error_code) == (400, 1551)


async def test_users(aio_sys: Any) -> None:
    assert (await aio_sys.create_user("ada", "pw"))["username"] == "ada"
    with pytest.raises(UserCreateError) as exc:
        await aio_sys.create_user("ada", "pw")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1702)
    await aio_sys.update_permission("ada", "rw", "_system")
    assert await aio_sys.permission("ada", "_system") == "rw"
    assert await aio_sys.delete_user("ada") is True


async def test_graphs(aio_db: Any) -> None:
    graph = await aio_db.create_graph(
        "g",
        edge_definitions=[
            {
                "edge_collection": "e",
                "from_vertex_collections": ["v"],
                "to_vertex_collections": ["v"],
            }
        ],
    )
    v = graph.vertex_collection("v")
    await v.insert({"_key": "a"})
    await v.insert({"_key": "b"})
    await graph.edge_collection("e").insert({"_from": "v/a", "_to": "v/b"})
    cursor = await aio_db.aql.execute("FOR x IN OUTBOUND 'v/a' GRAPH 'g' RETURN x._key")
    assert [k async for k in cursor] == ["b"]
    with pytest.raises(GraphCreateError) as exc:
        await aio_db.create_graph("g")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1925)


async def test_jwt_login_goes_through_the_database_prefix(
    aio_client: Any, arango_emulator: Emulator
) -> None:
    arango_emulator.server.create_database("shop")
    db = await aio_client.db("shop", username="root", password="", auth_method="jwt")
    assert await db.has_collection("nothing") is False
    logins = [r.path for r in arango_emulator.requests if r.path.endswith("/_open/auth")]
    assert logins == ["/_db/shop/_open/auth"]
    assert any(
        r.headers.get("authorization", "").lower().startswith("bearer ")
        for r in arango_emulator.requests
    )


async def test_stream_transaction(aio_db: Any) -> None:
    await aio_db.create_collection("accounts")
    txn = await aio_db.begin_transaction(write="accounts")
    await txn.collection("accounts").insert({"_key": "a"})
    assert not await aio_db.collection("accounts").has("a")
    assert await txn.commit_transaction() is True
    assert await aio_db.collection("accounts").has("a")
