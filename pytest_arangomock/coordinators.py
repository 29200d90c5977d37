"""Several loopback servers in front of one backend: the coordinators of one deployment.

A driver given ``hosts=[url1, url2]`` spreads or fails over its requests across them; all
of them answer from the same backend, as coordinators share one cluster's data. They serve
it behind a :class:`~pytest_arangomock.backends.faults.FaultsBackend` (the one given, or a
new one around the backend): ``host_down(url)`` really stops that server's listener (the
driver meets a refused connection, through its own HTTP library) and ``host_up(url)``
starts it again on the same port; ``unavailable(url)`` answers 503.

    with serving_coordinators(Emulator(), 2) as coordinators:
        client = ArangoClient(hosts=coordinators.urls)
        coordinators.faults.host_down(coordinators.urls[0])
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from .backend import Backend
from .backends.faults import FaultsBackend, host_key
from .serve import ServerThread, serve_in_thread

__all__ = ["Coordinators", "serving_coordinators"]


class Coordinators:
    """``count`` servers on loopback sharing ``backend``; :meth:`stop`/:meth:`start` each.

    ``faults`` switches their hosts off and on (``backend`` itself when it is a
    :class:`FaultsBackend`, so a test's own switch drives the listeners too).
    """

    def __init__(self, backend: Backend, count: int = 2, host: str = "127.0.0.1") -> None:
        if count < 1:
            raise ValueError("count must be at least 1")
        self.backend = backend
        self.faults = backend if isinstance(backend, FaultsBackend) else FaultsBackend(backend)
        self._host = host
        self._lock = threading.Lock()
        self._servers: dict[str, ServerThread | None] = {}
        self._ports: dict[str, int] = {}
        self.urls: list[str] = []
        for _ in range(count):
            srv = serve_in_thread(self.faults, host)
            self.urls.append(srv.url)
            self._servers[srv.url] = srv
            self._ports[srv.url] = srv.port
        self._unwatch: Callable[[], None] | None = self.faults.watch(self._on_fault)
        for url in self.urls:  # a host already switched off stays off
            if self.faults.is_down(url):
                self.stop(url)

    def stop(self, url: str) -> None:
        """Stop listening on ``url``: new connections are refused, open ones closed."""
        with self._lock:
            srv = self._servers.get(url)
            self._servers[url] = None
        if srv is not None:
            srv.close()

    def start(self, url: str) -> None:
        """Listen on ``url`` again (same port)."""
        with self._lock:
            if self._servers.get(url) is not None:
                return
            self._servers[url] = serve_in_thread(self.faults, self._host, self._ports[url])

    def close(self) -> None:
        if self._unwatch is not None:
            self._unwatch()
            self._unwatch = None
        for url in self.urls:
            self.stop(url)

    def _on_fault(self, key: str, down: bool) -> None:
        for url in self.urls:
            if host_key(url) == key:
                (self.stop if down else self.start)(url)


@contextlib.contextmanager
def serving_coordinators(
    backend: Backend, count: int = 2, host: str = "127.0.0.1"
) -> Iterator[Coordinators]:
    """``count`` loopback coordinators for ``backend`` for the duration of the block."""
    coordinators = Coordinators(backend, count, host)
    try:
        yield coordinators
    finally:
        coordinators.close()
