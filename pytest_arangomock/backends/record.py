"""The cassette backend: replay what was recorded, record what passes through to an inner one.

Record modes keep vcrpy's names, with meanings that work for a *stateful* server (a test's
later requests depend on what its earlier ones did there, so a server must see all of them
or none):

``none``
    replay only; any request without a recording is an error.
``once``
    record every request if the cassette file does not exist yet; replay only if it does.
``rewrite``
    the way to re-record: send everything to the server and replace the cassette.
``new_episodes``
    send everything to the server (it sees the whole test again); keep the recorded
    interactions as they are and append the requests they do not cover.
``all``
    send everything to the server and record it; recorded interactions nobody asked for
    again are kept after the new ones (vcrpy's rule).

The inner backend is a :class:`~pytest_arangomock.backends.live.LiveBackend` (or the
emulator when recording it was asked for). Credentials are redacted on the way to disk
through vcrpy-shaped ``before_record_request``/``before_record_response`` hooks (ours, then
the user's), never in what the test sees; incoming requests go through the same request
hooks before they are matched.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

from vcr import matchers as vcr_matchers
from vcr.record_mode import RecordMode

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
from .cassette import Cassette, Interaction, from_vcr, to_vcr
from .live import LiveConnectionError
from .normalize import DEFAULT_MATCH_ON, MATCHERS, KeyFunction, key_function
from .redact import RedactionRules, redact_interaction, redact_request
from .replay import (
    CassetteError,
    CassetteNotFoundError,
    RecordModeError,
    ReplayIndex,
    UnmatchedRequestError,
    UnusedInteractionsError,
    VcrMatcher,
    describe,
    unmatched_message,
)

__all__ = ["RECORD_MODES", "CassetteBackend", "check_record_mode", "rerecord_hint"]

Hook = Callable[[Any], Any]


def check_record_mode(mode: str) -> str:
    """``mode`` if valid (vcrpy's modes but ``any``, plus ``rewrite``), else a
    :class:`RecordModeError` listing the valid ones."""
    if mode != "rewrite" and (mode not in RECORD_MODES or RecordMode(mode) is RecordMode.ANY):
        raise RecordModeError(
            f"arangomock: {mode!r} is not a valid record mode; "
            f"valid modes are {', '.join(map(repr, RECORD_MODES))}"
        )
    return mode


def split_matchers(match_on: Sequence[Any]) -> tuple[list[str], list[VcrMatcher]]:
    """Our indexed matchers (by name) and vcrpy matchers: a callable, or the name of one of
    vcrpy's own (``host``, ``uri``, ``raw_body``...) that we do not index."""
    named: list[str] = []
    extra: list[VcrMatcher] = []
    for matcher in match_on:
        if callable(matcher):
            extra.append(matcher)
        elif matcher in MATCHERS:
            named.append(str(matcher))
        elif isinstance(matcher, str) and callable(getattr(vcr_matchers, matcher, None)):
            extra.append(getattr(vcr_matchers, matcher))
        else:
            named.append(str(matcher))  # key_function names the unknown ones
    return named, extra


def rerecord_hint(test: str = "") -> str:
    """How to re-record (the README says the same)."""
    target = f" {test}" if test else ""
    return (
        "to re-record: pytest --arango-mode=record --arango-url=URL "
        f"--arango-record-mode=rewrite{target}"
    )


class CassetteBackend(SyncBackend, AsyncBackend):
    """Answers from a cassette file and/or records into it, per ``record_mode``.

    Either kind of caller is served; what is not replayed goes to ``inner`` the same way.
    ``extra`` cassettes are replayed (read-only) beside the test's own one.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        record_mode: str = "once",
        inner: Backend | None = None,
        match_on: Sequence[Any] = DEFAULT_MATCH_ON,
        rules: RedactionRules | None = None,
        extra: Sequence[Path] = (),
        before_record_request: Hook | None = None,
        before_record_response: Hook | None = None,
        asked: str = "",
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self.record_mode = check_record_mode(record_mode)
        self.inner = inner
        self.rules = rules or RedactionRules()
        self.user_request_hook = before_record_request
        self.user_response_hook = before_record_response
        self.asked = asked or f"record mode {self.record_mode!r}"
        self.test = str((metadata or {}).get("test", ""))
        named, self.matchers = split_matchers(match_on)
        self.key = self._key_function(named)
        self.existed = self.path.exists() and self.record_mode != "rewrite"
        self.cassette = Cassette.load(self.path) if self.path.exists() else Cassette()
        if self.record_mode == "rewrite":
            self.cassette.interactions = []
        self.extra = [Cassette.load(p) for p in extra if p.exists()]
        missing = [p for p in extra if not p.exists()]
        shared = [i for c in self.extra for i in c.interactions]
        self.index = ReplayIndex(
            [*self.cassette.interactions, *shared],
            self.key,
            len(self.cassette.interactions),
            self.matchers,
        )
        self.new: list[Interaction] = []
        self.errors: list[CassetteError] = []
        self._lock = threading.Lock()
        self._metadata_dirty = False
        self._pending_metadata = dict(metadata or {})
        if missing:
            raise CassetteNotFoundError(
                f"arangomock: shared cassette {missing[0]} (the arango marker's cassettes) "
                "not found"
            )
        if self.record_mode == "none" and not self.existed and not self.extra:
            raise CassetteNotFoundError(
                f"arangomock: cassette {self.path} not found ({self.asked} replays only); "
                + rerecord_hint(self.test)
            )
        if self.records and inner is None:
            raise RecordModeError(
                f"arangomock: record mode {self.record_mode!r} needs to record "
                f"({'no cassette at ' + str(self.path) if not self.existed else 'new requests'})"
                " but there is no server to record from: use --arango-mode=record"
            )

    def _key_function(self, match_on: Sequence[Any]) -> KeyFunction:
        """Our matchers' key; a user's ``before_record_request`` hook runs first, as vcrpy
        runs it before matching."""
        base = key_function(match_on, self.rules)
        hook = self.user_request_hook
        if hook is None:
            return base

        def key(request: BackendRequest) -> tuple[Hashable, ...]:
            vcr_request, response = to_vcr(Interaction(request, BackendResponse(200, {}, b"")))
            changed = hook(vcr_request)
            if changed is None:
                return base(request)
            return base(from_vcr(changed, response).request)

        return key

    # ------------------------------------------------------------------ state
    @property
    def records(self) -> bool:
        """Whether requests go to the inner backend."""
        mode = self.record_mode
        return mode in ("all", "new_episodes", "rewrite") or (mode == "once" and not self.existed)

    @property
    def replays(self) -> bool:
        """Whether answers come from the cassette (never while recording: the server must
        see every request of the test)."""
        return not self.records

    @property
    def metadata(self) -> dict[str, Any]:
        return self.cassette.metadata

    def recorded_database(self) -> str | None:
        """The test database the recording used: the own cassette's, else a shared one's."""
        for cassette in (self.cassette, *self.extra):
            name = cassette.metadata.get("database")
            if isinstance(name, str):
                return name
        return None

    # --------------------------------------------------------------- requests
    def _replay(self, request: BackendRequest) -> BackendResponse | None:
        return self.index.take(request) if self.replays else None

    def _fail(self, error: CassetteError) -> CassetteError:
        self.errors.append(error)
        return error

    def _unmatched(self, request: BackendRequest) -> UnmatchedRequestError:
        if self.record_mode == "once" and self.existed:
            reason = "the cassette exists, so 'once' replays it and records nothing new"
        else:
            reason = "nothing is recorded in this mode"
        reason += "; " + rerecord_hint(self.test)
        shown = redact_request(request, self.rules)  # the report may end up in any log
        error = UnmatchedRequestError(
            unmatched_message(shown, self.index, self.path, self.asked, reason)
        )
        self._fail(error)
        return error

    def _unreachable(self, exc: LiveConnectionError) -> CassetteError:
        return self._fail(CassetteError(str(exc)))

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
        try:
            response = answer_sync(self.inner, request)
        except LiveConnectionError as exc:
            raise self._unreachable(exc) from None
        self._record(request, response)
        return response

    async def handle(self, request: BackendRequest) -> BackendResponse:
        replayed = self._replay(request)
        if replayed is not None:
            return replayed
        if not self.records or self.inner is None:
            raise self._unmatched(request)
        try:
            response = await answer(self.inner, request)
        except LiveConnectionError as exc:
            raise self._unreachable(exc) from None
        self._record(request, response)
        return response

    # ------------------------------------------------------------------ end
    def unused(self) -> list[Interaction]:
        """The test's own loaded interactions no request asked for (empty unless replaying)."""
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
                f"requested (allow them with allow_unused=True or --arango-allow-unused=true; "
                f"{rerecord_hint(self.test)}):\n{listing}{more}"
            )

    def _stored(self, interaction: Interaction) -> Interaction | None:
        """``interaction`` as it goes to disk: our redaction, then the user's vcrpy hooks
        (``None``: a hook dropped it)."""
        clean = redact_interaction(interaction, self.rules)[0]
        if self.user_request_hook is None and self.user_response_hook is None:
            return clean
        request, response = to_vcr(clean)
        if self.user_request_hook is not None:
            request = self.user_request_hook(request)
        if request is not None and self.user_response_hook is not None:
            response = self.user_response_hook(response)
        if request is None or response is None:
            return None
        return from_vcr(request, response)

    def interactions_to_save(self) -> list[Interaction]:
        """What the cassette holds after this run, per the record mode."""
        loaded = self.cassette.interactions
        if self.record_mode in ("rewrite", "once"):
            return list(self.new)
        if self.record_mode == "all":
            fresh = {self.key(i.request) for i in self.new}
            return self.new + [i for i in loaded if self.key(i.request) not in fresh]
        # new_episodes: the recorded ones as they are, plus requests beyond what they cover
        covered = Counter(self.key(i.request) for i in loaded)
        episodes: list[Interaction] = []
        for interaction in self.new:
            k = self.key(interaction.request)
            if covered[k]:
                covered[k] -= 1
            else:
                episodes.append(interaction)
        return loaded + episodes

    def save(self) -> bool:
        """Write the cassette (redacted, atomically) if this run recorded something new."""
        if not self.records:
            return False
        interactions = self.interactions_to_save()
        if interactions == self.cassette.interactions and self.existed:
            return False  # new_episodes found nothing new: the file stays as it was
        stored = [s for s in (self._stored(i) for i in interactions) if s is not None]
        self.cassette.metadata.update(self._pending_metadata)
        Cassette(stored, dict(self.cassette.metadata)).save(self.path)
        self._metadata_dirty = False
        return True

    def set_metadata(self, key: str, value: Any) -> None:
        """Remember ``value`` in the cassette's ``metadata`` (written on the next save)."""
        if self.cassette.metadata.get(key) != value:
            self.cassette.metadata[key] = value
            self._metadata_dirty = True
