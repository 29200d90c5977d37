"""Server information routes through arangoasync, in-process and over loopback HTTP."""

from __future__ import annotations

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.exceptions import ServerConnectionError, ServerVersionError


async def test_version_in_process(arango_sys_db):
    info = await arango_sys_db.version()
    assert info["server"] == "arango"
    assert info["version"].startswith("3.12.")
    details = await arango_sys_db.version(details=True)
    assert details["details"]["mode"] == "server"


async def test_engine_and_role(arango_sys_db):
    engine = await arango_sys_db.engine()
    assert engine["name"] == "rocksdb"
    status = await arango_sys_db.status()
    assert status["serverInfo"]["role"] == "SINGLE"
    assert (await arango_sys_db.time()).year >= 2024


async def test_version_over_http(arango_url):
    async with ArangoClient(hosts=arango_url) as client:
        db = await client.db("_system", auth=Auth("root", ""))
        info = await db.version()
        assert info["version"].startswith("3.12.")


async def test_wrong_password_is_401(arango_client):
    db = await arango_client.db("_system", auth=Auth("root", "wrong"))
    with pytest.raises(ServerVersionError) as exc:
        await db.version()
    assert exc.value.http_code == 401
    assert exc.value.error_code == 11


async def test_verify_rejects_bad_credentials(arango_client):
    with pytest.raises(ServerConnectionError):
        await arango_client.db("_system", auth=Auth("root", "wrong"), verify=True)
