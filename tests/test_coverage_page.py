"""The coverage page is generated from the route table and must be current."""

from __future__ import annotations

from pathlib import Path

from pytest_arangomock import coverage
from pytest_arangomock.emulator.router import ROUTES, documented_operations, is_emulated

PAGE = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"


def test_coverage_page_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == coverage.render(), (
        "docs/coverage.md is out of date: "
        "run python -m pytest_arangomock.coverage > docs/coverage.md"
    )


def test_every_documented_operation_is_in_the_route_table(raw) -> None:
    """Unemulated documented operations answer 501 naming the method and path."""
    missing = [
        (method, path)
        for method, path, _, _ in documented_operations()
        if not is_emulated(method, path, ROUTES)
    ]
    assert missing, "nothing left to check"
    for method, path in missing:
        url = path.replace("{", "x").replace("}", "x")
        status, body, _ = raw(method, url)
        assert status == 501, (method, url, status, body)
        assert body["errorNum"] == 9
        assert method in body["errorMessage"] and url in body["errorMessage"]
