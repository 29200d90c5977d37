"""AQL document/object functions called through the registry with a minimal query context."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import FakeContext, codes, run

NESTED = {"foo": {"bar": {"foo": 1, "baz": 2}, "baz": 3}, "baz": 4}


def test_has(ctx: FakeContext) -> None:
    assert run(ctx, "HAS", {"name": "Jane"}, "name") is True
    assert run(ctx, "HAS", {"name": "Jane"}, "age") is False
    assert run(ctx, "HAS", {"name": None}, "name") is True
    assert run(ctx, "HAS", {"1": 1}, 1) is True
    assert run(ctx, "HAS", [1], "0") is False


def test_attributes_and_values(ctx: FakeContext) -> None:
    doc = {"foo": "bar", "_key": "123", "_custom": "yes"}
    assert run(ctx, "ATTRIBUTES", doc) == ["_custom", "_key", "foo"]
    assert run(ctx, "ATTRIBUTES", doc, True) == ["foo"]
    assert run(ctx, "KEYS", doc, False, True) == ["_custom", "_key", "foo"]
    assert run(ctx, "VALUES", {"_id": "users/jane", "name": "Jane", "age": 35}) == [
        "users/jane",
        "Jane",
        35,
    ]
    assert run(ctx, "VALUES", {"_id": "users/jane", "name": "Jane"}, True) == ["Jane"]
    assert run(ctx, "ATTRIBUTES", [1]) is None
    assert run(ctx, "VALUES", "x") is None
    assert codes(ctx) == [1542, 1542]


def test_entries_and_zip(ctx: FakeContext) -> None:
    assert run(ctx, "ENTRIES", {"foo": "bar", "number": 123}) == [["foo", "bar"], ["number", 123]]
    got = run(ctx, "ZIP", ["name", "active", 1], ["some user", True, [2]])
    assert got == {"name": "some user", "active": True, "1": [2]}
    assert run(ctx, "ZIP", ["a", "a"], [1, 2]) == {"a": 1}
    assert run(ctx, "ZIP", ["a"], [1, 2]) is None
    assert codes(ctx) == [1542]


def test_value_follows_paths(ctx: FakeContext) -> None:
    obj = {"foo": {"bar": "baz", "list": [10, {"x": 1}]}}
    assert run(ctx, "VALUE", obj, ["foo", "bar"]) == "baz"
    assert run(ctx, "VALUE", obj, ["foo", "list", 1, "x"]) == 1
    assert run(ctx, "VALUE", obj, ["foo", "nope"]) is None
    assert run(ctx, "VALUE", obj, ["foo", "list", 5]) is None
    assert run(ctx, "VALUE", obj, []) is None
    assert ctx.warnings == []
    assert run(ctx, "VALUE", obj, "foo") is None
    assert codes(ctx) == [1542]


def test_keep_and_unset(ctx: FakeContext) -> None:
    assert run(ctx, "UNSET", NESTED, "bar") == NESTED
    assert run(ctx, "UNSET", NESTED, "foo", "baz") == {}
    assert run(ctx, "UNSET_RECURSIVE", NESTED, "baz") == {"foo": {"bar": {"foo": 1}}}
    assert run(ctx, "UNSET_RECURSIVE", NESTED, ["foo", "bar"]) == {"baz": 4}
    assert run(ctx, "KEEP", NESTED, "baz") == {"baz": 4}
    assert run(ctx, "KEEP_RECURSIVE", NESTED, "bar") == {}
    assert run(ctx, "KEEP_RECURSIVE", NESTED, ["foo", "baz"]) == {"baz": 4, "foo": {"baz": 3}}
    assert run(ctx, "KEEP", {"1": "a", "2": "b"}, 1) == {"1": "a"}
    assert ctx.warnings == []
    assert run(ctx, "KEEP", NESTED, ["baz", 7]) == {"baz": 4}
    assert run(ctx, "UNSET", "x", "a") is None
    assert codes(ctx) == [1542, 1542]
    assert NESTED == {"foo": {"bar": {"foo": 1, "baz": 2}, "baz": 3}, "baz": 4}


def test_unset_orders_keys_like_velocypack(ctx: FakeContext) -> None:
    assert list(run(ctx, "UNSET", {"b": 1, "a": 2, "c": 3}, "c")) == ["a", "b"]


def test_merge(ctx: FakeContext) -> None:
    assert run(ctx, "MERGE", {"user1": {"name": "Jane"}}, {"user2": {"name": "Tom"}}) == {
        "user1": {"name": "Jane"},
        "user2": {"name": "Tom"},
    }
    assert run(ctx, "MERGE", {"users": {"name": "Jane"}}, {"users": {"name": "Tom"}}) == {
        "users": {"name": "Tom"}
    }
    assert run(ctx, "MERGE", [{"a": 1}, {"b": 2}, {"a": 3}]) == {"a": 3, "b": 2}
    assert run(ctx, "MERGE", {"a": 1}) == {"a": 1}
    assert run(ctx, "MERGE", {"a": 1}, {"a": None}) == {"a": None}
    assert ctx.warnings == []
    assert run(ctx, "MERGE", {"a": 1}, [1]) is None
    assert run(ctx, "MERGE", [{"a": 1}, 2]) is None
    assert codes(ctx) == [1542, 1542]


def test_merge_recursive(ctx: FakeContext) -> None:
    users = [
        {"user-1": {"name": "Jane", "livesIn": {"city": "LA"}}},
        {"user-1": {"age": 42, "livesIn": {"city": "NY"}}},
    ]
    expected = {"user-1": {"livesIn": {"city": "NY"}, "name": "Jane", "age": 42}}
    assert run(ctx, "MERGE_RECURSIVE", users) == expected
    assert run(ctx, "MERGE_RECURSIVE", *users) == expected
    assert users[0] == {"user-1": {"name": "Jane", "livesIn": {"city": "LA"}}}


def test_matches(ctx: FakeContext) -> None:
    doc = {"name": "jane", "age": 27, "active": True}
    assert run(ctx, "MATCHES", doc, {"age": 27, "active": True}) is True
    assert run(ctx, "MATCHES", doc, {"age": 27, "missing": None}) is True
    assert run(ctx, "MATCHES", doc, {"age": "27"}) is False
    examples = [{"test": 1, "foo": "bar"}, {"foo": 1}, {"test": 1}]
    assert run(ctx, "MATCHES", {"test": 1}, examples, True) == 2
    assert run(ctx, "MATCHES", {"test": 1}, [{"x": 1}], True) == -1
    assert run(ctx, "MATCHES", "x", {}) is False


def test_translate(ctx: FakeContext) -> None:
    assert run(ctx, "TRANSLATE", "FR", {"FR": "France"}) == "France"
    assert run(ctx, "TRANSLATE", 42, {"foo": "bar"}) == 42
    assert run(ctx, "TRANSLATE", 42, {"42": True}) is True
    assert run(ctx, "TRANSLATE", "x", {}, "default") == "default"
    assert run(ctx, "TRANSLATE", "x", {}, None) is None
    assert run(ctx, "TRANSLATE", "x", []) is None
    assert codes(ctx) == [1542]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[ true, false, null, -0.5 ]", [True, False, None, -0.5]),
        ('{"a": 1}', {"a": 1}),
        ('"abc"', "abc"),
        ("123456789012345678901234", 1.2345678901234568e23),
    ],
)
def test_json_parse(ctx: FakeContext, text: str, expected: Any) -> None:
    assert run(ctx, "JSON_PARSE", text) == expected
    assert ctx.warnings == []


@pytest.mark.parametrize("text", ["abc", "NaN", "[1,", "", 5])
def test_json_parse_rejects(ctx: FakeContext, text: Any) -> None:
    assert run(ctx, "JSON_PARSE", text) is None
    assert codes(ctx) == [1542]


def test_json_stringify(ctx: FakeContext) -> None:
    assert run(ctx, "JSON_STRINGIFY", {"foo": "bär", "n": [1, 2.5, None]}) == (
        '{"foo":"bär","n":[1,2.5,null]}'
    )
    assert run(ctx, "JSON_STRINGIFY", "abc") == '"abc"'
    assert run(ctx, "JSON_STRINGIFY", 3.0) == "3"


# ----------------------------------------------------------------- DOCUMENT
@pytest.fixture
def persons(ctx: FakeContext) -> FakeContext:
    col = ctx.db.create_collection("persons")
    for key, name in (("alice", "Alice"), ("bob", "Bob")):
        col.store({"_key": key, "_id": f"persons/{key}", "_rev": "_x", "name": name}, None)
    return ctx


def test_document_by_id_and_key(persons: FakeContext) -> None:
    ctx = persons
    assert run(ctx, "DOCUMENT", "persons/alice")["name"] == "Alice"
    assert run(ctx, "DOCUMENT", "persons", "bob")["name"] == "Bob"
    assert run(ctx, "DOCUMENT", "persons", "persons/bob")["name"] == "Bob"
    names = [d["name"] for d in run(ctx, "DOCUMENT", ["persons/alice", "persons/nobody", 5])]
    assert names == ["Alice"]
    assert [d["name"] for d in run(ctx, "DOCUMENT", "persons", ["bob", "alice"])] == [
        "Bob",
        "Alice",
    ]
    assert ctx.warnings == []


@pytest.mark.parametrize(
    "args",
    [
        ("persons/nobody",),
        ("nocollection/alice",),
        ("alice",),
        ("persons", "other/alice"),
        ("nocollection", "alice"),
        ({"_id": "persons/alice"},),
    ],
)
def test_document_missing_is_null(persons: FakeContext, args: tuple[Any, ...]) -> None:
    assert run(persons, "DOCUMENT", *args) is None
    assert persons.warnings == []


def test_document_bad_collection_argument(persons: FakeContext) -> None:
    assert run(persons, "DOCUMENT", 1, "alice") is None
    assert codes(persons) == [1542]
