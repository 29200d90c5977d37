"""python-arango (sync) through the in-process transport and its own requests client."""

from __future__ import annotations

from typing import Any

import pytest
from arango.exceptions import (
    AQLQueryExecuteError,
    CollectionCreateError,
    CollectionDeleteError,
    CursorNextError,
    DatabaseCreateError,
    DatabaseDeleteError,
    DocumentGetError,
    DocumentInsertError,
    DocumentRevisionError,
    GraphCreateError,
    IndexCreateError,
    UserCreateError,
)


def test_version_and_server_details(pa_sys: Any) -> None:
    assert pa_sys.version().startswith("3.12")
    details = pa_sys.version(details=True)
    assert details["server"] == "arango"
    assert pa_sys.status()["server"] == "arango"


def test_databases(pa_sys: Any, pa_client: Any) -> None:
    assert pa_sys.create_database("sales") is True
    assert pa_sys.has_database("sales")
    assert "sales" in pa_sys.databases()
    with pytest.raises(DatabaseCreateError) as exc:
        pa_sys.create_database("sales")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1207)
    sales = pa_client.db("sales", username="root", password="")
    assert sales.name == "sales"
    assert sales.properties()["name"] == "sales"
    assert pa_sys.delete_database("sales") is True
    assert pa_sys.delete_database("sales", ignore_missing=True) is False
    with pytest.raises(DatabaseDeleteError) as exc:
        pa_sys.delete_database("sales")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1228)


def test_collections(pa_db: Any) -> None:
    items = pa_db.create_collection("items", sync=True)
    assert items.properties()["sync"] is True
    assert pa_db.has_collection("items")
    assert {c["name"] for c in pa_db.collections() if not c["system"]} == {"items"}
    with pytest.raises(CollectionCreateError) as exc:
        pa_db.create_collection("items")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1207)
    edges = pa_db.create_collection("links", edge=True)
    assert edges.properties()["edge"] is True
    items.insert_many([{"n": i} for i in range(3)])
    assert items.count() == 3
    items.truncate()
    assert items.count() == 0
    assert pa_db.delete_collection("items") is True
    with pytest.raises(CollectionDeleteError) as exc:
        pa_db.delete_collection("items")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1203)


def test_documents(pa_db: Any) -> None:
    items = pa_db.create_collection("items")
    meta = items.insert({"_key": "a", "n": 1}, return_new=True)
    assert meta["_id"] == "items/a" and meta["new"]["n"] == 1
    assert items.get("a")["n"] == 1
    assert items.has("a") and not items.has("zz")
    assert items.get("zz") is None
    updated = items.update({"_key": "a", "m": 2}, return_old=True)
    assert updated["old"]["n"] == 1
    assert items.get("a")["m"] == 2
    items.replace({"_key": "a", "x": 3})
    assert "n" not in items.get("a")
    with pytest.raises(DocumentRevisionError) as exc:
        items.replace({"_key": "a", "_rev": meta["_rev"], "y": 1}, check_rev=True)
    assert (exc.value.http_code, exc.value.error_code) == (412, 1200)
    with pytest.raises(DocumentInsertError) as exc:
        items.insert({"_key": "a"})
    assert (exc.value.http_code, exc.value.error_code) == (409, 1210)
    assert items.delete("a")["_key"] == "a"
    assert items.delete("a", ignore_missing=True) is False
    with pytest.raises(DocumentGetError) as exc:
        pa_db.collection("nope").get("a")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1203)


def test_batch_documents_report_errors_per_document(pa_db: Any) -> None:
    items = pa_db.create_collection("items")
    results = items.insert_many([{"_key": "a"}, {"_key": "a"}, {"_key": "b"}])
    assert results[0]["_key"] == "a"
    assert isinstance(results[1], DocumentInsertError)
    assert results[1].error_code == 1210
    assert results[2]["_key"] == "b"
    assert sorted(d["_key"] for d in items.get_many(["a", "b", "c"])) == ["a", "b"]
    assert len(items.delete_many(["a", "b"])) == 2
    assert items.count() == 0


def test_indexes(pa_db: Any) -> None:
    items = pa_db.create_collection("items")
    index = items.add_index({"type": "persistent", "fields": ["email"], "unique": True})
    assert index["type"] == "persistent" and index["unique"] is True
    assert [i["type"] for i in items.indexes()] == ["primary", "persistent"]
    items.insert({"email": "a@x"})
    with pytest.raises(DocumentInsertError) as exc:
        items.insert({"email": "a@x"})
    assert (exc.value.http_code, exc.value.error_code) == (409, 1210)
    items.insert({"email": "b@x"})
    with pytest.raises(IndexCreateError) as exc:
        items.add_index({"type": "persistent", "fields": []})
    assert (exc.value.http_code, exc.value.error_code) == (400, 10)
    assert items.delete_index(index["id"]) is True
    assert len(items.indexes()) == 1


def test_aql_cursor_in_batches(pa_db: Any) -> None:
    items = pa_db.create_collection("items")
    items.insert_many([{"n": i} for i in range(7)])
    cursor = pa_db.aql.execute(
        "FOR d IN items FILTER d.n >= @min SORT d.n RETURN d.n",
        bind_vars={"min": 1},
        batch_size=2,
        count=True,
    )
    assert cursor.count() == 6
    assert cursor.has_more() is True
    assert list(cursor.batch()) == [1, 2]
    assert list(cursor) == [1, 2, 3, 4, 5, 6]
    assert cursor.has_more() is False
    assert cursor.statistics()["scanned_full"] == 7


def test_aql_errors(pa_db: Any) -> None:
    with pytest.raises(AQLQueryExecuteError) as exc:
        pa_db.aql.execute("FOR d IN RETURN d")
    assert (exc.value.http_code, exc.value.error_code) == (400, 1501)
    with pytest.raises(AQLQueryExecuteError) as exc:
        pa_db.aql.execute("FOR d IN missing RETURN d")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1203)


def test_closed_cursor_is_gone(pa_db: Any) -> None:
    pa_db.create_collection("items").insert_many([{} for _ in range(4)])
    cursor = pa_db.aql.execute("FOR d IN items RETURN 1", batch_size=1)
    assert cursor.close() is True
    with pytest.raises(CursorNextError) as exc:
        cursor.fetch()
    assert (exc.value.http_code, exc.value.error_code) == (404, 1600)


def test_aql_writes_and_explain(pa_db: Any) -> None:
    pa_db.create_collection("items")
    cursor = pa_db.aql.execute("FOR i IN 1..3 INSERT {n: i} INTO items RETURN NEW.n")
    assert list(cursor) == [1, 2, 3]
    assert cursor.statistics()["modified"] == 3
    plan = pa_db.aql.explain("FOR d IN items RETURN d")
    assert isinstance(plan, dict) and "nodes" in plan
    assert pa_db.aql.validate("FOR d IN items RETURN d")["collections"] == ["items"]


def test_users_and_permissions(pa_sys: Any, pa_client: Any, arango_emulator: Any) -> None:
    arango_emulator.server.create_database("shop")
    user = pa_sys.create_user("ada", "pw", extra={"team": "x"})
    assert user == {"username": "ada", "active": True, "extra": {"team": "x"}}
    with pytest.raises(UserCreateError) as exc:
        pa_sys.create_user("ada", "pw")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1702)
    assert pa_sys.permission("ada", "shop") == "none"
    pa_sys.update_permission("ada", "ro", "shop")
    assert pa_sys.permission("ada", "shop") == "ro"
    shop = pa_client.db("shop", username="ada", password="pw")
    assert shop.collections() is not None
    with pytest.raises(CollectionCreateError) as exc:
        shop.create_collection("items")
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    assert "ada" in [u["username"] for u in pa_sys.users()]
    assert pa_sys.delete_user("ada") is True


def test_graphs(pa_db: Any) -> None:
    graph = pa_db.create_graph(
        "social",
        edge_definitions=[
            {
                "edge_collection": "knows",
                "from_vertex_collections": ["people"],
                "to_vertex_collections": ["people"],
            }
        ],
    )
    people = graph.vertex_collection("people")
    for key in "abc":
        people.insert({"_key": key})
    knows = graph.edge_collection("knows")
    knows.insert({"_from": "people/a", "_to": "people/b"})
    knows.insert({"_from": "people/b", "_to": "people/c"})
    assert pa_db.has_graph("social")
    assert graph.edge_definitions()[0]["edge_collection"] == "knows"
    cursor = pa_db.aql.execute("FOR v IN 1..2 OUTBOUND 'people/a' GRAPH 'social' RETURN v._key")
    assert list(cursor) == ["b", "c"]
    with pytest.raises(GraphCreateError) as exc:
        pa_db.create_graph("social")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1925)
    assert pa_db.delete_graph("social", drop_collections=True) is True
    assert not pa_db.has_collection("knows")


def test_view_path_fragment_is_not_sent(pa_db: Any) -> None:
    view = pa_db.create_arangosearch_view("v", properties={})
    assert view["name"] == "v" and view["type"] == "arangosearch"
    assert pa_db.view("v")["name"] == "v"


def test_stream_transaction_commit_and_abort(pa_db: Any) -> None:
    pa_db.create_collection("accounts").insert({"_key": "a", "balance": 10})
    txn = pa_db.begin_transaction(write="accounts")
    txn.collection("accounts").update({"_key": "a", "balance": 5})
    assert pa_db.collection("accounts").get("a")["balance"] == 10  # not yet visible
    assert txn.transaction_status() == "running"
    assert txn.commit_transaction() is True
    assert pa_db.collection("accounts").get("a")["balance"] == 5
    txn = pa_db.begin_transaction(write="accounts")
    txn.collection("accounts").insert({"_key": "b"})
    assert txn.abort_transaction() is True
    assert not pa_db.has_document("accounts/b")


def test_async_job_returns_its_result(pa_db: Any) -> None:
    import time

    pa_db.create_collection("items")
    async_db = pa_db.begin_async_execution(return_result=True)
    job = async_db.collection("items").insert({"_key": "a"})
    for _ in range(100):
        if job.status() == "done":
            break
        time.sleep(0.01)
    assert job.result()["_key"] == "a"
    assert pa_db.collection("items").has("a")
