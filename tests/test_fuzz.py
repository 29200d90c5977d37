"""Hostile-input fuzzing: requests generated from ArangoDB's documented operations.

Every documented (method, path) gets its path parameters, query parameters and body drawn
from strategies (body attribute names and query parameter names come from the OpenAPI
description when ``../shared/fidelity/openapi-3.12.json`` is present). The emulator must
never fail internally, never answer a 5xx that ArangoDB does not document for the
operation (501 "not emulated" aside), and its state must stay consistent afterwards: every
collection's count matches its documents, every index holds exactly what a rebuild from the
documents would hold, and every document has a valid ``_id``/``_key``/``_rev``.

A short sample runs in CI; ``benchmarks/fuzz_long.py`` drives the same engine for 10,000+
requests by hand.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_arangomock import BackendRequest, Emulator
from pytest_arangomock.emulator.documented import DOCUMENTED
from pytest_arangomock.state.clock import decode_rev

OPENAPI = Path(__file__).resolve().parents[2] / "shared" / "fidelity" / "openapi-3.12.json"
DB = "fuzzdb"
AUTH = {"authorization": "Basic " + base64.b64encode(b"root:").decode()}
NAMES = ["fz", "fe", "nope", "_system", DB, "_users", "fz/k1", "k1", "k2", "g1", "1", "", ".."]
WEIRD = ["%00", "%ff", "a%2Fb", "\u00e9\u00e8", "x" * 300, "-1", "999999999999999999999"]


# --------------------------------------------------------------- the operations
def _load_openapi() -> dict[str, Any]:
    if not OPENAPI.exists():
        return {}
    return dict(json.loads(OPENAPI.read_text()).get("paths", {}))


def _operations() -> list[dict[str, Any]]:
    """Documented operations with their query parameter names, body keys and 5xx codes."""
    spec = _load_openapi()
    ops = []
    for method, path, _tag, _op in DOCUMENTED:
        doc = spec.get(path, {}).get(method.lower(), {})
        query = [p["name"] for p in doc.get("parameters", []) if p.get("in") == "query"]
        schema = (
            doc.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        ) or {}
        keys = sorted((schema.get("properties") or {}).keys())
        server_errors = {int(c) for c in doc.get("responses", {}) if c.isdigit() and c[0] == "5"}
        plain = path.split("#", 1)[0]
        if plain.startswith("/_db/{database-name}"):
            plain = plain[len("/_db/{database-name}") :] or "/"
        ops.append(
            {"method": method, "path": plain, "query": query, "keys": keys, "5xx": server_errors}
        )
    return ops


OPERATIONS = _operations()


# --------------------------------------------------------------- the strategies
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(NAMES + WEIRD)
)
JSON_VALUES = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def bodies(draw: Any, keys: list[str]) -> bytes:
    """A body: usually an object built from the documented keys, sometimes anything at all."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return b""
    if kind == 1:
        junk: bytes = draw(st.binary(max_size=40))
        return junk
    if kind == 2:
        return json.dumps(draw(JSON_VALUES)).encode()
    if kind == 3:
        depth: int = draw(st.integers(150, 1200))
        return b"[" * depth + b"]" * depth
    names = [*keys, "_key", "name", "type", "query", "collections", "fields"]
    chosen = draw(st.lists(st.sampled_from(names), max_size=6, unique=True))
    obj = {name: draw(JSON_VALUES) for name in chosen}
    if draw(st.booleans()) and "name" in names:
        obj["name"] = draw(st.sampled_from([*NAMES, "fz2", "ns::fn", "g2"]))
    return json.dumps(obj).encode()


# numbers at and past every limit velocypack and AQL have: int64, uint64, the double
# range (largest, overflow, smallest, underflow) and digit counts around a double's 309
LIMIT_NUMBERS = [
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "1.7976931348623157e308",
    "1.7976931348623159e308",
    "1e400",
    "-1e400",
    "4.9e-324",
    "1e-400",
    "9" * 308,
    "9" * 309,
    "9" * 310,
    "9" * 5000,
]
# AQL expression nesting around ArangoDB's limit (1,000) and far past it
AQL_DEPTHS = [998, 999, 1000, 1001, 3000]
AQL_NESTERS = [
    lambda n: "RETURN " + "[" * n + "]" * n,
    lambda n: "RETURN " + "(" * n + "1" + ")" * n,
    lambda n: "RETURN 0" + " + 1" * n,
    lambda n: "RETURN " + "-" * n + "1",
]
# request body nesting around the body limit (200) and far past it
BODY_DEPTHS = [199, 200, 201, 5000]


@st.composite
def hostile_bodies(draw: Any, keys: list[str], aql: bool = False) -> bytes:
    """A body with a number at or past a limit, or nesting at or past one (``aql``: one
    that reaches the AQL engine)."""
    kind = draw(st.integers(1 if aql else 0, 3))
    number = draw(st.sampled_from(LIMIT_NUMBERS))
    if kind == 0:  # the number as a value of a documented key (or a document attribute)
        name = draw(st.sampled_from([*keys, "_key", "n", "batchSize", "ttl", "memoryLimit"]))
        return f'{{"{name}": {number}, "name": "fz"}}'.encode()
    if kind == 1:  # the number reaches AQL as a bind parameter and as a literal
        query = f"RETURN [@x, {number[:400]}]"
        return f'{{"query": "{query}", "bindVars": {{"x": {number}}}}}'.encode()
    if kind == 2:
        nest = draw(st.sampled_from(AQL_NESTERS))
        return json.dumps({"query": nest(draw(st.sampled_from(AQL_DEPTHS)))}).encode()
    depth = draw(st.sampled_from(BODY_DEPTHS))
    inner = "[" * depth + number + "]" * depth
    return f'{{"query": "RETURN @x", "bindVars": {{"x": {inner}}}, "a": {inner}}}'.encode()


_AQL_OPS = [o for o in OPERATIONS if o["path"] in ("/_api/cursor", "/_api/explain", "/_api/query")]


@st.composite
def hostile_requests(draw: Any) -> BackendRequest:
    """A documented operation with a hostile body; AQL endpoints are drawn half the time."""
    aql = draw(st.booleans()) and _AQL_OPS
    op = draw(st.sampled_from(_AQL_OPS if aql else OPERATIONS))
    segments = []
    for seg in op["path"].split("/"):
        if seg.startswith("{"):
            likely = _LIKELY.get(next((k for k in _LIKELY if k in seg.lower()), ""), ["fz"])
            seg = _segment(draw(st.sampled_from(likely)))
        segments.append(seg)
    body = draw(hostile_bodies(op["keys"], bool(aql)))
    return BackendRequest(op["method"], f"/_db/{DB}{'/'.join(segments)}", {}, dict(AUTH), body)


# path parameters mostly name things that exist in the seeded data set
_LIKELY = {
    "collection": ["fz", "fe"],
    "key": ["k0", "k1", "e1"],
    "document": ["fz/k1", "fe/e1", "k2"],
    "graph": ["g1"],
    "database": [DB],
    "user": ["root"],
    "name": ["fz", "ns::fn"],
    "id": ["1", "fz"],
}


def _segment(value: str) -> str:
    return value if value.startswith("%") else quote(value, safe="")


@st.composite
def requests(draw: Any) -> BackendRequest:
    """One request for a documented operation (occasionally with a wrong method)."""
    op = draw(st.sampled_from(OPERATIONS))
    segments = []
    for seg in op["path"].split("/"):
        if seg.startswith("{"):
            likely = _LIKELY.get(next((k for k in _LIKELY if k in seg.lower()), ""), ["fz"])
            anything = st.sampled_from(NAMES + WEIRD) | st.text(min_size=1, max_size=8)
            pick = st.sampled_from(likely) if draw(st.integers(0, 3)) else anything
            seg = _segment(draw(pick))
        segments.append(seg)
    path = "/".join(segments)
    if draw(st.integers(0, 9)) < 8:
        path = f"/_db/{DB}{path}"
    query = {}
    for name in draw(st.lists(st.sampled_from(op["query"]), max_size=3)) if op["query"] else []:
        query[name] = draw(st.sampled_from(["true", "false", "1", "0", "-5", "abc", "fz", ""]))
    method = op["method"]
    if draw(st.integers(0, 19)) == 0:
        method = draw(st.sampled_from(["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"]))
    headers = dict(AUTH)
    if draw(st.integers(0, 9)) == 0:
        headers[draw(st.sampled_from(["if-match", "x-arango-trx-id", "content-type"]))] = draw(
            st.sampled_from(["abc", '"_x"', "1", "multipart/form-data; boundary=zzz"])
        )
    return BackendRequest(method, path, query, headers, draw(bodies(op["keys"])))


# -------------------------------------------------------------------- the engine
def seeded() -> Emulator:
    """An emulator with a small data set the generated requests can hit."""
    emulator = Emulator(seed=7)
    db = emulator.server.create_database(DB)
    for sql in (
        ("POST", "/_api/collection", {"name": "fz"}),
        ("POST", "/_api/collection", {"name": "fe", "type": 3}),
        (
            "POST",
            "/_api/index?collection=fz",
            {"type": "persistent", "fields": ["u"], "unique": True},
        ),
        ("POST", "/_api/index?collection=fz", {"type": "persistent", "fields": ["a[*]"]}),
        (
            "POST",
            "/_api/document/fz",
            [{"_key": f"k{i}", "u": i, "a": [i, i + 1]} for i in range(4)],
        ),
        ("POST", "/_api/document/fe", {"_key": "e1", "_from": "fz/k1", "_to": "fz/k2"}),
    ):
        method, url, body = sql
        request = BackendRequest.from_url(method, f"/_db/{DB}{url}", AUTH, json.dumps(body))
        assert emulator.handle_sync(request).status < 300, url
    assert len(db.collections["fz"].docs) == 4
    return emulator


def allowed(op_path: str, method: str, status: int, body: bytes) -> bool:
    """Is this status acceptable for the request (no undocumented 5xx)?"""
    if status < 500:
        return True
    if status == 501:
        return True  # not emulated, or needs JavaScript: the emulator's documented contract
    for op in OPERATIONS:
        if op["method"] == method and _matches(op["path"], op_path):
            return status in op["5xx"]
    return False


def _matches(pattern: str, path: str) -> bool:
    want = [s for s in pattern.split("/") if s]
    got = [s for s in path.split("/") if s]
    return len(want) == len(got) and all(
        w.startswith("{") or w == g for w, g in zip(want, got, strict=True)
    )


def run(emulator: Emulator, batch: list[BackendRequest]) -> None:
    """Send every request; fail on internal errors and on undocumented 5xx answers."""
    for request in batch:
        response = emulator.handle_sync(request)
        path = request.path.split("/", 3)[-1] if request.path.startswith("/_db/") else request.path
        path = "/" + path.lstrip("/")
        assert not emulator.internal_errors, (request, emulator.internal_errors)
        assert allowed(path, request.method, response.status, response.body), (
            request,
            response.status,
            response.body[:300],
        )
    check_consistency(emulator)


def _collections(emulator: Emulator) -> Iterator[tuple[Any, Any]]:
    for db in emulator.server.databases.values():
        for col in db.collections.values():
            yield db, col


def check_consistency(emulator: Emulator) -> None:
    """Counts, documents and every index must agree with the stored documents."""
    for db, col in _collections(emulator):
        request = BackendRequest.from_url(
            "GET", f"/_db/{quote(db.name)}/_api/collection/{quote(col.name)}/count", AUTH
        )
        response = emulator.handle_sync(request)
        if response.status == 200:  # _users cannot be read through the API, even by root
            assert json.loads(response.body)["count"] == len(col.docs), (db.name, col.name)
        for key, doc in col.docs.items():
            assert doc["_key"] == key and doc["_id"] == f"{col.name}/{key}", doc
            assert decode_rev(doc["_rev"]) is not None, doc
            if col.is_edge:
                assert isinstance(doc.get("_from"), str) and isinstance(doc.get("_to"), str), doc
        for index in col.indexes[1:]:
            rebuilt = copy.deepcopy(index, {id(col): col})
            rebuilt.clear()
            rebuilt.build(list(col.docs.values()))
            assert _state(rebuilt) == _state(index), (col.name, index.name)


def _state(index: Any) -> dict[str, Any]:
    """An index's contents (its structures), without counters that only track activity.

    A persistent index's entries carry the write number of their document (equal values
    keep write order); a rebuild numbers the documents afresh, so the entries compare
    without it, once each is checked against its document's number."""
    skip = {"collection", "operations", "_writes"}
    state = {k: v for k, v in vars(index).items() if k not in skip}
    if "_written" in state:
        written = state.pop("_written")
        assert all(written[key] == number for _v, number, key in state["_sorted"])
        assert set(written) == {key for _v, _n, key in state["_sorted"]}
        state["_sorted"] = sorted((values, key) for values, _n, key in state["_sorted"])
    return state


# --------------------------------------------------------------------- the tests
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(requests(), min_size=1, max_size=12))
def test_generated_requests_keep_the_emulator_sound(batch: list[BackendRequest]) -> None:
    run(seeded(), batch)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(hostile_requests(), min_size=1, max_size=3))
def test_numbers_and_nesting_at_every_limit_keep_the_emulator_sound(
    batch: list[BackendRequest],
) -> None:
    """Limits answer ArangoDB's errors (600 out of range, 1524 nesting, 600 body nesting),
    never an internal error; every stored document still encodes as JSON."""
    emulator = seeded()
    run(emulator, batch)
    for request in batch:
        response = emulator.handle_sync(request)
        assert response.headers["content-type"].startswith("application/json")
        if response.status >= 400 and response.body:  # ArangoDB's shape, no Python error
            body = json.loads(response.body)
            assert body["error"] is True and body["errorNum"] != 4, (request.path, body)
    for _db, col in _collections(emulator):
        for doc in col.docs.values():
            json.dumps(doc, allow_nan=False)


QUERY_NUMBERS = ["1e400", "-1e400", "nan", "-inf", "9" * 400, "18446744073709551616"]


def test_query_parameters_at_every_number_limit() -> None:
    """Every documented query parameter of every operation, set to numbers a parser
    cannot hold (past a double, NaN, thousands of digits): never an internal error."""
    sent = 0
    for op in OPERATIONS:
        if not op["query"]:
            continue
        emulator = seeded()
        segments = []
        for seg in op["path"].split("/"):
            if seg.startswith("{"):
                likely = _LIKELY.get(next((k for k in _LIKELY if k in seg.lower()), ""), ["fz"])
                seg = _segment(likely[0])
            segments.append(seg)
        path = f"/_db/{DB}{'/'.join(segments)}"
        for value in QUERY_NUMBERS:
            query = dict.fromkeys(op["query"], value)
            request = BackendRequest(op["method"], path, query, dict(AUTH), b'{"name": "fz"}')
            response = emulator.handle_sync(request)
            sent += 1
            assert allowed(op["path"], op["method"], response.status, response.body), request
        assert not emulator.internal_errors, (op["path"], emulator.internal_errors)
    assert sent or not OPENAPI.exists()


def test_seeded_state_is_consistent() -> None:
    emulator = seeded()
    check_consistency(emulator)
    col = emulator.database(DB).collections["fz"]
    index = col.indexes[1]
    before = _state(index)
    col.docs.pop("k1")  # corrupt on purpose: the check must notice
    rebuilt = copy.deepcopy(index, {id(col): col})
    rebuilt.clear()
    rebuilt.build(list(col.docs.values()))
    assert _state(rebuilt) != before


def test_body_size_and_nesting_are_bounded() -> None:
    emulator = seeded()
    deep = b"[" * 300 + b"]" * 300
    request = BackendRequest("POST", f"/_db/{DB}/_api/document/fz", {}, dict(AUTH), deep)
    response = emulator.handle_sync(request)
    assert response.status == 400
    assert json.loads(response.body)["errorMessage"] == "VPackError error: Nesting too deep"
    shallow = json.dumps({"a": [[[[1]]]]}).encode()
    request = BackendRequest("POST", f"/_db/{DB}/_api/document/fz", {}, dict(AUTH), shallow)
    assert emulator.handle_sync(request).status == 202
