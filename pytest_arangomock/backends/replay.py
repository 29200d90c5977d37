"""Indexed replay of recorded interactions, and the errors a cassette run can raise.

Interactions are grouped by match key in a dict of deques, so answering a request costs one
key computation and one dict lookup whatever the cassette size; identical requests are
answered in the order they were recorded. When nothing matches, the error names the closest
recorded candidates and shows what differed.
"""

from __future__ import annotations

import difflib
import json
import threading
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

from vcr.matchers import get_matchers_results, requests_match

from ..backend import BackendRequest, BackendResponse
from .cassette import Interaction, to_vcr
from .normalize import KeyFunction, body_text, parse_json, unified
from .runs import CassetteError

__all__ = [
    "CassetteError",
    "CassetteNotFoundError",
    "RecordModeError",
    "ReplayIndex",
    "UnmatchedRequestError",
    "UnusedInteractionsError",
]

_CANDIDATES = 2
_NO_RESPONSE = BackendResponse(200, {}, b"")

#: a vcrpy matcher: two ``vcr.request.Request`` in, true/``None`` or ``AssertionError``
VcrMatcher = Callable[[Any, Any], Any]


class CassetteNotFoundError(CassetteError):
    """Replay was asked for, but the cassette file does not exist."""


class UnmatchedRequestError(CassetteError):
    """No recorded interaction matches a request (and the record mode does not record it)."""


class RecordModeError(CassetteError):
    """An invalid record mode, or one that forbids what was asked."""


class UnusedInteractionsError(CassetteError):
    """Recorded interactions the test never asked for (when unused ones are not allowed)."""


def describe(request: BackendRequest) -> str:
    """``METHOD /path?query`` (query in the order sent)."""
    query = "&".join(f"{k}={v}" for k, v in request.query.items())
    return f"{request.method} {request.path}" + (f"?{query}" if query else "")


class ReplayIndex:
    """Recorded interactions keyed by match key; each answers once, in recorded order.

    The first ``own`` interactions are the test's own cassette (the rest come from shared,
    read-only cassettes): only those count as unused.
    """

    def __init__(
        self,
        interactions: Sequence[Interaction],
        key: KeyFunction,
        own: int | None = None,
        matchers: Sequence[VcrMatcher] = (),
    ) -> None:
        self.interactions = list(interactions)
        #: vcrpy matchers (``(r1, r2)``: true, or ``None``, or an ``AssertionError``) checked
        #: on top of the key, among the recorded requests sharing it
        self.matchers = tuple(matchers)
        self.own = len(self.interactions) if own is None else own
        self.key = key
        self._queues: dict[tuple[Hashable, ...], deque[int]] = {}
        self._counts: dict[tuple[Hashable, ...], int] = {}
        self._lock = threading.Lock()
        self.used = [False] * len(self.interactions)
        for position, interaction in enumerate(self.interactions):
            k = key(interaction.request)
            self._queues.setdefault(k, deque()).append(position)
        self._counts = {k: len(q) for k, q in self._queues.items()}

    def take(self, request: BackendRequest) -> BackendResponse | None:
        """The next recorded answer to ``request``, or ``None``."""
        queue = self._queues.get(self.key(request))
        if not queue:
            return None
        with self._lock:
            if not queue:
                return None
            if self.matchers:
                position = self._first_matching(queue, request)
                if position is None:
                    return None
            else:
                position = queue.popleft()
        self.used[position] = True
        resp = self.interactions[position].response
        return BackendResponse(resp.status, dict(resp.headers), resp.body)

    def _first_matching(self, queue: deque[int], request: BackendRequest) -> int | None:
        sent = to_vcr(Interaction(request, _NO_RESPONSE))[0]
        for position in queue:
            recorded = to_vcr(self.interactions[position])[0]
            if requests_match(sent, recorded, self.matchers):
                queue.remove(position)
                return position
        return None

    def unused(self) -> list[int]:
        return [i for i in range(self.own) if not self.used[i]]

    def recorded_count(self, request: BackendRequest) -> int:
        """How many recorded interactions share ``request``'s key (used or not)."""
        return self._counts.get(self.key(request), 0)

    def all_used(self, request: BackendRequest) -> bool:
        """Whether every recording with ``request``'s key has answered already (rather than
        a vcrpy matcher refusing the ones left)."""
        return self.recorded_count(request) > 0 and not self._queues.get(self.key(request))

    # ------------------------------------------------------------- diagnostics
    def candidates(self, request: BackendRequest, limit: int = _CANDIDATES) -> list[int]:
        """Positions of the recorded requests most like ``request``: same method only,
        same path first, unused before used."""
        wanted = describe(request)

        def score(position: int) -> tuple[int, int, float]:
            rec = self.interactions[position].request
            closeness = difflib.SequenceMatcher(None, describe(rec), wanted).quick_ratio()
            return (rec.path == request.path, not self.used[position], closeness)

        same_method = [
            p for p, i in enumerate(self.interactions) if i.request.method == request.method
        ]
        same_path = [p for p in same_method if self.interactions[p].request.path == request.path]
        return sorted(same_path or same_method, key=score, reverse=True)[:limit]

    def explain(self, request: BackendRequest, position: int) -> str:
        """What differs between ``request`` and recorded interaction ``position``, compactly."""
        rec = self.interactions[position].request
        parts: list[str] = []
        if rec.path != request.path:
            parts.append(f"path: {rec.path} -> {request.path}")
        if rec.query != request.query:
            keys = sorted(set(rec.query) | set(request.query))
            for k in keys:
                if rec.query.get(k) != request.query.get(k):
                    parts.append(f"?{k}: {rec.query.get(k)!r} -> {request.query.get(k)!r}")
        if rec.body != request.body:
            parts.extend(compact_diff(parse_json(rec.body), parse_json(request.body), rec, request))
        if self.matchers:
            sent = to_vcr(Interaction(request, _NO_RESPONSE))[0]
            _, failed = get_matchers_results(
                sent, to_vcr(self.interactions[position])[0], self.matchers
            )
            parts.extend(f"matcher {name}: {detail or 'differs'}" for name, detail in failed)
        if not parts:
            parts.append("same request (already answered: it was sent more often than recorded)")
        if len(parts) > _DIFF_LINES:
            parts = [*parts[:_DIFF_LINES], f"... and {len(parts) - _DIFF_LINES} more differences"]
        return "\n".join(parts)


_DIFF_LINES = 8
_LONG_TEXT = 60


def compact_diff(
    old: Any, new: Any, rec: BackendRequest, sent: BackendRequest, where: str = ""
) -> list[str]:
    """One line per differing JSON path (``recorded -> sent``); long strings (AQL) diffed by
    line or by token."""
    if old is None or new is None:
        if old is None and new is None:
            return [
                f"body: {_short(body_text(rec.body, 80))} -> {_short(body_text(sent.body, 80))}"
            ]
        return [f"body{where}: {_short(json.dumps(old))} -> {_short(json.dumps(new))}"]
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            if key not in new:
                out.append(f"{where or 'body'}.{key}: {_short(json.dumps(old[key]))} -> (absent)")
            elif key not in old:
                out.append(f"{where or 'body'}.{key}: (absent) -> {_short(json.dumps(new[key]))}")
            elif old[key] != new[key]:
                out.extend(compact_diff(old[key], new[key], rec, sent, f"{where or 'body'}.{key}"))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                out.extend(compact_diff(a, b, rec, sent, f"{where}[{i}]"))
        return out
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > _LONG_TEXT:
        return [f"{where}: " + text_diff(old, new)]
    return [
        f"{where}: {_short(json.dumps(old, ensure_ascii=False))} -> "
        f"{_short(json.dumps(new, ensure_ascii=False))}"
    ]


def text_diff(old: str, new: str) -> str:
    """A long text's changes: changed lines for multi-line text, else changed tokens
    (``[-recorded-]{+sent+}`` with a few words of context)."""
    if "\n" in old or "\n" in new:
        diff = unified(old, new, "recorded", "sent", context=0)
        body = [ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("---", "+++")]
        return "\n  " + "\n  ".join(body[:_DIFF_LINES])
    a, b = old.split(), new.split()
    pieces: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            words = a[i1:i2]
            if len(words) > 4:
                words = [*words[:2], "...", *words[-2:]] if pieces else ["...", *words[-2:]]
            pieces.extend(words)
        else:
            if i2 > i1:
                pieces.append("[-" + " ".join(a[i1:i2]) + "-]")
            if j2 > j1:
                pieces.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(pieces)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _indent(text: str, n: int) -> str:
    pad = " " * n
    return "\n".join(pad + line for line in text.splitlines())


def unmatched_message(
    request: BackendRequest,
    index: ReplayIndex,
    cassette: Path,
    asked: str,
    reason: str,
) -> str:
    """The short report for a request no recorded interaction answers.

    ``request`` must already be redacted: the report may be printed anywhere. ``asked``
    names what the user asked for (``--arango-mode=replay``, or the record mode).
    """
    lines = [
        f"arangomock: no recorded interaction matches {_short(describe(request), 160)}",
        f"  cassette: {cassette} ({len(index.interactions)} interactions, "
        f"{len(index.unused())} unused), {asked}",
        f"  {reason}",
    ]
    repeated = index.recorded_count(request) if index.all_used(request) else 0
    candidates = index.candidates(request) if not repeated else []
    if repeated:
        lines.append(
            f"  the {repeated} recorded interaction(s) with this request were all used already:"
            " the test sends it more often than when it was recorded"
        )
    elif candidates:
        lines.append("  closest recorded (recorded -> sent):")
        for position in candidates:
            rec = index.interactions[position]
            state = "used" if index.used[position] else "unused"
            lines.append(
                f"    #{position} {_short(describe(rec.request), 120)} -> "
                f"{rec.response.status} ({state})"
            )
            lines.append(_indent(index.explain(request, position), 6))
    else:
        what = "no interactions" if not index.interactions else f"no {request.method} request"
        lines.append(f"  the cassette holds {what}")
        if request.body:
            lines.append("  request body: " + _short(body_text(request.body, 300), 300))
    return "\n".join(lines)
