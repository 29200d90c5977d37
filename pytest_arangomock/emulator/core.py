"""The emulator backend: parse the database prefix, authenticate, route, answer."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

from ..aql import api as aql_api
from ..backend import BackendRequest, BackendResponse, SyncBackend
from ..base.errors import ArangoError, error_body
from ..state import Database, Server
from ..state.users import NONE, RO, RW, User
from . import auth
from .context import Context, json_response
from .router import (
    AUTH,
    COL_RO,
    COL_RW,
    DB_RO,
    DB_RW,
    PUBLIC,
    ROUTES,
    SYSTEM_RW,
    Route,
    Router,
    complete_table,
)

log = logging.getLogger("pytest_arangomock")

Hook = Callable[["Emulator", BackendRequest], "BackendResponse | None"]
Prepare = Callable[[Context, Route], None]


class Admission(NamedTuple):
    """A request past the communication layer: its database, path, route and user."""

    db: Database
    path: str
    route: Route | None
    params: dict[str, str]
    known: bool
    user: str | None


class Emulator(SyncBackend):
    """An in-memory ArangoDB 3.12 single server, answering HTTP-level requests.

    ``root_password`` is root's password (empty, like a fresh server); ``jwt_secret`` makes
    HS256 superuser tokens signed with it valid; ``seed`` makes ids and revisions
    reproducible; ``authentication=False`` accepts unauthenticated requests as root (like
    ``--server.authentication false``).
    """

    def __init__(
        self,
        *,
        root_password: str = "",
        jwt_secret: str | None = None,
        seed: int | None = None,
        authentication: bool = True,
        keep_requests: int = 1_000,
    ) -> None:
        from . import api  # registers every route

        self._settings: dict[str, Any] = {
            "root_password": root_password,
            "seed": seed,
            "jwt_secret": jwt_secret,
            "aql": aql_api,  # state evaluates AQL (computed values) through it
        }
        self.server = Server(**self._settings)
        self.server.extensions["emulator"] = self  # PUT /_admin/server/mode forgets admissions
        self.authentication = authentication
        self.router = _router()
        # the most recent requests, oldest first (a bounded deque: appending costs O(1))
        self.requests: deque[BackendRequest] = deque(maxlen=keep_requests or None)
        self.keep_requests = keep_requests
        self.internal_errors: list[str] = []
        # (authentication on, credentials, database, route access, collection) -> (user,
        # record, password hash, grants version) of requests admitted on their grants
        self._admitted: dict[
            tuple[bool, str | None, str, str, str | None], tuple[str, User, str, int]
        ] = {}
        # Hooks. Built-in ones only run when they have work: TTL purges while some
        # collection has a TTL index, and the header hooks when the request carries their
        # header (one lookup per header).
        # before: under the server lock, before routing (after the built-in ones)
        self.before: list[Hook] = []
        # outer: before the server lock is taken (async jobs wait for their job there)
        self.outer: list[Hook] = []
        self.outer_by_header: dict[str, Hook] = {api.jobs.ASYNC_HEADER: api.jobs.async_hook}
        # prepare: with each request's context just before its handler (stream transactions)
        self.prepare: list[Prepare] = []
        self.prepare_by_header: dict[str, Prepare] = {
            api.transactions.HEADER: api.transactions.bind_transaction
        }

    # ------------------------------------------------------------------ backend
    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        if self.keep_requests:
            self.requests.append(request)
        if self.outer or not self.outer_by_header.keys().isdisjoint(request.headers.keys()):
            early = self._outer_hooks(request)
            if early is not None:
                return early
        with self.server.lock:
            response = self.dispatch(request)
        if request.method == "HEAD" and response.body:
            response = BackendResponse(response.status, response.headers, b"")
        return response

    def _outer_hooks(self, request: BackendRequest) -> BackendResponse | None:
        """Header hooks whose header the request carries, then the other outer hooks."""
        headers = request.headers
        for name, hook in self.outer_by_header.items():
            if name in headers:
                early = hook(self, request)
                if early is not None:
                    return early
        for hook in self.outer:
            early = hook(self, request)
            if early is not None:
                return early
        return None

    def dispatch(self, request: BackendRequest) -> BackendResponse:
        """Answer one request; never raises (a bug answers 500 and is remembered)."""
        try:
            server = self.server
            if server.ttl.indexes:
                server.ttl.purge()  # TTL indexes: expired documents disappear
            for hook in self.before:
                early = hook(self, request)
                if early is not None:
                    return early
            db_name, path, r, params, known = self.router.locate(request.method, request.path)
            db = server.databases.get(db_name)
            ctx: Context | None = None
            if db is not None and r is not None and r.handler is not None:
                # the same credentials already passed this (database, access, collection)
                # on grants unchanged since: skip re-deriving the decision
                authenticating = self.authentication
                credentials = request.headers.get("authorization") if authenticating else None
                key = (authenticating, credentials, db_name, r.access, params.get("collection"))
                known_user = self._admitted.get(key)
                if known_user is not None:
                    name, record, digest, version = known_user
                    if (
                        server.users.get(name) is record
                        and record.active
                        and record.password_hash == digest
                        and record.grants_version == version
                    ):
                        ctx = Context(server, request, db, name, params, self.dispatch)
            if ctx is None:
                ctx = self._admit_slowly(request, db_name, path, db, r, params, known)
            headers = request.headers
            if not self.prepare_by_header.keys().isdisjoint(headers.keys()):
                for name, prepare in self.prepare_by_header.items():
                    if name in headers:
                        prepare(ctx, r)  # type: ignore[arg-type]
            if self.prepare:
                for prepare in self.prepare:
                    prepare(ctx, r)  # type: ignore[arg-type]
            return r.handler(ctx)  # type: ignore[union-attr,misc]
        except ArangoError as exc:
            return json_response(exc.status, exc.body(), exc.headers)
        except Exception as exc:  # pragma: no cover - a bug in the emulator
            log.exception("emulator failure on %s %s", request.method, request.path)
            self.internal_errors.append(f"{request.method} {request.path}: {exc!r}")
            return json_response(500, error_body(500, 4, f"internal error: {exc!r}"))

    def admit(self, request: BackendRequest) -> Admission:
        """What the communication layer checks before any handler: credentials, path
        access and the database (401, 404/1228 are raised); also the matched route."""
        db_name, path, r, params, known = self.router.locate(request.method, request.path)
        user = self._authenticate(request, db_name, path, r)
        db = self.server.databases.get(db_name)
        if db is None:
            raise auth.TransportError(1228, "database not found", 404)
        return Admission(db, path, r, params, known, user)

    def _authenticate(
        self, request: BackendRequest, db_name: str, path: str, r: Route | None
    ) -> str | None:
        """The request's user; credentials and path access are checked before routing,
        as ArangoDB does (401, or 404/1228 for a database the caller may know of)."""
        if not self.authentication:
            return auth.SUPERUSER
        public = r is not None and r.access == PUBLIC
        return auth.admit(self.server, request, db_name, path, public)

    def _admit_slowly(
        self,
        request: BackendRequest,
        db_name: str,
        path: str,
        db: Database | None,
        r: Route | None,
        params: dict[str, str],
        known: bool,
    ) -> Context:
        """Every check in ArangoDB's order (401, 1228, 404/405, 501, access); a user that
        passes on its grants (not on an open path) is remembered for the fast path."""
        user = self._authenticate(request, db_name, path, r)
        if db is None:
            raise auth.TransportError(1228, "database not found", 404)
        if r is None:
            if known:
                raise ArangoError(405, "method not supported", 405)
            raise ArangoError(404, f"unknown path '{path}'", 404)
        ctx = Context(self.server, request, db, user, params, self.dispatch)
        if r.handler is None:
            raise ArangoError(
                9,
                f"not implemented: {request.method} {request.path} "
                "is not emulated by pytest-arangomock",
                501,
            )
        if r.access not in (PUBLIC, AUTH):
            _check_access(ctx, r.access)
        if user is not None:
            self._remember_admission(request, db_name, r, params, user)
        return ctx

    def _remember_admission(
        self, request: BackendRequest, db_name: str, r: Route, params: dict[str, str], user: str
    ) -> None:
        """Remember that ``user`` passed on its grants (not on an open path), when the
        request's credentials are remembered Basic ones for that same user record."""
        record = self.server.users.get(user)
        if not isinstance(record, User) or record.database_level(db_name) == NONE:
            return
        credentials = None
        if self.authentication:
            hit = auth.remembered(self.server, request.headers)
            if hit is None or hit[1] is not record:
                return  # tokens and JWTs are checked on every request
            credentials = request.headers["authorization"]
        admitted = self._admitted
        if len(admitted) >= 4096:
            admitted.clear()
        key = (self.authentication, credentials, db_name, r.access, params.get("collection"))
        admitted[key] = (user, record, record.password_hash, record.grants_version)

    def forget_admissions(self) -> None:
        """Drop remembered access decisions (the server's read-only mode changed)."""
        self._admitted.clear()

    # -------------------------------------------------------------- conveniences
    def reset(self) -> None:
        """Forget everything: a fresh server with the same settings."""
        self.server = Server(**self._settings)
        self.server.extensions["emulator"] = self  # PUT /_admin/server/mode forgets admissions
        self.requests.clear()
        self._admitted.clear()

    def database(self, name: str = "_system") -> Any:
        """The state of database ``name`` (for seeding and inspecting from tests)."""
        return self.server.database(name)


def _check_access(ctx: Context, access: str) -> None:
    if access == DB_RO:
        ctx.require_database(RO)
    elif access == DB_RW:
        ctx.require_database(RW)
    elif access == SYSTEM_RW:
        level = auth.database_level(ctx, "_system")
        if level != RW:
            raise ArangoError(11, "forbidden", 403)
    elif access in (COL_RO, COL_RW):
        ctx.require_database(RO)
        name = ctx.params.get("collection")
        if name is not None:
            ctx.require_collection(name, RW if access == COL_RW else RO)


_ROUTER: Router | None = None
_ROUTER_SIZE = 0


def _router() -> Router:
    """One trie for the whole process, rebuilt only if more routes were registered."""
    global _ROUTER, _ROUTER_SIZE
    if _ROUTER is None or len(ROUTES) != _ROUTER_SIZE:
        _ROUTER = Router(complete_table(ROUTES))
        _ROUTER_SIZE = len(ROUTES)
    return _ROUTER
