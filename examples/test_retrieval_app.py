"""A small retrieval app: text chunks with embeddings, a vector index, the nearest chunks for
a question, optionally only from one source. The same app runs on python-arango-async
(``arango_db``) and on python-arango (``arango_sync_db``).

Vector indexes need numpy: ``pip install "pytest-arangomock[vector]"``. Run with
``pytest examples/test_retrieval_app.py``.
"""

from __future__ import annotations

import math
import zlib
from typing import Any

import pytest

pytest.importorskip("numpy")

DIMENSION = 64

CHUNKS = [
    ("manual", "Press the power button for three seconds to turn the router on."),
    ("manual", "Reset the router by holding the reset button for ten seconds."),
    ("manual", "The status light blinks green while the firmware updates."),
    ("faq", "Yes, the router supports guest networks with their own password."),
    ("faq", "Firmware updates install automatically every night."),
    ("blog", "We moved our office to a bigger building downtown."),
]

INDEX = {
    "type": "vector",
    "name": "chunks_embedding",
    "fields": ["embedding"],
    "params": {"metric": "cosine", "dimension": DIMENSION, "nLists": 2},
}

NEAREST = """
FOR chunk IN chunks
    FILTER @source == null OR chunk.source == @source
    LET similarity = APPROX_NEAR_COSINE(chunk.embedding, @question)
    SORT similarity DESC
    LIMIT @k
    RETURN {text: chunk.text, source: chunk.source, similarity}
"""


def embed(text: str) -> list[float]:
    """A stand-in for an embedding model: hashed word counts (words in common -> close)."""
    vector = [0.0] * DIMENSION
    for word in text.lower().replace(",", " ").replace(".", " ").split():
        vector[zlib.crc32(word.encode()) % DIMENSION] += 1.0
    return vector


def documents() -> list[dict[str, Any]]:
    return [
        {"_key": f"chunk{i}", "source": source, "text": text, "embedding": embed(text)}
        for i, (source, text) in enumerate(CHUNKS)
    ]


def bind(question: str, k: int, source: str | None) -> dict[str, Any]:
    return {"question": embed(question), "k": k, "source": source}


class AsyncRetriever:
    """The app on python-arango-async."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def load(self) -> None:
        chunks = await self.db.create_collection("chunks")
        await chunks.insert_many(documents())
        await chunks.add_index("vector", INDEX["fields"], {k: INDEX[k] for k in ("name", "params")})

    async def nearest(self, question: str, k: int = 3, source: str | None = None) -> list[Any]:
        cursor = await self.db.aql.execute(NEAREST, bind_vars=bind(question, k, source))
        return [row async for row in cursor]


class SyncRetriever:
    """The app on python-arango."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def load(self) -> None:
        chunks = self.db.create_collection("chunks")
        chunks.insert_many(documents())
        chunks.add_index(INDEX)

    def nearest(self, question: str, k: int = 3, source: str | None = None) -> list[Any]:
        return list(self.db.aql.execute(NEAREST, bind_vars=bind(question, k, source)))


def expected(question: str, k: int, source: str | None = None) -> list[str]:
    """The same answer computed by hand (the emulator's vector search is exact)."""
    q = embed(question)

    def cosine(v: list[float]) -> float:
        dot = sum(a * b for a, b in zip(v, q, strict=True))
        return dot / (math.sqrt(sum(a * a for a in v)) * math.sqrt(sum(b * b for b in q)))

    pool = [d for d in documents() if source is None or d["source"] == source]
    pool.sort(key=lambda d: (-cosine(d["embedding"]), d["_key"]))
    return [d["text"] for d in pool[:k]]


QUESTIONS = [
    ("How do I reset the router?", None),
    ("When do firmware updates install?", "faq"),
    ("When do firmware updates install?", "manual"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("question", "source"), QUESTIONS)
async def test_nearest_chunks_with_python_arango_async(arango_db, question, source):
    app = AsyncRetriever(arango_db)
    await app.load()
    found = await app.nearest(question, k=2, source=source)
    assert [row["text"] for row in found] == expected(question, 2, source)
    assert all(source in (None, row["source"]) for row in found)
    assert found[0]["similarity"] >= found[1]["similarity"]


@pytest.mark.parametrize(("question", "source"), QUESTIONS)
def test_nearest_chunks_with_python_arango(arango_sync_db, question, source):
    app = SyncRetriever(arango_sync_db)
    app.load()
    found = app.nearest(question, k=2, source=source)
    assert [row["text"] for row in found] == expected(question, 2, source)
    assert all(source in (None, row["source"]) for row in found)


def test_the_reset_question_finds_the_reset_chunk(arango_sync_db):
    app = SyncRetriever(arango_sync_db)
    app.load()
    assert app.nearest("How do I reset the router?", k=1)[0]["text"].startswith("Reset")
