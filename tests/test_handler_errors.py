"""Handler-level errors: what ArangoDB's REST handlers answer themselves for a method or
path shape their ``execute`` does not serve, instead of the router's generic 404/405."""

from __future__ import annotations

from typing import Any

import pytest

DB = "/_db/testdb"


@pytest.mark.parametrize(
    ("method", "path", "status", "errnum", "message"),
    [
        ("PUT", "/_api/cursor", 400, 400, "expecting POST /_api/cursor/<cursor-id>"),
        ("PUT", "/_api/cursor/1/2", 400, 400, "expecting POST /_api/cursor/<cursor-id>"),
        ("DELETE", "/_api/cursor", 400, 400, "expecting DELETE /_api/cursor/<cursor-id>"),
        (
            "POST",
            "/_api/cursor/1/2/3",
            400,
            400,
            "expecting POST /_api/cursor/<cursor-id>/<batch-id>",
        ),
        ("GET", "/_api/cursor", 405, 405, "method not supported"),
        ("PATCH", "/_api/cursor/1", 405, 405, "method not supported"),
        ("GET", "/_api/explain", 501, 9, "'Unsupported method' not implemented"),
        ("POST", "/_api/explain/x", 404, 404, "not found"),
        ("GET", "/_api/query", 400, 400, "expecting GET /_api/query/<type>"),
        (
            "GET",
            "/_api/query/bogus",
            404,
            404,
            "unknown type 'bogus', expecting 'slow', 'current', or 'properties'",
        ),
        ("POST", "/_api/query/x", 400, 400, "expecting POST /_api/query"),
        ("PUT", "/_api/query/slow", 400, 400, "expecting PUT /_api/query/properties"),
        (
            "DELETE",
            "/_api/query",
            400,
            400,
            "expecting DELETE /_api/query/<id> or /_api/query/slow",
        ),
        ("PATCH", "/_api/query/current", 501, 9, "'ILLEGAL /_api/query' not implemented"),
        (
            "PUT",
            "/_api/collection/things",
            400,
            400,
            "expected PUT /_api/collection/<collection-name>/<action>",
        ),
        (
            "DELETE",
            "/_api/collection",
            400,
            400,
            "expected DELETE /_api/collection/<collection-name>",
        ),
        ("PATCH", "/_api/collection/things", 405, 405, "method not supported"),
        (
            "GET",
            "/_api/document/things/k/x",
            400,
            601,
            "expecting GET /_api/document/<collection>/<key>",
        ),
        (
            "POST",
            "/_api/document/things/k/x",
            400,
            601,
            "superfluous suffix, expecting /_api/document?collection=<identifier>",
        ),
        (
            "PATCH",
            "/_api/document/things/k/x",
            400,
            400,
            "expecting PATCH /_api/document/<collection> or /_api/document/<collection>/<key>"
            " or /_api/document and query parameter 'collection'",
        ),
        (
            "DELETE",
            "/_api/document/things/k/x",
            400,
            400,
            "expecting DELETE /_api/document/<collection>/<key> or /_api/document/<collection>"
            " with a body",
        ),
    ],
)
async def test_handler_answers_itself(
    db: Any, raw: Any, method: str, path: str, status: int, errnum: int, message: str
) -> None:
    await db.create_collection("things")
    got, body, _ = raw(method, DB + path)
    assert (got, body["errorNum"], body["errorMessage"]) == (status, errnum, message)
    assert body["error"] is True and body["code"] == status


async def test_unknown_paths_elsewhere_stay_404(db: Any, raw: Any) -> None:
    status, body, _ = raw("GET", DB + "/_api/query-cache/bogus")
    assert (status, body["errorNum"]) == (404, 404)
    status, body, _ = raw("GET", DB + "/_api/nothing/here")
    assert (status, body["errorMessage"]) == (404, "unknown path '/_api/nothing/here'")
