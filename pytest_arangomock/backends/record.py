"""The cassette backend: replay what was recorded, record what passes through to an inner one.

Record modes keep vcrpy's meanings:

``none``
    replay only; any request without a recording is an error.
``once``
    record every request if the cassette file does not exist yet; replay only if it does.
``new_episodes``
    replay what matches, record (and append) what does not.
``all``
    never replay; record everything. On save, recorded interactions replace the loaded ones
    they match and loaded ones nobody asked for again are kept (vcrpy 9's re-record rule).

The inner backend is a :class:`~pytest_arangomock.backends.live.LiveBackend` (or the
emulator when no server is given). Secrets are redacted on the way to disk, never in what
the test sees.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..backend import (
    AsyncBackend,
    Backend,
    BackendRequest,
    BackendResponse,
    SyncBackend,
    answer,
    answer_sync,
)
from ..settings import RECORD_MODES
from .cassette import Cassette, Interaction
from .normalize import DEFAULT_MATCH_ON, key_function
from .redact import RedactionRules, redact_interaction
from .replay import (
    CassetteError,
    CassetteNotFoundError,
    RecordModeError,
    ReplayIndex,
    UnmatchedRequestError,
    UnusedInteractionsError,
    describe,
    unmatched_message,
)

__all__ = ["RECORD_MODES", "CassetteBackend", "check_record_mode"]


def check_record_mode(mode: str) -> str:
    """``mode`` if valid, else a :class:`RecordModeError` listing the valid ones."""
    if mode not in RECORD_MODES:
        raise RecordModeError(
            f"arangomock: {mode!r} is not a valid record mode; "
            f"valid modes are {', '.join(map(repr, RECORD_MODES))}"
        )
    return mode


class CassetteBackend(SyncBackend, AsyncBackend):
    """Answers from a cassette file and/or records into it, per ``record_mode``.

    Either kind of caller is served; what is not replayed goes to ``inner`` the same way.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        record_mode: str = "once",
        inner: Backend | None = None,
        match_on: Sequence[str] = DEFAULT_MATCH_ON,
        rules: RedactionRules | None = None,
    ) -> None:
        self.path = Path(path)
        self.record_mode = check_record_mode(record_mode)
        self.inner = inner
        self.rules = rules or RedactionRules()
        self.key = key_function(match_on, self.rules)
        self.existed = self.path.exists()
        self.cassette = Cassette.load(self.path) if self.existed else Cassette()
        self.index = ReplayIndex(self.cassette.interactions, self.key)
        self.new: list[Interaction] = []
        self.errors: list[CassetteError] = []
        self._lock = threading.Lock()
        self._metadata_dirty = False
        if self.record_mode == "none" and not self.existed:
            raise CassetteNotFoundError(
                f"arangomock: cassette {self.path} not found, and record mode 'none' only "
                "replays. Record it first: pytest --arango-mode=record --arango-url=URL"
            )
        if self.records and inner is None:
            raise RecordModeError(
                f"arangomock: record mode {self.record_mode!r} needs to record "
                f"({'no cassette at ' + str(self.path) if not self.existed else 'new requests'})"
                " but there is no server to record from: use --arango-mode=record"
            )

    # ------------------------------------------------------------------ state
    @property
    def records(self) -> bool:
        """Whether requests may go to the inner backend."""
        mode = self.record_mode
        return mode in ("all", "new_episodes") or (mode == "once" and not self.existed)

    @property
    def replays(self) -> bool:
        return self.record_mode != "all" and self.existed

    @property
    def metadata(self) -> dict[str, Any]:
        return self.cassette.metadata

    # --------------------------------------------------------------- requests
    def _replay(self, request: BackendRequest) -> BackendResponse | None:
        return self.index.take(request) if self.replays else None

    def _unmatched(self, request: BackendRequest) -> UnmatchedRequestError:
        if self.record_mode == "once":
            reason = (
                "record mode 'once' does not record new requests into an existing cassette; "
                "use --arango-record-mode=new_episodes to add them or =all to re-record"
            )
        else:
            reason = (
                f"record mode {self.record_mode!r} never records; "
                "re-record with --arango-mode=record --arango-record-mode=new_episodes (or all)"
            )
        error = UnmatchedRequestError(
            unmatched_message(request, self.index, self.path, self.record_mode, reason)
        )
        self.errors.append(error)
        return error

    def _record(self, request: BackendRequest, response: BackendResponse) -> None:
        with self._lock:
            self.new.append(
                Interaction(
                    BackendRequest(
                        request.method,
                        request.path,
                        dict(request.query),
                        dict(request.headers),
                        request.body,
                    ),
                    BackendResponse(response.status, dict(response.headers), response.body),
                )
            )

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        replayed = self._replay(request)
        if replayed is not None:
            return replayed
        if not self.records or self.inner is None:
            raise self._unmatched(request)
        response = answer_sync(self.inner, request)
        self._record(request, response)
        return response

    async def handle(self, request: BackendRequest) -> BackendResponse:
        replayed = self._replay(request)
        if replayed is not None:
            return replayed
        if not self.records or self.inner is None:
            raise self._unmatched(request)
        response = await answer(self.inner, request)
        self._record(request, response)
        return response

    # ------------------------------------------------------------------ end
    def unused(self) -> list[Interaction]:
        """Loaded interactions no request asked for (empty unless replaying)."""
        if not self.replays:
            return []
        return [self.index.interactions[i] for i in self.index.unused()]

    def check_unused(self) -> None:
        """Raise :class:`UnusedInteractionsError` when recorded interactions went unused."""
        unused = self.unused()
        if unused:
            listing = "\n".join(f"    {describe(i.request)}" for i in unused[:20])
            more = f"\n    ... and {len(unused) - 20} more" if len(unused) > 20 else ""
            raise UnusedInteractionsError(
                f"arangomock: {len(unused)} recorded interaction(s) in {self.path} were never "
                f"requested (unused interactions are not allowed):\n{listing}{more}"
            )

    def interactions_to_save(self) -> list[Interaction]:
        loaded = self.cassette.interactions
        if self.record_mode == "all":
            fresh = {self.key(i.request) for i in self.new}
            kept = [i for i in loaded if self.key(i.request) not in fresh]
            return kept + self.new
        return loaded + self.new

    def save(self) -> bool:
        """Write the cassette (redacted, atomically) if anything was recorded."""
        if not self.records or (not self.new and self.existed and not self._metadata_dirty):
            return False
        interactions = [redact_interaction(i, self.rules)[0] for i in self.interactions_to_save()]
        Cassette(interactions, dict(self.cassette.metadata)).save(self.path)
        self._metadata_dirty = False
        return True

    def set_metadata(self, key: str, value: Any) -> None:
        """Remember ``value`` in the cassette's ``metadata`` (written on the next save)."""
        if self.cassette.metadata.get(key) != value:
            self.cassette.metadata[key] = value
            self._metadata_dirty = True
