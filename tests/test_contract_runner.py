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
from pytest_arangomock.backend import Backend, BackendRequest, BackendResponse, SyncBackend
from pytest_arangomock.serve import serving

HERE = Path(__file__).parent
#: the checkout these tests belong to: its package is the one run (before any installed one)
SOURCE = str(HERE.parent)
#: the parameters of a run without a live server, per driver
DRIVER_TARGETS = {
    "arangoasync": ["inprocess", "aiohttp", "httpx", "aiosonic", "replay", "custom"],
    "python_arango": ["python_arango-inprocess", "python_arango-requests", "python_arango-custom"],
    "aioarango": ["aioarango-inprocess", "aioarango-httpx", "aioarango-custom"],
}
TARGETS = [t for targets in DRIVER_TARGETS.values() for t in targets]
#: what aioarango cannot ask a 3.12 server, skipped with the reason on its parameters
AIOARANGO_GAPS = {"test_insert_many_with_overwrite_modes", "test_get_many_keeps_order"}
PYTEST = (sys.executable, "-m", "pytest", "--pyargs", "pytest_arangomock.contract")


def run_contract(
    tmp_path: Path,
    *args: str,
    backend: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> tuple[int, str]:
    """Run this checkout's contract suite as an installed plugin from ``tmp_path``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARANGO", "PYTEST_")) and k != "PYTHONPATH"
    }
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), SOURCE])
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


class _Rewriting(SyncBackend):
    """The emulator with its answers passed through ``rewrite`` (a deliberately bad backend)."""

    def __init__(self, rewrite: Callable[[BackendResponse], BackendResponse]) -> None:
        self.inner = Emulator()
        self.rewrite = rewrite

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        return self.rewrite(self.inner.handle_sync(request))


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


def _outcomes(out: str, outcome: str) -> list[tuple[str, str]]:
    """``(test, parameter)`` of each ``-v`` line with ``outcome``; the parameter is the
    driver/backend target, the test's own parameters cut off."""
    targets = "|".join(sorted(map(re.escape, TARGETS), key=len, reverse=True))
    return re.findall(rf"::(\w+)\[({targets})(?:-[^\]]*)?\] {outcome}", out)


def test_suite_passes_on_every_backend_and_driver(tmp_path: Path) -> None:
    code, out = run_contract(tmp_path, "-v", "-rs", backend="honest")
    assert code == 0, out
    assert "FAILED" not in out and "live" not in out
    passed, skipped = _outcomes(out, "PASSED"), _outcomes(out, "SKIPPED")
    per_target = {t: sorted(test for test, tg in passed if tg == t) for t in TARGETS}
    reference = per_target["inprocess"]
    assert len(reference) >= 40
    for target, tests in per_target.items():
        gaps = AIOARANGO_GAPS if target.startswith("aioarango") else set()
        assert tests == [test for test in reference if test not in gaps], target
        assert {test for test, tg in skipped if tg == target} == gaps, target
    assert len(skipped) == out.count(" SKIPPED") == 3 * len(AIOARANGO_GAPS)
    assert "aioarango cannot express this: get_many(): it asks PUT" in out
    summary = re.search(r"(\d+) passed", out)
    assert summary and int(summary.group(1)) == len(passed)


def test_a_driver_that_does_not_import_is_skipped(tmp_path: Path) -> None:
    """aioarango is installed without its dependencies: when it cannot be imported, its
    parameters are skipped with the reason and everything else still runs."""
    broken = tmp_path / "broken"
    (broken / "aioarango").mkdir(parents=True)
    (broken / "aioarango" / "__init__.py").write_text("raise ImportError('no httpx')\n")
    code, out = run_contract(
        tmp_path,
        "-v",
        "-rs",
        "-k",
        "test_truncate_and_drop",
        extra_env={"PYTHONPATH": os.pathsep.join([str(broken), str(HERE), SOURCE])},
    )
    assert code == 0, out
    assert re.findall(r"\[aioarango-(\w+)\] SKIPPED", out) == ["inprocess", "httpx"]
    assert "aioarango cannot be imported (pip install --no-deps aioarango)" in out
    assert re.search(r"\b7 passed, 2 skipped", out), out


def test_live_backend_uses_its_own_names_and_cleans_up(tmp_path: Path) -> None:
    """An emulator served on loopback stands in for the live server given by ARANGO_URL,
    reached through each driver."""
    server = Emulator(root_password="secret")
    before = (sorted(server.server.databases), sorted(server.server.users))
    with serving(server) as srv:
        code, out = run_contract(
            tmp_path,
            "-v",
            "-k",
            "live and (test_auth or test_duplicate_key)",
            extra_env={"ARANGO_URL": srv.url, "ARANGO_PASSWORD": "secret"},
        )
    assert code == 0, out
    ran = re.findall(r"\[(\w+-)?live\] PASSED", out)
    assert sorted(set(ran)) == ["", "aioarango-", "python_arango-"]
    assert re.search(r"\b12 passed", out), out
    assert (sorted(server.server.databases), sorted(server.server.users)) == before


def test_a_wrong_backend_fails_with_readable_diffs(tmp_path: Path) -> None:
    code, out = run_contract(tmp_path, "-k", "custom and test_documents", backend="corrupt")
    assert code == 1, out
    failed = re.findall(r"FAILED \S+::(\w+)\[((?:\w+-)?custom)", out)
    for target in ("custom", "python_arango-custom", "aioarango-custom"):
        tests = {test for test, tg in failed if tg == target}
        assert {"test_insert_returns_metadata_and_new", "test_duplicate_key"} <= tests, target
        assert "test_illegal_keys" not in tests  # untouched answers still pass
    # the field: a dict diff naming the key and both values
    assert "Differing items:" in out
    assert "{'_id': 'items/A'} != {'_id': 'items/a'}" in out
    # the status: the (errorNum, status) pair with the differing position
    assert "assert (1210, 400) == (1210, 409)" in out
    assert "At index 1 diff: 400 != 409" in out
