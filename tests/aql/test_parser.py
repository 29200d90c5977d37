"""AQL parsing: literals, names, precedence, and ArangoDB's syntax error messages."""

from __future__ import annotations

from typing import Any

import pytest

from ._engine import err, fresh_db, q


@pytest.fixture
def db() -> Any:
    return fresh_db()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("RETURN 0x1F", 31),
        ("RETURN 0b101", 5),
        ("RETURN .5", 0.5),
        ("RETURN 1e3", 1000),
        ("RETURN 'it\\'s'", "it's"),
        ('RETURN "a\\u00e9\\n"', "aé\n"),
        ("return /* c */ 1 // trailing", 1),
        ("RETURN 9223372036854775808", 9223372036854775808.0),
        ("LET `for` = 2 RETURN `for` * 3", 6),
        ("LET ´x y´ = 2 RETURN ´x y´", 2),
        ("RETURN { `return`: 1, 'a b': 2 }", {"return": 1, "a b": 2}),
        ("RETURN [1, 2, ]", [1, 2]),
        ("RETURN {a: {b: 3}}.a.b", 3),
    ],
)
def test_literals_and_names(db: Any, query: str, expected: Any) -> None:
    assert q(db, query) == [expected]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("RETURN 1 + 2 * 3", 7),
        ("RETURN 1..2 + 1", [1, 2, 3]),
        ("RETURN 1 == 1 IN [true]", False),  # IN binds tighter than ==
        ("RETURN NOT 1 IN [false]", True),  # unary NOT binds tightest: (NOT 1) IN [false]
        ("RETURN 2 NOT IN [1]", True),
        ("RETURN 2 !IN [2]", False),
        ("RETURN true ? 1 : false ? 2 : 3", 1),
        ("RETURN 0 ?: 5", 5),
        ("RETURN -2 * -3", 6),
        ("RETURN 1 < 2 == true", True),
        ("RETURN [1, 2] ALL IN [1, 2, 3]", True),
        ("RETURN [1, 2] AT LEAST (2) > 0", True),
        ("RETURN 'abc' NOT LIKE 'a%'", False),
    ],
)
def test_precedence(db: Any, query: str, expected: Any) -> None:
    assert q(db, query) == [expected]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "FOR i IN 1..100 FILTER i = 1 LIMIT 2 RETURN i * 3",
            "syntax error, unexpected assignment near '= 1 LIMIT 2 RETURN i * 3' at position 1:26",
        ),
        (
            "LET x 1 RETURN x",
            "syntax error, unexpected integer number, expecting assignment near '1 RETURN x' "
            "at position 1:7",
        ),
        (
            "RETURN {return: 1}",
            "syntax error, unexpected RETURN declaration near 'return: 1}' at position 1:9",
        ),
        (
            "FOR x IN [1]\n  RETURN x x",
            "syntax error, unexpected identifier near 'x' at position 2:12",
        ),
        (
            "RETURN 'abc",
            "syntax error, unexpected unterminated string literal near ''abc' at position 1:8",
        ),
        (
            "RETURN 1 /* open",
            "syntax error, unexpected unterminated multi-line comment near '/* open' "
            "at position 1:10",
        ),
        (
            "FOR x IN [1] RETURN x + aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbb",
            "syntax error, unexpected identifier near 'bbbb' at position 1:64",
        ),
        (
            "FOR a, b IN [1] RETURN a",
            "Collections and views FOR loops only allow a single return variable near "
            "'a, b IN [1] RETURN a' at position 1:5",
        ),
        (
            "RETURN DISTINCT 1",
            "cannot use DISTINCT modifier on top-level query element near 'DISTINCT 1' "
            "at position 1:8",
        ),
    ],
)
def test_syntax_errors(db: Any, query: str, message: str) -> None:
    e = err(db, query)
    assert (e.num, e.status) == (1501, 400)
    assert e.message == message


def test_error_snippet_is_truncated_to_32_characters(db: Any) -> None:
    text = "RETURN ) + 1234567890123456789012345678901234567890"
    e = err(db, text)
    assert len(text[7 : 7 + 32]) == 32
    assert e.message.endswith(f"near '{text[7 : 7 + 32]}...' at position 1:8")


def test_empty_query(db: Any) -> None:
    assert err(db, "  ").num == 1502


def test_bind_parameter_errors(db: Any) -> None:
    assert err(db, "RETURN @x").num == 1551
    e = err(db, "RETURN 1", {"x": 1})
    assert (e.num, e.message) == (1552, "bind parameter 'x' was not declared in the query")
    e = err(db, "FOR d IN @@c RETURN d", {"@c": 5})
    assert (e.num, e.message) == (1553, "bind parameter '@c' has an invalid value or type")
    assert q(db, "RETURN [@a, @b1]", {"a": 1, "b1": "x"}) == [[1, "x"]]


def test_unknown_collection_function_and_arity(db: Any) -> None:
    e = err(db, "FOR d IN nowhere RETURN d")
    assert (e.num, e.status, e.message) == (1203, 404, "collection or view not found: nowhere")
    e = err(db, "RETURN NO_SUCH_FN(1)")
    assert (e.num, e.message) == (1540, "usage of unknown function 'NO_SUCH_FN()'")
    e = err(db, "RETURN TYPENAME(1, 2)")
    assert e.num == 1541
    assert e.message == (
        "invalid number of arguments for function 'TYPENAME()', expected number of "
        "arguments: minimum: 1, maximum: 1"
    )


def test_unknown_variable_in_object_shorthand(db: Any) -> None:
    assert err(db, "RETURN { nope }").num == 1512


def test_parse_result_is_cached(db: Any) -> None:
    from pytest_arangomock.aql.parser import parse_query

    text = "RETURN 41 + 1"
    first = parse_query(text)
    assert parse_query(text) is first
    assert q(db, text) == [42]


def test_parse_api_lists_collections_and_bind_parameters() -> None:
    from pytest_arangomock.aql import api

    info = api.parse("FOR u IN users FILTER u.a == @a INSERT u INTO @@out")
    assert info["parsed"] is True
    assert info["collections"] == ["users"]
    assert info["bindVars"] == ["@out", "a"]
