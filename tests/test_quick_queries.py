"""Queries whose last run was quick are answered on the caller's event loop; anything that
may wait (SLEEP, writes, user functions, streaming cursors, a slow run) goes to a worker."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from arangoasync import ArangoClient
from arangoasync.auth import Auth

from pytest_arangomock import BackendRequest, BackendResponse, Emulator
from pytest_arangomock.emulator import context, quick
from pytest_arangomock.transports.arangoasync import InProcessHTTPClient


class _Watched(Emulator):
    """Remembers on which thread each cursor request was answered."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[int] = []

    def dispatch(self, request: BackendRequest) -> BackendResponse:
        if request.path.endswith("/_api/cursor"):
            self.threads.append(threading.get_ident())
        return super().dispatch(request)


@pytest_asyncio.fixture
async def watched(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[_Watched, Any]]:
    monkeypatch.setattr(quick, "QUICK_SECONDS", 60.0)  # any run counts as quick here
    emulator = _Watched()
    emulator.server.database("_system").create_collection("c")
    async with ArangoClient(
        hosts="http://arangomock:8529", http_client=InProcessHTTPClient(emulator)
    ) as client:
        yield emulator, await client.db("_system", auth=Auth("root", ""))


async def _run_twice(db: Any, query: str, **kwargs: Any) -> None:
    for _ in range(2):
        cursor = await db.aql.execute(query, **kwargs)
        async for _ in cursor:
            pass


async def test_a_quick_read_runs_inline_from_its_second_run(
    watched: tuple[_Watched, Any],
) -> None:
    emulator, db = watched
    await _run_twice(db, "FOR d IN c FILTER d._key == @k RETURN d", bind_vars={"k": "1"})
    here = threading.get_ident()
    assert emulator.threads[0] != here  # unknown: a worker answers
    assert emulator.threads[1] == here


@pytest.mark.parametrize(
    ("query", "kwargs"),
    [
        ("RETURN SLEEP(0)", {}),
        ("INSERT {} INTO c", {}),
        ("FOR i IN 1..3 RETURN RAND()", {}),
        ("FOR d IN c RETURN d", {"options": {"stream": True}}),
    ],
    ids=["sleep", "write", "non-deterministic", "stream"],
)
async def test_queries_that_may_wait_stay_on_workers(
    watched: tuple[_Watched, Any], query: str, kwargs: dict[str, Any]
) -> None:
    emulator, db = watched
    await _run_twice(db, query, **kwargs)
    assert threading.get_ident() not in emulator.threads


async def test_a_slow_run_sends_the_query_back_to_the_workers(
    watched: tuple[_Watched, Any],
) -> None:
    emulator, db = watched
    query = "FOR d IN c RETURN d"
    await _run_twice(db, query)
    request = BackendRequest("POST", "/_api/cursor", {}, {}, b'{"query": "%s"}' % query.encode())
    assert quick.is_quick(emulator.server, request)
    quick.note(emulator.server, query, False, 61.0)
    assert not quick.is_quick(emulator.server, request)


async def test_a_quick_querys_body_is_parsed_once(
    watched: tuple[_Watched, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator, db = watched
    query = "FOR d IN c FILTER d._key == @k RETURN d"
    await _run_twice(db, query, bind_vars={"k": "1"})
    parsed: list[Any] = []  # every parse of the request body, whoever asks for it

    def counting(real: Any) -> Any:
        def parse(text: Any, *args: Any, **kwargs: Any) -> Any:
            if b"bindVars" in (text if isinstance(text, bytes) else text.encode()):
                parsed.append(text)
            return real(text, *args, **kwargs)

        return parse

    monkeypatch.setattr(context, "parse_json", counting(context.parse_json))
    monkeypatch.setattr(json, "loads", counting(json.loads))
    cursor = await db.aql.execute(query, bind_vars={"k": "1"})
    assert [doc async for doc in cursor] == []
    assert emulator.threads[-1] == threading.get_ident()  # inline: quick.py looked at it
    assert len(parsed) == 1
    assert emulator.requests[-1].parsed is ...  # the kept request holds no parsed copy
