"""Ticks, revisions and ids: one generator per server, deterministic under a seed.

ArangoDB's ``_rev`` is a hybrid logical clock value (milliseconds << 20 | counter) written
in ArangoDB's own base64 alphabet; ids and traditional keys come from the server tick.
"""

from __future__ import annotations

import time
from binascii import b2a_base64

_ALPHABET = "-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_DECODE = {c: i for i, c in enumerate(_ALPHABET)}
# standard base64 digits -> ArangoDB's: the same 6 bits a character, another alphabet
_FROM_BASE64 = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", _ALPHABET.encode()
)


def encode_rev(value: int) -> str:
    """Encode an HLC value the way ArangoDB prints ``_rev`` (big-endian, 6 bits a char)."""
    if 0 < value < 1 << 72:
        # 9 bytes are 12 base64 digits without padding; leading zero digits ("-") go
        text = b2a_base64(value.to_bytes(9, "big"), newline=False).translate(_FROM_BASE64)
        return text.decode("ascii").lstrip("-")
    if value == 0:
        return "-"
    out = []
    while value:
        out.append(_ALPHABET[value & 63])
        value >>= 6
    return "".join(reversed(out))


def decode_rev(text: str) -> int | None:
    """Decode a ``_rev`` string; ``None`` if it is not one ArangoDB could have produced."""
    if not text or len(text) > 11:
        return None
    value = 0
    for ch in text:
        digit = _DECODE.get(ch)
        if digit is None:
            return None
        value = (value << 6) | digit
    return value


class Clock:
    """Monotonic tick and revision source.

    With ``seed`` set, time is virtual: it starts at a fixed instant derived from the seed
    and advances one tick per call, so two runs produce identical ids and revisions.
    """

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._tick = 100 if seed is None else 100 + (seed % 10_000) * 1000
        self._last_hlc = 0
        self._virtual_ms = 1_700_000_000_000 + (seed or 0) * 1000

    @property
    def last_tick(self) -> int:
        """The tick handed out last (reading it never advances the clock)."""
        return self._tick

    def next_tick(self) -> int:
        """A fresh, strictly increasing integer (collection ids, traditional keys...)."""
        self._tick += 1
        return self._tick

    def next_id(self) -> str:
        return str(self.next_tick())

    def reserve(self, count: int) -> int:
        """Hand out ``count`` ticks at once; returns the first (the rest follow it)."""
        first = self._tick + 1
        self._tick += count
        return first

    def _now_ms(self) -> int:
        if self.seed is not None:
            self._virtual_ms += 1
            return self._virtual_ms
        return int(time.time() * 1000)

    def next_hlc(self) -> int:
        # unseeded: _now_ms() inlined, one call less on every write
        now = int(time.time() * 1000) if self.seed is None else self._now_ms()
        candidate = now << 20
        if candidate <= self._last_hlc:
            candidate = self._last_hlc + 1
        self._last_hlc = candidate
        return candidate

    def next_rev(self) -> str:
        """A fresh ``_rev`` string, strictly greater than every earlier one."""
        return encode_rev(self.next_hlc())

    def observe_rev(self, rev: str) -> None:
        """Keep later revisions above a user-supplied one (``isRestore`` imports)."""
        value = decode_rev(rev)
        if value is not None and value > self._last_hlc:
            self._last_hlc = value
