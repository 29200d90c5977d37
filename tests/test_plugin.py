"""The plugin as a user meets it: installed, no conftest, pytest-asyncio strict mode."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from user_suite import run_user_suite

USER_TEST = textwrap.dedent(
    """
    import pytest

    @pytest.mark.asyncio
    async def test_uses_fixture(arango_db, arango_emulator):
        col = await arango_db.create_collection("things")
        await col.insert({"_key": "a", "v": 1})
        assert (await col.get("a"))["v"] == 1
        state = arango_emulator.server.database(arango_db.name)
        assert "a" in state.collection("things").docs

    @pytest.mark.asyncio
    async def test_isolated(arango_db):
        assert not await arango_db.has_collection("things")

    def test_sync_url(arango_url):
        assert arango_url.startswith("http://127.0.0.1:")
    """
)


def _run_pytest(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_user_suite(tmp_path, USER_TEST, "-o", "asyncio_mode=strict", *extra)


def test_installed_plugin_works_without_conftest(tmp_path: Path) -> None:
    proc = _run_pytest(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 passed" in proc.stdout


def test_plugin_under_xdist(tmp_path: Path) -> None:
    proc = _run_pytest(tmp_path, "-n", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 passed" in proc.stdout


LEAN_TEST = textwrap.dedent(
    """
    import sys

    import pytest

    @pytest.mark.asyncio
    async def test_shortcut(arango_db):
        await arango_db.create_collection("c")

    @pytest.mark.asyncio
    async def test_chain(arango_db, arango_emulator):
        assert arango_db.name in arango_emulator.server.databases

    def test_nothing_heavy_loaded():
        assert [m for m in ("vcr", "yaml", "snowballstemmer") if m in sys.modules] == []
    """
)


def test_emulate_mode_loads_no_cassette_or_stemming_library(tmp_path: Path) -> None:
    """The first test of a process pays for what it imports (every xdist worker again)."""
    proc = run_user_suite(tmp_path, LEAN_TEST, "-o", "asyncio_mode=strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 passed" in proc.stdout
