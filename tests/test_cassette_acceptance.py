"""Acceptance: record through the live backend against ``arangomock serve``, replay with the
server stopped, through arangoasync and python-arango; secrets never reach the cassettes;
replay errors (unmatched, missing cassette, record modes, unused) explain themselves.

Each run is pytest itself in a subprocess on a generated test file, the way users run it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from base64 import b64encode
from pathlib import Path

from pytest_arangomock import Emulator
from pytest_arangomock.backends.redact import REDACTED_SIGNATURE
from pytest_arangomock.serve import serving

PASSWORD = "R00t-s3cret-pw"
USER_PASSWORD = "alice-s3cret-pw"


def start_pytest(
    tmp_path: Path, source: str, *args: str, name: str = "test_user.py", xdist: bool = False
) -> subprocess.Popen[str]:
    """Run pytest on ``source`` (written to ``tmp_path/name``) in a subprocess."""
    (tmp_path / name).write_text(textwrap.dedent(source))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARANGO_")}
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [
        sys.executable, "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider",
        *(("-n", "2") if xdist else ("-p", "no:xdist")),
        "-o", "asyncio_mode=auto", "--rootdir", str(tmp_path), *args, str(tmp_path / name),
    ]  # fmt: skip
    return subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=180)
    return proc.returncode, out


def run_pytest(tmp_path: Path, source: str, *args: str, xdist: bool = False) -> tuple[int, str]:
    return finish(start_pytest(tmp_path, source, *args, xdist=xdist))


def cassette_text(directory: Path) -> str:
    return "\n".join(p.read_text() for p in sorted(directory.rglob("*.yaml")))


# an extra field to redact (an ini option, so record and replay key requests alike)
REDACT_NOTE = ("-o", "arango_redact_fields=secretNote")

USER_TESTS = f"""
    import pytest
    from arangoasync.auth import Auth

    async def test_async_driver(arango_db, arango_client, arango_root_password):
        col = await arango_db.create_collection("things")
        await col.add_index(type="persistent", fields=["v"])
        await col.insert({{"_key": "a", "v": 1, "secretNote": "classified-123"}})
        meta = await col.insert({{"v": 2}})  # a generated key
        assert (await col.get(meta["_key"]))["v"] == 2
        assert "things" in [c["name"] for c in await arango_db.collections()]
        cursor = await arango_db.aql.execute("FOR d IN things SORT d.v RETURN d.v", batch_size=1)
        assert [x async for x in cursor] == [1, 2]
        # a JWT session: /_open/auth with the password, then bearer tokens
        jwt_db = await arango_client.db(
            arango_db.name, auth_method="jwt", auth=Auth("root", arango_root_password)
        )
        assert await jwt_db.has_collection("things")

    def test_sync_driver(arango_sync_db, arango_sync_client, arango_root_password):
        col = arango_sync_db.create_collection("things")
        meta = col.insert({{"v": 1}})
        col.update({{"_key": meta["_key"], "_rev": meta["_rev"], "v": 2}}, check_rev=True)
        assert col.get(meta["_key"])["v"] == 2
        sys_db = arango_sync_client.db("_system", username="root", password=arango_root_password)
        name = "u_" + arango_sync_db.name
        sys_db.create_user(name, password="{USER_PASSWORD}")
        assert sys_db.has_user(name)
        sys_db.delete_user(name)

    def test_version(arango_sync_client, arango_root_password):
        sys_db = arango_sync_client.db("_system", username="root", password=arango_root_password)
        assert sys_db.version().startswith("3.12")
"""


def test_record_then_replay_with_the_server_stopped(tmp_path: Path) -> None:
    tapes = tmp_path / "tapes"
    emulator = Emulator(root_password=PASSWORD)
    with serving(emulator) as srv:
        # under xdist: one cassette per test, written atomically by whichever worker ran it
        code, out = run_pytest(
            tmp_path, USER_TESTS, "--arango-mode=record", f"--arango-url={srv.url}",
            f"--arango-password={PASSWORD}", f"--arango-cassette-dir={tapes}", *REDACT_NOTE,
            xdist=True,
        )  # fmt: skip
        assert code == 0, out
        assert "3 passed" in out
        # the fixtures' databases were created on the server and dropped again
        assert sorted(emulator.server.databases) == ["_system"]
        assert any(r.path == "/_api/database" and r.method == "POST" for r in emulator.requests)

    files = sorted(p.relative_to(tapes).as_posix() for p in tapes.rglob("*.yaml"))
    assert files == [
        "test_user/test_async_driver.yaml",
        "test_user/test_sync_driver.yaml",
        "test_user/test_version.yaml",
    ]
    text = cassette_text(tapes)
    # no password, Authorization value or real JWT on disk
    basic = b64encode(f"root:{PASSWORD}".encode()).decode()
    for secret in (PASSWORD, USER_PASSWORD, basic, "classified-123"):
        assert secret not in text
    assert re.search(r"(?i)(basic|bearer) (?!<redacted>)\S", text) is None
    tokens = re.findall(r"eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*", text)
    assert tokens, "the JWT session was recorded"
    assert all(t.endswith("." + REDACTED_SIGNATURE) for t in tokens)

    # the server is gone: replay must not need it, and must use every interaction
    code, out = run_pytest(
        tmp_path, USER_TESTS, "--arango-mode=replay", f"--arango-cassette-dir={tapes}",
        "--arango-allow-unused=false", *REDACT_NOTE,
    )  # fmt: skip
    assert code == 0, out
    assert "3 passed" in out

    # and a fresh emulator answers the recorded requests (JWT login included) the same way
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest_arangomock.cli",
            "cassette",
            "verify",
            *map(str, tapes.rglob("*.yaml")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("agree with the emulator") == 3


CHANGED_TESTS = """
    import pytest

    async def test_async_driver(arango_db):
        await arango_db.create_collection("other_name")  # not what was recorded

    def test_sync_driver(arango_sync_db):
        arango_sync_db.create_collection("renamed")  # not what was recorded

    def test_version(arango_sync_client):
        pass  # recorded a request, sends none

    def test_never_recorded(arango_sync_db):
        pass

    @pytest.mark.arango(cassette="test_version")  # relative to the module's cassette folder
    def test_swallowed(arango_sync_client):
        sys_db = arango_sync_client.db("_system", username="root", password="")
        with pytest.raises(Exception):
            sys_db.collections()  # unmatched, and the test swallows the error

    @pytest.mark.arango(record_mode="sometimes")
    def test_bad_record_mode(arango_sync_db):
        pass
"""

ONCE_TESTS = """
    def test_version(arango_sync_client, arango_root_password):
        sys_db = arango_sync_client.db("_system", username="root", password=arango_root_password)
        sys_db.version()
        sys_db.collections()  # new: not in the cassette
"""


def _record(tmp_path: Path, tapes: Path) -> None:
    with serving(Emulator(root_password=PASSWORD)) as srv:
        code, out = run_pytest(
            tmp_path, USER_TESTS, "--arango-mode=record", f"--arango-url={srv.url}",
            f"--arango-password={PASSWORD}", f"--arango-cassette-dir={tapes}",
        )  # fmt: skip
    assert code == 0, out


def test_replay_errors_explain_themselves(tmp_path: Path) -> None:
    tapes = tmp_path / "tapes"
    _record(tmp_path, tapes)
    changed = start_pytest(
        tmp_path, CHANGED_TESTS, "--arango-mode=replay", f"--arango-cassette-dir={tapes}",
        name="test_user.py",
    )  # fmt: skip
    once_dir = tmp_path / "once"
    once_dir.mkdir()
    (once_dir / "tapes").symlink_to(tapes, target_is_directory=True)
    server = Emulator(root_password=PASSWORD)
    with serving(server) as srv:
        once = start_pytest(
            once_dir, ONCE_TESTS, "--arango-mode=record", f"--arango-url={srv.url}",
            f"--arango-password={PASSWORD}", f"--arango-cassette-dir={once_dir / 'tapes'}",
            name="test_user.py",
        )  # fmt: skip
        code, out = finish(changed)
        once_code, once_out = finish(once)

    assert code == 1, out
    assert "3 failed, 1 passed, 3 errors" in out
    # an error the test swallowed still fails it
    assert "FAILED test_user.py::test_swallowed" in out
    assert "no recorded interaction matches GET /_db/_system/_api/collection" in out
    # unmatched requests, through both drivers: the closest candidates and what differed
    assert "no recorded interaction matches POST /_db/t_test_async_driver_" in out
    assert "no recorded interaction matches POST /_db/t_test_sync_driver_" in out
    assert "closest recorded (recorded -> sent):" in out
    assert 'body.name: "things" -> "other_name"' in out
    assert 'body.name: "things" -> "renamed"' in out
    assert "--arango-mode=replay" in out and "--arango-record-mode=rewrite" in out
    # the cassette of a test that was never recorded
    assert re.search(r"cassette \S+test_never_recorded\.yaml not found", out)
    # an invalid record mode on the marker
    assert "'sometimes' is not a valid record mode" in out
    # the recorded request test_version no longer sends
    assert "1 recorded interaction(s) in" in out and "were never requested" in out
    assert "GET /_db/_system/_api/version" in out

    # record mode 'once' with an existing cassette: replayed, and the new request refused
    assert once_code == 1, once_out
    assert "no recorded interaction matches GET /_db/_system/_api/collection" in once_out
    assert "the cassette exists, so 'once' replays it and records nothing new" in once_out
    # replaying never touched the server (only the start-up check did)
    assert [r.path for r in server.requests] == ["/_api/version"]


EMULATED_TESTS = """
    async def test_recorded_from_the_emulator(arango_db):
        await arango_db.create_collection("c")
        assert await arango_db.has_collection("c")
"""


def test_record_from_the_emulator_without_a_server_as_json(tmp_path: Path) -> None:
    tapes = tmp_path / "tapes"
    options = (f"--arango-cassette-dir={tapes}", "--arango-cassette-format=json")
    code, out = run_pytest(
        tmp_path, EMULATED_TESTS, "--arango-mode=record", "--arango-record-emulator=true", *options
    )
    assert code == 0, out
    (path,) = list(tapes.rglob("*.json"))
    assert path.name == "test_recorded_from_the_emulator.json"
    metadata = json.loads(path.read_text())["metadata"]
    assert metadata["recorded_from"] == "emulator"
    code, out = run_pytest(tmp_path, EMULATED_TESTS, "--arango-mode=replay", *options)
    assert code == 0, out
    assert "1 passed" in out
