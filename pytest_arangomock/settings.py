"""What a test run is configured to do: the resolved ``--arango-*`` options and per-test overrides.

Plain data with no imports of ours, so that the pytest plugin can read its options at start-up
without loading the emulator, the AQL engine or any HTTP client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MODES", "RECORD_MODES", "RunOptions", "Settings"]

#: what answers the drivers (``--arango-mode``)
MODES = ("emulate", "live", "record", "replay", "verify")

#: vcrpy's record modes (``--arango-record-mode``)
RECORD_MODES = ("none", "once", "new_episodes", "all")


@dataclass
class Settings:
    """The resolved ``--arango-*`` options (command line, then environment, then ini)."""

    mode: str = "emulate"
    url: str = ""
    password: str = ""
    root_password: str = ""
    cassette_dir: Path = Path("cassettes")
    record_mode: str = "once"
    allow_unused: bool = True
    verify: str = "fail"
    match_on: tuple[str, ...] = ("method", "path", "query", "body")
    cassette_format: str = "yaml"
    redact_headers: list[str] = field(default_factory=list)
    redact_fields: list[str] = field(default_factory=list)
    redact_patterns: list[str] = field(default_factory=list)
    verify_ignore: list[str] = field(default_factory=list)
    #: ArangoDB's ``--vector-index`` startup option on the emulated server
    vector_index: bool = True

    @property
    def emulator_password(self) -> str:
        """root's password on an emulator standing in for (or beside) the live server."""
        return self.password if self.mode != "emulate" else self.root_password


@dataclass(frozen=True)
class RunOptions:
    """Per-test overrides of :class:`Settings` (the ``arango`` marker); ``None``: the setting."""

    cassette: Path | None = None
    record_mode: str | None = None
    allow_unused: bool | None = None
    match_on: Sequence[str] | None = None
    verify: str | None = None
