"""The queries the drivers build themselves (collection find/all/random/geo/fulltext helpers,
``*_match``, explain, validate, rules, tracking, cache), run through the drivers."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import AQLQueryExplainError, AQLQueryKillError, AQLQueryValidateError

PEOPLE = [
    {"_key": "ann", "name": "Ann", "age": 31, "city": {"name": "Oslo"}},
    {"_key": "bob", "name": "Bob", "age": 25, "city": {"name": "Rome"}},
    {"_key": "cid", "name": "Cid", "age": 40, "city": {"name": "Oslo"}},
    {"_key": "dee", "name": "Dee", "age": 25, "city": {"name": "Lima"}},
]


async def _people(db: Any) -> Any:
    col = await db.create_collection("people")
    await col.insert_many(PEOPLE)
    return col


async def _keys(cursor: Any) -> list[str]:
    return [doc["_key"] async for doc in cursor]


# ---------------------------------------------------------------- arangoasync
async def test_find_with_filters_skip_limit_and_sort(db: Any) -> None:
    col = await _people(db)
    cursor = await col.find({"age": 25})
    assert sorted(await _keys(cursor)) == ["bob", "dee"]
    cursor = await col.find({"city.name": "Oslo"}, sort=[{"sort_by": "age", "sort_order": "DESC"}])
    assert await _keys(cursor) == ["cid", "ann"]
    cursor = await col.find(sort=[{"sort_by": "name", "sort_order": "ASC"}], skip=1, limit=2)
    assert len(await _keys(cursor)) == 2
    cursor = await col.find({"age": 99})
    assert await _keys(cursor) == []


async def test_update_replace_delete_match(db: Any) -> None:
    col = await _people(db)
    assert await col.update_match({"age": 25}, {"young": True}) == 2
    assert (await col.get("bob"))["young"] is True
    assert "young" not in await col.get("ann")
    assert await col.replace_match({"name": "Cid"}, {"name": "Cid", "age": 41}) == 1
    cid = await col.get("cid")
    assert cid["age"] == 41 and "city" not in cid
    assert await col.delete_match({"city.name": "Oslo"}) == 1  # ann (cid was replaced)
    assert sorted(await _keys(await col.find())) == ["bob", "cid", "dee"]


async def test_get_many_and_has(db: Any) -> None:
    col = await _people(db)
    docs = await col.get_many(["ann", "people/dee", "nobody"])
    keys = [d.get("_key") for d in docs if "_key" in d]
    assert keys == ["ann", "dee"]


async def test_explain_validate_and_rules(db: Any) -> None:
    await _people(db)
    plan = await db.aql.explain("FOR p IN people FILTER p.age > 30 RETURN p.name")
    kinds = [node["type"] for node in plan["plan"]["nodes"]]
    assert kinds[0] == "SingletonNode" and kinds[-1] == "ReturnNode"
    assert "EnumerateCollectionNode" in kinds and "FilterNode" in kinds
    assert plan["plan"]["collections"] == [{"name": "people", "type": "read"}]
    assert {v["name"] for v in plan["plan"]["variables"]} >= {"p"}
    plans = await db.aql.explain("FOR p IN people RETURN p", options={"allPlans": True})
    assert len(plans["plans"]) == 1
    parsed = await db.aql.validate("FOR p IN people FILTER p.age > @min RETURN p")
    assert parsed["collections"] == ["people"] and parsed["bindVars"] == ["min"]
    with pytest.raises(AQLQueryValidateError) as exc:
        await db.aql.validate("FOR p IN people RETURN")
    assert (exc.value.error_code, exc.value.http_code) == (1501, 400)
    with pytest.raises(AQLQueryExplainError) as err:
        await db.aql.explain("FOR p IN nowhere RETURN p")
    assert (err.value.error_code, err.value.http_code) == (1203, 404)
    rules = await db.aql.query_rules()
    names = [rule["name"] for rule in rules]
    assert "use-indexes" in names and rules[0]["flags"]["clusterOnly"] is False


async def test_tracking_queries_cache_and_kill(db: Any) -> None:
    tracking = await db.aql.set_tracking(max_slow_queries=5)
    assert tracking.max_slow_queries == 5
    assert (await db.aql.tracking()).max_slow_queries == 5
    assert await db.aql.queries() == []
    assert await db.aql.slow_queries() == []
    await db.aql.clear_slow_queries()
    with pytest.raises(AQLQueryKillError) as exc:
        await db.aql.kill("12345")
    assert (exc.value.error_code, exc.value.http_code) == (1591, 404)
    props = await db.aql.cache.configure(mode="demand", max_results=64)
    assert (props.mode, props.max_results) == ("demand", 64)
    assert (await db.aql.cache.properties()).mode == "demand"
    assert await db.aql.cache.entries() == []
    await db.aql.cache.clear()


# ---------------------------------------------------------------- python-arango
@pytest.fixture
def sync_people(arango_sync_db: Any) -> Any:
    col = arango_sync_db.create_collection("people")
    col.insert_many(PEOPLE)
    return col


def test_sync_find_all_keys_ids_random(sync_people: Any) -> None:
    col = sync_people
    assert sorted(d["_key"] for d in col.find({"age": 25})) == ["bob", "dee"]
    assert [d["_key"] for d in col.find({"city": {"name": "Oslo"}}, skip=0, limit=1)] in (
        ["ann"],
        ["cid"],
    )
    assert len(list(col.all(skip=1, limit=2))) == 2
    assert sorted(col.keys()) == ["ann", "bob", "cid", "dee"]
    assert sorted(col.ids()) == ["people/ann", "people/bob", "people/cid", "people/dee"]
    assert col.random()["_key"] in {"ann", "bob", "cid", "dee"}
    assert sorted(d["_key"] for d in col.find_in_range("age", 25, 32)) == ["ann", "bob", "dee"]
    docs = col.get_many(["bob", "people/cid"])
    assert [d["_key"] for d in docs] == ["bob", "cid"]


def test_sync_match_helpers(sync_people: Any) -> None:
    col = sync_people
    assert col.update_match({"age": 25}, {"young": True}) == 2
    assert col.get("dee")["young"] is True
    assert col.replace_match({"_key": "ann"}, {"name": "Ann"}) == 1
    assert "age" not in col.get("ann")
    assert col.delete_match({"age": 25}, limit=1) == 1
    assert col.count() == 3


def test_sync_geo_and_fulltext_helpers(arango_sync_db: Any) -> None:
    col = arango_sync_db.create_collection("places")
    col.add_index({"type": "geo", "fields": ["loc"], "geoJson": False})
    col.insert_many(
        [
            {"_key": "a", "loc": [0.0, 0.0], "text": "red apple"},
            {"_key": "b", "loc": [0.0, 1.0], "text": "green apple"},
            {"_key": "c", "loc": [10.0, 10.0], "text": "blue sky"},
        ]
    )
    near = [d["_key"] for d in col.find_near(0.0, 0.0, limit=2)]
    assert near == ["a", "b"]
    within = sorted(d["_key"] for d in col.find_in_radius(0.0, 0.0, 200_000))
    assert within == ["a", "b"]
    box = sorted(d["_key"] for d in col.find_in_box(-1.0, -1.0, 1.0, 1.0))
    assert box == ["a", "b"]


def test_sync_explain_and_validate(arango_sync_db: Any, sync_people: Any) -> None:
    plan = arango_sync_db.aql.explain("FOR p IN people FILTER p._key == 'ann' RETURN p")
    assert any(node["type"] == "IndexNode" for node in plan["nodes"])
    assert "use-indexes" in plan["rules"]
    info = arango_sync_db.aql.validate("RETURN @x")
    assert info["bind_vars"] == ["x"]
