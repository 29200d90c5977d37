"""Index lookups under a LIMIT read their matches as the LIMIT asks for them: the same
rows, in the same order, with the same statistics as reading every match first, and the
snapshot the query began with although other clients write while it reads."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from arangoasync.typings import CollectionType

from pytest_arangomock.aql import api
from pytest_arangomock.state import documents as D
from pytest_arangomock.state.indexes import create_index

from ._engine import fill, fresh_db

N = 1000


class _Counting(dict[str, Any]):
    """A collection's documents, counting the reads of single documents."""

    reads = 0

    def get(self, key: Any, default: Any = None) -> Any:
        type(self).reads += 1
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        type(self).reads += 1
        return super().__getitem__(key)


def _orders() -> Any:
    db = fresh_db()
    docs = [
        {"_key": f"k{i:04d}", "status": "open" if i % 4 else "closed", "n": i, "tag": i % 7}
        for i in range(N)
    ]
    col = fill(db, "orders", docs)
    create_index(col, {"type": "persistent", "fields": ["status"]})
    create_index(col, {"type": "persistent", "fields": ["tag", "n"]})
    edges = [{"_from": f"v/{i % 3}", "_to": f"v/{i}", "n": i} for i in range(N)]
    fill(db, "links", edges, edge=True)
    return db


def _counted(db: Any, name: str) -> type[_Counting]:
    """Count the document reads of collection ``name`` from now on."""
    col = db.get_collection(name)
    counting = type("Reads", (_Counting,), {"reads": 0})
    col.docs = counting(col.docs)
    return counting


QUERIES = [
    "FOR d IN orders FILTER d.status == 'open' LIMIT 1 RETURN d._key",
    "FOR d IN orders FILTER d.status == 'open' LIMIT 5, 3 RETURN d._key",
    "FOR d IN orders FILTER d.status == 'open' FILTER d.n % 10 == 3 LIMIT 4 RETURN d.n",
    "FOR d IN orders FILTER d.status IN ['open', 'closed', 'open'] LIMIT 3 RETURN d._key",
    "FOR d IN orders FILTER d.tag == 2 LIMIT 3 RETURN d.n",
    "FOR d IN orders FILTER d.tag == 2 AND d.n > 500 LIMIT 3 RETURN d.n",
    "FOR d IN orders FILTER d.tag IN [5, 2] AND d.n >= 990 LIMIT 4 RETURN d.n",
    "FOR d IN orders FILTER d.tag == 3 AND d.n > 100 AND d.n < 200 LIMIT 30 RETURN d.n",
    "FOR d IN orders FILTER d._key IN ['k0009', 'nope', 'k0003', 'k0009'] LIMIT 1 RETURN d.n",
    "FOR e IN links FILTER e._from == 'v/1' LIMIT 2 RETURN e.n",
    "FOR e IN links FILTER e._to IN ['v/8', 'v/4', 'v/8'] LIMIT 1, 1 RETURN e.n",
    "FOR d IN orders FILTER d.status == 'open' LET k = d.n * 2 LIMIT 2 RETURN k",
]


def _all_read(query: str) -> str:
    """The same query with the LIMIT after a SORT nothing reorders: it reads every match."""
    head, _, tail = query.partition(" LIMIT ")
    return f"{head} SORT 1 LIMIT {tail}"


@pytest.mark.parametrize("query", QUERIES)
async def test_a_limited_index_read_returns_what_reading_every_match_returns(
    arango_db: Any, query: str
) -> None:
    orders = await arango_db.create_collection("orders")
    await orders.insert_many(
        [
            {"_key": f"k{i:04d}", "status": "open" if i % 4 else "closed", "n": i, "tag": i % 7}
            for i in range(300)
        ]
    )
    await orders.add_index("persistent", ["status"])
    await orders.add_index("persistent", ["tag", "n"])
    links = await arango_db.create_collection("links", col_type=CollectionType.EDGE)
    await links.insert_many([{"_from": f"v/{i % 3}", "_to": f"v/{i}", "n": i} for i in range(30)])
    limited = await arango_db.aql.execute(query, options={"fullCount": True})
    everything = await arango_db.aql.execute(_all_read(query), options={"fullCount": True})
    assert [x async for x in limited] == [x async for x in everything]
    assert limited.statistics.full_count == everything.statistics.full_count


@pytest.mark.parametrize(
    ("query", "rows", "scanned", "filtered"),
    [
        # ArangoDB counts what the loop read: one index entry for LIMIT 1
        ("FOR d IN orders FILTER d.status == 'open' LIMIT 1 RETURN d", 1, 1, 0),
        ("FOR d IN orders FILTER d.status == 'open' LIMIT 2, 3 RETURN d", 3, 5, 0),
        # n % 10 == 3: 3, 13, 23, the 18th open one (multiples of 4 are closed)
        (
            "FOR d IN orders FILTER d.status == 'open' FILTER d.n % 10 == 3 LIMIT 3 RETURN d",
            3,
            18,
            15,
        ),
        ("FOR d IN orders FILTER d.tag == 2 AND d.n > 500 LIMIT 2 RETURN d", 2, 2, 0),
    ],
)
def test_statistics_count_what_the_loop_read(
    query: str, rows: int, scanned: int, filtered: int
) -> None:
    db = _orders()
    result = api.execute(db, query, None, {})
    stats = result.stats
    assert len(result.rows) == rows
    assert (stats["scannedIndex"], stats["documentLookups"], stats["filtered"]) == (
        scanned,
        scanned,
        filtered,
    )
    assert (stats["scannedFull"], stats["cursorsCreated"], stats["cursorsRearmed"]) == (0, 1, 0)
    full = api.execute(db, query, None, {"fullCount": True})
    assert full.rows == result.rows
    assert full.full_count is not None and full.full_count >= rows


@pytest.mark.parametrize(
    ("query", "collection"),
    [
        ("FOR d IN orders FILTER d.status == 'open' LIMIT 1 RETURN d.n", "orders"),
        ("FOR d IN orders FILTER d.status IN ['open', 'closed'] LIMIT 1 RETURN d.n", "orders"),
        ("FOR d IN orders FILTER d.tag == 2 AND d.n > 10 LIMIT 1 RETURN d.n", "orders"),
        ("FOR d IN orders FILTER d.tag == 2 LIMIT 1 RETURN d.n", "orders"),
        ("FOR e IN links FILTER e._from IN ['v/1', 'v/2'] LIMIT 1 RETURN e.n", "links"),
        ("FOR e IN links FILTER e._from == 'v/1' LIMIT 1 RETURN e.n", "links"),
    ],
)
def test_limit_one_reads_few_documents_of_many_matches(query: str, collection: str) -> None:
    db = _orders()
    reads = _counted(db, collection)
    assert len(api.execute(db, query, None, {}).rows) == 1
    assert reads.reads <= 2


def test_a_writing_query_still_reads_every_match_first() -> None:
    """Its own writes must not change what its loop reads: the matches are listed before
    the first write (as many rows as matched when it began)."""
    db = _orders()
    query = (
        "FOR d IN orders FILTER d.status == 'open' LIMIT 5 "
        "UPDATE d WITH {status: 'done'} IN orders RETURN NEW.status"
    )
    assert api.execute(db, query, None, {}).rows == ["done"] * 5
    left = api.execute(db, "FOR d IN orders FILTER d.status == 'open' RETURN 1", None, {})
    assert len(left.rows) == N * 3 // 4 - 5


def test_a_lazy_index_read_keeps_its_snapshot_while_another_thread_writes() -> None:
    db = _orders()
    col = db.get_collection("orders")
    transactions = db.server.transactions
    snapshot = transactions.begin_read(db)
    assert snapshot is not None
    try:
        view = snapshot.view(col)
        index = next(x for x in view.indexes if x.fields == ["status"])
        lookup = index.equality_lookup({"status": False})
        assert lookup is not None and lookup.scan is not None
        before = lookup.fetch(["open"])
        reading = lookup.scan(["open"])
        first = next(reading)

        def write() -> None:
            opts = D.WriteOptions()
            D.remove_document(col, before[1]["_key"], opts)
            D.update_document(col, before[2]["_key"], {"status": "closed"}, opts)
            D.insert_document(col, {"_key": "a-new-one", "status": "open"}, opts)

        other = threading.Thread(target=write)
        other.start()
        other.join()
        assert [first, *reading] == before
    finally:
        transactions.end_read(snapshot)
    now = api.execute(db, "FOR d IN orders FILTER d.status == 'open' RETURN d._key", None, {})
    assert len(now.rows) == len(before) - 1


SORTED = [
    "FOR d IN orders FILTER d.n > 500 SORT d.n LIMIT 3 RETURN d.n",
    "FOR d IN orders FILTER d.tag == 4 SORT d.n LIMIT 2, 5 RETURN d.n",
    "FOR d IN orders FILTER d.tag == 4 SORT d.tag, d.n ASC LIMIT 5 RETURN d.n",
    "FOR d IN orders FILTER d.tag == 4 AND d.n < 600 SORT d.n LIMIT 3 RETURN d.n",
    "FOR d IN orders FILTER d.tag == 4 FILTER d.n % 3 == 0 SORT d.n LIMIT 3 RETURN d.n",
    "FOR d IN orders FILTER d.n > 500 SORT d.n DESC LIMIT 3 RETURN d.n",
    # not the index's order: sorted as before
    "FOR d IN orders FILTER d.tag == 4 SORT d.tag, d.n DESC LIMIT 3 RETURN d.n",
    "FOR d IN orders FILTER d.tag IN [4, 2] SORT d.n LIMIT 3 RETURN d.n",
    "FOR d IN orders FILTER d.tag == 4 SORT d._key LIMIT 3 RETURN d.n",
]


def _ordered_orders() -> Any:
    db = _orders()
    create_index(db.get_collection("orders"), {"type": "persistent", "fields": ["n"]})
    return db


@pytest.mark.parametrize("query", SORTED)
def test_a_sort_the_index_answers_gives_what_sorting_gives(query: str) -> None:
    db = _ordered_orders()
    sorted_first = query.replace(" LIMIT ", " LET unused = 1 LIMIT ")  # the SORT sorts
    got = api.execute(db, query, None, {"fullCount": True})
    want = api.execute(db, sorted_first, None, {"fullCount": True})
    assert got.rows == want.rows
    assert got.full_count == want.full_count


@pytest.mark.parametrize(
    ("query", "scanned", "filtered"),
    [
        # the SORT goes (ArangoDB's use-index-for-sort): the LIMIT stops the index read
        ("FOR d IN orders FILTER d.n > 500 SORT d.n LIMIT 3 RETURN d", 3, 0),
        ("FOR d IN orders FILTER d.tag == 4 FILTER d.n % 3 == 0 SORT d.n LIMIT 3 RETURN d", 9, 6),
        # descending: the index is read backwards from its last match
        ("FOR d IN orders FILTER d.n > 500 SORT d.n DESC LIMIT 3 RETURN d", 3, 0),
        # a SORT the index cannot answer (mixed directions) reads every match first
        ("FOR d IN orders FILTER d.tag == 4 SORT d.tag, d.n DESC LIMIT 3 RETURN d", 143, 0),
    ],
)
def test_a_sort_the_index_answers_reads_what_the_limit_needs(
    query: str, scanned: int, filtered: int
) -> None:
    stats = api.execute(_ordered_orders(), query, None, {}).stats
    assert (stats["scannedIndex"], stats["filtered"], stats["scannedFull"]) == (
        scanned,
        filtered,
        0,
    )
