"""Startup options (/_admin/options, /_admin/options-description) and the recent-query log
(/_admin/server/aql-queries): shapes, defaults and who may call them."""

from __future__ import annotations

import re

import pytest
from arangoasync.auth import Auth, JwtToken
from arangoasync.exceptions import (
    AQLQueryHistoryError,
    AQLQueryListError,
    ServerAvailableOptionsGetError,
    ServerCurrentOptionsGetError,
)

from pytest_arangomock import BackendRequest, Emulator

SECRET = "options-test-secret-that-is-long-enough-for-hs256"


@pytest.fixture
def arango_emulator() -> Emulator:
    """Superuser tokens signed with ``SECRET``; user ``reader`` reads ``_system`` and ``shop``."""
    emulator = Emulator(jwt_secret=SECRET)
    emulator.server.create_database("shop")
    root = {"authorization": "Basic cm9vdDo="}  # root with the empty password
    requests = [("POST", "/_api/user", b'{"user": "reader", "passwd": "pw"}')] + [
        ("PUT", f"/_api/user/reader/database/{db}", b'{"grant": "ro"}')
        for db in ("_system", "shop")
    ]
    for method, url, body in requests:
        assert emulator.handle_sync(BackendRequest.from_url(method, url, root, body)).status < 300
    return emulator


@pytest.fixture
def reader(raw):
    """Raw HTTP as ``reader`` (read access to ``_system`` and ``shop``)."""
    return type(raw)(raw.emulator, "reader", "pw")


@pytest.fixture
def wrong(raw):
    """Raw HTTP as root with a wrong password."""
    return type(raw)(raw.emulator, "root", "wrong")


# ------------------------------------------------------------------- options
async def test_options_through_the_driver(sys_db):
    options = await sys_db.options()
    assert options["server.authentication"] is True
    assert options["server.options-api"] == "admin"
    assert options["database.extended-names"] is True
    assert options["query.slow-threshold"] == 10.0
    assert options["query.cache-mode"] == "off"
    assert options["log.level"] == ["info"]
    assert all("." in name for name in options)

    described = await sys_db.options_available()
    assert set(described) == set(options)
    harden = described["server.harden"]
    assert harden["section"] == "server"
    assert harden["type"] == "boolean"
    assert harden["default"] is False
    assert harden["category"] == "option"
    assert harden["os"] == ["linux"]
    assert described["query.slow-threshold"]["type"] == "double"
    # the description gives ArangoDB's default, the options the effective value
    assert described["server.options-api"]["default"] == "jwt"


def test_options_shape_raw(raw):
    status, body, headers = raw("GET", "/_admin/options")
    assert status == 200
    assert headers["content-type"].startswith("application/json")
    assert "error" not in body and "code" not in body  # a flat object, no envelope
    assert body["ttl.frequency"] == 30000
    assert body["javascript.allow-admin-execute"] is False

    status, body, _ = raw("GET", "/_admin/options-description")
    assert status == 200
    entry = body["ttl.frequency"]
    assert entry["type"] == "uint64" and entry["default"] == 30000
    for key in ("section", "description", "category", "hidden", "experimental", "obsolete",
                "enterpriseOnly", "requiresValue", "os", "component", "introducedIn",
                "deprecatedIn", "dynamic", "required"):  # fmt: skip
        assert key in entry, key


@pytest.mark.parametrize("path", ["/_admin/options", "/_admin/options-description"])
def test_options_only_in_system_database(raw, path):
    status, body, _ = raw("GET", "/_db/shop" + path)
    assert (status, body["errorNum"]) == (403, 1230)
    assert body["errorMessage"] == "operation only allowed in system database"
    status, body, _ = raw("GET", "/_db/nowhere" + path)
    assert (status, body["errorNum"]) == (404, 1228)


@pytest.mark.parametrize("path", ["/_admin/options", "/_admin/options-description"])
def test_options_need_system_write_access(reader, path):
    status, body, _ = reader("GET", path)
    assert (status, body["errorNum"], body["errorMessage"]) == (403, 11, "forbidden")


@pytest.mark.parametrize("path", ["/_admin/options", "/_admin/options-description"])
def test_options_other_methods(raw, path):
    status, body, _ = raw("PUT", path, {})
    assert (status, body["errorNum"]) == (405, 405)


async def test_options_for_a_superuser_token_and_not_for_a_reader(client):
    token = JwtToken.generate_token(SECRET)
    superuser = await client.db("_system", auth_method="superuser", token=token)
    assert (await superuser.options())["server.harden"] is False
    reader = await client.db("_system", auth=Auth("reader", "pw"))
    with pytest.raises(ServerCurrentOptionsGetError) as exc:
        await reader.options()
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    with pytest.raises(ServerAvailableOptionsGetError):
        await reader.options_available()


def test_options_with_wrong_credentials(wrong):
    status, body, _ = wrong("GET", "/_admin/options")
    assert (status, body["errorNum"]) == (401, 11)


# --------------------------------------------------------------- aql-queries
async def test_recent_aql_queries(sys_db, db):
    """Every query is recorded when created (``--server.aql-query-recording`` is on by
    default), every database's, newest first, bind parameters of 1 KiB or more as {}."""
    await db.aql.execute("RETURN 1")
    await sys_db.aql.execute("RETURN @x", bind_vars={"x": 2})
    await db.aql.execute("RETURN LENGTH(@big)", bind_vars={"big": "y" * 2000})
    history = await sys_db.aql.history()
    assert [(q["query"], q["database"], q["bindVars"]) for q in history["queries"]] == [
        ("RETURN LENGTH(@big)", db.name, {}),
        ("RETURN @x", "_system", {"x": 2}),
        ("RETURN 1", db.name, {}),
    ]
    entry = history["queries"][0]
    assert list(entry) == ["timeStamp", "query", "database", "bindVars"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["timeStamp"])
    assert await db.aql.history() == history  # root administrates _system


async def test_recent_aql_queries_bind_size_boundary(sys_db, db):
    """The 1 KiB bound applies to the bind parameters' compact JSON text."""
    under = {"big": "y" * 1000}  # {"big":"y...y"} is 1,010 bytes
    over = {"big": "y" * 1020}  # 1,030 bytes
    await db.aql.execute("RETURN LENGTH(@big)", bind_vars=under)
    await db.aql.execute("RETURN LENGTH(@big) + 1", bind_vars=over)
    recorded = {q["query"]: q["bindVars"] for q in (await sys_db.aql.history())["queries"]}
    assert recorded["RETURN LENGTH(@big)"] == under
    assert recorded["RETURN LENGTH(@big) + 1"] == {}


def test_recent_aql_queries_raw(raw):
    status, body, _ = raw("GET", "/_db/shop/_admin/server/aql-queries")
    assert status == 200
    assert body == {"error": False, "code": 200, "result": {"queries": []}}  # none ran yet


def test_recent_aql_queries_permissions(raw, reader, wrong):
    status, body, _ = reader("GET", "/_db/shop/_admin/server/aql-queries")
    assert (status, body["errorNum"]) == (403, 11)
    status, body, _ = wrong("GET", "/_admin/server/aql-queries")
    assert (status, body["errorNum"]) == (401, 11)
    status, body, _ = raw("GET", "/_db/nowhere/_admin/server/aql-queries")
    assert (status, body["errorNum"]) == (404, 1228)
    status, body, _ = raw("POST", "/_admin/server/aql-queries", {})
    assert status == 405


async def test_recent_aql_queries_reader_through_the_driver(client):
    reader = await client.db("shop", auth=Auth("reader", "pw"))
    with pytest.raises(AQLQueryHistoryError) as exc:
        await reader.aql.history()
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)


# ------------------------------------------------- running and slow queries, all=true
@pytest.mark.parametrize(
    "method,path",
    [("GET", "/_api/query/current"), ("GET", "/_api/query/slow"), ("DELETE", "/_api/query/slow")],
)
def test_all_databases_needs_system_and_a_superuser(raw, method, path):
    status, body, _ = raw(method, "/_db/shop" + path + "?all=true")
    assert (status, body["errorNum"]) == (403, 1230)
    status, body, _ = raw(method, path + "?all=true")  # root, but not a superuser token
    assert (status, body["errorNum"], body["errorMessage"]) == (403, 11, "forbidden")
    status, _, _ = raw(method, "/_db/shop" + path)  # without all=true, the database's own list
    assert status == 200


async def test_all_databases_for_a_superuser_token(client, db):
    token = JwtToken.generate_token(SECRET)
    superuser = await client.db("_system", auth_method="superuser", token=token)
    assert await superuser.aql.queries(all_queries=True) == []
    assert await superuser.aql.slow_queries(all_queries=True) == []
    await superuser.aql.clear_slow_queries(all_queries=True)
    with pytest.raises(AQLQueryListError) as exc:
        await db.aql.queries(all_queries=True)
    assert (exc.value.http_code, exc.value.error_code) == (403, 1230)


# --------------------------------------------------------------- api-calls
async def test_recent_api_calls_through_the_driver(sys_db, db):
    await db.collections()
    calls = (await sys_db.api_calls())["calls"]
    assert calls[0]["path"] == "/_admin/server/api-calls"  # most recent first
    assert calls[0]["database"] == "_system"
    listed = [c for c in calls if c["path"] == "/_api/collection"]
    assert listed and listed[0]["requestType"] == "GET" and listed[0]["database"] == db.name
    assert all(c["timeStamp"].endswith("Z") and "T" in c["timeStamp"] for c in calls)


def test_recent_api_calls_permissions(raw, reader, wrong):
    status, body, _ = raw("GET", "/_db/shop/_admin/server/api-calls")
    assert status == 200 and set(body["result"]) == {"calls"}
    assert body["result"]["calls"][0] == {
        "timeStamp": body["result"]["calls"][0]["timeStamp"],
        "requestType": "GET",
        "path": "/_admin/server/api-calls",
        "database": "shop",
    }
    status, body, _ = reader("GET", "/_db/shop/_admin/server/api-calls")
    assert (status, body["errorNum"]) == (403, 11)
    status, body, _ = wrong("GET", "/_admin/server/api-calls")
    assert (status, body["errorNum"]) == (401, 11)
