"""Response bodies as the HTTP API writes them: compact UTF-8 JSON with members in order.

Responses are written by orjson, and by the standard library for what orjson refuses
(nesting past 255 levels, strings with lone surrogates). Documents stored and read back
over the raw HTTP API must come back as the same JSON, byte for byte the compact standard
encoding when they hold no floating-point numbers (whose exponent notation is the one
place the two writers differ).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_arangomock import BackendRequest, Emulator

AUTH = {"authorization": "Basic " + base64.b64encode(b"root:").decode()}


def _call(emulator: Emulator, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
    data = b"" if body is None else json.dumps(body).encode()
    resp = emulator.handle_sync(BackendRequest(method, path, {}, dict(AUTH), data))
    assert resp.headers["content-type"].startswith("application/json")
    return resp.status, resp.body


def _compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.fixture(scope="module")
def served() -> Emulator:
    """One emulator with collection ``c`` for the module (built when a test asks for it)."""
    emulator = Emulator()
    assert _call(emulator, "POST", "/_api/collection", {"name": "c"})[0] == 200
    return emulator


_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _text
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)
_fields = st.dictionaries(_text.filter(lambda k: k and not k.startswith("_")), _values, max_size=5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=_fields)
def test_documents_come_back_as_compact_standard_json(
    served: Emulator, fields: dict[str, Any]
) -> None:
    status, body = _call(served, "POST", "/_api/document/c", fields)
    assert status == 202, body
    key = json.loads(body)["_key"]
    status, body = _call(served, "GET", f"/_api/document/c/{key}")
    assert status == 200
    doc = json.loads(body)
    assert {k: v for k, v in doc.items() if not k.startswith("_")} == fields
    assert body == _compact(doc)


def test_floats_read_back_as_the_same_numbers(served: Emulator) -> None:
    numbers = [0.1, 1.5, -2.25, 3.1e-05, 1e-07, 1.7976931348623157e308, 5e-324, 123.456]
    status, body = _call(served, "POST", "/_api/document/c", {"_key": "f", "n": numbers})
    assert status == 202, body
    status, body = _call(served, "GET", "/_api/document/c/f")
    assert json.loads(body)["n"] == numbers


def test_nesting_past_orjsons_limit_is_written_all_the_same(served: Emulator) -> None:
    """A query may build values nested deeper than a request body may be (200 levels)."""
    query = "RETURN " + "{d: " * 300 + '"end"' + "}" * 300
    status, body = _call(served, "POST", "/_api/cursor", {"query": query})
    assert status == 201, body[:300]
    deep: Any = "end"
    for _ in range(300):
        deep = {"d": deep}
    answer = json.loads(body)
    assert answer["result"] == [deep]
    assert body == _compact(answer)


def test_lone_surrogates_answer_as_before(served: Emulator) -> None:
    """A string with a lone surrogate (valid JSON text, not valid UTF-8) never becomes a
    Python error in the answer."""
    raw = b'{"_key": "s", "v": "a\\ud800b"}'
    resp = served.handle_sync(BackendRequest("POST", "/_api/document/c", {}, dict(AUTH), raw))
    assert resp.headers["content-type"].startswith("application/json")
    assert b"internal error" not in resp.body
    if resp.status == 202:
        status, body = _call(served, "GET", "/_api/document/c/s")
        assert status == 200
        assert b"internal error" not in body
