"""The one seam every mode shares: an HTTP-level request/response exchange.

Transports (in-process driver clients, ``arangomock serve``, interception) turn what a
driver sends into a :class:`BackendRequest` and hand it to a :class:`Backend`; backends
(the emulator, replay, record, live, verify) answer with a :class:`BackendResponse`.
Nothing here knows about ArangoDB: it is plain HTTP.
"""

from __future__ import annotations

import abc
import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Backend", "BackendRequest", "BackendResponse"]


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
        dropped the way an HTTP client would.
        """
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if params:
            for key, value in params.items():
                if isinstance(value, bool):
                    value = int(value)
                query[key] = str(value)
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs = {k.lower(): str(v) for k, v in (headers or {}).items()}
        return cls(method.upper(), parts.path or "/", query, hdrs, body or b"")


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


class Backend(abc.ABC):  # noqa: B024 - either entry point may be the one implemented
    """Answers HTTP requests. Subclasses implement at least one of the two entry points.

    Synchronous drivers (python-arango) call :meth:`handle_sync`; asynchronous ones call
    :meth:`handle`. A backend that is naturally synchronous (the emulator, replay) only
    implements ``handle_sync``; a naturally asynchronous one (live) implements ``handle``.
    """

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        """Answer ``request`` from synchronous code."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.handle(request))
        raise RuntimeError(
            f"{type(self).__name__} is asynchronous; call handle() from inside an event loop"
        )

    async def handle(self, request: BackendRequest) -> BackendResponse:
        """Answer ``request`` from asynchronous code."""
        return self.handle_sync(request)

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release resources (connections, files); default: nothing to do."""
