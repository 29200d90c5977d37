"""Authentication (Basic, JWT bearer) and the permission checks every request passes."""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from typing import TYPE_CHECKING, Any

import jwt

from .errors import ArangoError
from .state.users import NONE, RO, RW, at_least

if TYPE_CHECKING:
    from .context import Context
    from .state import Server

__all__ = ["RO", "RW", "authenticate", "issue_token", "require_collection", "require_database"]

SUPERUSER = "root"


def unauthorized() -> ArangoError:
    return ArangoError(
        11,
        "not authorized to execute this request",
        401,
        headers={"www-authenticate": 'Basic, realm="ArangoDB"'},
    )


def _signing_secret(server: Server) -> str:
    secret = server.extensions.get("jwt_signing_secret")
    if secret is None:
        secret = server.jwt_secret or secrets.token_hex(32)
        server.extensions["jwt_signing_secret"] = secret
    return str(secret)


def issue_token(server: Server, username: str, lifetime: float = 3600.0) -> str:
    """A user JWT as ``/_open/auth`` hands out (HS256, ``preferred_username``)."""
    now = time.time()
    payload = {
        "exp": int(now + lifetime),
        "iat": int(now),
        "iss": "arangodb",
        "preferred_username": username,
    }
    return jwt.encode(payload, _signing_secret(server), algorithm="HS256")


def _decode(server: Server, token: str) -> dict[str, Any] | None:
    keys = [_signing_secret(server)]
    if server.jwt_secret and server.jwt_secret not in keys:
        keys.append(server.jwt_secret)
    for key in keys:
        try:
            data: dict[str, Any] = jwt.decode(
                token, key, algorithms=["HS256"], options={"verify_iat": False}
            )
        except jwt.PyJWTError:
            continue
        if data.get("iss") != "arangodb":
            return None
        return data
    return None


def authenticate(server: Server, headers: dict[str, str]) -> str:
    """The authenticated user name for these headers, or raise 401."""
    value = headers.get("authorization")
    if not value:
        raise unauthorized()
    scheme, _, cred = value.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(cred.strip(), validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise unauthorized() from None
        name, sep, password = decoded.partition(":")
        user = server.users.get(name)
        if not sep or user is None or not user.active or not user.check_password(password):
            raise unauthorized()
        return name
    if scheme == "bearer":
        data = _decode(server, cred.strip())
        if data is None:
            raise unauthorized()
        name = data.get("preferred_username")
        if name is None:
            # a superuser token signed with the server's JWT secret
            return SUPERUSER
        user = server.users.get(str(name))
        if user is None or not user.active:
            raise unauthorized()
        return str(name)
    raise unauthorized()


def database_level(ctx: Context, db_name: str | None = None) -> str:
    if ctx.user is None:
        return RW
    user = ctx.server.users.get(ctx.user)
    if user is None:
        return NONE
    return str(user.database_level(db_name or ctx.db.name))


def require_database(ctx: Context, level: str) -> None:
    """Raise ArangoDB's error unless the user has ``level`` on the request's database."""
    have = database_level(ctx)
    if not at_least(have, RO):
        raise unauthorized()
    if not at_least(have, level):
        raise ArangoError(11, "forbidden", 403)


def require_collection(ctx: Context, name: str, level: str) -> None:
    """Raise ArangoDB's error unless the user has ``level`` on collection ``name``."""
    if ctx.user is None:
        return
    user = ctx.server.users.get(ctx.user)
    if user is None:
        raise unauthorized()
    have = user.collection_level(ctx.db.name, name)
    if not at_least(have, level):
        if level == RW and at_least(have, RO):
            raise ArangoError(1004, "read only", 403)
        raise ArangoError(1203, f"collection or view not found: {name}", 404)
