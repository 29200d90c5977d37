"""Backends beyond the emulator: live, cassette record/replay, verify (differential), faults.

They all answer :class:`~pytest_arangomock.backend.BackendRequest` and compose: a cassette
backend records what its inner backend (live, or the emulator) answers; verify sends each
request to the live server and to the emulator; the faults wrapper makes hosts of a
deployment go down. :mod:`.factory` builds the right one for a mode.

The names below load with their module on first use: emulate mode, which needs only
:mod:`.runs` and :mod:`.faults`, never pays for vcrpy, PyYAML or aiohttp.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

#: each public name and the module that defines it
_HOMES = {
    "Cassette": "cassette",
    "CassetteFormatError": "cassette",
    "Interaction": "cassette",
    "FaultsBackend": "faults",
    "LiveBackend": "live",
    "LiveConnectionError": "live",
    "DEFAULT_MATCH_ON": "normalize",
    "register_matcher": "normalize",
    "RECORD_MODES": "record",
    "CassetteBackend": "record",
    "RedactionRules": "redact",
    "CassetteError": "replay",
    "CassetteNotFoundError": "replay",
    "RecordModeError": "replay",
    "UnmatchedRequestError": "replay",
    "UnusedInteractionsError": "replay",
    "Drift": "verify",
    "DriftWarning": "verify",
    "VerifyBackend": "verify",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


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
