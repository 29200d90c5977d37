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
import re
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus, urlencode

from ..backend import BackendRequest, BackendResponse, text_params

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
        # the last headers and credentials sent through this session and what they became:
        # a driver sends the same ones on every request of a connection
        self._sent_headers: dict[str, str] | None = None
        self._lowered: dict[str, str] = {}
        self._sent_auth: tuple[str, str] | None = None
        self._authorization = ""
        # the host's length when it is a bare http(s) origin (its URLs are host + path)
        scheme, sep, rest = self.host.partition("://")
        plain = sep and scheme in ("http", "https") and "/" not in rest
        self._origin_len = len(self.host) if plain else 0

    def path_of(self, url: str) -> str | None:
        """The path of ``url`` when it is this host's origin and a path with nothing an
        HTTP client would treat specially (query, fragment, stripped characters)."""
        n = self._origin_len
        if n and url.startswith(self.host) and url.startswith("/", n) and not _ODD.search(url):
            return url[n:]
        return None

    def lowered(self, headers: Mapping[str, Any]) -> dict[str, str]:
        """``headers`` with lower-case names and text values (a new dict each time)."""
        if headers != self._sent_headers:
            lowered = {k.lower(): str(v) for k, v in headers.items()}
            if type(headers) is not dict or not all(type(v) is str for v in headers.values()):
                return lowered  # equality alone would not tell the same text apart
            self._sent_headers, self._lowered = dict(headers), lowered
        return self._lowered.copy()

    def authorization(self, auth: tuple[str, str]) -> str:
        """The ``Authorization`` value for Basic ``auth``, encoded again when it changes."""
        if auth != self._sent_auth:
            self._authorization = basic_authorization(auth[0], auth[1])
            self._sent_auth = (auth[0], auth[1])
        return self._authorization

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
    session: SessionStub,
    method: str,
    url: str,
    headers: Mapping[str, str] | None,
    params: Mapping[str, Any] | None,
    data: Any,
    auth: tuple[str, str] | None,
) -> BackendRequest:
    """The :class:`BackendRequest` for one call of the drivers' ``send_request`` on
    ``session`` (the request's host is the session's)."""
    hdrs = session.lowered(headers) if headers else {}
    if auth is not None:
        hdrs["authorization"] = session.authorization(auth)
    if data is not None and not isinstance(data, (str, bytes)):
        # requests_toolbelt's MultipartEncoder: its boundary is in its content type
        hdrs["content-type"] = getattr(data, "content_type", hdrs.get("content-type", ""))
        data = data.to_string()
    path = session.path_of(url)
    if path is not None:  # what from_url makes of it, without parsing the URL again
        body = data.encode("utf-8") if isinstance(data, str) else data or b""
        query = text_params({}, params) if params else {}
        req = BackendRequest(method.upper(), path, query, hdrs, body, session.host)
    else:
        req = BackendRequest.from_url(method, url, None, data, params)
        req.headers = hdrs  # already what from_url would make of them
        req.host = session.host
    if "content-encoding" in hdrs:
        req.body = inflate(hdrs, req.body)
    return req


def basic_authorization(username: str, password: str) -> str:
    """The ``Authorization`` value for Basic credentials (no process-wide store of
    passwords: a session remembers the last credentials its driver sent)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


_ODD = re.compile(r"[?#\t\n\r]")
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _form_encode(params: Mapping[str, Any]) -> str:
    """``urlencode`` of the non-null ``params``, without quoting what needs none (most
    names and values a driver sends: ``true``, ``silent``, numbers)."""
    parts = []
    for key, value in params.items():
        if value is None:
            continue
        if type(key) is not str or (type(value) is not str and type(value) is not int):
            parts.append(urlencode({key: value}))
            continue
        text = str(value)
        k = key if _UNRESERVED.fullmatch(key) else quote_plus(key)
        v = text if _UNRESERVED.fullmatch(text) else quote_plus(text)
        parts.append(f"{k}={v}")
    return "&".join(parts)


def response_url(url: str, params: Mapping[str, Any] | None) -> str:
    """The URL an HTTP library reports: the request URL with the query, without fragment."""
    base = url.split("#", 1)[0] if "#" in url else url
    if params:
        _, mark, query = base.partition("?")
        base += ("&" if mark and query else "?") + _form_encode(params)
    return base


def response_text(response: BackendResponse) -> str:
    """The body as the drivers keep it: text (UTF-8, as ArangoDB declares it)."""
    return response.body.decode("utf-8", errors="replace")
