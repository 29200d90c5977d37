"""pytest-arangomock: ArangoDB 3.12 emulated in memory for tests.

Public API: the :class:`Emulator` backend, the seam (:class:`SyncBackend` and
:class:`AsyncBackend`, ``Backend`` for either, the request and response types and the
neutral :class:`HostDownError`), and the in-process transport for python-arango-async.
"""

from typing import TYPE_CHECKING

from .backend import (
    AsyncBackend,
    Backend,
    BackendRequest,
    BackendResponse,
    HostDownError,
    SyncBackend,
)

if TYPE_CHECKING:
    from .base.errors import ArangoError
    from .emulator import Emulator
    from .transports.arangoasync import InProcessHTTPClient

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # Loaded on first use: the pytest plugin imports this package at every pytest start, and
    # the emulator (with the AQL engine) or a driver should cost nothing until a test asks.
    if name == "InProcessHTTPClient":
        from .transports.arangoasync import InProcessHTTPClient

        return InProcessHTTPClient
    if name == "Emulator":
        from .emulator import Emulator

        return Emulator
    if name == "ArangoError":
        from .base.errors import ArangoError

        return ArangoError
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
