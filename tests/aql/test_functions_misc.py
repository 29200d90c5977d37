"""AQL miscellaneous functions called through the registry with a minimal query context."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pytest_arangomock import ArangoError
from pytest_arangomock.state.clock import encode_rev

from .conftest import FakeContext, codes, run


def raises(ctx: FakeContext, name: str, *args: Any) -> ArangoError:
    with pytest.raises(ArangoError) as exc:
        run(ctx, name, *args)
    return exc.value


def test_fallback_functions(ctx: FakeContext) -> None:
    assert run(ctx, "NOT_NULL", None, None, 12, None) == 12
    assert run(ctx, "NOT_NULL", False, True) is False
    assert run(ctx, "NOT_NULL", None) is None
    assert run(ctx, "FIRST_LIST", None, [1, 2]) == [1, 2]
    assert run(ctx, "FIRST_LIST", False, 7) is None
    assert run(ctx, "FIRST_DOCUMENT", [], {"a": 1}, {"b": 2}) == {"a": 1}
    assert run(ctx, "PASSTHRU", [1]) == [1]
    assert run(ctx, "NOOPT", "x") == "x"
    assert run(ctx, "NOEVAL", 3) == 3


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("PARSE_IDENTIFIER", {"collection": "_users", "key": "my-user"}),
        ("PARSE_COLLECTION", "_users"),
        ("PARSE_KEY", "my-user"),
    ],
)
def test_parse_identifier_family(ctx: FakeContext, name: str, expected: Any) -> None:
    assert run(ctx, name, "_users/my-user") == expected
    assert run(ctx, name, {"_id": "_users/my-user", "value": 1}) == expected
    assert ctx.warnings == []
    for bad in ("nokey", "a/b/c", {"_key": "x"}, 5):
        assert run(ctx, name, bad) is None
    assert ctx.warnings[0] == (1542, f"invalid argument type in call to function '{name}()'")
    assert len(ctx.warnings) == 4


def test_is_same_collection(ctx: FakeContext) -> None:
    assert run(ctx, "IS_SAME_COLLECTION", "_users", "_users/my-user") is True
    assert run(ctx, "IS_SAME_COLLECTION", "_users", {"_id": "_users/my-user"}) is True
    assert run(ctx, "IS_SAME_COLLECTION", "_users", "foobar/baz") is False
    assert run(ctx, "IS_SAME_COLLECTION", "_users", {"_id": "something/else"}) is False
    assert run(ctx, "IS_SAME_COLLECTION", "_users", 1) is None
    assert codes(ctx) == [1542]


def test_decode_rev(ctx: FakeContext) -> None:
    millis = 1_700_000_000_123  # 2023-11-14T22:13:20.123Z
    assert run(ctx, "DECODE_REV", encode_rev((millis << 20) | 5)) == {
        "date": "2023-11-14T22:13:20.123Z",
        "count": 5,
    }
    assert run(ctx, "DECODE_REV", "not a rev!") is None
    assert run(ctx, "DECODE_REV", 12) is None
    assert codes(ctx) == [1542, 1542]


def test_database_information(ctx: FakeContext) -> None:
    ctx.db.create_collection("Zeta")
    ctx.db.create_collection("alpha")
    assert run(ctx, "CURRENT_DATABASE") == "_system"
    assert run(ctx, "CURRENT_USER") == "root"
    assert re.fullmatch(r"3\.12\.\d+", run(ctx, "VERSION"))
    names = [c["name"] for c in run(ctx, "COLLECTIONS")]
    assert names == sorted(names, key=str.lower)
    assert {"alpha", "Zeta", "_users"} <= set(names)
    entry = next(c for c in run(ctx, "COLLECTIONS") if c["name"] == "alpha")
    assert list(entry) == ["_id", "name"]
    assert entry["_id"] == ctx.db.collection("alpha").id


def test_collection_count(ctx: FakeContext) -> None:
    col = ctx.db.create_collection("things")
    col.store({"_key": "a", "_id": "things/a", "_rev": "_x"}, None)
    assert run(ctx, "COLLECTION_COUNT", "things") == 1
    assert raises(ctx, "COLLECTION_COUNT", "nothing").num == 1203
    assert raises(ctx, "COLLECTION_COUNT", 1).num == 1542


def test_check_document(ctx: FakeContext) -> None:
    assert run(ctx, "CHECK_DOCUMENT", {"a": {"b": 1}}) is True
    assert run(ctx, "CHECK_DOCUMENT", [1]) is False


def test_fail(ctx: FakeContext) -> None:
    error = raises(ctx, "FAIL", "This is an error")
    assert (error.num, error.message) == (1569, "This is an error")
    assert raises(ctx, "FAIL").message == "FAIL() called"
    assert raises(ctx, "FAIL", 42).message == "FAIL() called"


def test_assert_and_warn(ctx: FakeContext) -> None:
    assert run(ctx, "ASSERT", 1 == 1, "never") is True
    error = raises(ctx, "ASSERT", False, "does not hold")
    assert (error.num, error.message) == (1593, "does not hold")
    assert run(ctx, "WARN", True, "fine") is True
    assert run(ctx, "WARN", 0, "careful") is False
    assert ctx.warnings == [(1594, "careful")]
    assert run(ctx, "ASSERT", False, 1) is None
    assert codes(ctx) == [1594, 1542]


def test_sleep(ctx: FakeContext) -> None:
    assert run(ctx, "SLEEP", 0.01) is None
    assert run(ctx, "SLEEP", -1) is None
    assert run(ctx, "SLEEP", "1") is None
    assert codes(ctx) == [1542, 1542]


def test_uuid(ctx: FakeContext) -> None:
    first, second = run(ctx, "UUID"), run(ctx, "UUID")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", first)
    assert first != second


def test_shard_id(ctx: FakeContext) -> None:
    ctx.db.create_collection("sharded")
    assert run(ctx, "SHARD_ID", "sharded", {"_key": "x"}) == "sharded"
    assert raises(ctx, "SHARD_ID", 1, {}).num == 10
    assert raises(ctx, "SHARD_ID", "sharded", "x").num == 10
    error = raises(ctx, "SHARD_ID", "nope", {})
    assert (error.num, error.message) == (
        1203,
        "could not find collection: nope in database _system",
    )


# ----------------------------------------------------------------- schemas
SCHEMA = {
    "rule": {"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]},
    "level": "moderate",
    "message": "age is required",
}


def test_schema_validate(ctx: FakeContext) -> None:
    assert run(ctx, "SCHEMA_VALIDATE", {"age": 1, "_key": "k"}, SCHEMA) == {"valid": True}
    assert run(ctx, "SCHEMA_VALIDATE", {"age": "x"}, SCHEMA) == {
        "valid": False,
        "errorMessage": "age is required",
    }
    assert run(ctx, "SCHEMA_VALIDATE", {"x": 1}, None) == {"valid": True}
    assert run(ctx, "SCHEMA_VALIDATE", {"x": 1}, {}) == {"valid": True}
    assert raises(ctx, "SCHEMA_VALIDATE", {"x": 1}, 5).num == 10
    assert raises(ctx, "SCHEMA_VALIDATE", {"x": 1}, {"rule": 1}).num == 1621
    assert run(ctx, "SCHEMA_VALIDATE", [1], SCHEMA) is None
    assert ctx.warnings == [(1542, "in function 'SCHEMA_VALIDATE()': expecting document object")]


def test_schema_get(ctx: FakeContext) -> None:
    ctx.db.create_collection("plain")
    ctx.db.create_collection("checked", properties={"schema": SCHEMA})
    assert run(ctx, "SCHEMA_GET", "plain") is None
    assert run(ctx, "SCHEMA_GET", "checked") == SCHEMA
    assert run(ctx, "SCHEMA_GET", {"_id": "checked/x"}) == SCHEMA
    assert raises(ctx, "SCHEMA_GET", "nothing").num == 1203
    assert raises(ctx, "SCHEMA_GET", 3).num == 10


# ----------------------------------------------------------------- legacy geo and fulltext
@pytest.fixture
def places(ctx: FakeContext) -> FakeContext:
    from pytest_arangomock.state.indexes import DescribedIndex

    col = ctx.db.create_collection("places")
    col.indexes.append(DescribedIndex(col, "10", "geo", ["loc"], options={"geoJson": False}))
    col.indexes.append(DescribedIndex(col, "11", "ft", ["text"], itype="fulltext"))
    rows = [("a", [0, 0], "quick brown fox"), ("b", [0, 1], "lazy dog"), ("c", [10, 10], "fox")]
    for key, loc, text in rows:
        col.store({"_key": key, "_id": f"places/{key}", "loc": loc, "text": text}, None)
    ctx.db.create_collection("unindexed")
    return ctx


def test_near_and_within(places: FakeContext) -> None:
    ctx = places
    assert [d["_key"] for d in run(ctx, "NEAR", "places", 0, 0.9)] == ["b", "a", "c"]
    assert [d["_key"] for d in run(ctx, "NEAR", "places", 0, 0.9, 1)] == ["b"]
    near = run(ctx, "WITHIN", "places", 0, 0, 120000, "dist")
    assert [d["_key"] for d in near] == ["a", "b"]
    assert near[0]["dist"] == 0 and 111000 < near[1]["dist"] < 111400
    assert [d["_key"] for d in run(ctx, "WITHIN_RECTANGLE", "places", -1, -1, 1, 2)] == ["a", "b"]
    error = raises(ctx, "NEAR", "unindexed", 0, 0)
    assert (error.num, error.message) == (
        1570,
        "no suitable geo index found for geo restriction on 'unindexed'",
    )
    assert raises(ctx, "NEAR", "nothing", 0, 0).num == 1203


def test_fulltext(places: FakeContext) -> None:
    ctx = places
    assert [d["_key"] for d in run(ctx, "FULLTEXT", "places", "text", "fox")] == ["a", "c"]
    assert [d["_key"] for d in run(ctx, "FULLTEXT", "places", "text", "fox,-brown")] == ["c"]
    assert [d["_key"] for d in run(ctx, "FULLTEXT", "places", "text", "prefix:la,|quick")] == [
        "a",
        "b",
    ]
    assert raises(ctx, "FULLTEXT", "unindexed", "text", "fox").num == 1571
