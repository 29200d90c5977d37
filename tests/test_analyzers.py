"""Analyzers API through arangoasync, and tokenisation per analyzer type."""

from __future__ import annotations

import pytest
from arangoasync.exceptions import AnalyzerCreateError, AnalyzerDeleteError, AnalyzerGetError

from pytest_arangomock.state import analyzers as AN


async def test_builtin_analyzers_listed(db):
    found = {a["name"]: a for a in await db.analyzers()}
    assert {"identity", "text_en", "text_de", "text_zh"} <= set(found)
    assert found["identity"]["features"] == ["frequency", "norm"]
    assert found["text_en"]["properties"]["stemming"] is True
    assert found["text_zh"]["properties"]["stemming"] is False
    assert list(found["text_en"]["properties"]) == [
        "locale",
        "case",
        "stopwords",
        "accent",
        "stemming",
    ]


async def test_create_get_delete(db):
    created = await db.create_analyzer("csv", "delimiter", {"delimiter": ","}, ["frequency"])
    assert created == {
        "name": "testdb::csv",
        "type": "delimiter",
        "properties": {"delimiter": ","},
        "features": ["frequency"],
    }
    got = await db.analyzer("csv")
    assert got["name"] == "testdb::csv" and got["properties"] == {"delimiter": ","}
    assert "testdb::csv" in [a["name"] for a in await db.analyzers()]
    assert await db.delete_analyzer("csv") is True
    with pytest.raises(AnalyzerGetError) as exc:
        await db.analyzer("csv")
    assert exc.value.error_code == 1202 and exc.value.http_code == 404
    assert await db.delete_analyzer("csv", ignore_missing=True) is False


async def test_create_same_definition_twice_is_ok(raw, db):
    body = {"name": "n", "type": "norm", "properties": {"locale": "en", "case": "lower"}}
    status, first, _ = raw("POST", "/_db/testdb/_api/analyzer", body)
    assert status == 201
    assert first["properties"] == {"locale": "en", "case": "lower", "accent": True}
    status, again, _ = raw("POST", "/_db/testdb/_api/analyzer", body)
    assert status == 200 and again == first
    body["properties"] = {"locale": "en", "case": "upper"}
    status, err, _ = raw("POST", "/_db/testdb/_api/analyzer", body)
    assert status == 400 and err["errorNum"] == 10
    assert err["errorMessage"].startswith("Name collision detected")


async def test_create_errors(db):
    with pytest.raises(AnalyzerCreateError) as exc:
        await db.create_analyzer("x", "nonsense")
    assert exc.value.error_code == 9 and exc.value.http_code == 501
    with pytest.raises(AnalyzerCreateError) as exc:
        await db.create_analyzer("x", "delimiter", {})
    assert exc.value.error_code == 10 and exc.value.http_code == 400
    with pytest.raises(AnalyzerCreateError) as exc:
        await db.create_analyzer("bad name!", "identity")
    assert exc.value.error_code == 10
    with pytest.raises(AnalyzerCreateError) as exc:
        await db.create_analyzer("x", "identity", features=["position"])
    assert exc.value.error_code == 10
    with pytest.raises(AnalyzerCreateError) as exc:
        await db.create_analyzer("other::x", "identity")
    assert exc.value.error_code == 11 and exc.value.http_code == 403


async def test_builtin_cannot_be_removed(db):
    with pytest.raises(AnalyzerDeleteError) as exc:
        await db.delete_analyzer("text_en")
    assert exc.value.error_code == 11 and exc.value.http_code == 403


async def test_in_use_needs_force(db):
    await db.create_analyzer("lower", "norm", {"locale": "en", "case": "lower"})
    await db.create_collection("c")
    await db.create_view("v", "arangosearch", {"links": {"c": {"analyzers": ["lower"]}}})
    with pytest.raises(AnalyzerDeleteError) as exc:
        await db.delete_analyzer("lower")
    assert exc.value.http_code == 409
    assert await db.delete_analyzer("lower", force=True) is True


async def test_system_analyzers_visible_from_other_databases(sys_db, db):
    await sys_db.create_analyzer("shared", "identity")
    names = [a["name"] for a in await db.analyzers()]
    assert "_system::shared" in names
    assert (await db.analyzer("::shared"))["name"] == "_system::shared"


def _tok(atype, props, text):
    return AN.tokenize_string(None, atype, props, text)


def test_tokenisers():
    assert _tok("identity", {}, "A b") == ["A b"]
    assert _tok("delimiter", {"delimiter": ","}, "a,b,c") == ["a", "b", "c"]
    assert _tok("norm", {"locale": "en", "case": "lower", "accent": False}, "Ça Va") == ["ca va"]
    assert _tok("stem", {"locale": "en"}, "running") == ["run"]
    grams = {"min": 2, "max": 2, "preserveOriginal": False, "streamType": "utf8"}
    assert _tok("ngram", grams, "foo") == ["fo", "oo"]
    text = AN.STATIC["text_en"].properties
    assert _tok("text", text, "The Foxes jumped!") == ["the", "fox", "jump"]
    edge = dict(text, stemming=False, edgeNgram={"min": 1, "max": 2})
    assert _tok("text", edge, "ab cd") == ["a", "ab", "c", "cd"]
    stop = dict(text, stopwords=["the"])
    assert _tok("text", stop, "the fox") == ["fox"]
    assert _tok("stopwords", {"stopwords": ["a"], "hex": False}, "a") == []
    pipe = {
        "pipeline": [
            {"type": "delimiter", "properties": {"delimiter": "-"}},
            {"type": "norm", "properties": {"locale": "en", "case": "upper", "accent": True}},
        ]
    }
    assert _tok("pipeline", pipe, "ab-cd") == ["AB", "CD"]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("caresses", "caress"),
        ("ponies", "poni"),
        ("running", "run"),
        ("generously", "generous"),
        ("quickly", "quick"),
        ("hopeful", "hope"),
        ("national", "nation"),
    ],
)
def test_english_stemmer(word, stem):
    assert AN.stem(word, "en") == stem
