"""The coverage page is generated from the route table and must be current."""

from __future__ import annotations

import importlib
from pathlib import Path

from pytest_arangomock import coverage
from pytest_arangomock.emulator.router import (
    ROUTES,
    Router,
    complete_table,
    documented_operations,
    is_emulated,
)

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


def _page_rows() -> dict[tuple[str, str], tuple[str, str]]:
    """(method, path) -> (handler cell, status) of the page's per-area tables."""
    rows = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 5 and cells[4] in ("emulated", "501"):
            rows[cells[0], cells[1].strip("`")] = (cells[3].strip("`"), cells[4])
    return rows


def test_coverage_page_names_the_handler_of_every_documented_operation() -> None:
    """Each row names the function the route table sends the operation to; one that only
    answers 501 counts as not emulated."""
    rows = _page_rows()
    router = Router(complete_table(ROUTES))
    for method, path, _, _ in documented_operations():
        handler, status = rows[method, path]
        r = router.match(method, path)[0]
        assert r is not None, (method, path)
        if r.handler is None:
            assert (handler, status) == ("-", "501"), (method, path)
            continue
        module, _, function = handler.rpartition(".")
        served = getattr(
            importlib.import_module(f"pytest_arangomock.emulator.api.{module}"), function
        )
        assert served is r.handler, (method, path, handler)
        assert status == ("emulated" if r.emulated else "501"), (method, path)
