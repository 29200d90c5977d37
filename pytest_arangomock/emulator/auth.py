"""Authentication (Basic, JWT bearer, access tokens) and the permission checks of every request.

The order follows ArangoDB's ``CommTask::prepareExecution``: credentials are read first, an
unknown database answers 401 unless the caller could see it (then 404/1228), and a caller
without access to the request's database gets 401 except on the few paths every
authenticated user may call. Errors raised there have the communication layer's field order
(``error``, ``errorNum``, ``errorMessage``, ``code``), unlike handler errors.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import time
from typing import TYPE_CHECKING, Any

import jwt

from ..base.errors import ArangoError
from ..state.users import NONE, RO, RW, SYSTEM, User, at_least, token_owner

if TYPE_CHECKING:
    from ..backend import BackendRequest
    from ..state import Server
    from .context import Context

__all__ = [
    "RO",
    "RW",
    "SUPERUSER",
    "admit",
    "authenticate",
    "database_level",
    "is_admin",
    "issue_token",
    "require_collection",
    "require_database",
]

SUPERUSER = "root"
NOT_AUTHORIZED = "not authorized to execute this request"
# session lifetime of /_open/auth tokens (--server.session-timeout default: one hour)
SESSION_TIMEOUT = 3600.0
# paths callable without credentials, and path prefixes any authenticated user may call
_OPEN_PATHS = ("/", "/_admin/server/availability")
_OPEN_PREFIXES = ("/_open/", "/_admin/aardvark/")
_USER_PREFIXES = ("/_api/user/", "/_api/token/")


class TransportError(ArangoError):
    """An error the communication layer sends before any handler runs (its own field order)."""

    def body(self) -> dict[str, Any]:
        return {
            "error": True,
            "errorNum": self.num,
            "errorMessage": self.message,
            "code": self.status,
        }


def challenge(headers: dict[str, str] | None) -> dict[str, str]:
    """The ``www-authenticate`` header every 401 carries unless the client opted out."""
    if headers is not None and "x-omit-www-authenticate" in headers:
        return {}
    return {"www-authenticate": 'Basic, realm="ArangoDB"'}


def unauthorized(
    headers: dict[str, str] | None = None, message: str = NOT_AUTHORIZED
) -> ArangoError:
    """ArangoDB's 401: errorNum 11 (forbidden), sent by the communication layer."""
    return TransportError(11, message, 401, headers=challenge(headers))


# ----------------------------------------------------------------------- JWT
def _signing_secret(server: Server) -> str:
    secret = server.extensions.get("jwt_signing_secret")
    if secret is None:
        secret = server.jwt_secret or secrets.token_hex(32)
        server.extensions["jwt_signing_secret"] = secret
    return str(secret)


def secret_info(server: Server) -> dict[str, Any]:
    """What ``/_admin/server/jwt`` reports: the SHA-256 of the active secret."""
    digest = hashlib.sha256(_signing_secret(server).encode("utf-8")).hexdigest()
    return {"active": {"sha256": digest}, "passive": []}


def issue_token(server: Server, username: str, lifetime: float = SESSION_TIMEOUT) -> str:
    """A user JWT as ``/_open/auth`` hands out (HS256, ``preferred_username``)."""
    now = time.time()
    payload = {
        "preferred_username": username,
        "iss": "arangodb",
        "iat": int(now),
        "exp": int(now + lifetime),
    }
    return jwt.encode(payload, _signing_secret(server), algorithm="HS256")


def _decode(server: Server, token: str) -> dict[str, Any] | None:
    keys = [_signing_secret(server)]
    if server.jwt_secret and server.jwt_secret not in keys:
        keys.append(server.jwt_secret)
    for key in keys:
        try:
            data: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["HS256"],
                options={"verify_iat": False, "verify_aud": False, "verify_nbf": False},
            )
        except jwt.ExpiredSignatureError:
            return None
        except jwt.PyJWTError:
            continue
        if data.get("iss") != "arangodb":
            return None
        return data
    return None


# --------------------------------------------------------------- credentials
_BASIC_CACHE = "basic_auth"


def remembered(server: Server, headers: dict[str, str]) -> tuple[str, User, str] | None:
    """``(name, record, password hash)`` of the user whose Basic credentials (exactly this
    header) logged in before and still hold: same record, active, same password."""
    value = headers.get("authorization")
    if not value:
        return None
    cache: dict[str, tuple[str, User, str]] | None = server.extensions.get(_BASIC_CACHE)
    hit = cache.get(value) if cache else None
    if hit is None:
        return None
    name, user, digest = hit
    if server.users.get(name) is user and user.active and user.password_hash == digest:
        return hit
    return None


def identify(server: Server, headers: dict[str, str]) -> str | None:
    """The user the credentials name, ``""`` for a superuser JWT, or None if they fail."""
    value = headers.get("authorization")
    if not value:
        return None
    known = remembered(server, headers)
    if known is not None:
        return known[0]
    scheme, _, cred = value.strip().partition(" ")
    scheme = scheme.lower()
    cred = cred.strip()
    if scheme == "basic":
        cache: dict[str, tuple[str, User, str]] = server.extensions.setdefault(_BASIC_CACHE, {})
        try:
            decoded = base64.b64decode(cred, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        name, sep, password = decoded.partition(":")
        if not sep:
            return None
        found = check_credentials(server, name, password)
        record = server.users.get(name)
        if found == name and isinstance(record, User) and record.check_password(password):
            # remembered only for password logins, re-validated against the user record
            if len(cache) > 1024:
                cache.clear()
            cache[value] = (name, record, record.password_hash)
        return found
    if scheme == "bearer":
        data = _decode(server, cred)
        if data is None:
            return None
        username = data.get("preferred_username")
        if username is None:
            return "" if "server_id" in data else None
        record = server.users.get(str(username))
        if not isinstance(record, User) or not record.active:
            return None
        return str(username)
    return None


def check_credentials(server: Server, name: str, password: str) -> str | None:
    """The user name if ``password`` is the user's password or one of its access tokens."""
    now = time.time()
    user = server.users.get(name)
    if isinstance(user, User) and user.active and user.check_password(password):
        return name
    owner = token_owner(server, password, now)
    if owner is not None and (not name or owner.name == name):
        return owner.name
    return None


def authenticate(server: Server, headers: dict[str, str]) -> str:
    """The authenticated user name for these headers, or raise 401."""
    user = identify(server, headers)
    if user is None:
        raise unauthorized(headers)
    return user or SUPERUSER


def _level_of(server: Server, user: str, db: str) -> str:
    if user == "":
        return RW
    record = server.users.get(user)
    if not isinstance(record, User):
        return NONE
    return record.database_level(db)


def admit(
    server: Server, request: BackendRequest, db_name: str, path: str, public: bool
) -> str | None:
    """Authenticate and check path access before routing, as ArangoDB's comm task does.

    Returns the user name (``SUPERUSER`` for a superuser JWT, None on an open path
    reached without credentials); raises 401, or 404/1228 for a database the caller may
    know about but which does not exist.
    """
    user = identify(server, request.headers)
    if db_name not in server.databases:
        if user is None or _level_of(server, user, db_name) == NONE:
            raise unauthorized(request.headers)
        raise TransportError(1228, "database not found", 404)
    open_path = public or path in _OPEN_PATHS or path.startswith(_OPEN_PREFIXES)
    if user is None:
        if open_path:
            return None
        raise unauthorized(request.headers)
    if (
        not open_path
        and _level_of(server, user, db_name) == NONE
        and not path.startswith(_USER_PREFIXES)
    ):
        raise unauthorized(request.headers)
    return user or SUPERUSER


# --------------------------------------------------------------- permissions
SERVER_MODE = "server_mode"  # server extension: "default" or "readonly"


def read_only(ctx: Context) -> bool:
    """Whether the server is in read-only mode and the caller is not a superuser token
    (such a token keeps its rights; everyone else reads at most, even root)."""
    if ctx.server.extensions.get(SERVER_MODE) != "readonly":
        return False
    return identify(ctx.server, ctx.request.headers) != ""  # "": a superuser token


def _capped(ctx: Context, level: str) -> str:
    """``level`` as a read-only server grants it (rw becomes ro)."""
    return RO if level == RW and read_only(ctx) else level


def database_level(ctx: Context, db_name: str | None = None) -> str:
    """The caller's effective level on ``db_name`` (default: the request's database)."""
    if ctx.user is None:
        return _capped(ctx, RW)
    return _capped(ctx, _level_of(ctx.server, ctx.user, db_name or ctx.db.name))


def is_admin(ctx: Context) -> bool:
    """ArangoDB's ``isAdminUser``: rw on ``_system`` (or no authentication at all); in
    read-only mode the level as configured, so administrators can switch the mode back."""
    if ctx.user is None:
        return True
    return _level_of(ctx.server, ctx.user, SYSTEM) == RW


def require_database(ctx: Context, level: str) -> None:
    """Raise ArangoDB's error unless the user has ``level`` on the request's database."""
    have = database_level(ctx)
    if not at_least(have, RO):
        raise unauthorized(ctx.request.headers)
    if not at_least(have, level):
        raise ArangoError(11, "forbidden", 403)


def collection_level(ctx: Context, name: str) -> str:
    if ctx.user is None:
        return _capped(ctx, RW)
    user = ctx.server.users.get(ctx.user)
    if not isinstance(user, User):
        return NONE
    return _capped(ctx, user.collection_level(ctx.db.name, name))


def require_collection(ctx: Context, name: str, level: str, mode: str | None = None) -> None:
    """Raise the transaction layer's error unless the user has ``level`` on ``name``.

    No access at all is 403/11 ``forbidden: <name> [read|write]``; read-only access to a
    collection being written is 403/1004 ``read only: <name> [write]``.
    """
    have = collection_level(ctx, name)
    mode = mode or ("write" if level == RW else "read")
    if have == NONE:
        raise ArangoError(11, f"forbidden: {name} [{mode}]", 403)
    if not at_least(have, level):
        raise ArangoError(1004, f"read only: {name} [{mode}]", 403)
