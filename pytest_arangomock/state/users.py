"""Users, their permissions and access tokens, resolved the way ArangoDB 3.12 resolves them.

Grants are stored as configured (database name or ``*`` -> level, and per database a map of
collection name or ``*`` -> level); the *effective* level falls back from the specific grant
to the ``*`` wildcard and to the ``_system`` grant, as ArangoDB's ``auth::User`` does.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import string
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from ..base.errors import ArangoError

RW, RO, NONE = "rw", "ro", "none"
UNDEFINED = "undefined"
_LEVEL_RANK = {UNDEFINED: -1, NONE: 0, RO: 1, RW: 2}
SYSTEM = "_system"
ROOT = "root"
# system collections with fixed access levels for everybody (auth::User::collectionAuthLevel)
_FIXED_SYSTEM_LEVELS = {"_queues": RO, "_frontend": RW}
DEFAULT_MODE, READ_ONLY_MODE = "default", "readonly"


class Security:
    """The server's security settings and their epoch.

    Every change that can alter an access decision (a user added, removed or changed, a
    grant, a password, an access token, the server mode) advances ``epoch``: whoever
    remembers decisions compares one integer instead of being told to forget them.
    """

    __slots__ = ("_remembered", "_signing", "epoch", "jwt_secret", "mode")

    def __init__(self, jwt_secret: str | None = None) -> None:
        self.jwt_secret = jwt_secret  # the configured secret (superuser tokens)
        self._signing = jwt_secret
        self.mode = DEFAULT_MODE  # or READ_ONLY_MODE (PUT /_admin/server/mode)
        self.epoch = 0
        self._remembered: dict[str, dict[Any, Any]] = {}

    @property
    def signing_secret(self) -> str:
        """What signs session tokens: the configured secret, else a random one drawn when
        the first token is made or checked (most servers never make one)."""
        if self._signing is None:
            self._signing = secrets.token_hex(32)
        return self._signing

    def advance(self) -> None:
        self.epoch += 1
        self._remembered.clear()

    def remembered(self, name: str) -> dict[Any, Any]:
        """A store named ``name`` for decisions taken in the current epoch: emptied when
        the epoch advances."""
        found = self._remembered.get(name)
        if found is None:
            found = self._remembered[name] = {}
        return found

    def set_mode(self, mode: str) -> None:
        if mode != self.mode:
            self.mode = mode
            self.advance()

    @property
    def read_only(self) -> bool:
        return self.mode == READ_ONLY_MODE

    def __deepcopy__(self, memo: dict[int, Any]) -> Security:
        """A snapshot of the users shares the server's settings (and keeps advancing them)."""
        return self


def _best(*levels: str) -> str:
    best, rank = levels[0], _LEVEL_RANK.get(levels[0], -1)
    for level in levels[1:]:
        r = _LEVEL_RANK.get(level, -1)
        if r > rank:
            best, rank = level, r
    return best


def at_least(level: str, wanted: str) -> bool:
    return _LEVEL_RANK.get(level, -1) >= _LEVEL_RANK[wanted]


def parse_level(grant: str) -> str:
    """A ``grant`` string as ArangoDB reads it: unknown strings are ``undefined``."""
    if grant in (RW, RO):
        return grant
    if grant in (NONE, ""):
        return NONE
    return UNDEFINED


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    result = dict(old)
    for key, value in new.items():
        before = result.get(key)
        if isinstance(before, dict) and isinstance(value, dict):
            result[key] = _merged(before, value)
        else:
            result[key] = value
    return result


def hash_password(password: str, salt: str = "") -> str:
    """The stored digest of ``password`` under ``salt``. Digests under root's salt are
    remembered (see :func:`_root_digest`); no other user's password is kept."""
    if salt and salt == _root_salt():
        return _root_digest(password)
    return hashlib.sha256((salt + password).encode("utf-8")).hexdigest()


@functools.cache
def _root_salt() -> str:
    """root's salt, drawn once per process: every test makes a server, and so a root
    record (the salt is never shown)."""
    return secrets.token_hex(4)


@functools.lru_cache(maxsize=4)
def _root_digest(password: str) -> str:
    """root's digest, remembered for the few passwords a process gives root: every test's
    server checks root's password on its first requests, and a digest computed in a test
    that has just started costs tens of microseconds (OpenSSL's state is cold)."""
    return hashlib.sha256((_root_salt() + password).encode("utf-8")).hexdigest()


@dataclass
class DatabaseGrant:
    """The configured level for one database (or ``*``) plus its collection grants."""

    level: str = UNDEFINED
    collections: dict[str, str] = field(default_factory=dict)


@dataclass
class AccessToken:
    """A user access token (3.12.5+): only its hash is kept after creation."""

    id: int
    name: str
    valid_until: int
    created_at: int
    fingerprint: str
    digest: str

    def active(self, now: float) -> bool:
        return now < self.valid_until

    def describe(self, now: float) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "valid_until": self.valid_until,
            "created_at": self.created_at,
            "fingerprint": self.fingerprint,
            "active": self.active(now),
        }


@dataclass
class User:
    """A user account: password hash, active flag, extra data, grants and access tokens."""

    name: str
    password_hash: str
    active: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    salt: str = field(default_factory=lambda: secrets.token_hex(4))
    grants: dict[str, DatabaseGrant] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    tokens: list[AccessToken] = field(default_factory=list)
    next_token_id: int = 1
    # effective levels, memoised per (database, collection); cleared whenever grants change
    _memo: dict[tuple[str, str | None], str] = field(
        default_factory=dict, repr=False, compare=False
    )
    # the settings of the server whose users this record belongs to (set by ``Users``)
    security: Security | None = field(default=None, repr=False, compare=False)

    def changed(self) -> None:
        """Advance the server's security epoch: every change to this record calls this."""
        if self.security is not None:
            self.security.advance()

    def grants_changed(self) -> None:
        """Forget memoised levels; every change to ``grants`` must call this."""
        self._memo.clear()
        self.changed()

    @classmethod
    def new(cls, name: str, password: str, active: bool = True, extra: Any = None) -> User:
        user = cls(name, "", active, dict(extra) if isinstance(extra, dict) else {})
        user.set_password(password)
        if name == ROOT:
            user.ensure_root_rights()
        return user

    # ---------------------------------------------------------------- password
    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password, self.salt)
        self.changed()

    def set_active(self, active: bool) -> None:
        self.active = active
        self.changed()

    def merge_extra(self, extra: dict[str, Any]) -> None:
        """Merge ``extra`` into the stored extra data, as a partial update of the user's
        record does: nested objects merge key by key, anything else (null too) replaces."""
        self.extra = _merged(self.extra, extra)
        self.changed()

    def check_password(self, password: str) -> bool:
        return hmac.compare_digest(self.password_hash, hash_password(password, self.salt))

    def serialize(self) -> dict[str, Any]:
        """The public view ``/_api/user`` returns (``user``, ``active``, ``extra``)."""
        return {"user": self.name, "active": self.active, "extra": dict(self.extra)}

    def ensure_root_rights(self) -> None:
        """``root`` always keeps rw on ``_system`` and its collections."""
        grant = self.grants.setdefault(SYSTEM, DatabaseGrant())
        grant.level = RW
        grant.collections["*"] = RW
        self.grants_changed()

    # ------------------------------------------------------------------ grants
    def grant_database(self, db: str, level: str) -> None:
        if not db or level == UNDEFINED:
            raise ArangoError(10, "Cannot set rights for empty db name", 400)
        if self.name == ROOT and db == SYSTEM and level != RW:
            raise ArangoError(11, "Cannot lower access level of 'root' to _system", 403)
        self.grants.setdefault(db, DatabaseGrant()).level = level
        self.grants_changed()

    def remove_database(self, db: str) -> bool:
        if not db:
            raise ArangoError(10, "Cannot remove rights for empty db name", 400)
        if self.name == ROOT and db == SYSTEM:
            raise ArangoError(11, "Cannot remove access level of 'root' to _system", 403)
        self.grants_changed()
        return self.grants.pop(db, None) is not None

    def grant_collection(self, db: str, col: str, level: str) -> None:
        if not db or not col or level == UNDEFINED:
            raise ArangoError(10, "Cannot set rights for empty db / collection name", 400)
        if col.startswith("_"):
            raise ArangoError(10, "Cannot set rights for system collections", 400)
        if self.name == ROOT and db == SYSTEM and col == "*" and level != RW:
            raise ArangoError(
                11, "Cannot lower access level of 'root' to  a system collection", 403
            )
        if db == "*" and col != "*":
            raise ArangoError(10, "Invalid database / collection pair", 400)
        self.grants.setdefault(db, DatabaseGrant()).collections[col] = level
        self.grants_changed()

    def remove_collection(self, db: str, col: str) -> bool:
        if not db or not col:
            raise ArangoError(10, "Cannot set rights for empty db / collection name", 400)
        if self.name == ROOT and db == SYSTEM and col == "*":
            raise ArangoError(
                11, "Cannot lower access level of 'root' to  a collection in _system", 403
            )
        grant = self.grants.get(db)
        self.grants_changed()
        return grant is not None and grant.collections.pop(col, None) is not None

    # ---------------------------------------------------------- configured view
    def configured_database_level(self, db: str) -> str:
        grant = self.grants.get(db)
        return grant.level if grant is not None else UNDEFINED

    def configured_collection_level(self, db: str, col: str) -> str:
        grant = self.grants.get(db)
        if grant is None:
            return UNDEFINED
        return grant.collections.get(col, UNDEFINED)

    # ----------------------------------------------------------- effective view
    def database_level(self, db: str) -> str:
        """Effective access: the explicit grant, else the best of ``*`` and ``_system``."""
        level = self._memo.get((db, None))
        if level is None:
            level = self._memo[(db, None)] = self._database_level(db)
        return level

    def _database_level(self, db: str) -> str:
        level = self.configured_database_level(db)
        if level == UNDEFINED and db != "*":
            level = _best(level, self.configured_database_level("*"))
            if db != SYSTEM:
                level = _best(level, self.configured_database_level(SYSTEM))
        return _best(level, NONE)

    def collection_level(self, db: str, col: str) -> str:
        """Effective collection access with ArangoDB's fallback chain."""
        level = self._memo.get((db, col))
        if level is None:
            level = self._memo[(db, col)] = self._collection_level(db, col)
        return level

    def _collection_level(self, db: str, col: str) -> str:
        if not col or (db == "*" and col != "*"):
            return NONE
        if col.startswith("_"):
            if db == SYSTEM and col == "_users":
                return NONE
            fixed = _FIXED_SYSTEM_LEVELS.get(col)
            return fixed if fixed is not None else self.database_level(db)
        level = NONE
        if db != "*":
            grant = self.grants.get(db)
            if grant is not None:
                specific = grant.collections.get(col)
                if specific is not None:
                    return specific
                if col == "*":
                    return NONE
                level = grant.level
                wildcard = grant.collections.get("*")
                if wildcard is not None:
                    level = _best(level, wildcard)
            if db != SYSTEM:
                level = _best(level, self.configured_database_level(SYSTEM))
        star = self.grants.get("*")
        if star is not None:
            level = _best(level, star.level, star.collections.get("*", UNDEFINED))
        return _best(level, NONE)

    # ------------------------------------------------------------ access tokens
    def create_token(self, name: str, valid_until: int, now: float) -> tuple[AccessToken, str]:
        """Mint a ``v1.<hex>`` token; return its record and the one-time token string."""
        if any(token.name == name for token in self.tokens):
            raise ArangoError(1207, "duplicate access token name", 409)
        alphabet = string.ascii_letters + string.digits
        nonce = "".join(secrets.choice(alphabet) for _ in range(20))
        payload = f'{{"e":{valid_until},"c":{int(now)},"u":"{self.name}","r":"{nonce}"}}'
        text = "v1." + payload.encode("utf-8").hex()
        token = AccessToken(
            self.next_token_id,
            name,
            valid_until,
            int(now),
            "v1..." + text[-6:],
            hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )
        self.next_token_id += 1
        self.tokens.append(token)
        self.changed()
        return token, text

    def remove_token(self, token_id: int) -> None:
        self.tokens = [t for t in self.tokens if t.id != token_id]
        self.changed()

    def match_token(self, text: str, now: float) -> bool:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return any(t.digest == digest and t.active(now) for t in self.tokens)


class Users(MutableMapping[str, User]):
    """The server's user records by name. Adding, replacing or removing one advances the
    security epoch, and each record it holds advances it on every change of its own."""

    def __init__(self, security: Security) -> None:
        self.security = security
        self._records: dict[str, User] = {}

    def __getitem__(self, name: str) -> User:
        return self._records[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self._records.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._records

    def __setitem__(self, name: str, user: User) -> None:
        user.security = self.security
        self._records[name] = user
        self.security.advance()

    def __delitem__(self, name: str) -> None:
        del self._records[name]
        self.security.advance()

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


def ensure_root(users: Users, password: str) -> None:
    """Create ``root`` with full access to everything, as a fresh server has it: rw on
    ``_system`` and on ``*``, each with rw on every collection. Every test's server makes
    one, so the record is built in one step rather than grant by grant."""
    grants = {SYSTEM: DatabaseGrant(RW, {"*": RW}), "*": DatabaseGrant(RW, {"*": RW})}
    salt = _root_salt()
    root = User(ROOT, hash_password(password, salt), salt=salt, grants=grants)
    users[ROOT] = root


def token_owner(users: Users, text: str, now: float) -> User | None:
    """The active user an access token string belongs to, if any."""
    if not text.startswith("v1."):
        return None
    for user in users.values():
        if isinstance(user, User) and user.active and user.match_token(text, now):
            return user
    return None
