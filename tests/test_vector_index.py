"""Vector indexes as ArangoDB 3.12.10 defines, validates, trains and lists them."""

from __future__ import annotations

import json
import math
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from arangoasync.exceptions import DocumentInsertError, DocumentUpdateError, IndexCreateError
from user_suite import run_user_suite

from pytest_arangomock import BackendRequest, Emulator
from pytest_arangomock.cli import build_parser
from pytest_arangomock.state.indexes import vector as vector_module

PREFIX = "Error with parsing the `params` field in vector index definition: "


def _docs(n: int, dim: int = 3, start: int = 0) -> list[dict[str, Any]]:
    return [
        {"_key": f"k{i:03d}", "v": [float((i * (j + 3)) % 7 + 1) for j in range(dim)]}
        for i in range(start, start + n)
    ]


async def _collection(arango_db: Any, docs: list[dict[str, Any]] | None = None) -> Any:
    col = await arango_db.create_collection("c")
    if docs:
        await col.insert_many(docs)
    return col


def _url(arango_db: Any, suffix: str = "?collection=c") -> str:
    return f"/_db/{arango_db.name}/_api/index{suffix}"


async def test_every_property_is_stored_and_reported(arango_db, raw):
    await _collection(arango_db, _docs(12))
    body = {
        "type": "vector",
        "name": "vec",
        "fields": ["v"],
        "sparse": True,
        "parallelism": 1,
        "inBackground": False,
        "storedValues": ["label", "v"],
        "params": {
            "metric": "l2",
            "dimension": 3,
            "nLists": 2,
            "defaultNProbe": 4,
            "trainingIterations": 5,
            "numberOfDocsPerCentroid": 7,
            "factory": "IVF2,Flat",
        },
    }
    status, created, _ = raw("POST", _url(arango_db), body)
    assert status == 201
    assert created == {
        "code": 201,
        "error": False,
        "errorMessage": "",
        "fields": ["v"],
        "id": created["id"],
        "isNewlyCreated": True,
        "name": "vec",
        "params": {
            "defaultNProbe": 4,
            "dimension": 3,
            "factory": "IVF2,Flat",
            "metric": "l2",
            "nLists": 2,
            "numberOfDocsPerCentroid": 7,
            "trainingIterations": 5,
        },
        "resolvedNLists": 2,
        "sparse": True,
        "storedValues": ["label", "v"],
        "trainingState": "ready",
        "type": "vector",
        "unique": False,
    }
    # the same definition again is the same index; other params make another one
    status, again, _ = raw("POST", _url(arango_db), body)
    assert (status, again["id"], again["isNewlyCreated"]) == (200, created["id"], False)
    body["params"] = {**body["params"], "defaultNProbe": 5}
    body["name"] = "vec2"
    status, other, _ = raw("POST", _url(arango_db), body)
    assert status == 201 and other["id"] != created["id"]
    # GET of one index shows the resolved number of centroids, the listing does not
    status, one, _ = raw("GET", f"/_db/{arango_db.name}/_api/index/{created['id']}")
    assert (status, one["resolvedNLists"], one["trainingState"]) == (200, 2, "ready")
    assert "errorMessage" not in one


async def test_defaults_and_the_default_scaling_nlists(arango_db, raw):
    await _collection(arango_db, _docs(100))
    status, created, _ = raw(
        "POST",
        _url(arango_db),
        {"type": "vector", "fields": ["v"], "params": {"metric": "cosine", "dimension": 3}},
    )
    assert status == 201
    assert created["params"] == {
        "defaultNProbe": 1,
        "dimension": 3,
        "metric": "cosine",
        "nLists": {
            "minNLists": 2,
            "multiplier": 4,
            "strategy": "autoSqrt",
            "tiers": [
                {"fixedValue": 16384, "threshold": 1000000},
                {"fixedValue": 65536, "threshold": 10000000},
                {"fixedValue": 131072, "threshold": 300000000},
            ],
        },
        "numberOfDocsPerCentroid": 100,
        "trainingIterations": 25,
    }
    assert created["sparse"] is False and created["unique"] is False
    assert created["name"].startswith("idx_")
    # max(minNLists, multiplier * sqrt(N)) for N = 100
    assert created["resolvedNLists"] == 40


async def test_driver_creates_lists_and_drops_a_vector_index(arango_db):
    col = await _collection(arango_db, _docs(10))
    index = await col.add_index(
        "vector",
        ["v"],
        {"name": "emb", "params": {"metric": "innerProduct", "dimension": 3, "nLists": 2}},
    )
    assert (index.name, index.type, index.training_state) == ("emb", "vector", "ready")
    listed = {ix.id: ix for ix in await col.indexes(with_hidden=True)}
    assert listed[index.id].shards == {
        "c": {"error": "", "resolvedNLists": 2, "trainingState": "ready"}
    }
    assert await col.delete_index(index.id) is True


BAD_DEFINITIONS = [
    ({"params": None}, PREFIX + "Expecting type Object"),
    ({"params": {"metric": "l2"}}, PREFIX + "Missing required attribute 'dimension'"),
    ({"params": {"dimension": 3}}, PREFIX + "Missing required attribute 'metric'"),
    ({"params": {"metric": "l2", "dimension": 0}}, PREFIX + "Dimension must be greater than 0!"),
    ({"params": {"metric": "l2", "dimension": -2}}, PREFIX + "Number out of range"),
    ({"params": {"metric": "l2", "dimension": "3"}}, PREFIX + "Invalid value type for operation"),
    ({"params": {"metric": "cosinus", "dimension": 3}}, PREFIX + "Unknown enum value cosinus"),
    ({"params": {"metric": 1, "dimension": 3}}, PREFIX + "Expecting type String"),
    (
        {"params": {"metric": "l2", "dimension": 3, "nLists": 0}},
        PREFIX + "nLists must be 1 or greater!",
    ),
    (
        {"params": {"metric": "l2", "dimension": 3, "nLists": -1}},
        PREFIX + "Could not find matching inline type",
    ),
    (
        {
            "params": {
                "metric": "l2",
                "dimension": 3,
                "nLists": {"strategy": "autoSqrt", "multiplier": 0, "minNLists": 2},
            }
        },
        PREFIX + "Could not find matching inline type",
    ),
    (
        {"params": {"metric": "l2", "dimension": 3, "defaultNProbe": 0}},
        PREFIX + "defaultNProbe must be 1 or greater!",
    ),
    (
        {"params": {"metric": "l2", "dimension": 3, "numberOfDocsPerCentroid": 0}},
        PREFIX + "numberOfDocsPerCentroid must be 1 or greater!",
    ),
    (
        {"params": {"metric": "l2", "dimension": 3, "nProbe": 2}},
        PREFIX + "Found unexpected attribute 'nProbe'",
    ),
    ({"unique": True}, "Vector index cannot be unique"),
    ({"fields": ["v", "w"]}, "invalid number of index attributes"),
    ({"fields": []}, "invalid number of index attributes"),
    ({"storedValues": [f"s{i}" for i in range(33)]}, "invalid number of index attributes"),
]


@pytest.mark.parametrize(("change", "message"), BAD_DEFINITIONS)
async def test_bad_definitions_get_arangodbs_errors(arango_db, raw, change, message):
    await _collection(arango_db)
    body = {"type": "vector", "fields": ["v"], "params": {"metric": "l2", "dimension": 3}}
    body.update(change)
    status, error, _ = raw("POST", _url(arango_db), body)
    assert (status, error["errorNum"], error["errorMessage"]) == (400, 10, message)
    status, listing, _ = raw("GET", _url(arango_db))
    assert [ix["type"] for ix in listing["indexes"]] == ["primary"]


async def test_writes_check_the_vector(arango_db):
    col = await _collection(arango_db)
    await col.add_index("vector", ["v"], {"params": {"metric": "l2", "dimension": 2, "nLists": 1}})
    cases = [
        ({"_key": "a"}, 10, "vector field not present in document a"),
        ({"_key": "b", "v": "x"}, 17, "array expected for vector attribute for document b"),
        ({"_key": "n", "v": None}, 17, "array expected for vector attribute for document n"),
        (
            {"_key": "c", "v": [1]},
            17,
            "provided vector is not of matching dimension for document c, index dimension: 2, "
            "document dimension: 1",
        ),
        (
            {"_key": "d", "v": [1, "2"]},
            17,
            "vector contains data not representable as double for document d",
        ),
        (
            {"_key": "e", "v": [1, True]},
            17,
            "vector contains data not representable as double for document e",
        ),
    ]
    for doc, num, message in cases:
        with pytest.raises(DocumentInsertError) as err:
            await col.insert(doc)
        assert (err.value.http_code, err.value.error_code) == (400, num)
        assert err.value.error_message == message
    assert await col.count() == 0
    await col.insert({"_key": "ok", "v": [1, 2.5]})
    with pytest.raises(DocumentUpdateError):
        await col.update({"_key": "ok", "v": [1]})
    assert (await col.get("ok"))["v"] == [1, 2.5]


async def test_sparse_index_skips_documents_without_the_vector(arango_db, raw):
    col = await _collection(arango_db, [{"_key": "none"}, *_docs(3)])
    index = await col.add_index(
        "vector", ["v"], {"sparse": True, "params": {"metric": "l2", "dimension": 3, "nLists": 3}}
    )
    assert index.training_state == "ready"
    await col.insert({"_key": "other"})
    cursor = await arango_db.aql.execute(
        "FOR d IN c SORT APPROX_NEAR_L2(d.v, [0, 0, 0]) LIMIT 10 RETURN d._key"
    )
    assert sorted([k async for k in cursor]) == ["k000", "k001", "k002"]


async def test_creation_over_bad_documents_fails_and_creates_nothing(arango_db, raw):
    await _collection(arango_db, [*_docs(2), {"_key": "bad", "v": [1, 2]}])
    status, error, _ = raw(
        "POST",
        _url(arango_db),
        {"type": "vector", "fields": ["v"], "params": {"metric": "l2", "dimension": 3}},
    )
    assert (status, error["errorNum"]) == (400, 17)
    assert error["errorMessage"].startswith("provided vector is not of matching dimension for")
    status, listing, _ = raw("GET", _url(arango_db))
    assert len(listing["indexes"]) == 1


async def test_index_created_before_data_trains_once_the_threshold_is_passed(arango_db, raw):
    col = await _collection(arango_db)
    index = await col.add_index(
        "vector", ["v"], {"params": {"metric": "cosine", "dimension": 3, "nLists": 4}}
    )
    assert index.training_state == "unusable"
    assert index.error_message == "not enough training data for vector index"
    await col.insert_many(_docs(3))
    _status, listing, _ = raw("GET", _url(arango_db, "?collection=c&withHidden=true"))
    vec = listing["indexes"][1]
    assert (vec["trainingState"], vec["errorMessage"]) == (
        "unusable",
        "not enough training data for vector index",
    )
    assert vec["shards"]["c"] == {
        "error": "not enough training data for vector index",
        "resolvedNLists": 0,
        "trainingState": "unusable",
    }
    await col.insert(_docs(1, start=3)[0])
    _, listing, _ = raw("GET", _url(arango_db, "?collection=c&withHidden=true"))
    vec = listing["indexes"][1]
    assert vec["trainingState"] == "ready" and "errorMessage" not in vec
    assert "resolvedNLists" not in vec  # only per shard in a listing
    assert vec["shards"]["c"] == {"error": "", "resolvedNLists": 4, "trainingState": "ready"}
    # truncation starts the training over
    await col.truncate()
    _, listing, _ = raw("GET", _url(arango_db))
    assert listing["indexes"][1]["trainingState"] == "unusable"


async def test_scaling_nlists_resolves_from_the_document_count(arango_db, raw):
    await _collection(arango_db, _docs(30))
    spec = {"strategy": "autoSqrt", "multiplier": 2, "minNLists": 3, "tiers": []}
    status, created, _ = raw(
        "POST",
        _url(arango_db),
        {
            "type": "vector",
            "fields": ["v"],
            "params": {"metric": "l2", "dimension": 3, "nLists": spec, "factory": "IVF{},SQ8"},
        },
    )
    assert status == 201
    assert created["params"]["nLists"] == spec
    assert created["params"]["factory"] == "IVF{},SQ8"
    assert created["resolvedNLists"] == max(3, int(2 * math.sqrt(30)))
    tiers = {
        **spec,
        "tiers": [{"threshold": 10, "fixedValue": 5}, {"threshold": 20, "fixedValue": 7}],
    }
    status, tiered, _ = raw(
        "POST",
        _url(arango_db),
        {
            "type": "vector",
            "fields": ["v"],
            "params": {"metric": "cosine", "dimension": 3, "nLists": tiers},
        },
    )
    assert tiered["resolvedNLists"] == 7  # the tier with the highest threshold <= 30


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"nLists": 3, "factory": "IVF4,Flat"},
            "The nLists parameter (3) has to agree with the actual nlists implied by the "
            "factory string 'IVF4,Flat' (which is 4)",
        ),
        ({"nLists": 3, "factory": "HNSW32"}, "Index definition not supported. Expected IVF index."),
        (
            {"nLists": {"strategy": "autoSqrt", "multiplier": 4, "minNLists": 2}},
            "Error: 'nx >= k' failed: Number of training points (6) should be at least as "
            "large as number of clusters (9)",
        ),
    ],
)
async def test_failed_training_leaves_the_index_unusable_with_the_reason(
    arango_db, raw, params, message
):
    await _collection(arango_db, _docs(6))
    status, created, _ = raw(
        "POST",
        _url(arango_db),
        {"type": "vector", "fields": ["v"], "params": {"metric": "l2", "dimension": 3, **params}},
    )
    assert (status, created["trainingState"], created["errorMessage"]) == (201, "unusable", message)
    status, listing, _ = raw("GET", _url(arango_db, "?collection=c&withHidden=true"))
    assert listing["indexes"][1]["errorMessage"] == message
    assert listing["indexes"][1]["shards"]["c"]["error"] == message


async def test_figures_engine_and_background_creation(arango_db, raw):
    await _collection(arango_db, _docs(5, dim=4))
    status, created, _ = raw(
        "POST",
        _url(arango_db),
        {
            "type": "vector",
            "fields": ["v"],
            "inBackground": True,
            "params": {"metric": "l2", "dimension": 4, "nLists": 1},
        },
    )
    assert status == 201 and "errorMessage" not in created
    status, listing, _ = raw("GET", _url(arango_db, "?collection=c&withStats=true"))
    assert listing["indexes"][1]["figures"]["memory"] >= 5 * 4 * 4
    status, engine, _ = raw("GET", "/_api/engine")
    assert "vector" in engine["supports"]["indexes"]


def test_vector_index_option_off_answers_as_arangodb_without_it():
    emulator = Emulator(vector_index=False, authentication=False)

    def post(url: str, body: dict[str, Any]) -> tuple[int, Any]:
        resp = emulator.handle_sync(
            BackendRequest.from_url("POST", url, {}, json.dumps(body).encode())
        )
        return resp.status, json.loads(resp.body)

    post("/_api/collection", {"name": "c"})
    status, error = post(
        "/_api/index?collection=c",
        {"type": "vector", "fields": ["v"], "params": {"metric": "l2", "dimension": 3}},
    )
    assert (status, error["errorNum"], error["errorMessage"]) == (
        400,
        10,
        "vector index feature is not enabled. Run ArangoDB with `--vector-index` flag turned on.",
    )


def test_without_numpy_a_vector_index_answers_501_naming_the_extra(raw, monkeypatch):
    def missing(name: str) -> Any:
        raise ImportError(name)

    monkeypatch.setattr(vector_module, "_numpy_module", None)
    monkeypatch.setattr(vector_module.importlib, "import_module", missing)
    raw("POST", "/_api/collection", {"name": "c"})
    status, error, _ = raw(
        "POST",
        "/_api/index?collection=c",
        {"type": "vector", "fields": ["v"], "params": {"metric": "l2", "dimension": 3}},
    )
    assert (status, error["errorNum"]) == (501, 9)
    assert 'pip install "pytest-arangomock[vector]"' in error["errorMessage"]


def test_serve_command_takes_the_vector_index_option():
    parser = build_parser()
    assert parser.parse_args(["serve"]).vector_index == "true"
    assert parser.parse_args(["serve", "--vector-index"]).vector_index == "true"
    assert parser.parse_args(["serve", "--vector-index", "false"]).vector_index == "false"


OFF_TEST = textwrap.dedent(
    """
    import pytest
    from arangoasync.exceptions import IndexCreateError

    @pytest.mark.asyncio
    async def test_off(arango_db):
        col = await arango_db.create_collection("c")
        with pytest.raises(IndexCreateError) as err:
            await col.add_index("vector", ["v"], {"params": {"metric": "l2", "dimension": 2}})
        assert err.value.http_code == 400
        assert "--vector-index" in err.value.message
    """
)


def _run_user_suite(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pytest.ini").write_text("[pytest]\narango_vector_index = false\n")
    return run_user_suite(tmp_path, OFF_TEST, *extra)


def test_plugin_ini_and_command_line_set_the_vector_index_option(tmp_path: Path) -> None:
    off = _run_user_suite(tmp_path)
    assert "1 passed" in off.stdout, off.stdout + off.stderr
    on = _run_user_suite(tmp_path, "--arango-vector-index=true")
    assert "1 failed" in on.stdout, on.stdout + on.stderr


async def test_unique_vector_index_is_refused_through_the_driver(arango_db):
    col = await _collection(arango_db)
    with pytest.raises(IndexCreateError) as err:
        await col.add_index(
            "vector", ["v"], {"unique": True, "params": {"metric": "l2", "dimension": 2}}
        )
    assert (err.value.http_code, err.value.error_code) == (400, 10)
