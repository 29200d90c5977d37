"""ArangoDB's query plan cache: ``usePlanCache``, ``planCacheKey``, the listing and clearing
routes, invalidation on schema changes and the 1584 refusal of queries that cannot be cached."""

from __future__ import annotations

from typing import Any

import pytest

QUERY = "FOR d IN @@col FILTER d.v == @v RETURN d._key"
BINDS = {"@col": "c", "v": 1}


def _run(raw: Any, query: str = QUERY, binds: Any = None, **options: Any) -> dict[str, Any]:
    body = {"query": query, "bindVars": BINDS if binds is None else binds}
    status, answer, _ = raw(
        "POST", "/_db/testdb/_api/cursor", {**body, "options": {"usePlanCache": True, **options}}
    )
    assert status == 201, answer
    return answer


def _entries(raw: Any) -> list[dict[str, Any]]:
    status, answer, _ = raw("GET", "/_db/testdb/_api/query-plan-cache")
    assert status == 200, answer
    return answer


@pytest.fixture
def filled(state: Any) -> Any:
    col = state.create_collection("c")
    for key, v in (("a", 1), ("b", 2)):
        col.store({"_key": key, "_id": f"c/{key}", "_rev": f"_{key}", "v": v}, None)
    return col


async def test_driver_plan_entries_and_clear(db: Any, filled: Any) -> None:
    cursor = await db.aql.execute(QUERY, bind_vars=BINDS, options={"usePlanCache": True})
    assert [k async for k in cursor] == ["a"]
    entries = await db.aql.cache.plan_entries()
    assert [e["query"] for e in entries] == [QUERY]
    await db.aql.cache.clear_plan()
    assert await db.aql.cache.plan_entries() == []


def test_second_run_reports_the_key_and_any_value_reuses_it(raw: Any, filled: Any) -> None:
    first = _run(raw)
    assert "planCacheKey" not in first
    second = _run(raw, binds={"@col": "c", "v": 2})
    assert second["result"] == ["b"]
    (entry,) = _entries(raw)
    assert second["planCacheKey"] == entry["hash"]
    assert list(entry) == [
        "hash",
        "query",
        "queryHash",
        "bindVars",
        "fullCount",
        "dataSources",
        "created",
        "hits",
        "memoryUsage",
    ]
    assert entry["bindVars"] == {"@col": "c"}  # value bind parameters are not part of the key
    assert entry["fullCount"] is False
    assert entry["dataSources"] == ["c"]
    assert entry["hits"] == 1
    assert isinstance(entry["queryHash"], int) and entry["memoryUsage"] > len(QUERY)


def test_without_the_option_the_cache_is_bypassed(raw: Any, filled: Any) -> None:
    status, answer, _ = raw("POST", "/_db/testdb/_api/cursor", {"query": QUERY, "bindVars": BINDS})
    assert status == 201 and "planCacheKey" not in answer
    assert _entries(raw) == []


def test_full_count_and_collection_binds_make_separate_entries(
    raw: Any, state: Any, filled: Any
) -> None:
    state.create_collection("other")
    _run(raw)
    _run(raw, fullCount=True)
    _run(raw, binds={"@col": "other", "v": 1})
    assert len(_entries(raw)) == 3


@pytest.mark.parametrize(
    "change",
    [
        ("POST", "/_db/testdb/_api/index?collection=c", {"type": "persistent", "fields": ["v"]}),
        ("PUT", "/_db/testdb/_api/collection/c/properties", {"waitForSync": True}),
        ("PUT", "/_db/testdb/_api/collection/c/rename", {"name": "renamed"}),
        ("DELETE", "/_db/testdb/_api/collection/c", None),
    ],
)
def test_schema_changes_invalidate(raw: Any, filled: Any, change: Any) -> None:
    _run(raw)
    assert len(_entries(raw)) == 1
    status, answer, _ = raw(*change)
    assert status < 300, answer
    assert _entries(raw) == []


def test_document_writes_keep_the_plan(raw: Any, filled: Any) -> None:
    _run(raw)
    status, _, _ = raw("POST", "/_db/testdb/_api/document/c", {"v": 1})
    assert status == 202
    assert "planCacheKey" in _run(raw)


@pytest.mark.parametrize(
    ("query", "binds", "options"),
    [
        ("FOR d IN c FILTER d.@attr == 1 RETURN d", {"attr": "v"}, {}),
        ("FOR d IN c LIMIT @n RETURN d", {"n": 1}, {}),
        ("UPSERT {v: 1} INSERT {v: 1} UPDATE {} IN c", {}, {}),
        ("FOR v IN @lo..2 OUTBOUND 'c/a' GRAPH 'g' RETURN v", {"lo": 1}, {}),
        ("FOR d IN c RETURN d", {}, {"allPlans": True}),
        ("FOR d IN c RETURN d", {}, {"optimizer": {"rules": ["-all"]}}),
    ],
)
def test_queries_that_cannot_be_cached_fail_with_1584(
    raw: Any, filled: Any, query: str, binds: Any, options: Any
) -> None:
    body = {"query": query, "bindVars": binds, "options": {"usePlanCache": True, **options}}
    status, answer, _ = raw("POST", "/_db/testdb/_api/cursor", body)
    assert status == 500
    assert answer["errorNum"] == 1584
    assert "not eligible for plan caching" in answer["errorMessage"]
    assert _entries(raw) == []


def test_syntax_errors_stay_syntax_errors(raw: Any, filled: Any) -> None:
    body = {"query": "FOR d IN", "options": {"usePlanCache": True}}
    status, answer, _ = raw("POST", "/_db/testdb/_api/cursor", body)
    assert status == 400 and answer["errorNum"] == 1501


def test_clear_is_per_database(raw: Any, filled: Any) -> None:
    _run(raw)
    status, answer, _ = raw("DELETE", "/_api/query-plan-cache")  # _system's cache
    assert status == 200 and answer == {"error": False, "code": 200}
    assert len(_entries(raw)) == 1
    status, _, _ = raw("DELETE", "/_db/testdb/_api/query-plan-cache")
    assert status == 200
    assert _entries(raw) == []
