"""Raw HTTP against a private emulator, for the hostile-input tests (vector search, analyzers
and views, dump/restore): hypothesis examples need an emulator of their own per example,
which a function-scoped fixture cannot give."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from pytest_arangomock import BackendRequest, Emulator

AUTH = {"authorization": "Basic " + base64.b64encode(b"root:").decode()}


def fast(examples: int) -> settings:
    """Few, reproducible examples: each builds an emulator, and a failure must replay."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def json_values(text: int, keys: int, items: int, leaves: int) -> st.SearchStrategy[Any]:
    """Any JSON value, small: ``text``/``keys`` cap string and key lengths, ``items`` the
    size of arrays and objects, ``leaves`` the scalars in one value."""
    return st.recursive(
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**63), max_value=2**64 - 1)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=text),
        lambda inner: (
            st.lists(inner, max_size=items)
            | st.dictionaries(st.text(max_size=keys), inner, max_size=items)
        ),
        max_leaves=leaves,
    )


class Api:
    """``api("POST", "/_api/document/c", body)`` -> (status, parsed body) in database
    ``db``; every answer is checked for an internal error first."""

    def __init__(self, emulator: Emulator | None = None, db: str = "h") -> None:
        self.emulator = emulator or Emulator(seed=3)
        self.db = db
        if db not in self.emulator.server.databases:
            self.emulator.server.create_database(db)

    def __call__(
        self,
        method: str,
        url: str,
        body: Any = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        request = BackendRequest.from_url(
            method, f"/_db/{self.db}{url}", {**AUTH, **(headers or {})}, data
        )
        response = self.emulator.handle_sync(request)
        assert not self.emulator.internal_errors, (method, url, self.emulator.internal_errors)
        assert response.status < 500 or response.status == 501, (response.status, response.body)
        try:
            return response.status, json.loads(response.body) if response.body else None
        except ValueError:
            return response.status, response.body

    def error(self, status: int, num: int, method: str, url: str, body: Any = None) -> str:
        """Send, assert ArangoDB's error shape with this status and number; the message."""
        got, answer = self(method, url, body)
        assert isinstance(answer, dict), (got, answer)
        assert (got, answer.get("code"), answer.get("errorNum"), answer.get("error")) == (
            status,
            status,
            num,
            True,
        ), answer
        message = answer["errorMessage"]
        assert isinstance(message, str) and "internal error" not in message
        return message

    def ok(self, method: str, url: str, body: Any = None) -> Any:
        """Send, assert a 2xx answer; the parsed body."""
        status, answer = self(method, url, body)
        assert 200 <= status < 300, (status, answer)
        return answer

    def query(self, aql: str, bind: dict[str, Any] | None = None, **options: Any) -> Any:
        """Run an AQL query to completion; its result list."""
        return self.ok("POST", "/_api/cursor", {"query": aql, "bindVars": bind or {}, **options})[
            "result"
        ]

    def keys(self, collection: str) -> list[str]:
        return sorted(self.emulator.server.database(self.db).collections[collection].docs)
