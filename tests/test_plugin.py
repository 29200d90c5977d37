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
