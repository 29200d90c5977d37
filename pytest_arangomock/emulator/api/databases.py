"""Database management: create, list, drop and describe databases (RestDatabaseHandler).

3.12 accepts extended (Unicode) database names by default; creating and dropping databases
needs rw on ``_system`` and only works from ``_system`` (403/1230 elsewhere).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state.users import RW, User
from .. import auth
from ..context import Context
from ..router import AUTH, route

AREA = "database"
MAX_NAME_BYTES = 128  # extended names; traditional ones allow 64
_SHARDINGS = ("", "flexible", "single")


def _use_system() -> ArangoError:
    return ArangoError(1230, "operation only allowed in system database", 403)


def name_error(name: str) -> ArangoError | None:
    """Why ``name`` is not a valid (extended) database name, or None if it is."""
    raw = name.encode("utf-8", "surrogatepass")
    bad_chars = any(ch in "/:" or ord(ch) < 32 for ch in name)
    if (
        not raw
        or len(raw) > MAX_NAME_BYTES
        or bad_chars
        or name[0] in "0123456789_. "
        or name[-1] == " "
        or any(0xD800 <= ord(ch) <= 0xDFFF for ch in name)
    ):
        return ArangoError(1229, "database name invalid", 400)
    # ASCII text is always in NFC: most names never reach the Unicode tables
    if not name.isascii() and unicodedata.normalize("NFC", name) != name:
        return ArangoError(1229, "database name is not properly UTF-8 NFC-normalized", 400)
    return None


def _options(raw: Any) -> dict[str, Any]:
    """The database defaults from ``options``; invalid values are ignored like ArangoDB does."""
    out: dict[str, Any] = {}
    if not isinstance(raw, dict):
        return out
    sharding = raw.get("sharding")
    if isinstance(sharding, str) and sharding in _SHARDINGS:
        out["sharding"] = sharding
    factor = raw.get("replicationFactor")
    if factor == "satellite" or (_natural(factor)):
        out["replicationFactor"] = factor
    concern = raw.get("writeConcern", raw.get("minReplicationFactor"))
    if _natural(concern):
        out["writeConcern"] = concern
    return out


def _natural(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return value >= 1 and float(value).is_integer()


def _parse_users(raw: Any) -> list[dict[str, Any]]:
    """The ``users`` array: objects with ``username`` (or legacy ``user``) and ``passwd``."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ArangoError(400, "bad parameter", 400)
    users = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise ArangoError(400, "bad parameter", 400)
        name = entry["username"] if "username" in entry else entry.get("user")
        passwd = entry.get("passwd", "")
        if not isinstance(name, str) or not isinstance(passwd, str):
            raise ArangoError(400, "bad parameter", 400)
        users.append(
            {
                "name": name,
                "passwd": passwd,
                "active": entry.get("active"),
                "extra": entry.get("extra"),
            }
        )
    return users


def _grant_users(ctx: Context, db_name: str, users: list[dict[str, Any]]) -> None:
    """Create missing users and give each rw on the new database and its collections."""
    for spec in users or [{"name": "root", "passwd": "", "active": True, "extra": None}]:
        name = spec["name"]
        if not name:
            continue
        user = ctx.server.users.get(name)
        if not isinstance(user, User):
            active = spec["active"] if isinstance(spec["active"], bool) else True
            user = User.new(name, spec["passwd"], active)
            ctx.server.users[name] = user
        user.grant_database(db_name, RW)
        user.grant_collection(db_name, "*", RW)
        if isinstance(spec["extra"], dict) and spec["extra"]:
            user.extra = dict(spec["extra"])


@route("POST", "/_api/database", area=AREA, access=AUTH)
def create_database(ctx: Context) -> BackendResponse:
    """Create a database (from ``_system``, by an administrator)."""
    if not ctx.db.is_system:
        raise _use_system()
    body = ctx.body()
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str):
        raise ArangoError(1229, "database name invalid", 400)
    if not auth.is_admin(ctx) or auth.read_only(ctx):
        raise ArangoError(11, "forbidden", 403)
    problem = name_error(name)
    if problem is not None:
        raise problem
    users = _parse_users(body.get("users"))
    if name in ctx.server.databases:
        raise ArangoError(1207, f"duplicate database name '{name}'", 409)
    ctx.server.create_database(name, _options(body.get("options")))
    _grant_users(ctx, name, users)
    return ctx.result(True, 201)


@route("GET", "/_api/database", area=AREA, access=AUTH)
def list_databases(ctx: Context) -> BackendResponse:
    """All database names (from ``_system`` only)."""
    if not ctx.db.is_system:
        raise _use_system()
    return ctx.result(sorted(ctx.server.databases))


@route("GET", "/_api/database/user", area=AREA, access=AUTH)
def list_user_databases(ctx: Context) -> BackendResponse:
    """The databases the current user can access."""
    names = sorted(ctx.server.databases)
    return ctx.result([n for n in names if auth.database_level(ctx, n) != "none"])


@route("GET", "/_api/database/current", area=AREA, access=AUTH)
def current_database(ctx: Context) -> BackendResponse:
    """Properties of the request's database."""
    db = ctx.db
    return ctx.result(
        {
            "name": db.name,
            "id": db.id,
            "isSystem": db.is_system,
            "path": f"/var/lib/arangodb3/databases/database-{db.id}",
            "sharding": db.options.get("sharding", ""),
            "replicationFactor": db.options.get("replicationFactor", 1),
            "writeConcern": db.options.get("writeConcern", 1),
        }
    )


@route("GET", "/_api/database/{name}", area=AREA, access=AUTH)
def unknown_database_info(ctx: Context) -> BackendResponse:
    """Anything but ``user`` and ``current`` is a bad parameter."""
    raise ArangoError(10, "bad parameter", 400)


@route("DELETE", "/_api/database/{name}", area=AREA, access=AUTH)
def drop_database(ctx: Context) -> BackendResponse:
    """Drop a database and every user's grants on it."""
    if not ctx.db.is_system:
        raise _use_system()
    if auth.database_level(ctx, "_system") != auth.RW:  # as the server grants it now
        raise ArangoError(11, "forbidden", 403)
    name = ctx.params["name"]
    if name == "_system":
        raise ArangoError(11, "forbidden", 403)
    if name not in ctx.server.databases:
        raise ArangoError(1228, "database not found", 404)
    ctx.server.drop_database(name)
    for user in ctx.server.users.values():
        if isinstance(user, User):
            user.grants.pop(name, None)
            user.grants_changed()
    return ctx.result(True)
