"""AQL SEARCH over arangosearch and search-alias views, through arangoasync."""

from __future__ import annotations

import pytest
from arangoasync.exceptions import AQLQueryExecuteError

DOCS = [
    {"_key": "1", "text": "The quick brown fox jumps", "n": 1, "tags": ["a", "b"]},
    {"_key": "2", "text": "A lazy dog sleeps quickly", "n": 2, "tags": ["b"]},
    {"_key": "3", "text": "Foxes are quick and quick", "n": 3},
]


@pytest.fixture
async def view_db(db):
    col = await db.create_collection("docs")
    await col.insert_many(DOCS)
    other = await db.create_collection("other")
    await other.insert({"_key": "x", "n": 1})
    await db.create_collection("unlinked")
    link = {"includeAllFields": True, "fields": {"text": {"analyzers": ["text_en", "identity"]}}}
    await db.create_view(
        "v", "arangosearch", {"links": {"docs": link, "other": {"fields": {"n": {}}}}}
    )
    return db


async def _keys(db, query, **bind):
    cursor = await db.aql.execute(query, bind_vars=bind or None)
    return [row async for row in cursor]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("d.n == 2", ["2"]),
        ("d.n >= 2", ["2", "3"]),
        ("d.n IN 2..3", ["2", "3"]),
        ("d.n != 1", ["2", "3"]),
        ("d.tags == 'a'", ["1"]),
        ("d.n IN [1, 3] AND d.tags == 'b'", ["1"]),
        ("d.n == 1 OR d.n == 3", ["1", "3"]),
        ("NOT EXISTS(d.tags)", ["3"]),
        ("EXISTS(d.n, 'numeric')", ["1", "2", "3"]),
        ("d.text == 'quick'", []),
        ("ANALYZER(d.text == 'quick', 'text_en')", ["1", "2", "3"]),
        ("ANALYZER(PHRASE(d.text, 'quick brown'), 'text_en')", ["1"]),
        ("PHRASE(d.text, 'quick', 1, 'fox', 'text_en')", ["1"]),
        ("PHRASE(d.text, ['quick', 1, 'fox'], 'text_en')", ["1"]),
        ("ANALYZER(STARTS_WITH(d.text, 'sle'), 'text_en')", ["2"]),
        ("ANALYZER(STARTS_WITH(d.text, ['qu', 'sl'], 2), 'text_en')", ["2"]),
        ("STARTS_WITH(d.text, 'The')", ["1"]),
        ("ANALYZER(LEVENSHTEIN_MATCH(d.text, 'quik', 1), 'text_en')", ["1", "2", "3"]),
        ("ANALYZER(LIKE(d.text, 'd_g'), 'text_en')", ["2"]),
        ("IN_RANGE(d.n, 1, 2, true, false)", ["1"]),
        ("MIN_MATCH(d.n == 1, d.tags == 'b', d.n == 3, 2)", ["1"]),
        ("ANALYZER(d.text IN TOKENS('lazy dogs', 'text_en'), 'text_en')", ["2"]),
        ("true", ["1", "2", "3"]),
    ],
)
async def test_search_conditions(view_db, condition, expected):
    rows = await _keys(
        view_db,
        f"FOR d IN v SEARCH {condition} OPTIONS {{collections: ['docs']}} "
        "SORT d._key RETURN d._key",
    )
    assert rows == expected


async def test_only_linked_collections_and_fields(view_db):
    rows = await _keys(view_db, "FOR d IN v SEARCH d.n == 1 SORT d._key RETURN d._id")
    assert rows == ["docs/1", "other/x"]
    everything = await _keys(view_db, "FOR d IN v COLLECT WITH COUNT INTO n RETURN n")
    assert everything == [4]


async def test_bind_view_and_values(view_db):
    rows = await _keys(
        view_db, "FOR d IN @@v SEARCH d.n == @n RETURN d._key", **{"@v": "v", "n": 3}
    )
    assert rows == ["3"]


async def test_bm25_ranks_by_term_frequency(view_db):
    query = (
        "FOR d IN v SEARCH ANALYZER(d.text == 'quick', 'text_en') "
        "SORT BM25(d) DESC, d._key RETURN {k: d._key, s: BM25(d), t: TFIDF(d)}"
    )
    rows = await _keys(view_db, query)
    assert rows[0]["k"] == "3"
    assert all(r["s"] > 0 and r["t"] > 0 for r in rows)
    assert rows[0]["s"] > rows[-1]["s"]


async def test_boost_changes_the_order(view_db):
    query = (
        "FOR d IN v SEARCH BOOST(d.n == 1, 5) OR d.n == 2 OPTIONS {collections: ['docs']} "
        "SORT BM25(d) DESC RETURN d._key"
    )
    assert await _keys(view_db, query) == ["1", "2"]


async def test_tokens_function(db):
    rows = await _keys(db, "RETURN TOKENS('The Foxes, running!', 'text_en')")
    assert rows == [["the", "fox", "run"]]
    rows = await _keys(db, "RETURN TOKENS(['a b', ['c']], 'text_en')")
    assert rows == [[["a", "b"], [["c"]]]]


async def test_search_alias_view(db):
    col = await db.create_collection("books")
    await col.insert_many([{"title": "Dune Messiah"}, {"title": "Children of Dune"}])
    await col.add_index("inverted", [{"name": "title", "analyzer": "text_en"}], {"name": "inv"})
    await db.create_view(
        "alias", "search-alias", {"indexes": [{"collection": "books", "index": "inv"}]}
    )
    rows = await _keys(db, "FOR b IN alias SEARCH b.title == 'children' RETURN b.title")
    assert rows == ["Children of Dune"]


async def test_errors(view_db):
    with pytest.raises(AQLQueryExecuteError) as exc:
        await view_db.aql.execute("FOR d IN v SEARCH d.a == d.b RETURN d")
    assert exc.value.error_code == 10 and exc.value.http_code == 400
    with pytest.raises(AQLQueryExecuteError) as exc:
        await view_db.aql.execute("FOR d IN v SEARCH ANALYZER(d.a == 'x', 'nope') RETURN d")
    assert exc.value.error_code == 1202
    with pytest.raises(AQLQueryExecuteError) as exc:
        await view_db.aql.execute("RETURN PHRASE('a', 'b')")
    assert exc.value.error_code == 9 and exc.value.http_code == 501
    with pytest.raises(AQLQueryExecuteError) as exc:
        await view_db.aql.execute(
            "FOR d IN v SEARCH true OPTIONS {collections: ['unlinked']} RETURN d"
        )
    assert exc.value.http_code == 400
