"""The index explain shows for a FOR + FILTER is the index the query reads when it runs.

Every index's lookup is wrapped so the test sees which index structures a run actually
reads; explain's IndexNodes must name exactly those (none for a full scan).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock.aql import api
from pytest_arangomock.state.indexes import Lookup, create_index

from ._engine import fill, fresh_db


def _db() -> Any:
    db = fresh_db()
    docs = [
        {"_key": str(i), "n": i, "group": i % 10, "kind": "ab"[i % 2], "tag": f"t{i % 3}"}
        for i in range(60)
    ]
    items = fill(db, "items", docs)
    create_index(items, {"type": "persistent", "fields": ["group"], "name": "by_group"})
    create_index(items, {"type": "persistent", "fields": ["kind", "n"], "name": "by_kind_n"})
    create_index(items, {"type": "persistent", "fields": ["tag"], "sparse": True, "name": "tags"})
    fill(db, "edges", [{"_from": f"v/{i % 5}", "_to": f"v/{i}"} for i in range(20)], edge=True)
    return db


def _spy(db: Any) -> list[str]:
    """Record the name of every index whose lookup (equality or range) a query runs."""
    read: list[str] = []

    def traced(index: Any, original: Any) -> Any:
        def lookup(*args: Any) -> Lookup | None:
            found = original(*args)
            if found is None:
                return None
            fetch = found.fetch

            def recorded(values: Any) -> Any:
                read.append(index.name)
                return fetch(values)

            return Lookup(found.index, found.fields, found.estimate, recorded, found.ranged)

        return lookup

    for name in ("items", "edges"):
        for index in db.get_collection(name).indexes:
            index.equality_lookup = traced(index, index.equality_lookup)
            index.range_lookup = traced(index, index.range_lookup)
    return read


def _explained(db: Any, query: str) -> tuple[list[str], list[int]]:
    """The index names explain's IndexNodes use, and how many conditions each serves."""
    plan = api.explain(db, query, None, None)["plan"]
    nodes = [n for n in plan["nodes"] if n["type"] == "IndexNode"]
    names = [ix["name"] for n in nodes for ix in n["indexes"]]
    served = [len(n["condition"]["subNodes"][0]["subNodes"]) for n in nodes]
    return names, served


@pytest.mark.parametrize(
    ("query", "index", "conditions"),
    [
        ("FOR d IN items FILTER d._key == '7' RETURN d.n", "primary", 1),
        ("FOR d IN items FILTER d._id IN ['items/1', 'items/2'] RETURN d.n", "primary", 1),
        ("FOR d IN items FILTER d.group == 3 RETURN d.n", "by_group", 1),
        ("FOR d IN items FILTER 3 == d.group RETURN d.n", "by_group", 1),
        ("FOR d IN items FILTER d.kind == 'a' FILTER d.n == 4 RETURN d.n", "by_kind_n", 2),
        ("FOR d IN items FILTER d.kind == 'b' AND d.n > 4 RETURN d.n", "by_kind_n", 2),
        ("FOR d IN items FILTER d.kind == 'b' AND 4 >= d.n AND d.n > 1 RETURN d.n", "by_kind_n", 3),
        ("FOR d IN items FILTER d.kind IN ['a', 'b'] AND d.n < 9 RETURN d.n", "by_kind_n", 2),
        ("FOR d IN items FILTER d.kind >= 'b' RETURN d.n", "by_kind_n", 1),
        # an index serving an equality is preferred to an earlier one serving a range
        ("FOR d IN items FILTER d.group > 3 AND d.kind == 'a' RETURN d.n", "by_kind_n", 1),
        ("FOR d IN items FILTER d._key == '8' AND d.group == 8 RETURN d.n", "primary", 1),
        ("FOR e IN edges FILTER e._to == 'v/3' RETURN e._from", "edge", 1),
        ("FOR e IN edges FILTER e._from IN ['v/1', 'v/2'] RETURN e._to", "edge", 1),
        ("FOR d IN items FILTER d.group IN [1, 2] RETURN d.n", "by_group", 1),
        ("FOR d IN items FILTER d.kind IN ['b', 'a'] AND d.n == 4 RETURN d.n", "by_kind_n", 2),
        # no index serves these: a sparse index, a range on an index's second field
        ("FOR d IN items FILTER d.tag == 't1' RETURN d.n", None, 0),
        ("FOR d IN items FILTER d.n > 50 RETURN d.n", None, 0),
    ],
)
def test_explain_names_the_index_the_query_reads(
    query: str, index: str | None, conditions: int
) -> None:
    db = _db()
    names, served = _explained(db, query)
    read = _spy(db)
    result = api.execute(db, query, None, {})
    assert names == sorted(set(read))
    assert names == ([index] if index else [])
    assert served == ([conditions] if index else [])
    scanned = result.stats["scannedFull"]
    assert (scanned == 0) if index else (scanned > 0)
