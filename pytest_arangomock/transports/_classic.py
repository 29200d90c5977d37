"""What python-arango and its asyncio fork aioarango share: one ``send_request`` signature.

Both hand a transport ``(session, method, url, headers, params, data, auth)`` with a full
URL (host, ``/_db/<name>`` prefix, endpoint), a Basic ``auth`` tuple and ``data`` as text,
bytes (compressed by the driver, then ``content-encoding`` says so) or a requests_toolbelt
``MultipartEncoder`` (batch API); both expect the body back as text. These helpers do that
translation once for the in-process clients and for interception.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from ..backend import BackendRequest, BackendResponse

__all__ = ["SessionStub", "backend_request", "inflate", "response_text", "response_url"]


class SessionStub:
    """Stands in for ``requests.Session`` / ``httpx.AsyncClient`` of one host.

    python-arango sets ``verify`` and calls ``close()``; aioarango calls ``aclose()``.
    """

    def __init__(self, host: str) -> None:
        self.host = host.rstrip("/")
        self.verify: Any = True
        self.headers: dict[str, str] = {}
        self.closed = False

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def inflate(headers: dict[str, str], body: bytes) -> bytes:
    """Undo a ``gzip``/``deflate`` request body (python-arango's request compression).

    The header is dropped afterwards, as an HTTP server that inflated the body would.
    """
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding not in ("gzip", "deflate") or not body:
        return body
    del headers["content-encoding"]
    if encoding == "gzip":
        return gzip.decompress(body)
    try:
        return zlib.decompress(body)  # zlib-wrapped, what python-arango sends
    except zlib.error:
        return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate


def backend_request(
    method: str,
    url: str,
    headers: Mapping[str, str] | None,
    params: Mapping[str, Any] | None,
    data: Any,
    auth: tuple[str, str] | None,
) -> BackendRequest:
    """The :class:`BackendRequest` for one call of the drivers' ``send_request``."""
    hdrs = {k.lower(): str(v) for k, v in (headers or {}).items()}
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        hdrs["authorization"] = f"Basic {token}"
    if data is not None and not isinstance(data, (str, bytes)):
        # requests_toolbelt's MultipartEncoder: its boundary is in its content type
        hdrs["content-type"] = getattr(data, "content_type", hdrs.get("content-type", ""))
        data = data.to_string()
    req = BackendRequest.from_url(method, url, hdrs, data, params)
    req.body = inflate(req.headers, req.body)
    return req


def response_url(url: str, params: Mapping[str, Any] | None) -> str:
    """The URL an HTTP library reports: the request URL with the query, without fragment."""
    base = url.split("#", 1)[0]
    if params:
        sep = "&" if urlsplit(base).query else "?"
        base += sep + urlencode({k: v for k, v in params.items() if v is not None})
    return base


def response_text(response: BackendResponse) -> str:
    """The body as the drivers keep it: text (UTF-8, as ArangoDB declares it)."""
    return response.body.decode("utf-8", errors="replace")
