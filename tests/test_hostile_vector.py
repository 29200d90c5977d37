"""Hostile input against vector indexes and vector search: every bad definition, vector or
query gets ArangoDB's own error (IndexFactory / UserVectorIndexDefinition's error 10,
readDocumentVectorData's 17, the optimizer's 1501/1541/1554), never an internal error, and
the index keeps exactly the valid vectors of the documents afterwards."""

from __future__ import annotations

import json
import threading
from typing import Any

import numpy as np
import pytest
from hostile_api import Api, fast, json_values
from hypothesis import given
from hypothesis import strategies as st

from pytest_arangomock.state.indexes.vector import VectorIndex

PREFIX = "Error with parsing the `params` field in vector index definition: "
INDEX = "/_api/index?collection=c"
NEAR = "FOR d IN c SORT APPROX_NEAR_L2(d.v, @q) LIMIT @k RETURN d._key"
FAST = fast(30)


def _definition(**params: Any) -> dict[str, Any]:
    return {
        "type": "vector",
        "fields": ["v"],
        "params": {"metric": "l2", "dimension": 3, "nLists": 2, **params},
    }


def _api(docs: int = 6, dimension: int = 3, **params: Any) -> Api:
    """A collection ``c`` with ``docs`` valid vectors and a trained L2 index on ``v``."""
    api = Api()
    api.ok("POST", "/_api/collection", {"name": "c"})
    if docs:
        rows = [
            {"_key": f"k{i}", "v": [float(i + j) for j in range(dimension)]} for i in range(docs)
        ]
        api.ok("POST", "/_api/document/c", rows)
    api.ok("POST", INDEX, _definition(dimension=dimension, **params))
    return api


def _index(api: Api) -> VectorIndex:
    col = api.emulator.server.database(api.db).collections["c"]
    found = [i for i in col.indexes if isinstance(i, VectorIndex)]
    assert len(found) == 1
    return found[0]


def _valid(value: Any, dimension: int) -> bool:
    return (
        type(value) is list
        and len(value) == dimension
        and all(type(x) in (int, float) for x in value)
    )


def check_vectors(api: Api) -> None:
    """The index holds one row per document, each the document's vector as float32."""
    index = _index(api)
    docs = api.emulator.server.database(api.db).collections["c"].docs
    assert sorted(index._rows) == sorted(docs)
    assert index._n == len(docs) == len(index._keys)
    for key, row in index._rows.items():
        assert index._keys[row] == key
        wanted = np.asarray(docs[key]["v"], dtype=np.float64)
        with np.errstate(over="ignore"):
            assert np.array_equal(index._matrix[row], wanted.astype(np.float32)), key


# ------------------------------------------------------------------ definitions
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"dimension": 0}, "Dimension must be greater than 0!"),
        ({"dimension": -1}, "Number out of range"),
        ({"dimension": 2**64}, "Number out of range"),
        ({"dimension": "3"}, "Invalid value type for operation"),
        ({"dimension": None}, "Invalid value type for operation"),
        ({"dimension": [3]}, "Invalid value type for operation"),
        ({"metric": "cosinus"}, "Unknown enum value cosinus"),
        ({"metric": {"a": 1}}, "Expecting type String"),
        ({"nLists": 0}, "nLists must be 1 or greater!"),
        ({"nLists": -1}, "Could not find matching inline type"),
        ({"nLists": "2"}, "Could not find matching inline type"),
        ({"nLists": {"strategy": "autoSqrt"}}, "Could not find matching inline type"),
        ({"defaultNProbe": 0}, "defaultNProbe must be 1 or greater!"),
        ({"defaultNProbe": -3}, "defaultNProbe must be 1 or greater!"),
        ({"defaultNProbe": 2**63}, "Number out of range"),
        ({"trainingIterations": -1}, "Number out of range"),
        ({"numberOfDocsPerCentroid": 0}, "numberOfDocsPerCentroid must be 1 or greater!"),
        ({"factory": 5}, "Expecting type String"),
        ({"bogus": {"deep": [[[]]]}}, "Found unexpected attribute 'bogus'"),
    ],
)
def test_bad_params_are_error_10_and_create_nothing(params: dict[str, Any], message: str) -> None:
    api = _api(docs=0)
    before = api.ok("GET", "/_api/index?collection=c")["indexes"]
    got = api.error(400, 10, "POST", INDEX, _definition(**params))
    assert got == PREFIX + message
    assert api.ok("GET", "/_api/index?collection=c")["indexes"] == before


@pytest.mark.parametrize("params", [None, [], "l2", 3, [{"metric": "l2"}]])
def test_params_that_are_no_object(params: Any) -> None:
    api = _api(docs=0)
    body = {"type": "vector", "fields": ["v"], "params": params}
    assert api.error(400, 10, "POST", INDEX, body) == PREFIX + "Expecting type Object"


@pytest.mark.parametrize("dimension", [2**31, 2**63, 2**64 - 1])
def test_any_uint64_dimension_defines_an_index_that_refuses_every_vector(dimension: int) -> None:
    api = Api()
    api.ok("POST", "/_api/collection", {"name": "c"})
    created = api.ok("POST", INDEX, _definition(dimension=dimension))
    assert created["params"]["dimension"] == dimension
    assert created["trainingState"] == "unusable"
    message = api.error(400, 17, "POST", "/_api/document/c", {"_key": "a", "v": [1.0, 2.0]})
    assert message == (
        "provided vector is not of matching dimension for document a, "
        f"index dimension: {dimension}, document dimension: 2"
    )
    assert api.keys("c") == []
    # an existing document with a vector blocks the creation with the same error
    api.ok("DELETE", f"/_api/index/{created['id']}")
    api.ok("POST", "/_api/document/c", {"_key": "b", "v": [1.0]})
    api.error(400, 17, "POST", INDEX, _definition(dimension=dimension))


def test_a_wide_index_holds_memory_for_the_vectors_it_stores_only() -> None:
    dimension = 300_000  # 1.2 MB a row: 64 spare rows would be 77 MB
    api = _api(docs=0, dimension=dimension)
    api.ok("POST", "/_api/document/c", {"_key": "a", "v": [0.5] * dimension})
    index = _index(api)
    assert index.memory()["raw"] == dimension * 4
    assert index.memory()["matrix"] <= 8 * 1024 * 1024
    check_vectors(api)


_JSON = json_values(text=5, keys=6, items=4, leaves=12)
_PARAM_NAMES = st.sampled_from(
    [
        "metric",
        "dimension",
        "nLists",
        "defaultNProbe",
        "trainingIterations",
        "factory",
        "numberOfDocsPerCentroid",
        "x",
    ]
)


#: what the generated test below draws (benchmarks/fuzz_long.py draws more)
PARAMS_ARGS = (
    st.dictionaries(_PARAM_NAMES, _JSON | st.sampled_from(["l2", "cosine", 1, 2, 3]), max_size=7),
)


@FAST
@given(*PARAMS_ARGS)
def test_generated_params_are_created_or_refused_with_error_10(params: dict[str, Any]) -> None:
    api = Api()
    api.ok("POST", "/_api/collection", {"name": "c"})
    api.ok("POST", "/_api/document/c", [{"v": [1.0, 2.0, 3.0]} for _ in range(3)])
    status, body = api("POST", INDEX, {"type": "vector", "fields": ["v"], "params": params})
    if status == 400:
        assert body["errorNum"] in (10, 17), body
        assert body["errorMessage"].startswith(PREFIX) or body["errorNum"] == 17, body
        assert len(api.ok("GET", "/_api/index?collection=c")["indexes"]) == 1
    else:
        assert status == 201, body
        check_vectors(api)


# ------------------------------------------------------------------ documents
@pytest.mark.parametrize(
    ("vector", "num", "message"),
    [
        ("abc", 17, "array expected for vector attribute for document x"),
        ({"a": 1}, 17, "array expected for vector attribute for document x"),
        (None, 17, "array expected for vector attribute for document x"),
        (7, 17, "array expected for vector attribute for document x"),
        (
            [1, 2],
            17,
            "provided vector is not of matching dimension for document x, "
            "index dimension: 3, document dimension: 2",
        ),
        (
            [],
            17,
            "provided vector is not of matching dimension for document x, "
            "index dimension: 3, document dimension: 0",
        ),
        ([1, None, 2], 17, "vector contains data not representable as double for document x"),
        ([1, "2", 3], 17, "vector contains data not representable as double for document x"),
        ([1, True, 3], 17, "vector contains data not representable as double for document x"),
        ([1, [2], 3], 17, "vector contains data not representable as double for document x"),
    ],
)
def test_bad_vectors_are_refused_and_leave_the_index_alone(
    vector: Any, num: int, message: str
) -> None:
    api = _api()
    before = api.query(NEAR, {"q": [1, 1, 1], "k": 3})
    assert api.error(400, num, "POST", "/_api/document/c", {"_key": "x", "v": vector}) == message
    # the same vector through an update, a replace and AQL
    on_k1 = message.replace("document x", "document k1")
    assert api.error(400, num, "PATCH", "/_api/document/c/k1", {"v": vector}) == on_k1
    assert api.error(400, num, "PUT", "/_api/document/c/k1", {"v": vector}) == on_k1
    status, body = api(
        "POST",
        "/_api/cursor",
        {"query": "UPDATE 'k1' WITH {v: @v} IN c", "bindVars": {"v": vector}},
    )
    assert (status, body["errorNum"]) == (400, num)
    assert api.keys("c") == [f"k{i}" for i in range(6)]
    assert api.query(NEAR, {"q": [1, 1, 1], "k": 3}) == before
    check_vectors(api)


def test_a_document_without_the_field_is_error_10_unless_sparse() -> None:
    api = _api()
    message = api.error(400, 10, "POST", "/_api/document/c", {"_key": "x", "w": 1})
    assert message == "vector field not present in document x"
    api.error(400, 10, "PUT", "/_api/document/c/k1", {"w": 1})
    check_vectors(api)


def test_doubles_beyond_float32_are_stored_as_infinities_without_failing() -> None:
    api = _api()
    api.ok("POST", "/_api/document/c", {"_key": "big", "v": [1e39, -1e300, 2**64 - 1]})
    assert api.query(NEAR, {"q": [1, 1, 1], "k": 2}) == ["k0", "k1"]
    api.query(NEAR, {"q": [1e308, 1e308, 1], "k": 2})
    api.ok("DELETE", "/_api/document/c/big")
    check_vectors(api)


def test_an_aql_write_with_one_bad_vector_writes_nothing() -> None:
    api = _api()
    before = api.query("FOR d IN c SORT d._key RETURN d.v")
    status, body = api(
        "POST",
        "/_api/cursor",
        {"query": "FOR i IN 0..5 UPDATE CONCAT('k', i) WITH {v: i == 4 ? [1] : [i, i, i]} IN c"},
    )
    assert (status, body["errorNum"]) == (400, 17)
    status, body = api(
        "POST",
        "/_api/cursor",
        {"query": "FOR i IN 1..3 INSERT {_key: CONCAT('n', i), v: i == 3 ? 'x' : [i, i, i]} IN c"},
    )
    assert (status, body["errorNum"]) == (400, 17)
    assert api.query("FOR d IN c SORT d._key RETURN d.v") == before
    check_vectors(api)


def test_a_batch_with_bad_vectors_writes_the_good_ones_only() -> None:
    api = _api()
    answer = api.ok(
        "POST",
        "/_api/document/c",
        [{"_key": "g1", "v": [1, 2, 3]}, {"_key": "b1", "v": [1]}, {"_key": "g2", "v": [0, 0, 0]}],
    )
    assert [a.get("errorNum") for a in answer] == [None, 17, None]
    assert "b1" not in api.keys("c")
    check_vectors(api)


def test_remove_and_truncate_keep_the_index_consistent() -> None:
    api = _api(docs=8)
    for key in ("k0", "k7", "k3"):
        api.ok("DELETE", f"/_api/document/c/{key}")
    check_vectors(api)
    assert len(api.query(NEAR, {"q": [0, 0, 0], "k": 100})) == 5
    api.ok("PUT", "/_api/collection/c/truncate")
    check_vectors(api)
    assert api.query("FOR d IN c RETURN d") == []
    listed = api.ok("GET", "/_api/index?collection=c")["indexes"][1]
    assert listed["trainingState"] == "unusable"
    api.ok("POST", "/_api/document/c", [{"v": [1, 2, 3]}, {"v": [3, 2, 1]}])
    assert len(api.query(NEAR, {"q": [0, 0, 0], "k": 5})) == 2
    check_vectors(api)


_VECTOR = (
    st.lists(
        st.one_of(
            st.integers(min_value=-(2**63), max_value=2**64 - 1),
            st.floats(allow_nan=False, allow_infinity=False),
            st.none(),
            st.text(max_size=2),
        ),
        min_size=2,
        max_size=4,
    )
    | _JSON
)
_WRITE = st.tuples(st.sampled_from(["POST", "PATCH", "PUT", "DELETE"]), st.integers(0, 7), _VECTOR)


#: what the generated test below draws (benchmarks/fuzz_long.py draws more)
WRITES_ARGS = (st.lists(_WRITE, min_size=1, max_size=15),)


@FAST
@given(*WRITES_ARGS)
def test_generated_writes_keep_exactly_the_valid_vectors(
    writes: list[tuple[str, int, Any]],
) -> None:
    api = _api()
    for method, n, vector in writes:
        key = f"k{n}"
        url = "/_api/document/c" if method == "POST" else f"/_api/document/c/{key}"
        body = None if method == "DELETE" else {"_key": key, "v": vector}
        status, answer = api(method, url, body)
        if status >= 400:
            assert answer["errorNum"] in (10, 17, 1202, 1210), answer
            if answer["errorNum"] in (10, 17):
                assert not _valid(vector, 3)
        else:
            assert method == "DELETE" or _valid(vector, 3), (method, vector)
    check_vectors(api)
    found = api.query(NEAR, {"q": [1, 2, 3], "k": 100})
    assert sorted(found) == api.keys("c")


def test_concurrent_writers_leave_the_index_consistent() -> None:
    api = _api()
    failures: list[Any] = []

    def writer(n: int) -> None:
        for i in range(20):
            vector = [n, i, 1] if i % 5 else [n, "bad", 1]
            status, body = api("POST", "/_api/document/c", {"_key": f"w{n}_{i}", "v": vector})
            if (status, body.get("errorNum")) not in ((202, None), (400, 17)):
                failures.append(body)
            if i % 3 == 0:
                api("DELETE", f"/_api/document/c/w{n}_{i}")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    # per writer: 16 good of 20, 5 of them removed again (i = 3, 6, 9, 12, 18)
    assert len(api.keys("c")) == 6 + 4 * 11
    check_vectors(api)


# ------------------------------------------------------------------ queries
@pytest.mark.parametrize(
    ("query", "status", "num", "message"),
    [
        (
            "FOR d IN c SORT APPROX_NEAR_L2(d.v) LIMIT 2 RETURN d",
            400,
            1541,
            "AQL: invalid number of arguments for function 'APPROX_NEAR_L2()', expected number "
            "of arguments: minimum: 2, maximum: 3 (while parsing)",
        ),
        ("FOR d IN c SORT APPROX_NEAR_L2(d.v, [1,2,3], {}, 1) LIMIT 2 RETURN d", 400, 1541, None),
        ("RETURN APPROX_NEAR_L2()", 400, 1541, None),
        (
            "FOR d IN c SORT APPROX_NEAR_L2(d.v, [1,2,3], {nProbe: -1}) LIMIT 2 RETURN d",
            400,
            1501,
            "AQL: error parsing searchParameters: nProbe must be 1 or greater!! (while parsing)",
        ),
        (
            "FOR d IN c SORT APPROX_NEAR_L2(d.v, [1,2,3], {nProbe: 0}) LIMIT 2 RETURN d",
            400,
            1501,
            None,
        ),
        (
            "FOR d IN c SORT APPROX_NEAR_L2(d.v, [1,2,3], {nProbe: 'x'}) LIMIT 2 RETURN d",
            400,
            1501,
            "AQL: error parsing searchParameters: Invalid value type for operation! "
            "(while parsing)",
        ),
        (
            "FOR d IN c SORT APPROX_NEAR_L2(d.v, [1,2,3], {nProbe: 1e300}) LIMIT 2 RETURN d",
            400,
            1501,
            "AQL: error parsing searchParameters: Number out of range! (while parsing)",
        ),
        (
            "FOR d IN c SORT APPROX_NEAR_L2(d.v, [1,2,3], {x: 1}) LIMIT 2 RETURN d",
            400,
            1501,
            "AQL: error parsing searchParameters: Found unexpected attribute 'x'! (while parsing)",
        ),
        ("RETURN APPROX_NEAR_L2([1,2,3], [1,2,3])", 400, 1554, None),
        ("FOR d IN c SORT APPROX_NEAR_L2(d.v, [1,2,3]) RETURN d", 400, 1554, None),
        ("FOR d IN c SORT APPROX_NEAR_L2(d.v, [1,2,3]) DESC LIMIT 2 RETURN d", 400, 1554, None),
        ("FOR d IN c SORT APPROX_NEAR_COSINE(d.v, [1,2,3]) DESC LIMIT 2 RETURN d", 400, 1554, None),
    ],
)
def test_bad_vector_queries_get_arangodbs_errors(
    query: str, status: int, num: int, message: str | None
) -> None:
    api = _api()
    got = api.error(status, num, "POST", "/_api/cursor", {"query": query})
    if message is not None:
        assert got == message
    # explain refuses what parsing refuses, and never fails internally
    api("POST", "/_api/explain", {"query": query})
    check_vectors(api)


@pytest.mark.parametrize(
    ("point", "num", "message"),
    [
        ("abc", 1542, "AQL: query point must be a vector, but is a string"),
        ({"a": 1}, 1542, "AQL: query point must be a vector, but is a"),
        ([1, 2], 1542, "AQL: a vector must be of dimension 3, but is 2"),
        ([1, 2, 3, 4], 1542, "AQL: a vector must be of dimension 3, but is 4"),
        ([1, "a", 3], 10, "AQL: Invalid value type for operation"),
        ([1, None, 3], 10, "AQL: Invalid value type for operation"),
    ],
)
def test_bad_query_points_are_refused(point: Any, num: int, message: str) -> None:
    api = _api()
    body = {"query": NEAR, "bindVars": {"q": point, "k": 2}}
    assert api.error(400, num, "POST", "/_api/cursor", body).startswith(message)
    check_vectors(api)


@pytest.mark.parametrize("limit", [1, 10**12, 2**53])
def test_huge_and_zero_limits(limit: int) -> None:
    api = _api()
    found = api.query(NEAR, {"q": [0, 0, 0], "k": limit})
    assert len(found) == min(limit, 6)
    offset = api.query(
        "FOR d IN c SORT APPROX_NEAR_L2(d.v, [0,0,0]) LIMIT @o, @k RETURN d._key",
        {"o": 10**12, "k": limit},
    )
    assert offset == []


@pytest.mark.parametrize("limit", [-1, 1e30, "x", None])
def test_bad_limits_are_1501_or_accepted_as_arangodb_reads_them(limit: Any) -> None:
    api = _api()
    status, body = api(
        "POST", "/_api/cursor", {"query": NEAR, "bindVars": {"q": [0, 0, 0], "k": limit}}
    )
    assert status in (201, 400), body
    if status == 400:
        assert body["errorNum"] in (1501, 1554), body


def test_vector_search_in_subqueries_stream_cursors_and_profiles() -> None:
    api = _api(docs=10)
    nested = api.query(
        "FOR x IN [0, 5] RETURN (FOR d IN c SORT APPROX_NEAR_L2(d.v, [x, x+1, x+2]) "
        "LIMIT 2 RETURN d._key)"
    )
    assert nested == [["k0", "k1"], ["k5", "k4"]] or nested == [["k0", "k1"], ["k5", "k6"]]
    first = api.ok(
        "POST",
        "/_api/cursor",
        {
            "query": NEAR,
            "bindVars": {"q": [0, 1, 2], "k": 4},
            "batchSize": 1,
            "options": {"stream": True, "profile": 2},
        },
    )
    keys = list(first["result"])
    cursor = first.get("id")
    while cursor is not None:
        # a write between batches must not disturb the running search
        api.ok("POST", "/_api/document/c", {"v": [9, 9, 9]})
        api("POST", "/_api/document/c", {"v": "bad"})
        page = api.ok("POST", f"/_api/cursor/{cursor}")
        keys += page["result"]
        cursor = page.get("id") if page["hasMore"] else None
    assert keys[0] == "k0" and len(keys) == 4
    explained = api.ok(
        "POST", "/_api/explain", {"query": NEAR, "bindVars": {"q": [0, 1, 2], "k": 4}}
    )
    assert json.dumps(explained)  # serialisable
    check_vectors(api)
