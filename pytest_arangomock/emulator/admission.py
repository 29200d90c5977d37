"""Admission: every check a request passes before its handler, and the one cache of them.

The order is ArangoDB's (``CommTask::prepareExecution``, then the handler's lookup):
credentials and path access (401; an unknown database the caller could know of is
404/1228), the database, the route (404 unknown path, 405 wrong method), 501 for a
documented operation the emulator does not answer, then the route's access level.

A decision taken on credentials that hold until something security-relevant changes (a
Basic password login, or no authentication at all) is remembered per (credentials,
database, route access, collection). The cache is valid for one security epoch: every
change to a user, a grant, a password, a token or the server mode advances the epoch
(``state/users.py``), so nothing has to be told to forget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..backend import BackendRequest, BackendResponse
from ..base.errors import ArangoError
from ..state import Database, Server
from ..state.users import NONE, RO, RW, Security, User, Users
from . import auth
from .auth import TransportError, level_of, unauthorized
from .context import Context
from .router import (
    AUTH,
    COL_RO,
    COL_RW,
    DB_RO,
    DB_RW,
    PUBLIC,
    SYSTEM_RW,
    Located,
    Route,
    handler_error,
)

# paths callable without credentials, and path prefixes any authenticated user may call
_OPEN_PATHS = ("/", "/_admin/server/availability")
_OPEN_PREFIXES = ("/_open/", "/_admin/aardvark/")
_USER_PREFIXES = ("/_api/user/", "/_api/token/")
_CACHE_SIZE = 4096

Dispatch = Callable[[BackendRequest], BackendResponse]
# (authentication on, credentials, database, route access, collection)
_Key = tuple[bool, str | None, str, str, str | None]


class Admission(NamedTuple):
    """A request past the communication layer: its database, path, route and user."""

    db: Database
    path: str
    route: Route | None
    params: dict[str, str]
    known: bool
    user: str | None


def identify(
    server: Server, request: BackendRequest, located: Located, authentication: bool
) -> tuple[str | None, bool]:
    """The communication layer's check: the request's user (None on an open path reached
    without credentials) and whether the login holds until the security epoch advances.

    Raises 401, or 404/1228 for a database the caller could know of but which is missing.
    """
    if not authentication:
        return auth.SUPERUSER, True
    db_name, path, r = located[0], located[1], located[2]
    headers = request.headers
    user, stable = auth.login(server, headers)
    if db_name not in server.databases:
        if user is None or level_of(server, user, db_name) == NONE:
            raise unauthorized(headers)
        raise TransportError(1228, "database not found", 404)
    open_path = (
        (r is not None and r.access == PUBLIC)
        or path in _OPEN_PATHS
        or path.startswith(_OPEN_PREFIXES)
    )
    if user is None:
        if open_path:
            return None, False
        raise unauthorized(headers)
    if (
        not open_path
        and level_of(server, user, db_name) == NONE
        and not path.startswith(_USER_PREFIXES)
    ):
        raise unauthorized(headers)
    return user or auth.SUPERUSER, stable


class Gate:
    """The admission function of one emulator and its cache of decisions."""

    def __init__(self) -> None:
        self._decisions: dict[_Key, str] = {}
        # the settings, user store and epoch the decisions were taken under (a reset
        # brings new ones)
        self._security: Security | None = None
        self._users: Users | None = None
        self._epoch = -1

    def admit(
        self,
        server: Server,
        request: BackendRequest,
        located: Located,
        authentication: bool,
        dispatch: Dispatch,
    ) -> Context:
        """The handler's context, or the error ArangoDB answers before any handler runs;
        ``dispatch`` answers the requests a handler sends on (batch parts, jobs)."""
        db_name, path, r, params, known = located
        db = server.databases.get(db_name)
        key: _Key | None = None
        if db is not None and r is not None and r.handler is not None:
            security = server.security
            if (
                security.epoch != self._epoch
                or security is not self._security
                or server.users is not self._users
            ):
                self._decisions.clear()
                self._security, self._epoch = security, security.epoch
                self._users = server.users
            credentials = request.headers.get("authorization") if authentication else None
            key = (authentication, credentials, db_name, r.access, params.get("collection"))
            hit = self._decisions.get(key)
            if hit is not None:  # the user and their grants are as they were (same epoch)
                return Context(server, request, db, hit, params, dispatch)
        user, stable = identify(server, request, located, authentication)
        if db is None:
            raise TransportError(1228, "database not found", 404)
        if r is None:
            refusal = handler_error(request.method, path)
            if refusal is not None:
                raise refusal
            if known:
                raise ArangoError(405, "method not supported", 405)
            raise ArangoError(404, f"unknown path '{path}'", 404)
        ctx = Context(server, request, db, user, params, dispatch)
        if r.handler is None:
            raise ArangoError(
                9,
                f"not implemented: {request.method} {request.path} "
                "is not emulated by pytest-arangomock",
                501,
            )
        if r.access not in (PUBLIC, AUTH):
            _check_access(ctx, r.access)
        if key is not None and user is not None and stable:
            self._remember(server, key, user, db_name)
        return ctx

    def _remember(self, server: Server, key: _Key, user: str, db_name: str) -> None:
        """Keep a decision that no path of the same access could answer otherwise: the user
        has access to the database (else open paths and user paths decide), and read-only
        mode is off (there, a superuser token keeps rights other credentials lose)."""
        record = server.users.get(user)
        if (
            not isinstance(record, User)
            or record.database_level(db_name) == NONE
            or server.security.read_only
        ):
            return
        if len(self._decisions) >= _CACHE_SIZE:
            self._decisions.clear()
        self._decisions[key] = user


def _check_access(ctx: Context, access: str) -> None:
    """The access level a route declares, checked before its handler."""
    if access == DB_RO:
        ctx.require_database(RO)
    elif access == DB_RW:
        ctx.require_database(RW)
    elif access == SYSTEM_RW:
        if auth.database_level(ctx, "_system") != RW:
            raise ArangoError(11, "forbidden", 403)
    elif access in (COL_RO, COL_RW):
        ctx.require_database(RO)
        name = ctx.params.get("collection")
        if name is not None:
            ctx.require_collection(name, RW if access == COL_RW else RO)
