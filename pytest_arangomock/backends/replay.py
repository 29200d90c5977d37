"""Indexed replay of recorded interactions, and the errors a cassette run can raise.

Interactions are grouped by match key in a dict of deques, so answering a request costs one
key computation and one dict lookup whatever the cassette size; identical requests are
answered in the order they were recorded. When nothing matches, the error names the closest
recorded candidates and shows what differed.
"""

from __future__ import annotations

import difflib
import threading
from collections import deque
from collections.abc import Hashable, Sequence
from pathlib import Path

from ..backend import BackendRequest, BackendResponse
from .cassette import Interaction
from .normalize import KeyFunction, body_text, unified

__all__ = [
    "CassetteError",
    "CassetteNotFoundError",
    "RecordModeError",
    "ReplayIndex",
    "UnmatchedRequestError",
    "UnusedInteractionsError",
]

_CANDIDATES = 3


class CassetteError(Exception):
    """A cassette could not answer the way the test needed."""


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
    """Recorded interactions keyed by match key; each answers once, in recorded order."""

    def __init__(self, interactions: Sequence[Interaction], key: KeyFunction) -> None:
        self.interactions = list(interactions)
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
            position = queue.popleft()
        self.used[position] = True
        resp = self.interactions[position].response
        return BackendResponse(resp.status, dict(resp.headers), resp.body)

    def unused(self) -> list[int]:
        return [i for i, used in enumerate(self.used) if not used]

    def recorded_count(self, request: BackendRequest) -> int:
        """How many recorded interactions share ``request``'s key (used or not)."""
        return self._counts.get(self.key(request), 0)

    # ------------------------------------------------------------- diagnostics
    def candidates(self, request: BackendRequest, limit: int = _CANDIDATES) -> list[int]:
        """Positions of the recorded requests most like ``request`` (unused first)."""
        wanted = describe(request)

        def score(position: int) -> tuple[int, int, float]:
            rec = self.interactions[position].request
            same_method = rec.method == request.method
            same_path = rec.path == request.path
            closeness = difflib.SequenceMatcher(None, describe(rec), wanted).quick_ratio()
            return (same_method + 2 * same_path, not self.used[position], closeness)

        ranked = sorted(range(len(self.interactions)), key=score, reverse=True)
        return ranked[:limit]

    def explain(self, request: BackendRequest, position: int) -> str:
        """What differs between ``request`` and recorded interaction ``position``."""
        rec = self.interactions[position].request
        parts: list[str] = []
        if rec.method != request.method:
            parts.append(f"method: recorded {rec.method}, sent {request.method}")
        if rec.path != request.path:
            parts.append(f"path: recorded {rec.path}, sent {request.path}")
        if rec.query != request.query:
            missing = {k: v for k, v in rec.query.items() if request.query.get(k) != v}
            extra = {k: v for k, v in request.query.items() if rec.query.get(k) != v}
            parts.append(f"query: recorded {missing or '{}'}, sent {extra or '{}'}")
        rec_body, sent_body = body_text(rec.body), body_text(request.body)
        if rec_body != sent_body:
            diff = unified(rec_body, sent_body, "recorded body", "sent body")
            parts.append("body:\n" + _indent(diff or "(differs)", 2))
        if not parts:
            parts.append("same request (already answered: it was sent more often than recorded)")
        return "\n".join(parts)


def _indent(text: str, n: int) -> str:
    pad = " " * n
    return "\n".join(pad + line for line in text.splitlines())


def unmatched_message(
    request: BackendRequest,
    index: ReplayIndex,
    cassette: Path,
    record_mode: str,
    reason: str,
) -> str:
    """The full explanation raised for a request no recorded interaction answers."""
    lines = [
        f"arangomock: no recorded interaction matches {describe(request)}",
        f"  cassette: {cassette} (record mode {record_mode!r}, "
        f"{len(index.interactions)} interactions, {len(index.unused())} unused)",
        f"  {reason}",
    ]
    if request.body:
        lines.append("  request body:\n" + _indent(body_text(request.body, 600), 4))
    repeated = index.recorded_count(request)
    if repeated:
        lines.append(
            f"  the {repeated} recorded interaction(s) with this request were all used already:"
            " the test sends it more often than when it was recorded"
        )
    elif index.interactions:
        lines.append("  closest recorded candidates:")
        for position in index.candidates(request):
            rec = index.interactions[position]
            state = "used" if index.used[position] else "unused"
            lines.append(
                f"    #{position} {describe(rec.request)} -> {rec.response.status} ({state})"
            )
            lines.append(_indent(index.explain(request, position), 6))
    else:
        lines.append("  the cassette holds no interactions")
    return "\n".join(lines)
