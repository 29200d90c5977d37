"""A repeated query (its compiled form reused) joins the list of running queries at its
first interruption point: from there on it is listed, killed and logged exactly as a
query compiled anew, and one that ends before is logged as slow all the same."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Any

from pytest_arangomock import Emulator

POLL = 0.005
POLLS = 2000  # bounded waits: a failure ends the test, never hangs it


def _run_in_thread(raw: Any, body: dict[str, Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """POST /_api/cursor on a thread of its own; its answer lands in the returned dict."""
    answer: dict[str, Any] = {}

    def post() -> None:
        answer["status"], answer["body"], _ = raw("POST", "/_api/cursor", body)

    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    return thread, answer


def _listed(raw: Any, text: str) -> dict[str, Any]:
    """The running query with this text, once ``/_api/query/current`` lists it."""
    for _ in range(POLLS):
        status, body, _ = raw("GET", "/_api/query/current")
        assert status == 200
        for entry in body:
            if entry["query"] == text:
                return dict(entry)
        time.sleep(POLL)
    raise AssertionError(f"{text!r} was never listed")


def _started(entry: dict[str, Any]) -> float:
    stamp = datetime.strptime(entry["started"], "%Y-%m-%dT%H:%M:%SZ")
    return stamp.replace(tzinfo=timezone.utc).timestamp()


def _kill_and_join(raw: Any, entry: dict[str, Any], thread: threading.Thread) -> None:
    status, body, _ = raw("DELETE", f"/_api/query/{entry['id']}")
    assert (status, body) == (200, {"error": False, "code": 200})
    thread.join(30)
    assert not thread.is_alive()


def test_a_repeated_loop_is_listed_and_killed_once_others_wait(
    raw: Any, arango_emulator: Emulator, compiles: list[str]
) -> None:
    text = "FOR i IN 1..@n FILTER i % 7 == 0 COLLECT WITH COUNT INTO c RETURN c"
    status, body, _ = raw("POST", "/_api/cursor", {"query": text, "bindVars": {"n": 14}})
    assert (status, body["result"]) == (201, [2])
    before = time.time()
    thread, answer = _run_in_thread(raw, {"query": text, "bindVars": {"n": 10**7}})
    entry = _listed(raw, text)
    assert compiles == [text]  # the second run is the first's compiled form
    assert entry["state"] == "executing" and entry["bindVars"] == {"n": 10**7}
    assert entry["user"] == "root" and entry["database"] == "_system"
    assert int(before) <= _started(entry) <= time.time()
    again = _listed(raw, text)  # listed again: the same query, the same start
    assert (again["id"], again["started"]) == (entry["id"], entry["started"])
    assert again["runTime"] >= entry["runTime"]
    _kill_and_join(raw, entry, thread)
    assert answer["status"] == 410 and answer["body"]["errorNum"] == 1500
    assert raw("GET", "/_api/query/current")[1] == []
    status, body, _ = raw("DELETE", f"/_api/query/{entry['id']}")
    assert (status, body["errorNum"]) == (404, 1591)


def test_a_repeated_sleep_is_listed_while_it_waits(
    raw: Any, arango_emulator: Emulator, compiles: list[str]
) -> None:
    text = "RETURN SLEEP(@s)"
    raw("PUT", "/_api/query/properties", {"slowQueryThreshold": 0, "maxSlowQueries": 5})
    assert raw("POST", "/_api/cursor", {"query": text, "bindVars": {"s": 0}})[0] == 201
    thread, answer = _run_in_thread(raw, {"query": text, "bindVars": {"s": 30}})
    entry = _listed(raw, text)
    assert compiles == [text]
    assert entry["state"] == "executing"
    _kill_and_join(raw, entry, thread)
    assert answer["status"] == 410
    slow = raw("GET", "/_api/query/slow")[1]
    assert [(q["state"], q["exitCode"]) for q in slow] == [("finished", 0), ("killed", 1500)]
    assert slow[1]["id"] == entry["id"]


def test_a_repeated_quick_query_is_logged_but_never_left_listed(
    raw: Any, arango_emulator: Emulator, compiles: list[str]
) -> None:
    arango_emulator.server.database("_system").create_collection("c")
    text = "FOR d IN c FILTER d._key == @k RETURN d"
    raw("PUT", "/_api/query/properties", {"slowQueryThreshold": 0, "maxSlowQueries": 5})
    before = time.time()
    for key in ("a", "b", "c"):
        assert raw("POST", "/_api/cursor", {"query": text, "bindVars": {"k": key}})[0] == 201
    assert compiles == [text]
    assert raw("GET", "/_api/query/current")[1] == []
    slow = raw("GET", "/_api/query/slow")[1]
    assert [q["bindVars"] for q in slow] == [{"k": "a"}, {"k": "b"}, {"k": "c"}]
    assert [(q["state"], q["exitCode"]) for q in slow] == [("finished", 0)] * 3
    assert all(int(before) <= _started(q) <= time.time() for q in slow)
    assert len({q["id"] for q in slow}) == 3
    # tracking off: nothing listed or logged, repeated or not
    raw("PUT", "/_api/query/properties", {"enabled": False})
    assert raw("POST", "/_api/cursor", {"query": text, "bindVars": {"k": "a"}})[0] == 201
    assert len(raw("GET", "/_api/query/slow")[1]) == 3
