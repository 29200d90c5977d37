"""Stream transactions: snapshot isolation by copy-on-write, ArangoDB's manager semantics.

A transaction sees each collection through a :class:`TrxCollection`. At first the view
shares the real collection's documents and indexes (nothing is copied); it takes a private
copy (documents dict plus rebuilt index structures) the moment it is about to diverge:

* when the transaction writes the collection, or
* when somebody else is about to write a collection the transaction declared, so the
  transaction keeps reading the state it began with (RocksDB's snapshot).

Requests carrying ``x-arango-trx-id`` see the database through a :class:`TrxDatabase`
whose ``collections`` are these views, so the documents API and AQL run unchanged.
Commit replays the transaction's writes onto the real collections through
``Collection.store``/``delete`` (unique indexes are checked; a failure undoes what was
applied); abort drops the views.

Conflicts follow RocksDB's pessimistic locking: a key written by a running transaction is
locked, so anybody else writing it fails with 1200 ("timeout waiting to lock key ..."); a
transaction writing a key somebody else changed after its snapshot fails with 1200
("write-write conflict").

Collections read without being declared (``allowImplicit``) are read live, not from the
snapshot. The idle timeout is ``TransactionManager.idle_timeout`` (60 s, ArangoDB's
``--transaction.streaming-idle-timeout``); ``TransactionManager.clock`` may replace
``time.monotonic`` (tests move time forward with it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..base.errors import ArangoError
from .clock import Clock
from .conflicts import QueryWriter
from .locking import wait_until
from .model import Collection, Database, Doc
from .snapshots import QuerySnapshot, SnapshotView, freeze

__all__ = [
    "EXCLUSIVE",
    "READ",
    "WRITE",
    "StreamTransaction",
    "TransactionManager",
    "TrxCollection",
    "TrxDatabase",
]

READ = "read"
WRITE = "write"
EXCLUSIVE = "exclusive"
_RANK = {READ: 1, WRITE: 2, EXCLUSIVE: 3}

RUNNING = "running"
COMMITTED = "committed"
ABORTED = "aborted"

IDLE_TIMEOUT = 60.0  # --transaction.streaming-idle-timeout
LOCK_TIMEOUT = 900.0  # transaction::Options::defaultLockTimeout (seconds)
KEY_LOCK_TIMEOUT = 1.0  # --rocksdb.transaction-lock-timeout (1000 ms)
TOMBSTONE_TTL = 600.0  # finished transactions answer status queries this long


def lock_conflict(key: str) -> ArangoError:
    """A write to a key another transaction holds (RocksDB's lock timeout, as 1200)."""
    return ArangoError(
        1200,
        "timeout waiting to lock key - in index primary of type primary over '_key'; "
        f"conflicting key: {key}",
        409,
    )


def lock_timeout(db: str, name: str, mode: str, timeout: float) -> ArangoError:
    """18 for a collection lock not granted in time (RocksDBTransactionCollection::doLock
    names the wait when it was at least 0.1 s)."""
    if timeout < 0.1:
        return ArangoError(18, "lock timeout", 500)
    return ArangoError(
        18,
        f"timed out after {timeout:.6f} s waiting for {mode}-lock on collection "
        f"{db}/{name} on single",
        500,
    )


def unregistered(name: str, mode: str) -> ArangoError:
    """1652 for a collection used beyond what the transaction declared."""
    return ArangoError(1652, f"unregistered collection used in transaction: {name} [{mode}]", 400)


class TrxCollection(SnapshotView):
    """A collection as one transaction sees it: its snapshot, then its own writes."""

    trx: StreamTransaction

    @classmethod
    def of(cls, base: Collection, trx: StreamTransaction) -> TrxCollection:
        view: TrxCollection = cls.over(base)
        view.trx = trx
        return view

    def guard_write(self, key: str | None) -> bool:
        return self.trx.before_write(self, key)


class TrxDatabase(Database):
    """The database as a transaction's requests see it: ``collections`` are its views."""

    trx: StreamTransaction

    @classmethod
    def of(cls, trx: StreamTransaction) -> TrxDatabase:
        view = cls.__new__(cls)
        view.__dict__.update(trx.db.__dict__)
        view.trx = trx
        view.collections = {name: trx.view(col) for name, col in trx.db.collections.items()}
        return view

    def collection(self, name_or_id: str) -> Collection:
        col = super().collection(name_or_id)
        self.trx.check_read(col.name)
        return col


class StreamTransaction:
    """One stream transaction: declared collections, options, views, locks, state."""

    def __init__(
        self,
        manager: TransactionManager,
        tid: str,
        db: Database,
        user: str | None,
        modes: dict[str, str],
        options: dict[str, Any],
    ) -> None:
        self.manager = manager
        self.id = tid
        self.db = db
        self.user = user
        self.modes = modes  # declared collection name -> read/write/exclusive
        self.options = options
        self.allow_implicit = bool(options.get("allowImplicit", True))
        self.status = RUNNING
        self.was_expired = False
        self.expiry = 0.0
        self.views: dict[str, TrxCollection] = {}
        # collection name -> keys this transaction wrote (locked until it ends)
        self.written: dict[str, dict[str, None]] = {}
        # collection name -> keys others changed since this transaction's snapshot
        self.changed: dict[str, set[str]] = {}
        self.touch()

    # ------------------------------------------------------------------ state
    def touch(self) -> None:
        """Restart the idle timeout (every use of the transaction does)."""
        manager = self.manager
        ttl = TOMBSTONE_TTL if self.status != RUNNING else manager.idle_timeout
        self.expiry = manager.now() + ttl

    def expired(self) -> bool:
        return self.manager.now() > self.expiry

    @property
    def read_only(self) -> bool:
        return all(mode == READ for mode in self.modes.values())

    # ------------------------------------------------------------------ views
    def view(self, base: Collection) -> TrxCollection:
        """This transaction's view of ``base`` (made on first use)."""
        view = self.views.get(base.name)
        if view is None or view.base is not base:
            view = TrxCollection.of(base, self)
            self.views[base.name] = view
        return view

    def check_read(self, name: str) -> None:
        if name in self.modes or self.allow_implicit or name.startswith("_"):
            return
        raise unregistered(name, READ)

    def check_write(self, name: str) -> None:
        if _RANK.get(self.modes.get(name, ""), 0) < _RANK[WRITE]:
            raise unregistered(name, WRITE)

    def before_write(self, view: TrxCollection, key: str | None) -> bool:
        """Called before this transaction writes ``key`` of ``view`` (None: truncate);
        True when it had to wait for another holder of the key."""
        name = view.name
        self.check_write(name)
        waited = self.manager.await_keys(self.db, name, key, self)
        changed = self.changed.get(name)
        keys = list(view.docs) if key is None else [key]
        if changed and any(k in changed for k in keys):
            raise ArangoError(1200, "write-write conflict", 409)
        view.materialize()
        mine = self.written.setdefault(name, {})
        for k in keys:
            mine[k] = None
        return waited

    def outside_write(self, col: Collection, key: str | None) -> None:
        """Somebody else is about to write ``key`` of ``col``: remember it for conflicts
        (``TransactionManager.guard`` keeps the snapshot intact)."""
        view = self.views.get(col.name)
        if view is not None and view.base is not col:
            return
        if col.name not in self.modes and (view is None or not view.own):
            return  # a collection it cannot write needs no conflict bookkeeping
        changed = self.changed.setdefault(col.name, set())
        if key is None:
            changed.update(col.docs)
        else:
            changed.add(key)

    # ------------------------------------------------------------------ endings
    def finish(self, status: str, *, expired: bool = False) -> None:
        """Become a tombstone: drop views and locks."""
        self.status = status
        self.was_expired = expired
        self.views.clear()
        self.written.clear()
        self.changed.clear()
        self.touch()

    def apply(self) -> None:
        """Replay this transaction's writes onto the real collections, all or nothing."""
        applied: list[tuple[Collection, Doc | None, Doc | None]] = []
        try:
            for name, keys in self.written.items():
                view = self.views.get(name)
                if view is None or self.db.collections.get(name) is not view.base:
                    continue  # the collection went away meanwhile
                base = view.base
                for key in keys:
                    new = view.docs.get(key)
                    old = base.docs.get(key)
                    if new is old:
                        continue
                    if new is None:
                        assert old is not None
                        base.delete(old)
                    else:
                        base.store(new, old)
                    applied.append((base, old, new))
        except ArangoError:
            for base, old, new in reversed(applied):
                if new is None:
                    assert old is not None
                    base.store(old, None)
                elif old is None:
                    base.delete(new)
                else:
                    base.store(old, new)
            raise


class TransactionManager:
    """All stream transactions of one server (ArangoDB's transaction::Manager).

    Every collection write outside a transaction passes :meth:`guard` while any
    transaction (running or a tombstone) is known.
    """

    def __init__(self, clock: Clock) -> None:
        self._ids = clock
        self.transactions: dict[str, StreamTransaction] = {}
        self.committing: StreamTransaction | None = None
        #: seconds a running transaction may stay unused (--transaction.streaming-idle-timeout)
        self.idle_timeout = IDLE_TIMEOUT
        #: monotonic seconds; None: ``time.monotonic`` (tests move time forward)
        self.clock: Callable[[], float] | None = None
        #: writing AQL queries between their snapshot and their end, by thread
        self.writers: dict[int, QueryWriter] = {}
        #: running AQL queries' snapshots, by thread
        self.readers: dict[int, QuerySnapshot] = {}

    def now(self) -> float:
        clock = self.clock
        return clock() if clock is not None else time.monotonic()

    def running(self, db: Database | None = None) -> Iterator[StreamTransaction]:
        for trx in self.transactions.values():
            if trx.status == RUNNING and (db is None or trx.db is db):
                yield trx

    def holders(self, db: Database) -> Iterator[StreamTransaction | QueryWriter]:
        """Whoever may hold key locks in ``db``: running transactions and writing queries."""
        yield from self.running(db)
        for writer in list(self.writers.values()):
            if writer.db is db:
                yield writer

    def begin_query(self, db: Database) -> QueryWriter | None:
        """A writing query takes its snapshot (see ``conflicts.py``); None for a query
        nested in another one on the same thread (it shares the outer snapshot)."""
        writer = QueryWriter(db)
        if writer.thread in self.writers:
            return None
        self.writers[writer.thread] = writer
        return writer

    def end_query(self, writer: QueryWriter) -> None:
        """The query ended: its key locks go."""
        if self.writers.get(writer.thread) is writer:
            del self.writers[writer.thread]

    def begin_read(self, db: Database) -> QuerySnapshot | None:
        """A query takes its snapshot (see ``snapshots.py``); None for a query nested in
        another one on the same thread (it reads through the outer one's views)."""
        snapshot = QuerySnapshot(db)
        if snapshot.thread in self.readers:
            return None
        self.readers[snapshot.thread] = snapshot
        return snapshot

    def end_read(self, snapshot: QuerySnapshot) -> None:
        if self.readers.get(snapshot.thread) is snapshot:
            del self.readers[snapshot.thread]

    def reader(self) -> QuerySnapshot | None:
        """The snapshot of the query the calling thread runs, if any."""
        readers = self.readers
        return readers.get(threading.get_ident()) if readers else None

    def keep_snapshots(self, col: Collection, me: int) -> None:
        """Before ``col`` is written on thread ``me``: if a snapshot other than that
        thread's query still shares its structures, the collection moves on to a copy."""
        views: list[SnapshotView] = []
        other = False
        for thread, snapshot in self.readers.items():
            if snapshot.db is col.db:
                view = snapshot.view(col)
                if isinstance(view, SnapshotView) and view.shares(col):
                    views.append(view)
                    other = other or thread != me
        for trx in self.running(col.db):
            if trx is not self.committing:
                trx_view = trx.view(col)
                if trx_view.shares(col):
                    views.append(trx_view)
                    other = True
        if other:
            freeze(col, views)

    def collect(self) -> None:
        """Garbage collection: expired transactions are aborted, old tombstones forgotten."""
        for tid, trx in list(self.transactions.items()):
            if trx.expired():
                if trx.status == RUNNING:
                    trx.finish(ABORTED, expired=True)
                else:
                    del self.transactions[tid]

    def guard(self, col: Collection, key: str | None) -> bool:
        """``Collection.guard_write`` for writes outside any transaction (a query's, a
        commit's, a single document operation's); True when it waited for a lock."""
        writers = self.writers
        thread = threading.get_ident()
        me = writers.get(thread) if writers else None
        readers = self.readers
        if (
            not self.transactions
            and len(writers) == (me is not None)
            and (not readers or (len(readers) == 1 and thread in readers))
        ):  # a query writing alone: only its own bookkeeping
            if me is not None and me.db is col.db:
                me.before_write(col, key)
            return False
        self.collect()
        db = col.db
        waited = self.await_collection(db, col.name, WRITE, None, LOCK_TIMEOUT)
        waited = self.await_keys(db, col.name, key, me) or waited
        if me is not None and me.db is db:
            me.before_write(col, key)
        self.keep_snapshots(col, thread)
        for other in self.holders(db):
            if other is not self.committing and other is not me:
                other.outside_write(col, key)
        return waited

    # ------------------------------------------------------------------ locks
    @property
    def may_block(self) -> bool:
        """Whether a write could have to wait for a lock (a transaction or a writing
        query is running)."""
        if self.writers:
            return True
        return bool(self.transactions) and any(True for _ in self.running())

    def blocker(
        self, db: Database, name: str, mode: str, me: StreamTransaction | None
    ) -> StreamTransaction | None:
        """A running transaction whose lock on collection ``name`` keeps a ``mode`` lock
        out: an exclusive one keeps everybody out; a writing one keeps out exclusive locks
        (RocksDB: the collection's lock taken for writing or shared)."""
        for trx in self.running(db):
            if trx is not me and trx is not self.committing:
                held = trx.modes.get(name)
                if held == EXCLUSIVE or (mode == EXCLUSIVE and held == WRITE):
                    return trx
        return None

    def await_collection(
        self,
        db: Database,
        name: str,
        mode: str,
        me: StreamTransaction | None,
        timeout: float | None,
    ) -> bool:
        """Wait up to ``timeout`` seconds (None: without limit) for a ``mode`` lock on
        collection ``name``; 18 "lock timeout" if it is not granted. True if it waited."""
        if self.blocker(db, name, mode, me) is None:
            return False

        def free() -> bool:
            self.collect()  # an idle holder expires meanwhile
            return self.blocker(db, name, mode, me) is None

        if not wait_until(db.server.lock, free, timeout):
            raise lock_timeout(db.name, name, mode, LOCK_TIMEOUT if timeout is None else timeout)
        return True

    def key_holder(self, db: Database, name: str, key: str | None, me: object) -> str | None:
        """The key (``key``, or any for None) of collection ``name`` that a running
        transaction or writing query other than ``me`` holds, if any."""
        for other in self.holders(db):
            if other is not me and other is not self.committing:
                held = other.written.get(name)
                if held:
                    if key is None:
                        return next(iter(held))
                    if key in held:
                        return key
        return None

    def await_keys(self, db: Database, name: str, key: str | None, me: object) -> bool:
        """Wait for the holder of ``key`` to end, up to RocksDB's lock timeout; then 1200
        "timeout waiting to lock key". True if it waited."""
        held = self.key_holder(db, name, key, me)
        if held is None:
            return False
        if not wait_until(
            db.server.lock, lambda: self.key_holder(db, name, key, me) is None, KEY_LOCK_TIMEOUT
        ):
            raise lock_conflict(self.key_holder(db, name, key, me) or held)
        return True

    # ------------------------------------------------------------------ lifecycle
    def begin(
        self, db: Database, user: str | None, modes: dict[str, str], options: dict[str, Any]
    ) -> StreamTransaction:
        self.collect()
        timeout = options.get("lockTimeout", LOCK_TIMEOUT)
        for name, mode in modes.items():  # exclusive ones first, as declared
            if mode != READ:
                self.await_collection(db, name, mode, None, float(timeout) or None)
        trx = StreamTransaction(self, self._ids.next_id(), db, user, modes, options)
        self.transactions[trx.id] = trx
        return trx

    def drop_database(self, db: Database) -> None:
        """A dropped database's transactions end: running ones abort and, like the
        tombstones, are forgotten (their ids now belong to a database that is gone)."""
        store = self.transactions
        for tid in [tid for tid, trx in store.items() if trx.db is db]:
            trx = store.pop(tid)
            if trx.status == RUNNING:
                trx.finish(ABORTED)

    def find(self, tid: str, db: Database, user: str | None) -> StreamTransaction | None:
        """The transaction ``tid`` if this user may see it from this database."""
        self.collect()
        trx = self.transactions.get(tid)
        if trx is None or trx.db is not db or trx.user != user:
            return None
        return trx

    def commit(self, trx: StreamTransaction) -> None:
        self.committing = trx
        try:
            trx.apply()
        except ArangoError:
            trx.finish(ABORTED)
            raise
        finally:
            self.committing = None
        trx.finish(COMMITTED)

    def abort(self, trx: StreamTransaction) -> None:
        trx.finish(ABORTED)

    def remember_aborted(self, tid: str, db: Database, user: str | None) -> None:
        """ArangoDB leaves an aborted tombstone for an id it is asked to end but never saw."""
        trx = StreamTransaction(self, tid, db, user, {}, {})
        trx.finish(ABORTED)
        self.transactions[tid] = trx
