"""pytest plugin for the driver's suite: the tests in ``driver_suite_expected.txt`` are strict
expected failures, each with the reason written beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

LIST = Path(__file__).resolve().parent / "driver_suite_expected.txt"


def expected() -> dict[str, str]:
    """``node id -> reason`` from the list (``node id  # reason`` lines; ``#`` lines are notes)."""
    out: dict[str, str] = {}
    for line in LIST.read_text(encoding="utf-8").splitlines():
        node, _, reason = line.partition("#")
        if node.strip():
            out[node.strip()] = reason.strip()
    return out


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    listed = expected()
    for item in items:
        reason = listed.get(item.nodeid)
        if reason is not None:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
