"""The one seam every mode shares: an HTTP-level request/response exchange.

Transports (in-process driver clients, ``arangomock serve``, interception) turn what a
driver sends into a :class:`BackendRequest` and hand it to a backend; backends (the
emulator, replay, record, live, verify, faults) answer with a :class:`BackendResponse`.
A backend is a :class:`SyncBackend`, an :class:`AsyncBackend` or both, as in httpx's
``BaseTransport``/``AsyncBaseTransport``; :func:`answer` and :func:`answer_sync` let a
caller use either kind without knowing which it holds.
Nothing here knows about ArangoDB: it is plain HTTP.
"""

from __future__ import annotations

import abc
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, TypeAlias
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "AsyncBackend",
    "Backend",
    "BackendRequest",
    "BackendResponse",
    "HostDownError",
    "SyncBackend",
    "answer",
    "answer_sync",
]


@dataclass(slots=True)
class BackendRequest:
    """An HTTP request as a driver sent it.

    ``path`` is the percent-encoded path including any ``/_db/<name>`` prefix and without
    the query string; ``query`` holds the decoded query parameters (last value wins, as in
    ArangoDB); ``headers`` have lower-case names.
    """

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: the origin (``http://db1:8529``) or ``Host`` the driver addressed: which coordinator
    #: of a deployment it meant (faults are per host); not part of the request's identity
    host: str = field(default="", compare=False)
    #: the body as JSON, once a step on the way parsed it (``...`` until then), so that
    #: the next step does not parse it again; not part of the request's identity
    parsed: Any = field(default=..., init=False, compare=False, repr=False)
    #: set while a server that keeps a log of admitted requests answers it and has not
    #: admitted it yet (kept on admission, once); not part of the request's identity
    entering: bool = field(default=False, init=False, compare=False, repr=False)

    @classmethod
    def from_url(
        cls,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> BackendRequest:
        """Build a request from a full or relative URL plus optional extra params.

        URL fragments (python-arango appends ``#ArangoSearch`` to some view paths) are
        dropped the way an HTTP client would; an absolute URL's origin becomes ``host``.
        """
        plain = _plain_absolute(url)
        if plain is not None:  # the common shape: no query, fragment or odd characters
            host, path = plain
            query: dict[str, str] = {}
        else:
            parts = urlsplit(url)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            host = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
            path = parts.path or "/"
        if params:
            text_params(query, params)
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs = {k.lower(): str(v) for k, v in headers.items()} if headers else {}
        return cls(method.upper(), path, query, hdrs, body or b"", host)


def text_params(query: dict[str, str], params: Mapping[str, object]) -> dict[str, str]:
    """``query`` with ``params`` added as text (``True`` as ``1``, as drivers send it)."""
    for key, value in params.items():
        if type(value) is not str:  # most drivers hand over text already
            value = str(int(value) if isinstance(value, bool) else value)
        query[key] = value
    return query


def _plain_absolute(url: str) -> tuple[str, str] | None:
    """(origin, path) of an ``http(s)://host/path`` URL with nothing ``urlsplit`` would treat
    specially (a query, a fragment, characters it strips); None for anything else."""
    if url.startswith("http://"):
        start = 7
    elif url.startswith("https://"):
        start = 8
    else:
        return None
    if "?" in url or "#" in url or "\t" in url or "\n" in url or "\r" in url:
        return None
    slash = url.find("/", start)
    if slash == -1:
        return url, "/"
    return url[:slash], url[slash:]


_REASONS = {int(s): s.phrase for s in HTTPStatus}


@dataclass(slots=True)
class BackendResponse:
    """An HTTP response: status, lower-case headers and the raw body bytes."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def reason(self) -> str:
        return _REASONS.get(self.status, "")


class SyncBackend(abc.ABC):
    """Answers requests from synchronous code (python-arango, the emulator's natural form).

    A backend that can answer both ways (live, the wrappers) derives from both base types;
    neither entry point ever stands in for the other.
    """

    @abc.abstractmethod
    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        """Answer ``request`` from synchronous code."""


class AsyncBackend(abc.ABC):
    """Answers requests from asynchronous code (a backend that waits on I/O: live)."""

    @abc.abstractmethod
    async def handle(self, request: BackendRequest) -> BackendResponse:
        """Answer ``request`` from asynchronous code."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release resources (connections, files); default: nothing to do."""


#: Whatever answers requests: a synchronous backend, an asynchronous one, or both.
Backend: TypeAlias = SyncBackend | AsyncBackend


def answer_sync(backend: Backend, request: BackendRequest) -> BackendResponse:
    """``backend``'s answer to a synchronous caller.

    An asynchronous-only backend cannot answer here: running its coroutine on a private
    event loop would hide which loop its connections belong to.
    """
    kinds = _KINDS.get(backend.__class__) or _kinds(backend.__class__)
    if kinds[0]:
        return backend.handle_sync(request)  # type: ignore[union-attr]
    raise TypeError(
        f"{type(backend).__name__} answers asynchronous callers only; use an asynchronous driver"
    )


def answer(backend: Backend, request: BackendRequest) -> Coroutine[Any, Any, BackendResponse]:
    """``backend``'s answer to an asynchronous caller, to be awaited: an asynchronous
    backend's own coroutine (no coroutine of ours around it, on every request).

    A synchronous backend answers inline: it never waits on I/O, so handing it to a thread
    would only add a hop.
    """
    kinds = _KINDS.get(backend.__class__) or _kinds(backend.__class__)
    if kinds[1]:
        return backend.handle(request)  # type: ignore[union-attr]
    return ready(backend.handle_sync(request))  # type: ignore[union-attr]


async def ready(response: BackendResponse) -> BackendResponse:
    """``response`` as an awaitable answer (for a wrapper that answers without waiting)."""
    return response


_KINDS: dict[type, tuple[bool, bool]] = {}


def _kinds(kind: type) -> tuple[bool, bool]:
    """Whether instances of ``kind`` are (sync, async) backends, asked once per class (the
    callers read ``_KINDS`` first): an ``isinstance`` against an abstract base class runs
    Python code on every request."""
    found = _KINDS.get(kind)
    if found is None:
        found = _KINDS[kind] = (issubclass(kind, SyncBackend), issubclass(kind, AsyncBackend))
    return found


class HostDownError(ConnectionError):
    """The host a request was addressed to cannot be reached (a fault a test switched on).

    Backends raise it; each transport re-raises the connection error its driver fails over
    on (``requests.ConnectionError``, ``httpx.ConnectError``, ``ClientConnectionError``...).
    """
