"""User management, permissions, access tokens and ``/_open/auth`` (RestUsersHandler & co).

Response shapes follow ArangoDB 3.12: single-user answers are the user document followed
by ``code`` and ``error``; lists use the ``{"error", "code", "result"}`` envelope; grants
answer ``{"<db>[/<collection>]": level, "code", "error"}``. Listing users needs rw on
``_system`` (403/403 otherwise); a user may always read and change itself.
"""

from __future__ import annotations

import time
from typing import Any

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state.users import NONE, User, parse_level
from .. import auth
from ..context import Context
from ..router import AUTH, PUBLIC, route

AREA = "user"
_TEXT = {"content-type": "text/plain; charset=utf-8"}


# ------------------------------------------------------------------ helpers
def _user_not_found() -> ArangoError:
    return ArangoError(1703, "user not found", 404)


def _find(ctx: Context, name: str) -> User:
    user = ctx.server.users.get(name)
    if not isinstance(user, User):
        raise _user_not_found()
    return user


def _is_self(ctx: Context, name: str) -> bool:
    return ctx.user is not None and ctx.user == name


def _require_admin(ctx: Context, num: int = 11) -> None:
    """rw on ``_system``; ``num`` is 403 for reads and 11 for changes, as ArangoDB has it."""
    if not auth.is_admin(ctx):
        raise ArangoError(num, "forbidden", 403)


def _require_self_or_admin(ctx: Context, name: str, num: int = 11) -> None:
    if not _is_self(ctx, name):
        _require_admin(ctx, num)


def _user_result(fields: dict[str, Any], status: int) -> dict[str, Any]:
    body = dict(fields)
    body["code"] = status
    body["error"] = False
    return body


def _user_response(ctx: Context, user: User, status: int = 200) -> BackendResponse:
    return ctx.json(status, _user_result(user.serialize(), status))


def _accepted(ctx: Context) -> BackendResponse:
    return ctx.json(202, {"error": False, "code": 202})


def _store_fields(body: Any) -> tuple[str, bool, Any]:
    """``passwd``/``active``/``extra`` as StoreUser reads them (defaults: "", true, none)."""
    if not isinstance(body, dict):
        return "", True, None
    passwd = body.get("passwd")
    active = body.get("active")
    return (
        passwd if isinstance(passwd, str) else "",
        active if isinstance(active, bool) else True,
        body.get("extra"),
    )


def create_user(ctx: Context, name: str, body: Any) -> User:
    """Create a user from a request body; 400/1700 for an empty name, 409/1702 if taken."""
    if not name:
        raise ArangoError(1700, "invalid user name", 400)
    if name in ctx.server.users:
        raise ArangoError(1702, "duplicate user", 409)
    passwd, active, extra = _store_fields(body)
    user = User.new(name, passwd, active, extra if isinstance(extra, dict) and extra else None)
    ctx.server.users[name] = user
    return user


# --------------------------------------------------------------- user CRUD
@route("GET", "/_api/user", area=AREA, access=AUTH)
def list_users(ctx: Context) -> BackendResponse:
    """List all users (administrators only)."""
    _require_admin(ctx, 403)
    users = [u.serialize() for u in ctx.server.users.values() if isinstance(u, User)]
    return ctx.result(users)


@route("POST", "/_api/user", area=AREA, access=AUTH)
def post_user(ctx: Context) -> BackendResponse:
    """Create a user."""
    body = ctx.object_body()
    _require_admin(ctx)
    name = body.get("user")
    user = create_user(ctx, name if isinstance(name, str) else "", body)
    return _user_response(ctx, user, 201)


@route("GET", "/_api/user/{user}", area=AREA, access=AUTH)
def get_user(ctx: Context) -> BackendResponse:
    """Fetch one user."""
    name = ctx.params["user"]
    _require_self_or_admin(ctx, name, 403)
    return _user_response(ctx, _find(ctx, name))


@route("POST", "/_api/user/{user}", area=AREA, access=AUTH)
def check_password(ctx: Context) -> BackendResponse:
    """Validate a user's password (``{"passwd": ...}``)."""
    body = ctx.object_body()
    name = ctx.params["user"]
    passwd = body.get("passwd")
    user = ctx.server.users.get(name)
    if not isinstance(user, User) or not user.check_password(
        passwd if isinstance(passwd, str) else ""
    ):
        raise _user_not_found()
    return ctx.result(True)


@route("PUT", "/_api/user/{user}", area=AREA, access=AUTH)
def replace_user(ctx: Context) -> BackendResponse:
    """Replace a user: password, active flag and extra data (grants are dropped)."""
    body = ctx.body()
    name = ctx.params["user"]
    _require_self_or_admin(ctx, name)
    old = _find(ctx, name)
    passwd, active, extra = _store_fields(body)
    user = User.new(name, passwd, active, extra if isinstance(extra, dict) and extra else None)
    user.tokens, user.next_token_id = old.tokens, old.next_token_id
    ctx.server.users[name] = user
    return _user_response(ctx, user)


@route("PATCH", "/_api/user/{user}", area=AREA, access=AUTH)
def update_user(ctx: Context) -> BackendResponse:
    """Update a user partially: only the attributes given change, and a non-empty ``extra``
    object is merged into the stored one (a replace stores it as given)."""
    body = ctx.body()
    name = ctx.params["user"]
    _require_self_or_admin(ctx, name)
    user = _find(ctx, name)
    if isinstance(body, dict):
        if isinstance(body.get("passwd"), str):
            user.set_password(body["passwd"])
        if isinstance(body.get("active"), bool):
            user.set_active(body["active"])
        extra = body.get("extra")
        if isinstance(extra, dict) and extra:
            user.merge_extra(extra)
    return _user_response(ctx, user)


@route("DELETE", "/_api/user/{user}", area=AREA, access=AUTH)
def delete_user(ctx: Context) -> BackendResponse:
    """Remove a user (never ``root``)."""
    _require_admin(ctx)
    name = ctx.params["user"]
    if name == "root":
        raise ArangoError(11, "forbidden", 403)
    _find(ctx, name)
    del ctx.server.users[name]
    return _accepted(ctx)


# ------------------------------------------------------------- permissions
@route("GET", "/_api/user/{user}/database", area=AREA, access=AUTH)
def list_permissions(ctx: Context) -> BackendResponse:
    """The user's databases: effective levels, or configured ones with ``full``."""
    name = ctx.params["user"]
    _require_self_or_admin(ctx, name, 403)
    user = _find(ctx, name)
    result: dict[str, Any] = {}
    for db in sorted(ctx.server.databases.values(), key=lambda d: d.name):
        if ctx.flag("full"):
            cols = {c: user.configured_collection_level(db.name, c) for c in db.collections}
            cols["*"] = user.configured_collection_level(db.name, "*")
            entry = {"permission": user.configured_database_level(db.name), "collections": cols}
            result[db.name] = entry
        else:
            level = user.database_level(db.name)
            if level != NONE:
                result[db.name] = level
    if ctx.flag("full"):
        result["*"] = {"permission": user.database_level("*")}
    return ctx.result(result)


def _level(ctx: Context, db: str, collection: str | None) -> BackendResponse:
    name = ctx.params["user"]
    _require_self_or_admin(ctx, name, 403)
    user = ctx.server.users.get(name)
    if not isinstance(user, User):
        return ctx.result(NONE)
    configured = ctx.flag("configured")
    if collection is None:
        level = user.configured_database_level(db) if configured else user.database_level(db)
    elif configured:
        level = user.configured_collection_level(db, collection)
    else:
        level = user.collection_level(db, collection)
    return ctx.result(level)


@route("GET", "/_api/user/{user}/database/{dbname}", area=AREA, access=AUTH)
def get_database_level(ctx: Context) -> BackendResponse:
    """The user's access level for one database."""
    return _level(ctx, ctx.params["dbname"], None)


@route("GET", "/_api/user/{user}/database/{dbname}/{collection}", area=AREA, access=AUTH)
def get_collection_level(ctx: Context) -> BackendResponse:
    """The user's access level for one collection."""
    return _level(ctx, ctx.params["dbname"], ctx.params["collection"])


def _check_target(ctx: Context, db: str, collection: str | None) -> None:
    """A collection grant needs an existing database and collection (``*`` always matches)."""
    if collection is None or db == "*":
        return
    target = ctx.server.databases.get(db)
    if target is None:
        raise ArangoError(1228, "database not found", 404)
    if collection != "*" and collection not in target.collections:
        raise ArangoError(1203, "collection or view not found", 404)


def _grant(ctx: Context, collection: str | None) -> BackendResponse:
    body = ctx.body()
    name, db = ctx.params["user"], ctx.params["dbname"]
    _require_admin(ctx)
    _check_target(ctx, db, collection)
    grant = body.get("grant") if isinstance(body, dict) else None
    if not isinstance(grant, str):
        raise ArangoError(10, "bad parameter", 400)
    level = parse_level(grant)
    user = _find(ctx, name)
    if collection is None:
        user.grant_database(db, level)
        key = db
    else:
        user.grant_collection(db, collection, level)
        key = f"{db}/{collection}"
    return ctx.json(200, _user_result({key: level}, 200))


@route("PUT", "/_api/user/{user}/database/{dbname}", area=AREA, access=AUTH)
def grant_database(ctx: Context) -> BackendResponse:
    """Set the user's access level for a database (or ``*``)."""
    return _grant(ctx, None)


@route("PUT", "/_api/user/{user}/database/{dbname}/{collection}", area=AREA, access=AUTH)
def grant_collection(ctx: Context) -> BackendResponse:
    """Set the user's access level for a collection (or ``*``)."""
    return _grant(ctx, ctx.params["collection"])


def _revoke(ctx: Context, collection: str | None) -> BackendResponse:
    name, db = ctx.params["user"], ctx.params["dbname"]
    _require_admin(ctx)
    _check_target(ctx, db, collection)
    user = _find(ctx, name)
    if collection is None:
        user.remove_database(db)
    else:
        user.remove_collection(db, collection)
    return _accepted(ctx)


@route("DELETE", "/_api/user/{user}/database/{dbname}", area=AREA, access=AUTH)
def revoke_database(ctx: Context) -> BackendResponse:
    """Clear the user's explicit level for a database."""
    return _revoke(ctx, None)


@route("DELETE", "/_api/user/{user}/database/{dbname}/{collection}", area=AREA, access=AUTH)
def revoke_collection(ctx: Context) -> BackendResponse:
    """Clear the user's explicit level for a collection."""
    return _revoke(ctx, ctx.params["collection"])


# ------------------------------------------------------------ config (web UI)
def _config_user(ctx: Context) -> User:
    name = ctx.params["user"]
    _require_self_or_admin(ctx, name, 403)
    return _find(ctx, name)


@route("GET", "/_api/user/{user}/config", area=AREA, access=AUTH)
def get_config(ctx: Context) -> BackendResponse:
    """The user's web interface settings."""
    return ctx.result(dict(_config_user(ctx).config))


@route("GET", "/_api/user/{user}/config/{key}", area=AREA, access=AUTH)
def get_config_key(ctx: Context) -> BackendResponse:
    """One web interface setting (null when unset)."""
    return ctx.result(_config_user(ctx).config.get(ctx.params["key"]))


@route("PUT", "/_api/user/{user}/config/{key}", area=AREA, access=AUTH)
def put_config_key(ctx: Context) -> BackendResponse:
    """Store ``{"value": ...}`` under a key; any other body removes the key."""
    body = ctx.body(allow_empty=True)
    user = _config_user(ctx)
    key = ctx.params["key"]
    if isinstance(body, dict) and "value" in body:
        user.config[key] = body["value"]
    else:
        user.config.pop(key, None)
    return BackendResponse(200, dict(_TEXT), b"")


@route("DELETE", "/_api/user/{user}/config", area=AREA, access=AUTH)
def delete_config(ctx: Context) -> BackendResponse:
    """Clear all web interface settings."""
    _config_user(ctx).config.clear()
    return BackendResponse(200, dict(_TEXT), b"")


@route("DELETE", "/_api/user/{user}/config/{key}", area=AREA, access=AUTH)
def delete_config_key(ctx: Context) -> BackendResponse:
    """Clear one web interface setting."""
    _config_user(ctx).config.pop(ctx.params["key"], None)
    return BackendResponse(200, dict(_TEXT), b"")


# ------------------------------------------------------------ access tokens
def _token_user(ctx: Context) -> User:
    name = ctx.params["user"]
    _require_self_or_admin(ctx, name, 403)
    return _find(ctx, name)


@route("GET", "/_api/token/{user}", area="token", access=AUTH)
def list_tokens(ctx: Context) -> BackendResponse:
    """A user's access tokens (metadata only)."""
    user = _token_user(ctx)
    now = time.time()
    return ctx.json(200, {"tokens": [t.describe(now) for t in user.tokens]})


@route("POST", "/_api/token/{user}", area="token", access=AUTH)
def create_token(ctx: Context) -> BackendResponse:
    """Create an access token; the token string is only ever shown here."""
    user = _token_user(ctx)
    body = ctx.body()
    if not isinstance(body, dict):
        raise ArangoError(10, "bad parameter", 400)
    name = body.get("name")
    valid_until = body.get("valid_until")
    if not isinstance(valid_until, (int, float)) or isinstance(valid_until, bool):
        valid_until = 0
    now = time.time()
    token, text = user.create_token(name if isinstance(name, str) else "", int(valid_until), now)
    answer = token.describe(now)
    answer["token"] = text
    return ctx.json(200, answer)


@route("DELETE", "/_api/token/{user}/{token_id}", area="token", access=AUTH)
def delete_token(ctx: Context) -> BackendResponse:
    """Revoke an access token (succeeds for unknown ids too)."""
    user = _token_user(ctx)
    raw = ctx.params["token_id"]
    token_id = int(raw) if raw.isascii() and raw.isdigit() else 0
    user.remove_token(token_id)
    return BackendResponse(200, dict(_TEXT), b"")


# -------------------------------------------------------------- session JWT
@route("POST", "/_open/auth", area="auth", access=PUBLIC)
def open_auth(ctx: Context) -> BackendResponse:
    """Exchange a user's credentials (or an access token) for a session JWT."""
    try:
        body = ctx.body()
    except ArangoError:
        body = None
    if not isinstance(body, dict):
        raise ArangoError(400, "invalid JSON", 400)
    username, password = body.get("username", ""), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ArangoError(400, "invalid JSON", 400)
    name = auth.check_credentials(ctx.server, username, password)
    if name is None:
        raise ArangoError(
            401, "Wrong credentials", 401, headers=auth.challenge(ctx.request.headers)
        )
    return ctx.json(200, {"jwt": auth.issue_token(ctx.server, name)})
