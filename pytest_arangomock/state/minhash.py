"""MinHash signatures as ArangoDB 3.12 computes them, token for token.

Two producers share one signature: the ``minhash`` analyzer hashes each token of its inner
analyzer with CityHash64 (the Abseil variant ArangoSearch pins), and the AQL ``MINHASH()``
function hashes each array element with VelocyPack's ``normalizedHash`` (XXH64 of the value's
VelocyPack bytes, seed ``0xdeadbeef``). The signature keeps the ``numHashes`` smallest distinct
hashes in a max-heap; its tokens are the 8 little-endian bytes of each hash, base64 without
padding, in the heap's array order (insertion order until the heap is full), which is the
order ``TOKENS()`` and ``MINHASH()`` return them in.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterable
from typing import Any

_M = (1 << 64) - 1

# ----------------------------------------------------------------- CityHash64
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F
_KMUL = 0x9DDFEA08EB382D69


def _u64(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 8], "little")


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "little")


def _ror(value: int, shift: int) -> int:
    return value if shift == 0 else ((value >> shift) | (value << (64 - shift))) & _M


def _bswap(value: int) -> int:
    return int.from_bytes(value.to_bytes(8, "little"), "big")


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def _len16(u: int, v: int, mul: int = _KMUL) -> int:
    a = ((u ^ v) * mul) & _M
    a ^= a >> 47
    b = ((v ^ a) * mul) & _M
    b ^= b >> 47
    return (b * mul) & _M


def _upto16(s: bytes) -> int:
    n = len(s)
    mul = (_K2 + n * 2) & _M
    if n >= 8:
        a = (_u64(s, 0) + _K2) & _M
        b = _u64(s, n - 8)
        c = (_ror(b, 37) * mul + a) & _M
        d = ((_ror(a, 25) + b) * mul) & _M
        return _len16(c, d, mul)
    if n >= 4:
        return _len16((n + (_u32(s, 0) << 3)) & _M, _u32(s, n - 4), mul)
    if n:
        y = (s[0] + (s[n >> 1] << 8)) & 0xFFFFFFFF
        z = (n + (s[n - 1] << 2)) & 0xFFFFFFFF
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _M) * _K2) & _M
    return _K2


def _upto32(s: bytes) -> int:
    n = len(s)
    mul = (_K2 + n * 2) & _M
    a = (_u64(s, 0) * _K1) & _M
    b = _u64(s, 8)
    c = (_u64(s, n - 8) * mul) & _M
    d = (_u64(s, n - 16) * _K2) & _M
    return _len16(
        (_ror((a + b) & _M, 43) + _ror(c, 30) + d) & _M,
        (a + _ror((b + _K2) & _M, 18) + c) & _M,
        mul,
    )


def _upto64(s: bytes) -> int:
    n = len(s)
    mul = (_K2 + n * 2) & _M
    a = (_u64(s, 0) * _K2) & _M
    b = _u64(s, 8)
    c = _u64(s, n - 24)
    d = _u64(s, n - 32)
    e = (_u64(s, 16) * _K2) & _M
    f = (_u64(s, 24) * 9) & _M
    g = _u64(s, n - 8)
    h = (_u64(s, n - 16) * mul) & _M
    u = (_ror((a + g) & _M, 43) + (_ror(b, 30) + c) * 9) & _M
    v = (((a + g) & _M ^ d) + f + 1) & _M
    w = (_bswap(((u + v) * mul) & _M) + h) & _M
    x = (_ror((e + f) & _M, 42) + c) & _M
    y = ((_bswap(((v + w) * mul) & _M) + g) * mul) & _M
    z = (e + f + c) & _M
    a = (_bswap(((x + z) * mul + y) & _M) + b) & _M
    b = (_shift_mix(((z + a) * mul + d + h) & _M) * mul) & _M
    return (b + x) & _M


def _weak32(s: bytes, at: int, a: int, b: int) -> tuple[int, int]:
    w, x, y, z = _u64(s, at), _u64(s, at + 8), _u64(s, at + 16), _u64(s, at + 24)
    a = (a + w) & _M
    b = _ror((b + a + z) & _M, 21)
    c = a
    a = (a + x + y) & _M
    b = (b + _ror(a, 44)) & _M
    return (a + z) & _M, (b + c) & _M


def cityhash64(s: bytes) -> int:
    """Google's CityHash64 (v1.1, as Abseil ships it) of ``s``."""
    n = len(s)
    if n <= 16:
        return _upto16(s)
    if n <= 32:
        return _upto32(s)
    if n <= 64:
        return _upto64(s)
    x = _u64(s, n - 40)
    y = (_u64(s, n - 16) + _u64(s, n - 56)) & _M
    z = _len16((_u64(s, n - 48) + n) & _M, _u64(s, n - 24))
    v = _weak32(s, n - 64, n, z)
    w = _weak32(s, n - 32, (y + _K1) & _M, x)
    x = (x * _K1 + _u64(s, 0)) & _M
    at, left = 0, (n - 1) & ~63
    while True:
        x = (_ror((x + y + v[0] + _u64(s, at + 8)) & _M, 37) * _K1) & _M
        y = (_ror((y + v[1] + _u64(s, at + 48)) & _M, 42) * _K1) & _M
        x ^= w[1]
        y = (y + v[0] + _u64(s, at + 40)) & _M
        z = (_ror((z + w[0]) & _M, 33) * _K1) & _M
        v = _weak32(s, at, (v[1] * _K1) & _M, (x + w[0]) & _M)
        w = _weak32(s, at + 32, (z + w[1]) & _M, (y + _u64(s, at + 16)) & _M)
        z, x = x, z
        at += 64
        left -= 64
        if left == 0:
            break
    return _len16(
        (_len16(v[0], w[0]) + _shift_mix(y) * _K1 + z) & _M,
        (_len16(v[1], w[1]) + x) & _M,
    )


# ----------------------------------------------------------------- XXH64 and normalizedHash
_P1 = 0x9E3779B185EBCA87
_P2 = 0xC2B2AE3D27D4EB4F
_P3 = 0x165667B19E3779F9
_P4 = 0x85EBCA77C2B2AE63
_P5 = 0x27D4EB2F165667C5
VPACK_SEED = 0xDEADBEEF


def _rol(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _M


def _round(acc: int, lane: int) -> int:
    return (_rol((acc + lane * _P2) & _M, 31) * _P1) & _M


def _merge(acc: int, val: int) -> int:
    return (((acc ^ _round(0, val)) * _P1) + _P4) & _M


def xxh64(data: bytes, seed: int = 0) -> int:
    """XXH64 of ``data`` with ``seed``."""
    n, at = len(data), 0
    if n >= 32:
        v = [(seed + _P1 + _P2) & _M, (seed + _P2) & _M, seed & _M, (seed - _P1) & _M]
        while at + 32 <= n:
            v = [_round(v[i], _u64(data, at + 8 * i)) for i in range(4)]
            at += 32
        h = (_rol(v[0], 1) + _rol(v[1], 7) + _rol(v[2], 12) + _rol(v[3], 18)) & _M
        for lane in v:
            h = _merge(h, lane)
    else:
        h = (seed + _P5) & _M
    h = (h + n) & _M
    while at + 8 <= n:
        h = ((_rol(h ^ _round(0, _u64(data, at)), 27) * _P1) + _P4) & _M
        at += 8
    if at + 4 <= n:
        h = ((_rol(h ^ ((_u32(data, at) * _P1) & _M), 23) * _P2) + _P3) & _M
        at += 4
    while at < n:
        h = (_rol(h ^ ((data[at] * _P5) & _M), 11) * _P1) & _M
        at += 1
    h ^= h >> 33
    h = (h * _P2) & _M
    h ^= h >> 29
    h = (h * _P3) & _M
    return h ^ (h >> 32)


def _vpack_string(text: str) -> bytes:
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) <= 126:
        return bytes([0x40 + len(raw)]) + raw
    return b"\xbf" + len(raw).to_bytes(8, "little") + raw


def normalized_hash(value: Any, seed: int = VPACK_SEED) -> int:
    """VelocyPack's ``Slice::normalizedHash``: numbers as doubles, containers member-wise."""
    if value is None:
        return xxh64(b"\x18", seed)
    if isinstance(value, bool):
        return xxh64(b"\x1a" if value else b"\x19", seed)
    if isinstance(value, (int, float)):
        return xxh64(struct.pack("<d", float(value)), seed)
    if isinstance(value, str):
        return xxh64(_vpack_string(value), seed)
    if isinstance(value, list):
        out = xxh64(((len(value) ^ 0xBA5BEDF00D) & _M).to_bytes(8, "little"), seed)
        for item in value:
            out ^= normalized_hash(item, out)
        return out
    if isinstance(value, dict):
        base = xxh64(((len(value) ^ 0xF00BA44BA5) & _M).to_bytes(8, "little"), seed)
        out = base
        for key in sorted(value, key=lambda k: k.encode("utf-8", "surrogatepass")):
            key_hash = normalized_hash(key, base)
            out ^= key_hash
            out ^= normalized_hash(value[key], key_hash)
        return out
    return xxh64(_vpack_string(str(value)), seed)


# ----------------------------------------------------------------- the signature
def _sift(heap: list[int], hole: int, length: int, value: int, top: int = 0) -> None:
    """libstdc++'s ``__adjust_heap``: move the hole to a leaf, then push ``value`` up."""
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if heap[child] < heap[child - 1]:
            child -= 1
        heap[hole] = heap[child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        heap[hole] = heap[child - 1]
        hole = child - 1
    _push(heap, hole, top, value)


def _push(heap: list[int], hole: int, top: int, value: int) -> None:
    parent = (hole - 1) // 2
    while hole > top and heap[parent] < value:
        heap[hole] = heap[parent]
        hole = parent
        parent = (hole - 1) // 2
    heap[hole] = value


def signature(hashes: Iterable[int], size: int) -> list[int]:
    """The ``size`` smallest distinct hashes, in the array order ArangoDB's heap leaves them."""
    size = max(size, 1)
    heap: list[int] = []
    seen: set[int] = set()
    for value in hashes:
        if len(heap) < size:
            if value in seen:
                continue
            seen.add(value)
            heap.append(value)
            if len(heap) == size:
                for parent in range((size - 2) // 2, -1, -1):
                    _sift(heap, parent, size, heap[parent])
        elif value < heap[0] and value not in seen:
            seen.add(value)
            last = size - 1
            # pop_heap: the largest goes to the back and is replaced by the new value
            largest, moved = heap[0], heap[last]
            heap[last] = largest
            _sift(heap, 0, last, moved)
            seen.discard(heap[last])
            heap[last] = value
            _push(heap, last, 0, value)
    return heap


def encode(value: int) -> str:
    """One signature token: the hash's 8 little-endian bytes in base64 without padding."""
    return base64.b64encode(value.to_bytes(8, "little")).decode("ascii").rstrip("=")


def tokens(terms: Iterable[str], size: int) -> list[str]:
    """What the ``minhash`` analyzer yields for the terms of its inner analyzer."""
    hashes = (cityhash64(t.encode("utf-8", "surrogatepass")) for t in terms)
    return [encode(h) for h in signature(hashes, size)]


def of_values(values: Iterable[Any], size: int) -> list[str]:
    """``MINHASH(values, numHashes)``."""
    return [encode(h) for h in signature((normalized_hash(v) for v in values), size)]
