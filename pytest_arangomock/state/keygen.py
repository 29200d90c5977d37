"""Document keys: the four key generators of ArangoDB and its key and id validation rules.

Each collection keeps its generator settings in ``collection.key_options`` (``type``,
``allowUserKeys``, ``increment``, ``offset``) and its state in ``collection.last_value``,
which the collections API reports as ``keyOptions.lastValue``. User-supplied keys are
tracked too, so generated keys never collide with numeric user keys (as in ArangoDB).
"""

from __future__ import annotations

import random
import re
import uuid
from typing import TYPE_CHECKING, Any

from ..base.errors import ArangoError

if TYPE_CHECKING:
    from .model import Collection

__all__ = [
    "MAX_KEY_LENGTH",
    "check_user_key",
    "encode_padded",
    "generate_key",
    "is_valid_document_id",
    "is_valid_key",
]

MAX_KEY_LENGTH = 254  # bytes
# Characters ArangoDB accepts in a document key (ASCII only).
_KEY_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-:.@()+,=;$!*'%"
)
# Traditional collection names (system names start with an underscore).
_COLLECTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,255}")
_UINT64_MAX = (1 << 64) - 1


def is_valid_key(key: str) -> bool:
    """ArangoDB's key rule: 1..254 bytes, all from the allowed ASCII set."""
    # allowed characters are ASCII, so their count is the byte length
    return 0 < len(key) <= MAX_KEY_LENGTH and _KEY_CHARS.issuperset(key)


def is_valid_document_id(value: Any) -> bool:
    """``collection/key`` with a valid (or all-numeric) collection part and a valid key."""
    if not isinstance(value, str):
        return False
    name, sep, key = value.partition("/")
    if not sep or not name or not key:
        return False
    if not name.isdigit() and not _COLLECTION_NAME.fullmatch(name):
        return False
    return is_valid_key(key)


def encode_padded(value: int) -> str:
    """The padded generator's key: 16 lower-case hex digits, so keys sort as numbers."""
    return f"{value:016x}"


def _decode_padded(key: str) -> int:
    if len(key) != 16 or any(c not in "0123456789abcdef" for c in key):
        return 0
    return int(key, 16)


def _numeric_value(key: str) -> int:
    """ArangoDB's ``AtoiZero``: the key as an unsigned number, 0 if it is not all digits."""
    if not key.isascii() or not key.isdigit():
        return 0
    value = int(key)
    return value if value <= _UINT64_MAX else 0


def _track(col: Collection, value: int) -> None:
    if value > col.last_value:
        col.last_value = value


def _uuid(col: Collection) -> str:
    server = col.db.server
    seed = server.clock.seed
    if seed is None:
        return str(uuid.uuid4())
    rng = server.uuid_rng
    if rng is None:
        rng = server.uuid_rng = random.Random(seed)
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def generate_key(col: Collection) -> str:
    """A fresh key from the collection's generator (1225 "out of keys" when exhausted)."""
    kind = str(col.key_options.get("type", "traditional")).lower()
    if kind == "uuid":
        return _uuid(col)
    if kind == "autoincrement":
        increment = int(col.key_options.get("increment", 1) or 1)
        offset = int(col.key_options.get("offset", 0) or 0)
        last = col.last_value
        value = offset if last < offset else last + increment - ((last - offset) % increment)
        if value >= _UINT64_MAX:
            raise ArangoError(1225, status=500)
        col.last_value = value
        return str(value)
    tick = col.db.server.clock.next_tick()
    if tick <= col.last_value:
        tick = col.last_value + 1
    if tick >= _UINT64_MAX:
        raise ArangoError(1225, status=500)
    col.last_value = tick
    return encode_padded(tick) if kind == "padded" else str(tick)


def check_user_key(col: Collection, key: Any, is_restore: bool = False) -> str:
    """Validate a user-supplied ``_key`` (1222 when not allowed, 1221 when malformed).

    A valid key is tracked so that later generated keys stay above it.
    """
    if not isinstance(key, str):
        raise ArangoError(1221, status=400)
    options = col.key_options
    if key and not options.get("allowUserKeys", True) and not is_restore:
        raise ArangoError(1222, status=400)
    if not is_valid_key(key):
        raise ArangoError(1221, status=400)
    kind = options.get("type", "traditional")
    if kind != "traditional":
        kind = str(kind).lower()
    if kind == "autoincrement":
        if not key.isascii() or not key.isdigit():
            raise ArangoError(1221, status=400)
        _track(col, _numeric_value(key))
    elif kind == "padded":
        _track(col, _decode_padded(key))
    elif kind == "traditional" and key.isdigit() and key.isascii():
        value = int(key)  # _numeric_value and _track; other keys count as 0: nothing to track
        if col.last_value < value <= _UINT64_MAX:
            col.last_value = value
    return key
