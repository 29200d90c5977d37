"""Deterministic fault injection: the next N matching requests fail the way a test asks.

A rule matches by method, a path pattern (a regular expression searched in the path),
a collection (named in the path or in a query's text) and query text (a substring of
an AQL query in the body); each rule fires for its next ``times`` matching requests,
then it is spent. What a rule does:

* ``conflict``: 409 with 1200 "write-write conflict", as a concurrent writer causes;
* ``error``: any ArangoDB error number with its status (message from the catalogue);
* ``delay``: wait ``seconds``, then answer normally;
* ``drop``: the connection drops without an answer (the driver's connection error);
* ``unavailable``: 503 with errorNum 503, as one coordinator of a cluster answers.

From Python: ``emulator.faults.add(kind="conflict", path="/_api/cursor", times=2)``; over
HTTP (serve mode): ``POST /_arangomock/faults`` with the same fields, ``GET`` lists the
rules, ``DELETE`` clears them (superusers only). Every request a fault hit is kept in the
emulator's request log with an ``x-arangomock-fault`` header naming the fault.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from ..backend import BackendRequest, BackendResponse, HostDownError
from ..base.errors import ArangoError, error_body, message_for

__all__ = ["FAULT_HEADER", "KINDS", "Fault", "FaultRules"]

KINDS = ("conflict", "error", "delay", "drop", "unavailable")
FAULT_HEADER = "x-arangomock-fault"
_COLLECTION_IN_PATH = re.compile(r"/_api/(?:document|collection|edge|index|import)/([^/?]+)")


@dataclass
class Fault:
    """One rule: what to match, what to do, how many more times."""

    kind: str
    times: int = 1
    method: str | None = None
    path: str | None = None
    collection: str | None = None
    query: str | None = None
    host: str | None = None
    error_num: int = 1200
    status: int = 409
    message: str | None = None
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (one of {', '.join(KINDS)})")
        if self.path is not None:
            re.compile(self.path)

    def matches(self, request: BackendRequest) -> bool:
        if self.method is not None and request.method != self.method.upper():
            return False
        if self.path is not None and re.search(self.path, request.path) is None:
            return False
        if self.host is not None and self.host not in request.host:
            return False
        if self.collection is None and self.query is None:
            return True
        text = _query_text(request)
        if self.query is not None and (text is None or self.query not in text):
            return False
        if self.collection is not None:
            named = _COLLECTION_IN_PATH.search(request.path)
            in_path = named is not None and named.group(1) == self.collection
            in_query = text is not None and re.search(rf"\b{re.escape(self.collection)}\b", text)
            return bool(in_path or in_query)
        return True

    def describe(self) -> dict[str, Any]:
        """The rule as ``GET /_arangomock/faults`` lists it."""
        out: dict[str, Any] = {"kind": self.kind, "times": self.times}
        for name in ("method", "path", "collection", "query", "host"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.kind == "error":
            out.update(errorNum=self.error_num, status=self.status)
        if self.kind == "delay":
            out["seconds"] = self.seconds
        return out


def _query_text(request: BackendRequest) -> str | None:
    if not request.body or b"query" not in request.body:
        return None
    try:
        body = json.loads(request.body)
    except ValueError:
        return None
    query = body.get("query") if isinstance(body, dict) else None
    return query if isinstance(query, str) else None


class FaultRules:
    """The emulator's fault rules, consulted before each request (a no-op when empty)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rules: list[Fault] = []

    def add(self, kind: str, **spec: Any) -> Fault:
        """Add a rule (see the module docstring for the fields); returns it."""
        fault = Fault(kind, **spec)
        with self._lock:
            self.rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def take(self, request: BackendRequest) -> Fault | None:
        """The first live rule matching ``request``, counted down (spent rules go)."""
        if not self.rules:
            return None
        with self._lock:
            for fault in self.rules:
                if fault.matches(request):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.rules.remove(fault)
                    return fault
        return None

    @staticmethod
    def apply(fault: Fault) -> BackendResponse | None:
        """What the fault does: an answer, a wait (None: go on), or a dropped connection."""
        if fault.kind == "delay":
            time.sleep(max(fault.seconds, 0.0))
            return None
        if fault.kind == "drop":
            raise HostDownError("connection dropped (arangomock fault)")
        if fault.kind == "unavailable":
            num, status, message = 503, 503, message_for(503)
        elif fault.kind == "conflict":
            num, status, message = 1200, 409, "write-write conflict"
        else:
            num, status = fault.error_num, fault.status
            message = fault.message or message_for(num)
        body = json.dumps(error_body(status, num, message), separators=(",", ":"))
        return BackendResponse(
            status, {"content-type": "application/json; charset=utf-8"}, body.encode()
        )


def parse_fault(body: Any) -> dict[str, Any]:
    """The fields of ``POST /_arangomock/faults`` as :meth:`FaultRules.add` takes them
    (400/10 for anything else)."""
    if not isinstance(body, dict) or not isinstance(body.get("kind"), str):
        raise ArangoError(10, "expecting object with attribute 'kind'", 400)
    names = {
        "times": "times",
        "method": "method",
        "path": "path",
        "collection": "collection",
        "query": "query",
        "host": "host",
        "errorNum": "error_num",
        "status": "status",
        "errorMessage": "message",
        "seconds": "seconds",
    }
    spec: dict[str, Any] = {"kind": body["kind"]}
    for key, value in body.items():
        if key == "kind":
            continue
        if key not in names:
            raise ArangoError(10, f"unknown fault attribute '{key}'", 400)
        spec[names[key]] = value
    return spec
