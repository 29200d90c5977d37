"""Record and replay as a pytest-recording user meets them: a small app with two packages
holding same-named modules and tests, recorded against a live server (``arangomock serve``
standing in), replayed with no server, rewritten after a change and verified, through
python-arango-async and python-arango; the cassettes load in vcrpy itself.

Every run is pytest in a subprocess (pytester), the way users run it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import vcr
import yaml

from pytest_arangomock import Emulator
from pytest_arangomock.base.constants import VERSION
from pytest_arangomock.serve import ServerThread, serving

PASSWORD = "app-r00t-pw"

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""

PACKAGE_A = """
async def test_insert(arango_db):
    col = await arango_db.create_collection("items")
    await col.insert({"_key": "a", "pkg": "a", "password": "stored-hash-a"})
    assert (await col.get("a"))["password"] == "stored-hash-a"
"""

PACKAGE_A_CHANGED = """
async def test_insert(arango_db):
    col = await arango_db.create_collection("items")
    await col.insert({"_key": "a", "pkg": "a", "password": "stored-hash-a"})
    await col.insert({"_key": "a2", "pkg": "a"})
    assert await col.count() == 2
"""

PACKAGE_B = """
def test_insert(arango_sync_db):
    col = arango_sync_db.create_collection("items")
    col.insert({"_key": "b", "pkg": "b"})
    assert col.get("b")["pkg"] == "b"
"""


def make_app(pytester: pytest.Pytester, a: str = PACKAGE_A) -> None:
    pytester.makeini(INI)
    for name, source in (("a", a), ("b", PACKAGE_B)):
        package = pytester.mkpydir(name)
        (package / "test_repo.py").write_text(source)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", *args)


@pytest.fixture
def server() -> Iterator[ServerThread]:
    with serving(Emulator(root_password=PASSWORD)) as srv:
        yield srv


def live(srv: ServerThread) -> tuple[str, ...]:
    return ("--arango-mode=record", f"--arango-url={srv.url}", f"--arango-password={PASSWORD}")


def cassettes(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))


def test_record_replay_rewrite_verify_two_packages(
    pytester: pytest.Pytester, server: ServerThread
) -> None:
    make_app(pytester)
    result = run(pytester, *live(server))
    assert result.ret == 0, result.stdout.str()
    # one cassette per package: same-named modules no longer collide
    assert cassettes(pytester.path) == [
        "a/cassettes/test_repo/test_insert.yaml",
        "b/cassettes/test_repo/test_insert.yaml",
    ]
    tape = pytester.path / "a/cassettes/test_repo/test_insert.yaml"
    meta = yaml.safe_load(tape.read_text())["metadata"]
    assert meta["recorded_from"] == "live"
    assert meta["server"] == {"version": VERSION, "license": "enterprise"}
    assert meta["plugin"].startswith("pytest-arangomock ")
    assert meta["recorded_at"][:2] == "20" and meta["test"] == "a/test_repo.py::test_insert"
    assert PASSWORD not in tape.read_text()  # credentials redacted, data kept
    assert "stored-hash-a" in tape.read_text()

    # vcrpy itself reads them
    for path in pytester.path.rglob("*.yaml"):
        with vcr.use_cassette(str(path), record_mode="none") as cassette:
            assert len(cassette) >= 3
            assert all(r.uri.startswith("http://arangodb:8529/") for r in cassette.requests)

    result = run(pytester, "--arango-mode=replay")  # no server at all
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=2)

    # a change: replay names what the user asked for and the mode that re-records
    (pytester.path / "a/test_repo.py").write_text(PACKAGE_A_CHANGED)
    result = run(pytester, "--arango-mode=replay")
    out = result.stdout.str()
    assert result.ret == 1
    assert "no recorded interaction matches POST /_db/" in out
    assert "--arango-mode=replay" in out and "--arango-record-mode=rewrite" in out
    assert "site-packages/arangoasync" not in out  # no driver frames

    result = run(pytester, *live(server), "--arango-record-mode=rewrite")
    assert result.ret == 0, result.stdout.str()
    result = run(pytester, "--arango-mode=replay")
    assert result.ret == 0, result.stdout.str()

    result = run(
        pytester,
        "--arango-mode=verify",
        f"--arango-url={server.url}",
        f"--arango-password={PASSWORD}",
    )
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=2)


def test_configurable_root_mirrors_the_test_tree(pytester: pytest.Pytester) -> None:
    make_app(pytester)
    options = ("--arango-cassette-dir=tapes", "--arango-record-emulator=true")
    result = run(pytester, "--arango-mode=record", *options)
    assert result.ret == 0, result.stdout.str()
    assert cassettes(pytester.path / "tapes") == [
        "a/test_repo/test_insert.yaml",
        "b/test_repo/test_insert.yaml",
    ]
    result = run(pytester, "--arango-mode=replay", "--arango-cassette-dir=tapes")
    assert result.ret == 0, result.stdout.str()


def test_data_named_password_survives_replay_and_defaults_can_be_replaced(
    pytester: pytest.Pytester,
) -> None:
    make_app(pytester)
    run(pytester, "--arango-mode=record", "--arango-record-emulator=true", "a")
    text = (pytester.path / "a/cassettes/test_repo/test_insert.yaml").read_text()
    assert "stored-hash-a" in text and "<redacted>" in text  # Authorization only
    assert run(pytester, "--arango-mode=replay", "a").ret == 0

    # defaults off, one field of our own instead
    pytester.makeini(INI + "arango_redact_defaults = false\narango_redact_fields = pkg\n")
    result = run(
        pytester, "--arango-mode=record", "--arango-record-emulator=true",
        "--arango-record-mode=rewrite", "a",
    )  # fmt: skip
    assert result.ret == 0, result.stdout.str()
    text = (pytester.path / "a/cassettes/test_repo/test_insert.yaml").read_text()
    assert "basic" in text.lower() and "<redacted>" in text and '"pkg":"a"' not in text


REDACT_APP = """
def test_users(arango_sync_client, arango_root_password):
    sys_db = arango_sync_client.db("_system", username="root", password=arango_root_password)
    sys_db.create_user("%s", password="user-s3cret", extra={"api_key": "KEY-1"})
    assert "api_key" in sys_db.user("%s")["extra"]
    sys_db.delete_user("%s")
"""


def test_redact_command_and_matching_share_the_ini_and_secrets_stay_out_of_failures(
    pytester: pytest.Pytester, server: ServerThread
) -> None:
    pytester.makeini(INI + "arango_redact_fields = api_key\n")
    pytester.makepyfile(test_app=REDACT_APP % (("app_user",) * 3))
    result = run(pytester, *live(server))
    assert result.ret == 0, result.stdout.str()
    tape = pytester.path / "cassettes/test_app/test_users.yaml"
    assert "KEY-1" not in tape.read_text() and "user-s3cret" not in tape.read_text()
    # the command reads the same ini: nothing left to scrub...
    redact = pytester.run(sys.executable, "-m", "pytest_arangomock.cli", "cassette", "redact", tape)
    assert "nothing to redact" in redact.stdout.str()
    # ...and replay redacts the real request the same way before matching
    result = run(pytester, "--arango-mode=replay")
    assert result.ret == 0, result.stdout.str()
    # a changed request: the report shows neither the key nor the password
    pytester.makepyfile(test_app=REDACT_APP % (("other_user",) * 3))
    result = run(pytester, "--arango-mode=replay")
    out = result.stdout.str()
    assert "no recorded interaction matches POST /_db/_system/_api/user" in out
    assert 'body.user: "app_user" -> "other_user"' in out
    assert "user-s3cret" not in out and "KEY-1" not in out


STATEFUL = """
async def test_stateful(arango_db):
    col = await arango_db.create_collection("things")
    await col.insert({"_key": "one"})
    assert await col.has("one")
"""

STATEFUL_MORE = """
async def test_stateful(arango_db):
    col = await arango_db.create_collection("things")
    await col.insert({"_key": "one"})
    assert await col.has("one")
    cursor = await arango_db.aql.execute("FOR t IN things RETURN t._key")
    assert [k async for k in cursor] == ["one"]
"""


def test_new_episodes_sends_the_whole_test_to_the_server(
    pytester: pytest.Pytester, server: ServerThread
) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_app=STATEFUL)
    assert run(pytester, *live(server)).ret == 0
    pytester.makepyfile(test_app=STATEFUL_MORE)
    result = run(pytester, "--arango-mode=replay")
    assert result.ret == 1 and "--arango-record-mode=rewrite" in result.stdout.str()
    # the server sees the set-up again, so the new query finds its collection (no 1203)
    result = run(pytester, *live(server), "--arango-record-mode=new_episodes")
    assert result.ret == 0, result.stdout.str()
    result = run(pytester, "--arango-mode=replay")
    assert result.ret == 0, result.stdout.str()


def test_unmatched_request_report_is_short(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_app=STATEFUL_MORE)
    assert run(pytester, "--arango-mode=record", "--arango-record-emulator=true").ret == 0
    pytester.makepyfile(test_app=STATEFUL_MORE.replace("RETURN t._key", "RETURN t._id"))
    result = run(pytester, "--arango-mode=replay", "-rf")
    out = result.stdout.str()
    failure = out[out.index("_ test_stateful _") : out.index("short test summary")]
    assert failure.count("\n") < 15, failure  # the report, not the driver's frames
    assert "--arango-mode=replay" in failure and "record mode 'none'" not in failure
    assert 'body.query: "FOR t IN things RETURN t._key" -> "FOR t IN things RETURN t._id"' in (
        failure
    )
    assert "POST /_db/" in failure and "/_api/collection" not in failure  # no unrelated one
    assert "FAILED test_app.py::test_stateful - arangomock: no recorded interaction" in out


DRIFT = """
import pytest

async def test_lists_system_collections(arango_sys_db):
    names = [c["name"] for c in await arango_sys_db.collections()]
    assert "legacy" in names  # on the live server before the test: not drift

async def test_fails_and_drifts(arango_sys_db):
    await arango_sys_db.collection("legacy").properties()
    assert False, "the test's own failure"
"""


def test_verify_drift_shown_when_the_test_fails_and_preexisting_data_ignored(
    pytester: pytest.Pytester,
) -> None:
    emulator = Emulator(root_password=PASSWORD)
    emulator.server.database("_system").create_collection("legacy")
    pytester.makeini(INI)
    pytester.makepyfile(test_app=DRIFT)
    with serving(emulator) as srv:
        result = run(
            pytester, "--arango-mode=verify", f"--arango-url={srv.url}",
            f"--arango-password={PASSWORD}",
        )  # fmt: skip
    out = result.stdout.str()
    result.assert_outcomes(passed=1, failed=1)
    assert "the test's own failure" in out
    assert "arangomock: emulator drift" in out
    assert "GET /_db/_system/_api/collection/legacy/properties" in out
    assert "/_api/collection?" not in out and "GET /_db/_system/_api/collection\n" not in out


def test_unreachable_live_url_fails_the_session_once(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_app=STATEFUL + "\n\ndef test_two(arango_db):\n    pass\n")
    result = run(pytester, "--arango-mode=record", "--arango-url=http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str().strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("ERROR: arangomock: cannot reach ArangoDB at http://127.0.0.1:9: ")
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_recording_the_emulator_is_an_explicit_choice(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_app=STATEFUL)
    result = run(pytester, "--arango-mode=record")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--arango-record-emulator=true" in result.stderr.str()
    assert not (pytester.path / "cassettes").exists()
    assert run(pytester, "--arango-mode=record", "--arango-record-emulator=true").ret == 0
    tape = pytester.path / "cassettes/test_app/test_stateful.yaml"
    meta = yaml.safe_load(tape.read_text())["metadata"]
    assert meta["recorded_from"] == "emulator" and meta["server"]["version"] == VERSION


CONFIG_APP = """
import pytest

@pytest.fixture(scope="module")
def arango_config():
    def drop_version_calls(request):
        return None if request.path.endswith("/_api/version") else request
    return {"cassette_dir": "recorded", "before_record_request": drop_version_calls}

async def test_first(arango_db):
    await arango_db.create_collection("shared")

@pytest.mark.arango("test_first", allow_unused=True)
async def test_with_shared_cassette(arango_db):
    await arango_db.create_collection("shared")
"""


def test_arango_config_several_cassettes_and_blocked_live(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_app=CONFIG_APP)
    result = run(pytester, "--arango-mode=record", "--arango-record-emulator=true", "-k", "first")
    assert result.ret == 0, result.stdout.str()
    tape = pytester.path / "recorded/test_app/test_first.yaml"
    assert "/_api/version" not in tape.read_text()  # the hook dropped it
    # the second test replays from the first one's cassette (no own cassette needed)
    result = run(pytester, "--arango-mode=replay", "--arango-block-live=true")
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=2)
    # a live server nobody may reach: recording fails with one clear error per request
    result = run(
        pytester, "--arango-mode=record", "--arango-url=http://db.example:8529",
        "--arango-block-live=true", "--arango-record-mode=rewrite", "-k", "first",
    )  # fmt: skip
    assert result.ret == 1
    assert "--arango-block-live forbids it" in result.stdout.str()


def test_unused_interactions_fail_by_default(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_app=STATEFUL_MORE)
    assert run(pytester, "--arango-mode=record", "--arango-record-emulator=true").ret == 0
    pytester.makepyfile(test_app=STATEFUL)
    result = run(pytester, "--arango-mode=replay")
    assert result.ret == 1 and "were never requested" in result.stdout.str()
    result = run(pytester, "--arango-mode=replay", "--arango-allow-unused=true")
    assert result.ret == 0, result.stdout.str()


def test_markers_and_version_are_documented(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--markers")
    assert "@pytest.mark.arango(*cassettes, cassette=None, cassettes=None, record_mode=None" in (
        result.stdout.str()
    )
    version = pytester.run(sys.executable, "-m", "pytest_arangomock.cli", "--version")
    assert version.stdout.str().startswith("arangomock ")
    serve_help = pytester.run(
        sys.executable, "-m", "pytest_arangomock.cli", "serve", "--help"
    ).stdout.str()
    assert serve_help.count("(default:") >= 10


BLOCK_OPTIONAL = """
import importlib.abc
import sys

BLOCKED = {"httpx", "aiosonic", "arango", "aioarango", "requests", "respx", "responses"}


class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(f"No module named {name!r}")
        return None


sys.meta_path.insert(0, NotInstalled())  # a plain install: none of the optional clients
import pytest

sys.exit(pytest.main(["-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:respx", "-q",
                      "-rs", "--pyargs", "pytest_arangomock.contract", "-k", "test_collections"]))
"""


def test_contract_suite_skips_backends_without_their_client(pytester: pytest.Pytester) -> None:
    script = pytester.makepyfile(plain_install=BLOCK_OPTIONAL)
    result = pytester.runpython(script)
    out = result.stdout.str()
    assert result.ret == 0, out + result.stderr.str()
    assert "error" not in out.split("short test summary")[-1].lower()
    assert "httpx cannot be imported (pip install pytest-arangomock[httpx])" in out
    assert "python-arango cannot be imported (pip install pytest-arangomock[sync])" in out
    assert " passed, " in out  # the reference driver's own backends still run
