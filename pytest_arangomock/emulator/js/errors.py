"""How errors cross the JavaScript boundary, in both directions, the way ArangoDB maps them.

A script's uncaught exception is described by the prelude (kind, ``errorNum``, ``name``,
``message``, ``stack``) and turned into an :class:`ArangoError` by ArangoDB's rules for V8
exceptions: an object with ``errorNum`` keeps its number and message, a ``TypeError`` becomes
error 17, any other ``Error`` becomes ``<name>: <message>`` under the caller's default number,
and a thrown string or value becomes that default number with its text. The HTTP status
follows ArangoDB's table from error number to response code.
"""

from __future__ import annotations

from typing import Any

from ...base.errors import ArangoError

__all__ = ["UNAVAILABLE", "from_script", "response_code", "unavailable"]

# error numbers by the HTTP status ArangoDB answers for them (GeneralResponse::responseCode);
# anything else is 500
_BY_STATUS: dict[int, tuple[int, ...]] = {
    400: (10, 17, 600, 1205, 1208, 1213, 1214, 1216, 1218, 1220, 1221, 1222, 1226, 1227,
          1229, 1232, 1233, 1235, 1237, 1410, 1411, 1413, 1450, 1466, 1468, 1469, 1501,
          1502, 1504, 1510, 1511, 1512, 1522, 1540, 1541, 1542, 1543, 1550, 1551, 1552,
          1553, 1561, 1562, 1563, 1569, 1572, 1573, 1575, 1578, 1579, 1580, 1581, 1620,
          1621, 1651, 1652, 1653, 1700, 1850, 1901, 1906, 1920, 1921, 1922, 1923, 1927,
          1928, 1929, 1935, 1936, 1938, 1939),
    403: (11, 1004, 1230),
    404: (404, 1202, 1203, 1212, 1228, 1238, 1570, 1571, 1582, 1591, 1600, 1655, 1703,
          1852, 1924, 1926, 1930, 1932),
    409: (1200, 1207, 1210, 1601, 1702, 1851, 1925),
    410: (21, 1500, 1654),
    412: (412,),
    501: (9, 31, 501, 1470, 1471, 1477),
    503: (30, 1465, 1478, 1491, 1495, 1496),
}  # fmt: skip
_STATUS: dict[int, int] = {num: status for status, nums in _BY_STATUS.items() for num in nums}


def response_code(num: int) -> int:
    """The HTTP status ArangoDB sends for error ``num`` (``GeneralResponse::responseCode``)."""
    return _STATUS.get(num, 500)


def from_script(desc: dict[str, Any], default: int, unknown: str | None = None) -> ArangoError:
    """ArangoDB's error for a script's uncaught exception ``desc``.

    ``default`` is the number the caller uses for errors without one (transactions: 1650);
    ``unknown`` is the message for a thrown object that is neither an ArangoError nor an
    ``Error`` (None: the value's text).
    """
    kind = desc.get("kind")
    message = str(desc.get("message", ""))
    if kind != "object":
        return ArangoError(default, message, response_code(default))
    num = desc.get("errorNum")
    if isinstance(num, int) and ("errorMessage" in desc or "message" in desc):
        text = desc.get("errorMessage", message)
        return ArangoError(num, str(text), response_code(num))
    if "name" in desc and "message" in desc:
        name = str(desc["name"])
        if name == "TypeError":
            return ArangoError(17, message, response_code(17))
        number = num if isinstance(num, int) else default
        return ArangoError(number, f"{name}: {message}", response_code(number))
    text = unknown if unknown is not None else str(desc.get("text", message))
    return ArangoError(default, text, response_code(default))


UNAVAILABLE = (
    "JavaScript is not available: install the optional extra pytest-arangomock[js] "
    "(the quickjs package) to run server-side JavaScript"
)


def unavailable() -> ArangoError:
    """501 for a JavaScript route on an installation without the ``js`` extra."""
    return ArangoError(9, UNAVAILABLE, 501)
