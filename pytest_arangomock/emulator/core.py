"""The emulator backend: parse the database prefix, authenticate, route, answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import unquote

from ..backend import Backend, BackendRequest, BackendResponse
from . import auth
from .context import Context, json_response
from .errors import ArangoError, error_body
from .faults import Faults
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
from .state import Database, Server
from .state.ttl import purge_hook
from .state.users import RO, RW

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


class Emulator(Backend):
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
        keep_requests: int = 10_000,
    ) -> None:
        from . import api  # registers every route

        self._settings: dict[str, Any] = {
            "root_password": root_password,
            "seed": seed,
            "jwt_secret": jwt_secret,
        }
        self.server = Server(**self._settings)
        self.server.extensions["emulator"] = self  # /_api/batch re-dispatches its parts
        self.authentication = authentication
        self.router = _router()
        self.requests: list[BackendRequest] = []
        self.keep_requests = keep_requests
        self.internal_errors: list[str] = []
        # hooks run before routing (async jobs, stream transactions, TTL purges...)
        self.before: list[Hook] = []
        # coordinator faults for failover tests: emulator.faults.host_down(url) / unavailable(url)
        self.faults = Faults()
        self.before.append(self.faults.hook)
        self.before.append(purge_hook)  # TTL indexes: expired documents disappear
        # hooks run before the server lock is taken (async jobs wait for their job there)
        self.outer: list[Hook] = [api.jobs.async_hook]
        # run with each request's context just before its handler (stream transactions)
        self.prepare: list[Prepare] = [api.transactions.bind_transaction]

    # ------------------------------------------------------------------ backend
    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        if self.keep_requests:
            if len(self.requests) >= self.keep_requests:
                del self.requests[: self.keep_requests // 2]
            self.requests.append(request)
        for hook in self.outer:
            early = hook(self, request)
            if early is not None:
                return early
        with self.server.lock:
            response = self.dispatch(request)
        if request.method == "HEAD" and response.body:
            response = BackendResponse(response.status, response.headers, b"")
        return response

    def dispatch(self, request: BackendRequest) -> BackendResponse:
        """Answer one request; never raises (a bug answers 500 and is remembered)."""
        try:
            for hook in self.before:
                early = hook(self, request)
                if early is not None:
                    return early
            return self._dispatch(request)
        except ArangoError as exc:
            return json_response(exc.status, exc.body(), exc.headers)
        except Exception as exc:  # pragma: no cover - a bug in the emulator
            log.exception("emulator failure on %s %s", request.method, request.path)
            self.internal_errors.append(f"{request.method} {request.path}: {exc!r}")
            return json_response(500, error_body(500, 4, f"internal error: {exc!r}"))

    def admit(self, request: BackendRequest) -> Admission:
        """What the communication layer checks before any handler: credentials, path
        access and the database (401, 404/1228 are raised); also the matched route."""
        path = request.path
        db_name = "_system"
        if path.startswith("/_db/"):
            rest = path[5:]
            name, slash, tail = rest.partition("/")
            db_name = unquote(name)
            path = "/" + tail if slash else "/"
        r, params, known = self.router.match(request.method, path)
        user: str | None = auth.SUPERUSER
        if self.authentication:
            # credentials and path access are checked before routing, as ArangoDB does
            public = r is not None and r.access == PUBLIC
            user = auth.admit(self.server, request, db_name, path, public)
        db = self.server.databases.get(db_name)
        if db is None:
            raise auth.TransportError(1228, "database not found", 404)
        return Admission(db, path, r, params, known, user)

    def _dispatch(self, request: BackendRequest) -> BackendResponse:
        db, path, r, params, known, user = self.admit(request)
        if r is None:
            if known:
                raise ArangoError(405, "method not supported", 405)
            raise ArangoError(404, f"unknown path '{path}'", 404)
        ctx = Context(self.server, request, db, user, params)
        if r.handler is None:
            raise ArangoError(
                9, f"not implemented: {request.method} {request.path} is not emulated by pytest-arangomock", 501
            )
        if r.access not in (PUBLIC, AUTH):
            _check_access(ctx, r.access)
        for prepare in self.prepare:
            prepare(ctx, r)
        return r.handler(ctx)

    # -------------------------------------------------------------- conveniences
    def reset(self) -> None:
        """Forget everything: a fresh server with the same settings."""
        self.server = Server(**self._settings)
        self.server.extensions["emulator"] = self  # /_api/batch re-dispatches its parts
        self.requests.clear()

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
    if _ROUTER is None or _ROUTER_SIZE != len(ROUTES):
        _ROUTER = Router(complete_table(ROUTES))
        _ROUTER_SIZE = len(ROUTES)
    return _ROUTER
