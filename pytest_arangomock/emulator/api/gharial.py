"""gharial API: named graphs, their edge definitions and orphans, vertex and edge CRUD.

Graph definitions live in ``_graphs`` (see :mod:`..state.graphs`); vertex and edge writes
go through the documents area's HTTP-free functions so keys, revisions, indexes and
preconditions behave exactly as in ``/_api/document``. Checks follow ArangoDB's
GraphManager/GraphOperations order, so the first failing check decides the error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...base.errors import ArangoError, message_for
from ...state.clock import decode_rev
from ...state.documents import (
    RevisionConflict,
    WriteOptions,
    get_document,
    insert_document,
    remove_document,
    replace_document,
    update_document,
)
from ...state.graphs import (
    EdgeDefinition,
    Graph,
    all_graphs,
    delete_graph,
    list_graphs,
    listing,
    load_graph,
    store_graph,
    validate_graph_name,
)
from ...state.model import DOCUMENT, EDGE
from ...state.users import RW
from .. import auth
from ..router import COL_RO, COL_RW, DB_RO, DB_RW, route
from .collections import check_collection_name

if TYPE_CHECKING:
    from ...backend import BackendResponse
    from ...state import Collection, Database
    from ..context import Context

Doc = dict[str, Any]

AREA = "gharial"
BASE = "/_api/gharial"

# SmartGraph fields ArangoDB persists before ``edgeDefinitions`` and their defaults.
_SMART_HEAD = ("numberOfShards", "replicationFactor")


# ------------------------------------------------------------------- helpers
def _graph_answer(ctx: Context, graph: Graph, status: int) -> BackendResponse:
    """``{error, code, graph}`` with the graph's ``_rev`` as ETag."""
    body = {"error": False, "code": status, "graph": graph.for_client()}
    return ctx.json(status, body, {"etag": graph.rev})


def _create_collections(db: Database, edges: list[str], vertices: list[str], sync: bool) -> None:
    """Create missing collections; every name is checked first so a bad one creates none."""
    for name in edges + vertices:
        check_collection_name(name, False)
    props = {"waitForSync": sync}
    for name in edges:
        db.create_collection(name, EDGE, properties=dict(props))
    for name in vertices:
        db.create_collection(name, DOCUMENT, properties=dict(props))


def _ensure_collections(db: Database, graph: Graph, sync: bool) -> None:
    """ArangoDB's ``ensureCollections``: existing edge collections must be edge-typed."""
    edges: list[str] = []
    for name in graph.edge_collections():
        col = db.get_collection(name)
        if col is None:
            edges.append(name)
        elif not col.is_edge:
            raise ArangoError(1944, f"Collection: '{name}' is not an EdgeCollection", 400)
    vertices = [
        v for v in graph.vertex_collections() if db.get_collection(v) is None and v not in edges
    ]
    _create_collections(db, edges, vertices, sync)


def _check_conflicts(db: Database, name: str, defs: list[EdgeDefinition]) -> None:
    """1921 when another graph uses one of these edge collections with other vertices."""
    wanted = {d.collection: d for d in defs}
    for other in all_graphs(db):
        if other.name == name:
            continue
        for col, existing in sorted(other.edge_definitions.items()):
            mine = wanted.get(col)
            if mine is not None and (mine.from_, mine.to) != (existing.from_, existing.to):
                raise ArangoError(1921, f"{col} edge collection already used in edge def", 400)


def _droppable(db: Database, collection: str, graph_name: str) -> bool:
    """ArangoDB drops a graph's collection only if no other graph still uses it."""
    if db.get_collection(collection) is None or collection.startswith("_"):
        return False
    for other in all_graphs(db):
        if other.name != graph_name and (
            collection in other.edge_definitions or other.has_vertex_collection(collection)
        ):
            return False
    return True


def _to_drop(ctx: Context, names: list[str], graph_name: str) -> list[str]:
    """The collections of ``names`` a drop removes, each once, in order; 403/11 before
    anything changes if the caller may not drop one of them (ArangoDB checks every
    collection's permissions first, then changes state)."""
    db = ctx.db
    chosen = [n for n in dict.fromkeys(names) if _droppable(db, n, graph_name)]
    for name in chosen:
        if auth.collection_level(ctx, name) != RW:
            raise ArangoError(11, "forbidden", 403)
    return chosen


def _drop_all(db: Database, names: list[str]) -> None:
    for name in names:
        db.drop_collection(name)


def _positive(options: dict[str, Any], key: str) -> int:
    value = options.get(key, 1)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 1


def _graph_from_input(name: str, body: dict[str, Any]) -> Graph:
    """Build a graph from a create request (ArangoDB's ``Graph::fromUserInput``)."""
    graph = Graph(name)
    if "edgeDefinitions" in body:
        defs = body["edgeDefinitions"]
        if not isinstance(defs, list):
            raise ArangoError(
                1901, "'edgeDefinitions' are not an array in the graph definition", 400
            )
        for value in defs:
            graph.add_edge_definition(EdgeDefinition.parse(value))
    if "orphanCollections" in body:
        orphans = body["orphanCollections"]
        if not isinstance(orphans, list):
            raise ArangoError(
                1901, "'orphanCollections' are not an array in the graph definition", 400
            )
        for value in orphans:
            if not isinstance(value, str):
                raise ArangoError(1943, "orphan collection is not a string!", 400)
            if not graph.has_vertex_collection(value):
                graph.orphans.add(value)
    options = body.get("options")
    options = options if isinstance(options, dict) else {}
    rf = options.get("replicationFactor")
    if isinstance(rf, (int, float)) and not isinstance(rf, bool) and rf < 1:
        raise ArangoError(10, "replicationFactor must be greater than zero", 400)
    smart_attr = options.get("smartGraphAttribute")
    if body.get("isSmart") is True or options.get("isSmart") is True or isinstance(smart_attr, str):
        _make_smart(graph, options)
    return graph


def _make_smart(graph: Graph, options: dict[str, Any]) -> None:
    """SmartGraphs persist their sharding settings (and an initial collection)."""
    write_concern = _positive(
        options, "writeConcern" if "writeConcern" in options else "minReplicationFactor"
    )
    graph.head = {key: _positive(options, key) for key in _SMART_HEAD}
    graph.head.update(
        {
            "minReplicationFactor": write_concern,
            "writeConcern": write_concern,
            "isSmart": True,
            "isSatellite": False,
        }
    )
    initial = ""
    if graph.edge_definitions:
        first = graph.edge_definitions[min(graph.edge_definitions)]
        initial = min(first.from_)
    elif graph.orphans:
        initial = min(graph.orphans)
    graph.tail = {"initial": initial}
    if isinstance(options.get("smartGraphAttribute"), str):
        graph.tail["smartGraphAttribute"] = options["smartGraphAttribute"]
    graph.tail["isDisjoint"] = options.get("isDisjoint") is True


def _object_body(ctx: Context) -> dict[str, Any]:
    body = ctx.body()
    if not isinstance(body, dict):
        raise ArangoError(10, "bad parameter", 400)
    return body


def _collection_param(body: dict[str, Any]) -> str:
    name = body.get("collection")
    if not isinstance(name, str):
        raise ArangoError(10, "bad parameter", 400)
    return name


# ---------------------------------------------------------- graph management
@route("GET", BASE, area=AREA, access=DB_RO)
def list_all(ctx: Context) -> BackendResponse:
    """List all graphs."""
    return ctx.ok({"graphs": [listing(doc) for doc in list_graphs(ctx.db)]})


@route("POST", BASE, area=AREA, access=DB_RW)
def create(ctx: Context) -> BackendResponse:
    """Create a graph (and its missing collections)."""
    body = ctx.body()
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str):
        raise ArangoError(1922, status=400)
    assert isinstance(body, dict)
    db = ctx.db
    if load_or_none(db, name) is not None:
        raise ArangoError(1925, status=409)
    if not name:
        raise ArangoError(1922, status=400)
    graph = _graph_from_input(name, body)
    validate_graph_name(name)
    _check_conflicts(db, name, list(graph.edge_definitions.values()))
    sync = ctx.flag("waitForSync")
    _ensure_collections(db, graph, sync)
    store_graph(db, graph)
    return _graph_answer(ctx, graph, 201 if sync else 202)


def load_or_none(db: Database, name: str) -> Graph | None:
    try:
        return load_graph(db, name)
    except ArangoError:
        return None


@route("GET", BASE + "/{graph}", area=AREA, access=DB_RO)
def get_one(ctx: Context) -> BackendResponse:
    """Get a graph."""
    graph = load_graph(ctx.db, ctx.params["graph"])
    return ctx.ok({"graph": graph.for_client()})


@route("DELETE", BASE + "/{graph}", area=AREA, access=DB_RW)
def drop(ctx: Context) -> BackendResponse:
    """Drop a graph, optionally with the collections no other graph uses."""
    db = ctx.db
    graph = load_graph(db, ctx.params["graph"])
    doomed: list[str] = []
    if ctx.flag("dropCollections"):
        # an edge collection may also be a vertex collection of another edge definition:
        # it is dropped once
        doomed = _to_drop(ctx, graph.vertex_collections() + graph.edge_collections(), graph.name)
    delete_graph(db, graph.name)
    _drop_all(db, doomed)
    return ctx.ok({"removed": True}, 202)


@route("GET", BASE + "/{graph}/vertex", area=AREA, access=DB_RO)
def list_vertex_collections(ctx: Context) -> BackendResponse:
    """List the vertex collections of a graph."""
    graph = load_graph(ctx.db, ctx.params["graph"])
    return ctx.ok({"collections": graph.vertex_collections()})


@route("GET", BASE + "/{graph}/edge", area=AREA, access=DB_RO)
def list_edge_collections(ctx: Context) -> BackendResponse:
    """List the edge collections of a graph."""
    graph = load_graph(ctx.db, ctx.params["graph"])
    return ctx.ok({"collections": graph.edge_collections()})


@route("POST", BASE + "/{graph}/vertex", area=AREA, access=DB_RW)
def add_vertex_collection(ctx: Context) -> BackendResponse:
    """Add an orphan vertex collection (created unless ``createCollection=false``)."""
    db = ctx.db
    graph = load_graph(db, ctx.params["graph"])
    name = _collection_param(_object_body(ctx))
    if graph.has_vertex_collection(name):
        if name in graph.orphans:
            raise ArangoError(1938, status=400)
        raise ArangoError(1929, f"{name} collection already used in edge def", 400)
    sync = ctx.flag("waitForSync")
    col = db.get_collection(name)
    if col is None:
        if not ctx.flag("createCollection", True):
            raise ArangoError(1926, f"{name} {message_for(1926)}", 404)
    elif col.type != DOCUMENT:
        raise ArangoError(1927, status=400)
    graph.orphans.add(name)
    _ensure_collections(db, graph, sync)
    store_graph(db, graph)
    return _graph_answer(ctx, graph, 202)


@route("DELETE", BASE + "/{graph}/vertex/{collection}", area=AREA, access=DB_RW)
def remove_vertex_collection(ctx: Context) -> BackendResponse:
    """Remove an orphan collection from the graph, optionally dropping it."""
    db = ctx.db
    graph = load_graph(db, ctx.params["graph"])
    name = ctx.params["collection"]
    if name not in graph.orphans:
        raise ArangoError(1928, status=400)
    drop_it = ctx.flag("dropCollection")
    # ArangoDB asks for write access to an existing orphan even when it is kept
    if db.get_collection(name) is not None and auth.collection_level(ctx, name) != RW:
        raise ArangoError(11, "forbidden", 403)
    graph.orphans.discard(name)
    store_graph(db, graph)
    if drop_it:
        _drop_all(db, [n for n in [name] if _droppable(db, n, "")])
    return _graph_answer(ctx, graph, 202)


@route("POST", BASE + "/{graph}/edge", area=AREA, access=DB_RW)
def add_edge_definition(ctx: Context) -> BackendResponse:
    """Add an edge definition (creating its missing collections)."""
    db = ctx.db
    graph = load_graph(db, ctx.params["graph"])
    edef = EdgeDefinition.parse(ctx.body())
    graph.add_edge_definition(edef)
    _check_conflicts(db, graph.name, [edef])
    _ensure_collections(db, graph, ctx.flag("waitForSync"))
    store_graph(db, graph)
    return _graph_answer(ctx, graph, 202)


@route("PUT", BASE + "/{graph}/edge/{collection}", area=AREA, access=DB_RW)
def replace_edge_definition(ctx: Context) -> BackendResponse:
    """Replace an edge definition in every graph that uses its edge collection."""
    db = ctx.db
    graph = load_graph(db, ctx.params["graph"])
    edef = EdgeDefinition.parse(ctx.body())
    if ctx.params["collection"] not in graph.edge_definitions:
        raise ArangoError(1930, status=404)
    sync = ctx.flag("waitForSync")
    missing_vertices = sorted(v for v in edef.vertices() if db.get_collection(v) is None)
    missing_edge = [] if db.get_collection(edef.collection) is not None else [edef.collection]
    if edef.collection not in graph.edge_definitions:
        _create_collections(db, missing_edge, missing_vertices, sync)
        raise ArangoError(1930, status=404)
    _create_collections(db, missing_edge, missing_vertices, sync)
    for other in list(all_graphs(db)):
        if edef.collection in other.edge_definitions:
            other.replace_edge_definition(edef)
            store_graph(db, other)
    return _graph_answer(ctx, load_graph(db, graph.name), 202)


@route("DELETE", BASE + "/{graph}/edge/{collection}", area=AREA, access=DB_RW)
def remove_edge_definition(ctx: Context) -> BackendResponse:
    """Remove an edge definition; its vertex collections may become orphans."""
    db = ctx.db
    graph = load_graph(db, ctx.params["graph"])
    name = ctx.params["collection"]
    if name not in graph.edge_definitions:
        raise ArangoError(1930, status=404)
    drop_it = ctx.flag("dropCollections")
    if drop_it and auth.collection_level(ctx, name) != RW:
        raise ArangoError(11, "forbidden", 403)
    graph.remove_edge_definition(name)
    store_graph(db, graph)
    if drop_it:
        _drop_all(db, [n for n in [name] if _droppable(db, n, graph.name)])
    return _graph_answer(ctx, graph, 202)


# ------------------------------------------------------ vertex and edge CRUD
_IMPOSSIBLE_REV = "0"  # an invalid If-Match never matches, as in ArangoDB


def _valid_rev(text: str) -> bool:
    return bool(text) and (text.isdigit() or decode_rev(text) is not None)


def _strip_etag(value: str) -> str:
    text = value.strip(" \t")
    if text[:1] in ('"', "'"):
        text = text[1:]
    if text[-1:] in ('"', "'"):
        text = text[:-1]
    return text


def _expected_rev(ctx: Context) -> str | None:
    """``If-Match`` (an invalid one never matches), else the ``rev`` query parameter."""
    header = ctx.header("if-match")
    if header is not None:
        rev = _strip_etag(header)
        if _valid_rev(rev):
            return rev
    param = ctx.query.get("rev")
    if param is not None and _valid_rev(param):
        return param
    return _IMPOSSIBLE_REV if header is not None else None


def _precondition_failed(ctx: Context, exc: RevisionConflict) -> BackendResponse:
    """412 with the stored document's ``_id``/``_key``/``_rev`` (ArangoDB's field order)."""
    cur = exc.current
    body = {
        "error": True,
        "code": 412,
        "errorNum": 1200,
        "errorMessage": exc.message,
        "_id": cur["_id"],
        "_key": cur["_key"],
        "_rev": cur["_rev"],
    }
    return ctx.json(412, body, {"etag": f'"{cur["_rev"]}"'})


def _check_vertex_collection(db: Database, graph: Graph, name: str, origin: str = "") -> Collection:
    """GraphOperations' vertex collection check: part of the graph (1949/1947), exists (1926)."""
    if not graph.has_vertex_collection(name):
        if origin:
            raise ArangoError(
                1947, f"referenced {origin} collection '{name}' is not part of the graph", 404
            )
        raise ArangoError(1949, status=404)
    col = db.get_collection(name)
    if col is None:
        raise ArangoError(1926, f"{name} {message_for(1926)}", 404)
    return col


def _check_edge_collection(db: Database, graph: Graph, name: str) -> Collection:
    """The edge collection must be used by one of the graph's edge definitions (1930)."""
    if name not in graph.edge_definitions:
        raise ArangoError(1930, status=404)
    col = db.get_collection(name)
    if col is None:
        raise ArangoError(1203, f"collection or view not found: {name}", 404)
    return col


def _split_id(value: Any) -> tuple[str, str]:
    if not isinstance(value, str) or "/" not in value:
        raise ArangoError(1233, status=400)
    name, _, key = value.partition("/")
    return name, key


def _check_edge_body(db: Database, graph: Graph, body: Any, partial: bool) -> None:
    """``_from``/``_to`` must name vertices of the graph that exist (GraphOperations order).

    A replace or insert needs both; an update validates the ones it sets and checks that
    the vertices exist only when it sets both.
    """
    if not isinstance(body, dict):
        return
    ends = {attr: body.get(attr) for attr in ("_from", "_to")}
    both = all(isinstance(v, str) for v in ends.values())
    if not both and not partial:
        raise ArangoError(1233, status=400)
    found: list[tuple[Collection, str]] = []
    for attr, value in ends.items():
        if not isinstance(value, str):
            continue
        name, key = _split_id(value)
        found.append((_check_vertex_collection(db, graph, name, attr), key))
    if both and any(key not in col.docs for col, key in found):
        raise ArangoError(1202, status=404)


def _synced(ctx: Context, col: Collection) -> bool:
    return ctx.flag("waitForSync") or bool(col.properties.get("waitForSync"))


def _meta(doc: Doc, old: Doc | None = None) -> Doc:
    """``_id``, ``_key``, (``_oldRev``,) ``_rev``: gharial strips ``old``/``new`` from the
    operation result with a velocypack copy, which leaves the keys sorted."""
    out: Doc = {"_id": doc["_id"], "_key": doc["_key"]}
    if old is not None:
        out["_oldRev"] = old["_rev"]
    out["_rev"] = doc["_rev"]
    return out


def _element_answer(ctx: Context, status: int, kind: str, fields: Doc) -> BackendResponse:
    body: Doc = {"error": False, "code": status, kind: fields.pop("meta")}
    body.update(fields)
    return ctx.json(status, body, {"etag": str(body[kind]["_rev"])})


def _read(ctx: Context, col: Collection, kind: str) -> BackendResponse:
    key = ctx.params["key"]
    try:
        doc = get_document(col, key, _expected_rev(ctx))
    except RevisionConflict as exc:
        return _precondition_failed(ctx, exc)
    none_match = ctx.header("if-none-match")
    if none_match is not None and _strip_etag(none_match) == doc["_rev"]:
        return ctx.json(304, None, {"etag": f'"{doc["_rev"]}"'})
    return ctx.json(200, {"error": False, "code": 200, kind: doc}, {"etag": doc["_rev"]})


def _create(ctx: Context, col: Collection, kind: str) -> BackendResponse:
    body = ctx.body()
    if not isinstance(body, dict):
        raise ArangoError(1227, status=400)
    new, _ = insert_document(col, body, WriteOptions())
    fields: Doc = {"meta": _meta(new)}
    if ctx.flag("returnNew"):
        fields["new"] = new
    return _element_answer(ctx, 201 if _synced(ctx, col) else 202, kind, fields)


def _modify(ctx: Context, col: Collection, kind: str, body: Any, patch: bool) -> BackendResponse:
    opts = WriteOptions(keep_null=ctx.flag("keepNull", True))
    write = update_document if patch else replace_document
    try:
        new, old = write(col, ctx.params["key"], body, opts, _expected_rev(ctx))
    except RevisionConflict as exc:
        return _precondition_failed(ctx, exc)
    fields: Doc = {"meta": _meta(new, old)}
    if ctx.flag("returnOld"):
        fields["old"] = old
    if ctx.flag("returnNew"):
        fields["new"] = new
    return _element_answer(ctx, 200 if _synced(ctx, col) else 202, kind, fields)


def _cascade_collections(db: Database, graph: Graph, collection: str) -> list[str]:
    """Edge collections that may point at a removed document: the graph's own edge
    collections plus those of every graph whose definitions use ``collection``."""
    names = set(graph.edge_definitions)
    for other in all_graphs(db):
        for name, edef in other.edge_definitions.items():
            if collection in edef.vertices():
                names.add(name)
    return sorted(names)


def _remove(ctx: Context, graph: Graph, col: Collection) -> BackendResponse:
    """Remove a vertex or edge and every edge (in any graph) that points at it."""
    db = ctx.db
    try:
        old = remove_document(col, ctx.params["key"], WriteOptions(), _expected_rev(ctx))
    except RevisionConflict as exc:
        return _precondition_failed(ctx, exc)
    doc_id = old["_id"]
    for name in _cascade_collections(db, graph, col.name):
        edges = db.get_collection(name)
        index = edges.edge_index if edges is not None else None
        if edges is None or index is None:
            continue
        keys = dict.fromkeys(
            list(index.by_from.get(doc_id, ())) + list(index.by_to.get(doc_id, ()))
        )
        for key in keys:
            remove_document(edges, key, WriteOptions())
    body: Doc = {"error": False, "code": 0, "removed": True}
    if ctx.flag("returnOld"):
        body["old"] = old
    status = 200 if _synced(ctx, col) else 202
    body["code"] = status
    return ctx.json(status, body)


VERTEX = BASE + "/{graph}/vertex/{collection}"
EDGE_PATH = BASE + "/{graph}/edge/{collection}"


def _target(ctx: Context, kind: str, body: str = "") -> tuple[Graph, Collection, Any]:
    """The graph, the checked collection and the body of a vertex or edge route.

    ArangoDB checks the graph, then the body (``"object"``: it must be one, else 1227;
    ``"any"``: only parsed), then the collection.
    """
    graph = load_graph(ctx.db, ctx.params["graph"])
    data = ctx.body() if body else None
    if body == "object" and not isinstance(data, dict):
        raise ArangoError(1227, status=400)
    name = ctx.params["collection"]
    if kind == "vertex":
        col = _check_vertex_collection(ctx.db, graph, name)
    else:
        col = _check_edge_collection(ctx.db, graph, name)
    return graph, col, data


@route("POST", VERTEX, area=AREA, access=COL_RW)
def vertex_create(ctx: Context) -> BackendResponse:
    """Create a vertex."""
    _, col, _ = _target(ctx, "vertex", "object")
    return _create(ctx, col, "vertex")


@route("GET", VERTEX + "/{key}", area=AREA, access=COL_RO)
def vertex_read(ctx: Context) -> BackendResponse:
    """Get a vertex."""
    _, col, _ = _target(ctx, "vertex")
    return _read(ctx, col, "vertex")


@route("PATCH|PUT", VERTEX + "/{key}", area=AREA, access=COL_RW)
def vertex_modify(ctx: Context) -> BackendResponse:
    """Update (PATCH) or replace (PUT) a vertex."""
    _, col, body = _target(ctx, "vertex", "any")
    return _modify(ctx, col, "vertex", body, ctx.method == "PATCH")


@route("DELETE", VERTEX + "/{key}", area=AREA, access=COL_RW)
def vertex_remove(ctx: Context) -> BackendResponse:
    """Remove a vertex and the edges pointing at it."""
    graph, col, _ = _target(ctx, "vertex")
    return _remove(ctx, graph, col)


@route("POST", EDGE_PATH, area=AREA, access=COL_RW)
def edge_create(ctx: Context) -> BackendResponse:
    """Create an edge between two existing vertices of the graph."""
    graph, col, body = _target(ctx, "edge", "object")
    _check_edge_body(ctx.db, graph, body, partial=False)
    return _create(ctx, col, "edge")


@route("GET", EDGE_PATH + "/{key}", area=AREA, access=COL_RO)
def edge_read(ctx: Context) -> BackendResponse:
    """Get an edge."""
    _, col, _ = _target(ctx, "edge")
    return _read(ctx, col, "edge")


@route("PATCH|PUT", EDGE_PATH + "/{key}", area=AREA, access=COL_RW)
def edge_modify(ctx: Context) -> BackendResponse:
    """Update (PATCH) or replace (PUT) an edge; new endpoints must be valid vertices."""
    graph, col, body = _target(ctx, "edge", "any")
    patch = ctx.method == "PATCH"
    _check_edge_body(ctx.db, graph, body, partial=patch)
    return _modify(ctx, col, "edge", body, patch)


@route("DELETE", EDGE_PATH + "/{key}", area=AREA, access=COL_RW)
def edge_remove(ctx: Context) -> BackendResponse:
    """Remove an edge."""
    graph, col, _ = _target(ctx, "edge")
    return _remove(ctx, graph, col)


# ------------------------------------------------------------------ fallbacks
# ArangoDB looks the graph up before it looks at the method or the rest of the path, so
# a wrong method on an unknown graph is a 1924, and an unknown kind of set is a 404.
_KINDS = ("vertex", "edge")


def _unsupported(ctx: Context) -> BackendResponse:
    load_graph(ctx.db, ctx.params["graph"])
    if ctx.params.get("kind", "vertex") not in _KINDS:
        raise ArangoError(404, status=404)
    raise ArangoError(405, "method not supported", 405)


for _method, _pattern in (
    ("POST|PUT|PATCH", "/{graph}"),
    ("PUT|PATCH|DELETE", "/{graph}/vertex"),
    ("PUT|PATCH|DELETE", "/{graph}/edge"),
    ("GET|PUT|PATCH", "/{graph}/vertex/{collection}"),
    ("GET|PATCH", "/{graph}/edge/{collection}"),
    ("POST", "/{graph}/vertex/{collection}/{key}"),
    ("POST", "/{graph}/edge/{collection}/{key}"),
    ("GET|POST|PUT|PATCH|DELETE", "/{graph}/{kind}"),
    ("GET|POST|PUT|PATCH|DELETE", "/{graph}/{kind}/{collection}"),
    ("GET|POST|PUT|PATCH|DELETE", "/{graph}/{kind}/{collection}/{key}"),
):
    route(_method, BASE + _pattern, area=AREA, access=DB_RO)(_unsupported)
