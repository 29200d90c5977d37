"""Hostile values over raw HTTP: numbers past velocypack's range, nesting past AQL's limit,
options that overflow, and the error path that hides Python's exceptions from clients.

Every request goes to a served emulator on loopback; every answer must be JSON in
ArangoDB's shape, and none may be errorNum 4 with a Python exception in its text.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_arangomock import BackendRequest, Emulator
from pytest_arangomock.aql.limits import MAX_EXPRESSION_NESTING
from pytest_arangomock.serve import ServerThread, serving

AUTH = {"Authorization": "Basic " + base64.b64encode(b"root:").decode()}
OUT_OF_RANGE = "VPackError error: Number out of range"
NESTING = "too much nesting or too many objects"


class Client:
    """Raw HTTP on one keep-alive connection; answers are (status, parsed JSON body)."""

    def __init__(self, srv: ServerThread) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)

    def raw(self, method: str, path: str, body: bytes | str = b"") -> tuple[int, bytes, str]:
        data = body.encode() if isinstance(body, str) else body
        self.conn.request(method, path, body=data, headers=AUTH)
        resp = self.conn.getresponse()
        return resp.status, resp.read(), resp.getheader("content-type") or ""

    def call(self, method: str, path: str, body: bytes | str | Any = b"") -> tuple[int, Any]:
        if not isinstance(body, bytes | str):
            body = json.dumps(body)
        status, data, ctype = self.raw(method, path, body)
        assert ctype.startswith("application/json"), (status, ctype, data[:200])
        parsed = json.loads(data) if data else None
        assert b"internal error:" not in data, data[:300]
        return status, parsed

    def query(self, query: str, **extra: Any) -> tuple[int, Any]:
        return self.call("POST", "/_api/cursor", {"query": query, **extra})


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Emulator, Client]]:
    emulator = Emulator()
    with serving(emulator) as srv:
        client = Client(srv)
        assert client.call("POST", "/_api/collection", {"name": "hv"})[0] == 200
        yield emulator, client
        client.conn.close()
    assert emulator.internal_errors == []


@pytest.fixture
def client(served: tuple[Emulator, Client]) -> Client:
    return served[1]


# ---------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    "number",
    [
        "1e400",
        "-1e400",
        "1.5e309",
        "1E+0400",
        "0.5e0309",
        "9" * 400,
        "-" + "9" * 400,
        "1" + "0" * 309,
        "9" * 5000,
    ],
)
def test_numbers_beyond_a_double_are_refused_like_velocypack(client: Client, number: str) -> None:
    status, body = client.call("POST", "/_api/document/hv", f'{{"_key": "x", "n": {number}}}')
    assert (status, body["errorNum"], body["errorMessage"]) == (400, 600, OUT_OF_RANGE)
    assert client.call("GET", "/_api/document/hv/x")[0] == 404  # nothing was stored


@pytest.mark.parametrize(
    ("number", "stored"),
    [
        ("18446744073709551615", 18446744073709551615),  # uint64: kept exactly
        ("-9223372036854775808", -9223372036854775808),  # int64: kept exactly
        ("18446744073709551616", 18446744073709551616.0),  # beyond: a double
        ("-9223372036854775809", -9223372036854775809.0),
        ("-9999999999999999999", -9999999999999999999.0),
        ("999999999999999999", 999999999999999999),  # 18 digits: always an integer
        ("1" + "0" * 300, 1e300),
        ("1e-400", 0.0),  # underflow is zero, as atof gives
        ("1.7976931348623157e308", 1.7976931348623157e308),  # the largest double
    ],
)
def test_numbers_are_stored_as_velocypack_keeps_them(
    client: Client, number: str, stored: float
) -> None:
    key = f"n{abs(hash(number))}"
    status, _ = client.call("POST", "/_api/document/hv", f'{{"_key": "{key}", "n": {number}}}')
    assert status == 202
    status, doc = client.call("GET", f"/_api/document/hv/{key}")
    assert status == 200
    assert doc["n"] == stored and type(doc["n"]) is type(stored)


def test_every_stored_document_reads_back(client: Client) -> None:
    """Whatever the number tests stored, every document reads back as JSON."""
    status, body = client.query("FOR d IN hv RETURN d")
    assert status == 201
    for doc in body["result"]:
        assert client.call("GET", f"/_api/document/{doc['_id']}")[0] == 200


@pytest.mark.parametrize(
    "body",
    [
        '{"query": "RETURN @x", "bindVars": {"x": 1e400}}',
        '{"query": "RETURN 1", "batchSize": 1e400}',
        '{"query": "RETURN 1", "ttl": 1e400}',
        '{"query": "RETURN 1", "memoryLimit": -1e400}',
        '{"query": "RETURN 1", "options": {"maxRuntime": 1e400}}',
    ],
)
def test_out_of_range_numbers_in_any_body_are_a_parse_error(client: Client, body: str) -> None:
    status, answer = client.call("POST", "/_api/cursor", body)
    assert (status, answer["errorNum"], answer["errorMessage"]) == (400, 600, OUT_OF_RANGE)


@pytest.mark.parametrize(
    "body",
    [
        {"query": "RETURN 1", "batchSize": 1e300},
        {"query": "RETURN 1", "ttl": 1e300},
        {"query": "RETURN 1", "ttl": -1e300},
        {"query": "RETURN 1", "memoryLimit": -1e300},
        {"query": "RETURN 1", "memoryLimit": 2**64 - 1},
        {"query": "RETURN 1", "options": {"maxRuntime": 1e300, "maxWarningCount": 2**64 - 1}},
        {"query": "RETURN 1", "options": {"maxNumberOfPlans": -(2**63), "fullCount": 1e300}},
        {"query": "FOR i IN 1..3 LIMIT @o, @c RETURN i", "bindVars": {"o": 2**63 - 1, "c": 1e300}},
        {"query": "RETURN REPLACE_NTH([1], @p, 0, 0)", "bindVars": {"p": 2**63 - 1}},
        {"query": "RETURN [RANGE(0, @n), REPEAT('x', @n)]", "bindVars": {"n": 1e300}},
    ],
)
def test_huge_finite_options_and_values_never_fail_internally(
    client: Client, body: dict[str, Any]
) -> None:
    status, answer = client.call("POST", "/_api/cursor", body)
    assert status != 500 or answer["errorNum"] == 32, answer  # 32: a resource limit
    assert answer.get("errorNum") != 4


def test_import_refuses_numbers_out_of_range(client: Client) -> None:
    status, body = client.call("POST", "/_api/import?collection=hv&type=list", '[{"n": 1e400}]')
    assert (status, body["errorNum"]) == (400, 400)
    assert body["errorMessage"].endswith("Number out of range")
    status, body = client.call(
        "POST", "/_api/import?collection=hv&type=documents", '{"n": 1e400}\n{"_key": "ok1"}\n'
    )
    assert status == 201 and (body["created"], body["errors"]) == (1, 1)


def test_aql_number_literals_past_a_double_are_null(client: Client) -> None:
    status, body = client.query(f"RETURN [1e400, {'9' * 400}, {'9' * 5000}, 99999999999999999999]")
    assert status == 201
    assert body["result"] == [[None, None, None, 1e20]]
    warning = {"code": 1504, "message": "number out of range"}  # one per literal, as ArangoDB
    assert body["extra"]["warnings"] == [warning] * 3
    assert client.query("RETURN 1e308")[1]["extra"]["warnings"] == []


# ---------------------------------------------------------------------- nesting
def _sum(terms: int) -> str:
    return "RETURN 0" + " + 1" * terms


@pytest.mark.parametrize(
    "query",
    [
        "RETURN " + "[" * 3000 + "]" * 3000,
        "RETURN " + "(" * 3000 + "1" + ")" * 3000,
        _sum(5000),
        "RETURN " + "-" * 5000 + "1",
        "RETURN " + "NOT " * 3000 + "true",
        "RETURN " + "{a: " * 3000 + "1" + "}" * 3000,
        "RETURN " + "LENGTH(" * 3000 + "1" + ")" * 3000,
        "LET a = {} RETURN a" + ".b" * 3000,
        "RETURN " + "1 ? " * 3000 + "1" + " : 2" * 3000,
        _sum(MAX_EXPRESSION_NESTING),
    ],
    ids=["arrays", "parens", "sum", "minus", "not", "objects", "calls", "attrs", "ternary", "1000"],
)
def test_nesting_past_the_limit_is_1524(client: Client, query: str) -> None:
    status, body = client.query(query)
    assert (status, body["errorNum"]) == (400, 1524)
    assert NESTING in body["errorMessage"]
    status, body = client.call("POST", "/_api/explain", {"query": query})
    assert (status, body["errorNum"]) == (400, 1524)
    status, body = client.call("POST", "/_api/query", {"query": query})
    assert (status, body["errorNum"]) == (400, 1524)


@pytest.mark.parametrize("terms", [998, MAX_EXPRESSION_NESTING - 1])
def test_nesting_within_the_limit_runs(client: Client, terms: int) -> None:
    """ArangoDB's own limit test: a sum of 998 terms runs, one of 1,000 does not."""
    status, body = client.query(_sum(terms))
    assert (status, body["result"]) == (201, [terms])
    depth = 900
    status, body = client.query("RETURN " + "[" * depth + "1" + "]" * depth)
    assert status == 201
    value = body["result"][0]
    for _ in range(depth):
        value = value[0]
    assert value == 1


def test_values_nested_past_any_limit_at_run_time_are_1524(client: Client) -> None:
    """Variables can wrap each other past any literal limit: still 1524, not a crash."""
    lets = "LET v0 = 1 " + " ".join(
        f"LET v{i + 1} = " + "[" * 900 + f"v{i}" + "]" * 900 for i in range(16)
    )
    for tail in ("RETURN v16", "RETURN HASH(v16)"):
        status, body = client.query(f"{lets} {tail}")
        assert (status, body["errorNum"]) == (400, 1524), tail


def test_deep_documents_store_and_read_back(client: Client) -> None:
    query = "INSERT {_key: 'deep', a: " + "[" * 900 + "1" + "]" * 900 + "} INTO hv"
    assert client.query(query)[0] == 201
    status, doc = client.call("GET", "/_api/document/hv/deep")
    assert status == 200 and json.dumps(doc).count("[") == 900
    assert client.call("DELETE", "/_api/document/hv/deep")[0] in (200, 202)


def test_body_nesting_limit_is_a_parse_error(client: Client) -> None:
    status, body = client.call("POST", "/_api/document/hv", "[" * 100_000 + "]" * 100_000)
    assert (status, body["errorNum"]) == (400, 600)


# ------------------------------------------------------------------- error paths
WALK: list[tuple[str, str, bytes | str]] = [
    ("POST", "/_api/document/hv", '{"n": 1e400}'),
    ("POST", "/_api/document/hv", '[{"n": 1}, {"n": -1e999}]'),
    ("PUT", "/_api/document/hv/k", '{"n": ' + "1" * 1000 + "}"),
    ("PATCH", "/_api/document/hv", '[{"_key": "k", "n": 2e308}]'),
    ("POST", "/_api/cursor", '{"query": "RETURN 1", "batchSize": 1e400}'),
    ("POST", "/_api/cursor", '{"query": "RETURN 1", "batchSize": -1e308}'),
    ("POST", "/_api/cursor", '{"query": "RETURN 1", "ttl": 1e308, "batchSize": 1e308}'),
    ("POST", "/_api/cursor", json.dumps({"query": _sum(5000)})),
    ("POST", "/_api/cursor", json.dumps({"query": "RETURN " + "[" * 3000 + "]" * 3000})),
    ("POST", "/_api/cursor", json.dumps({"query": "RETURN " + "(" * 3000 + "1" + ")" * 3000})),
    ("POST", "/_api/cursor", json.dumps({"query": "RETURN " + "9" * 5000})),
    ("POST", "/_api/cursor", json.dumps({"query": "RETURN 1", "bindVars": {"x": 2**64}})),
    ("POST", "/_api/explain", json.dumps({"query": _sum(5000)})),
    ("POST", "/_api/query", json.dumps({"query": "RETURN " + "{a:" * 3000 + "1" + "}" * 3000})),
    ("POST", "/_api/collection", '{"name": "x", "replicationFactor": 1e400}'),
    ("POST", "/_api/collection", '{"name": "hv2", "numberOfShards": 1e308}'),
    ("PUT", "/_api/collection/hv/properties", '{"waitForSync": 1e308, "schema": 2e308}'),
    ("POST", "/_api/index?collection=hv", '{"type": "ttl", "fields": ["t"], "expireAfter": 1e400}'),
    ("POST", "/_api/index?collection=hv", '{"type": "ttl", "fields": ["t"], "expireAfter": 1e308}'),
    ("POST", "/_api/transaction/begin", '{"collections": {}, "lockTimeout": 1e308}'),
    ("POST", "/_api/import?collection=hv&type=list", "[" * 5000 + "]" * 5000),
    ("POST", "/_api/batch", "--x\r\n\r\nPOST /_api/document/hv HTTP/1.1\r\n\r\n{}\r\n--x--"),
    ("PUT", "/_api/simple/all", '{"collection": "hv", "batchSize": 1e308, "limit": 1e308}'),
]


def test_error_paths_never_leak_python_errors(served: tuple[Emulator, Client]) -> None:
    emulator, client = served
    for method, path, body in WALK:
        status, answer = client.call(method, path, body)
        assert status != 500 or answer.get("errorNum") != 4, (method, path, answer)
        if isinstance(answer, dict) and answer.get("error"):
            assert "Error(" not in answer["errorMessage"], answer
    assert emulator.internal_errors == []


def test_an_internal_failure_answers_bare_500_and_logs_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    emulator = Emulator()

    def broken(_emulator: Emulator, _request: BackendRequest) -> None:
        raise ZeroDivisionError("a bug")

    emulator.before.append(broken)
    caplog.set_level(logging.DEBUG, logger="pytest_arangomock")
    response = emulator.handle_sync(BackendRequest("GET", "/_api/version", {}, {}, b""))
    assert response.status == 500
    assert json.loads(response.body) == {
        "code": 500,
        "error": True,
        "errorMessage": "internal error",
        "errorNum": 4,
    }
    assert emulator.internal_errors == ["GET /_api/version: ZeroDivisionError('a bug')"]
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert loud and all(r.exc_info is None for r in loud)
    assert any(r.exc_info for r in caplog.records if r.levelno == logging.DEBUG)


async def test_non_ascii_digits_are_not_numbers(arango_db) -> None:
    """Cursor ids, token ids and TO_NUMBER read ASCII digits only (Python's int() and float()
    would also read superscripts, other scripts' digits and underscores)."""
    cursor = await arango_db.aql.execute(
        'RETURN [TO_NUMBER("\u0663"), TO_NUMBER("1_000"), TO_NUMBER("12"), "\u00b9" + 0]'
    )
    assert [x async for x in cursor] == [[0, 0, 12, 0]]


@pytest.mark.parametrize("ident", ["%C2%B9", "%D9%A3", "1_0"])
def test_cursor_ids_with_non_ascii_digits_are_unknown_cursors(client: Client, ident: str) -> None:
    status, body = client.call("POST", f"/_api/cursor/{ident}")
    assert (status, body["errorNum"]) == (404, 1600)
