"""Verify mode: each request goes to the live server and the emulator; differences are reported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from test_cassette_acceptance import run_pytest

from pytest_arangomock import BackendRequest, BackendResponse, Emulator
from pytest_arangomock.backends import DriftWarning, LiveBackend, VerifyBackend
from pytest_arangomock.backends.normalize import ValueMap, difference
from pytest_arangomock.serve import ServerThread, serving
from pytest_arangomock.transports.arangoasync import InProcessHTTPClient

PASSWORD = "verify-pw"


@pytest.fixture
def live_server() -> Iterator[tuple[Emulator, ServerThread]]:
    emulator = Emulator(root_password=PASSWORD)
    emulator.server.database("_system").create_collection("only_live")
    with serving(emulator) as srv:
        yield emulator, srv


@pytest.fixture
def live(live_server: tuple[Emulator, ServerThread]) -> Iterator[LiveBackend]:
    backend = LiveBackend(live_server[1].url)
    try:
        yield backend
    finally:
        backend.close()


def emulator_with_other_ids() -> Emulator:
    """An emulator whose generated ids, keys and revisions differ from the live server's."""
    emu = Emulator(root_password=PASSWORD)
    for _ in range(5000):
        emu.server.clock.next_tick()
    return emu


async def test_generated_values_are_learnt_so_nothing_drifts(
    live: LiveBackend, live_server: tuple[Emulator, ServerThread]
) -> None:
    live_emu, _ = live_server
    emulated = emulator_with_other_ids()
    verify = VerifyBackend(live, emulated)
    client = ArangoClient(hosts="http://x:8529", http_client=InProcessHTTPClient(verify))
    try:
        sys_db = await client.db("_system", auth=Auth("root", PASSWORD))
        await sys_db.create_database("shop")
        db = await client.db("shop", auth=Auth("root", PASSWORD))
        col = await db.create_collection("orders")
        metas = [await col.insert({"n": i}) for i in range(3)]  # generated keys
        got = await col.get(metas[0]["_key"])
        assert got["n"] == 0
        await col.update(
            {"_key": metas[1]["_key"], "n": 10}, if_match=metas[1]["_rev"], ignore_revs=False
        )
        await col.delete(metas[2]["_key"])
        assert await col.count() == 2
        jwt_db = await client.db("shop", auth_method="jwt", auth=Auth("root", PASSWORD))
        assert await jwt_db.has_collection("orders")
    finally:
        await client.close()
    assert verify.drifts == [], verify.failure()
    live_keys = set(live_emu.server.database("shop").collection("orders").docs)
    emulated_keys = set(emulated.server.database("shop").collection("orders").docs)
    assert len(live_keys) == len(emulated_keys) == 2
    assert live_keys != emulated_keys  # different ids: the translation was needed
    assert verify.failure() is None


async def test_a_difference_fails_with_a_readable_diff(live: LiveBackend) -> None:
    verify = VerifyBackend(live, Emulator(root_password=PASSWORD))
    import base64

    auth = {"authorization": "Basic " + base64.b64encode(f"root:{PASSWORD}".encode()).decode()}
    answer = await verify.handle(BackendRequest.from_url("GET", "/_api/collection/only_live", auth))
    assert answer.status == 200  # the test sees the live answer
    (drift,) = verify.drifts
    assert drift.request == "GET /_api/collection/only_live"
    assert "status: live 200, emulator 404" in drift.diff
    assert '+  "errorNum": 1203' in drift.diff
    report = verify.failure()
    assert report is not None and report.startswith(
        "arangomock: the emulator differs from the live"
    )

    warn = VerifyBackend(live, Emulator(root_password=PASSWORD), on_diff="warn")
    with pytest.warns(DriftWarning, match="status: live 200, emulator 404"):
        warn.handle_sync(BackendRequest.from_url("GET", "/_api/collection/only_live", auth))
    assert warn.failure() is None
    with pytest.raises(ValueError, match="--arango-verify"):
        VerifyBackend(live, Emulator(), on_diff="maybe")


def test_difference_masks_volatile_values_and_ignores_key_order() -> None:
    a = BackendResponse(200, {}, b'{"a":1,"_rev":"_x","extra":{"executionTime":0.1},"b":[1,2]}')
    b = BackendResponse(200, {}, b'{"b":[1,2],"_rev":"_y","a":1,"extra":{"executionTime":0.7}}')
    assert difference(a, b) is None
    c = BackendResponse(200, {}, b'{"b":[2,1],"_rev":"_y","a":1,"extra":{"executionTime":0.7}}')
    assert difference(a, c) is not None
    assert difference(a, c, ignore=["b"]) is None
    assert difference(BackendResponse(200, {}, b"x"), BackendResponse(200, {}, b"y")) is not None


def test_value_map_rewrites_requests() -> None:
    values = ValueMap()
    values.learn(
        {"_id": "c/123", "_key": "123", "_rev": "_live", "id": "77", "name": "keep"},
        {"_id": "c/9", "_key": "9", "_rev": "_emu", "id": "5", "name": "other"},
    )
    assert "keep" not in values.map  # user-chosen values are never learnt
    req = BackendRequest(
        "PUT",
        "/_db/d/_api/document/c/123",
        {"rev": "_live"},
        {"if-match": '"_live"', "authorization": "Basic x"},
        json.dumps({"_id": "c/123", "ref": "c/123", "other": "123"}).encode(),
    )
    out = values.translate_request(req)
    assert out.path == "/_db/d/_api/document/c/9"
    assert out.query == {"rev": "_emu"}
    assert out.headers["if-match"] == '"_emu"'
    assert json.loads(out.body) == {"_id": "c/9", "ref": "c/9", "other": "9"}
    assert (
        values.translate_request(BackendRequest("PUT", "/_api/cursor/77")).path == "/_api/cursor/5"
    )


VERIFY_TESTS = """
    import pytest

    async def test_agrees(arango_db):
        col = await arango_db.create_collection("c")
        meta = await col.insert({"v": 1})
        assert (await col.get(meta["_key"]))["v"] == 1

    async def test_drifts(arango_sys_db):
        await arango_sys_db.collection("only_live").properties()

    @pytest.mark.arango(verify="warn")
    async def test_only_warns(arango_sys_db):
        await arango_sys_db.collection("only_live").properties()

    def test_sync_driver(arango_sync_db):
        arango_sync_db.create_collection("c")
        assert arango_sync_db.has_collection("c")
"""


def test_verify_mode_through_pytest(
    tmp_path: Path, live_server: tuple[Emulator, ServerThread]
) -> None:
    emulator, srv = live_server
    code, out = run_pytest(
        tmp_path,
        VERIFY_TESTS,
        "--arango-mode=verify",
        f"--arango-url={srv.url}",
        f"--arango-password={PASSWORD}",
        "-W",
        "default::pytest_arangomock.backends.verify.DriftWarning",
    )
    assert code == 1, out
    assert "1 failed, 3 passed" in out
    assert "FAILED test_user.py::test_drifts" in out
    assert "arangomock: the emulator differs from the live server on 1 request(s):" in out
    assert "GET /_db/_system/_api/collection/only_live/properties" in out
    assert "status: live 200, emulator 404" in out
    assert "DriftWarning" in out  # test_only_warns passed with a warning
    assert sorted(emulator.server.databases) == ["_system"]  # fresh databases dropped


def test_bad_verify_option(tmp_path: Path) -> None:
    code, out = run_pytest(tmp_path, "def test_x(): pass\n", "--arango-verify=maybe")
    assert code == 4 and "--arango-verify must be fail or warn, not 'maybe'" in out
