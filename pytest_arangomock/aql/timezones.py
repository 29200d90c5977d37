"""Time zones as ArangoDB's date functions see them: read from the compiled tz database.

ArangoDB computes with Howard Hinnant's ``date``/``tz`` library on integer time points for
years 0..9999. Python's ``datetime`` cannot hold year 0 and ``zoneinfo`` does not expose a
zone's periods (``sys_info``: begin, end, offset, DST, abbreviation), so this module keeps
the proleptic Gregorian day arithmetic and reads the TZif files directly (the system
database, or the ``tzdata`` package when the system has none), evaluating their POSIX
footer rules for instants past the last listed transition.

Instants here are integer seconds since the Unix epoch; offsets are seconds east of UTC.
"""

from __future__ import annotations

import bisect
import importlib
import os
import re
import struct
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..base.errors import ArangoError

__all__ = [
    "DAY_S",
    "Period",
    "Zone",
    "civil_from_days",
    "days_from_civil",
    "days_in_month",
    "is_leap",
    "load_zone",
    "system_zone_name",
    "tzdb_version",
    "zone_names",
]

DAY_S = 86400


# ----------------------------------------------------------------- proleptic Gregorian
def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 for y/m/d; ``d`` may overflow the month (as ``date::sys_days``)."""
    y -= 1 if m <= 2 else 0
    era = y // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count since 1970-01-01."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return y + (1 if m <= 2 else 0), m, d


def is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def days_in_month(y: int, m: int) -> int:
    if m == 2:
        return 29 if is_leap(y) else 28
    return 30 if m in (4, 6, 9, 11) else 31


# ----------------------------------------------------------------- zone periods
@dataclass(frozen=True)
class Period:
    """One ``sys_info``: ``begin``/``end`` are None when unbounded."""

    begin: int | None
    end: int | None
    offset: int
    dst: bool
    abbrev: str


_Type = tuple[int, bool, str]  # (utc offset, is dst, abbreviation)

_OFF = r"[+-]?\d{1,3}(?::\d{1,2}(?::\d{1,2})?)?"
_NAME = r"<[^>]+>|[A-Za-z]{3,}"
_POSIX = re.compile(
    rf"^(?P<std>{_NAME})(?P<stdoff>{_OFF})"
    rf"(?:(?P<dst>{_NAME})(?P<dstoff>{_OFF})?"
    rf"(?:,(?P<start>[^,/]+)(?:/(?P<stime>{_OFF}))?,(?P<end>[^,/]+)(?:/(?P<etime>{_OFF}))?)?)?$"
)


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _rule_day(rule: str, year: int) -> int:
    """Day number (since the epoch) a POSIX TZ rule date falls on in ``year``."""
    jan1 = days_from_civil(year, 1, 1)
    if rule.startswith("J"):
        n = int(rule[1:])
        return jan1 + n - 1 + (1 if is_leap(year) and n >= 60 else 0)
    if rule.startswith("M"):
        m, w, d = (int(p) for p in rule[1:].split("."))
        first = days_from_civil(year, m, 1)
        wd_first = (first + 4) % 7  # 1970-01-01 was a Thursday
        day = first + (d - wd_first) % 7 + 7 * (w - 1)
        last = first + days_in_month(year, m) - 1
        while day > last:
            day -= 7
        return day
    return jan1 + int(rule)


@dataclass(frozen=True)
class _Footer:
    std: _Type
    dst: _Type | None
    start: str = ""
    stime: int = 7200
    end: str = ""
    etime: int = 7200

    def transitions(self, year: int) -> list[tuple[int, _Type]]:
        if self.dst is None:
            return []
        on = _rule_day(self.start, year) * DAY_S + self.stime - self.std[0]
        off = _rule_day(self.end, year) * DAY_S + self.etime - self.dst[0]
        return sorted([(on, self.dst), (off, self.std)])


def _parse_footer(text: str) -> _Footer | None:
    match = _POSIX.match(text)
    if match is None:
        return None
    std_off = -_seconds(match["stdoff"])
    std: _Type = (std_off, False, match["std"].strip("<>"))
    if not match["dst"]:
        return _Footer(std, None)
    dst_off = -_seconds(match["dstoff"]) if match["dstoff"] else std_off + 3600
    dst: _Type = (dst_off, True, match["dst"].strip("<>"))
    if not match["start"]:  # no rule given: POSIX default (US rules)
        return _Footer(std, dst, "M3.2.0", 7200, "M11.1.0", 7200)
    return _Footer(
        std,
        dst,
        match["start"],
        _seconds(match["stime"]) if match["stime"] else 7200,
        match["end"],
        _seconds(match["etime"]) if match["etime"] else 7200,
    )


class Zone:
    """A time zone's transitions and rules, answering ``sys_info`` queries."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.times, self.kinds, self.types, footer = _read_tzif(data)
        self.footer = _parse_footer(footer) if footer else None

    def _year_of(self, t: int) -> int:
        return civil_from_days(t // DAY_S)[0]

    def info(self, t: int) -> Period:
        """The period in effect at instant ``t``."""
        times = self.times
        i = bisect.bisect_right(times, t) - 1
        if times and i < len(times) - 1:
            if i < 0:
                return self._period(None, times[0], self._initial())
            return self._period(times[i], times[i + 1], self.types[self.kinds[i]])
        last_begin = times[-1] if times else None
        last_type = self.types[self.kinds[-1]] if times else self._initial()
        footer = self.footer
        if footer is None:
            return self._period(last_begin, None, last_type)
        if footer.dst is None:
            return self._period(last_begin, None, footer.std)
        year = self._year_of(t)
        rules = [
            tr
            for y in (year - 1, year, year + 1)
            for tr in footer.transitions(y)
            if last_begin is None or tr[0] > last_begin
        ]
        begin, kind = last_begin, last_type
        end: int | None = None
        for at, rule_type in rules:
            if at <= t:
                begin, kind = at, rule_type
            else:
                end = at
                break
        return self._period(begin, end, kind)

    def _initial(self) -> _Type:
        if self.types:
            return self.types[0]
        if self.footer is not None:
            return self.footer.std
        return (0, False, "UTC")

    @staticmethod
    def _period(begin: int | None, end: int | None, kind: _Type) -> Period:
        return Period(begin, end, kind[0], kind[1], kind[2])

    def local_candidates(self, local: int) -> list[Period]:
        """Periods in which local time ``local`` (seconds) exists: 0 (gap), 1, or 2 (fold)."""
        offsets = {self.info(local + delta).offset for delta in (-DAY_S, 0, DAY_S)}
        found: dict[int, Period] = {}
        for off in sorted(offsets, reverse=True):
            period = self.info(local - off)
            if period.offset == off:
                found.setdefault(local - off, period)
        return [found[k] for k in sorted(found)]


def _read_tzif(data: bytes) -> tuple[list[int], list[int], list[_Type], str]:
    """Transitions, their type indices, the types and the POSIX footer of a TZif file."""
    if data[:4] != b"TZif":
        raise ValueError("not a TZif file")
    version = data[4:5]

    def counts(at: int) -> tuple[int, ...]:
        return struct.unpack(">6l", data[at + 20 : at + 44])

    isut, isstd, leap, timecnt, typecnt, charcnt = counts(0)
    pos, size, fmt = 0, 4, "l"
    if version >= b"2":
        pos = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
        isut, isstd, leap, timecnt, typecnt, charcnt = counts(pos)
        size, fmt = 8, "q"
    p = pos + 44
    times = list(struct.unpack(f">{timecnt}{fmt}", data[p : p + timecnt * size]))
    p += timecnt * size
    kinds = list(data[p : p + timecnt])
    p += timecnt
    raw = [struct.unpack(">lBB", data[p + 6 * k : p + 6 * k + 6]) for k in range(typecnt)]
    p += 6 * typecnt
    chars = data[p : p + charcnt]
    p += charcnt + leap * (size + 4) + isstd + isut
    types: list[_Type] = []
    for off, dst, idx in raw:
        end = chars.find(b"\0", idx)
        types.append((off, bool(dst), chars[idx : end if end >= 0 else None].decode("ascii")))
    footer = ""
    if version >= b"2" and data[p : p + 1] == b"\n":
        nl = data.find(b"\n", p + 1)
        footer = data[p + 1 : nl if nl >= 0 else None].decode("ascii")
    return times, kinds, types, footer


# ----------------------------------------------------------------- the database
def _zone_bytes(name: str) -> bytes | None:
    for root in zoneinfo.TZPATH:
        path = os.path.join(root, name)
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                return fh.read()
    try:
        package, _, leaf = f"tzdata.zoneinfo.{name}".replace("/", ".").rpartition(".")
        return resources.files(package).joinpath(leaf).read_bytes()
    except (ImportError, FileNotFoundError, OSError, ValueError):
        return None


def _tzdata_zi() -> str | None:
    for root in zoneinfo.TZPATH:
        path = os.path.join(root, "tzdata.zi")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                return fh.read()
    try:
        return resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text("utf-8")
    except (ImportError, FileNotFoundError, OSError):
        return None


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[str, ...], frozenset[str]]:
    """(zones followed by links, as DATE_TIMEZONES lists them; every valid name)."""
    text = _tzdata_zi()
    zones: list[str] = []
    links: list[str] = []
    if text:
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "Z":
                zones.append(parts[1])
            elif len(parts) >= 3 and parts[0] == "L":
                links.append(parts[2])
    if not zones:
        zones = sorted(zoneinfo.available_timezones())
    ordered = tuple(sorted(zones)) + tuple(sorted(links))
    return ordered, frozenset(ordered) | frozenset(zoneinfo.available_timezones())


def zone_names() -> list[str]:
    return list(_names()[0])


@lru_cache(maxsize=1)
def tzdb_version() -> str:
    """Version of the tz database in use (ArangoDB reports its bundled one)."""
    text = _tzdata_zi()
    if text:
        first = text.split("\n", 1)[0]
        if first.startswith("# version "):
            return first[len("# version ") :].strip()
    try:
        return str(importlib.import_module("tzdata").IANA_VERSION)
    except ImportError:
        return "unknown"


@lru_cache(maxsize=512)
def _load(name: str) -> Zone | None:
    if name not in _names()[1]:
        return None
    data = _zone_bytes(name)
    if data is None:
        return None
    try:
        return Zone(name, data)
    except (ValueError, struct.error):
        return None


def load_zone(name: str) -> Zone:
    """The named zone; unknown names fail the query like ArangoDB's ``locate_zone``."""
    zone = _load(name)
    if zone is None:
        raise ArangoError(4, f"{name} not found in timezone database", status=500)
    return zone


def system_zone_name() -> str:
    """DATE_TIMEZONE(): the host's zone name, ``Etc/UTC`` when it cannot be determined."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and tz in _names()[1]:
        return tz
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return "Etc/UTC"
    for root in zoneinfo.TZPATH:
        prefix = os.path.realpath(root) + os.sep
        if target.startswith(prefix):
            name = target[len(prefix) :]
            if name in _names()[1]:
                return name
    return "Etc/UTC"
