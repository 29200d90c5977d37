"""arangodump and arangorestore: the replication dump and restore routes, the batched dump
API, and seeding from an arangodump directory in Python, with identical results."""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest

from pytest_arangomock.backend import BackendRequest, BackendResponse, SyncBackend
from pytest_arangomock.backends.restore import restore_over_http
from pytest_arangomock.emulator import Emulator
from pytest_arangomock.emulator.dumpdir import RestoreError
from pytest_arangomock.serve import free_port, serving

if TYPE_CHECKING:
    from conftest import Raw


DATA = Path(__file__).resolve().parent / "data" / "dump"
USERS = [
    {"_key": str(i), "_id": f"users/{i}", "_rev": f"_rev{i:04d}", "name": f"u{i}"}
    for i in range(25)
]
KNOWS = [
    {"_key": "k1", "_id": "knows/k1", "_from": "users/1", "_to": "users/2", "_rev": "_r1", "w": 1},
    {"_key": "k2", "_id": "knows/k2", "_from": "users/2", "_to": "users/3", "_rev": "_r2", "w": 2},
]


def _answer(raw: Raw, method: str, url: str, body: Any = None) -> BackendResponse:
    """The raw response (headers and body bytes) of one request as root."""
    data = b"" if body is None else json.dumps(body).encode()
    return raw.emulator.handle_sync(BackendRequest.from_url(method, url, dict(raw.auth), data))


def _stem(name: str) -> str:
    return f"{name}_{hashlib.md5(name.encode()).hexdigest()}"


def _structure(name: str, ctype: int, indexes: list[dict[str, Any]]) -> dict[str, Any]:
    params = {
        "name": name,
        "type": ctype,
        "id": "1234",
        "keyOptions": {"type": "traditional", "allowUserKeys": True, "lastValue": 99},
        "waitForSync": False,
        "schema": None,
        "computedValues": None,
        "cacheEnabled": False,
    }
    return {"parameters": params, "indexes": indexes}


def write_dump(root: Path, *, gz: bool = False, envelope: bool = False) -> Path:
    """A small dump in arangodump's directory format: two collections, an index, a view."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "ENCRYPTION").write_text("none")
    meta = {"database": "shop", "lastTickAtDumpStart": "100", "useEnvelope": envelope}
    (root / "dump.json").write_text(json.dumps(meta))
    unique = {
        "type": "persistent",
        "fields": ["name"],
        "unique": True,
        "sparse": False,
        "name": "by_name",
        "id": "77",
    }
    for name, ctype, docs, indexes in (
        ("users", 2, USERS, [unique]),
        ("knows", 3, KNOWS, []),
    ):
        (root / f"{_stem(name)}.structure.json").write_text(
            json.dumps(_structure(name, ctype, indexes))
        )
        lines = [{"type": 2300, "data": d} if envelope else d for d in docs]
        text = "".join(json.dumps(line) + "\n" for line in lines).encode()
        data = root / f"{_stem(name)}.data.json"
        if gz:
            Path(f"{data}.gz").write_bytes(gzip.compress(text))
        else:
            data.write_bytes(text)
    view = {
        "name": "v",
        "type": "arangosearch",
        "id": "500",
        "links": {"users": {"fields": {"name": {}}}},
    }
    (root / "v.view.json").write_text(json.dumps(view))
    return root


def snapshot(emulator: Emulator, database: str) -> dict[str, Any]:
    """What a restore must reproduce: collections, documents, indexes, views (no ids)."""
    db = emulator.server.database(database)
    cols = {}
    for col in db.collections.values():
        if col.is_system:
            continue
        indexes = [{k: v for k, v in ix.describe().items() if k != "id"} for ix in col.indexes]
        cols[col.name] = {
            "type": col.type,
            "keys": dict(col.key_options),
            "last": col.last_value,
            "docs": sorted(col.docs.values(), key=lambda d: d["_key"]),
            "indexes": indexes,
        }
    views = {
        name: {k: v for k, v in view.properties(db).items() if k not in ("id", "globallyUniqueId")}
        for name, view in db.views.items()
    }
    return {"collections": cols, "views": views}


@pytest.mark.parametrize(("gz", "envelope"), [(False, False), (True, True)])
def test_loader_reads_arangodump_directories(tmp_path: Path, gz: bool, envelope: bool) -> None:
    emulator = Emulator()
    counts = emulator.restore(write_dump(tmp_path / "dump", gz=gz, envelope=envelope))
    assert counts == {"knows": 2, "users": 25}
    db = emulator.server.database("shop")  # the dumped database, created
    users = db.collections["users"]
    assert users.docs["3"]["_rev"] == "_rev0003"  # revisions are kept
    assert users.last_value == 99
    assert db.collections["knows"].docs["k1"]["_from"] == "users/1"
    by_name = next(ix for ix in users.indexes if ix.name == "by_name")
    assert by_name.describe()["unique"] is True
    assert db.views["v"].properties(db)["links"]["users"]["fields"] == {"name": {}}


def test_http_routes_and_loader_agree(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump")
    loaded, routed = Emulator(), Emulator()
    loaded.restore(dump, "target")
    routed.server.create_database("target")
    restore_over_http(routed, dump, "target")
    assert snapshot(routed, "target") == snapshot(loaded, "target")
    assert snapshot(loaded, "target")["collections"]["users"]["docs"] == sorted(
        USERS, key=lambda d: d["_key"]
    )


def _dump_over_http(raw: Raw, root: Path, database: str, chunk: int) -> int:
    """Write an arangodump directory the way arangodump does, through the replication
    routes: batch, inventory, dump in chunks, then end the batch. The number of chunks."""
    root.mkdir()
    prefix = f"/_db/{database}/_api/replication"
    status, batch, _ = raw("POST", f"{prefix}/batch", {"ttl": 600})
    assert status == 200
    status, inv, _ = raw("GET", f"{prefix}/inventory?includeSystem=false&batchId={batch['id']}")
    assert status == 200
    (root / "ENCRYPTION").write_text("none")
    meta = {
        "database": database,
        "lastTickAtDumpStart": inv["tick"],
        "properties": inv["properties"],
    }
    (root / "dump.json").write_text(json.dumps(meta))
    chunks = 0
    for entry in inv["collections"]:
        name = entry["parameters"]["name"]
        (root / f"{_stem(name)}.structure.json").write_text(json.dumps(entry))
        out = b""
        last = 0
        while True:
            url = f"{prefix}/dump?collection={name}&batchId={batch['id']}&chunkSize={chunk}"
            resp = _answer(raw, "GET", f"{url}&from={last}")
            assert resp.status in (200, 204)
            assert resp.headers["content-type"].startswith("application/x-arango-dump")
            chunks += 1
            out += resp.body
            more = resp.headers["x-arango-replication-checkmore"] == "true"
            tick = int(resp.headers["x-arango-replication-lastincluded"])
            if not more or tick <= last:
                break
            last = tick
        (root / f"{_stem(name)}.data.json").write_bytes(out)
    for view in inv["views"]:
        (root / f"{view['name']}.view.json").write_text(json.dumps(view))
    status, _, _ = raw("DELETE", f"{prefix}/batch/{batch['id']}")
    assert status == 204
    return chunks


def test_round_trip_through_the_dump_routes(
    tmp_path: Path, arango_emulator: Emulator, raw: Raw
) -> None:
    arango_emulator.restore(write_dump(tmp_path / "in"), "shop")
    chunks = _dump_over_http(raw, tmp_path / "out", "shop", chunk=200)
    assert chunks > 3  # small chunks: the dump was paged
    again = Emulator()
    again.restore(tmp_path / "out", "shop")
    assert snapshot(again, "shop") == snapshot(arango_emulator, "shop")


def test_dump_route_errors(raw: Raw) -> None:
    status, body, _ = raw("GET", "/_api/replication/dump?collection=_users")
    assert (status, body["errorNum"]) == (404, 400)
    assert body["errorMessage"] == "replication dump - request misses batchId"
    status, body, _ = raw("GET", "/_api/replication/dump?batchId=1")
    assert (status, body["errorNum"], body["errorMessage"]) == (
        400,
        400,
        "invalid collection parameter",
    )
    status, body, _ = raw("GET", "/_api/replication/dump?collection=_users&batchId=1")
    assert (status, body["errorNum"]) == (404, 400)


def test_batched_dump_api(raw: Raw, arango_emulator: Emulator, tmp_path: Path) -> None:
    arango_emulator.restore(write_dump(tmp_path / "d"), "_system")
    resp = _answer(
        raw, "POST", "/_api/dump/start", {"batchSize": 300, "shards": ["users", "knows"]}
    )
    assert resp.status == 201 and resp.body == b""
    dump_id = resp.headers["x-arango-dump-id"]
    seen: dict[str, list[dict[str, Any]]] = {}
    number = 1
    first = None
    while True:
        last = f"&lastBatch={number - 1}" if number > 1 else ""
        resp = _answer(raw, "POST", f"/_api/dump/next/{dump_id}?batchId={number}{last}")
        if resp.status == 204:
            break
        assert resp.status == 200
        assert resp.headers["content-type"].startswith("application/x-arango-dump")
        if first is None:
            first = resp.body
            again = _answer(raw, "POST", f"/_api/dump/next/{dump_id}?batchId=1")
            assert again.body == first  # the last block can be fetched again
        docs = [json.loads(line) for line in resp.body.splitlines()]
        seen.setdefault(resp.headers["x-arango-dump-shard-id"], []).extend(docs)
        number += 1
    assert number > 3
    assert sorted(d["_key"] for d in seen["users"]) == sorted(d["_key"] for d in USERS)
    assert [d["_key"] for d in seen["knows"]] == ["k1", "k2"]
    status, body, _ = raw("DELETE", f"/_api/dump/{dump_id}")
    assert (status, body) == (200, {"error": False, "code": 200})
    status, body, _ = raw("POST", f"/_api/dump/next/{dump_id}?batchId=1")
    assert (status, body["errorNum"], body["errorMessage"]) == (
        404,
        1600,
        "requested dump context not found",
    )
    status, body, _ = raw("POST", f"/_api/dump/next/{dump_id}")
    assert (status, body["errorNum"], body["errorMessage"]) == (400, 10, "expecting 'batchId'")
    status, body, _ = raw("POST", "/_api/dump/start", {"batchSize": 1, "shards": ["nope"]})
    assert (status, body["errorNum"]) == (404, 1203)
    status, body, _ = raw("POST", "/_api/dump/start?useVPack=true", {"shards": ["users"]})
    assert (status, body["errorNum"]) == (501, 9) and "useVPack" in body["errorMessage"]


def test_restore_route_errors(raw: Raw) -> None:
    base = "/_api/replication"
    status, body, _ = raw("PUT", f"{base}/restore-collection", {"parameters": {}, "indexes": []})
    assert (status, body["errorMessage"]) == (400, "collection name is missing")
    spec = _structure("c", 2, [])
    assert raw("PUT", f"{base}/restore-collection", spec)[:2] == (200, {"result": True})
    status, body, _ = raw("PUT", f"{base}/restore-collection", spec)
    assert (status, body["errorNum"]) == (409, 1207)
    assert raw("PUT", f"{base}/restore-collection?overwrite=true", spec)[0] == 200
    status, body, _ = raw("PUT", f"{base}/restore-data", raw=b'{"_key":"a"}\n')
    assert (status, body["errorMessage"]) == (400, "invalid collection parameter, not given")
    status, body, _ = raw("PUT", f"{base}/restore-data?collection=c", raw=b'{"a":1}\n')
    assert (status, body["errorMessage"]) == (
        400,
        "bad parameter: received invalid JSON data for collection 'c' on line 1: empty key",
    )
    status, body, _ = raw("PUT", f"{base}/restore-data?collection=c", raw=b'{"_key":"a"}\n{oops\n')
    assert (status, body["errorNum"]) == (400, 600)
    assert body["errorMessage"].startswith(
        "invalid JSON object: received invalid JSON data for collection 'c' on line 2"
    )
    status, body, _ = raw("PUT", f"{base}/restore-data?collection=nope", raw=b"")
    assert (status, body["errorNum"], body["errorMessage"]) == (
        404,
        1203,
        "collection or view not found",
    )
    good = (
        b'{"_key":"a","x":1}\n{"type":2300,"data":{"_key":"b"}}\n'
        b'{"type":2302,"data":{"_key":"a"}}\n'
    )
    assert raw("PUT", f"{base}/restore-data?collection=c", raw=good)[:2] == (200, {"result": True})
    status, body, _ = raw("GET", "/_api/collection/c/count")
    assert body["count"] == 1


def test_loader_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(RestoreError, match=r"no dump\.json"):
        Emulator().restore(tmp_path)
    root = write_dump(tmp_path / "enc")
    (root / "ENCRYPTION").write_text("aes-256-ctr")
    with pytest.raises(RestoreError, match="encrypted"):
        Emulator().restore(root)


@pytest.mark.arango(restore="tests/data/dump")
async def test_marker_restores_into_the_test_database(arango_db: Any) -> None:
    col = arango_db.collection("books")
    assert await col.count() == 3
    doc = await col.get("dune")
    assert doc["author"] == "Frank Herbert"


class _Socket(SyncBackend):
    """Requests over a real socket to ``arangomock serve`` (as arangorestore sends them)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        query = urlencode(request.query)
        conn.request(
            request.method,
            request.path + (f"?{query}" if query else ""),
            body=request.body,
            headers=request.headers,
        )
        resp = conn.getresponse()
        out = BackendResponse(
            resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        )
        conn.close()
        return out


def test_restore_over_serve_matches_the_loader(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump", gz=True)
    served, loaded = Emulator(), Emulator()
    loaded.restore(dump, "target")
    served.server.create_database("target")
    with serving(served) as server:
        restore_over_http(_Socket(server.port), dump, "target")
    assert snapshot(served, "target") == snapshot(loaded, "target")


def test_cli_serve_restore(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest_arangomock.cli",
            "serve",
            "--port",
            str(port),
            "--restore",
            str(DATA),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert "restored 3 document(s) in 1 collection(s)" in proc.stdout.readline()
        assert "listening" in proc.stdout.readline()
        for _ in range(200):  # the line comes just before the socket is bound
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        backend = _Socket(port)
        token = base64.b64encode(b"root:").decode()
        request = BackendRequest.from_url(
            "GET", "/_db/library/_api/collection/books/count", {"authorization": f"Basic {token}"}
        )
        resp = backend.handle_sync(request)
        assert resp.status == 200 and json.loads(resp.body)["count"] == 3
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def test_inventory_leaves_out_what_replication_excludes(raw: Raw) -> None:
    raw("POST", "/_api/collection", {"name": "b_edges", "type": 3})
    raw("POST", "/_api/collection", {"name": "a_docs"})
    batch = raw("POST", "/_api/replication/batch", {"ttl": 30})[1]
    names = [
        c["parameters"]["name"]
        for c in raw("GET", f"/_api/replication/inventory?batchId={batch['id']}")[1]["collections"]
    ]
    assert "_statistics" not in names and "_jobs" not in names and "_users" in names
    assert names.index("a_docs") < names.index("b_edges") and names[-1] == "b_edges"
    url = f"/_api/replication/inventory?batchId={batch['id']}&includeFoxxQueues=true"
    names = [c["parameters"]["name"] for c in raw("GET", url)[1]["collections"]]
    assert "_jobs" in names and "_queues" in names
