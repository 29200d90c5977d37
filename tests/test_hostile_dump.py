"""Hostile input against dump and restore: arangorestore's routes, the replication and
batched dump APIs, and ``Emulator.restore`` on damaged dump directories. Each refusal is
ArangoDB's own error (RestReplicationHandler, RestDumpHandler) or, for the Python loader,
a ``RestoreError``/``ArangoError``; nothing is half-written: a restore-data batch is one
transaction in ArangoDB, and a failed directory load leaves the server as it was."""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hostile_api import Api, fast
from hypothesis import given
from hypothesis import strategies as st

from pytest_arangomock import Emulator
from pytest_arangomock.base.errors import ArangoError
from pytest_arangomock.emulator.dumpdir import RestoreError

FAST = fast(25)
DATA = "/_api/replication/restore-data?collection=c"


def _api() -> Api:
    api = Api()
    api.ok("POST", "/_api/collection", {"name": "c"})
    api.ok("POST", "/_api/document/c", [{"_key": f"k{i}", "n": i} for i in range(3)])
    return api


def _snapshot(api: Api) -> Any:
    return api.query("FOR d IN c SORT d._key RETURN d")


def _corrupt(line: int, text: str, why: str) -> str:
    return (
        f"invalid JSON object: received invalid JSON data for collection 'c' on line {line}: "
        f"{why} in message '{text}'"
    )


# ------------------------------------------------------------------ restore-data
@pytest.mark.parametrize(
    ("body", "status", "num", "message"),
    [
        (b'{"_key":"a"}\n{oops\n', 400, 600, _corrupt(2, "{oops", "Expecting '\"' or '}'")),
        (b'{"_key":"a"}\n\n\n{oops\n', 400, 600, _corrupt(4, "{oops", "Expecting '\"' or '}'")),
        (b'{"_key":"a"}\n{oops', 400, 600, _corrupt(1, "{oops", "Expecting '\"' or '}'")),
        (b'{"_key":"a"}\n[1]\n', 400, 600, _corrupt(2, "[1]", "data is no object")),
        (b'{"_key":"a"}\n"str"\n', 400, 600, _corrupt(2, '"str"', "data is no object")),
        (
            b'{"_key":"a","x":NaN}\n',
            400,
            600,
            _corrupt(1, '{"_key":"a","x":NaN}', "Expecting digit"),
        ),
        (
            b'{"_key":"a","x":1e400}\n',
            400,
            600,
            _corrupt(1, '{"_key":"a","x":1e400}', "Number out of range"),
        ),
        (
            b'{"_key":"a"}{"_key":"b"}\n',
            400,
            600,
            _corrupt(1, '{"_key":"a"}{"_key":"b"}', "Expecting EOF"),
        ),
        (
            b'{"_key":"a"}\n{"n":1}\n',
            400,
            400,
            "bad parameter: received invalid JSON data for collection 'c' on line 2: empty key",
        ),
        (b'{"_key":"a"}\n{"_key":"bad/key"}\n', 400, 1221, None),
        (b'{"_key":"a"}\n{"_key":"' + b"x" * 300 + b'"}\n', 400, 1221, None),
        (b'{"_key":"a"}\n{"type":2300,"data":{"_key":5}}\n', 400, 400, None),
    ],
)
def test_a_bad_line_refuses_the_whole_batch(
    body: bytes, status: int, num: int, message: str | None
) -> None:
    api = _api()
    before = _snapshot(api)
    got, answer = api("PUT", DATA, raw=body)
    assert (got, answer["errorNum"], answer["code"]) == (status, num, status), answer
    if message is not None:
        assert answer["errorMessage"] == message
    assert _snapshot(api) == before


def test_nesting_past_the_limit_is_600_and_writes_nothing() -> None:
    api = _api()
    line = b'{"_key":"a","v":' + b"[" * 300 + b"]" * 300 + b"}\n"
    got, answer = api("PUT", DATA, raw=b'{"_key":"z"}\n' + line)
    assert (got, answer["errorNum"]) == (400, 600)
    assert "on line 2: Nesting too deep" in answer["errorMessage"]
    assert "z" not in api.keys("c")


def test_a_failing_insert_undoes_the_lines_before_it() -> None:
    api = _api()
    api.ok(
        "POST",
        "/_api/index?collection=c",
        {"type": "persistent", "fields": ["u"], "unique": True, "sparse": True},
    )
    api.ok(
        "POST",
        "/_api/index?collection=c",
        {
            "type": "vector",
            "fields": ["v"],
            "sparse": True,
            "params": {"metric": "l2", "dimension": 2},
        },
    )
    before = _snapshot(api)
    body = b'{"_key":"k0","n":99}\n{"_key":"new","u":1}\n{"_key":"dup","u":1}\n'
    got, answer = api("PUT", DATA, raw=body)
    assert (got, answer["errorNum"]) == (409, 1210), answer
    body = b'{"_key":"k1","n":7}\n{"_key":"vec","v":[1,2,3]}\n'
    got, answer = api("PUT", DATA, raw=body)
    assert (got, answer["errorNum"]) == (400, 17), answer
    assert _snapshot(api) == before
    # a good batch with removals and replacements still applies whole
    good = b'{"type":2302,"data":{"_key":"k2"}}\n{"_key":"k0","n":5}\n{"_key":"vec","v":[1,2]}\n'
    assert api("PUT", DATA, raw=good) == (200, {"result": True})
    assert api.keys("c") == ["k0", "k1", "vec"]


@pytest.mark.parametrize(
    ("url", "status", "num", "message"),
    [
        ("/_api/replication/restore-data?collection=nope", 404, 1203, None),
        (
            "/_api/replication/restore-data?collection=",
            400,
            400,
            "invalid collection parameter, not given",
        ),
        ("/_api/replication/restore-data", 400, 400, "invalid collection parameter, not given"),
        ("/_api/replication/restore-data?collection=c/../c", 404, 1203, None),
    ],
)
def test_restore_data_into_missing_collections(
    url: str, status: int, num: int, message: str | None
) -> None:
    api = _api()
    got = api.error(status, num, "PUT", url, {"_key": "a"})
    if message is not None:
        assert got == message


def test_lines_of_one_character_or_none_are_skipped() -> None:
    api = _api()
    assert api("PUT", DATA, raw=b'5\n\n \n{"_key":"a"}\n7') == (200, {"result": True})
    assert "a" in api.keys("c")


#: what the generated test below draws (benchmarks/fuzz_long.py draws more)
BATCH_ARGS = (
    st.lists(
        st.binary(max_size=30) | st.sampled_from([b'{"_key":"g"}', b"{", b"[]", b"null"]),
        max_size=6,
    ),
)


@FAST
@given(*BATCH_ARGS)
def test_generated_batches_apply_whole_or_not_at_all(lines: list[bytes]) -> None:
    api = _api()
    before = _snapshot(api)
    status, answer = api("PUT", DATA, raw=b"\n".join(lines))
    if status == 200:
        assert answer == {"result": True}
    else:
        assert status in (400, 404, 409), answer
        assert _snapshot(api) == before


# ------------------------------------------------------------------ structures and views
@pytest.mark.parametrize(
    ("body", "status", "num", "message"),
    [
        ([], 400, 400, "collection declaration is invalid"),
        ({"parameters": 5}, 400, 400, "collection parameters declaration is invalid"),
        ({"parameters": {"name": 5}}, 400, 400, "collection name is missing"),
        ({"parameters": {"name": ""}}, 400, 400, "collection name is missing"),
        (
            {"parameters": {"name": "x"}, "indexes": 5},
            400,
            400,
            "collection indexes declaration is invalid",
        ),
        ({"parameters": {"name": "../../etc"}}, 400, 1208, "illegal name: collection name invalid"),
        ({"parameters": {"name": "x" * 300}}, 400, 1208, "illegal name: collection name invalid"),
        (
            {"parameters": {"name": "c"}},
            409,
            1207,
            "unable to create collection 'c': duplicate name",
        ),
    ],
)
def test_restore_collection_structures(body: Any, status: int, num: int, message: str) -> None:
    api = _api()
    assert api.error(status, num, "PUT", "/_api/replication/restore-collection", body) == message
    assert api.keys("c") == ["k0", "k1", "k2"]


@pytest.mark.parametrize(
    ("indexes", "status", "num", "message"),
    [
        (5, 400, 400, "collection indexes declaration is invalid"),
        (None, 400, 400, "collection indexes declaration is invalid"),
        ([5], 400, 400, "index definition is invalid"),
        ([{"type": "nope"}], 400, 10, "could not create index: invalid index type 'nope'"),
        (
            [{"type": "persistent"}],
            400,
            10,
            "could not create index: invalid number of index attributes",
        ),
        (
            [{"type": "vector", "fields": ["v"], "params": {"metric": "l2", "dimension": 2**64}}],
            400,
            10,
            "could not create index: Error with parsing the `params` field in vector index "
            "definition: Number out of range",
        ),
    ],
)
def test_restore_indexes_refusals(indexes: Any, status: int, num: int, message: str) -> None:
    api = _api()
    body = {"parameters": {"name": "c"}, "indexes": indexes}
    assert api.error(status, num, "PUT", "/_api/replication/restore-indexes", body) == message


def test_restore_indexes_skips_what_arangodb_skips() -> None:
    api = _api()
    url = "/_api/replication/restore-indexes"
    api.error(
        404, 1203, "PUT", url, {"parameters": {"name": "nope"}, "indexes": [{"type": "hash"}]}
    )
    api.ok("PUT", url, {"parameters": {"name": "nope"}, "indexes": []})
    api.ok(
        "PUT", url, {"parameters": {"name": "nope", "deleted": True}, "indexes": [{"type": "x"}]}
    )
    indexes = [
        {"type": 5},
        {"fields": ["a"]},
        {"type": "primary"},
        {"type": "geo1", "fields": ["g"]},
    ]
    api.ok("PUT", url, {"parameters": {"name": "c"}, "indexes": indexes})
    listed = api.ok("GET", "/_api/index?collection=c")["indexes"]
    assert [i["type"] for i in listed] == ["primary", "geo"]


@pytest.mark.parametrize(
    ("body", "status", "num"),
    [
        (5, 400, 400),
        ({}, 400, 400),
        ({"name": 5, "type": "arangosearch"}, 400, 400),
        ({"name": "v", "type": "nope"}, 400, 10),
        ({"name": "../v", "type": "arangosearch"}, 400, 1208),
        ({"name": "v", "type": "arangosearch", "links": {"nope": {}}}, 404, 1203),
        ({"name": "v", "type": "arangosearch", "links": 5}, 400, 10),
        (
            {"name": "v", "type": "search-alias", "indexes": [{"collection": "c", "index": "x"}]},
            404,
            1212,
        ),
    ],
)
def test_restore_view_garbage(body: Any, status: int, num: int) -> None:
    api = _api()
    api.error(status, num, "PUT", "/_api/replication/restore-view", body)
    assert api.ok("GET", "/_api/view")["result"] == []


# ------------------------------------------------------------------ dump APIs
def test_replication_dump_with_hostile_parameters() -> None:
    api = _api()
    batch = api.ok("POST", "/_api/replication/batch", {"ttl": 30})["id"]
    url = f"/_api/replication/dump?collection=c&batchId={batch}"
    status, body = api("GET", url + "&chunkSize=99999999999999999999999")
    assert status == 200 and body.count(b"\n") == 3  # capped, one block holds all three
    for size in ("-5", "abc", "1e400", "0", "NaN"):
        assert api("GET", f"{url}&chunkSize={size}")[0] == 204  # nothing left in this batch
    missing = "replication dump - unable to find context (it could be expired)"
    assert api.error(404, 400, "GET", "/_api/replication/dump?collection=c&batchId=999") == missing
    api.error(404, 400, "GET", "/_api/replication/dump?collection=c")
    api.error(404, 1203, "GET", f"/_api/replication/dump?collection=nope&batchId={batch}")
    api.error(404, 1600, "GET", "/_api/replication/inventory?batchId=zzz")
    api.error(404, 1600, "PUT", "/_api/replication/batch/nope", {"ttl": 5})
    api.error(404, 1600, "DELETE", "/_api/replication/batch/nope")
    api.error(400, 400, "POST", "/_api/replication/batch", [])
    assert api("DELETE", f"/_api/replication/batch/{batch}")[0] == 204
    api.error(404, 1600, "DELETE", f"/_api/replication/batch/{batch}")


@pytest.mark.parametrize(
    ("body", "status", "num"),
    [
        ({"shards": "c"}, 400, 10),
        ({"shards": [5]}, 400, 10),
        ({}, 400, 10),
        ([], 400, 10),
        ({"shards": ["nope"]}, 404, 1203),
    ],
)
def test_dump_start_refusals(body: Any, status: int, num: int) -> None:
    api = _api()
    api.error(status, num, "POST", "/_api/dump/start", body)
    assert api.emulator.server.replication.contexts() == {}


def test_dump_contexts_with_hostile_sizes_and_ids() -> None:
    api = _api()
    for body in ({"batchSize": 1e300}, {"batchSize": -1}, {"batchSize": "x"}, {"ttl": 1e308}):
        status, _ = api("POST", "/_api/dump/start", {"shards": ["c"], **body})
        assert status == 201
    api.error(404, 1600, "POST", "/_api/dump/next/nope?batchId=1")
    api.error(400, 10, "POST", "/_api/dump/next/nope?batchId=x")
    api.error(400, 10, "POST", "/_api/dump/next/nope")
    api.error(404, 1600, "DELETE", "/_api/dump/nope")
    api.error(400, 10, "POST", "/_api/dump/elsewhere")


# ------------------------------------------------------------------ Emulator.restore
def _stem(name: str) -> str:
    return f"{name}_{hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()}"


def _dump(root: Path, files: dict[str, Any]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else json.dumps(content).encode()
        (root / name).write_bytes(data)
    return root


def _good(database: str = "d") -> dict[str, Any]:
    return {
        "dump.json": {"database": database},
        f"{_stem('c')}.structure.json": {"parameters": {"name": "c"}, "indexes": []},
        f"{_stem('c')}.data.json": b'{"_key":"a","n":1}\n{"_key":"b","n":2}\n',
        "v.view.json": {
            "name": "v",
            "type": "arangosearch",
            "links": {"c": {"includeAllFields": True}},
        },
    }


def _state(emulator: Emulator) -> dict[str, Any]:
    return {
        name: {c: sorted(col.docs) for c, col in db.collections.items()}
        for name, db in emulator.server.databases.items()
    }


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            {f"{_stem('c')}.data.json.gz": gzip.compress(b'{"_key":"a"}\n')[:15]},
            "not a readable gzip file",
        ),
        ({f"{_stem('c')}.data.json": b'{"_key":"\xff"}\n'}, "not UTF-8"),
        ({f"{_stem('c')}.data.json": b'{"_key":"a"}\n{oops\n'}, "on line 2"),
        ({f"{_stem('c')}.data.json": b'{"_key":"a","n":NaN}\n'}, "on line 1"),
        ({"x.structure.json": [1]}, "no collection name"),
        ({"x.structure.json": b"{nope"}, "not valid JSON"),
        ({"dump.json": [1]}, "expecting an object"),
        ({"v.view.json": [1]}, "expecting an object"),
        ({"ENCRYPTION": b"\xff\xfe"}, "encrypted dumps"),
    ],
)
def test_damaged_files_are_a_restore_error_and_change_nothing(
    tmp_path: Path, change: dict[str, Any], error: str
) -> None:
    emulator = Emulator()
    before = _state(emulator)
    path = _dump(tmp_path / "dump", {**_good(), **change})
    with pytest.raises(RestoreError, match=error):
        emulator.restore(path)
    assert _state(emulator) == before


@pytest.mark.parametrize(
    ("change", "num"),
    [
        ({"dump.json": {"database": "../../etc"}}, 1229),
        ({"x.structure.json": {"parameters": {"name": "../x"}}}, 1208),
        ({"x.structure.json": {"parameters": {"name": "x"}, "indexes": 5}}, 400),
        (
            {
                "x.structure.json": {
                    "parameters": {"name": "x"},
                    "indexes": [{"type": "persistent"}],
                }
            },
            10,
        ),
        (
            {
                "x.structure.json": {
                    "parameters": {"name": "x", "schema": {"rule": {}, "level": "no"}}
                }
            },
            1621,
        ),
        ({"v.view.json": {"name": "v", "type": "arangosearch", "links": {"nope": {}}}}, 1203),
        ({"v.view.json": {"name": "../v", "type": "arangosearch"}}, 1208),
        ({f"{_stem('c')}.data.json": b'{"_key":"bad/key"}\n'}, 1221),
    ],
)
def test_refused_contents_roll_the_whole_load_back(
    tmp_path: Path, change: dict[str, Any], num: int
) -> None:
    emulator = Emulator()
    emulator.server.create_database("t")
    emulator.server.database("t").create_collection("c")
    # a new database, then an existing one whose 'c' is replaced (when the dump names none)
    for target in (None,) if "dump.json" in change else (None, "t"):
        before = _state(emulator)
        path = _dump(tmp_path / f"dump-{target}", {**_good(), **change})
        with pytest.raises(ArangoError) as caught:
            emulator.restore(path, target)
        assert caught.value.num == num
        assert _state(emulator) == before


def test_a_named_target_is_checked_like_a_new_database(tmp_path: Path) -> None:
    emulator = Emulator()
    with pytest.raises(ArangoError) as caught:
        emulator.restore(_dump(tmp_path / "dump", _good()), "../x")
    assert (caught.value.num, caught.value.message) == (1229, "database name invalid")
    assert sorted(emulator.server.databases) == ["_system"]


def test_a_structure_without_indexes_restores(tmp_path: Path) -> None:
    emulator = Emulator()
    files = {**_good(), f"{_stem('c')}.structure.json": {"parameters": {"name": "c"}}}
    assert emulator.restore(_dump(tmp_path / "dump", files)) == {"c": 2}


#: what the generated test below draws (benchmarks/fuzz_long.py draws more)
DAMAGE_ARGS = (
    st.sampled_from(sorted(_good())),
    st.integers(0, 80),
    st.binary(max_size=4),
)


@FAST
@given(*DAMAGE_ARGS)
def test_generated_damage_restores_whole_or_not_at_all(name: str, cut: int, junk: bytes) -> None:
    """A file cut short and followed by junk; a fresh directory per example."""
    with tempfile.TemporaryDirectory() as tmp:
        files = _good()
        data = files[name] if isinstance(files[name], bytes) else json.dumps(files[name]).encode()
        files[name] = data[:cut] + junk
        emulator = Emulator()
        before = _state(emulator)
        try:
            emulator.restore(_dump(Path(tmp) / "dump", files))
        except (RestoreError, ArangoError):
            assert _state(emulator) == before
