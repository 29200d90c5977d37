"""Named graphs: definitions kept as documents in each database's ``_graphs`` collection.

ArangoDB persists a graph as a plain document (``_key`` = graph name, ``edgeDefinitions``,
``orphanCollections`` and, for SmartGraphs, the sharding fields), so AQL ``GRAPH 'g'``
traversals, the gharial API and a user reading ``_graphs`` directly all see the same data.
:class:`Graph` is the editable model; :func:`get_graph` and the ``*_collections_of``
helpers read stored documents without building one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..base.errors import ArangoError
from .keygen import is_valid_key

if TYPE_CHECKING:
    from .model import Collection, Database

Doc = dict[str, Any]

GRAPHS_COLLECTION = "_graphs"

# Persisted before ``edgeDefinitions`` (SmartGraph sharding info), in ArangoDB's order.
_HEAD_FIELDS = (
    "numberOfShards",
    "replicationFactor",
    "minReplicationFactor",
    "writeConcern",
    "isSmart",
    "isSatellite",
)
_SYSTEM = frozenset(("_key", "_id", "_rev"))
_BODY = frozenset(("edgeDefinitions", "orphanCollections"))


# --------------------------------------------------------------------- reading
def graphs_collection(db: Database) -> Collection:
    """The database's ``_graphs`` collection (1932 if someone removed it)."""
    col = db.get_collection(GRAPHS_COLLECTION)
    if col is None:
        raise ArangoError(1932, status=404)
    return col


def get_graph(db: Database, name: str) -> Doc | None:
    """The stored definition of graph ``name`` (a ``_graphs`` document) or ``None``."""
    col = db.get_collection(GRAPHS_COLLECTION)
    if col is None:
        return None
    return col.docs.get(name)


def list_graphs(db: Database) -> list[Doc]:
    """Every stored graph definition, in ``_graphs`` order."""
    col = db.get_collection(GRAPHS_COLLECTION)
    return [] if col is None else list(col.docs.values())


def rename_collection(db: Database, old: str, new: str) -> None:
    """Keep graph definitions pointing at the renamed collection (as ArangoDB does)."""
    graphs = db.collections.get(GRAPHS_COLLECTION)
    if graphs is None:
        return

    def swap(names: Any) -> Any:
        return [new if n == old else n for n in names] if isinstance(names, list) else names

    for doc in list(graphs.docs.values()):
        defs = doc.get("edgeDefinitions") or []
        orphans = doc.get("orphanCollections") or []
        touched = old in orphans or any(
            isinstance(d, dict)
            and (
                d.get("collection") == old
                or old in (d.get("from") or [])
                or old in (d.get("to") or [])
            )
            for d in defs
        )
        if not touched:
            continue
        new_defs = [
            {
                **d,
                "collection": new if d.get("collection") == old else d.get("collection"),
                "from": swap(d.get("from")),
                "to": swap(d.get("to")),
            }
            if isinstance(d, dict)
            else d
            for d in defs
        ]
        graphs.docs[doc["_key"]] = {
            **doc,
            "edgeDefinitions": new_defs,
            "orphanCollections": swap(orphans),
        }


def membership(db: Database, name: str) -> str | None:
    """ArangoDB's reason for refusing to drop a collection that a graph uses."""
    for doc in list_graphs(db):
        graph = doc.get("_key")
        if name in (doc.get("orphanCollections") or []):
            return f"collection '{name}' is an orphan collection inside graph '{graph}'"
        for d in doc.get("edgeDefinitions") or []:
            if isinstance(d, dict) and d.get("collection") == name:
                return f"collection '{name}' is an edge collection inside graph '{graph}'"
        for d in doc.get("edgeDefinitions") or []:
            if isinstance(d, dict) and (
                name in (d.get("from") or []) or name in (d.get("to") or [])
            ):
                return f"collection '{name}' is a vertex collection inside graph '{graph}'"
    return None


def _definitions(graph: Doc) -> list[Doc]:
    defs = graph.get("edgeDefinitions")
    return [d for d in defs if isinstance(d, dict)] if isinstance(defs, list) else []


def _names(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def edge_collections_of(graph: Doc) -> list[str]:
    """Names of the edge collections of a stored graph, sorted like ArangoDB lists them."""
    return sorted(
        {d["collection"] for d in _definitions(graph) if isinstance(d.get("collection"), str)}
    )


def vertex_collections_of(graph: Doc) -> list[str]:
    """Names of every vertex collection (``from``, ``to`` and orphans), sorted."""
    names: set[str] = set(_names(graph.get("orphanCollections")))
    for d in _definitions(graph):
        names.update(_names(d.get("from")))
        names.update(_names(d.get("to")))
    return sorted(names)


def edge_definition_of(graph: Doc, collection: str) -> Doc | None:
    """The ``{collection, from, to}`` definition for edge collection ``collection``."""
    for d in _definitions(graph):
        if d.get("collection") == collection:
            return d
    return None


def graphs_using(db: Database, collection: str) -> list[str]:
    """Names of the graphs that use ``collection`` anywhere (edge, vertex or orphan)."""
    return [
        str(g["_key"])
        for g in list_graphs(db)
        if collection in edge_collections_of(g) or collection in vertex_collections_of(g)
    ]


# ----------------------------------------------------------------------- model
@dataclass
class EdgeDefinition:
    """One relation: an edge collection and the vertex collections it may connect."""

    collection: str
    from_: frozenset[str]
    to: frozenset[str]

    def vertices(self) -> frozenset[str]:
        return self.from_ | self.to

    def to_json(self) -> Doc:
        return {"collection": self.collection, "from": sorted(self.from_), "to": sorted(self.to)}

    @classmethod
    def parse(cls, value: Any) -> EdgeDefinition:
        """Validate user input the way ArangoDB's ``EdgeDefinition`` does (1923/1941)."""
        if not isinstance(value, dict):
            raise ArangoError(1923, status=400)
        for key in ("collection", "from", "to"):
            if key not in value:
                raise ArangoError(1941, f"Attribute '{key}' missing in edge definition!", 400)
        if not isinstance(value["collection"], str):
            raise ArangoError(1941, "edge definition is not a string!", 400)
        for key in ("from", "to"):
            if not isinstance(value[key], list):
                raise ArangoError(1941, f"Edge definition '{key}' is not an array!", 400)
            if not all(isinstance(v, str) for v in value[key]):
                raise ArangoError(
                    1941, f"Edge definition '{key}' does not only contain strings!", 400
                )
        if not value["from"] or not value["to"]:
            raise ArangoError(1923, status=400)
        return cls(value["collection"], frozenset(value["from"]), frozenset(value["to"]))


@dataclass
class Graph:
    """An editable graph definition; :meth:`to_persistence` is what ``_graphs`` stores."""

    name: str
    edge_definitions: dict[str, EdgeDefinition] = field(default_factory=dict)
    orphans: set[str] = field(default_factory=set)
    head: Doc = field(default_factory=dict)  # SmartGraph sharding fields
    tail: Doc = field(default_factory=dict)  # SmartGraph fields after the orphans
    rev: str = ""

    # ------------------------------------------------------------ construction
    @classmethod
    def from_document(cls, doc: Doc) -> Graph:
        graph = cls(str(doc.get("_key", "")), rev=str(doc.get("_rev", "")))
        for d in _definitions(doc):
            edef = EdgeDefinition(
                str(d.get("collection", "")),
                frozenset(_names(d.get("from"))),
                frozenset(_names(d.get("to"))),
            )
            graph.edge_definitions[edef.collection] = edef
        graph.orphans = set(_names(doc.get("orphanCollections"))) - graph.used_vertices()
        graph.head = {k: doc[k] for k in _HEAD_FIELDS if k in doc}
        graph.tail = {
            k: v
            for k, v in doc.items()
            if k not in _SYSTEM and k not in _BODY and k not in graph.head
        }
        return graph

    # ----------------------------------------------------------------- queries
    def used_vertices(self) -> set[str]:
        """Vertex collections named in edge definitions (not the orphans)."""
        out: set[str] = set()
        for edef in self.edge_definitions.values():
            out |= edef.vertices()
        return out

    def vertex_collections(self) -> list[str]:
        return sorted(self.used_vertices() | self.orphans)

    def edge_collections(self) -> list[str]:
        return sorted(self.edge_definitions)

    def has_vertex_collection(self, name: str) -> bool:
        return name in self.orphans or name in self.used_vertices()

    @property
    def is_smart(self) -> bool:
        return bool(self.head.get("isSmart"))

    # ----------------------------------------------------------------- editing
    def add_edge_definition(self, edef: EdgeDefinition) -> None:
        """Add a relation (1920 if the edge collection already has one in this graph).

        Vertex collections it names stop being orphans.
        """
        if edef.collection in self.edge_definitions:
            raise ArangoError(
                1920, f"{edef.collection} multi use of edge collection in edge def", 400
            )
        self.edge_definitions[edef.collection] = edef
        self.orphans -= edef.vertices()

    def remove_edge_definition(self, collection: str) -> None:
        """Drop a relation; vertex collections no longer used become orphans."""
        old = self.edge_definitions.pop(collection)
        self.orphans |= old.vertices() - self.used_vertices()

    def replace_edge_definition(self, edef: EdgeDefinition) -> None:
        self.remove_edge_definition(edef.collection)
        self.add_edge_definition(edef)

    # ------------------------------------------------------------------ output
    def to_persistence(self) -> Doc:
        """The stored fields (without ``_id``/``_rev``), in ArangoDB's order."""
        doc: Doc = {"_key": self.name}
        doc.update(self.head)
        doc["edgeDefinitions"] = [
            self.edge_definitions[c].to_json() for c in sorted(self.edge_definitions)
        ]
        doc["orphanCollections"] = sorted(self.orphans)
        doc.update(self.tail)
        return doc

    def for_client(self) -> Doc:
        """The ``graph`` object gharial answers with: stored fields, ``_rev``, ``_id``, ``name``."""
        doc = self.to_persistence()
        doc["_rev"] = self.rev
        doc["_id"] = f"{GRAPHS_COLLECTION}/{self.name}"
        doc["name"] = self.name
        return doc


def listing(doc: Doc) -> Doc:
    """A stored graph as ``GET /_api/gharial`` lists it (``MERGE(g, {name: g._key})``).

    ArangoDB's MERGE walks the stored object in its (sorted) index order, then appends
    ``name``.
    """
    out = {k: doc[k] for k in sorted(doc)}
    out.pop("name", None)
    out["name"] = doc.get("_key")
    return out


# ---------------------------------------------------------------------- saving
def validate_graph_name(name: str) -> None:
    """A graph name becomes a ``_graphs`` key, so it must be a valid document key."""
    if not is_valid_key(name):
        raise ArangoError(1221, status=400)


def store_graph(db: Database, graph: Graph) -> Doc:
    """Insert or update ``graph`` in ``_graphs`` with a fresh ``_rev``; returns the document."""
    col = graphs_collection(db)
    old = col.docs.get(graph.name)
    rev = db.server.clock.next_rev()
    body = graph.to_persistence()
    doc: Doc = {"_key": graph.name, "_id": f"{GRAPHS_COLLECTION}/{graph.name}", "_rev": rev}
    doc.update((k, v) for k, v in body.items() if k != "_key")
    col.store(doc, old)
    graph.rev = rev
    return doc


def delete_graph(db: Database, name: str) -> None:
    col = graphs_collection(db)
    old = col.docs.get(name)
    if old is not None:
        col.delete(old)


def load_graph(db: Database, name: str) -> Graph:
    """The graph ``name`` as an editable model; 404/1924 if there is none."""
    doc = get_graph(db, name)
    if doc is None:
        raise ArangoError(1924, f"graph '{name}' not found", 404)
    return Graph.from_document(doc)


def all_graphs(db: Database) -> Iterable[Graph]:
    return (Graph.from_document(d) for d in list_graphs(db))
