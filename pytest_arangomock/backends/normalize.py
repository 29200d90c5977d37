"""Request match keys and volatile-value handling, shared by replay, verify and the CLI.

Matching: a request's key is a tuple with one component per matcher (``method``, ``path``,
``query``, ``body`` by default; ``headers`` on request; more via :func:`register_matcher`).
Query order does not matter, JSON bodies compare semantically (key order ignored), secret
fields are redacted the way they are on disk, and values a server generated are
normalised: cursor/job/transaction ids in paths, ``_rev`` in bodies and ``If-Match``.

Differential checks (verify mode, ``arangomock cassette verify``): two servers generate
different ids and revisions for the same operation. :class:`ValueMap` learns the
correspondence from each pair of answers and rewrites later requests and answers, and
:func:`difference` masks the values that can never agree (revisions, timings, tokens).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any
from urllib.parse import quote, unquote

from ..backend import BackendRequest, BackendResponse
from .redact import RedactionRules, redact_json

__all__ = [
    "DEFAULT_MATCH_ON",
    "KeyFunction",
    "ValueMap",
    "body_text",
    "difference",
    "key_function",
    "parse_json",
    "register_matcher",
]

Matcher = Callable[[BackendRequest, RedactionRules], Hashable]
KeyFunction = Callable[[BackendRequest], tuple[Hashable, ...]]

DEFAULT_MATCH_ON: tuple[str, ...] = ("method", "path", "query", "body")

REV = "<rev>"
ID = "<id>"
VOLATILE = "<volatile>"

# /_api/cursor/123, /_api/job/123, /_api/transaction/123, /_api/query/123 (+ database prefix)
_ID_PATH = re.compile(r"^((?:/_db/[^/]+)?/_api/(?:cursor|job|transaction|query)/)(\d+)(?=/|$)")
_REV_FIELDS = frozenset({"_rev", "_oldRev"})
_REV_HEADERS = ("if-match", "if-none-match")
# request headers that change what the server does (the ``headers`` matcher)
_SEMANTIC_HEADERS = (
    "if-match",
    "if-none-match",
    "x-arango-trx-id",
    "x-arango-async",
    "x-arango-allow-dirty-read",
    "x-arango-version",
    "content-type",
)


def parse_json(body: bytes) -> Any:
    """The JSON value of ``body``, or ``None`` when it is empty or not JSON."""
    if not body or body[:1] not in b'{["0123456789-tfn \t\r\n':
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _mask_revs(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (REV if k in _REV_FIELDS and isinstance(v, str) else _mask_revs(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_revs(v) for v in value]
    return value


def _method(req: BackendRequest, rules: RedactionRules) -> Hashable:
    return req.method.upper()


def _path(req: BackendRequest, rules: RedactionRules) -> Hashable:
    found = _ID_PATH.match(req.path)
    return req.path if found is None else found.group(1) + ID + req.path[found.end() :]


def _query(req: BackendRequest, rules: RedactionRules) -> Hashable:
    if not req.query:
        return ()
    return tuple(sorted((k, REV if k == "rev" else v) for k, v in req.query.items()))


def _body(req: BackendRequest, rules: RedactionRules) -> Hashable:
    if not req.body:
        return ""
    parsed = parse_json(req.body)
    if parsed is None:
        return req.body
    scrubbed, _ = redact_json(parsed, rules, req.path)
    return _canonical(_mask_revs(scrubbed))


def _headers(req: BackendRequest, rules: RedactionRules) -> Hashable:
    out = []
    for name in _SEMANTIC_HEADERS:
        value = req.headers.get(name)
        if value is None:
            continue
        if name in _REV_HEADERS:
            value = REV
        elif name == "x-arango-trx-id":
            value = ID
        out.append((name, value))
    return tuple(out)


MATCHERS: dict[str, Matcher] = {
    "method": _method,
    "path": _path,
    "query": _query,
    "body": _body,
    "headers": _headers,
}


def register_matcher(name: str, matcher: Matcher) -> None:
    """Add a matcher: ``matcher(request, rules)`` returns a hashable part of the match key."""
    MATCHERS[name] = matcher


def key_function(
    match_on: Sequence[str] = DEFAULT_MATCH_ON, rules: RedactionRules | None = None
) -> KeyFunction:
    """A function computing the match key of a request under ``match_on``."""
    unknown = [m for m in match_on if m not in MATCHERS]
    if unknown:
        raise ValueError(
            f"unknown matcher(s) {', '.join(map(repr, unknown))}; known: {', '.join(MATCHERS)}"
        )
    chosen = [MATCHERS[m] for m in match_on]
    effective = rules or RedactionRules()

    def key(req: BackendRequest) -> tuple[Hashable, ...]:
        return tuple([m(req, effective) for m in chosen])

    return key


def body_text(body: bytes, limit: int = 2000) -> str:
    """A readable (pretty JSON when possible), bounded rendering of a body."""
    parsed = parse_json(body)
    if parsed is not None:
        text = json.dumps(parsed, indent=2, sort_keys=True, ensure_ascii=False)
    else:
        text = body.decode("utf-8", errors="replace")
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more)"


def unified(a: str, b: str, label_a: str, label_b: str, context: int = 2) -> str:
    lines = difflib.unified_diff(
        a.splitlines(), b.splitlines(), label_a, label_b, n=context, lineterm=""
    )
    return "\n".join(lines)


# ---------------------------------------------------------------- differential


#: Values that differ between any two servers (masked before comparing answers).
MASKED_FIELDS = frozenset(
    {
        "_rev",
        "_oldRev",
        "jwt",
        "globallyUniqueId",
        "objectId",
        "executionTime",
        "peakMemoryUsage",
        "runTime",
        "started",
        "lastValue",
        "revision",
        "checksum",
    }
)
# Identity values a server generates: learnt when both sides look generated (digits).
_LEARNED_IDS = frozenset({"_key", "_id", "id", "_from", "_to", "cid", "planId", "name"})
_ALWAYS_LEARNED = frozenset({"_rev", "_oldRev", "jwt", "globallyUniqueId", "objectId"})


def _generated(value: str) -> bool:
    """Digits (ids, traditional keys, ``c/123``) or an index's automatic ``idx_<digits>`` name."""
    tail = value.rpartition("/")[2]
    return tail.isdigit() or (tail.startswith("idx_") and tail[4:].isdigit())


class ValueMap:
    """Values one server generated, mapped to what the other generated for the same thing."""

    def __init__(self) -> None:
        self.map: dict[str, str] = {}

    def _add(self, ref: str, other: str) -> None:
        if ref == other:
            return
        self.map[ref] = other
        ref_col, sep, ref_key = ref.partition("/")
        other_col, _, other_key = other.partition("/")
        if sep and ref_col == other_col and ref_key != other_key:
            self.map[ref_key] = other_key

    def learn(self, reference: Any, other: Any, depth: int = 0) -> None:
        """Walk two answers to the same request in parallel and remember differing ids."""
        if depth > 32:
            return
        if isinstance(reference, dict) and isinstance(other, dict):
            for key, ref in reference.items():
                if key not in other:
                    continue
                oth = other[key]
                if isinstance(ref, str) and isinstance(oth, str):
                    if key in _ALWAYS_LEARNED or (
                        key in _LEARNED_IDS and _generated(ref) and _generated(oth)
                    ):
                        self._add(ref, oth)
                else:
                    self.learn(ref, oth, depth + 1)
        elif isinstance(reference, list) and isinstance(other, list):
            for ref, oth in zip(reference[:1000], other[:1000], strict=False):
                self.learn(ref, oth, depth + 1)

    def learn_responses(self, reference: BackendResponse, other: BackendResponse) -> None:
        self.learn(parse_json(reference.body), parse_json(other.body))
        for header in ("x-arango-async-id", "etag"):
            ref, oth = reference.headers.get(header), other.headers.get(header)
            if ref and oth:
                self._add(ref.strip('"'), oth.strip('"'))

    # ----------------------------------------------------------- rewriting
    def value(self, text: str) -> str:
        mapped = self.map.get(text)
        if mapped is not None:
            return mapped
        if "/" in text:
            col, _, key = text.partition("/")
            if key in self.map:
                return f"{col}/{self.map[key]}"
        return text

    def translate(self, value: Any) -> Any:
        if not self.map:
            return value
        if isinstance(value, str):
            return self.value(value)
        if isinstance(value, dict):
            return {k: self.translate(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.translate(v) for v in value]
        return value

    def _header(self, name: str, value: str) -> str:
        if name in _REV_HEADERS:
            return ", ".join(
                f'"{self.value(v.strip().strip(chr(34)))}"' for v in value.split(",") if v.strip()
            )
        if name == "authorization":
            scheme, _, token = value.partition(" ")
            return f"{scheme} {self.value(token)}" if token else value
        return self.value(value)

    def translate_request(self, req: BackendRequest) -> BackendRequest:
        """``req`` with every learnt value replaced (path segments, query, headers, JSON body)."""
        if not self.map:
            return req
        path = "/".join(
            quote(self.value(unquote(seg)), safe="") if seg else seg for seg in req.path.split("/")
        )
        headers = {
            k: self._header(k, v) if k in ("authorization", "x-arango-trx-id", *_REV_HEADERS) else v
            for k, v in req.headers.items()
        }
        body = req.body
        parsed = parse_json(body)
        if parsed is not None:
            translated = self.translate(parsed)
            if translated != parsed:
                body = json.dumps(translated, ensure_ascii=False, separators=(",", ":")).encode()
        query = {k: self.value(v) for k, v in req.query.items()}
        return BackendRequest(req.method, path, query, headers, body)


def _mask(value: Any, masked: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: VOLATILE if k in masked else _mask(v, masked) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, masked) for v in value]
    return value


def _identity(item: Any) -> Any:
    """What names a listed thing: the string itself, or an object's name/user/key."""
    if isinstance(item, dict):
        for field in ("name", "user", "_key"):
            if isinstance(item.get(field), str):
                return item[field]
        return None
    return item if isinstance(item, str) else None


def without_preexisting(reference: Any, other: Any, names: frozenset[str]) -> Any:
    """``reference`` without list entries named in ``names`` that ``other`` does not list:
    things that were on the live server before the test (databases, users, collections)."""
    if not names:
        return reference
    if isinstance(reference, dict) and isinstance(other, dict):
        return {
            k: without_preexisting(v, other[k], names) if k in other else v
            for k, v in reference.items()
        }
    if isinstance(reference, list) and isinstance(other, list):
        present = {_identity(item) for item in other}
        return [
            item for item in reference if _identity(item) not in names or _identity(item) in present
        ]
    return reference


def difference(
    reference: BackendResponse,
    other: BackendResponse,
    *,
    values: ValueMap | None = None,
    ignore: Iterable[str] = (),
    labels: tuple[str, str] = ("live", "emulator"),
    preexisting: frozenset[str] = frozenset(),
) -> str | None:
    """A readable diff of two answers (status, then body), or ``None`` when they agree.

    Bodies compare as JSON values (object key order ignored) after ``reference`` is
    rewritten through ``values``, entries it lists from ``preexisting`` are dropped and
    volatile fields are masked on both sides.
    """
    masked = MASKED_FIELDS | frozenset(ignore)
    ref_json, oth_json = parse_json(reference.body), parse_json(other.body)
    lines: list[str] = []
    if reference.status != other.status:
        lines.append(f"status: {labels[0]} {reference.status}, {labels[1]} {other.status}")
    if ref_json is None or oth_json is None:
        if reference.body != other.body:
            a = reference.body.decode("utf-8", errors="replace")
            b = other.body.decode("utf-8", errors="replace")
            lines.append(unified(a, b, labels[0], labels[1]) or "body: differs")
    else:
        if values is not None:
            ref_json = values.translate(ref_json)
        ref_json = without_preexisting(ref_json, oth_json, preexisting)
        ref_m, oth_m = _mask(ref_json, masked), _mask(oth_json, masked)
        if ref_m != oth_m:
            a = json.dumps(ref_m, indent=2, sort_keys=True, ensure_ascii=False)
            b = json.dumps(oth_m, indent=2, sort_keys=True, ensure_ascii=False)
            lines.append(unified(a, b, labels[0], labels[1]))
    return "\n".join(lines) if lines else None
