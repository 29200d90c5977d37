"""What a test run is configured to do: the resolved ``--arango-*`` options and per-test overrides.

Plain data with no imports of ours, so that the pytest plugin can read its options at start-up
without loading the emulator, the AQL engine or any HTTP client.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["MODES", "RECORD_MODES", "Redaction", "RunOptions", "Settings", "ini_redaction"]

#: what answers the drivers (``--arango-mode``)
MODES = ("emulate", "live", "record", "replay", "verify")

#: vcrpy's record modes plus ``rewrite`` (delete the cassette, record it again)
RECORD_MODES = ("none", "once", "new_episodes", "all", "rewrite")

#: vcrpy's hook shapes: a request or a response dict in, the same (or ``None``: drop) out
Hook = Callable[[Any], Any]


@dataclass(frozen=True)
class Redaction:
    """Which credentials are scrubbed from cassettes; one value for recording, matching and
    the ``arangomock cassette redact`` command (ini ``arango_redact_*``).

    ``defaults`` off keeps only the extra names and patterns given here.
    """

    defaults: bool = True
    headers: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


@dataclass
class Settings:
    """The resolved ``--arango-*`` options (command line, then environment, then ini)."""

    mode: str = "emulate"
    url: str = ""
    password: str = ""
    root_password: str = ""
    #: ``None``: beside each test module (``<test dir>/cassettes/<module>/<test>.yaml``)
    cassette_dir: Path | None = None
    record_mode: str = "once"
    allow_unused: bool = False
    verify: str = "fail"
    match_on: tuple[str, ...] = ("method", "path", "query", "body")
    cassette_format: str = "yaml"
    redaction: Redaction = field(default_factory=Redaction)
    verify_ignore: list[str] = field(default_factory=list)
    #: ArangoDB's ``--vector-index`` startup option on the emulated server
    vector_index: bool = True
    #: record mode without a URL records the emulator only when asked to
    record_emulator: bool = False
    #: never reach a live server (pytest-recording's ``--block-network``)
    block_live: bool = False
    #: where the test run's root is (relative cassette directories start there)
    rootdir: Path = Path(".")
    #: what the live server said it is at start (``version``, ``license``), for cassettes
    server: dict[str, str] = field(default_factory=dict)
    #: options given on the command line: they win over ``arango_config`` and markers
    explicit: frozenset[str] = frozenset()

    @property
    def emulator_password(self) -> str:
        """root's password on an emulator standing in for (or beside) the live server."""
        return self.password if self.mode != "emulate" else self.root_password


@dataclass(frozen=True)
class RunOptions:
    """Per-test overrides of :class:`Settings` (the ``arango`` marker, ``arango_config``);
    ``None``: the setting."""

    cassette: Path | None = None
    record_mode: str | None = None
    allow_unused: bool | None = None
    match_on: Sequence[Any] | None = None
    verify: str | None = None
    #: further cassettes replayed read-only beside the test's own
    extra_cassettes: tuple[Path, ...] = ()
    before_record_request: Hook | None = None
    before_record_response: Hook | None = None
    redaction: Redaction | None = None
    #: what the recording stands for, stored in the cassette's metadata
    metadata: dict[str, Any] = field(default_factory=dict)


def _pytest_ini(start: Path) -> dict[str, Any]:
    """The pytest ini options of the project around ``start``, found the way pytest finds
    them (the first of pytest.ini, pyproject.toml, tox.ini, setup.cfg holding a section)."""
    for folder in (start, *start.parents):
        for name, section in (
            ("pytest.ini", "pytest"),
            ("pyproject.toml", ""),
            ("tox.ini", "pytest"),
            ("setup.cfg", "tool:pytest"),
        ):
            path = folder / name
            if not path.is_file():
                continue
            if name == "pyproject.toml":
                try:
                    toml: Any = importlib.import_module("tomllib")
                except ImportError:  # pragma: no cover - Python 3.10 has no TOML reader
                    continue
                data = toml.loads(path.read_text(encoding="utf-8"))
                found = data.get("tool", {}).get("pytest", {}).get("ini_options")
                if isinstance(found, dict):
                    return found
                continue
            # configparser loads here: the pytest plugin imports this module at every start
            parser = importlib.import_module("configparser").ConfigParser(interpolation=None)
            parser.read(path, encoding="utf-8")
            if parser.has_section(section):
                return dict(parser.items(section))
    return {}


def _lines(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else str(value or "").splitlines()
    return tuple(str(v).strip() for v in items if str(v).strip())


def ini_redaction(start: Path) -> Redaction:
    """The ``arango_redact_*`` options of the project around ``start``: what the pytest
    plugin redacts, for ``arangomock cassette redact``."""
    ini = _pytest_ini(start)
    defaults = str(ini.get("arango_redact_defaults", "true")).strip().lower()
    return Redaction(
        defaults=defaults not in ("0", "false", "no", "off"),
        headers=_lines(ini.get("arango_redact_headers")),
        fields=_lines(ini.get("arango_redact_fields")),
        patterns=_lines(ini.get("arango_redact_patterns")),
    )
