"""pytest-arangomock: ArangoDB 3.12 emulated in memory for tests.

Public API: the :class:`Emulator` backend, the seam (:class:`SyncBackend` and
:class:`AsyncBackend`, ``Backend`` for either, the request and response types and the
neutral :class:`HostDownError`), and the in-process transport for python-arango-async.
"""

from .backend import (
    AsyncBackend,
    Backend,
    BackendRequest,
    BackendResponse,
    HostDownError,
    SyncBackend,
)
from .emulator import ArangoError, Emulator

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # transports import their driver lazily so the package imports without every driver
    if name == "InProcessHTTPClient":
        from .transports.arangoasync import InProcessHTTPClient

        return InProcessHTTPClient
    raise AttributeError(name)


__all__ = [
    "ArangoError",
    "AsyncBackend",
    "Backend",
    "BackendRequest",
    "BackendResponse",
    "Emulator",
    "HostDownError",
    "InProcessHTTPClient",
    "SyncBackend",
]
