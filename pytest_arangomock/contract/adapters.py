"""The three drivers behind :mod:`.facade`: python-arango-async, python-arango, aioarango.

python-arango and aioarango (its asyncio fork) share one API, so one adapter serves both: a
:class:`_Runner` runs each call (python-arango's in a worker thread, so a synchronous driver
never blocks the event loop a backend may need; aioarango's awaited) and turns the driver's
server errors into :class:`~.facade.ServerError`. Their formatted answers (snake_case
fields, short index ids, ``_old_rev``) are renamed back to the server's names.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from .facade import (
    Collection,
    ConnectionRefused,
    Cursor,
    Database,
    Driver,
    Json,
    ServerError,
    error_entry,
    full_index_id,
    only,
    renamed,
    short_index_id,
    unsupported,
)

__all__ = ["AioArangoDriver", "ArangoAsyncDriver", "PythonArangoDriver"]

PROPERTY_FIELDS = ("name", "type", "waitForSync", "isSystem", "schema", "keyOptions")


# ---------------------------------------------------------------- python-arango-async


async def _guarded(call: Any) -> Any:
    """Await one python-arango-async call, its server errors as :class:`ServerError`."""
    from arangoasync.exceptions import ArangoServerError

    try:
        return await call
    except ArangoServerError as exc:
        raise ServerError.of(exc) from exc


def _to_dict(value: Any) -> Json:
    """python-arango-async wraps some answers (``IndexProperties``...) around the raw dict."""
    return dict(value.to_dict() if hasattr(value, "to_dict") else value)


def _ignore_revs(options: dict[str, Any]) -> dict[str, Any]:
    """``check_rev`` is ``ignore_revs`` negated in python-arango-async."""
    if "check_rev" in options:
        options = dict(options)
        options["ignore_revs"] = not options.pop("check_rev")
    return options


class _AsyncCursor(Cursor):
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self.id = cursor.id
        self.count = cursor.count

    @property
    def has_more(self) -> bool | None:
        has_more: bool | None = self._cursor.has_more
        return has_more

    @property
    def batch(self) -> list[Any]:
        return list(self._cursor.batch)

    @property
    def statistics(self) -> Json:
        return _to_dict(self._cursor.statistics)

    @property
    def warnings(self) -> list[Json]:
        return list(self._cursor.warnings or [])

    async def fetch(self) -> list[Any]:
        return list(await _guarded(self._cursor.fetch()))

    async def rest(self) -> list[Any]:
        from arangoasync.exceptions import ArangoServerError

        try:
            return [item async for item in self._cursor]
        except ArangoServerError as exc:
            raise ServerError.of(exc) from exc

    async def close(self) -> bool | None:
        closed: bool | None = await _guarded(self._cursor.close())
        return closed


class _AsyncCollection(Collection):
    def __init__(self, col: Any) -> None:
        self._col = col
        self.name = col.name

    async def insert(self, doc: Json, **options: Any) -> Json:
        return dict(await _guarded(self._col.insert(doc, **options)))

    async def get(self, key: str) -> Json | None:
        found = await _guarded(self._col.get(key))
        return None if found is None else dict(found)

    async def has(self, key: str) -> bool:
        return bool(await _guarded(self._col.has(key)))

    async def count(self) -> int:
        return int(await _guarded(self._col.count()))

    async def update(self, doc: Json, **options: Any) -> Json:
        return dict(await _guarded(self._col.update(doc, **_ignore_revs(options))))

    async def replace(self, doc: Json, **options: Any) -> Json:
        return dict(await _guarded(self._col.replace(doc, **_ignore_revs(options))))

    async def delete(self, key: str, **options: Any) -> Json:
        return dict(await _guarded(self._col.delete(key, **_ignore_revs(options))))

    async def _many(self, method: str, items: Sequence[Any], options: dict[str, Any]) -> list[Json]:
        call = getattr(self._col, method)(items, **_ignore_revs(options))
        return [dict(entry) for entry in await _guarded(call)]

    async def insert_many(self, docs: Sequence[Json], **options: Any) -> list[Json]:
        return await self._many("insert_many", docs, _classic_options(options, revisions=False))

    async def update_many(self, docs: Sequence[Json], **options: Any) -> list[Json]:
        return await self._many("update_many", docs, options)

    async def replace_many(self, docs: Sequence[Json], **options: Any) -> list[Json]:
        return await self._many("replace_many", docs, options)

    async def delete_many(self, keys: Sequence[str], **options: Any) -> list[Json]:
        return await self._many("delete_many", keys, options)

    async def get_many(self, keys: Sequence[str]) -> list[Json]:
        return [dict(doc) for doc in await _guarded(self._col.get_many(keys))]

    async def import_bulk(self, docs: Sequence[Json], *, complete: bool) -> Json:
        lines = "\n".join(json.dumps(doc) for doc in docs)
        call = self._col.import_bulk(lines, doc_type="documents", complete=complete)
        return dict(await _guarded(call))

    async def truncate(self) -> None:
        await _guarded(self._col.truncate())

    async def properties(self) -> Json:
        return only(_to_dict(await _guarded(self._col.properties())), PROPERTY_FIELDS)

    async def add_index(self, type: str, fields: list[str], **options: Any) -> Json:
        call = self._col.add_index(type=type, fields=fields, options=options or None)
        return _to_dict(await _guarded(call))

    async def indexes(self) -> list[Json]:
        return [_to_dict(index) for index in await _guarded(self._col.indexes())]

    async def delete_index(self, index_id: str) -> bool:
        return bool(await _guarded(self._col.delete_index(index_id)))


class _AsyncDatabase(Database):
    def __init__(self, db: Any) -> None:
        self._db = db

    def collection(self, name: str) -> Collection:
        return _AsyncCollection(self._db.collection(name))

    async def create_collection(
        self, name: str, *, edge: bool = False, key_options: Json | None = None
    ) -> Collection:
        call = self._db.create_collection(
            name, col_type=3 if edge else None, key_options=key_options
        )
        return _AsyncCollection(await _guarded(call))

    async def collections(self) -> list[Json]:
        listed = await _guarded(self._db.collections())
        return [{"name": c["name"], "type": c["type"]} for c in listed]

    async def has_collection(self, name: str) -> bool:
        return bool(await _guarded(self._db.has_collection(name)))

    async def delete_collection(self, name: str, *, ignore_missing: bool = False) -> bool:
        return bool(await _guarded(self._db.delete_collection(name, ignore_missing=ignore_missing)))

    async def query(
        self,
        query: str,
        *,
        bind_vars: Json | None = None,
        batch_size: int | None = None,
        count: bool | None = None,
        full_count: bool | None = None,
    ) -> Cursor:
        options = None if full_count is None else {"fullCount": full_count}
        call = self._db.aql.execute(
            query, bind_vars=bind_vars, batch_size=batch_size, count=count, options=options
        )
        return _AsyncCursor(await _guarded(call))

    async def version(self) -> str:
        return str(await _guarded(self._db.version()))

    async def create_database(self, name: str) -> bool:
        return bool(await _guarded(self._db.create_database(name)))

    async def delete_database(self, name: str, *, ignore_missing: bool = False) -> bool:
        return bool(await _guarded(self._db.delete_database(name, ignore_missing=ignore_missing)))

    async def create_user(self, name: str, password: str) -> None:
        await _guarded(self._db.create_user({"user": name, "password": password}))

    async def update_permission(self, user: str, level: str, database: str) -> None:
        await _guarded(self._db.update_permission(user, level, database))

    async def delete_user(self, name: str, *, ignore_missing: bool = False) -> bool:
        return bool(await _guarded(self._db.delete_user(name, ignore_missing=ignore_missing)))


class ArangoAsyncDriver(Driver):
    """python-arango-async (``arangoasync``), the reference driver of the suite."""

    name = "python-arango-async"

    def __init__(self, hosts: str, http_client: Any) -> None:
        from arangoasync import ArangoClient

        self._client = ArangoClient(hosts=hosts, http_client=http_client)

    async def connect(
        self, database: str, user: str, password: str, *, verify: bool = False
    ) -> Database:
        from arangoasync.auth import Auth
        from arangoasync.exceptions import ServerConnectionError

        try:
            db = await self._client.db(database, auth=Auth(user, password), verify=verify)
        except ServerConnectionError as exc:
            raise ConnectionRefused(str(exc)) from exc
        return _AsyncDatabase(db)

    async def close(self) -> None:
        await self._client.close()


# ---------------------------------------------------------------- python-arango, aioarango

#: snake_case names the classic drivers give server fields, back to the server's
_INDEX_NAMES = {
    "selectivity": "selectivityEstimate",
    "new": "isNewlyCreated",
    "in_background": "inBackground",
    "min_length": "minLength",
    "geo_json": "geoJson",
    "ignore_none": "ignoreNull",
    "expiry_time": "expireAfter",
}
_STATISTICS_NAMES = {
    "modified": "writesExecuted",
    "ignored": "writesIgnored",
    "lookups": "documentLookups",
    "scanned_full": "scannedFull",
    "scanned_index": "scannedIndex",
    "execution_time": "executionTime",
    "http_requests": "httpRequests",
    "peak_memory_usage": "peakMemoryUsage",
    "intermediate_commits": "intermediateCommits",
}
_COLLECTION_NAMES = {"system": "isSystem", "sync": "waitForSync", "key_options": "keyOptions"}
_KEY_OPTION_NAMES = {
    "key_generator": "type",
    "user_keys": "allowUserKeys",
    "key_increment": "increment",
    "key_offset": "offset",
    "key_last_value": "lastValue",
}
_COLLECTION_TYPES = {"document": 2, "edge": 3}
#: the facade's option names, as the classic drivers spell them
_OPTION_NAMES = {"keep_null": "keep_none", "merge_objects": "merge"}


def _classic_options(options: dict[str, Any], *, revisions: bool = True) -> dict[str, Any]:
    """Facade options in classic names; for calls that take ``check_rev``, it is always
    explicit (their default is True, the server's is to ignore ``_rev``)."""
    out = {_OPTION_NAMES.get(k, k): v for k, v in options.items()}
    if revisions:
        out.setdefault("check_rev", False)
    return out


def _meta(result: Any) -> Json:
    """A write's answer with ``_old_rev`` named ``_oldRev`` again."""
    return renamed(result, {"_old_rev": "_oldRev"})


class _Runner:
    """Runs classic-driver calls: in a thread (python-arango) or awaited (aioarango)."""

    def __init__(self, sync: bool, server_error: type[BaseException]) -> None:
        self.sync = sync
        self.server_error = server_error

    async def __call__(self, call: Callable[[], Any]) -> Any:
        try:
            if self.sync:
                return await asyncio.to_thread(call)
            return await call()
        except self.server_error as exc:
            raise ServerError.of(exc) from exc

    async def drain(self, cursor: Any) -> list[Any]:
        if self.sync:
            return list(await self(lambda: list(cursor)))

        async def consume() -> list[Any]:
            return [item async for item in cursor]

        return list(await self(consume))

    def entry(self, item: Any) -> Json:
        """One batch answer: an exception object for a failed document, else metadata."""
        return error_entry(item) if isinstance(item, self.server_error) else _meta(item)


class _ClassicCursor(Cursor):
    def __init__(self, cursor: Any, run: _Runner) -> None:
        self._cursor = cursor
        self._run = run
        self.id = cursor.id
        self.count = cursor.count()

    @property
    def has_more(self) -> bool | None:
        has_more: bool | None = self._cursor.has_more()
        return has_more

    @property
    def batch(self) -> list[Any]:
        return list(self._cursor.batch())

    @property
    def statistics(self) -> Json:
        return renamed(self._cursor.statistics() or {}, _STATISTICS_NAMES)

    @property
    def warnings(self) -> list[Json]:
        return list(self._cursor.warnings() or [])

    async def fetch(self) -> list[Any]:
        before = len(self._cursor.batch())
        await self._run(self._cursor.fetch)
        return list(self._cursor.batch())[before:]

    async def rest(self) -> list[Any]:
        return await self._run.drain(self._cursor)

    async def close(self) -> bool | None:
        closed: bool | None = await self._run(self._cursor.close)
        return closed


class _ClassicCollection(Collection):
    def __init__(self, col: Any, run: _Runner, driver: type[Driver]) -> None:
        self._col = col
        self._run = run
        self._driver = driver
        self.name = col.name

    def _check(self, call: str) -> None:
        """Skip the test when the driver cannot make ``call``."""
        if call in self._driver.gaps:
            unsupported(self._driver.name, f"{call}: {self._driver.gaps[call]}")

    async def insert(self, doc: Json, **options: Any) -> Json:
        opts = _classic_options(options, revisions=False)
        return _meta(await self._run(lambda: self._col.insert(doc, **opts)))

    async def get(self, key: str) -> Json | None:
        found = await self._run(lambda: self._col.get(key))
        return None if found is None else dict(found)

    async def has(self, key: str) -> bool:
        return bool(await self._run(lambda: self._col.has(key)))

    async def count(self) -> int:
        return int(await self._run(self._col.count))

    async def update(self, doc: Json, **options: Any) -> Json:
        opts = _classic_options(options)
        return _meta(await self._run(lambda: self._col.update(doc, **opts)))

    async def replace(self, doc: Json, **options: Any) -> Json:
        opts = _classic_options(options)
        return _meta(await self._run(lambda: self._col.replace(doc, **opts)))

    async def delete(self, key: str, **options: Any) -> Json:
        opts = _classic_options(options)
        return _meta(await self._run(lambda: self._col.delete(key, **opts)))

    async def _many(self, method: str, items: Sequence[Any], options: dict[str, Any]) -> list[Json]:
        call = getattr(self._col, method)
        return [self._run.entry(item) for item in await self._run(lambda: call(items, **options))]

    async def insert_many(self, docs: Sequence[Json], **options: Any) -> list[Json]:
        if "overwrite_mode" in options:
            self._check("insert_many(overwrite_mode=...)")
        return await self._many("insert_many", docs, _classic_options(options, revisions=False))

    async def update_many(self, docs: Sequence[Json], **options: Any) -> list[Json]:
        return await self._many("update_many", docs, _classic_options(options))

    async def replace_many(self, docs: Sequence[Json], **options: Any) -> list[Json]:
        return await self._many("replace_many", docs, _classic_options(options))

    async def delete_many(self, keys: Sequence[str], **options: Any) -> list[Json]:
        # the classic drivers take documents (bodies with a _key), not bare keys
        docs = [{"_key": key} for key in keys]
        return await self._many("delete_many", docs, _classic_options(options))

    async def get_many(self, keys: Sequence[str]) -> list[Json]:
        self._check("get_many()")
        return [dict(doc) for doc in await self._run(lambda: self._col.get_many(keys))]

    async def import_bulk(self, docs: Sequence[Json], *, complete: bool) -> Json:
        return dict(await self._run(lambda: self._col.import_bulk(docs, halt_on_error=complete)))

    async def truncate(self) -> None:
        await self._run(self._col.truncate)

    async def properties(self) -> Json:
        props = renamed(await self._run(self._col.properties), _COLLECTION_NAMES)
        props["type"] = _COLLECTION_TYPES.get(str(props.get("type")), props.get("type"))
        if "keyOptions" in props:
            props["keyOptions"] = renamed(props["keyOptions"], _KEY_OPTION_NAMES)
        return only(props, PROPERTY_FIELDS)

    def _index(self, data: Json) -> Json:
        index = renamed(data, _INDEX_NAMES)
        index["id"] = full_index_id(self.name, index["id"])
        return index

    async def add_index(self, type: str, fields: list[str], **options: Any) -> Json:
        add_index = getattr(self._col, "add_index", None)
        if add_index is not None:  # python-arango 8: the server's own fields
            data = {"type": type, "fields": fields, **options}
            return self._index(await self._run(lambda: add_index(data, formatter=False)))
        if type != "persistent":
            unsupported(self._driver.name, f"add_index(type={type!r})")
        return self._index(
            await self._run(lambda: self._col.add_persistent_index(fields, **options))
        )

    async def indexes(self) -> list[Json]:
        return [self._index(index) for index in await self._run(self._col.indexes)]

    async def delete_index(self, index_id: str) -> bool:
        short = short_index_id(index_id)
        return bool(await self._run(lambda: self._col.delete_index(short)))


class _ClassicDatabase(Database):
    def __init__(self, db: Any, run: _Runner, driver: type[Driver]) -> None:
        self._db = db
        self._run = run
        self._driver = driver

    def collection(self, name: str) -> Collection:
        return _ClassicCollection(self._db.collection(name), self._run, self._driver)

    async def create_collection(
        self, name: str, *, edge: bool = False, key_options: Json | None = None
    ) -> Collection:
        keys = renamed(key_options or {}, {v: k for k, v in _KEY_OPTION_NAMES.items()})
        col = await self._run(lambda: self._db.create_collection(name, edge=edge, **keys))
        return _ClassicCollection(col, self._run, self._driver)

    async def collections(self) -> list[Json]:
        listed = await self._run(self._db.collections)
        return [
            {"name": c["name"], "type": _COLLECTION_TYPES.get(str(c["type"]), c["type"])}
            for c in listed
        ]

    async def has_collection(self, name: str) -> bool:
        return bool(await self._run(lambda: self._db.has_collection(name)))

    async def delete_collection(self, name: str, *, ignore_missing: bool = False) -> bool:
        return bool(
            await self._run(lambda: self._db.delete_collection(name, ignore_missing=ignore_missing))
        )

    async def query(
        self,
        query: str,
        *,
        bind_vars: Json | None = None,
        batch_size: int | None = None,
        count: bool | None = None,
        full_count: bool | None = None,
    ) -> Cursor:
        cursor = await self._run(
            lambda: self._db.aql.execute(
                query,
                bind_vars=bind_vars,
                batch_size=batch_size,
                count=bool(count),
                full_count=full_count,
            )
        )
        return _ClassicCursor(cursor, self._run)

    async def version(self) -> str:
        return str(await self._run(self._db.version))

    async def create_database(self, name: str) -> bool:
        return bool(await self._run(lambda: self._db.create_database(name)))

    async def delete_database(self, name: str, *, ignore_missing: bool = False) -> bool:
        return bool(
            await self._run(lambda: self._db.delete_database(name, ignore_missing=ignore_missing))
        )

    async def create_user(self, name: str, password: str) -> None:
        await self._run(lambda: self._db.create_user(name, password))

    async def update_permission(self, user: str, level: str, database: str) -> None:
        await self._run(lambda: self._db.update_permission(user, level, database))

    async def delete_user(self, name: str, *, ignore_missing: bool = False) -> bool:
        return bool(
            await self._run(lambda: self._db.delete_user(name, ignore_missing=ignore_missing))
        )


class _ClassicDriver(Driver):
    """What python-arango and aioarango share: ``ArangoClient(hosts, http_client)`` and
    ``client.db(name, username, password, verify)``."""

    _module: ClassVar[str]
    _sync: ClassVar[bool]

    def __init__(self, hosts: str, http_client: Any) -> None:
        import importlib

        package = importlib.import_module(self._module)
        errors = importlib.import_module(f"{self._module}.exceptions")
        self._client = package.ArangoClient(hosts=hosts, http_client=http_client)
        self._refused: type[BaseException] = errors.ServerConnectionError
        self._run = _Runner(self._sync, errors.ArangoServerError)

    async def connect(
        self, database: str, user: str, password: str, *, verify: bool = False
    ) -> Database:
        def open_db() -> Any:
            return self._client.db(database, username=user, password=password, verify=verify)

        try:
            db = await self._run(open_db)
        except ServerError as exc:
            if isinstance(exc.__cause__, self._refused):
                raise ConnectionRefused(str(exc)) from exc
            raise
        except self._refused as exc:  # aioarango: a client-side error, no server answer
            raise ConnectionRefused(str(exc)) from exc
        return _ClassicDatabase(db, self._run, type(self))

    async def close(self) -> None:
        await self._run(self._client.close)


class PythonArangoDriver(_ClassicDriver):
    """python-arango (``arango``), synchronous."""

    name = "python-arango"
    _module = "arango"
    _sync = True


class AioArangoDriver(_ClassicDriver):
    """aioarango, python-arango's asyncio fork; it formats index definitions to a subset."""

    name = "aioarango"
    hidden_index_fields = frozenset({"cacheEnabled", "estimates"})
    gaps: ClassVar[dict[str, str]] = {
        "insert_many(overwrite_mode=...)": "its insert_many has no such argument",
        "get_many()": "it asks PUT /_api/simple/lookup-by-keys, gone from ArangoDB 3.12",
    }
    _module = "aioarango"
    _sync = False
