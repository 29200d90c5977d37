"""A fault switch for the coordinators in front of one emulated deployment.

Drivers take a list of coordinator URLs (``hosts=[...]``) and fail over when one of them
cannot be reached (each driver's connection error) or, for python-arango, when it answers
``503`` with ``errorNum`` 503. ``emulator.faults`` lets a test cause both, per host:

    emulator.faults.host_down("http://db1:8529")    # the driver's connection error
    emulator.faults.unavailable("http://db2:8529")  # 503, errorNum 503
    emulator.faults.clear()                         # everything reachable again

In-process transports and interception check the switch with :func:`check_host` before a
request reaches the backend; requests that arrive over ``arangomock serve`` are matched by
their ``Host`` header (:meth:`Faults.hook`), and the loopback coordinators of
:mod:`pytest_arangomock.coordinators` stop listening while their host is down.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ..backend import Backend, BackendRequest, BackendResponse
from ..base.errors import error_body, message_for
from .context import json_response

__all__ = ["Faults", "HostDown", "check_host", "host_key"]

_DEFAULT_PORTS = {"http": 80, "https": 443}

Listener = Callable[[str, bool], None]


class HostDown(ConnectionError):
    """A request went to a host switched off; transports re-raise their driver's error."""


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


class Faults:
    """Which coordinators are down or unavailable; shared by every transport of a backend."""

    def __init__(self) -> None:
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

    # ------------------------------------------------------------------ checks
    def check(self, host: str) -> BackendResponse | None:
        """What a request to ``host`` meets first: :class:`HostDown`, a 503, or nothing."""
        if not self.armed:
            return None  # nothing switched off: no need to parse the host (every request)
        key = host_key(host)
        if key in self._down:
            raise HostDown(f"cannot connect to {key}: host is down (arangomock fault)")
        if key in self._unavailable:
            return unavailable_response()
        return None

    def hook(self, _backend: Any, request: BackendRequest) -> BackendResponse | None:
        """Emulator hook: a 503 for requests whose ``Host`` header names an unavailable host."""
        if not self._unavailable:
            return None
        host = request.headers.get("host")
        if host and host_key(host) in self._unavailable:
            return unavailable_response()
        return None


def unavailable_response() -> BackendResponse:
    """ArangoDB's answer of a coordinator that cannot serve: 503 with errorNum 503."""
    return json_response(503, error_body(503, 503, message_for(503)))


def check_host(
    backend: Backend,
    host: str,
    connection_error: Callable[[str], BaseException] = HostDown,
) -> BackendResponse | None:
    """:meth:`Faults.check` of ``backend``'s switch (``None`` for backends without one).

    A down host raises ``connection_error(message)``: the error the caller's driver fails
    over on (``requests.ConnectionError``, ``httpx.ConnectError``, ...).
    """
    faults = getattr(backend, "faults", None)
    if not isinstance(faults, Faults) or not faults.armed:
        return None
    try:
        return faults.check(host)
    except HostDown as exc:
        raise connection_error(str(exc)) from exc
