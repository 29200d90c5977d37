"""AQL values: type order, comparison, truthiness and casts, as ArangoDB 3.12 defines them.

AQL values are plain JSON-like Python values (None, bool, int, float, str, list, dict).
Python's ``bool`` is an ``int``: every check here tests for bool before number.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from typing import Any

NULL, BOOL, NUMBER, STRING, ARRAY, OBJECT = range(6)
TYPE_NAMES = ("null", "bool", "number", "string", "array", "object")
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def type_rank(v: Any) -> int:
    """Position of ``v`` in AQL's type order (null < bool < number < string < array < object)."""
    if v is None:
        return NULL
    t = type(v)
    if t is bool:
        return BOOL
    if t is int or t is float:
        return NUMBER
    if t is str:
        return STRING
    if t is list:
        return ARRAY
    if t is dict:
        return OBJECT
    if isinstance(v, bool):
        return BOOL
    if isinstance(v, (int, float)):
        return NUMBER
    if isinstance(v, str):
        return STRING
    if isinstance(v, (list, tuple)):
        return ARRAY
    if isinstance(v, dict):
        return OBJECT
    return NULL


def typename(v: Any) -> str:
    return TYPE_NAMES[type_rank(v)]


def is_number(v: Any) -> bool:
    return (type(v) is int or type(v) is float) or (
        isinstance(v, (int, float)) and not isinstance(v, bool)
    )


# ----------------------------------------------------------------- collation
def _primary(ch: str) -> str:
    """Primary weight of one character, approximating ICU's root collation order:
    whitespace < punctuation < symbols < digits < letters (letters case- and accent-blind)."""
    cat = unicodedata.category(ch)
    if cat[0] == "Z" or ch in "\t\n\r\x0b\x0c":
        return chr(0x100 + ord(ch) % 0x100)
    if cat[0] == "P":
        return chr(0x400 + min(ord(ch), 0xFFF))
    if cat[0] == "S":
        return chr(0x2000 + min(ord(ch), 0xFFF))
    if cat == "Nd":
        return chr(0x4000 + unicodedata.digit(ch, 0))
    if cat[0] == "L":
        base = unicodedata.normalize("NFD", ch)[0].lower()
        return chr(0x5000 + ord(base))
    if cat[0] == "M":
        return ""
    return chr(0x3000 + min(ord(ch), 0xFFF))


@lru_cache(maxsize=131072)
def collation_key(s: str) -> tuple[str, str, str]:
    """Sort key for strings: primary (letters), secondary (accents), tertiary (lower first)."""
    primary = "".join(_primary(c) for c in s)
    secondary = "|".join(unicodedata.normalize("NFD", c)[1:] for c in s)
    tertiary = "".join("1" if c.isupper() else "0" for c in s)
    return primary, secondary, tertiary


def compare_strings(a: str, b: str) -> int:
    if a == b:
        return 0
    ka, kb = collation_key(a), collation_key(b)
    if ka == kb:
        return -1 if a < b else 1
    return -1 if ka < kb else 1


# ----------------------------------------------------------------- comparison
def compare(a: Any, b: Any) -> int:
    """AQL comparison: -1, 0 or 1. Never casts; type order decides across types."""
    ra, rb = type_rank(a), type_rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra in (NUMBER, BOOL):
        return -1 if a < b else (1 if a > b else 0)
    if ra == STRING:
        return compare_strings(a, b)
    if ra == NULL:
        return 0
    if ra == ARRAY:
        n = max(len(a), len(b))
        for i in range(n):
            c = compare(a[i] if i < len(a) else None, b[i] if i < len(b) else None)
            if c:
                return c
        return 0
    # objects: sorted union of keys, a missing key counts as null
    for k in sorted(set(a) | set(b)):
        c = compare(a.get(k), b.get(k))
        if c:
            return c
    return 0


def equals(a: Any, b: Any) -> bool:
    ra, rb = type_rank(a), type_rank(b)
    if ra != rb:
        return False
    if ra in (NUMBER, STRING, BOOL):
        return bool(a == b)
    if ra == NULL:
        return True
    return compare(a, b) == 0


class _Deep:
    """Wraps an array or object so Python's sort can order it with :func:`compare`."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __lt__(self, other: _Deep) -> bool:
        return compare(self.v, other.v) < 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Deep) and compare(self.v, other.v) == 0

    def __hash__(self) -> int:
        return hash(hash_key(self.v))


def sort_key(v: Any) -> tuple[Any, ...]:
    """A Python sort key that orders values exactly like :func:`compare`."""
    r = type_rank(v)
    if r in (NUMBER, BOOL):
        return (r, v)
    if r == STRING:
        return (r, collation_key(v), v)
    if r == NULL:
        return (0,)
    return (r, _Deep(v))


#: integers within +-2**53 are exact as doubles: the integer is its own key (as 1 == 1.0)
EXACT = 2**53


def hash_key(v: Any) -> Any:
    """A hashable key: equal AQL values (per :func:`compare`) give equal keys.

    Used by DISTINCT, COLLECT, UNIQUE, IN and hash lookups. A string or a number is its own
    key (Python's ``1 == 1.0`` is AQL's; an integer beyond 2**53 compares as its double);
    other values get type-tagged tuples, so ``true`` and ``1`` stay apart.
    """
    t = type(v)
    if t is str or t is float:
        return v
    if t is int:
        return v if -EXACT <= v <= EXACT else float(v)
    r = type_rank(v)
    if r == NUMBER:
        return float(v)
    if r == STRING:
        return str(v)
    if r == BOOL:
        return (1, bool(v))
    if r == NULL:
        return (0,)
    if r == ARRAY:
        items = list(v)
        while items and items[-1] is None:
            items.pop()
        return (4, tuple(hash_key(x) for x in items))
    return (5, tuple(sorted((k, hash_key(x)) for k, x in v.items() if x is not None)))


# ----------------------------------------------------------------- casts
def to_bool(v: Any) -> bool:
    """AQL truthiness: null, false, 0 and "" are false; everything else (even [] and {}) true."""
    if v is None or v is False:
        return False
    if v is True:
        return True
    t = type(v)
    if t is int or t is float:
        return bool(v != 0)
    if t is str:
        return bool(v != "")
    return True


def normalize_number(x: float | int) -> float | int | None:
    """Clamp a computed number into AQL's domain: NaN/inf -> None, int64 overflow -> double."""
    if type(x) is int:
        if INT64_MIN <= x <= INT64_MAX:
            return x
        return float(x)
    if math.isnan(x) or math.isinf(x):
        return None
    return x


def _string_to_number(s: str) -> float | int:
    text = s.strip()
    # Python's int() and float() also read other scripts' digits and "1_000"; AQL does not
    if not text or not text.isascii() or "_" in text:
        return 0
    try:
        if text.lstrip("+-").isdigit():
            return int(text)
        if any(c in text for c in "xXoObB"):
            if text.lower().startswith(("0x", "0o", "0b")):
                return int(text, 0)
            return 0
        if text.lower() in ("inf", "+inf", "-inf", "infinity", "-infinity", "nan"):
            return 0
        value = float(text)
    except ValueError:
        return 0
    if math.isinf(value) or math.isnan(value):
        return 0
    return value


def to_number(v: Any) -> float | int:
    """TO_NUMBER: null/false 0, true 1, numeric strings parsed else 0, [x] -> x, else 0."""
    if v is None or v is False:
        return 0
    if v is True:
        return 1
    t = type(v)
    if t is int or t is float:
        return v  # type: ignore[no-any-return]
    if t is str:
        return _string_to_number(v)
    if t is list:
        if len(v) == 0:
            return 0
        if len(v) == 1:
            return to_number(v[0])
        return 0
    return 0


def format_number(x: float | int) -> str:
    """A number as AQL prints it in strings: integral values without a fraction."""
    if type(x) is int:
        return str(x)
    if math.isnan(x) or math.isinf(x):
        return "null"
    if x == 0:
        return "0"
    return ("-" if x < 0 else "") + _fpconv(abs(x))


def _fpconv(x: float) -> str:
    """Shortest round-trip digits laid out like ArangoDB's fpconv_dtoa (grisu2 + emit_digits):
    plain integers up to 7 trailing zeros, plain decimals down to 1e-6, else ``1.5e+21``."""
    text = repr(x)
    mant, _, e = text.partition("e")
    whole, _, frac = mant.partition(".")
    if frac == "0":
        frac = ""
    digits = (whole + frac).lstrip("0")
    k = (int(e) if e else 0) - len(frac)
    stripped = digits.rstrip("0")
    k += len(digits) - len(stripped)
    digits = stripped
    nd = len(digits)
    exp = abs(k + nd - 1)
    if k >= 0 and exp < nd + 7:
        return digits + "0" * k
    if k < 0 and (k > -7 or exp < 4):
        offset = nd + k
        if offset <= 0:
            return "0." + "0" * -offset + digits
        return digits[:offset] + "." + digits[offset:]
    sign = "-" if k + nd - 1 < 0 else "+"
    body = digits[0] + ("." + digits[1:] if nd > 1 else "")
    return f"{body}e{sign}{exp}"


def to_string(v: Any) -> str:
    """TO_STRING: null "", bools "true"/"false", numbers formatted, arrays/objects as JSON."""
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    t = type(v)
    if t is str:
        return v  # type: ignore[no-any-return]
    if t is int or t is float:
        return format_number(v)
    return to_json(v)


def to_json(v: Any) -> str:
    """Compact JSON the way AQL stringifies arrays and objects (VelocyPack's dumper:
    numbers as :func:`format_number`, non-ASCII characters unescaped)."""
    import json

    t = type(v)
    if t is list:
        return "[" + ",".join(to_json(x) for x in v) + "]"
    if t is dict:
        return "{" + ",".join(_json_str(k) + ":" + to_json(x) for k, x in v.items()) + "}"
    if t is float:
        return format_number(v)
    if t is str:
        return _json_str(v)
    return json.dumps(_json_ready(v), ensure_ascii=False, separators=(",", ":"))


def _json_str(s: str) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)


def _json_ready(v: Any) -> Any:
    t = type(v)
    if t is float:
        if math.isnan(v) or math.isinf(v):
            return None
        if v == int(v) and abs(v) < 1e15:
            return int(v)
        return v
    if t is list:
        return [_json_ready(x) for x in v]
    if t is dict:
        return {k: _json_ready(x) for k, x in v.items()}
    return v


def to_array(v: Any) -> list[Any]:
    """TO_ARRAY: null -> [], array as is, object -> its values, anything else -> [v]."""
    if v is None:
        return []
    if type(v) is list:
        return v
    if type(v) is dict:
        return list(v.values())
    return [v]


def output_value(v: Any) -> Any:
    """Prepare a result for JSON output: integral doubles as ints, -0 as 0, non-finite null."""
    return _json_ready(v)
