"""Errors ArangoDB's REST handlers answer themselves for methods and path shapes that no
emulated route covers.

ArangoDB registers one handler per path prefix, and the handler's ``execute`` sees every
method and every suffix below it. Most answer 405 "method not supported" for a method they
do not serve (the router's generic answer), but many check the number of path suffixes
first and answer 400 with a message naming the expected form, or 404/501 with their own
text. Each function below mirrors one handler's ``execute`` (``arangod/RestHandler/``) for
the requests that reach no route.
"""

from __future__ import annotations

from ...base.errors import ArangoError
from ..router import handler_errors

__all__: list[str] = []


def _bad(message: str) -> ArangoError:
    return ArangoError(400, message, 400)


def _not_implemented(what: str) -> ArangoError:
    """``generateNotImplemented``: 501 with errorNum 9 naming what is not implemented."""
    return ArangoError(9, f"'{what}' not implemented", 501)


@handler_errors("/_api/cursor")
def cursor(method: str, suffixes: list[str]) -> ArangoError | None:
    """RestCursorHandler: POST takes 0, 1 or 2 suffixes, PUT and DELETE exactly one."""
    if method == "POST" and len(suffixes) > 2:
        return _bad("expecting POST /_api/cursor/<cursor-id>/<batch-id>")
    if method == "PUT" and len(suffixes) != 1:
        return _bad("expecting POST /_api/cursor/<cursor-id>")
    if method == "DELETE" and len(suffixes) != 1:
        return _bad("expecting DELETE /_api/cursor/<cursor-id>")
    return ArangoError(405, "method not supported", 405)


@handler_errors("/_api/explain")
def explain(method: str, suffixes: list[str]) -> ArangoError | None:
    """RestExplainHandler: only POST without suffixes; other methods are 'not implemented'."""
    if method != "POST":
        return _not_implemented("Unsupported method")
    return ArangoError(404, "not found", 404)


@handler_errors("/_api/query")
def query(method: str, suffixes: list[str]) -> ArangoError | None:
    """RestQueryHandler: GET /_api/query/<type>, DELETE /_api/query/<id>, PUT
    /_api/query/properties, POST /_api/query; other methods are 'not implemented'."""
    if method in ("GET", "HEAD"):
        if len(suffixes) != 1:
            return _bad("expecting GET /_api/query/<type>")
        return ArangoError(
            404,
            f"unknown type '{suffixes[0]}', expecting 'slow', 'current', or 'properties'",
            404,
        )
    if method == "DELETE":
        return _bad("expecting DELETE /_api/query/<id> or /_api/query/slow")
    if method == "PUT":
        return _bad("expecting PUT /_api/query/properties")
    if method == "POST":
        return _bad("expecting POST /_api/query")
    return _not_implemented("ILLEGAL /_api/query")


@handler_errors("/_api/collection")
def collection(method: str, suffixes: list[str]) -> ArangoError | None:
    """RestCollectionHandler: PUT needs <name>/<action>, DELETE exactly <name>."""
    if method == "PUT" and len(suffixes) != 2:
        return _bad("expected PUT /_api/collection/<collection-name>/<action>")
    if method == "DELETE" and len(suffixes) != 1:
        return _bad("expected DELETE /_api/collection/<collection-name>")
    if method == "GET" and len(suffixes) > 2:
        return _bad("expect GET /_api/collection/<collection-name>/<method>")
    return None


@handler_errors("/_api/document")
def document(method: str, suffixes: list[str]) -> ArangoError | None:
    """RestDocumentHandler: reads take <collection>/<key>, inserts at most <collection>,
    replaces, updates and removes at most <collection>/<key>."""
    if method == "GET" and len(suffixes) > 2:
        return ArangoError(601, "expecting GET /_api/document/<collection>/<key>", 400)
    if method == "HEAD":
        return _bad("expecting HEAD /_api/document/<collection>/<key>")
    if method == "POST" and len(suffixes) > 1:
        return ArangoError(
            601, "superfluous suffix, expecting /_api/document?collection=<identifier>", 400
        )
    if method in ("PUT", "PATCH") and len(suffixes) > 2:
        return _bad(
            f"expecting {method} /_api/document/<collection> or /_api/document/<collection>/<key>"
            " or /_api/document and query parameter 'collection'"
        )
    if method == "DELETE" and len(suffixes) > 2:
        return _bad(
            "expecting DELETE /_api/document/<collection>/<key> or /_api/document/<collection>"
            " with a body"
        )
    return None
