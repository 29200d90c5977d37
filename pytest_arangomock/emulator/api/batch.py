"""Batch requests (``/_api/batch``): a multipart message of HTTP requests, answered in one go.

Each part (``Content-Type: application/x-arango-batchpart``, optional ``Content-Id``) holds a
complete HTTP request; it is run through the emulator like any other request, in the batch's
database and with the batch's credentials, and its HTTP response becomes one part of the
multipart answer (same boundary, ``Content-Id`` echoed). ``x-arango-errors`` counts the parts
that answered 400 or more, as ArangoDB does.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlsplit

from ...backend import BackendRequest, BackendResponse
from ...base.errors import ArangoError
from ..context import Context
from ..router import DB_RO, route

AREA = "batch"
PART_TYPE = "application/x-arango-batchpart"
MULTIPART = "multipart/form-data"
_BAD_MESSAGE = "invalid multipart message received"
_NEWLINE = re.compile(rb"\r?\n")


def _boundary(ctx: Context) -> bytes:
    """``--<boundary>`` from the Content-Type header, else from the body's first line."""
    content_type = (ctx.header("content-type") or "").strip()
    parts = content_type.split(";")
    if len(parts) == 2 and parts[0] == MULTIPART:
        param = parts[1].strip()
        if param[:9].lower() == "boundary=":
            value = param[9:]
            if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
                value = value.strip(value[0])
            if len(value) >= 3:
                return b"--" + value.encode("latin-1", "replace")
    body = ctx.request.body.lstrip(b" \t\r\n")
    token = re.match(rb"--[^ \t\r\n]{3,}", body)
    if token is None or len(body) < 10:
        raise ArangoError(400, "invalid content-type or boundary received", 400)
    return token.group(0)


def _split_parts(body: bytes, boundary: bytes) -> list[tuple[bytes | None, bytes]]:
    """(Content-Id, embedded request) per part; 400 for anything malformed."""
    start = body.find(boundary)
    if start < 0 or body[:start].strip(b" \t\r\n"):
        raise ArangoError(400, _BAD_MESSAGE, 400)
    out: list[tuple[bytes | None, bytes]] = []
    pos = start
    while True:
        pos += len(boundary)
        if body[pos : pos + 2] == b"--":
            break
        while body[pos : pos + 1] == b" ":
            pos += 1
        line_end = _NEWLINE.match(body, pos)
        if line_end is None:
            raise ArangoError(400, _BAD_MESSAGE, 400)
        pos = line_end.end()
        content_id, has_type = None, False
        while True:
            eol = _NEWLINE.search(body, pos)
            if eol is None or eol.start() == pos:
                pos = eol.end() if eol is not None else len(body)
                break
            name, colon, value = body[pos : eol.start()].partition(b":")
            if not colon:
                raise ArangoError(400, _BAD_MESSAGE, 400)
            key = name.strip().lower()
            if key == b"content-type" and value.strip() == PART_TYPE.encode():
                has_type = True
            elif key == b"content-id":
                content_id = value.lstrip(b" ")
            pos = eol.end()
        end = body.find(boundary, pos)
        if not has_type or end < 0:
            raise ArangoError(400, _BAD_MESSAGE, 400)
        out.append((content_id, body[pos:end]))
        pos = end
    if not out:
        raise ArangoError(400, _BAD_MESSAGE, 400)
    return out


def _sub_request(ctx: Context, raw: bytes) -> BackendRequest:
    """Parse one embedded request; it runs in the batch's database with its credentials."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    lines = [line for line in _NEWLINE.split(head.strip(b"\r\n")) if line.strip()]
    if not lines:
        raise ArangoError(400, _BAD_MESSAGE, 400)
    words = lines[0].decode("latin-1").split()
    method = words[0].upper() if words else "GET"
    target = words[1] if len(words) > 1 else "/"
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.decode("latin-1").partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    for name in ("authorization",):
        outer = ctx.header(name)
        if outer is not None:
            headers[name] = outer
    url = urlsplit(target if target.startswith("/") else "/" + target)
    path = url.path or "/"
    if not path.startswith("/_db/"):
        path = f"/_db/{quote(ctx.db.name, safe='')}{path}"
    query = dict(parse_qsl(url.query, keep_blank_values=True))
    return BackendRequest(method, path, query, headers, body if sep else b"")


def _render(response: BackendResponse) -> bytes:
    """The part's HTTP response as ArangoDB writes it into the multipart answer."""
    lines = [f"HTTP/1.1 {response.status} {response.reason}"]
    for name, value in response.headers.items():
        if name.lower() != "content-length":
            lines.append(f"{name.title()}: {value}")
    lines.append(f"Content-Length: {len(response.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body


@route("POST|PUT", "/_api/batch", area=AREA, access=DB_RO)
def batch(ctx: Context) -> BackendResponse:
    """Run every part of the multipart message and answer with a multipart message."""
    boundary = _boundary(ctx)
    parts = _split_parts(ctx.request.body, boundary)
    out = bytearray()
    errors = 0
    for content_id, raw in parts:
        response = ctx.dispatch(_sub_request(ctx, raw))
        if response.status >= 400:
            errors += 1
        out += boundary + b"\r\nContent-Type: " + PART_TYPE.encode()
        if content_id is not None:
            out += b"\r\nContent-Id: " + content_id
        out += b"\r\n\r\n" + _render(response) + b"\r\n"
    out += boundary + b"--"
    headers = {
        "content-type": ctx.header("content-type")
        or f"{MULTIPART}; boundary={boundary[2:].decode('latin-1')}"
    }
    if errors:
        headers["x-arango-errors"] = str(errors)
    return BackendResponse(200, headers, bytes(out))
