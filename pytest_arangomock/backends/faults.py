"""Coordinator faults: a wrapper that makes hosts of one deployment fail, per test.

Drivers take a list of coordinator URLs (``hosts=[...]``) and fail over when one of them
cannot be reached (each driver's connection error) or, for python-arango, when it answers
``503`` with ``errorNum`` 503. :class:`FaultsBackend` puts any backend behind such a
deployment and lets a test cause both, per host (``arango_faults`` in the plugin):

    faults = FaultsBackend(Emulator())
    faults.host_down("http://db1:8529")    # the driver's connection error
    faults.unavailable("http://db2:8529")  # 503, errorNum 503
    faults.clear()                         # everything reachable again

Requests name their host in :attr:`BackendRequest.host` (transports fill it in from the
URL or the ``Host`` header). A down host raises the seam's :class:`HostDownError`, which
each transport turns into its driver's own error; the loopback coordinators of
:mod:`pytest_arangomock.coordinators` also stop listening while their host is down.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

from ..backend import (
    AsyncBackend,
    Backend,
    BackendRequest,
    BackendResponse,
    HostDownError,
    SyncBackend,
    answer,
    answer_sync,
    ready,
)
from ..base.errors import error_body, message_for

__all__ = ["FaultsBackend", "host_key", "unavailable_response"]

_DEFAULT_PORTS = {"http": 80, "https": 443}

Listener = Callable[[str, bool], None]


def host_key(host: str) -> str:
    """The ``host[:port]`` a URL, an origin or a ``Host`` header names (lower case).

    Default ports are dropped so ``http://db:80``, ``http://db`` and ``db`` are one host.
    """
    text = host.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    name = (parts.hostname or "").lower()
    if ":" in name:  # IPv6 literal
        name = f"[{name}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        return name
    return f"{name}:{port}"


def unavailable_response() -> BackendResponse:
    """ArangoDB's answer of a coordinator that cannot serve: 503 with errorNum 503."""
    body = json.dumps(error_body(503, 503, message_for(503)), separators=(",", ":"))
    return BackendResponse(
        503, {"content-type": "application/json; charset=utf-8"}, body.encode("utf-8")
    )


class FaultsBackend(SyncBackend, AsyncBackend):
    """``inner`` behind a switch of hosts that are down or unavailable.

    It answers whichever way ``inner`` does; while no host is switched off a request costs
    one attribute read on top of ``inner``'s answer.
    """

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self._down: set[str] = set()
        self._unavailable: set[str] = set()
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        # some host is down or unavailable: read on every request, so a plain attribute
        self.armed = False

    # ------------------------------------------------------------------ switches
    def host_down(self, host: str) -> None:
        """Requests to ``host`` fail with the driver's connection error until :meth:`host_up`."""
        self._switch(self._down, host, True)

    def host_up(self, host: str) -> None:
        """``host`` is reachable again."""
        self._switch(self._down, host, False)

    def unavailable(self, host: str) -> None:
        """``host`` answers every request with 503, errorNum 503 (service unavailable)."""
        self._switch(self._unavailable, host, True)

    def available(self, host: str) -> None:
        """``host`` answers normally again."""
        self._switch(self._unavailable, host, False)

    def clear(self) -> None:
        """Every host reachable and available."""
        for host in sorted(self._down):
            self.host_up(host)
        with self._lock:
            self._unavailable.clear()
            self.armed = bool(self._down)

    def is_down(self, host: str) -> bool:
        return host_key(host) in self._down

    def is_unavailable(self, host: str) -> bool:
        return host_key(host) in self._unavailable

    def watch(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(host_key, down)`` when a host goes down or up; returns an unwatch."""
        with self._lock:
            self._listeners.append(listener)

        def unwatch() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unwatch

    def _switch(self, hosts: set[str], host: str, on: bool) -> None:
        key = host_key(host)
        with self._lock:
            changed = (key in hosts) != on
            if on:
                hosts.add(key)
            else:
                hosts.discard(key)
            self.armed = bool(self._down or self._unavailable)
            listeners = list(self._listeners) if hosts is self._down and changed else []
        for listener in listeners:
            listener(key, on)

    # ------------------------------------------------------------------ requests
    def _check(self, request: BackendRequest) -> BackendResponse | None:
        """What a request meets before ``inner``: :class:`HostDownError`, a 503, or nothing."""
        key = host_key(request.host)
        if key in self._down:
            raise HostDownError(f"cannot connect to {key}: host is down (arangomock fault)")
        if key in self._unavailable:
            return unavailable_response()
        return None

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        if self.armed:
            early = self._check(request)
            if early is not None:
                return early
        return answer_sync(self.inner, request)

    def handle(  # a plain function returning the inner coroutine
        self, request: BackendRequest
    ) -> Coroutine[Any, Any, BackendResponse]:
        """The inner backend's own coroutine (a wrapper of ours around it would cost on
        every request); a host switched off raises when called."""
        if self.armed:
            early = self._check(request)
            if early is not None:
                return ready(early)
        return answer(self.inner, request)

    async def aclose(self) -> None:
        if isinstance(self.inner, AsyncBackend):
            await self.inner.aclose()
