"""The shipped contract suite: it runs as ``pytest --pyargs pytest_arangomock.contract``
outside any project, every backend agrees, and a backend that gets one field or one
status wrong fails it with a diff that names the difference.

The suite runs in subprocesses from an empty directory (no ini file, so pytest-asyncio's
strict mode and no project conftest: what an installed package sees).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_arangomock import Emulator
from pytest_arangomock.backend import Backend, BackendRequest, BackendResponse
from pytest_arangomock.serve import serving

HERE = Path(__file__).parent
BACKENDS = ["inprocess", "aiohttp", "httpx", "aiosonic", "replay"]
PYTEST = (sys.executable, "-m", "pytest", "--pyargs", "pytest_arangomock.contract")


def run_contract(
    tmp_path: Path,
    *args: str,
    backend: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> tuple[int, str]:
    """Run the installed contract suite from ``tmp_path``: (exit code, output)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARANGO", "PYTEST_")) and k != "PYTHONPATH"
    }
    env["PYTHONPATH"] = str(HERE)
    if backend:
        env["ARANGOMOCK_CONTRACT_BACKEND"] = f"{Path(__file__).stem}:{backend}"
    env.update(extra_env or {})
    proc = subprocess.run(
        [*PYTEST, "-p", "no:cacheprovider", "-p", "no:xdist", "-rfs", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc.returncode, proc.stdout + proc.stderr


class _Rewriting(Backend):
    """The emulator with its answers passed through ``rewrite`` (a deliberately bad backend)."""

    def __init__(self, rewrite: Callable[[BackendResponse], BackendResponse]) -> None:
        self.inner = Emulator()
        self.rewrite = rewrite

    async def handle(self, request: BackendRequest) -> BackendResponse:
        return self.rewrite(await self.inner.handle(request))


def _upper_ids(value: Any) -> Any:
    if isinstance(value, list):
        return [_upper_ids(v) for v in value]
    if isinstance(value, dict):
        return {
            k: ("items/A" if k == "_id" and v == "items/a" else _upper_ids(v))
            for k, v in value.items()
        }
    return value


def _corrupt_id(resp: BackendResponse) -> BackendResponse:
    if not resp.body.startswith((b"{", b"[")):
        return resp
    body = json.dumps(_upper_ids(json.loads(resp.body)), separators=(",", ":")).encode()
    return BackendResponse(resp.status, resp.headers, body)


def _conflict_as_bad_request(resp: BackendResponse) -> BackendResponse:
    if resp.status != 409:
        return resp
    body = json.loads(resp.body)
    body["code"] = 400
    return BackendResponse(400, resp.headers, json.dumps(body).encode())


# factories named by ARANGOMOCK_CONTRACT_BACKEND in the subprocesses
def honest() -> Backend:
    return Emulator()


def corrupt() -> Backend:
    """One wrong field (``_id`` of ``items/a``) and one wrong status (409 answered as 400)."""
    return _Rewriting(lambda resp: _conflict_as_bad_request(_corrupt_id(resp)))


def test_suite_passes_on_every_backend(tmp_path: Path) -> None:
    code, out = run_contract(tmp_path, "-v", backend="honest")
    assert code == 0, out
    assert "skipped" not in out and "FAILED" not in out and "[live" not in out
    passed = re.findall(r"::(\w+)\[(\w+)[^ ]* PASSED", out)
    per_backend = {b: sorted(t for t, bk in passed if bk == b) for b in [*BACKENDS, "custom"]}
    reference = per_backend["inprocess"]
    assert len(reference) >= 40
    for backend, tests in per_backend.items():
        assert tests == reference, backend
    summary = re.search(r"(\d+) passed", out)
    assert summary and int(summary.group(1)) == len(passed) == len(reference) * 6


def test_live_backend_uses_its_own_names_and_cleans_up(tmp_path: Path) -> None:
    """An emulator served on loopback stands in for the live server given by ARANGO_URL."""
    server = Emulator(root_password="secret")
    before = (sorted(server.server.databases), sorted(server.server.users))
    with serving(server) as srv:
        code, out = run_contract(
            tmp_path,
            "-q",
            "-k",
            "live and (test_auth or test_duplicate_key)",
            extra_env={"ARANGO_URL": srv.url, "ARANGO_PASSWORD": "secret"},
        )
    assert code == 0, out
    assert re.search(r"\b4 passed", out), out
    assert (sorted(server.server.databases), sorted(server.server.users)) == before


def test_a_wrong_backend_fails_with_readable_diffs(tmp_path: Path) -> None:
    code, out = run_contract(tmp_path, "-k", "custom and test_documents", backend="corrupt")
    assert code == 1, out
    failed = set(re.findall(r"FAILED \S+::(\w+)\[custom", out))
    assert {"test_insert_returns_metadata_and_new", "test_duplicate_key"} <= failed
    assert "test_illegal_keys" not in failed  # untouched answers still pass
    # the field: a dict diff naming the key and both values
    assert "Differing items:" in out
    assert "{'_id': 'items/A'} != {'_id': 'items/a'}" in out
    # the status: the (errorNum, status) pair with the differing position
    assert "assert (1210, 400) == (1210, 409)" in out
    assert "At index 1 diff: 400 != 409" in out
