"""Backends beyond the emulator: live, cassette record/replay, verify (differential), faults.

They all answer :class:`~pytest_arangomock.backend.BackendRequest` and compose: a cassette
backend records what its inner backend (live, or the emulator) answers; verify sends each
request to the live server and to the emulator; the faults wrapper makes hosts of a
deployment go down. :mod:`.factory` builds the right one for a mode.
"""

from .cassette import Cassette, CassetteFormatError, Interaction
from .faults import FaultsBackend
from .live import LiveBackend, LiveConnectionError
from .normalize import DEFAULT_MATCH_ON, register_matcher
from .record import RECORD_MODES, CassetteBackend
from .redact import RedactionRules
from .replay import (
    CassetteError,
    CassetteNotFoundError,
    RecordModeError,
    UnmatchedRequestError,
    UnusedInteractionsError,
)
from .verify import Drift, DriftWarning, VerifyBackend

__all__ = [
    "DEFAULT_MATCH_ON",
    "RECORD_MODES",
    "Cassette",
    "CassetteBackend",
    "CassetteError",
    "CassetteFormatError",
    "CassetteNotFoundError",
    "Drift",
    "DriftWarning",
    "FaultsBackend",
    "Interaction",
    "LiveBackend",
    "LiveConnectionError",
    "RecordModeError",
    "RedactionRules",
    "UnmatchedRequestError",
    "UnusedInteractionsError",
    "VerifyBackend",
    "register_matcher",
]
