"""AQL date functions (ArangoDB 3.12), time zones included.

ArangoDB represents dates as millisecond timestamps or ISO 8601 strings and computes on
integer time points with Howard Hinnant's ``date``/``tz`` library, for years 0..9999.
The proleptic Gregorian arithmetic and the tz database reader live in :mod:`..timezones`.

Instants are integer milliseconds since the Unix epoch; offsets are seconds east of UTC.
:func:`parse_date` and :func:`is_date_string` are shared with IS_DATESTRING.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from ...base.errors import ArangoError
from ...base.values import INT64_MIN, is_number, to_number
from ..timezones import (
    DAY_S,
    Period,
    civil_from_days,
    days_from_civil,
    days_in_month,
    is_leap,
    load_zone,
    system_zone_name,
    tzdb_version,
    zone_names,
)
from . import FunctionContext, function, invalid_argument

__all__ = ["format_date", "is_date_string", "parse_date", "parse_date_ms"]

# ----------------------------------------------------------------- time points
MIN_MS = -62167219200000  # 0000-01-01T00:00:00.000Z
MAX_MS = 253402300799999  # 9999-12-31T23:59:59.999Z
DAY_MS = DAY_S * 1000

MILLI, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, YEAR = range(1, 9)
_UNITS = {
    "y": YEAR,
    "year": YEAR,
    "years": YEAR,
    "m": MONTH,
    "month": MONTH,
    "months": MONTH,
    "w": WEEK,
    "week": WEEK,
    "weeks": WEEK,
    "d": DAY,
    "day": DAY,
    "days": DAY,
    "h": HOUR,
    "hour": HOUR,
    "hours": HOUR,
    "i": MINUTE,
    "minute": MINUTE,
    "minutes": MINUTE,
    "s": SECOND,
    "second": SECOND,
    "seconds": SECOND,
    "f": MILLI,
    "millisecond": MILLI,
    "milliseconds": MILLI,
}
_UNIT_MS = {MILLI: 1, SECOND: 1000, MINUTE: 60000, HOUR: 3600000, DAY: DAY_MS, WEEK: 7 * DAY_MS}
#: DATE_ROUND's units: the same names, but case-sensitive and only milliseconds to days
_ROUND_UNIT_MS = {
    name: _UNIT_MS[flag]
    for name, flag in _UNITS.items()
    if flag in (MILLI, SECOND, MINUTE, HOUR, DAY)
}


def _unit(value: Any) -> int:
    """ArangoDB's date unit flag (case-insensitive); 0 when invalid or not a string."""
    if not isinstance(value, str):
        return 0
    return _UNITS.get(value.lower(), 0)


def _digits(text: str, pos: int) -> tuple[int, int]:
    """(value, length) of the digit run at ``pos``."""
    end = pos
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return (int(text[pos:end]) if end > pos else 0), end - pos


def _clock(s: str, pos: int) -> tuple[int, int, int] | None:
    """``H[H]:M[M]`` at ``pos`` (a time or a zone offset): (hours, minutes, end), or None."""
    hours, n = _digits(s, pos)
    if n == 0 or n > 2 or hours > 23 or s[pos + n : pos + 1 + n] != ":":
        return None
    pos += 1 + n
    minutes, n = _digits(s, pos)
    if n == 0 or n > 2 or minutes > 59:
        return None
    return hours, minutes, pos + n


def parse_date_ms(text: str) -> int | None:
    """Milliseconds since the epoch for an ArangoDB date string, None if it is not one.

    Accepts what ArangoDB's parser accepts: ``YYYY[-MM[-DD]]`` (short fields allowed),
    an optional ``T``/space time ``HH:MM[:SS[.fff...]]``, then ``Z`` or ``+HH:MM``/``-HH:MM``;
    surrounding whitespace and a leading ``+`` are ignored. Days up to 31 roll over into
    the next month (``2015-02-31`` is March 3rd); the year must stay within 0..9999.
    """
    s = text.strip(" \t\r\n")
    if s.startswith("+"):
        s = s[1:]
    elif s.startswith("-"):
        return None
    year, n = _digits(s, 0)
    if n == 0 or year > 9999:
        return None
    pos = n
    month = day = 1
    if s[pos : pos + 1] == "-":
        month, n = _digits(s, pos + 1)
        if n == 0 or n > 2 or not 1 <= month <= 12:
            return None
        pos += 1 + n
        if s[pos : pos + 1] == "-":
            day, n = _digits(s, pos + 1)
            if n == 0 or n > 2 or not 1 <= day <= 31:
                return None
            pos += 1 + n
    hour = minute = second = milli = 0
    if s[pos : pos + 1] in (" ", "T"):
        clock = _clock(s, pos + 1)
        if clock is None:
            return None
        hour, minute, pos = clock
        if s[pos : pos + 1] == ":":
            second, n = _digits(s, pos + 1)
            if n == 0 or n > 2 or second > 59:
                return None
            pos += 1 + n
            if s[pos : pos + 1] == ".":
                _, n = _digits(s, pos + 1)
                if n == 0:
                    return None
                milli = int(s[pos + 1 : pos + 1 + min(n, 3)].ljust(3, "0"))
                pos += 1 + n
    offset = 0
    if s[pos : pos + 1] in ("z", "Z"):
        pos += 1
    elif s[pos : pos + 1] in ("+", "-"):
        factor = 1 if s[pos] == "+" else -1
        clock = _clock(s, pos + 1)
        if clock is None:
            return None
        oh, om, pos = clock
        offset = factor * (oh * 60 + om)
    if pos != len(s):
        return None
    ms = days_from_civil(year, month, day) * DAY_MS
    ms += ((hour * 60 + minute) * 60 + second) * 1000 + milli - offset * 60000
    if offset and not 0 <= civil_from_days(ms // DAY_MS)[0] <= 9999:
        return None
    return ms


def is_date_string(value: Any) -> bool:
    """IS_DATESTRING(): a string ArangoDB's date functions accept."""
    return isinstance(value, str) and parse_date_ms(value) is not None


def parse_date(value: Any) -> datetime | None:
    """A date string or timestamp as an aware UTC datetime; None if invalid or year 0.

    Python's datetime cannot hold year 0, which ArangoDB accepts: use
    :func:`is_date_string` for validity checks.
    """
    if isinstance(value, str):
        ms = parse_date_ms(value)
    elif is_number(value) and MIN_MS <= value <= MAX_MS:
        ms = int(value)
    else:
        return None
    if ms is None or ms < _YEAR1_MS:
        return None
    return _EPOCH + timedelta(milliseconds=ms)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_YEAR1_MS = days_from_civil(1, 1, 1) * DAY_MS


def _to_int64(value: Any) -> int:
    """AqlValue::toInt64 for numbers and strings (strings parsed, else 0)."""
    number = to_number(value)
    if isinstance(number, float):
        if math.isnan(number):
            return 0
        if abs(number) >= 2**63:
            return INT64_MIN
        return int(number)
    return number


def _warn_date(ctx: FunctionContext, name: str) -> None:
    ctx.warn(1572, f"in function '{name}()': invalid date value")


def _time_point(ctx: FunctionContext, value: Any, name: str) -> int | None:
    """A date argument as milliseconds; warns (1572 or 1542) and returns None otherwise."""
    if is_number(value):
        ms = _to_int64(value)
        if MIN_MS <= ms <= MAX_MS:
            return ms
        _warn_date(ctx, name)
        return None
    if isinstance(value, str):
        parsed = parse_date_ms(value)
        if parsed is None:
            _warn_date(ctx, name)
        return parsed
    invalid_argument(ctx, name)
    return None


def _split(ms: int) -> tuple[int, int, int, int, int, int, int]:
    """(year, month, day, hour, minute, second, millisecond) of a time point."""
    days, rest = divmod(ms, DAY_MS)
    y, m, d = civil_from_days(days)
    return y, m, d, rest // 3600000, rest // 60000 % 60, rest // 1000 % 60, rest % 1000


def _year4(y: int) -> str:
    return f"-{-y:04d}" if y < 0 else f"{y:04d}"


def _iso(ctx: FunctionContext | None, name: str, ms: int, utc: bool = True) -> str | None:
    """ArangoDB's ``YYYY-MM-DDTHH:MM:SS.mmmZ``; null (and 1572 if ``ctx``) out of 0..9999."""
    y, m, d, hh, mi, ss, ff = _split(ms)
    if not 0 <= y <= 9999:
        if ctx is not None:
            _warn_date(ctx, name)
        return None
    text = f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mi:02d}:{ss:02d}.{ff:03d}"
    return text + "Z" if utc else text


def localize(tz: str, ms: int) -> int:
    """UTC time point -> the same wall-clock reading in ``tz`` (as a UTC-based number)."""
    return ms + load_zone(tz).info(ms // 1000).offset * 1000


def _fmt_local(ms: int) -> str:
    y, m, d, hh, mi, ss, ff = _split(ms)
    return f"{_year4(y)}-{m:02d}-{d:02d} {hh:02d}:{mi:02d}:{ss:02d}.{ff:03d}"


def _fmt_secs(secs: int) -> str:
    return _fmt_local(secs * 1000)[:-4]


def unlocalize(tz: str, ms: int) -> tuple[int, Period]:
    """Wall-clock time in ``tz`` -> UTC; fails the query in a gap or a fold, as ArangoDB does."""
    zone = load_zone(tz)
    local = ms // 1000
    found = zone.local_candidates(local)
    if len(found) == 1:
        return ms - found[0].offset * 1000, found[0]
    if found:
        first, second = found[0], found[1]
        when = _fmt_local(ms)
        message = (
            f"{when} is ambiguous.  It could be\n"
            f"{when} {first.abbrev} == {_fmt_local(ms - first.offset * 1000)} UTC or\n"
            f"{when} {second.abbrev} == {_fmt_local(ms - second.offset * 1000)} UTC"
        )
        raise ArangoError(4, message, status=500)
    after = zone.info(local - zone.info(local - DAY_S).offset)
    change = after.begin if after.begin is not None else local
    before = zone.info(change - 1)
    message = (
        f"{_fmt_local(ms)} is in a gap between\n"
        f"{_fmt_secs(change + before.offset)} {before.abbrev} and\n"
        f"{_fmt_secs(change + after.offset)} {after.abbrev} which are both equivalent to\n"
        f"{_fmt_secs(change)} UTC"
    )
    raise ArangoError(4, message, status=500)


def _tz_arg(ctx: FunctionContext, name: str, value: Any) -> str | None:
    """A timezone argument: must be a string (else 1542 and None)."""
    if isinstance(value, str):
        return value
    invalid_argument(ctx, name)
    return None


def _local_time(
    ctx: FunctionContext, name: str, ms: int, args: tuple[Any, ...], index: int
) -> tuple[int, str | None] | None:
    """``ms`` read in the optional zone ``args[index]``: ``(local ms, zone)``; None after 1542."""
    if len(args) <= index:
        return ms, None
    tz = _tz_arg(ctx, name, args[index])
    if tz is None:
        return None
    return localize(tz, ms), tz


def _date_text_zone(
    ctx: FunctionContext, name: str, args: tuple[Any, ...]
) -> tuple[int, str, str | None] | None:
    """``(date, text, zone?)`` arguments (DATE_TRUNC, DATE_FORMAT): ``(local ms, text, zone)``."""
    ms = _time_point(ctx, args[0], name)
    if ms is None:
        return None
    text = args[1]
    if not isinstance(text, str):
        invalid_argument(ctx, name)
        return None
    local = _local_time(ctx, name, ms, args, 2)
    return None if local is None else (local[0], text, local[1])


def _utc_iso(ctx: FunctionContext, name: str, ms: int, tz: str | None) -> str | None:
    """A wall-clock result in ``tz`` (if any) back to UTC, as an ISO string."""
    if tz is not None:
        ms = unlocalize(tz, ms)[0]
    return _iso(ctx, name, ms)


def _two_time_points(
    ctx: FunctionContext, name: str, args: tuple[Any, ...]
) -> tuple[int, int] | None:
    """The first two date arguments (DATE_DIFF, DATE_COMPARE); None after a warning."""
    tp1 = _time_point(ctx, args[0], name)
    if tp1 is None:
        return None
    tp2 = _time_point(ctx, args[1], name)
    if tp2 is None:
        return None
    return tp1, tp2


# ----------------------------------------------------------------- components
def _iso_week(days: int) -> tuple[int, int]:
    """(ISO week-numbering year, ISO week) of a day number."""
    weekday = (days + 3) % 7 + 1  # Monday 1 .. Sunday 7
    thursday = days - weekday + 4
    year = civil_from_days(thursday)[0]
    return year, (thursday - days_from_civil(year, 1, 1)) // 7 + 1


def _week_year(days: int) -> dict[str, int]:
    year, week = _iso_week(days)
    return {"week": week, "year": year}


def _day_of_year(ms: int) -> int:
    days = ms // DAY_MS
    return days - days_from_civil(civil_from_days(days)[0], 1, 0)


_COMPONENTS: dict[str, Callable[[int], Any]] = {
    "DATE_DAYOFWEEK": lambda ms: (ms // DAY_MS + 4) % 7,
    "DATE_YEAR": lambda ms: _split(ms)[0],
    "DATE_MONTH": lambda ms: _split(ms)[1],
    "DATE_DAY": lambda ms: _split(ms)[2],
    "DATE_HOUR": lambda ms: _split(ms)[3],
    "DATE_MINUTE": lambda ms: _split(ms)[4],
    "DATE_DAYOFYEAR": _day_of_year,
    "DATE_ISOWEEK": lambda ms: _iso_week(ms // DAY_MS)[1],
    "DATE_ISOWEEKYEAR": lambda ms: _week_year(ms // DAY_MS),
    "DATE_LEAPYEAR": lambda ms: is_leap(_split(ms)[0]),
    "DATE_QUARTER": lambda ms: (_split(ms)[1] + 2) // 3,
    "DATE_DAYS_IN_MONTH": lambda ms: days_in_month(*_split(ms)[:2]),
}


def _component(name: str) -> Callable[..., Any]:
    extract = _COMPONENTS[name]

    def fn(ctx: FunctionContext, date: Any, *tz: Any) -> Any:
        ms = _time_point(ctx, date, name)
        if ms is None:
            return None
        local = _local_time(ctx, name, ms, tz, 0)
        return None if local is None else extract(local[0])

    fn.__name__ = name.lower()
    fn.__doc__ = f"{name}(date, timezone?): one calendar component of the (localized) date."
    return fn


for _name in _COMPONENTS:
    function(_name, 1, 2, family="date")(_component(_name))


@function("DATE_SECOND", 1, family="date")
def date_second(ctx: FunctionContext, date: Any) -> Any:
    ms = _time_point(ctx, date, "DATE_SECOND")
    return None if ms is None else _split(ms)[5]


@function("DATE_MILLISECOND", 1, family="date")
def date_millisecond(ctx: FunctionContext, date: Any) -> Any:
    ms = _time_point(ctx, date, "DATE_MILLISECOND")
    return None if ms is None else _split(ms)[6]


@function("DATE_NOW", 0, deterministic=False, family="date")
def date_now(ctx: FunctionContext) -> int:
    """Wall-clock milliseconds, evaluated on every call like ArangoDB's."""
    return time.time_ns() // 1_000_000


# ----------------------------------------------------------------- conversion
def _from_parameters(ctx: FunctionContext, name: str, args: tuple[Any, ...]) -> int | None:
    """DATE_TIMESTAMP/DATE_ISO8601 input: one date, or year, month, day[, h, i, s, f]."""
    if len(args) == 1:
        return _time_point(ctx, args[0], name)
    if len(args) < 3 or any(not (is_number(a) or isinstance(a, str)) for a in args):
        invalid_argument(ctx, name)
        return None
    y, m, d, *rest = (_to_int64(a) for a in args)
    rest += [0] * (4 - len(rest))
    hh, mi, ss, ff = rest
    if not 0 <= y <= 9999 or m < 0 or d < 0 or min(hh, mi, ss, ff) < 0:
        _warn_date(ctx, name)
        return None
    # date::month and date::day hold an unsigned char: larger values wrap
    days = days_from_civil(y, m & 0xFF, d & 0xFF)
    return days * DAY_MS + ((hh * 60 + mi) * 60 + ss) * 1000 + min(ff, 999)


@function("DATE_TIMESTAMP", 1, 7, family="date")
def date_timestamp(ctx: FunctionContext, *args: Any) -> int | None:
    return _from_parameters(ctx, "DATE_TIMESTAMP", args)


@function("DATE_ISO8601", 1, 7, family="date")
def date_iso8601(ctx: FunctionContext, *args: Any) -> str | None:
    ms = _from_parameters(ctx, "DATE_ISO8601", args)
    return None if ms is None else _iso(ctx, "DATE_ISO8601", ms)


# ----------------------------------------------------------------- arithmetic
def _add_months(y: int, m: int, delta: int) -> tuple[int, int]:
    index = m - 1 + delta
    return y + index // 12, index % 12 + 1


def _rebuild(y: int, m: int, d: int, day_ms: int, extra_ms: int) -> int:
    return days_from_civil(y, m, d) * DAY_MS + day_ms + extra_ms


def _add_unit(amount: float | int, unit: int, ms: int, subtract: bool) -> int | None:
    """Add ``amount`` units (fractions of years/months cascade down like ArangoDB's)."""
    days, day_ms = divmod(ms, DAY_MS)
    y, m, d = civil_from_days(days)
    if amount < 0:
        subtract, amount = not subtract, -amount
    sign = -1 if subtract else 1
    exact = isinstance(amount, int)
    delta = 0.0
    if unit in (YEAR, MONTH):
        if unit == YEAR:
            frac, whole = math.modf(amount)
            y += sign * int(whole)
            amount = frac * 12
        if unit == MONTH or not (exact or amount == 0):
            frac, whole = math.modf(amount)
            y, m = _add_months(y, m, sign * int(whole))
            if not (exact or frac == 0):
                delta = frac * 30 * DAY_MS
    elif unit in _UNIT_MS:
        delta = float(_UNIT_MS[unit]) * amount
    else:
        return None
    return _rebuild(y, m, d, day_ms, sign * int(delta))


_DURATION = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3}))?S)?)?"
)


def _add_duration(text: str, ms: int, subtract: bool) -> int | None:
    """Add an ISO 8601 duration (``P1Y2M3W4DT5H6M7.890S``); None if it does not parse."""
    match = _DURATION.fullmatch(text) if len(text) > 1 else None
    if match is None:
        return None
    yy, mm, ww, dd, hh, mi, ss = (int(g) if g else 0 for g in match.groups()[:7])
    frac = match.group(8) or ""
    sign = -1 if subtract else 1
    days, day_ms = divmod(ms, DAY_MS)
    y, m, d = civil_from_days(days)
    y, m = _add_months(y + sign * yy, m, sign * mm)
    extra = (((ww * 7 + dd) * 24 + hh) * 60 + mi) * 60000 + ss * 1000
    extra += int(frac.ljust(3, "0")) if frac else 0
    return _rebuild(y, m, d, day_ms, sign * extra)


def _date_add(ctx: FunctionContext, name: str, args: tuple[Any, ...], subtract: bool) -> Any:
    ms = _time_point(ctx, args[0], name)
    if ms is None:
        return None
    timezoned = len(args) == 4 or (len(args) == 3 and isinstance(args[1], str))
    tz = "UTC"
    if timezoned:
        given = _tz_arg(ctx, name, args[3 if len(args) == 4 else 2])
        if given is None:
            return None
        tz = given
        ms = localize(tz, ms)
    result: int | None
    if (len(args) == 3 and not timezoned) or len(args) == 4:
        amount, unit = args[1], args[2]
        if not is_number(amount) or not isinstance(unit, str):
            invalid_argument(ctx, name)
            return None
        result = _add_unit(amount, _unit(unit), ms, subtract)
    else:
        if not isinstance(args[1], str):
            invalid_argument(ctx, name)
            return None
        result = _add_duration(args[1], ms, subtract)
    if result is None:
        _warn_date(ctx, name)
        return None
    if tz != "UTC":
        result = unlocalize(tz, result)[0]
    return _iso(ctx, name, result)


@function("DATE_ADD", 2, 4, family="date")
def date_add(ctx: FunctionContext, *args: Any) -> Any:
    """DATE_ADD(date, amount, unit, tz?) or DATE_ADD(date, isoDuration, tz?)."""
    return _date_add(ctx, "DATE_ADD", args, subtract=False)


@function("DATE_SUBTRACT", 2, 4, family="date")
def date_subtract(ctx: FunctionContext, *args: Any) -> Any:
    return _date_add(ctx, "DATE_SUBTRACT", args, subtract=True)


# milliseconds per unit, as std::chrono converts (a year is 365.2425 days)
_DIFF_DIVISOR = {
    YEAR: 31556952000.0,
    MONTH: 2629746000.0,
    WEEK: 604800000.0,
    DAY: 86400000.0,
    HOUR: 3600000.0,
    MINUTE: 60000.0,
    SECOND: 1000.0,
    MILLI: 1.0,
}


def _round_half_away(x: float) -> int:
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


@function("DATE_DIFF", 3, 6, family="date")
def date_diff(ctx: FunctionContext, *args: Any) -> Any:
    """DATE_DIFF(date1, date2, unit, asFloat?, tz1?, tz2?): ``date2 - date1`` in ``unit``."""
    name = "DATE_DIFF"
    points = _two_time_points(ctx, name, args)
    if points is None:
        return None
    tp1, tp2 = points
    if not isinstance(args[2], str):
        invalid_argument(ctx, name)
        return None
    unit = _unit(args[2])
    as_float = False
    n = len(args)
    if n > 3:
        p4 = args[3]
        if isinstance(p4, bool):
            as_float = p4
        elif isinstance(p4, str):
            tp1 = localize(p4, tp1)
            if n == 4:
                tp2 = localize(p4, tp2)
        else:
            invalid_argument(ctx, name)
            return None
        if n > 4:
            p5 = _tz_arg(ctx, name, args[4])
            if p5 is None:
                return None
            if isinstance(p4, bool):
                tp1 = localize(p5, tp1)
                if n == 5:
                    tp2 = localize(p5, tp2)
            else:
                tp2 = localize(p5, tp2)
            if n == 6:
                p6 = _tz_arg(ctx, name, args[5])
                if p6 is None:
                    return None
                tp2 = localize(p6, tp2)
    if not unit:
        _warn_date(ctx, name)
        return None
    diff = (tp2 - tp1) / _DIFF_DIVISOR[unit]
    return diff if as_float else _round_half_away(diff)


@function("DATE_COMPARE", 3, 6, family="date")
def date_compare(ctx: FunctionContext, *args: Any) -> Any:
    """Compare the components from ``unitRangeStart`` down to ``unitRangeEnd``."""
    name = "DATE_COMPARE"
    points = _two_time_points(ctx, name, args)
    if points is None:
        return None
    tp1, tp2 = points
    start = _unit(args[2])
    if not start:
        invalid_argument(ctx, name)
        return None
    end = start
    n = len(args)
    if n > 3:
        end = _unit(args[3])
        tz_start = tz_end = 0
        if not end:
            end, tz_start = start, 3
            if n > 5:
                invalid_argument(ctx, name)
                return None
            tz_end = 3 if n == 4 else 4
        elif n > 4:
            tz_start = 4
            tz_end = 4 if n == 5 else 5
        if tz_start:
            zone1 = _tz_arg(ctx, name, args[tz_start])
            if zone1 is None:
                return None
            tp1 = localize(zone1, tp1)
            zone2 = zone1 if tz_end == tz_start else _tz_arg(ctx, name, args[tz_end])
            if zone2 is None:
                return None
            tp2 = localize(zone2, tp2)
    if start == WEEK:
        return True
    parts1, parts2 = _split(tp1), _split(tp2)
    # components in descending order with the unit flag that selects each one
    order = ((YEAR, 0), (MONTH, 1), (DAY, 2), (HOUR, 3), (MINUTE, 4), (SECOND, 5), (MILLI, 6))
    for flag, index in order:
        if flag > start:
            continue
        if flag != YEAR and end > flag:
            break
        if parts1[index] != parts2[index]:
            return False
    return True


@function("DATE_ROUND", 3, 4, family="date")
def date_round(ctx: FunctionContext, *args: Any) -> Any:
    """Bin a date into buckets of ``amount`` units (units are case-sensitive here)."""
    name = "DATE_ROUND"
    ms = _time_point(ctx, args[0], name)
    if ms is None:
        return None
    amount, unit = args[1], args[2]
    if not is_number(amount) or not isinstance(unit, str):
        invalid_argument(ctx, name)
        return None
    local = _local_time(ctx, name, ms, args, 3)
    if local is None:
        return None
    ms, tz = local
    count = _to_int64(amount)
    factor = _ROUND_UNIT_MS.get(unit)
    if count <= 0 or factor is None:
        invalid_argument(ctx, name)
        return None
    step = factor * count
    bucket = abs(ms) // step * step  # C++ integer division truncates toward zero
    return _utc_iso(ctx, name, bucket if ms >= 0 else -bucket, tz)


@function("DATE_TRUNC", 2, 3, family="date")
def date_trunc(ctx: FunctionContext, *args: Any) -> Any:
    """Truncate to the start of the given unit (weeks are not a unit here)."""
    name = "DATE_TRUNC"
    parsed = _date_text_zone(ctx, name, args)
    if parsed is None:
        return None
    ms, text, tz = parsed
    unit = _unit(text)
    days, day_ms = divmod(ms, DAY_MS)
    y, m, d = civil_from_days(days)
    if unit == YEAR:
        m = d = 1
        day_ms = 0
    elif unit == MONTH:
        d = 1
        day_ms = 0
    elif unit in (DAY, HOUR, MINUTE, SECOND):
        day_ms -= day_ms % _UNIT_MS[unit]
    elif unit != MILLI:
        _warn_date(ctx, name)
        return None
    return _utc_iso(ctx, name, _rebuild(y, m, d, day_ms, 0), tz)


# ----------------------------------------------------------------- DATE_FORMAT
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def _fmt_yyyyyy(y: int) -> str:
    if y < 0:
        return f"-{-y:06d}"
    return str(y) if y > 99999 else f"+{y:06d}"


def _fmt_yyyy(y: int) -> str:
    # ArangoDB pads with "< 9 / < 99 / < 999" thresholds: year 9 prints "009"
    if y < 0:
        return f"-{-y:04d}"
    if y < 9:
        return f"000{y}"
    if y < 99:
        return f"00{y}"
    if y < 999:
        return f"0{y}"
    return str(y)[-4:]


def _fmt_yy(y: int) -> str:
    return f"0{abs(y)}" if -10 < y < 10 else str(abs(y))[-2:]


def _fmt_z(ms: int) -> str:
    y, m, d, hh, mi, ss, ff = _split(ms)
    return f"{_year4(y)}-{m:02d}-{d:02d}T{hh:02d}:{mi:02d}:{ss:02d}.{ff:03d}Z"


# placeholders in the order ArangoDB's regex alternation tries them (first match wins)
_PLACEHOLDERS: tuple[tuple[str, Callable[[int], str]], ...] = (
    ("%&", lambda ms: ""),
    ("%yyyyyy", lambda ms: _fmt_yyyyyy(_split(ms)[0])),
    ("%mmmm", lambda ms: _MONTHS[_split(ms)[1] - 1]),
    ("%yyyy", lambda ms: _fmt_yyyy(_split(ms)[0])),
    ("%wwww", lambda ms: _WEEKDAYS[(ms // DAY_MS + 4) % 7]),
    ("%mmm", lambda ms: _MONTHS[_split(ms)[1] - 1][:3]),
    ("%www", lambda ms: _WEEKDAYS[(ms // DAY_MS + 4) % 7][:3]),
    ("%fff", lambda ms: f"{ms % 1000:03d}"),
    ("%xxx", lambda ms: f"{_day_of_year(ms):03d}"),
    ("%yy", lambda ms: _fmt_yy(_split(ms)[0])),
    ("%mm", lambda ms: f"{_split(ms)[1]:02d}"),
    ("%dd", lambda ms: f"{_split(ms)[2]:02d}"),
    ("%hh", lambda ms: f"{_split(ms)[3]:02d}"),
    ("%ii", lambda ms: f"{_split(ms)[4]:02d}"),
    ("%ss", lambda ms: f"{_split(ms)[5]:02d}"),
    ("%kk", lambda ms: f"{_iso_week(ms // DAY_MS)[1]:02d}"),
    ("%t", str),
    ("%z", _fmt_z),
    ("%w", lambda ms: str((ms // DAY_MS + 4) % 7)),
    ("%y", lambda ms: str(_split(ms)[0])),
    ("%m", lambda ms: str(_split(ms)[1])),
    ("%d", lambda ms: str(_split(ms)[2])),
    ("%h", lambda ms: str(_split(ms)[3])),
    ("%i", lambda ms: str(_split(ms)[4])),
    ("%s", lambda ms: str(_split(ms)[5])),
    ("%f", lambda ms: str(ms % 1000)),
    ("%x", lambda ms: str(_day_of_year(ms))),
    ("%k", lambda ms: str(_iso_week(ms // DAY_MS)[1])),
    ("%l", lambda ms: "1" if is_leap(_split(ms)[0]) else "0"),
    ("%q", lambda ms: str((_split(ms)[1] + 2) // 3)),
    ("%a", lambda ms: str(days_in_month(*_split(ms)[:2]))),
    ("%%", lambda ms: "%"),
    ("%", lambda ms: ""),
)


def format_date(fmt: str, ms: int) -> str:
    """Expand DATE_FORMAT placeholders (case-sensitive, as ArangoDB's regex is)."""
    out: list[str] = []
    i = 0
    while i < len(fmt):
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        for token, render in _PLACEHOLDERS:
            if fmt.startswith(token, j):
                out.append(render(ms))
                i = j + len(token)
                break
    return "".join(out)


@function("DATE_FORMAT", 2, 3, family="date")
def date_format(ctx: FunctionContext, *args: Any) -> Any:
    parsed = _date_text_zone(ctx, "DATE_FORMAT", args)
    return None if parsed is None else format_date(parsed[1], parsed[0])


# ----------------------------------------------------------------- time zones
def _zone_info(period: Period) -> dict[str, Any]:
    def edge(secs: int | None) -> str | None:
        return None if secs is None else _iso(None, "", secs * 1000)

    return {
        "name": period.abbrev,
        "begin": edge(period.begin),
        "end": edge(period.end),
        "dst": period.dst,
        "offset": period.offset,
    }


def _conversion_args(ctx: FunctionContext, name: str, args: tuple[Any, ...]) -> Any:
    """(time point, zone name, detail flag) for DATE_UTCTOLOCAL/DATE_LOCALTOUTC, or None."""
    ms = _time_point(ctx, args[0], name)
    if ms is None:
        return None
    tz = _tz_arg(ctx, name, args[1])
    if tz is None:
        return None
    detail = False
    if len(args) == 3:
        if not isinstance(args[2], bool):
            invalid_argument(ctx, name)
            return None
        detail = args[2]
    return ms, tz, detail


@function("DATE_UTCTOLOCAL", 2, 3, family="date")
def date_utctolocal(ctx: FunctionContext, *args: Any) -> Any:
    """UTC -> local wall-clock string (no ``Z`` unless the zone is UTC right then)."""
    name = "DATE_UTCTOLOCAL"
    parsed = _conversion_args(ctx, name, args)
    if parsed is None:
        return None
    ms, tz, detail = parsed
    period = load_zone(tz).info(ms // 1000)
    local = _iso(ctx, name, ms + period.offset * 1000, period.offset == 0 and not period.dst)
    if not detail:
        return local
    return {"local": local, "tzdb": tzdb_version(), "zoneInfo": _zone_info(period)}


@function("DATE_LOCALTOUTC", 2, 3, family="date")
def date_localtoutc(ctx: FunctionContext, *args: Any) -> Any:
    """Local wall-clock time in ``timezone`` -> UTC string."""
    name = "DATE_LOCALTOUTC"
    parsed = _conversion_args(ctx, name, args)
    if parsed is None:
        return None
    ms, tz, detail = parsed
    utc_ms, period = unlocalize(tz, ms)
    utc = _iso(ctx, name, utc_ms)
    if not detail:
        return utc
    return {"utc": utc, "tzdb": tzdb_version(), "zoneInfo": _zone_info(period)}


@function("DATE_TIMEZONE", 0, family="date")
def date_timezone(ctx: FunctionContext) -> str:
    return system_zone_name()


@function("DATE_TIMEZONES", 0, family="date")
def date_timezones(ctx: FunctionContext) -> list[str]:
    """Every zone name, then every link name, as ArangoDB's tz database lists them."""
    return zone_names()
