"""Named graphs (gharial) through arangoasync, plus raw checks of what the driver hides."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import (
    DocumentDeleteError,
    DocumentGetError,
    DocumentInsertError,
    DocumentRevisionError,
    DocumentUpdateError,
    EdgeDefinitionCreateError,
    EdgeDefinitionDeleteError,
    EdgeDefinitionReplaceError,
    GraphCreateError,
    GraphDeleteError,
    GraphPropertiesError,
    VertexCollectionCreateError,
    VertexCollectionDeleteError,
)

from pytest_arangomock.state.graphs import (
    edge_collections_of,
    get_graph,
    vertex_collections_of,
)

KNOWS = [{"collection": "knows", "from": ["people"], "to": ["people"]}]
RELATION = [{"collection": "relation", "from": ["male", "female"], "to": ["female", "male"]}]


def _state(emulator: Any, name: str = "testdb") -> Any:
    return emulator.server.database(name)


async def _social(db: Any) -> Any:
    """A small social graph: alice (female), bob and charly (male), two relations."""
    graph = await db.create_graph("social", edge_definitions=RELATION)
    await graph.insert_vertex("female", {"_key": "alice"})
    await graph.insert_vertex("male", {"_key": "bob"})
    await graph.insert_vertex("male", {"_key": "charly"})
    await graph.insert_edge("relation", {"_key": "ab", "_from": "female/alice", "_to": "male/bob"})
    await graph.insert_edge("relation", {"_key": "cb", "_from": "male/charly", "_to": "male/bob"})
    return graph


# ------------------------------------------------------------------ management
async def test_create_graph_creates_collections_and_sorts_definitions(
    db: Any, arango_emulator: Any
) -> None:
    graph = await db.create_graph(
        "social", edge_definitions=RELATION, orphan_collections=["zoo", "lonely"]
    )
    props = await graph.properties()
    assert props.name == "social"
    assert props.edge_definitions == [
        {"collection": "relation", "from": ["female", "male"], "to": ["female", "male"]}
    ]
    assert props.orphan_collections == ["lonely", "zoo"]
    assert await graph.vertex_collections() == ["female", "lonely", "male", "zoo"]
    assert await graph.edge_collections() == ["relation"]
    state = _state(arango_emulator)
    assert state.collections["relation"].is_edge
    assert not state.collections["male"].is_edge
    assert not state.collections["zoo"].is_edge


async def test_graph_is_a_graphs_document_for_aql(db: Any, arango_emulator: Any) -> None:
    await db.create_graph("social", edge_definitions=RELATION, orphan_collections=["extra"])
    stored = get_graph(_state(arango_emulator), "social")
    assert stored is not None
    assert stored["_id"] == "_graphs/social"
    assert edge_collections_of(stored) == ["relation"]
    assert vertex_collections_of(stored) == ["extra", "female", "male"]
    assert get_graph(_state(arango_emulator), "missing") is None


async def test_list_graphs_and_has_graph(db: Any) -> None:
    await db.create_graph("g1", edge_definitions=KNOWS)
    await db.create_graph("g2", orphan_collections=["solo"])
    listed = {g.name: g for g in await db.graphs()}
    assert set(listed) == {"g1", "g2"}
    assert listed["g2"].orphan_collections == ["solo"]
    assert await db.has_graph("g1") is True
    assert await db.has_graph("nope") is False


async def test_list_and_get_field_order(db: Any, raw: Any) -> None:
    await db.create_graph("g", edge_definitions=KNOWS)
    status, body, _ = raw("GET", "/_db/testdb/_api/gharial")
    assert status == 200
    assert list(body) == ["error", "code", "graphs"]
    assert list(body["graphs"][0]) == [
        "_id",
        "_key",
        "_rev",
        "edgeDefinitions",
        "orphanCollections",
        "name",
    ]
    status, body, headers = raw("GET", "/_db/testdb/_api/gharial/g")
    assert status == 200
    assert list(body["graph"]) == [
        "_key",
        "edgeDefinitions",
        "orphanCollections",
        "_rev",
        "_id",
        "name",
    ]
    assert "etag" not in headers


async def test_create_status_and_etag(db: Any, raw: Any) -> None:
    status, body, headers = raw("POST", "/_db/testdb/_api/gharial", {"name": "a"})
    assert (status, body["code"]) == (202, 202)
    assert headers["etag"] == body["graph"]["_rev"]
    status, body, _ = raw(
        "POST", "/_db/testdb/_api/gharial?waitForSync=true", {"name": "b", "edgeDefinitions": KNOWS}
    )
    assert (status, body["code"]) == (201, 201)


async def test_duplicate_graph(db: Any) -> None:
    await db.create_graph("g")
    with pytest.raises(GraphCreateError) as exc:
        await db.create_graph("g")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1925)


async def test_graph_not_found(db: Any) -> None:
    with pytest.raises(GraphPropertiesError) as exc:
        await db.graph("nope").properties()
    assert (exc.value.http_code, exc.value.error_code) == (404, 1924)
    assert exc.value.error_message == "graph 'nope' not found"
    with pytest.raises(GraphDeleteError) as exc2:
        await db.delete_graph("nope")
    assert exc2.value.error_code == 1924
    assert await db.delete_graph("nope", ignore_missing=True) is False


@pytest.mark.parametrize(
    ("definitions", "errnum"),
    [
        ("nope", 1901),
        (["x"], 1923),
        ([{"collection": "e", "from": [], "to": ["v"]}], 1923),
        ([{"collection": "e", "from": ["v"]}], 1941),
        (KNOWS + KNOWS, 1920),
    ],
)
async def test_malformed_edge_definitions(
    db: Any, arango_emulator: Any, definitions: Any, errnum: int
) -> None:
    with pytest.raises(GraphCreateError) as exc:
        await db.create_graph("bad", edge_definitions=definitions)
    assert (exc.value.http_code, exc.value.error_code) == (400, errnum)
    state = _state(arango_emulator)
    assert get_graph(state, "bad") is None
    assert "knows" not in state.collections


async def test_missing_name_and_bad_orphans(raw: Any, db: Any) -> None:
    status, body, _ = raw("POST", "/_db/testdb/_api/gharial", {"edgeDefinitions": []})
    assert (status, body["errorNum"]) == (400, 1922)
    status, body, _ = raw(
        "POST", "/_db/testdb/_api/gharial", {"name": "g", "orphanCollections": [1]}
    )
    assert (status, body["errorNum"]) == (400, 1943)


async def test_edge_definition_conflict_between_graphs(db: Any) -> None:
    await db.create_graph("g1", edge_definitions=KNOWS)
    other = [{"collection": "knows", "from": ["people"], "to": ["pets"]}]
    with pytest.raises(GraphCreateError) as exc:
        await db.create_graph("g2", edge_definitions=other)
    assert (exc.value.http_code, exc.value.error_code) == (400, 1921)
    assert exc.value.error_message == "knows edge collection already used in edge def"
    # the same definition may be shared
    await db.create_graph("g3", edge_definitions=KNOWS)


async def test_existing_document_collection_cannot_be_edge_definition(db: Any) -> None:
    await db.create_graph("g1", orphan_collections=["docs"])
    with pytest.raises(GraphCreateError) as exc:
        await db.create_graph(
            "g2", edge_definitions=[{"collection": "docs", "from": ["a"], "to": ["b"]}]
        )
    assert exc.value.error_code == 1944


async def test_delete_graph_drops_only_unshared_collections(db: Any, arango_emulator: Any) -> None:
    await db.create_graph("g1", edge_definitions=KNOWS, orphan_collections=["own"])
    await db.create_graph("g2", edge_definitions=KNOWS)
    assert await db.delete_graph("g1", drop_collections=True) is True
    names = set(_state(arango_emulator).collections)
    assert "own" not in names
    assert {"knows", "people"} <= names
    await db.delete_graph("g2")
    assert {"knows", "people"} <= set(_state(arango_emulator).collections)


# ---------------------------------------------------------- vertex collections
async def test_add_and_remove_orphan_collection(db: Any, arango_emulator: Any) -> None:
    graph = await db.create_graph("g", edge_definitions=KNOWS)
    await graph.create_vertex_collection("extra")
    assert (await graph.properties()).orphan_collections == ["extra"]
    assert "extra" in _state(arango_emulator).collections
    with pytest.raises(VertexCollectionCreateError) as exc:
        await graph.create_vertex_collection("extra")
    assert (exc.value.http_code, exc.value.error_code) == (400, 1938)
    with pytest.raises(VertexCollectionCreateError) as exc:
        await graph.create_vertex_collection("people")
    assert (exc.value.http_code, exc.value.error_code) == (400, 1929)
    await graph.delete_vertex_collection("extra", purge=True)
    assert await graph.vertex_collections() == ["people"]
    assert "extra" not in _state(arango_emulator).collections


async def test_remove_vertex_collection_used_in_definition(db: Any) -> None:
    graph = await db.create_graph("g", edge_definitions=KNOWS)
    with pytest.raises(VertexCollectionDeleteError) as exc:
        await graph.delete_vertex_collection("people")
    assert (exc.value.http_code, exc.value.error_code) == (400, 1928)
    assert exc.value.error_message == "collection is not in list of orphan collections"


async def test_add_orphan_without_creating(db: Any, raw: Any) -> None:
    await db.create_graph("g")
    status, body, _ = raw(
        "POST", "/_db/testdb/_api/gharial/g/vertex?createCollection=false", {"collection": "x"}
    )
    assert (status, body["errorNum"]) == (404, 1926)
    assert body["errorMessage"].startswith("x ")


# ------------------------------------------------------------ edge definitions
async def test_edge_definition_lifecycle(db: Any) -> None:
    graph = await db.create_graph("g", edge_definitions=KNOWS)
    await graph.create_edge_definition("likes", ["people"], ["things"])
    assert await graph.edge_collections() == ["knows", "likes"]
    assert await graph.has_edge_definition("likes")
    with pytest.raises(EdgeDefinitionCreateError) as exc:
        await graph.create_edge_definition("likes", ["people"], ["people"])
    assert (exc.value.http_code, exc.value.error_code) == (400, 1920)

    await graph.replace_edge_definition("likes", ["people"], ["food"])
    defs = {d["edge_collection"]: d for d in await graph.edge_definitions()}
    assert defs["likes"] == {
        "edge_collection": "likes",
        "from_vertex_collections": ["people"],
        "to_vertex_collections": ["food"],
    }
    # the collection no longer used by a relation stays in the graph as an orphan
    assert (await graph.properties()).orphan_collections == ["things"]

    await graph.delete_edge_definition("likes")
    props = await graph.properties()
    assert [d["collection"] for d in props.edge_definitions] == ["knows"]
    assert props.orphan_collections == ["food", "things"]


async def test_edge_definition_not_in_graph(db: Any) -> None:
    graph = await db.create_graph("g", edge_definitions=KNOWS)
    with pytest.raises(EdgeDefinitionReplaceError) as exc:
        await graph.replace_edge_definition("nope", ["a"], ["b"])
    assert (exc.value.http_code, exc.value.error_code) == (404, 1930)
    with pytest.raises(EdgeDefinitionDeleteError) as exc2:
        await graph.delete_edge_definition("nope")
    assert (exc2.value.http_code, exc2.value.error_code) == (404, 1930)


async def test_replace_edge_definition_changes_every_graph(db: Any) -> None:
    await db.create_graph("g1", edge_definitions=KNOWS)
    g2 = await db.create_graph("g2", edge_definitions=KNOWS)
    await g2.replace_edge_definition("knows", ["people"], ["robots"])
    for name in ("g1", "g2"):
        defs = (await db.graph(name).properties()).edge_definitions
        assert defs == [{"collection": "knows", "from": ["people"], "to": ["robots"]}]


async def test_delete_edge_definition_drop_collection(db: Any, arango_emulator: Any) -> None:
    graph = await db.create_graph("g", edge_definitions=KNOWS)
    status_body = await graph.delete_edge_definition("knows", drop_collections=True)
    assert status_body is None
    assert "knows" not in _state(arango_emulator).collections


# -------------------------------------------------------------- vertex CRUD
async def test_vertex_crud(db: Any) -> None:
    graph = await db.create_graph("g", edge_definitions=KNOWS)
    people = graph.vertex_collection("people")
    meta = await people.insert({"_key": "ann", "age": 3, "tag": "x"}, return_new=True)
    assert meta["vertex"]["_id"] == "people/ann"
    assert meta["new"]["age"] == 3
    doc = await graph.vertex("people/ann")
    assert doc["tag"] == "x"

    updated = await people.update(
        {"_key": "ann", "tag": None, "n": 1}, keep_null=False, return_old=True, return_new=True
    )
    assert updated["vertex"]["_oldRev"] == doc["_rev"]
    assert updated["old"]["tag"] == "x"
    assert "tag" not in updated["new"]

    replaced = await people.replace({"_key": "ann", "only": True}, return_new=True)
    assert replaced["new"] == {
        "_key": "ann",
        "_id": "people/ann",
        "_rev": replaced["vertex"]["_rev"],
        "only": True,
    }
    old = await people.delete("ann", return_old=True)
    assert old["only"] is True
    assert await people.get("ann") is None
    assert await people.delete("ann", ignore_missing=True) is False


async def test_vertex_collection_not_in_graph(db: Any) -> None:
    graph = await db.create_graph("g", edge_definitions=KNOWS, orphan_collections=["o"])
    await db.create_graph("other", orphan_collections=["foreign"])
    with pytest.raises(DocumentInsertError) as exc:
        await graph.insert_vertex("foreign", {"a": 1})
    assert (exc.value.http_code, exc.value.error_code) == (404, 1949)
    with pytest.raises(DocumentGetError) as exc2:
        await graph.vertex_collection("foreign").get("x")
    assert exc2.value.error_code == 1949
    # orphans take vertices too
    assert (await graph.insert_vertex("o", {"_key": "k"}))["_id"] == "o/k"


async def test_vertex_revision_conflicts(db: Any, raw: Any) -> None:
    graph = await db.create_graph("g", edge_definitions=KNOWS)
    people = graph.vertex_collection("people")
    meta = await people.insert({"_key": "ann"})
    with pytest.raises(DocumentRevisionError) as exc:
        await people.update({"_key": "ann", "x": 1}, if_match="_abcdefg---")
    assert (exc.value.http_code, exc.value.error_code) == (412, 1200)
    assert await people.get("ann", if_match=meta["_rev"]) is not None
    with pytest.raises(DocumentRevisionError):
        await people.delete("ann", if_match="_abcdefg---")

    url = "/_db/testdb/_api/gharial/g/vertex/people/ann"
    status, body, headers = raw("DELETE", url + "?rev=_abcdefg---")
    assert (status, body["errorNum"]) == (412, 1200)
    assert list(body) == ["error", "code", "errorNum", "errorMessage", "_id", "_key", "_rev"]
    assert headers["etag"] == f'"{meta["_rev"]}"'
    status, body, _ = raw("GET", url, headers={"if-none-match": f'"{meta["_rev"]}"'})
    assert status == 304
    status, body, headers = raw("GET", url)
    assert (status, headers["etag"]) == (200, meta["_rev"])
    assert list(body) == ["error", "code", "vertex"]


async def test_wait_for_sync_status_codes(db: Any, raw: Any) -> None:
    await db.create_graph("g", edge_definitions=KNOWS)
    base = "/_db/testdb/_api/gharial/g/vertex/people"
    status, body, headers = raw("POST", base, {"_key": "a"})
    assert (status, body["code"], list(body)) == (202, 202, ["error", "code", "vertex"])
    assert headers["etag"] == body["vertex"]["_rev"]
    status, body, _ = raw("POST", base + "?waitForSync=true", {"_key": "b"})
    assert status == 201
    status, body, _ = raw("PATCH", base + "/a?waitForSync=true", {"x": 1})
    assert (status, list(body["vertex"])) == (200, ["_id", "_key", "_oldRev", "_rev"])
    status, body, _ = raw("DELETE", base + "/a")
    assert (status, body) == (202, {"error": False, "code": 202, "removed": True})
    status, body, _ = raw("DELETE", base + "/b?waitForSync=true")
    assert status == 200


async def test_vertex_body_must_be_object(db: Any, raw: Any) -> None:
    await db.create_graph("g", edge_definitions=KNOWS)
    status, body, _ = raw("POST", "/_db/testdb/_api/gharial/g/vertex/people", [1])
    assert (status, body["errorNum"]) == (400, 1227)


# ---------------------------------------------------------------- edge CRUD
async def test_edge_crud(db: Any) -> None:
    graph = await _social(db)
    edge = await graph.edge("relation/ab")
    assert (edge["_from"], edge["_to"]) == ("female/alice", "male/bob")
    res = await graph.update_edge({"_id": "relation/ab", "since": 2020}, return_new=True)
    assert res["new"]["since"] == 2020
    assert res["new"]["_from"] == "female/alice"
    res = await graph.replace_edge(
        {"_id": "relation/ab", "_from": "male/bob", "_to": "female/alice"}, return_old=True
    )
    assert res["old"]["since"] == 2020
    assert (await graph.edge("relation/ab"))["_from"] == "male/bob"
    assert await graph.delete_edge("relation/ab") is True
    assert await graph.has_edge("relation/ab") is False


async def test_edge_endpoint_validation(db: Any) -> None:
    graph = await _social(db)
    await db.create_graph("other", orphan_collections=["aliens"])
    cases: list[tuple[dict[str, Any], int, int]] = [
        ({"_from": "female/alice", "_to": "male/nobody"}, 404, 1202),
        ({"_from": "aliens/x", "_to": "male/bob"}, 404, 1947),
        ({"_from": "female/alice", "_to": "aliens/x"}, 404, 1947),
        ({"_from": "female/alice"}, 400, 1233),
        ({"_from": "alice", "_to": "male/bob"}, 400, 1233),
    ]
    for body, status, errnum in cases:
        with pytest.raises(DocumentInsertError) as exc:
            await graph.insert_edge("relation", body)
        assert (exc.value.http_code, exc.value.error_code) == (status, errnum), body
    with pytest.raises(DocumentInsertError) as exc:
        await graph.insert_edge("relation", {"_from": "aliens/x", "_to": "male/bob"})
    assert (
        exc.value.error_message == "referenced _from collection 'aliens' is not part of the graph"
    )


async def test_edge_collection_not_in_graph(db: Any) -> None:
    graph = await _social(db)
    await db.create_graph("other", edge_definitions=KNOWS)
    with pytest.raises(DocumentInsertError) as exc:
        await graph.insert_edge("knows", {"_from": "male/bob", "_to": "male/bob"})
    assert (exc.value.http_code, exc.value.error_code) == (404, 1930)
    with pytest.raises(DocumentGetError) as exc2:
        await graph.edge_collection("knows").get("x")
    assert exc2.value.error_code == 1930


async def test_update_edge_validates_changed_endpoint(db: Any) -> None:
    graph = await _social(db)
    await db.create_graph("other", orphan_collections=["aliens"])
    with pytest.raises(DocumentUpdateError) as exc:
        await graph.update_edge({"_id": "relation/ab", "_to": "aliens/x"})
    assert (exc.value.http_code, exc.value.error_code) == (404, 1947)
    # a single endpoint that is part of the graph is accepted without a lookup
    await graph.update_edge({"_id": "relation/ab", "_to": "male/charly"})
    assert (await graph.edge("relation/ab"))["_to"] == "male/charly"


async def test_remove_vertex_cascades_to_edges_of_every_graph(db: Any) -> None:
    graph = await _social(db)
    friends = await db.create_graph(
        "friends", edge_definitions=[{"collection": "friend", "from": ["male"], "to": ["male"]}]
    )
    await friends.insert_edge("friend", {"_key": "f", "_from": "male/charly", "_to": "male/bob"})
    assert await graph.delete_vertex("male/bob") is True
    assert await graph.has_edge("relation/ab") is False
    assert await graph.has_edge("relation/cb") is False
    assert await friends.has_edge("friend/f") is False
    assert await graph.has_vertex("male/charly") is True


async def test_failed_vertex_removal_keeps_edges(db: Any) -> None:
    graph = await _social(db)
    with pytest.raises(DocumentRevisionError):
        await graph.delete_vertex("male/bob", if_match="_abcdefg---")
    assert await graph.has_edge("relation/ab") is True
    with pytest.raises(DocumentDeleteError) as exc:
        await graph.delete_vertex("male/nobody")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1202)


async def test_graph_is_looked_up_before_method_and_path(db: Any, raw: Any) -> None:
    await db.create_graph("g", edge_definitions=KNOWS)
    base = "/_db/testdb/_api/gharial"
    cases = [
        ("PUT", "/nope", 404, 1924),
        ("PUT", "/g", 405, 405),
        ("GET", "/g/things", 404, 404),
        ("GET", "/nope/things/x", 404, 1924),
        ("GET", "/g/vertex/people", 405, 405),
    ]
    for method, path, status, errnum in cases:
        got, body, _ = raw(method, base + path)
        assert (got, body["errorNum"]) == (status, errnum), (method, path)
