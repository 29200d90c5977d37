"""Pieces every socket-based python-arango-async ``HTTPClient`` here shares.

The driver hands an ``arangoasync.request.Request`` (endpoint relative to the host, params,
headers, ``data`` as str/bytes/None, optional Basic ``Auth``) and expects a fully
populated ``arangoasync.response.Response``; these helpers do that translation once so the
httpx and aiosonic clients only differ in how they move bytes.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

from arangoasync.auth import Auth
from arangoasync.request import Request
from arangoasync.response import Response
from multidict import CIMultiDict, CIMultiDictProxy

from ..backend import BackendResponse

__all__ = ["Session", "basic_auth", "build_response", "prepare", "request_url"]

ClientT = TypeVar("ClientT")


@dataclass
class Session(Generic[ClientT]):
    """What ``create_session`` returns: the host, the underlying client, whether we own it."""

    host: str
    client: ClientT
    owned: bool
    closed: bool = False


def basic_auth(auth: Auth) -> str:
    """The ``Authorization`` header value for ``auth``, in the auth's own encoding."""
    return _basic(auth.username, auth.password, auth.encoding or "utf-8")


def _basic(username: str, password: str, encoding: str) -> str:
    """Encoded per request: no process-wide store of passwords (about 1 us)."""
    raw = f"{username}:{password}".encode(encoding)
    return "Basic " + base64.b64encode(raw).decode("ascii")


def request_url(host: str, request: Request, *, with_query: bool = True) -> str:
    """Absolute URL of ``request`` on ``host`` (params URL-encoded, driver order kept)."""
    url = host.rstrip("/") + str(request.endpoint)
    params = request.normalized_params()
    if with_query and params:
        url += "?" + urlencode(params)
    return url


def prepare(request: Request, compress_threshold: int | None) -> tuple[dict[str, str], bytes]:
    """Headers (with auth) and body bytes to send; gzip the body at or above the threshold.

    The driver's own ``CompressionManager`` may already have compressed the body (it then
    set ``content-encoding``); such a body is never compressed twice.
    """
    headers = dict(request.normalized_headers())
    if request.auth is not None:
        headers["authorization"] = basic_auth(request.auth)
    data = request.data
    body = data.encode("utf-8") if isinstance(data, str) else bytes(data or b"")
    if (
        compress_threshold is not None
        and body
        and len(body) >= compress_threshold
        and "content-encoding" not in headers
    ):
        body = gzip.compress(body)
        headers["content-encoding"] = "gzip"
    return headers, body


def build_response(
    request: Request,
    url: str,
    status: int,
    reason: str | None,
    headers: Iterable[tuple[str, str]],
    body: bytes,
) -> Response:
    """A driver ``Response``; an empty reason falls back to the standard phrase."""
    return Response(
        method=request.method,
        url=url,
        headers=CIMultiDictProxy(CIMultiDict(headers)),
        status_code=status,
        status_text=reason or BackendResponse(status).reason,
        raw_body=body,
    )
