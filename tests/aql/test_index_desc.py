"""A descending SORT that a persistent index answers: the index is read backwards, the
SORT goes (ArangoDB's ``use-index-for-sort`` with the IndexNode's ``ascending: false``) and
a LIMIT stops the read. Rows are those of the same query over a collection without the
index, but for equal values: read backwards they come in reverse index order, as
ArangoDB's reverse iterator gives them, where a sort of a collection scan keeps them in
document order."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock.aql import api
from pytest_arangomock.state.indexes import create_index

from ._engine import fill, fresh_db

#: values in AQL's type order (null < bool < number < string < array < object), with ties
VALUES: list[Any] = [5, None, "a", 2.5, [1], False, 5, -1, {"x": 1}, "B", True, 0, 5, [0, 9], 7]


def _docs() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for i, value in enumerate(VALUES):
        doc: dict[str, Any] = {"_key": f"k{i:02d}", "tag": i % 3, "m": i}
        if i != 1:  # a missing attribute is indexed (and sorted) as null
            doc["n"] = value
        docs.append(doc)
    return docs


async def _collections(db: Any) -> None:
    """``indexed`` (persistent indexes on n and on tag, n) and ``plain`` (none), same docs."""
    indexed = await db.create_collection("indexed")
    plain = await db.create_collection("plain")
    for col in (indexed, plain):
        await col.insert_many(_docs())
    await indexed.add_index("persistent", ["n"])
    await indexed.add_index("persistent", ["tag", "n"])
    await indexed.add_index("persistent", ["m"], options={"sparse": True})


async def _rows(db: Any, query: str, name: str, **options: Any) -> tuple[list[Any], Any]:
    cursor = await db.aql.execute(query, bind_vars={"@c": name}, options=options or None)
    return [x async for x in cursor], cursor.statistics


DESCENDING = [
    "FOR d IN @@c FILTER d.n >= 0 SORT d.n DESC RETURN d.n",
    "FOR d IN @@c FILTER d.n >= 0 SORT d.n DESC LIMIT 4 RETURN d.n",
    "FOR d IN @@c FILTER d.n > 0 AND d.n < 'b' SORT d.n DESC LIMIT 2, 3 RETURN d.n",
    "FOR d IN @@c FILTER d.n <= 5 SORT d.n DESC LIMIT 6 RETURN d.n",
    "FOR d IN @@c FILTER d.n < 0 SORT d.n DESC RETURN d.n",
    "FOR d IN @@c FILTER d.n == 5 SORT d.n DESC LIMIT 2 RETURN d.n",
    "FOR d IN @@c FILTER d.n >= 0 FILTER d.m % 2 == 0 SORT d.n DESC LIMIT 3 RETURN [d.n, d.m]",
    "FOR d IN @@c FILTER d.n >= 0 LET v = d.n SORT d.n DESC LIMIT 3 RETURN v",
    "FOR d IN @@c FILTER d.tag == 2 SORT d.n DESC LIMIT 2 RETURN d.n",
    "FOR d IN @@c FILTER d.tag == 0 SORT d.tag DESC, d.n DESC RETURN d.n",
    "FOR d IN @@c FILTER d.tag == 1 AND d.n > false SORT d.n DESC RETURN d.n",
    # what the index cannot answer in one direction is sorted as before
    "FOR d IN @@c FILTER d.tag == 0 SORT d.tag, d.n DESC RETURN d.n",
    "FOR d IN @@c FILTER d.n >= 0 SORT d.n DESC, d.m RETURN [d.n, d.m]",
    "FOR d IN @@c FILTER d.n IN [5, 'a', 0] SORT d.n DESC RETURN d.n",
    "FOR d IN @@c FILTER d.m > 3 SORT d.m DESC LIMIT 3 RETURN d.m",  # a sparse index
    # no FILTER an index serves: the index is read whole, in either direction
    "FOR d IN @@c SORT d.n DESC LIMIT 3 RETURN d.n",
    "FOR d IN @@c SORT d.n LIMIT 3 RETURN d.n",
    "FOR d IN @@c SORT d.n DESC RETURN d.n",
    "FOR d IN @@c FILTER d.m % 3 == 1 SORT d.n DESC LIMIT 2 RETURN [d.n, d.m]",
    "FOR d IN @@c SORT d.tag DESC, d.n DESC LIMIT 5 RETURN [d.tag, d.n]",
    "FOR d IN @@c SORT d.m DESC LIMIT 3 RETURN d.m",  # only a sparse index: scanned
    "FOR x IN 1..2 FOR d IN @@c SORT d.n DESC LIMIT 3 RETURN d.n",  # an inner loop
]


@pytest.mark.parametrize("query", DESCENDING)
async def test_a_descending_sort_gives_what_it_gives_without_the_index(
    arango_db: Any, query: str
) -> None:
    await _collections(arango_db)
    got, stats = await _rows(arango_db, query, "indexed", fullCount=True)
    want, plain = await _rows(arango_db, query, "plain", fullCount=True)
    assert got == want
    assert stats.full_count == plain.full_count


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        # equal values read backwards: the reverse of the ascending index order
        ("FOR d IN @@c FILTER d.n == 5 SORT d.n DESC RETURN d._key", ["k12", "k06", "k00"]),
        ("FOR d IN @@c FILTER d.n >= 5 AND d.n < 'a' SORT d.n DESC LIMIT 3 RETURN d._key", None),
        ("FOR d IN @@c FILTER d.n <= 5 AND d.n >= 5 SORT d.n DESC RETURN d._key", None),
    ],
)
async def test_equal_values_come_in_reverse_index_order(
    arango_db: Any, query: str, keys: list[str] | None
) -> None:
    await _collections(arango_db)
    got, _ = await _rows(arango_db, query, "indexed")
    ascending, _ = await _rows(arango_db, query.replace(" DESC", " ASC"), "indexed")
    fives = [k for k in ascending if k in ("k00", "k06", "k12")]
    assert fives == ["k00", "k06", "k12"]  # ascending: index order
    if keys is not None:
        assert got == keys
    found = [k for k in got if k in fives]
    assert found and found == fives[::-1][: len(found)]
    # a collection scan sorted by n keeps equal values in document order
    scanned, _ = await _rows(arango_db, query, "plain")
    assert [k for k in scanned if k in fives] == fives[: len(found)]


@pytest.mark.parametrize(
    ("query", "scanned", "filtered"),
    [
        # the SORT goes: the LIMIT stops the backward read
        ("FOR d IN @@c FILTER d.n >= 0 SORT d.n DESC LIMIT 3 RETURN d", 3, 0),
        ("FOR d IN @@c FILTER d.n >= 0 SORT d.n DESC LIMIT 2, 1 RETURN d", 3, 0),
        # {x: 1} (m 8), [1] (m 4), [0, 9] (m 13), 'B' (m 9): two rejected
        ("FOR d IN @@c FILTER d.n >= 0 FILTER d.m % 2 == 1 SORT d.n DESC LIMIT 2 RETURN d", 4, 2),
        ("FOR d IN @@c FILTER d.tag == 0 SORT d.n DESC LIMIT 1 RETURN d", 1, 0),
        # the SORT stays: every match is read
        ("FOR d IN @@c FILTER d.n >= 0 SORT d.n DESC, d.m LIMIT 1 RETURN d", 11, 0),
        # the whole index, backwards: {x: 1} (m 8), [1] (m 4), [0, 9] (m 13)
        ("FOR d IN @@c SORT d.n DESC LIMIT 2 RETURN d", 2, 0),
        ("FOR d IN @@c FILTER d.m > 10 SORT d.n DESC LIMIT 1 RETURN d", 3, 2),
    ],
)
async def test_a_backward_read_counts_what_it_read(
    arango_db: Any, query: str, scanned: int, filtered: int
) -> None:
    await _collections(arango_db)
    _, stats = await _rows(arango_db, query, "indexed")
    assert (stats.scanned_index, stats.filtered, stats.scanned_full) == (scanned, filtered, 0)


async def test_explain_shows_the_index_read_backwards_without_a_sort(arango_db: Any) -> None:
    await _collections(arango_db)
    query = "FOR d IN indexed FILTER d.n >= 0 SORT d.n DESC LIMIT 3 RETURN d"
    plan = await arango_db.aql.explain(query)
    plan = plan.get("plan", plan)
    kinds = [n["type"] for n in plan["nodes"]]
    assert "SortNode" not in kinds
    index = next(n for n in plan["nodes"] if n["type"] == "IndexNode")
    assert index["ascending"] is False
    assert index["indexes"][0]["fields"] == ["n"]
    assert "use-index-for-sort" in plan["rules"]
    mixed = await arango_db.aql.explain(query.replace("DESC", "DESC, d.m"))
    mixed = mixed.get("plan", mixed)
    assert "SortNode" in [n["type"] for n in mixed["nodes"]]


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_explain_shows_an_index_read_whole_for_a_sort(arango_db: Any, direction: str) -> None:
    await _collections(arango_db)
    query = f"FOR d IN indexed FILTER d.m > 2 SORT d.n {direction} LIMIT 3 RETURN d"
    plan = await arango_db.aql.explain(query)
    plan = plan.get("plan", plan)
    kinds = [n["type"] for n in plan["nodes"]]
    assert kinds[:2] == ["SingletonNode", "IndexNode"]
    assert "SortNode" not in kinds and "FilterNode" in kinds
    index = plan["nodes"][1]
    assert (index["condition"], index["ascending"]) == ({}, direction == "ASC")
    assert index["indexes"][0]["fields"] == ["n"]
    assert {"use-indexes", "use-index-for-sort"} <= set(plan["rules"])
    # in an inner loop the collection is scanned and sorted
    inner = await arango_db.aql.explain("FOR x IN 1..2 " + query)
    inner = inner.get("plan", inner)
    assert "IndexNode" not in [n["type"] for n in inner["nodes"]]


def test_a_writing_query_reads_the_index_backwards_too() -> None:
    db = fresh_db()
    col = fill(db, "items", _docs())
    create_index(col, {"type": "persistent", "fields": ["n"]})
    fill(db, "copies", [])
    query = (
        "FOR d IN items FILTER d.n >= 0 SORT d.n DESC LIMIT 4 "
        "INSERT {n: d.n, k: d._key} INTO copies RETURN NEW.k"
    )
    # an object, then arrays, strings (AQL's type order, backwards)
    assert api.execute(db, query, None, {}).rows == ["k08", "k04", "k13", "k09"]
    assert api.execute(db, "FOR c IN copies RETURN c.k", None, {}).rows == [
        "k08",
        "k04",
        "k13",
        "k09",
    ]


def test_a_repeated_query_reads_its_own_snapshot_backwards() -> None:
    db = fresh_db()
    col = fill(db, "items", _docs())
    create_index(col, {"type": "persistent", "fields": ["n"]})
    query = "FOR d IN items FILTER d.n < 'a' AND d.n > 2 SORT d.n DESC LIMIT 3 RETURN d._key"
    assert api.execute(db, query, None, {}).rows == ["k14", "k12", "k06"]
    api.execute(db, "INSERT {_key: 'late', n: 6} INTO items", None, {})
    assert api.execute(db, query, None, {}).rows == ["k14", "late", "k12"]
    whole = "FOR d IN items SORT d.n DESC LIMIT 2 RETURN d._key"
    assert api.execute(db, whole, None, {}).rows == ["k08", "k04"]
    api.execute(db, "INSERT {_key: 'last', n: {x: 2}} INTO items", None, {})
    assert api.execute(db, whole, None, {}).rows == ["last", "k08"]


KEYS = ["b", "B", "a", "A", "_x", "-y", "1", "a1"]


@pytest.mark.parametrize(
    ("query", "rows", "scanned"),
    [
        # the primary index holds the keys in byte order, which SORT d._key then gives
        (
            "FOR d IN keyed SORT d._key RETURN d._key",
            ["-y", "1", "A", "B", "_x", "a", "a1", "b"],
            8,
        ),
        ("FOR d IN keyed SORT d._key DESC LIMIT 3 RETURN d._key", ["b", "a1", "a"], 3),
        ("FOR d IN keyed FILTER d.n > 3 SORT d._key DESC LIMIT 2 RETURN d._key", ["a1", "_x"], 4),
    ],
)
async def test_a_sort_by_key_reads_the_primary_index(
    arango_db: Any, query: str, rows: list[str], scanned: int
) -> None:
    keyed = await arango_db.create_collection("keyed")
    await keyed.insert_many([{"_key": k, "n": i} for i, k in enumerate(KEYS)])
    got, stats = await _rows(arango_db, query.replace("keyed", "@@c"), "keyed")
    assert got == rows
    assert (stats.scanned_index, stats.scanned_full) == (scanned, 0)
    plan = await arango_db.aql.explain(query)
    plan = plan.get("plan", plan)
    index = next(n for n in plan["nodes"] if n["type"] == "IndexNode")
    assert index["indexes"][0]["type"] == "primary"
    assert "SortNode" not in [n["type"] for n in plan["nodes"]]


async def test_a_sort_by_key_in_an_inner_loop_compares_strings_as_aql_does(
    arango_db: Any,
) -> None:
    keyed = await arango_db.create_collection("keyed")
    await keyed.insert_many([{"_key": k} for k in KEYS])
    inner, stats = await _rows(
        arango_db, "FOR x IN 1..1 FOR d IN @@c SORT d._key RETURN d._key", "keyed"
    )
    cursor = await arango_db.aql.execute("FOR k IN @keys SORT k RETURN k", bind_vars={"keys": KEYS})
    values = [x async for x in cursor]
    assert inner == values != sorted(KEYS)
    assert stats.scanned_full == 8


async def test_equal_values_come_in_the_order_of_their_last_write(arango_db: Any) -> None:
    col = await arango_db.create_collection("ties")
    await col.add_index("persistent", ["n"])
    await col.insert_many([{"_key": k, "n": 5} for k in ("z", "m", "a")] + [{"_key": "b", "n": 9}])
    await col.update({"_key": "z", "n": 5, "seen": True})  # a new document version
    query = "FOR d IN @@c FILTER d.n >= 5 AND d.n < 9 SORT d.n {} RETURN d._key"
    forwards, _ = await _rows(arango_db, query.format("ASC"), "ties")
    backwards, _ = await _rows(arango_db, query.format("DESC"), "ties")
    assert forwards == ["m", "a", "z"]
    assert backwards == ["z", "a", "m"]
    whole, _ = await _rows(arango_db, "FOR d IN @@c SORT d.n DESC LIMIT 2 RETURN d._key", "ties")
    assert whole == ["b", "z"]


@pytest.mark.parametrize(
    ("query", "rows", "scanned"),
    [
        # IN on the sorted attribute: its values in turn, descending, each read backwards
        (
            "FOR d IN @@c FILTER d.n IN [5, 0, 7] SORT d.n DESC RETURN d._key",
            ["k14", "k12", "k06", "k00", "k11"],
            5,
        ),
        (
            "FOR d IN @@c FILTER d.n IN [5, 0, 7] SORT d.n DESC LIMIT 2 RETURN d._key",
            ["k14", "k12"],
            2,
        ),
        ("FOR d IN @@c FILTER d.n IN [5, 0, 7] SORT d.n LIMIT 2 RETURN d._key", ["k11", "k00"], 2),
        (
            "FOR d IN @@c FILTER d.tag IN [0, 2] SORT d.tag DESC, d.n DESC LIMIT 3 RETURN d._key",
            ["k08", "k02", "k14"],
            3,
        ),
        # an IN fixes no attribute: a SORT on the next one is sorted
        ("FOR d IN @@c FILTER d.tag IN [0, 2] SORT d.n DESC LIMIT 1 RETURN d._key", ["k08"], 10),
    ],
)
async def test_an_in_lookup_reads_its_values_in_the_sorts_direction(
    arango_db: Any, query: str, rows: list[str], scanned: int
) -> None:
    await _collections(arango_db)
    got, stats = await _rows(arango_db, query, "indexed")
    assert got == rows
    assert stats.scanned_index == scanned
