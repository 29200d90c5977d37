"""Graph traversals and path searches over a small graph built in state."""

from __future__ import annotations

from typing import Any

import pytest

from ._engine import err, fill, fresh_db, q

#   a -> b -> c -> d
#   a -> e -> d      (e->d is heavy)
EDGES = [("a", "b", 1), ("b", "c", 1), ("c", "d", 1), ("a", "e", 1), ("e", "d", 10)]


@pytest.fixture(scope="module")
def db() -> Any:
    db = fresh_db()
    fill(db, "v", [{"_key": k, "name": k.upper()} for k in "abcde"])
    fill(
        db,
        "e",
        [{"_from": f"v/{s}", "_to": f"v/{t}", "w": w, "label": f"{s}{t}"} for s, t, w in EDGES],
        edge=True,
    )
    db.collection("_graphs").store(
        {
            "_key": "g",
            "_id": "_graphs/g",
            "_rev": "1",
            "edgeDefinitions": [{"collection": "e", "from": ["v"], "to": ["v"]}],
            "orphanCollections": [],
        },
        None,
    )
    return db


def test_depth_first_traversal_order(db: Any) -> None:
    # depth-first takes a vertex's last edge first (ArangoDB's documented traversal answers)
    assert q(db, "FOR x IN 1..3 OUTBOUND 'v/a' GRAPH 'g' RETURN x._key") == [
        "e",
        "d",
        "b",
        "c",
        "d",
    ]
    assert q(db, "FOR x IN 1..3 OUTBOUND 'v/a' e OPTIONS {order: 'bfs'} RETURN x._key") == [
        "b",
        "e",
        "c",
        "d",
        "d",
    ]


def test_min_depth_zero_and_vars(db: Any) -> None:
    rows = q(
        db,
        "FOR x, e, p IN 0..1 OUTBOUND 'v/a' e "
        "RETURN [x._key, e.label, LENGTH(p.edges), p.vertices[*]._key]",
    )
    assert rows == [["a", None, 0, ["a"]], ["e", "ae", 1, ["a", "e"]], ["b", "ab", 1, ["a", "b"]]]


def test_directions(db: Any) -> None:
    assert q(db, "FOR x IN 1..1 INBOUND 'v/d' e SORT x._key RETURN x._key") == ["c", "e"]
    assert q(db, "FOR x IN 1..1 ANY 'v/b' e SORT x._key RETURN x._key") == ["a", "c"]
    assert q(db, "FOR x IN 1..1 ANY 'v/d' INBOUND e SORT x._key RETURN x._key") == ["c", "e"]


def test_prune_and_unique_vertices(db: Any) -> None:
    rows = q(db, "FOR x IN 1..3 OUTBOUND 'v/a' e PRUNE stop = x._key == 'b' RETURN [x._key, stop]")
    assert rows == [["e", False], ["d", False], ["b", True]]
    rows = q(
        db,
        "FOR x IN 1..3 OUTBOUND 'v/a' e OPTIONS {order: 'bfs', uniqueVertices: 'global'} "
        "RETURN x._key",
    )
    assert rows == ["b", "e", "c", "d"]


def test_weighted_traversal_has_weights(db: Any) -> None:
    rows = q(
        db,
        "FOR x, e, p IN 2..2 OUTBOUND 'v/a' e OPTIONS {order: 'weighted', weightAttribute: 'w'} "
        "RETURN [x._key, p.weights]",
    )
    assert rows == [["c", [0, 1, 2]], ["d", [0, 1, 11]]]


def test_shortest_paths(db: Any) -> None:
    assert q(db, "FOR x IN OUTBOUND SHORTEST_PATH 'v/a' TO 'v/d' GRAPH 'g' RETURN x._key") == [
        "a",
        "e",
        "d",
    ]
    rows = q(
        db,
        "FOR x, e IN OUTBOUND SHORTEST_PATH 'v/a' TO 'v/d' e OPTIONS {weightAttribute: 'w'} "
        "RETURN [x._key, e.label]",
    )
    assert rows == [["a", None], ["b", "ab"], ["c", "bc"], ["d", "cd"]]
    assert q(db, "FOR x IN OUTBOUND SHORTEST_PATH 'v/d' TO 'v/a' e RETURN x") == []


def test_k_shortest_k_paths_all_shortest(db: Any) -> None:
    rows = q(
        db,
        "FOR p IN OUTBOUND K_SHORTEST_PATHS 'v/a' TO 'v/d' e OPTIONS {weightAttribute: 'w'} "
        "RETURN [p.vertices[*]._key, p.weight]",
    )
    assert rows == [[["a", "b", "c", "d"], 3], [["a", "e", "d"], 11]]
    rows = q(db, "FOR p IN 1..3 OUTBOUND K_PATHS 'v/a' TO 'v/d' e RETURN p.edges[*].label")
    assert rows == [["ae", "ed"], ["ab", "bc", "cd"]]
    rows = q(db, "FOR p IN OUTBOUND ALL_SHORTEST_PATHS 'v/a' TO 'v/d' e RETURN p.vertices[*]._key")
    assert rows == [["a", "e", "d"]]


def test_graph_errors(db: Any) -> None:
    assert err(db, "FOR x IN 1..2 OUTBOUND 'v/a' GRAPH 'nope' RETURN x").num == 1924
    assert err(db, "FOR x IN 1..2 OUTBOUND 'v/a' v RETURN x").num == 1218
    e = err(db, "FOR a, b, c, d IN 1..2 OUTBOUND 'v/a' e RETURN a")
    assert e.num == 1501 and e.message.startswith("Traversals only have one, two or three")
    res = q(db, "FOR x IN 1..2 OUTBOUND 42 e RETURN x")
    assert res == []
