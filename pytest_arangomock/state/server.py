"""The whole emulated deployment: databases and users plus every kind of server-wide state,
each a typed store reached by attribute (``server.cursors``, ``server.transactions``...)."""

from __future__ import annotations

import copy
import random
from functools import cached_property
from typing import Any

from ..base.errors import ArangoError
from .admin import AdminSettings, ApiCalls, License
from .backups import BackupStore
from .clock import Clock
from .cursors import CursorStore
from .faults import FaultRules
from .jobs import JobStore
from .locking import QueueTimes, ServerLock
from .model import DOCUMENT, EDGE, Collection, Database, Doc
from .plan_cache import PlanCache
from .queries import QueryCacheProperties
from .replication import Replication
from .running import RecentQueries, RunningQueries
from .runtime import AqlRuntime, JavaScriptRuntime
from .transactions import TransactionManager
from .ttl import TtlRegistry
from .users import Security, Users, ensure_root

__all__ = ["DOCUMENT", "EDGE", "Collection", "Database", "Doc", "Server"]


class Server:
    """The whole emulated deployment: databases, users, clock and a lock around mutation.

    ``aql`` is the AQL engine, for the state that evaluates AQL (computed values, ``aql``
    analyzers); without it those answer 501.
    """

    def __init__(
        self,
        *,
        root_password: str = "",
        seed: int | None = None,
        jwt_secret: str | None = None,
        aql: AqlRuntime | None = None,
        vector_index: bool = True,
    ):
        self.lock = ServerLock()
        #: how long requests waited for a worker thread (statistics, a response header)
        self.queue_times = QueueTimes()
        self.clock = Clock(seed)
        # JWT secrets, server mode and the epoch of every access-relevant change
        self.security = Security(jwt_secret)
        self.aql = aql
        #: ArangoDB's ``--vector-index`` startup option (off: creating one answers 400)
        self.vector_index = vector_index
        #: server-side JavaScript (user functions in AQL), set by the emulator when available
        self.javascript: JavaScriptRuntime | None = None
        self.databases: dict[str, Database] = {}
        # users: name -> record (see state/users.py)
        self.users = Users(self.security)
        self.transactions = TransactionManager(self.clock)
        self.ttl = TtlRegistry()
        self.cursors = CursorStore()
        #: where UUID keys come from when ids are seeded (made on first use)
        self.uuid_rng: random.Random | None = None
        self.create_database("_system")
        ensure_root(self.users, root_password)

    # Stores few requests touch are made on first use: a test's server is built in its
    # fixture, and most tests never ask for backups, log levels or replication batches.
    @cached_property
    def jobs(self) -> JobStore:
        return JobStore()

    @cached_property
    def backups(self) -> BackupStore:
        return BackupStore()

    @cached_property
    def replication(self) -> Replication:
        """Replication state; its server id is stable and numeric per emulated server."""
        return Replication(str(100_000_000_000_000 + id(self) % 10**14))

    @cached_property
    def admin(self) -> AdminSettings:
        return AdminSettings()

    @cached_property
    def license(self) -> License:
        return License()

    @cached_property
    def api_calls(self) -> ApiCalls:
        """Recently admitted requests, for ``/_admin/server/api-calls``."""
        return ApiCalls()

    @cached_property
    def faults(self) -> FaultRules:
        """Faults a test asked for (``emulator.faults``, ``/_arangomock/faults``)."""
        return FaultRules()

    @cached_property
    def running_queries(self) -> RunningQueries:
        """The AQL queries running now (every database's) and the recently started ones."""
        return RunningQueries()

    @cached_property
    def recent_queries(self) -> RecentQueries:
        """The recorded AQL queries of every database (``/_admin/server/aql-queries``)."""
        return RecentQueries()

    @cached_property
    def query_cache(self) -> QueryCacheProperties:
        return QueryCacheProperties()

    @cached_property
    def plan_cache(self) -> PlanCache:
        return PlanCache()

    def create_database(self, name: str, options: dict[str, Any] | None = None) -> Database:
        if name in self.databases:
            raise ArangoError(1207, "duplicate database name", 409)
        db = Database(
            self, name, self.clock.next_id() if name != "_system" else "1", options=options
        )
        self.databases[name] = db
        return db

    def database(self, name: str) -> Database:
        db = self.databases.get(name)
        if db is None:
            raise ArangoError(1228, "database not found", 404)
        return db

    def drop_database(self, name: str) -> None:
        """Drop a database and everything server-wide that still refers to it (its
        cursors, stream transactions and their tombstones), so its memory comes back."""
        db = self.databases.pop(name)
        self.cursors.drop_database(name)
        self.transactions.drop_database(db)
        db.release()

    def discard(self) -> None:
        """Let go of every database at once, for a server that is never read again (a
        test's own emulator after the test). A database points back at its server and an
        index at its collection; without those cycles the whole state is freed as soon as
        its emulator is, not by a later pass of the cycle collector, which every test's
        leftovers would otherwise make run more often."""
        with self.lock:
            databases, self.databases = self.databases, {}
            for db in databases.values():
                db.discard()

    # ----------------------------------------------------------------- backups
    def copy_data(self) -> tuple[dict[str, Database], Users]:
        """Deep copies of the databases and users (a hot backup)."""
        return self._clone(self.databases), self._clone(self.users)

    def restore_data(self, databases: dict[str, Database], users: Users) -> None:
        """Put copies of a hot backup's databases and users in place (the users' records
        change: a new security epoch)."""
        self.databases = self._clone(databases)
        self.users = self._clone(users)
        self.security.advance()

    def _clone(self, value: Any) -> Any:
        """A deep copy that keeps the server itself, its clock and lock shared."""
        memo = {id(self): self, id(self.clock): self.clock, id(self.lock): self.lock}
        return copy.deepcopy(value, memo)
