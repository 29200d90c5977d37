"""Per-request context handed to handlers: the request, its database, user and helpers."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from ..aql.limits import deep_stack
from ..backend import BackendRequest, BackendResponse
from ..base.errors import ArangoError
from ..base.jsontext import compact
from . import auth as _auth

if TYPE_CHECKING:
    from ..state import Database, Server

_TRUE = frozenset(("true", "1", "yes", "on", "y"))
# what drivers send for a boolean parameter, read without stripping and folding case
_FLAG_TEXT = {"true": True, "false": False, "1": True, "0": False}
JSON_TYPE = "application/json; charset=utf-8"


def dumps(value: Any) -> bytes:
    """``value`` as ArangoDB encodes JSON (:func:`base.jsontext.compact`); a value nested
    deeper than Python's default recursion limit is encoded with more stack, one deeper
    than AQL can build answers 1524."""
    try:
        return compact(value)
    except RecursionError:
        with deep_stack():
            return compact(value)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> BackendResponse:
    hdrs = {"content-type": JSON_TYPE}
    if headers:
        hdrs.update(headers)
    return BackendResponse(status, hdrs, dumps(body))


def vpack_error_message(exc: json.JSONDecodeError, text: str) -> str:
    """Approximate the velocypack parser's message for malformed JSON."""
    if not text.strip():
        return "VPackError error: Expecting digit"
    msg = exc.msg
    if msg.startswith("Expecting property name"):
        return "VPackError error: Expecting '\"' or '}'"
    if msg.startswith("Expecting ',' delimiter") or msg.startswith("Expecting ':' delimiter"):
        return "VPackError error: Expecting ',' or '}'"
    if msg.startswith("Extra data"):
        return "VPackError error: Expecting EOF"
    if msg.startswith("Unterminated string"):
        return "VPackError error: Unexpected end of input"
    return "VPackError error: Expecting digit"


# ArangoDB's HTTP layer refuses bodies over 1 GiB (413); nesting is bounded so that the
# emulator's recursive code (AQL values, merges, encoders) never exceeds Python's stack
MAX_BODY_SIZE = 1024 * 1024 * 1024
MAX_NESTING = 200


def nesting_depth(value: Any) -> int:
    """How deeply arrays/objects nest in ``value`` (iterative: safe on any input)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        if children:
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
        elif isinstance(item, dict | list):
            deepest = max(deepest, depth)
    return deepest


def reject_constant(name: str) -> Any:
    """JSON has no NaN/Infinity (Python's parser would accept them; velocypack does not)."""
    raise json.JSONDecodeError(f"invalid constant {name}", name, 0)


class NumberOutOfRange(ValueError):
    """A JSON number velocypack cannot hold: beyond the range of a double."""


#: what ArangoDB answers for such a number in a request body (velocypack's
#: ``Exception::NumberOutOfRange`` under the handler's "VPackError error: " prefix)
NUMBER_OUT_OF_RANGE = "VPackError error: Number out of range"
_INT64_MIN = -(1 << 63)
_UINT64_END = 1 << 64
# 10**309 exceeds the largest double: an integer with more digits never fits
_DOUBLE_DIGITS = 309


def parse_json_int(text: str) -> int | float:
    """An integer as velocypack's parser keeps it: exact from -2**63 to 2**64-1, a double
    beyond that, out of range past the largest double."""
    if len(text) - (text[0] == "-") > _DOUBLE_DIGITS:
        raise NumberOutOfRange(text)
    value = int(text)
    if _INT64_MIN <= value < _UINT64_END:
        return value
    try:
        return float(value)
    except OverflowError:
        raise NumberOutOfRange(text) from None


def parse_json_float(text: str) -> float:
    """A number with a fraction or exponent: a double, out of range if it overflows one
    (underflow gives 0, as ``atof`` does)."""
    value = float(text)
    if value in (math.inf, -math.inf):
        raise NumberOutOfRange(text)
    return value


# the standard library's decoder, strict as velocypack's parser: no NaN/Infinity, numbers
# that fit (it calls Python for every number). It answers what orjson refuses.
_CHECKING = json.JSONDecoder(
    parse_constant=reject_constant, parse_int=parse_json_int, parse_float=parse_json_float
)


def _decoder(decoder: json.JSONDecoder) -> Callable[[str], Any]:
    """``decoder.decode``, first as ``raw_decode`` of the whole text: a body a driver sent
    has no whitespace around its value, which spares ``decode`` its two whitespace scans;
    any other text (or an error) is left to ``decode`` itself, with its own messages."""
    raw_decode, decode = decoder.raw_decode, decoder.decode

    def parse(text: str) -> Any:
        try:
            value, end = raw_decode(text)
        except ValueError:
            return decode(text)
        return value if end == len(text) else decode(text)

    return parse


_DECODE = _decoder(_CHECKING)


def parse_json(data: str | bytes) -> Any:
    """``data`` (text, or its UTF-8 bytes) parsed as ArangoDB parses a JSON body; raises
    ``json.JSONDecodeError`` or :class:`NumberOutOfRange` (both ``ValueError``),
    ``UnicodeDecodeError`` for bytes that are not UTF-8, or ``RecursionError`` when nested
    very deeply.

    orjson keeps numbers as velocypack does (integers exact from -2**63 to 2**64-1, a
    double beyond, an error past the largest double) and parses what the standard library
    parses, to the same values (both tested); what it refuses (malformed text, lone
    surrogates, numbers out of range, deep nesting) gets the standard library's answer
    and message, with velocypack's number checks.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    return _DECODE(data if isinstance(data, str) else data.decode("utf-8"))


def parse_body(request: BackendRequest) -> Any:
    """``request``'s non-empty body parsed as ArangoDB parses JSON, or ArangoDB's error
    for it (413, 400/600 with velocypack's message); read as the bytes that came (orjson
    checks their UTF-8), decoded to text only for what orjson refuses."""
    raw = request.body
    if len(raw) > MAX_BODY_SIZE:
        raise ArangoError(413, "request body too large", 413)
    try:
        parsed = parse_json(raw)
    except UnicodeDecodeError:
        raise ArangoError(600, "VPackError error: Invalid UTF-8 sequence", 400) from None
    except json.JSONDecodeError as exc:
        message = vpack_error_message(exc, raw.decode("utf-8"))
        raise ArangoError(600, message, 400) from None
    except NumberOutOfRange:
        raise ArangoError(600, NUMBER_OUT_OF_RANGE, 400) from None
    except RecursionError:
        raise ArangoError(600, "VPackError error: Nesting too deep", 400) from None
    # "[" and "{" are single bytes in UTF-8: counted in the bytes as in the text
    if (
        len(raw) > MAX_NESTING
        and raw.count(b"[") + raw.count(b"{") > MAX_NESTING
        and (nesting_depth(parsed) > MAX_NESTING)
    ):
        raise ArangoError(600, "VPackError error: Nesting too deep", 400)
    return parsed


def parse_body_ahead(request: BackendRequest) -> Any:
    """:func:`parse_body` for a step before the handler (quick-query admission): the value
    is handed to the handler's :meth:`Context.body`, which takes it off the request (a
    kept request holds no parsed copy), so the body is parsed once."""
    parsed = request.parsed = parse_body(request)
    return parsed


class Context:
    """What a handler sees: request, server, database, user and path parameters."""

    __slots__ = ("_body", "db", "dispatch", "params", "query", "request", "server", "user")

    def __init__(
        self,
        server: Server,
        request: BackendRequest,
        db: Database,
        user: str | None,
        params: dict[str, str],
        dispatch: Callable[[BackendRequest], BackendResponse],
    ) -> None:
        self.server = server
        self.request = request
        self.db = db
        self.user = user
        self.params = params
        # answers another request in full (batch parts re-enter the emulator through it)
        self.dispatch = dispatch
        # the decoded query parameters (read by most handlers: a slot, not a property)
        self.query: dict[str, str] = request.query
        self._body: Any = ...

    # ----------------------------------------------------------------- request
    @property
    def method(self) -> str:
        return self.request.method

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.request.headers.get(name, default)

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean query parameter, read the way ArangoDB reads them."""
        value = self.query.get(name)
        if value is None:
            return default
        known = _FLAG_TEXT.get(value)
        return value.strip().lower() in _TRUE if known is None else known

    def int_param(self, name: str, default: int | None = None) -> int | None:
        value = self.request.query.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            try:
                return int(float(value))
            except (ValueError, OverflowError):  # not a number, NaN or past a double
                return default

    def body(self, *, allow_empty: bool = False) -> Any:
        """The parsed JSON body; 400/600 with a velocypack-style message if it is malformed."""
        if self._body is ...:
            raw = self.request.body
            if len(raw) <= MAX_BODY_SIZE and (not raw or raw.isspace()):
                if allow_empty:
                    self._body = None
                    return None
                raise ArangoError(600, "VPackError error: Expecting digit", 400)
            request = self.request
            parsed = request.parsed
            if parsed is ...:
                parsed = parse_body(request)
            else:
                request.parsed = ...
            self._body = parsed
        return self._body

    def object_body(self, *, allow_empty: bool = False) -> dict[str, Any]:
        """A body that must be a JSON object (ArangoDB: 400/400 'expecting object' style)."""
        body = self.body(allow_empty=allow_empty)
        if body is None and allow_empty:
            return {}
        if not isinstance(body, dict):
            raise ArangoError(400, "body must be an object", 400)
        return body

    # ---------------------------------------------------------------- responses
    def json(
        self, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> BackendResponse:
        return json_response(status, body, headers)

    def result(self, value: Any, status: int = 200) -> BackendResponse:
        """ArangoDB's ``{"error": false, "code": N, "result": ...}`` envelope."""
        return json_response(status, {"error": False, "code": status, "result": value})

    def ok(self, fields: dict[str, Any], status: int = 200) -> BackendResponse:
        """``{"error": false, "code": N, **fields}``."""
        body: dict[str, Any] = {"error": False, "code": status}
        body.update(fields)
        return json_response(status, body)

    # ------------------------------------------------------------- permissions
    def require_database(self, level: str) -> None:
        _auth.require_database(self, level)

    def require_collection(self, name: str, level: str, mode: str | None = None) -> None:
        """403 unless the caller has ``level`` on collection ``name`` (``mode`` names the
        access in the message: read, write or exclusive)."""
        _auth.require_collection(self, name, level, mode)
