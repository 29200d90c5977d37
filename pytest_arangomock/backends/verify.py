"""Verify mode: every request goes to the live server and to the emulator; answers are compared.

The test sees the live answer. Ids, keys, revisions and tokens the two servers generate
differently are learnt from each pair of answers (:class:`~.normalize.ValueMap`), so later
requests carrying a live value reach the emulator with the emulator's own. Differences in
status or body (volatile values masked) are collected as :class:`Drift` and either fail
the test or become warnings.

:func:`replay_cassette` runs the same comparison for a recorded cassette against a fresh
emulator (``arangomock cassette verify``).
"""

from __future__ import annotations

import base64
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TextIO

from ..backend import (
    AsyncBackend,
    Backend,
    BackendRequest,
    BackendResponse,
    SyncBackend,
    answer,
    answer_sync,
)
from .cassette import Cassette
from .normalize import ValueMap, difference, parse_json
from .replay import describe

__all__ = [
    "Drift",
    "DriftWarning",
    "Progress",
    "VerifyBackend",
    "baseline_names",
    "replay_cassette",
]

VERIFY_MODES = ("fail", "warn")


class DriftWarning(UserWarning):
    """The emulator answered differently from the live server (``--arango-verify=warn``)."""


@dataclass
class Drift:
    """One request the emulator answered differently."""

    index: int
    request: str
    diff: str

    def render(self) -> str:
        body = "\n".join("    " + line for line in self.diff.splitlines())
        return f"  #{self.index} {self.request}\n{body}"


def drift_report(drifts: list[Drift], reference: str = "the live server") -> str:
    head = f"arangomock: the emulator differs from {reference} on {len(drifts)} request(s):"
    return "\n".join([head, *(d.render() for d in drifts)])


class VerifyBackend(SyncBackend, AsyncBackend):
    """Sends each request to ``live`` (whose answer is returned) and to ``emulator``.

    Either kind of caller is served; each side answers the way it can.
    """

    def __init__(
        self,
        live: Backend,
        emulator: Backend,
        *,
        on_diff: str = "fail",
        ignore: Iterable[str] = (),
        baseline: frozenset[str] = frozenset(),
    ) -> None:
        if on_diff not in VERIFY_MODES:
            raise ValueError(f"--arango-verify must be one of {VERIFY_MODES}, not {on_diff!r}")
        self.live = live
        self.emulator = emulator
        self.on_diff = on_diff
        self.ignore = tuple(ignore)
        #: names of what was on the live server before the test (not drift when listed)
        self.baseline = baseline
        self.values = ValueMap()
        self.drifts: list[Drift] = []
        self.count = 0

    def _compare(
        self, request: BackendRequest, live: BackendResponse, emulated: BackendResponse
    ) -> None:
        self.count += 1
        self.values.learn_responses(live, emulated)
        diff = difference(
            live, emulated, values=self.values, ignore=self.ignore, preexisting=self.baseline
        )
        if diff is None:
            return
        drift = Drift(self.count, describe(request), diff)
        self.drifts.append(drift)
        if self.on_diff == "warn":
            warnings.warn(DriftWarning(drift_report([drift])), stacklevel=2)

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        live = answer_sync(self.live, request)
        emulated = answer_sync(self.emulator, self.values.translate_request(request))
        self._compare(request, live, emulated)
        return live

    async def handle(self, request: BackendRequest) -> BackendResponse:
        live = await answer(self.live, request)
        emulated = await answer(self.emulator, self.values.translate_request(request))
        self._compare(request, live, emulated)
        return live

    def failure(self) -> str | None:
        """The report that fails the test, if any (``on_diff='fail'`` only)."""
        if self.drifts and self.on_diff == "fail":
            return drift_report(self.drifts)
        return None


#: what a live server may hold before a test: listed by these routes, named in their answers
_BASELINE_ROUTES = (
    "/_api/database",
    "/_api/user",
    "/_db/_system/_api/collection",
    "/_db/_system/_api/view",
    "/_db/_system/_api/analyzer",
    "/_db/_system/_api/gharial",
)


def baseline_names(live: Backend, password: str) -> frozenset[str]:
    """The names of the databases, users, ``_system`` collections, views, analyzers and
    graphs on the live server now, before the test: verify mode does not count them as
    drift when the live server lists them and the fresh emulator does not."""
    names: set[str] = set()
    token = base64.b64encode(f"root:{password}".encode()).decode("ascii")
    for path in _BASELINE_ROUTES:
        request = BackendRequest("GET", path, {}, {"authorization": f"Basic {token}"}, b"")
        body = parse_json(answer_sync(live, request).body)
        listed = body.get("result", body.get("graphs")) if isinstance(body, dict) else None
        if isinstance(listed, list):
            for item in listed:
                for key in ("name", "user", "_key"):
                    if isinstance(item, dict) and isinstance(item.get(key), str):
                        names.add(item[key])
                if isinstance(item, str):
                    names.add(item)
    return frozenset(names)


class Progress:
    """``label: done/total`` on a stream (stderr): rewritten in place on a terminal,
    a line every few seconds otherwise; silent for short runs."""

    def __init__(
        self, label: str, total: int, stream: TextIO | None = None, min_total: int = 200
    ) -> None:
        self.label, self.total = label, total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = total >= min_total
        self.tty = self.enabled and getattr(self.stream, "isatty", lambda: False)()
        self._last = 0.0
        self._start = time.monotonic()

    def update(self, done: int, note: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        interval = 0.1 if self.tty else 2.0
        if done < self.total and now - self._last < interval:
            return
        self._last = now
        text = f"{self.label}: {done}/{self.total}{' ' + note if note else ''}"
        if self.tty:
            self.stream.write("\r" + text + ("\n" if done >= self.total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def replay_cassette(
    cassette: Cassette,
    emulator: Backend,
    *,
    ignore: Iterable[str] = (),
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Drift]:
    """Send a cassette's requests to ``emulator``; where its answer differs from the recording."""
    values = ValueMap()
    drifts: list[Drift] = []
    for position, interaction in enumerate(cassette.interactions):
        request = values.translate_request(interaction.request)
        reply = answer_sync(emulator, request)
        values.learn_responses(interaction.response, reply)
        diff = difference(
            interaction.response,
            reply,
            values=values,
            ignore=ignore,
            labels=("recorded", "emulator"),
        )
        if diff is not None:
            drifts.append(Drift(position, describe(interaction.request), diff))
        if on_progress is not None:
            on_progress(position + 1, len(drifts))
    return drifts


def metadata_databases(cassette: Cassette) -> list[str]:
    """Databases the cassette's test ran in (created by fixtures, so not in the recording)."""
    name = cassette.metadata.get("database")
    names = [name] if isinstance(name, str) else []
    extra = cassette.metadata.get("databases")
    if isinstance(extra, list):
        names.extend(n for n in extra if isinstance(n, str))
    return names
