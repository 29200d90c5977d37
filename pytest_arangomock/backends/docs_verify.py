"""Check the emulator against cassettes of a real server: ``arangomock cassette verify DIR``.

A cassette converted from ArangoDB's documented examples (``tools/docs_to_cassettes.py``)
holds set-up requests, answered by the emulator when it was converted, and documented
steps answered by a real 3.12 server. Its ``metadata.compare`` maps each documented
step's position to the paths whose values change from run to run (``volatile``: JSONPath
patterns ``$.a[0].b``, ``[*]``, ``.*``, ``..key``, or ``[pattern, regex]`` to mask only
matching strings) and the arrays whose order is not specified (``unordered``).

Each cassette is replayed against a fresh emulator: set-up answers teach the id
correspondence (:class:`ValueMap`), documented answers are compared (status, then the JSON
body with volatile values masked on both sides). A cassette without ``compare`` metadata
is compared at every interaction. Differences listed in the directory's known-gaps file
(``path[#position]  # reason``) are reported but do not fail; a listed gap that agrees now
fails the run until its line is removed, so the list only shrinks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..backend import BackendResponse, answer_sync
from ..emulator import Emulator
from .cassette import Cassette
from .normalize import ValueMap, parse_json, unified

__all__ = ["DocsReport", "read_gaps", "verify_directory"]

GAPS_FILE = "KNOWN_GAPS.txt"
_MASK = "<volatile>"
_TOKEN = re.compile(
    r'\.\.([A-Za-z_$][\w$]*)|\.([A-Za-z_$][\w$]*|\*)|\[(\d+|\*|"(?:[^"\\]|\\.)*")\]'
)


@dataclass
class DocsReport:
    """What a verify run found: counts for the summary line and the differences."""

    cassettes: int = 0
    compared: int = 0
    agree: int = 0
    known: list[str] = field(default_factory=list)
    differ: list[tuple[str, str]] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.differ or self.fixed)

    def summary(self) -> str:
        return (
            f"CASSETTE_VERIFY cassettes={self.cassettes} steps={self.compared} "
            f"agree={self.agree} known_gaps={len(self.known)} differ={len(self.differ)} "
            f"fixed_gaps={len(self.fixed)}"
        )


# ------------------------------------------------------------------ path patterns
def _tokens(pattern: str) -> list[tuple[str, str]]:
    """``$.a[0]..b.*`` as (kind, name) steps: key, index, any, deep."""
    if not pattern.startswith("$"):
        raise ValueError(f"not a path pattern: {pattern!r}")
    out: list[tuple[str, str]] = []
    rest = pattern[1:]
    while rest:
        match = _TOKEN.match(rest)
        if match is None:
            raise ValueError(f"not a path pattern: {pattern!r}")
        deep, key, bracket = match.groups()
        if deep is not None:
            out.append(("deep", deep))
        elif key == "*" or bracket == "*":
            out.append(("any", ""))
        elif key is not None:
            out.append(("key", key))
        elif bracket.startswith('"'):
            out.append(("key", json.loads(bracket)))
        else:
            out.append(("index", bracket))
        rest = rest[match.end() :]
    return out


def _apply(value: Any, steps: list[tuple[str, str]], change: Any) -> Any:
    """``value`` with ``change`` applied wherever ``steps`` lead (copies on the way)."""
    if not steps:
        return change(value)
    (kind, name), rest = steps[0], steps[1:]
    if kind == "key" and isinstance(value, dict) and name in value:
        return {**value, name: _apply(value[name], rest, change)}
    if kind == "index" and isinstance(value, list) and int(name) < len(value):
        i = int(name)
        return [*value[:i], _apply(value[i], rest, change), *value[i + 1 :]]
    if kind == "any" and isinstance(value, dict):
        return {k: _apply(v, rest, change) for k, v in value.items()}
    if kind == "any" and isinstance(value, list):
        return [_apply(v, rest, change) for v in value]
    if kind == "deep":
        if isinstance(value, dict):
            out = {k: _apply(v, steps, change) for k, v in value.items()}
            if name in out:
                out[name] = _apply(value[name], rest, change)
            return out
        if isinstance(value, list):
            return [_apply(v, steps, change) for v in value]
    return value


def _masker(regex: str | None) -> Any:
    if regex is None:
        return lambda v: _MASK
    compiled = re.compile(regex)
    return lambda v: _MASK if isinstance(v, str) and compiled.search(v) else v


def _canonical(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    return value


def normalise(value: Any, volatile: Iterable[Any], unordered: Iterable[str]) -> Any:
    """``value`` with volatile values masked and unordered arrays sorted."""
    for pattern in volatile:
        path, regex = (pattern[0], pattern[1]) if isinstance(pattern, list) else (pattern, None)
        value = _apply(value, _tokens(str(path)), _masker(regex))
    for path in unordered:
        value = _apply(value, _tokens(path), _canonical)
    return value


# ------------------------------------------------------------------ comparing
def _difference(recorded: BackendResponse, reply: BackendResponse, rules: dict[str, Any]) -> str:
    lines = []
    if recorded.status != reply.status:
        lines.append(f"status: recorded {recorded.status}, emulator {reply.status}")
    ref, other = parse_json(recorded.body), parse_json(reply.body)
    if ref is None or other is None:
        if recorded.body.strip() != reply.body.strip():
            lines.append("body: differs (not JSON)")
        return "\n".join(lines)
    volatile, unordered = rules.get("volatile") or [], rules.get("unordered") or []
    ref, other = normalise(ref, volatile, unordered), normalise(other, volatile, unordered)
    if ref != other:
        a = json.dumps(ref, indent=1, sort_keys=True, ensure_ascii=False)
        b = json.dumps(other, indent=1, sort_keys=True, ensure_ascii=False)
        lines.append(unified(a, b, "recorded", "emulator"))
    return "\n".join(lines)


def verify_cassette(cassette: Cassette) -> list[tuple[int, str]]:
    """Replay one cassette against a fresh emulator; (position, difference) per step that
    differs."""
    emulator = Emulator(authentication=False)
    compare = cassette.metadata.get("compare")
    values = ValueMap()
    found = []
    for position, interaction in enumerate(cassette.interactions):
        request = values.translate_request(interaction.request)
        reply = answer_sync(emulator, request)
        rules = compare.get(str(position)) if isinstance(compare, dict) else {}
        if rules is None:  # a set-up request: its answer only teaches ids
            values.learn_responses(interaction.response, reply)
            continue
        diff = _difference(interaction.response, reply, rules)
        if diff:
            found.append((position, diff))
        # later requests name the ids the real server gave in this documented answer
        values.learn_responses(interaction.response, reply)
    return found


def steps_of(cassette: Cassette) -> int:
    compare = cassette.metadata.get("compare")
    return len(compare) if isinstance(compare, dict) else len(cassette.interactions)


def read_gaps(path: Path) -> dict[str, str]:
    """The known-gaps list: ``cassette[#position]`` -> reason (``#`` starts a comment)."""
    gaps: dict[str, str] = {}
    if not path.is_file():
        return gaps
    for raw in path.read_text(encoding="utf-8").splitlines():
        entry, _, reason = raw.partition("  #")
        entry = entry.strip()
        if entry and not entry.startswith("#"):
            gaps[entry] = reason.strip()
    return gaps


def verify_directory(root: Path, gaps_file: Path | None = None) -> DocsReport:
    """Verify every cassette below ``root`` against the known-gaps list."""
    gaps = read_gaps(gaps_file or root / GAPS_FILE)
    report = DocsReport()
    used: set[str] = set()
    for path in sorted(root.rglob("*.yaml")):
        name = path.relative_to(root).as_posix()
        cassette = Cassette.load(path)
        report.cassettes += 1
        steps = steps_of(cassette)
        report.compared += steps
        differences = verify_cassette(cassette)
        report.agree += steps - len(differences)
        for position, diff in differences:
            entry = next((e for e in (f"{name}#{position}", name) if e in gaps), None)
            if entry is None:
                report.differ.append((f"{name}#{position}", diff))
            else:
                used.add(entry)
                report.known.append(f"{name}#{position}")
    report.fixed = sorted(set(gaps) - used)
    return report
