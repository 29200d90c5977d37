"""AQL string functions (ArangoDB 3.12): slicing, searching, regexes, hashes, fuzzy matching.

Arguments are cast the way ArangoDB's ``appendAsString`` does (null -> "", numbers in
shortest round-trip form, arrays/objects as compact JSON). Regular expressions are ICU
syntax in ArangoDB; :mod:`..patterns` translates them (and LIKE patterns) to Python ``re``.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import secrets
import string as _string
import struct
from collections.abc import Callable, Iterable
from typing import Any

from ...base.errors import ArangoError
from ...base.values import compare, format_number, to_bool, to_json, to_number, to_string
from ..patterns import Pattern, compile_regex, icu_replacement, like
from . import FunctionContext, function, invalid_argument

FAMILY = "string"
ERR_INVALID_REGEX = 1543
ERR_RESOURCE_LIMIT = 32
_REPEAT_LIMIT = 16 * 1024 * 1024
_UINT32_MAX = 2**32 - 1


def _fn(name: str, lo: int, hi: int | None = -1, **kw: Any) -> Callable[..., Any]:
    return function(name, lo, hi, family=FAMILY, **kw)


def warn(ctx: FunctionContext, name: str, code: int, text: str) -> None:
    """A function warning in ArangoDB's ``in function 'X()': message`` form."""
    ctx.warn(code, f"in function '{name}()': {text}")


def to_int(v: Any) -> int:
    """AqlValue::toInt64: cast to number, truncate toward zero (clamped to int64)."""
    n = to_number(v)
    if type(n) is int:
        return n
    if math.isnan(n):
        return 0
    if n >= 9.2e18:
        return 2**63 - 1
    if n <= -9.2e18:
        return -(2**63)
    return int(n)


def _arg(args: tuple[Any, ...], i: int) -> Any:
    return args[i] if i < len(args) else None


def _utf16_len(s: str) -> int:
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


def _regex_or_warn(ctx: FunctionContext, name: str, pattern: Any, ci: bool) -> Pattern | None:
    rx = compile_regex(to_string(pattern), ci)
    if rx is None:
        warn(ctx, name, ERR_INVALID_REGEX, "invalid regex value")
    return rx


def regex_test(
    ctx: FunctionContext, text: Any, pattern: Any, case_insensitive: bool
) -> bool | None:
    """``=~`` / REGEX_TEST: search ``pattern`` in ``text``; invalid regex -> warning 1543, None."""
    rx = _regex_or_warn(ctx, "REGEX_TEST", pattern, case_insensitive)
    if rx is None:
        return None
    return rx.search(to_string(text)) is not None


@_fn("LIKE", 2, 3)
def _like_fn(ctx: FunctionContext, text: Any, pattern: Any, ci: Any = False) -> Any:
    return like(to_string(text), to_string(pattern), to_bool(ci))


# ----------------------------------------------------------------- regex functions
@_fn("REGEX_TEST", 2, 3)
def _regex_test(ctx: FunctionContext, text: Any, pattern: Any, ci: Any = False) -> Any:
    return regex_test(ctx, text, pattern, to_bool(ci))


@_fn("REGEX_MATCHES", 2, 3)
def _regex_matches(ctx: FunctionContext, text: Any, pattern: Any, ci: Any = False) -> Any:
    source = to_string(pattern)
    rx = _regex_or_warn(ctx, "REGEX_MATCHES", source, to_bool(ci))
    if rx is None:
        return None
    value = to_string(text)
    if source and not value:
        return [""]
    m = rx.search(value)
    if m is None:
        return None
    return [m.group(0)] + [g or "" for g in m.groups()]


def _icu_split(rx: Pattern, text: str) -> list[str]:
    """RegexMatcher::split: fields between matches, capture groups in between, and an
    empty trailing field when the last match ends the input."""
    fields: list[str] = []
    start = 0
    for m in rx.finditer(text):
        fields.append(text[start : m.start()])
        fields.extend(g or "" for g in m.groups())
        start = m.end()
        if start == len(text):
            fields.append("")
            return fields
    fields.append(text[start:])
    return fields


def _split_result(rx: Pattern, text: str, empty_expr: bool, limit: int) -> list[str]:
    if not empty_expr and not text:
        return [""]
    parts = _icu_split(rx, text)
    if empty_expr:
        parts = parts[1:-1]
    if limit >= 0:
        parts = parts[:limit]
    return parts


def _split_limit(ctx: FunctionContext, name: str, value: Any) -> int | None:
    """The optional limit of SPLIT/REGEX_SPLIT: a number, else warning; -2 means 'null'."""
    if type(value) is bool or not isinstance(value, (int, float)):
        invalid_argument(ctx, name)
        return None
    return to_int(value)


@_fn("REGEX_SPLIT", 2, 4)
def _regex_split(ctx: FunctionContext, text: Any, pattern: Any, ci: Any = False, *rest: Any) -> Any:
    limit = -1
    if rest:
        lim = _split_limit(ctx, "REGEX_SPLIT", rest[0])
        if lim is None:
            return None
        if lim < 0:
            return None
        if lim == 0:
            return []
        limit = lim
    source = to_string(pattern)
    rx = _regex_or_warn(ctx, "REGEX_SPLIT", source, to_bool(ci))
    if rx is None:
        return None
    return _split_result(rx, to_string(text), source == "", limit)


@_fn("REGEX_REPLACE", 3, 4)
def _regex_replace(
    ctx: FunctionContext, text: Any, pattern: Any, repl: Any, ci: Any = False
) -> Any:
    rx = _regex_or_warn(ctx, "REGEX_REPLACE", pattern, to_bool(ci))
    if rx is None:
        return None
    expand = icu_replacement(to_string(repl), rx)
    if expand is None:
        warn(ctx, "REGEX_REPLACE", ERR_INVALID_REGEX, "invalid regex value")
        return None
    return rx.sub(expand, to_string(text))


# ----------------------------------------------------------------- SPLIT
@_fn("SPLIT", 1, 3)
def _split(ctx: FunctionContext, value: Any, *rest: Any) -> Any:
    limit = -1
    if len(rest) == 2:
        lim = _split_limit(ctx, "SPLIT", rest[1])
        if lim is None or lim < 0:
            return None
        if lim == 0:
            return []
        limit = lim
    if rest and type(rest[0]) is dict:
        invalid_argument(ctx, "SPLIT")
        return None
    if not rest:
        return [value]
    sep = rest[0]
    seps = [to_string(s) for s in sep] if type(sep) is list else [to_string(sep)]
    seps = [s for s in seps if s]
    rx = re.compile("|".join(re.escape(s) for s in seps))
    return _split_result(rx, to_string(value), not seps, limit)


# ----------------------------------------------------------------- simple string functions
@_fn("CONCAT", 1, None)
def _concat(ctx: FunctionContext, *args: Any) -> Any:
    if len(args) == 1 and type(args[0]) is list:
        args = tuple(args[0])
    return "".join(to_string(a) for a in args if a is not None)


@_fn("CONCAT_SEPARATOR", 2, None)
def _concat_separator(ctx: FunctionContext, sep: Any, *args: Any) -> Any:
    if len(args) == 1 and type(args[0]) is list:
        args = tuple(args[0])
    return to_string(sep).join(to_string(a) for a in args if a is not None)


@_fn("CHAR_LENGTH", 1)
def _char_length(ctx: FunctionContext, value: Any) -> Any:
    t = type(value)
    if t is list or t is dict:
        return len(to_json(value).encode("utf-8"))
    if value is None:
        return 0
    if type(value) is int or type(value) is float:
        # ArangoDB measures the double rendering, even of integers
        return len(format_number(float(value)))
    return len(to_string(value))


@_fn("LOWER", 1)
def _lower(ctx: FunctionContext, value: Any) -> Any:
    return to_string(value).lower()


@_fn("UPPER", 1)
def _upper(ctx: FunctionContext, value: Any) -> Any:
    return to_string(value).upper()


@_fn("SUBSTRING", 2, 3)
def _substring(ctx: FunctionContext, value: Any, offset: Any, *rest: Any) -> Any:
    text = to_string(value)
    start = _int32(to_int(offset))
    start = max(0, len(text) + start) if start < 0 else min(start, len(text))
    if not rest:
        return text[start:]
    length = _int32(to_int(rest[0]))
    if length <= 0:
        return ""
    return text[start : start + length]


def _int32(v: int) -> int:
    """static_cast<int32_t>: wrap into the signed 32-bit range."""
    v &= 0xFFFFFFFF
    return v - 2**32 if v >= 2**31 else v


@_fn("SUBSTRING_BYTES", 2, 5)
def _substring_bytes(ctx: FunctionContext, value: Any, offset: Any, *rest: Any) -> Any:
    if type(value) is not str:
        warn(ctx, "SUBSTRING_BYTES", 10, "bad parameter")
        return None
    data = value.encode("utf-8")
    if not data:
        return ""
    size = len(data)
    length = size
    left = right = 0
    if rest:
        length = max(0, to_int(rest[0]))
    if len(rest) >= 2:
        left = to_int(rest[1])
        right = to_int(rest[2]) if len(rest) >= 3 else left
    off = to_int(offset)
    off = max(0, size + off) if off < 0 else min(off, size)
    lo = off
    hi = lo + min(length, size - off)

    def cont(i: int) -> bool:
        return (data[i] & 0xC0) == 0x80

    if (lo != size and cont(lo)) or (hi != size and cont(hi)):
        warn(ctx, "SUBSTRING_BYTES", 10, "bad parameter")
        return None
    n = left
    while n > 0 and lo != 0:
        n -= 0 if cont(lo) else 1
        lo -= 1
    if lo != size:
        while lo != 0 and cont(lo):
            lo -= 1
    n = right
    while n > 0 and hi != size:
        n -= 0 if cont(hi) else 1
        hi += 1
    if hi != size:
        while hi != size and cont(hi):
            hi += 1
    return data[lo:hi].decode("utf-8", errors="replace")


@_fn("LEFT", 2)
def _left(ctx: FunctionContext, value: Any, n: Any) -> Any:
    count = _int32(to_int(n))
    return to_string(value)[: max(count, 0)]


@_fn("RIGHT", 2)
def _right(ctx: FunctionContext, value: Any, n: Any) -> Any:
    text = to_string(value)
    count = _int32(to_int(n))
    if count <= 0:
        return ""
    return text[max(0, len(text) - count) :]


_WHITESPACE = "\r\n\t "


def _trim_chars(args: tuple[Any, ...]) -> str:
    return to_string(args[0]) if args else _WHITESPACE


@_fn("TRIM", 1, 2)
def _trim(ctx: FunctionContext, value: Any, *rest: Any) -> Any:
    text = to_string(value)
    how = 0
    chars = _WHITESPACE
    if rest:
        opt = rest[0]
        if type(opt) is not bool and isinstance(opt, (int, float)):
            how = to_int(opt)
            if how < 0 or how > 2:
                how = 0
        elif type(opt) is str:
            chars = opt
    if how == 1:
        return text.lstrip(chars)
    if how == 2:
        return text.rstrip(chars)
    return text.strip(chars)


@_fn("LTRIM", 1, 2)
def _ltrim(ctx: FunctionContext, value: Any, *rest: Any) -> Any:
    return to_string(value).lstrip(_trim_chars(rest))


@_fn("RTRIM", 1, 2)
def _rtrim(ctx: FunctionContext, value: Any, *rest: Any) -> Any:
    return to_string(value).rstrip(_trim_chars(rest))


@_fn("STARTS_WITH", 2, 3)
def _starts_with(ctx: FunctionContext, text: Any, prefix: Any, *rest: Any) -> Any:
    """STARTS_WITH(text, prefix) or (text, prefixes, minMatchCount); documented with the
    string functions and usable outside SEARCH."""
    if type(prefix) is list:
        wanted = to_int(rest[0]) if rest else 1
        if type(text) is not str:
            return wanted <= 0
        hits = sum(1 for p in prefix if type(p) is str and text.startswith(p))
        return hits >= wanted
    if type(text) is not str or type(prefix) is not str:
        return False
    return text.startswith(prefix)


@_fn("PARTITION", 2, 3)
def _partition(ctx: FunctionContext, value: Any, separator: Any, *rest: Any) -> Any:
    """PARTITION(value, separator, occurrence=1) -> [before, separator, after]; a negative
    occurrence counts from the end; a missing one leaves the whole value on the far side."""
    text, sep = to_string(value), to_string(separator)
    nth = to_int(rest[0]) if rest else 1
    if not sep or nth == 0:
        invalid_argument(ctx, "PARTITION")
        return None
    positions: list[int] = []
    i = text.find(sep)
    while i >= 0:
        positions.append(i)
        i = text.find(sep, i + len(sep))
    if abs(nth) > len(positions):
        return [text, "", ""] if nth > 0 else ["", "", text]
    at = positions[nth - 1] if nth > 0 else positions[nth]
    return [text[:at], sep, text[at + len(sep) :]]


@_fn("CONTAINS", 2, 3)
def _contains(ctx: FunctionContext, text: Any, search: Any, return_index: Any = False) -> Any:
    haystack = to_string(text).encode("utf-8")
    needle = to_string(search).encode("utf-8")
    pos = -1
    if needle:
        found = haystack.find(needle)
        if found >= 0:
            # ArangoDB steps by the byte width of the string's *first* character
            first = haystack[0]
            step = 1 if first < 128 else 2 if first < 224 else 3 if first < 240 else 4
            pos = -(-found // step) * step
    if to_bool(return_index):
        return pos
    return pos != -1


def _collation_search(text: str, search: str) -> list[int]:
    """Non-overlapping match positions (in UTF-16 units), like ICU's StringSearch."""
    out: list[int] = []
    i = text.find(search)
    while i >= 0:
        out.append(_utf16_len(text[:i]))
        i = text.find(search, i + len(search))
    return out


def _find_bounds(args: tuple[Any, ...], text_len: int) -> tuple[int, int, bool] | None:
    start = 0
    end = text_len
    explicit_end = False
    if len(args) >= 1:
        start = to_int(args[0])
        if start < 0:
            return None
    if len(args) >= 2 and args[1] is not None:
        end = to_int(args[1])
        if end < start or end < 0:
            return None
        explicit_end = True
    return start, end, explicit_end


def _find(value: Any, search: Any, rest: tuple[Any, ...], last: bool) -> int:
    """FIND_FIRST/FIND_LAST: the first (or last) match lying within the bounds, else -1."""
    text, needle = to_string(value), to_string(search)
    bounds = _find_bounds(rest, _utf16_len(text))
    if bounds is None:
        return -1
    start, end, explicit = bounds
    if not needle:
        return end + (1 if explicit else 0) if last else start
    size = _utf16_len(needle)
    found = -1
    for pos in _collation_search(text, needle):
        if pos >= start and pos + size - 1 <= end:
            if not last:
                return pos
            found = pos
    return found


@_fn("FIND_FIRST", 2, 4)
def _find_first(ctx: FunctionContext, value: Any, search: Any, *rest: Any) -> Any:
    return _find(value, search, rest, last=False)


@_fn("FIND_LAST", 2, 4)
def _find_last(ctx: FunctionContext, value: Any, search: Any, *rest: Any) -> Any:
    return _find(value, search, rest, last=True)


def _replacements(values: Iterable[Any]) -> list[str] | None:
    """SUBSTITUTE's replacement strings (null counts as ""); None if one is anything else."""
    out: list[str] = []
    for v in values:
        if v is None:
            out.append("")
        elif type(v) is str:
            out.append(v)
        else:
            return None
    return out


@_fn("SUBSTITUTE", 2, 4)
def _substitute(ctx: FunctionContext, value: Any, search: Any, *rest: Any) -> Any:
    limit = -1
    replace: list[str] = []
    plain = False
    if type(search) is dict:
        if len(rest) > 1:
            ctx.warn(1541, "invalid number of arguments for function 'SUBSTITUTE()'")
            return None
        if rest:
            limit = to_int(rest[0])
        patterns = list(search.keys())
        listed = _replacements(search.values())
        if listed is None:
            invalid_argument(ctx, "SUBSTITUTE")
            return None
        replace = listed
    else:
        if len(rest) == 2:
            limit = to_int(rest[1])
        if type(search) is list:
            if any(type(s) is not str for s in search):
                invalid_argument(ctx, "SUBSTITUTE")
                return None
            patterns = list(search)
        elif type(search) is str:
            patterns = [search]
        else:
            invalid_argument(ctx, "SUBSTITUTE")
            return None
        if rest:
            rep = rest[0]
            if type(rep) is list:
                listed = _replacements(rep)
                if listed is None:
                    invalid_argument(ctx, "SUBSTITUTE")
                    return None
                replace = listed
            elif type(rep) is str:
                plain = True
                replace = [rep]
            else:
                invalid_argument(ctx, "SUBSTITUTE")
                return None
    text = to_string(value)
    if limit == 0 or not patterns:
        return text
    return _substitute_scan(text, patterns, replace, plain, limit)


def _substitute_scan(
    text: str, patterns: list[str], replace: list[str], plain: bool, limit: int
) -> str:
    """Replace the leftmost match of any pattern (earlier patterns win ties), repeatedly."""
    out: list[str] = []
    pos = 0
    count = 0
    while limit < 0 or count < limit:
        best = -1
        which = -1
        for k, p in enumerate(patterns):
            if not p:
                continue
            i = text.find(p, pos)
            if i >= 0 and (best < 0 or i < best):
                best, which = i, k
        if best < 0:
            break
        out.append(text[pos:best])
        if which < len(replace):
            out.append(replace[which])
        elif plain:
            out.append(replace[0])
        pos = best + len(patterns[which])
        count += 1
    out.append(text[pos:])
    return "".join(out)


@_fn("TO_CHAR", 1)
def _to_char(ctx: FunctionContext, value: Any) -> Any:
    cp = -1
    if type(value) is not bool and isinstance(value, (int, float)):
        cp = to_int(value)
    if cp < 0 or cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
        invalid_argument(ctx, "TO_CHAR")
        return None
    return chr(cp)


@_fn("REPEAT", 2, 3)
def _repeat(ctx: FunctionContext, value: Any, count: Any, *rest: Any) -> Any:
    times = to_int(count)
    if times == 0:
        return ""
    if times < 0:
        invalid_argument(ctx, "REPEAT")
        return None
    text = to_string(value)
    sep = to_string(rest[0]) if rest else ""
    size = len(text.encode("utf-8")) * times + len(sep.encode("utf-8")) * (times - 1)
    if size > _REPEAT_LIMIT:
        warn(
            ctx,
            "REPEAT",
            ERR_RESOURCE_LIMIT,
            "Output string of AQL REPEAT function was limited to 16MB.",
        )
        return None
    return sep.join([text] * times)


# ----------------------------------------------------------------- encodings and hashes
def _bytes(value: Any) -> bytes:
    return to_string(value).encode("utf-8")


def _hash_fn(name: str, algo: str) -> None:
    @_fn(name, 1)
    def impl(ctx: FunctionContext, value: Any) -> Any:
        return hashlib.new(algo, _bytes(value)).hexdigest()


for _name, _algo in (("MD5", "md5"), ("SHA1", "sha1"), ("SHA256", "sha256"), ("SHA512", "sha512")):
    _hash_fn(_name, _algo)


def _crc32c_table() -> list[int]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected)."""
    crc = 0xFFFFFFFF
    for b in data:
        crc = _CRC32C[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


@_fn("CRC32", 1)
def _crc32(ctx: FunctionContext, value: Any) -> Any:
    return f"{crc32c(_bytes(value)):X}"


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


@_fn("FNV64", 1)
def _fnv64(ctx: FunctionContext, value: Any) -> Any:
    return f"{fnv1a64(_bytes(value)):X}"


@_fn("HASH", 1)
def _hash(ctx: FunctionContext, value: Any) -> Any:
    # ArangoDB hashes the normalized VelocyPack form; emulate with a stable 53-bit hash
    # that keeps 1 and 1.0 equal and ignores object key order.
    key = to_json(_normalize_for_hash(value)).encode("utf-8")
    return fnv1a64(key) & (2**53 - 1)


def _normalize_for_hash(v: Any) -> Any:
    t = type(v)
    if t is float and v == int(v) and abs(v) < 2**63:
        return int(v)
    if t is list:
        return [_normalize_for_hash(x) for x in v]
    if t is dict:
        return {k: _normalize_for_hash(v[k]) for k in sorted(v)}
    return v


@_fn("TO_BASE64", 1)
def _to_base64(ctx: FunctionContext, value: Any) -> Any:
    return base64.b64encode(_bytes(value)).decode("ascii")


@_fn("TO_HEX", 1)
def _to_hex(ctx: FunctionContext, value: Any) -> Any:
    return _bytes(value).hex()


_URI_SAFE = frozenset(_string.ascii_letters + _string.digits + "-_.!~*'()")


@_fn("ENCODE_URI_COMPONENT", 1)
def _encode_uri_component(ctx: FunctionContext, value: Any) -> Any:
    return "".join(chr(b) if chr(b) in _URI_SAFE else f"%{b:02X}" for b in _bytes(value))


_TOKEN_CHARS = _string.ascii_letters + _string.digits


@_fn("RANDOM_TOKEN", 1, deterministic=False)
def _random_token(ctx: FunctionContext, length: Any) -> Any:
    n = to_int(length)
    if n < 0 or n > 65536:
        raise ArangoError(1542, "invalid argument type in call to function 'RANDOM_TOKEN()'", 400)
    return "".join(secrets.choice(_TOKEN_CHARS) for _ in range(n))


# ----------------------------------------------------------------- IPv4
_IPV4 = re.compile(r"(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}")


def parse_ipv4(value: Any) -> int | None:
    """The numeric form of a dotted-quad IPv4 string, or None when it is not one."""
    if type(value) is not str or not _IPV4.fullmatch(value):
        return None
    parts = [int(p) for p in value.split(".")]
    if any(p > 255 for p in parts):
        return None
    return (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]


@_fn("IPV4_TO_NUMBER", 1)
def _ipv4_to_number(ctx: FunctionContext, value: Any) -> Any:
    n = parse_ipv4(value)
    if n is None:
        invalid_argument(ctx, "IPV4_TO_NUMBER")
    return n


@_fn("IPV4_FROM_NUMBER", 1)
def _ipv4_from_number(ctx: FunctionContext, value: Any) -> Any:
    if (
        type(value) is bool
        or not isinstance(value, (int, float))
        or value < 0
        or value > _UINT32_MAX
    ):
        invalid_argument(ctx, "IPV4_FROM_NUMBER")
        return None
    n = int(value)
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


# ----------------------------------------------------------------- fuzzy matching
_SOUNDEX = {}
for _letters, _code in (
    ("bfpv", "1"),
    ("cgjkqsxz", "2"),
    ("dt", "3"),
    ("l", "4"),
    ("mn", "5"),
    ("r", "6"),
):
    for _c in _letters:
        _SOUNDEX[_c] = _code


def soundex(text: str) -> str:
    """American Soundex: first letter, then up to three digit codes (h/w do not separate)."""
    letters = [c for c in text.lower() if "a" <= c <= "z"]
    if not letters:
        return ""
    out = [letters[0].upper()]
    prev = _SOUNDEX.get(letters[0], "")
    for c in letters[1:]:
        code = _SOUNDEX.get(c, "")
        if code and code != prev:
            out.append(code)
            if len(out) == 4:
                break
        if c not in "hw":
            prev = code
    return "".join(out).ljust(4, "0")


@_fn("SOUNDEX", 1)
def _soundex(ctx: FunctionContext, value: Any) -> Any:
    return soundex(to_string(value))


def damerau_levenshtein(a: str, b: str, transpositions: bool = True) -> int:
    """Edit distance (optimal string alignment when ``transpositions``) over code points."""
    if a == b:
        return 0
    if not a:
        return len(b)
    if not b:
        return len(a)
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        ca = a[i - 1]
        for j in range(1, len(b) + 1):
            cost = 0 if ca == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if transpositions and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        prev2, prev = prev, cur
    return prev[len(b)]


@_fn("LEVENSHTEIN_DISTANCE", 2)
def _levenshtein_distance(ctx: FunctionContext, a: Any, b: Any) -> Any:
    return damerau_levenshtein(to_string(a), to_string(b))


@_fn("LEVENSHTEIN_MATCH", 3, 6)
def _levenshtein_match(
    ctx: FunctionContext, value: Any, target: Any, distance: Any, *rest: Any
) -> Any:
    if type(distance) is bool or not isinstance(distance, (int, float)):
        invalid_argument(ctx, "LEVENSHTEIN_MATCH")
        return None
    transpositions = to_bool(rest[0]) if rest else True
    max_distance = to_int(distance)
    if max_distance < 0 or max_distance > (3 if transpositions else 4):
        invalid_argument(ctx, "LEVENSHTEIN_MATCH")
        return None
    prefix = to_string(rest[2]) if len(rest) >= 3 else ""
    text, tgt = to_string(value), to_string(target)
    if prefix:
        if not text.startswith(prefix):
            return False
        text = text[len(prefix) :]
    return damerau_levenshtein(text, tgt, transpositions) <= max_distance


def _f32(x: float) -> float:
    return float(struct.unpack("f", struct.pack("f", x))[0])


def ngram_similarity(target: str, src: str, n: int, positional: bool) -> float:
    """IResearch n-gram similarity: longest (partially) matching n-gram sequence."""
    if n <= 0:
        return 0.0
    if not positional:
        if not src:
            return 1.0
        if not target:
            return 0.0
    t_count = max(len(target) - n + 1, 1)
    s_count = max(len(src) - n + 1, 1)
    row = [0.0] * (s_count + 1)
    for i in range(1, t_count + 1):
        t_gram = target[i - 1 : i - 1 + n]
        prev_diag = 0.0
        for j in range(1, s_count + 1):
            s_gram = src[j - 1 : j - 1 + n]
            if positional:
                matched = sum(1 for x, y in zip(t_gram, s_gram, strict=False) if x == y)
                sim = matched / n
            else:
                sim = 1.0 if t_gram == s_gram else 0.0
            keep = row[j]
            row[j] = max(row[j - 1], row[j], prev_diag + sim)
            prev_diag = keep
    denominator = max(t_count, s_count) if positional else s_count
    return _f32(row[s_count] / denominator)


def _ngram_args(
    ctx: FunctionContext, name: str, a: Any, b: Any, n: Any
) -> tuple[str, str, int] | None:
    if (
        type(a) is not str
        or type(b) is not str
        or type(n) is bool
        or not isinstance(n, (int, float))
    ):
        invalid_argument(ctx, name)
        return None
    size = to_int(n)
    if size < 1:
        invalid_argument(ctx, name)
        return None
    return a, b, size


def _ngram(ctx: FunctionContext, name: str, args: tuple[Any, Any, Any], positional: bool) -> Any:
    parsed = _ngram_args(ctx, name, *args)
    if parsed is None:
        return None
    return ngram_similarity(parsed[0], parsed[1], parsed[2], positional)


@_fn("NGRAM_SIMILARITY", 3)
def _ngram_similarity(ctx: FunctionContext, a: Any, b: Any, n: Any) -> Any:
    return _ngram(ctx, "NGRAM_SIMILARITY", (a, b, n), positional=False)


@_fn("NGRAM_POSITIONAL_SIMILARITY", 3)
def _ngram_positional(ctx: FunctionContext, a: Any, b: Any, n: Any) -> Any:
    return _ngram(ctx, "NGRAM_POSITIONAL_SIMILARITY", (a, b, n), positional=True)


@_fn("IN_RANGE", 5)
def _in_range(
    ctx: FunctionContext, value: Any, low: Any, high: Any, inc_low: Any, inc_high: Any
) -> Any:
    if type(inc_low) is not bool or type(inc_high) is not bool:
        invalid_argument(ctx, "IN_RANGE")
        return None
    lo = compare(low, value)
    hi = compare(value, high)
    return (lo < 0 or (inc_low and lo == 0)) and (hi < 0 or (inc_high and hi == 0))


__all__ = [
    "crc32c",
    "damerau_levenshtein",
    "fnv1a64",
    "like",
    "ngram_similarity",
    "parse_ipv4",
    "regex_test",
    "soundex",
    "to_int",
]
