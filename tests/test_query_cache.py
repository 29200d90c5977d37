"""The AQL query results cache: modes, entries, hits, invalidation and limits, through
python-arango-async and raw HTTP; plus the license endpoint's refusal of unverifiable keys."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import ServerLicenseSetError

QUERY = "FOR d IN c SORT d._key RETURN d._key"


def _run(raw: Any, query: str = QUERY, **body: Any) -> dict[str, Any]:
    status, answer, _ = raw("POST", "/_db/testdb/_api/cursor", {"query": query, **body})
    assert status == 201, answer
    return answer


def _entries(raw: Any) -> list[dict[str, Any]]:
    status, answer, _ = raw("GET", "/_db/testdb/_api/query-cache/entries")
    assert status == 200
    return answer


@pytest.fixture
def filled(state: Any) -> Any:
    col = state.create_collection("c")
    for key in ("a", "b"):
        col.store({"_key": key, "_id": f"c/{key}", "_rev": f"_{key}"}, None)
    return col


async def test_driver_demand_mode_stores_and_serves(db: Any, sys_db: Any, filled: Any) -> None:
    assert (await sys_db.aql.cache.configure(mode="demand")).mode == "demand"
    first = await db.aql.execute(QUERY, options={"cache": True})
    assert [k async for k in first] == ["a", "b"]
    assert first.cached is False
    second = await db.aql.execute(QUERY, options={"cache": True})
    assert second.cached is True
    assert [k async for k in second] == ["a", "b"]
    uncached = await db.aql.execute(QUERY)  # demand: only with cache: true
    assert uncached.cached is False
    entries = await db.aql.cache.entries()
    assert len(entries) == 1
    assert entries[0]["query"] == QUERY
    assert entries[0]["hits"] == 1
    assert entries[0]["results"] == 2
    assert entries[0]["dataSources"] == ["c"]
    assert await sys_db.aql.cache.entries() == []  # per database
    await db.aql.cache.clear()
    assert await db.aql.cache.entries() == []


def test_entry_fields_in_order(raw: Any, filled: Any) -> None:
    raw("PUT", "/_api/query-cache/properties", {"mode": "on"})
    query = "FOR d IN @@col FILTER d._key == @k RETURN d._key"
    binds = {"@col": "c", "k": "a"}
    assert _run(raw, query, bindVars=binds)["cached"] is False
    assert _run(raw, query, bindVars=binds)["cached"] is True
    assert _run(raw, query, bindVars={"@col": "c", "k": "b"})["cached"] is False
    entries = _entries(raw)
    assert len(entries) == 2
    entry = entries[0]
    assert list(entry) == [
        "hash",
        "query",
        "bindVars",
        "size",
        "results",
        "hits",
        "runTime",
        "started",
        "dataSources",
    ]
    assert isinstance(entry["hash"], str) and entry["hash"].isdigit()
    assert entry["bindVars"] == binds
    assert (entry["results"], entry["hits"], entry["dataSources"]) == (1, 1, ["c"])
    assert entry["size"] > 0 and entry["started"].endswith("Z")


def test_mode_on_and_cache_false(raw: Any, filled: Any) -> None:
    raw("PUT", "/_api/query-cache/properties", {"mode": "on"})
    _run(raw)
    assert _run(raw)["cached"] is True
    assert _run(raw, options={"cache": False})["cached"] is False
    assert _run(raw, cache=False)["cached"] is False
    batched = _run(raw, batchSize=1)
    assert (batched["cached"], batched["result"], batched["hasMore"]) == (True, ["a"], True)
    status, rest, _ = raw("POST", f"/_db/testdb/_api/cursor/{batched['id']}")
    assert (status, rest["result"], rest["hasMore"]) == (200, ["b"], False)


def test_mode_off_caches_nothing(raw: Any, filled: Any) -> None:
    _run(raw, options={"cache": True})
    assert _run(raw, options={"cache": True})["cached"] is False
    assert _entries(raw) == []


def test_write_invalidates(raw: Any, filled: Any) -> None:
    raw("PUT", "/_api/query-cache/properties", {"mode": "on"})
    _run(raw)
    assert _run(raw)["cached"] is True
    status, _, _ = raw("POST", "/_db/testdb/_api/document/c", {"_key": "z"})
    assert status == 202
    assert _entries(raw) == []
    answer = _run(raw)
    assert answer["cached"] is False
    assert answer["result"] == ["a", "b", "z"]
    raw("DELETE", "/_db/testdb/_api/document/c/z")
    answer = _run(raw)
    assert (answer["cached"], answer["result"]) == (False, ["a", "b"])


def test_writing_and_nondeterministic_queries_are_not_cached(raw: Any, filled: Any) -> None:
    raw("PUT", "/_api/query-cache/properties", {"mode": "on"})
    for query in ("FOR d IN c RETURN RAND()", "INSERT {} INTO c"):
        _run(raw, query)
        assert _run(raw, query)["cached"] is False
    assert _entries(raw) == []


def test_system_collections_need_include_system(raw: Any, state: Any) -> None:
    state.create_collection("_settings", is_system=True)
    raw("PUT", "/_api/query-cache/properties", {"mode": "on"})
    query = "FOR s IN _settings RETURN s"
    _run(raw, query)
    assert _run(raw, query)["cached"] is False
    raw("PUT", "/_api/query-cache/properties", {"includeSystem": True})
    _run(raw, query)
    assert _run(raw, query)["cached"] is True


def test_limits_evict(raw: Any, filled: Any) -> None:
    raw("PUT", "/_api/query-cache/properties", {"mode": "on", "maxResults": 2})
    for n in range(3):
        _run(raw, f"FOR d IN c LIMIT {n + 1} RETURN d._key")
    assert [e["query"] for e in _entries(raw)] == [
        "FOR d IN c LIMIT 2 RETURN d._key",
        "FOR d IN c LIMIT 3 RETURN d._key",
    ]
    raw("PUT", "/_api/query-cache/properties", {"maxResults": 128, "maxEntrySize": 5})
    raw("DELETE", "/_db/testdb/_api/query-cache")
    _run(raw)
    assert _entries(raw) == []
    raw("PUT", "/_api/query-cache/properties", {"maxEntrySize": 16777216, "maxResultsSize": 5})
    _run(raw)
    assert _entries(raw) == []


def test_mode_change_clears(raw: Any, filled: Any) -> None:
    raw("PUT", "/_api/query-cache/properties", {"mode": "on"})
    _run(raw)
    assert len(_entries(raw)) == 1
    raw("PUT", "/_api/query-cache/properties", {"mode": "demand"})
    assert _entries(raw) == []


async def test_license_key_that_cannot_be_verified_is_refused(sys_db: Any, raw: Any) -> None:
    with pytest.raises(ServerLicenseSetError) as exc:
        await sys_db.set_license('"abc"')
    assert (exc.value.http_code, exc.value.error_code) == (400, 9006)
    status, body, _ = raw("PUT", "/_admin/license", "eyJncmFudCI6...")
    assert (status, body["errorNum"], body["errorMessage"]) == (400, 9006, "invalid license")
    assert (await sys_db.license())["status"] == "good"
