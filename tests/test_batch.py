"""Batch requests: multipart parts run through the emulator, answered as one multipart message."""

from __future__ import annotations

import json
from typing import Any

from pytest_arangomock import BackendRequest

BOUNDARY = "XXXsubpartXXX"


def _part(request: str, content_id: str | None = None) -> str:
    head = "Content-Type: application/x-arango-batchpart"
    if content_id is not None:
        head += f"\r\nContent-Id: {content_id}"
    return f"--{BOUNDARY}\r\n{head}\r\n\r\n{request}\r\n"


def _batch(raw: Any, body: str, db: str = "_system") -> tuple[int, Any, dict[str, str]]:
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    answer: tuple[int, Any, dict[str, str]] = raw(
        "POST", f"/_db/{db}/_api/batch", raw=body.encode(), headers=headers
    )
    return answer


def _parts(body: bytes) -> list[tuple[dict[str, str], int, Any]]:
    """(part headers, status, parsed JSON body) of every part of a batch answer."""
    out = []
    chunks = body.decode().split(f"--{BOUNDARY}")
    assert chunks[0] == "" and chunks[-1] == "--"
    for chunk in chunks[1:-1]:
        head, _, rest = chunk.strip("\r\n").partition("\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.split("\r\n"))
        http_head, _, payload = rest.partition("\r\n\r\n")
        status = int(http_head.split(" ")[1])
        out.append((headers, status, json.loads(payload) if payload else None))
    return out


def test_parts_run_in_order_in_the_batch_database(raw: Any, arango_emulator: Any) -> None:
    arango_emulator.server.create_database("shop")
    body = (
        _part('POST /_api/collection HTTP/1.1\r\n\r\n{"name": "items"}', "1")
        + _part('POST /_api/document/items HTTP/1.1\r\n\r\n{"_key": "k1", "n": 1}', "2")
        + _part("GET /_api/document/items/k1 HTTP/1.1", "3")
        + _part("GET /_api/document/items/missing HTTP/1.1")
        + f"--{BOUNDARY}--"
    )
    status, answer, headers = _batch(raw, body, "shop")
    assert status == 200
    assert headers["content-type"] == f"multipart/form-data; boundary={BOUNDARY}"
    assert headers["x-arango-errors"] == "1"
    parts = _parts(answer)
    assert [p[0].get("Content-Id") for p in parts] == ["1", "2", "3", None]
    assert [p[1] for p in parts] == [200, 202, 200, 404]
    assert parts[2][2]["n"] == 1
    assert parts[3][2]["errorNum"] == 1202
    assert "items" in arango_emulator.database("shop").collections
    assert all(p[0]["Content-Type"] == "application/x-arango-batchpart" for p in parts)


def test_no_errors_header_when_all_succeed(raw: Any) -> None:
    status, answer, headers = _batch(
        raw, _part("GET /_api/version HTTP/1.1", "v") + f"--{BOUNDARY}--"
    )
    assert status == 200 and "x-arango-errors" not in headers
    assert _parts(answer)[0][2]["server"] == "arango"


def test_boundary_from_the_body(raw: Any) -> None:
    body = (_part("GET /_api/version HTTP/1.1") + f"--{BOUNDARY}--").encode()
    status, answer, _ = raw("POST", "/_api/batch", raw=body, headers={"content-type": "text/plain"})
    assert status == 200 and len(_parts(answer)) == 1


def test_parts_use_the_batch_credentials(arango_emulator: Any) -> None:
    body = (_part("GET /_api/version HTTP/1.1") + f"--{BOUNDARY}--").encode()
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    request = BackendRequest("POST", "/_api/batch", {}, headers, body)
    assert arango_emulator.handle_sync(request).status == 401


def test_malformed_messages(raw: Any) -> None:
    headers = {"content-type": "text/plain"}
    status, body, _ = raw("POST", "/_api/batch", raw=b"no boundary here", headers=headers)
    assert (status, body["errorNum"], body["errorMessage"]) == (
        400,
        400,
        "invalid content-type or boundary received",
    )
    no_type = f"--{BOUNDARY}\r\n\r\nGET /_api/version HTTP/1.1\r\n--{BOUNDARY}--"
    status, body, _ = _batch(raw, no_type)
    assert (status, body["errorMessage"]) == (400, "invalid multipart message received")
    status, body, _ = raw("GET", "/_api/batch")
    assert status == 405


async def test_aioarango_batch_execution(arango_url: str, arango_emulator: Any) -> None:
    from aioarango import ArangoClient

    client = ArangoClient(hosts=arango_url)
    try:
        db = await client.db("_system", username="root", password="")
        await db.create_collection("fruit")
        batch = db.begin_batch_execution(return_result=True)
        insert = await batch.collection("fruit").insert({"_key": "apple"})
        missing = await batch.collection("fruit").get("pear")
        count = await batch.collection("fruit").count()
        await batch.commit()
        assert insert.result()["_key"] == "apple"
        assert missing.result() is None
        assert count.result() == 1
    finally:
        await client.close()
