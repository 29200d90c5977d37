"""One driver-neutral surface, so a contract test is written once and runs through every driver.

Each driver (python-arango-async, python-arango, aioarango) gets a small adapter with the
same methods, taking the same arguments and answering in one shape: the server's own field
names (``_oldRev``, ``selectivityEstimate``, ``writesExecuted``, full index ids
``collection/number``), batch errors as the server's ``{"error", "errorNum",
"errorMessage"}`` entries, and every server error raised as :class:`ServerError` with the
driver's ``error_code``, ``http_code`` and ``error_message``.

An adapter only renames what its driver renamed; it never fills in what the driver did not
report. Where a driver drops fields altogether (aioarango's index definitions) the adapter
says which, in :attr:`Driver.hidden_index_fields`, and tests compare against
:meth:`Driver.shown`. Where a driver cannot make a call at all (:attr:`Driver.gaps`:
aioarango's ``insert_many`` has no ``overwrite_mode``, its ``get_many`` asks an endpoint
ArangoDB 3.12 removed), the adapter skips the test with the reason (:func:`unsupported`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, NoReturn

import pytest

__all__ = [
    "Collection",
    "ConnectionRefused",
    "Cursor",
    "Database",
    "Driver",
    "ServerError",
    "error_entry",
    "renamed",
    "unsupported",
]

Json = dict[str, Any]


class ServerError(Exception):
    """A request the server refused, as any driver reports it."""

    def __init__(self, error_code: int | None, http_code: int | None, error_message: str | None):
        super().__init__(f"[HTTP {http_code}][ERR {error_code}] {error_message}")
        self.error_code = error_code
        self.http_code = http_code
        self.error_message = error_message

    @classmethod
    def of(cls, exc: Any) -> ServerError:
        """From any driver's ``ArangoServerError`` (they share these three attributes)."""
        return cls(exc.error_code, exc.http_code, exc.error_message)


class ConnectionRefused(Exception):
    """``verify=True`` found the credentials refused (drivers differ in what they keep of
    the answer: aioarango keeps only its own message, so only the fact is comparable)."""


def unsupported(driver: str, what: str) -> NoReturn:
    """Skip the running test: ``driver`` has no way to say ``what``."""
    pytest.skip(f"{driver} cannot express this: {what}")


def error_entry(exc: Any) -> Json:
    """The server's batch error entry behind a driver's per-document exception."""
    return {"error": True, "errorNum": exc.error_code, "errorMessage": exc.error_message}


def renamed(data: Mapping[str, Any], names: Mapping[str, str]) -> Json:
    """``data`` with the driver's field names turned back into the server's."""
    return {names.get(key, key): value for key, value in data.items()}


class Cursor(ABC):
    """An AQL cursor: the first batch is in :attr:`batch`; :meth:`fetch` appends the next."""

    id: str | None
    count: int | None

    @property
    @abstractmethod
    def has_more(self) -> bool | None: ...

    @property
    @abstractmethod
    def batch(self) -> list[Any]:
        """What is fetched and not yet consumed, in order."""

    @property
    @abstractmethod
    def statistics(self) -> Json:
        """Query statistics, in the server's field names."""

    @property
    @abstractmethod
    def warnings(self) -> list[Json]: ...

    @abstractmethod
    async def fetch(self) -> list[Any]:
        """Fetch the next batch from the server; returns it (it is also appended)."""

    @abstractmethod
    async def rest(self) -> list[Any]:
        """Consume everything: the current batch, then every batch left on the server."""

    @abstractmethod
    async def close(self) -> bool | None: ...


class Collection(ABC):
    """A document or edge collection."""

    name: str

    @abstractmethod
    async def insert(self, doc: Json, **options: Any) -> Json:
        """Options: ``return_new``, ``return_old``, ``overwrite_mode``."""

    @abstractmethod
    async def get(self, key: str) -> Json | None:
        """The document, or None when there is no such document."""

    @abstractmethod
    async def has(self, key: str) -> bool: ...

    @abstractmethod
    async def count(self) -> int: ...

    @abstractmethod
    async def update(self, doc: Json, **options: Any) -> Json:
        """Options: ``check_rev``, ``keep_null``, ``merge_objects``, ``return_new``,
        ``return_old``."""

    @abstractmethod
    async def replace(self, doc: Json, **options: Any) -> Json:
        """Options: ``check_rev``, ``return_new``, ``return_old``."""

    @abstractmethod
    async def delete(self, key: str, **options: Any) -> Json:
        """Options: ``return_old``."""

    @abstractmethod
    async def insert_many(self, docs: Sequence[Json], **options: Any) -> list[Json]:
        """Like :meth:`insert`, per document; errors as :func:`error_entry` dicts in place."""

    @abstractmethod
    async def update_many(self, docs: Sequence[Json], **options: Any) -> list[Json]: ...

    @abstractmethod
    async def replace_many(self, docs: Sequence[Json], **options: Any) -> list[Json]: ...

    @abstractmethod
    async def delete_many(self, keys: Sequence[str], **options: Any) -> list[Json]: ...

    @abstractmethod
    async def get_many(self, keys: Sequence[str]) -> list[Json]: ...

    @abstractmethod
    async def import_bulk(self, docs: Sequence[Json], *, complete: bool) -> Json:
        """The import report (``created``, ``errors``, ``details``...)."""

    @abstractmethod
    async def truncate(self) -> None: ...

    @abstractmethod
    async def properties(self) -> Json:
        """``name``, ``type``, ``waitForSync``, ``isSystem``, ``schema``, ``keyOptions``."""

    @abstractmethod
    async def add_index(self, type: str, fields: list[str], **options: Any) -> Json:
        """Options in the server's names (``unique``, ``sparse``, ``name``)."""

    @abstractmethod
    async def indexes(self) -> list[Json]: ...

    @abstractmethod
    async def delete_index(self, index_id: str) -> bool:
        """``index_id`` as :meth:`add_index` reports it (``collection/number``)."""


class Database(ABC):
    """A database as one user sees it."""

    @abstractmethod
    def collection(self, name: str) -> Collection: ...

    @abstractmethod
    async def create_collection(
        self, name: str, *, edge: bool = False, key_options: Json | None = None
    ) -> Collection:
        """``key_options`` in the server's names (``type``, ``increment``, ``offset``,
        ``allowUserKeys``)."""

    @abstractmethod
    async def collections(self) -> list[Json]:
        """``{"name", "type"}`` of each collection."""

    @abstractmethod
    async def has_collection(self, name: str) -> bool: ...

    @abstractmethod
    async def delete_collection(self, name: str, *, ignore_missing: bool = False) -> bool: ...

    @abstractmethod
    async def query(
        self,
        query: str,
        *,
        bind_vars: Json | None = None,
        batch_size: int | None = None,
        count: bool | None = None,
        full_count: bool | None = None,
    ) -> Cursor: ...

    @abstractmethod
    async def version(self) -> str: ...

    @abstractmethod
    async def create_database(self, name: str) -> bool: ...

    @abstractmethod
    async def delete_database(self, name: str, *, ignore_missing: bool = False) -> bool: ...

    @abstractmethod
    async def create_user(self, name: str, password: str) -> None: ...

    @abstractmethod
    async def update_permission(self, user: str, level: str, database: str) -> None: ...

    @abstractmethod
    async def delete_user(self, name: str, *, ignore_missing: bool = False) -> bool: ...


class Driver(ABC):
    """One driver's client on the backend under test."""

    #: the driver's distribution name, for messages
    name: ClassVar[str]
    #: index definition fields the driver drops from what the server sends
    hidden_index_fields: ClassVar[frozenset[str]] = frozenset()
    #: calls the driver cannot make, and why (a test needing one is skipped with the reason)
    gaps: ClassVar[dict[str, str]] = {}

    @abstractmethod
    async def connect(
        self, database: str, user: str, password: str, *, verify: bool = False
    ) -> Database:
        """A database handle; ``verify`` checks the credentials first
        (:class:`ConnectionRefused` when they are refused)."""

    @abstractmethod
    async def close(self) -> None: ...

    def shown(self, index: Json) -> Json:
        """An index definition as this driver reports it: the server's fields it keeps."""
        return {k: v for k, v in index.items() if k not in self.hidden_index_fields}


def full_index_id(collection: str, index_id: Any) -> str:
    """``collection/number``: python-arango and aioarango drop the collection part."""
    text = str(index_id)
    return text if "/" in text else f"{collection}/{text}"


def short_index_id(index_id: str) -> str:
    """The number part, what python-arango and aioarango take for an index id."""
    return index_id.rsplit("/", 1)[-1]


def only(data: Mapping[str, Any], fields: Iterable[str]) -> Json:
    """The given fields of ``data`` that it has, in that order."""
    return {k: data[k] for k in fields if k in data}
