"""AQL date functions, called through the function registry with a recording context."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock.aql.functions.date import is_date_string, parse_date, parse_date_ms
from pytest_arangomock.base.errors import ArangoError

from .conftest import REGISTRY, RecordingContext, call, ok


# ----------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    "text",
    [
        "2014-05-07T14:19:09.522",
        "2014-05-07T14:19:09.522Z",
        "2014-05-07 14:19:09.522",
        "2014-05-07 14:19:09.522Z",
        "  2014-05-07T16:19:09.522+02:00  ",
        "2014-05-07T12:49:09.522-01:30",
    ],
)
def test_equivalent_date_strings(text: str) -> None:
    assert ok("DATE_TIMESTAMP", text) == 1399472349522


@pytest.mark.parametrize(
    "text",
    ["2015", "2015-10", "2015-2-3Z", "2015-02-31", "0000-01-01", "9999-12-31T23:59:59.999Z"],
)
def test_accepted_partial_and_rolling_dates(text: str) -> None:
    assert is_date_string(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "foo",
        "2015-13-01",
        "2015-01-32",
        "10000-01-01",
        "-0001-01-01",
        "2015-01-01T123:00",
        "2015-01-01 25:00",
        "2015-01-01T10:00:00+1",
        "2015-01-01foo",
        "0000-01-01T00:00:00+01:00",
    ],
)
def test_rejected_date_strings(text: str) -> None:
    assert parse_date_ms(text) is None
    assert not is_date_string(text)
    result, warnings = call("DATE_YEAR", text)
    assert (result, warnings) == (None, [1572])


def test_parse_date_returns_aware_datetime() -> None:
    when = parse_date("2014-05-07T14:19:09.522Z")
    assert when is not None and when.isoformat() == "2014-05-07T14:19:09.522000+00:00"
    assert parse_date("0000-06-01") is None  # year 0 is valid in AQL, not in Python
    assert parse_date(True) is None


def test_day_overflow_rolls_into_next_month() -> None:
    assert ok("DATE_ISO8601", "2015-02-31") == "2015-03-03T00:00:00.000Z"
    assert ok("DATE_TIMESTAMP", 2016, 2, 32) == ok("DATE_TIMESTAMP", "2016-03-03")
    assert ok("DATE_TIMESTAMP", 1970, 1, 1, 26) == 26 * 3600 * 1000


def test_timestamp_range_limits() -> None:
    assert ok("DATE_ISO8601", -62167219200000) == "0000-01-01T00:00:00.000Z"
    assert ok("DATE_ISO8601", 253402300799999) == "9999-12-31T23:59:59.999Z"
    for bad in (-62167219200001, 253402300800000):
        assert call("DATE_ISO8601", bad) == (None, [1572])


def test_invalid_argument_types_warn_1542() -> None:
    for bad in (None, True, [], {}):
        result, warnings = call("DATE_DAYOFWEEK", bad)
        assert (result, warnings) == (None, [1542])
    ctx = RecordingContext()
    REGISTRY["DATE_MONTH"].fn(ctx, "x")
    assert ctx.warnings == [(1572, "in function 'DATE_MONTH()': invalid date value")]


def test_components_from_separate_arguments() -> None:
    assert ok("DATE_ISO8601", 2014, 5, 7, 14, 19, 9, 522) == "2014-05-07T14:19:09.522Z"
    assert ok("DATE_ISO8601", 2014, 5, 7, 14, 19, 9, 5220) == "2014-05-07T14:19:09.999Z"
    assert call("DATE_TIMESTAMP", 2016, 12, -1) == (None, [1572])
    assert call("DATE_TIMESTAMP", 10000, 1, 1) == (None, [1572])
    assert call("DATE_TIMESTAMP", 2016, 12) == (None, [1542])
    assert call("DATE_TIMESTAMP", 2016, True, 1) == (None, [1542])


# ----------------------------------------------------------------- components
def test_calendar_components() -> None:
    date = "2020-08-29T16:30:05.123"
    assert ok("DATE_DAYOFWEEK", date) == 6  # a Saturday
    assert ok("DATE_DAYOFWEEK", 0) == 4  # the epoch was a Thursday
    assert [ok(f"DATE_{p}", date) for p in ("YEAR", "MONTH", "DAY", "HOUR", "MINUTE")] == [
        2020,
        8,
        29,
        16,
        30,
    ]
    assert ok("DATE_SECOND", date) == 5
    assert ok("DATE_MILLISECOND", date) == 123
    assert ok("DATE_DAYOFYEAR", "2020-12-31") == 366
    assert ok("DATE_QUARTER", "2020-08-29") == 3
    assert ok("DATE_LEAPYEAR", "2000-06-01") is True
    assert ok("DATE_LEAPYEAR", "1900-06-01") is False
    assert [ok("DATE_DAYS_IN_MONTH", d) for d in ("2021-02-01", "2024-02-10", "2020-04-30")] == [
        28,
        29,
        30,
    ]


def test_iso_weeks_at_year_boundaries() -> None:
    assert ok("DATE_ISOWEEK", "2021-01-03") == 53
    assert ok("DATE_ISOWEEKYEAR", "2019-12-30") == {"week": 1, "year": 2020}
    assert list(ok("DATE_ISOWEEKYEAR", "2021-01-03")) == ["week", "year"]


def test_components_in_a_timezone() -> None:
    utc_new_year_eve = "2023-12-31T23:00:00.000Z"
    assert ok("DATE_YEAR", utc_new_year_eve) == 2023
    assert ok("DATE_YEAR", utc_new_year_eve, "Europe/Berlin") == 2024
    assert ok("DATE_MINUTE", utc_new_year_eve, "Asia/Kathmandu") == 45
    assert call("DATE_HOUR", utc_new_year_eve, 1) == (None, [1542])


def test_unknown_timezone_fails_the_query() -> None:
    with pytest.raises(ArangoError) as exc:
        call("DATE_DAY", 0, "Mars/Olympus_Mons")
    assert exc.value.num == 4
    assert "Mars/Olympus_Mons not found in timezone database" in str(exc.value)


# ----------------------------------------------------------------- arithmetic
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("2000-04-29", 2, "days"), "2000-05-01T00:00:00.000Z"),
        (("2015-04-01", 5, "years"), "2020-04-01T00:00:00.000Z"),
        (("2015-04-01", 61, "months"), "2020-05-01T00:00:00.000Z"),
        (("2015-02-22", 1, "w"), "2015-03-01T00:00:00.000Z"),
        (("2012-02-12 23:59:59.991", 9, "f"), "2012-02-13T00:00:00.000Z"),
        (("2016-01-01", -1, "day"), "2015-12-31T00:00:00.000Z"),
        (("2000-01-01", 1.5, "days"), "2000-01-02T12:00:00.000Z"),
        (("2000-01-01", "PT30M44.4S"), "2000-01-01T00:30:44.400Z"),
        (("2000-01-01", "P1Y2M3W4DT5H6M7.89S"), "2001-03-26T05:06:07.890Z"),
        (("2000-01-01", "PT0.01S"), "2000-01-01T00:00:00.010Z"),
    ],
)
def test_date_add(args: tuple[Any, ...], expected: str) -> None:
    assert ok("DATE_ADD", *args) == expected


def test_month_arithmetic_keeps_the_day_and_rolls_over() -> None:
    assert ok("DATE_ADD", "2023-01-31", 1, "month") == "2023-03-03T00:00:00.000Z"
    assert ok("DATE_SUBTRACT", "2101-03-31", 3, "months") == "2100-12-31T00:00:00.000Z"


def test_date_subtract_mirrors_add() -> None:
    assert ok("DATE_SUBTRACT", "2001-01-01", "P1D") == "2000-12-31T00:00:00.000Z"
    assert ok("DATE_SUBTRACT", "2012-02-12 13:34:12Z", 0.5, "d") == "2012-02-12T01:34:12.000Z"
    assert ok("DATE_SUBTRACT", "2000-01-01", -1, "day") == "2000-01-02T00:00:00.000Z"


def test_date_add_invalid_input() -> None:
    assert call("DATE_ADD", "2000-01-01", 1, "sugar") == (None, [1572])
    assert call("DATE_ADD", "2000-01-01", "-P1Y") == (None, [1572])
    assert call("DATE_ADD", "2000-01-01", "P") == (None, [1572])
    assert call("DATE_ADD", "2000-01-01", 1) == (None, [1542])
    assert call("DATE_ADD", "2000-01-01", 1, 1) == (None, [1542])
    assert call("DATE_ADD", "2000-01-01", None, "year") == (None, [1542])
    assert call("DATE_ADD", "9999-12-31T23:59:59", 1, "second") == (None, [1572])
    assert call("DATE_SUBTRACT", "0000-01-01", 1, "day") == (None, [1572])


def test_date_add_across_daylight_saving() -> None:
    start = "2023-03-25T23:00:00.000Z"  # midnight in Berlin, the night clocks go forward
    assert ok("DATE_ADD", start, 1, "day") == "2023-03-26T23:00:00.000Z"
    assert ok("DATE_ADD", start, 1, "day", "Europe/Berlin") == "2023-03-26T22:00:00.000Z"
    assert ok("DATE_ADD", start, "P1D", "Europe/Berlin") == "2023-03-26T22:00:00.000Z"


def test_date_diff() -> None:
    assert ok("DATE_DIFF", "2023-12-01", "2024-04-01", "days") == 122
    assert ok("DATE_DIFF", "2024-04-01", "2023-12-01", "d") == -122
    assert ok("DATE_DIFF", "2000-01-01", "2000-01-01T18:00:00", "days", True) == 0.75
    assert ok("DATE_DIFF", "2000-01-01", "2000-01-01T18:00:00", "days") == 1
    assert ok("DATE_DIFF", "2000-01-01", "2000-01-15", "weeks", True) == 2.0
    assert call("DATE_DIFF", "2000-01-01", "2000-01-02", "fortnight") == (None, [1572])
    assert call("DATE_DIFF", "2000-01-01", "2000-01-02", "d", 1) == (None, [1542])
    # one calendar day in Berlin across the spring change is only 23 hours
    span = ("2023-03-25T23:00:00.000Z", "2023-03-26T23:00:00.000Z", "hours")
    assert ok("DATE_DIFF", *span) == 24
    assert ok("DATE_DIFF", *span, "Europe/Berlin") == 25


def test_date_diff_between_two_zones() -> None:
    date = "2024-01-01T00:00:00.000Z"
    diff = ok("DATE_DIFF", date, date, "hours", True, "Asia/Kathmandu", "America/Los_Angeles")
    assert diff == -(5.75 + 8)


def test_date_compare() -> None:
    assert ok("DATE_COMPARE", "2001-01-01T15:30:45.678Z", "2001-01-01T08:08:08.008Z", "y", "d")
    assert not ok("DATE_COMPARE", "2001-01-01T15:30:45Z", "2001-01-01T08:30:45Z", "y", "h")
    assert ok("DATE_COMPARE", "1985-04-04", "2020-04-04T10:00:00", "months", "days")
    assert ok("DATE_COMPARE", "2020-04-04", "2020-05-04", "days")
    assert call("DATE_COMPARE", "2020-04-04", "2020-05-04", "eons") == (None, [1542])
    a, b = "2023-04-01T09:00:00.000Z", "2024-04-01T18:00:00.000Z"
    assert not ok("DATE_COMPARE", a, b, "hour", "minute")
    assert ok("DATE_COMPARE", a, b, "hour", "minute", "Europe/Berlin", "America/Los_Angeles")


def test_date_trunc_and_round() -> None:
    assert ok("DATE_TRUNC", "2017-02-03", "month") == "2017-02-01T00:00:00.000Z"
    assert ok("DATE_TRUNC", "2017-02-03 04:05:06", "HOURS") == "2017-02-03T04:00:00.000Z"
    assert ok("DATE_TRUNC", "2023-03-25 23:00:00", "day", "Europe/Berlin") == (
        "2023-03-25T23:00:00.000Z"
    )
    assert call("DATE_TRUNC", "2017-02-03", "week") == (None, [1572])
    assert ok("DATE_ROUND", "2000-04-10T11:39:29Z", 15, "minutes") == "2000-04-10T11:30:00.000Z"
    assert ok("DATE_ROUND", "2023-03-25T23:55:55.555Z", 1, "day", "Europe/Berlin") == (
        "2023-03-25T23:00:00.000Z"
    )
    for amount, unit in ((0, "day"), (-1, "day"), ("x", "day"), (15, "pork")):
        assert call("DATE_ROUND", "2000-04-10T11:39:29Z", amount, unit) == (None, [1542])


# ----------------------------------------------------------------- DATE_FORMAT
@pytest.mark.parametrize(
    ("date", "fmt", "expected"),
    [
        ("2015-09-18T15:30:49.374Z", "%dd.%mm.%yyyy %hh:%ii:%ss,%fff", "18.09.2015 15:30:49,374"),
        ("1969", "Summer of '%yy", "Summer of '69"),
        ("2016", "%%l = %l", "%l = 1"),
        ("2016-03-01", "%xxx%", "061"),
        ("2012-01-01", "%mmm %mmmm %www %wwww", "Jan January Sun Sunday"),
        ("2012-03-06", "%m%&month", "3month"),
        ("2012-03-06", "%q/%yyyy %a %k %kk %w", "1/2012 31 10 10 2"),
        ("0002-12-29", "%y|%yyyy|%yy|%yyyyyy", "2|0002|02|+000002"),
        ("1970-01-01T00:00:01.005Z", "%t %z %f %s", "1005 1970-01-01T00:00:01.005Z 5 1"),
    ],
)
def test_date_format(date: str, fmt: str, expected: str) -> None:
    assert ok("DATE_FORMAT", date, fmt) == expected


def test_date_format_in_a_timezone() -> None:
    assert ok("DATE_FORMAT", "2023-03-25T23:00:00.000Z", "%w", "Europe/Berlin") == "0"
    assert call("DATE_FORMAT", {}, {}) == (None, [1542])


# ----------------------------------------------------------------- time zones
def test_utc_to_local_and_back() -> None:
    assert ok("DATE_UTCTOLOCAL", "2020-03-15T00:00:00.000", "Europe/Berlin") == (
        "2020-03-15T01:00:00.000"
    )
    assert ok("DATE_UTCTOLOCAL", "2020-03-15T00:00:00.000", "UTC") == "2020-03-15T00:00:00.000Z"
    assert ok("DATE_UTCTOLOCAL", "2020-07-01T12:00:00Z", "America/New_York") == (
        "2020-07-01T08:00:00.000"
    )
    assert ok("DATE_LOCALTOUTC", "2020-03-15T00:00:00.000", "Asia/Shanghai") == (
        "2020-03-14T16:00:00.000Z"
    )
    assert ok("DATE_LOCALTOUTC", 0, "Etc/GMT+6") == "1970-01-01T06:00:00.000Z"
    assert call("DATE_UTCTOLOCAL", 0, "UTC", "yes") == (None, [1542])


def test_zone_info_details() -> None:
    detail = ok("DATE_UTCTOLOCAL", "2021-07-01T12:00:00Z", "Europe/Berlin", True)
    assert list(detail) == ["local", "tzdb", "zoneInfo"]
    assert detail["local"] == "2021-07-01T14:00:00.000"
    assert detail["zoneInfo"] == {
        "name": "CEST",
        "begin": "2021-03-28T01:00:00.000Z",
        "end": "2021-10-31T01:00:00.000Z",
        "dst": True,
        "offset": 7200,
    }
    utc = ok("DATE_LOCALTOUTC", "2021-03-16T12:00:00.000", "Africa/Lagos", True)
    assert list(utc) == ["utc", "tzdb", "zoneInfo"]
    assert utc["utc"] == "2021-03-16T11:00:00.000Z"
    assert utc["zoneInfo"]["end"] is None and utc["zoneInfo"]["offset"] == 3600
    # far in the future the zone's POSIX rule decides
    future = ok("DATE_UTCTOLOCAL", "2090-01-15T00:00:00Z", "America/New_York", True)
    assert future["zoneInfo"]["name"] == "EST"
    assert future["zoneInfo"]["begin"].startswith("2089-11-")


def test_nonexistent_and_ambiguous_local_times_fail() -> None:
    with pytest.raises(ArangoError) as gap:
        call("DATE_LOCALTOUTC", "2023-03-26T02:30:00", "Europe/Berlin")
    assert "is in a gap between" in str(gap.value)
    with pytest.raises(ArangoError) as fold:
        call("DATE_LOCALTOUTC", "2023-10-29T02:30:00", "Europe/Berlin")
    assert "is ambiguous" in str(fold.value)


def test_timezone_listing() -> None:
    names = ok("DATE_TIMEZONES")
    assert "Europe/Berlin" in names and "America/Los_Angeles" in names
    assert len(names) == len(set(names)) > 300
    assert ok("DATE_TIMEZONE") in names


def test_date_now_is_current() -> None:
    import time

    now = ok("DATE_NOW")
    assert isinstance(now, int) and abs(now - time.time() * 1000) < 5000
    assert REGISTRY["DATE_NOW"].deterministic is False
