"""ArangoDB's error catalogue and the one exception every handler raises.

A handler raises :class:`ArangoError`; the dispatcher turns it into ArangoDB's error body
(``code``, ``error``, ``errorMessage``, ``errorNum``, in that order) with the HTTP status.
"""

from __future__ import annotations

from typing import Any

from ._catalog import CATALOG

__all__ = ["CATALOG", "ArangoError", "error_body", "message_for"]

# Default HTTP status for the error numbers handlers raise most; anything else must pass
# its status explicitly (ArangoDB decides the status per handler, not per error number).
DEFAULT_STATUS: dict[int, int] = {
    4: 500,
    9: 501,
    10: 400,
    11: 403,
    17: 400,
    400: 400,
    401: 401,
    403: 403,
    404: 404,
    405: 405,
    409: 409,
    412: 412,
    501: 501,
    503: 503,
    600: 400,
    1200: 409,
    1202: 404,
    1203: 404,
    1205: 400,
    1207: 409,
    1208: 400,
    1210: 409,
    1212: 404,
    1214: 400,
    1216: 400,
    1218: 400,
    1221: 400,
    1222: 400,
    1226: 400,
    1227: 400,
    1228: 404,
    1229: 400,
    1230: 403,
    1232: 400,
    1233: 400,
    1239: 400,
    1501: 400,
    1502: 400,
    1503: 400,
    1504: 400,
    1510: 400,
    1521: 400,
    1522: 400,
    1540: 400,
    1541: 400,
    1542: 400,
    1543: 400,
    1550: 400,
    1551: 400,
    1552: 400,
    1553: 400,
    1562: 400,
    1563: 400,
    1569: 400,
    1570: 400,
    1571: 400,
    1572: 400,
    1573: 400,
    1574: 400,
    1575: 400,
    1577: 400,
    1578: 400,
    1579: 400,
    1580: 400,
    1600: 404,
    1620: 400,
    1621: 400,
    1650: 400,
    1651: 400,
    1652: 400,
    1653: 409,
    1654: 400,
    1655: 404,
    1700: 400,
    1702: 404,
    1703: 404,
    1704: 404,
    1705: 400,
}


def message_for(num: int, *args: object) -> str:
    """ArangoDB's message for ``num``, with ``%s``/``%d`` placeholders filled from ``args``."""
    template = CATALOG.get(num, ("", "unknown error"))[1]
    if args:
        try:
            return template % args
        except TypeError:
            return template
    return template


class ArangoError(Exception):
    """An ArangoDB error: number, HTTP status and message, plus optional extra body fields.

    ``message`` defaults to the catalogue's text for ``num``. ``extra`` fields are appended
    to the error body (ArangoDB adds ``_id``/``_key``/``_rev`` to precondition failures).
    """

    def __init__(
        self,
        num: int,
        message: str | None = None,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.num = num
        self.message = message if message is not None else message_for(num)
        self.status = status if status is not None else DEFAULT_STATUS.get(num, 400)
        self.extra = extra
        self.headers = headers
        super().__init__(f"[{self.status}/{num}] {self.message}")

    def body(self) -> dict[str, Any]:
        """The JSON body ArangoDB sends for this error."""
        return error_body(self.status, self.num, self.message, self.extra)


def error_body(
    status: int, num: int, message: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """ArangoDB's error body with its field order."""
    body: dict[str, Any] = {"code": status, "error": True, "errorMessage": message, "errorNum": num}
    if extra:
        body.update(extra)
    return body
