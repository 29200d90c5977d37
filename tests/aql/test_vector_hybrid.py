"""Hybrid retrieval as the GenAI store integrations run it: an ArangoSearch view ranked by
BM25 and a vector index ranked by similarity, each ranked with WINDOW, fused by reciprocal
rank (the query shape of LangChain's ArangoDB vector store), end to end on the emulator."""

from __future__ import annotations

import math
from typing import Any

import pytest

TEXTS = [
    "graph databases store nodes and edges",
    "vector search finds similar embeddings",
    "hybrid search combines keywords and vectors",
    "the quick brown fox jumps over the lazy dog",
    "embeddings represent text as vectors of numbers",
    "databases index documents for fast search",
    "foxes are quick animals",
    "keyword search ranks documents with bm25",
]

RRF = 60
K = 4

#: ranks the scored documents of the enclosing FOR (rank 1 first) into RRF scores
RANKED = """
        SORT score DESC
        LIMIT @k
        WINDOW { preceding: "unbounded", following: 0 }
        AGGREGATE rank = COUNT(1)
        LET rrf_score = 1 / (@rrf + rank)
        RETURN { key: doc._key, score: rrf_score }
)
"""

VECTOR_PART = (
    """
LET vector_results = (
    FOR doc IN @@collection
        LET score = APPROX_NEAR_COSINE(doc.embedding, @embedding)"""
    + RANKED
)

KEYWORD_PART = (
    """
LET keyword_results = (
    FOR doc IN @@view
        SEARCH ANALYZER(doc.text IN TOKENS(@query, "text_en"), "text_en")
        LET score = BM25(doc)"""
    + RANKED
)

FUSED = (
    VECTOR_PART
    + KEYWORD_PART
    + """
FOR result IN APPEND(vector_results, keyword_results)
    COLLECT key = result.key AGGREGATE score = SUM(result.score)
    SORT score DESC, key
    LIMIT 5
    LET data = FIRST(
        FOR doc IN @@collection FILTER doc._key == key LIMIT 1 RETURN KEEP(doc, "_key", "text")
    )
    RETURN { data, score }
"""
)


def _embedding(text: str) -> list[float]:
    """A toy embedding: letter frequencies (enough to make similar texts close)."""
    counts = [0.0] * 26
    for ch in text:
        if "a" <= ch <= "z":
            counts[ord(ch) - 97] += 1
    return counts


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


async def _store(arango_db: Any) -> Any:
    col = await arango_db.create_collection("chunks")
    await col.insert_many(
        [{"_key": f"c{i}", "text": t, "embedding": _embedding(t)} for i, t in enumerate(TEXTS)]
    )
    await col.add_index(
        "vector",
        ["embedding"],
        {"name": "chunks_vec", "params": {"metric": "cosine", "dimension": 26, "nLists": 2}},
    )
    await arango_db.create_view(
        "chunks_view",
        "arangosearch",
        {"links": {"chunks": {"fields": {"text": {"analyzers": ["text_en"]}}}}},
    )
    return col


async def _rows(arango_db: Any, query: str, bind: dict[str, Any]) -> list[Any]:
    cursor = await arango_db.aql.execute(query, bind_vars=bind)
    return [row async for row in cursor]


@pytest.mark.parametrize(
    ("question", "matching"),
    [
        # text_en stems ("embeddings", "vectors", "foxes") and keeps "with" (no stopwords)
        ("vector search with embeddings", {"c1", "c2", "c4", "c5", "c7"}),
        ("quick fox", {"c3", "c6"}),
    ],
)
async def test_bm25_and_vector_results_fused_by_reciprocal_rank(arango_db, question, matching):
    await _store(arango_db)
    bind = {
        "@collection": "chunks",
        "@view": "chunks_view",
        "embedding": _embedding(question),
        "query": question,
        "k": K,
        "rrf": RRF,
    }
    vector = (
        await _rows(
            arango_db, VECTOR_PART + "RETURN vector_results", _without(bind, "@view", "query")
        )
    )[0]
    keyword = (
        await _rows(
            arango_db,
            KEYWORD_PART + "RETURN keyword_results",
            _without(bind, "@collection", "embedding"),
        )
    )[0]

    # the vector half is the exact top k by cosine similarity
    by_similarity = sorted(
        range(len(TEXTS)),
        key=lambda i: (-_cosine(_embedding(TEXTS[i]), bind["embedding"]), f"c{i}"),
    )
    assert [r["key"] for r in vector] == [f"c{i}" for i in by_similarity[:K]]
    # the keyword half holds the best k of the chunks sharing a (stemmed) word
    assert {r["key"] for r in keyword} <= matching
    assert len(keyword) == min(K, len(matching))

    fused = await _rows(arango_db, FUSED, bind)
    expected: dict[str, float] = {}
    for r in vector + keyword:
        expected[r["key"]] = expected.get(r["key"], 0.0) + r["score"]
    ranking = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert [(f["data"]["_key"], f["score"]) for f in fused] == [
        (key, pytest.approx(score)) for key, score in ranking
    ]
    assert all(f["data"]["text"] == TEXTS[int(f["data"]["_key"][1:])] for f in fused)


async def test_entity_clusters_query_point_from_the_outer_loop(arango_db):
    """The store's entity resolution: each chunk's nearest chunks by the vector index."""
    await _store(arango_db)
    rows = await _rows(
        arango_db,
        """
        FOR doc1 IN @@collection
            LET similar = (
                FOR doc2 IN @@collection
                    LET score = APPROX_NEAR_COSINE(doc1.embedding, doc2.embedding)
                    SORT score DESC
                    LIMIT @k
                    FILTER doc1._key < doc2._key
                    FILTER score >= @threshold
                    RETURN doc2._key
            )
            FILTER LENGTH(similar) > 0
            RETURN {entity: doc1._key, similar}
        """,
        {"@collection": "chunks", "k": 3, "threshold": 0.8},
    )
    embeddings = {f"c{i}": _embedding(t) for i, t in enumerate(TEXTS)}
    expected = []
    for a in sorted(embeddings):
        nearest = sorted(embeddings, key=lambda b: (-_cosine(embeddings[a], embeddings[b]), b))[:3]
        similar = [b for b in nearest if a < b and _cosine(embeddings[a], embeddings[b]) >= 0.8]
        if similar:
            expected.append({"entity": a, "similar": similar})
    assert sorted(rows, key=lambda r: r["entity"]) == expected


def _without(bind: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in bind.items() if k not in names}
