"""Credentials (Basic, JWT bearer, access tokens) and the permission checks handlers make.

What a request passes before its handler, in ArangoDB's order, is ``admission.py``'s; this
module answers the questions it asks: who the credentials name, and what that user may do.
Errors the communication layer raises have its own field order (``error``, ``errorNum``,
``errorMessage``, ``code``), unlike handler errors.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from typing import TYPE_CHECKING, Any, Protocol

import jwt

from ..base.errors import ArangoError
from ..state.users import NONE, RO, RW, SYSTEM, User, at_least, token_owner

if TYPE_CHECKING:
    from ..backend import BackendRequest
    from ..state import Database, Server

__all__ = [
    "RO",
    "RW",
    "SUPERUSER",
    "Caller",
    "database_level",
    "identify",
    "is_admin",
    "issue_token",
    "login",
    "require_collection",
    "require_database",
]

SUPERUSER = "root"
NOT_AUTHORIZED = "not authorized to execute this request"
# session lifetime of /_open/auth tokens (--server.session-timeout default: one hour)
SESSION_TIMEOUT = 3600.0


class Caller(Protocol):
    """Who asks, where: what the permission checks read of a request's context."""

    @property
    def server(self) -> Server: ...
    @property
    def request(self) -> BackendRequest: ...
    @property
    def db(self) -> Database: ...
    @property
    def user(self) -> str | None: ...


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
def secret_info(server: Server) -> dict[str, Any]:
    """What ``/_admin/server/jwt`` reports: the SHA-256 of the active secret."""
    digest = hashlib.sha256(server.security.signing_secret.encode("utf-8")).hexdigest()
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
    return jwt.encode(payload, server.security.signing_secret, algorithm="HS256")


def _decode(server: Server, token: str) -> dict[str, Any] | None:
    security = server.security
    keys = [security.signing_secret]
    if security.jwt_secret and security.jwt_secret not in keys:
        keys.append(security.jwt_secret)
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
def login(server: Server, headers: dict[str, str]) -> tuple[str | None, bool]:
    """The user the credentials name (``""`` for a superuser JWT, None if they fail), and
    whether that holds until the security epoch advances: true for a Basic password login
    only (tokens and JWTs expire with the clock)."""
    value = headers.get("authorization")
    if not value:
        return None, False
    scheme, _, cred = value.strip().partition(" ")
    scheme = scheme.lower()
    cred = cred.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(cred, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None, False
        name, sep, password = decoded.partition(":")
        if not sep:
            return None, False
        record = server.users.get(name)
        if isinstance(record, User) and record.active and record.check_password(password):
            return name, True
        return _token_login(server, name, password), False
    if scheme == "bearer":
        data = _decode(server, cred)
        if data is None:
            return None, False
        username = data.get("preferred_username")
        if username is None:
            return ("" if "server_id" in data else None), False
        record = server.users.get(str(username))
        if not isinstance(record, User) or not record.active:
            return None, False
        return str(username), False
    return None, False


def identify(server: Server, headers: dict[str, str]) -> str | None:
    """The user the credentials name, ``""`` for a superuser JWT, or None if they fail."""
    return login(server, headers)[0]


def _token_login(server: Server, name: str, token: str) -> str | None:
    """The owner of access token ``token`` if it is ``name`` (or no name was given)."""
    owner = token_owner(server.users, token, time.time())
    if owner is not None and (not name or owner.name == name):
        return owner.name
    return None


def check_credentials(server: Server, name: str, password: str) -> str | None:
    """The user name if ``password`` is the user's password or one of its access tokens."""
    user = server.users.get(name)
    if isinstance(user, User) and user.active and user.check_password(password):
        return name
    return _token_login(server, name, password)


def level_of(server: Server, user: str, db: str) -> str:
    if user == "":
        return RW
    record = server.users.get(user)
    if not isinstance(record, User):
        return NONE
    return record.database_level(db)


# --------------------------------------------------------------- permissions
def read_only(ctx: Caller) -> bool:
    """Whether the server is in read-only mode and the caller is not a superuser token
    (such a token keeps its rights; everyone else reads at most, even root)."""
    if not ctx.server.security.read_only:
        return False
    return identify(ctx.server, ctx.request.headers) != ""  # "": a superuser token


def _capped(ctx: Caller, level: str) -> str:
    """``level`` as a read-only server grants it (rw becomes ro)."""
    return RO if level == RW and read_only(ctx) else level


def database_level(ctx: Caller, db_name: str | None = None) -> str:
    """The caller's effective level on ``db_name`` (default: the request's database)."""
    if ctx.user is None:
        return _capped(ctx, RW)
    return _capped(ctx, level_of(ctx.server, ctx.user, db_name or ctx.db.name))


def is_admin(ctx: Caller) -> bool:
    """ArangoDB's ``isAdminUser``: rw on ``_system`` (or no authentication at all); in
    read-only mode the level as configured, so administrators can switch the mode back."""
    if ctx.user is None:
        return True
    return level_of(ctx.server, ctx.user, SYSTEM) == RW


def require_database(ctx: Caller, level: str) -> None:
    """Raise ArangoDB's error unless the user has ``level`` on the request's database."""
    have = database_level(ctx)
    if not at_least(have, RO):
        raise unauthorized(ctx.request.headers)
    if not at_least(have, level):
        raise ArangoError(11, "forbidden", 403)


def collection_level(ctx: Caller, name: str) -> str:
    if ctx.user is None:
        return _capped(ctx, RW)
    user = ctx.server.users.get(ctx.user)
    if not isinstance(user, User):
        return NONE
    return _capped(ctx, user.collection_level(ctx.db.name, name))


def require_collection(ctx: Caller, name: str, level: str, mode: str | None = None) -> None:
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
