"""The package stays typed (mypy --strict) and lint-clean (ruff), as the project requires."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TREES = ["pytest_arangomock", "tests", "examples", "benchmarks", "tools"]


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_ruff_lint_and_format() -> None:
    lint = _run("ruff", "check", *TREES)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = _run("ruff", "format", "--check", *TREES)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_strict_on_the_package() -> None:
    pytest.importorskip("mypy")
    result = _run(sys.executable, "-m", "mypy", "pytest_arangomock")
    assert result.returncode == 0, result.stdout + result.stderr


#: generated tables, exempt from the size rule
GENERATED = {"pytest_arangomock/base/_catalog.py", "pytest_arangomock/emulator/documented.py"}


def _package_files() -> list[Path]:
    return sorted((ROOT / "pytest_arangomock").rglob("*.py"))


def test_no_module_over_a_thousand_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in _package_files()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 1000
        and str(path.relative_to(ROOT)) not in GENERATED
    }
    assert long == {}, "split these along their seams"


#: function-level imports of our own modules that are there on purpose, with why
LAZY_OWN_IMPORTS = {
    # each sub-command loads only what it needs (start-up time of `arangomock`)
    "pytest_arangomock/cli.py": "start-up",
    # the driver transports load their driver library, serve mode aiohttp, when a fixture asks
    "pytest_arangomock/plugin.py": "optional drivers and pytest start-up",
    # interception and loopback coordinators load aiohttp only for a test that asks
    "pytest_arangomock/fixtures_intercept.py": "pytest start-up",
    # a client whose library is missing skips its backend instead of failing the import
    "pytest_arangomock/contract/conftest.py": "optional drivers",
    # `from pytest_arangomock import InProcessHTTPClient` loads arangoasync on first use
    "pytest_arangomock/__init__.py": "optional driver",
}


def _imports_our_own(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").startswith("pytest_arangomock")
    return isinstance(node, ast.Import) and any(
        a.name.startswith("pytest_arangomock") for a in node.names
    )


def test_no_function_level_import_of_our_own_modules() -> None:
    """An import of ours inside a function hides a dependency (often a cycle): keep them at the
    top of the module, except where a module lists why it defers one."""
    found: list[str] = []
    for path in _package_files():
        rel = str(path.relative_to(ROOT))
        if rel in LAZY_OWN_IMPORTS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            found.extend(f"{rel}:{node.lineno}" for node in ast.walk(fn) if _imports_our_own(node))
    assert found == []
