"""APPROX_NEAR_* with vector indexes: exact neighbours (checked against brute force), the
pattern ArangoDB's optimizer rule needs, its errors, filters and explain."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from arangoasync.exceptions import AQLQueryExecuteError

DIM = 6
FUNCTIONS = {
    "cosine": ("APPROX_NEAR_COSINE", "DESC"),
    "l2": ("APPROX_NEAR_L2", "ASC"),
    "innerProduct": ("APPROX_NEAR_INNER_PRODUCT", "DESC"),
}


def _vectors(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "_key": f"d{i:03d}",
            "v": [round(rng.uniform(-1, 1), 4) for _ in range(DIM)],
            "group": i % 3,
            "label": f"l{i % 5}",
        }
        for i in range(n)
    ]


def _score(metric: str, a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    if metric == "innerProduct":
        return dot
    if metric == "l2":
        return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def _brute(metric: str, docs: list[dict[str, Any]], query: list[float], k: int) -> list[Any]:
    scored = [(_score(metric, d["v"], query), d["_key"]) for d in docs]
    scored.sort(key=lambda s: (s[0] if metric == "l2" else -s[0], s[1]))
    return scored[:k]


async def _setup(arango_db: Any, metric: str, docs: list[dict[str, Any]], **extra: Any) -> Any:
    col = await arango_db.create_collection("c")
    await col.insert_many(docs)
    await col.add_index(
        "vector",
        ["v"],
        {
            "name": f"vec_{metric}",
            "params": {"metric": metric, "dimension": DIM, "nLists": 2},
            **extra,
        },
    )
    return col


async def _run(arango_db: Any, query: str, **bind: Any) -> list[Any]:
    cursor = await arango_db.aql.execute(query, bind_vars=bind)
    return [x async for x in cursor]


@pytest.mark.parametrize("metric", sorted(FUNCTIONS))
async def test_nearest_neighbours_match_brute_force(arango_db, metric):
    docs = _vectors(120)
    await _setup(arango_db, metric, docs)
    fn, direction = FUNCTIONS[metric]
    rng = random.Random(3)
    for _ in range(5):
        query = [rng.uniform(-1, 1) for _ in range(DIM)]
        got = await _run(
            arango_db,
            f"FOR d IN c LET s = {fn}(d.v, @q) SORT s {direction} LIMIT 7 RETURN [d._key, s]",
            q=query,
        )
        expected = _brute(metric, docs, query, 7)
        assert [k for k, _ in got] == [k for _, k in expected]
        for (_, score), (want, _) in zip(got, expected, strict=True):
            assert score == pytest.approx(want, rel=1e-5, abs=1e-5)


async def test_sort_on_the_call_offset_and_query_first(arango_db):
    docs = _vectors(50)
    await _setup(arango_db, "l2", docs)
    query = docs[10]["v"]
    expected = [k for _, k in _brute("l2", docs, query, 6)]
    got = await _run(
        arango_db, "FOR d IN c SORT APPROX_NEAR_L2(@q, d.v) LIMIT 2, 4 RETURN d._key", q=query
    )
    assert got == expected[2:6]
    assert expected[0] == "d010"


async def test_equal_scores_come_in_a_stable_order(arango_db):
    docs = [{"_key": k, "v": [1.0, 0.0]} for k in ("m", "b", "x", "a")]
    docs.append({"_key": "far", "v": [0.0, 1.0]})
    col = await arango_db.create_collection("c")
    await col.insert_many(docs)
    await col.add_index(
        "vector", ["v"], {"params": {"metric": "cosine", "dimension": 2, "nLists": 1}}
    )
    query = "FOR d IN c SORT APPROX_NEAR_COSINE(d.v, [2, 0]) DESC LIMIT 3 RETURN d._key"
    assert await _run(arango_db, query) == ["a", "b", "m"]
    await col.delete("a")
    await col.insert({"_key": "a", "v": [3.0, 0.0]})
    assert await _run(arango_db, query) == ["a", "b", "m"]


async def test_writes_after_creation_are_searched(arango_db):
    docs = _vectors(30)
    col = await _setup(arango_db, "innerProduct", docs)
    query = [1.0] * DIM
    await col.update({"_key": "d001", "v": [5.0] * DIM})
    await col.delete("d002")
    await col.insert({"_key": "new", "v": [4.0] * DIM})
    got = await _run(
        arango_db,
        "FOR d IN c SORT APPROX_NEAR_INNER_PRODUCT(d.v, @q) DESC LIMIT 3 RETURN d._key",
        q=query,
    )
    current = [d for d in docs if d["_key"] not in ("d001", "d002")]
    current += [{"_key": "d001", "v": [5.0] * DIM}, {"_key": "new", "v": [4.0] * DIM}]
    assert got == [k for _, k in _brute("innerProduct", current, query, 3)]
    assert got[:2] == ["d001", "new"]


async def test_filter_before_the_sort_is_pushed_into_the_search(arango_db):
    docs = _vectors(90)
    await _setup(arango_db, "cosine", docs)
    query = [0.3, -0.2, 0.9, 0.1, 0.0, -0.5]
    got = await _run(
        arango_db,
        "FOR d IN c FILTER d.group == 1 LET s = APPROX_NEAR_COSINE(d.v, @q) "
        "SORT s DESC LIMIT 5 RETURN d._key",
        q=query,
    )
    expected = _brute("cosine", [d for d in docs if d["group"] == 1], query, 5)
    assert got == [k for _, k in expected]
    # a FILTER after the LIMIT filters the five results
    after = await _run(
        arango_db,
        "FOR d IN c SORT APPROX_NEAR_COSINE(d.v, @q) DESC LIMIT 5 FILTER d.group == 1 "
        "RETURN d._key",
        q=query,
    )
    top = [k for _, k in _brute("cosine", docs, query, 5)]
    assert after == [k for k in top if int(k[1:]) % 3 == 1]


async def test_stored_values_filter(arango_db):
    docs = _vectors(60)
    await _setup(arango_db, "l2", docs, storedValues=["label"])
    query = [0.0] * DIM
    got = await _run(
        arango_db,
        "FOR d IN c FILTER d.label IN ['l1', 'l3'] SORT APPROX_NEAR_L2(d.v, @q) LIMIT 4 "
        "RETURN {key: d._key, label: d.label}",
        q=query,
    )
    wanted = [d for d in docs if d["label"] in ("l1", "l3")]
    assert [g["key"] for g in got] == [k for _, k in _brute("l2", wanted, query, 4)]
    assert {g["label"] for g in got} <= {"l1", "l3"}


async def test_n_probe_option_is_accepted(arango_db):
    docs = _vectors(40)
    await _setup(arango_db, "cosine", docs)
    got = await _run(
        arango_db,
        "FOR d IN c SORT APPROX_NEAR_COSINE(d.v, @q, {nProbe: 5}) DESC LIMIT 3 RETURN d._key",
        q=docs[0]["v"],
    )
    assert got == [k for _, k in _brute("cosine", docs, docs[0]["v"], 3)]


FAILED = "failed vector search"


@pytest.mark.parametrize(
    ("query", "num", "message"),
    [
        # no LIMIT, wrong direction, wrong metric, not a sort key, another field: no vector search
        ("FOR d IN c SORT APPROX_NEAR_COSINE(d.v, @q) DESC RETURN d", 1554, FAILED),
        ("FOR d IN c SORT APPROX_NEAR_COSINE(d.v, @q) ASC LIMIT 2 RETURN d", 1554, FAILED),
        ("FOR d IN c SORT APPROX_NEAR_L2(d.v, @q) LIMIT 2 RETURN d", 1554, FAILED),
        ("FOR d IN c RETURN APPROX_NEAR_COSINE(d.v, @q)", 1554, FAILED),
        ("FOR d IN c SORT APPROX_NEAR_COSINE(d.w, @q) DESC LIMIT 2 RETURN d", 1554, FAILED),
        (
            "FOR d IN c LET s = APPROX_NEAR_COSINE(d.v, @q) FILTER s > 0 SORT s DESC LIMIT 2 "
            "RETURN d",
            1554,
            "filter on the distance variable cannot be pushed into the vector search; "
            "the distance is produced by the search itself",
        ),
        (
            "FOR d IN c SORT APPROX_NEAR_COSINE(d.v, @q, {nProbe: 0}) DESC LIMIT 2 RETURN d",
            1501,
            "error parsing searchParameters: nProbe must be 1 or greater!!",
        ),
        (
            "FOR d IN c SORT APPROX_NEAR_COSINE(d.v, @q, {probes: 2}) DESC LIMIT 2 RETURN d",
            1501,
            "error parsing searchParameters: Found unexpected attribute 'probes'!",
        ),
        (
            "FOR d IN c SORT APPROX_NEAR_COSINE(d.v, [1, 2]) DESC LIMIT 2 RETURN d",
            1542,
            f"a vector must be of dimension {DIM}, but is 2",
        ),
        (
            "FOR d IN c SORT APPROX_NEAR_COSINE(d.v, 'x') DESC LIMIT 2 RETURN d",
            1542,
            "query point must be a vector, but is a string",
        ),
    ],
)
async def test_errors(arango_db, query, num, message):
    await _setup(arango_db, "cosine", _vectors(10))
    with pytest.raises(AQLQueryExecuteError) as err:
        await _run(arango_db, query, **({"q": [0.5] * DIM} if "@q" in query else {}))
    assert err.value.error_code == num
    assert message in err.value.error_message


async def test_an_untrained_index_is_not_used(arango_db):
    col = await arango_db.create_collection("c")
    await col.insert_many(_vectors(3))
    index = await col.add_index(
        "vector", ["v"], {"params": {"metric": "cosine", "dimension": DIM, "nLists": 5}}
    )
    assert index.training_state == "unusable"
    with pytest.raises(AQLQueryExecuteError) as err:
        await _run(
            arango_db,
            "FOR d IN c SORT APPROX_NEAR_COSINE(d.v, @q) DESC LIMIT 1 RETURN d",
            q=[1] * DIM,
        )
    assert err.value.error_code == 1554
    await col.insert_many([{"_key": "x", "v": [1] * DIM}, {"_key": "y", "v": [-1] * DIM}])
    got = await _run(
        arango_db,
        "FOR d IN c SORT APPROX_NEAR_COSINE(d.v, @q) DESC LIMIT 1 RETURN d._key",
        q=[1] * DIM,
    )
    assert got == ["x"]


async def test_explain_shows_the_vector_node(arango_db):
    await _setup(arango_db, "cosine", _vectors(10))
    plan = (
        await arango_db.aql.explain(
            "FOR d IN c FILTER d.group == 2 LET s = APPROX_NEAR_COSINE(d.v, @q, {nProbe: 3}) "
            "SORT s DESC LIMIT 1, 4 RETURN {d, s}",
            bind_vars={"q": [0.1] * DIM},
        )
    )["plan"]
    types = [n["type"] for n in plan["nodes"]]
    assert types == [
        "SingletonNode",
        "CalculationNode",
        "EnumerateNearVectorNode",
        "LimitNode",
        "CalculationNode",
        "ReturnNode",
    ]
    near = plan["nodes"][2]
    assert near["inVariable"] == plan["nodes"][1]["outVariable"]
    assert near["outVariable"]["name"] == "d"
    assert near["distanceOutVariable"]["name"] == "s"
    assert (near["limit"], near["offset"]) == (4, 1)
    assert near["searchParameters"] == {"nProbe": 3}
    assert near["filter"]["type"] == "compare =="
    assert near["index"]["type"] == "vector" and near["index"]["name"] == "vec_cosine"
    assert near["collection"] == "c"
    assert "use-vector-index" in plan["rules"]
    assert "push-filter-into-enumerate-near" in plan["rules"]
    # without a matching index the plan keeps the scan and the sort
    plain = (
        await arango_db.aql.explain(
            "FOR d IN c SORT APPROX_NEAR_L2(d.v, @q) LIMIT 4 RETURN d", bind_vars={"q": [0] * DIM}
        )
    )["plan"]
    assert "EnumerateNearVectorNode" not in [n["type"] for n in plain["nodes"]]
    assert "SortNode" in [n["type"] for n in plain["nodes"]]


async def test_full_count_is_the_collection_size(arango_db):
    """The vector executor reports the documents it did not return as skipped."""
    await _setup(arango_db, "cosine", _vectors(25))
    cursor = await arango_db.aql.execute(
        "FOR d IN c SORT APPROX_NEAR_COSINE(d.v, @q) DESC LIMIT 1, 3 RETURN d._key",
        bind_vars={"q": [0.2] * DIM},
        options={"fullCount": True},
    )
    assert len([k async for k in cursor]) == 3
    assert cursor.statistics.full_count == 25
