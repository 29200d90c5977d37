"""The request path remembers access decisions and credentials: every change must count.

Each test first lets a request succeed (so the emulator remembers the decision), then
changes grants, passwords, the user or the database, and checks the next request answers
exactly what a fresh check answers.
"""

from __future__ import annotations

import base64
import json
import random
from urllib.parse import unquote

import jwt
import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.exceptions import DocumentGetError, DocumentInsertError
from arangoasync.request import Method, Request
from multidict import CIMultiDictProxy

from pytest_arangomock import BackendRequest, Emulator
from pytest_arangomock.emulator import context
from pytest_arangomock.emulator.core import RequestLog
from pytest_arangomock.emulator.router import ROUTES, Router, complete_table
from pytest_arangomock.state.clock import decode_rev, encode_rev
from pytest_arangomock.state.keygen import is_valid_key
from pytest_arangomock.state.users import User
from pytest_arangomock.transports.arangoasync import InProcessHTTPClient
from pytest_arangomock.transports.python_arango import InProcessSyncHTTPClient

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"


@pytest.fixture
async def shop(sys_db, arango_emulator):
    """Database ``shop`` with collection ``orders`` holding ``o1``; user ``clerk`` (rw)."""
    arango_emulator.server.create_database("shop")
    arango_emulator.database("shop").create_collection("orders")
    await sys_db.create_user({"user": "clerk", "password": "pw"})
    await sys_db.update_permission("clerk", "rw", "shop")
    return sys_db


async def _clerk_writes(client):
    db = await client.db("shop", auth=Auth("clerk", "pw"))
    orders = db.collection("orders")
    for i in range(3):  # more than once: later requests take the remembered decision
        await orders.insert({"_key": f"k{i}"})
        assert (await orders.get(f"k{i}"))["_key"] == f"k{i}"
    return orders


async def test_collection_grant_lowered_after_writes(shop, client):
    orders = await _clerk_writes(client)
    await shop.update_permission("clerk", "ro", "shop", "orders")
    with pytest.raises(DocumentInsertError) as exc:
        await orders.insert({"_key": "late"})
    assert (exc.value.http_code, exc.value.error_code) == (403, 1004)
    assert exc.value.error_message == "read only: orders [write]"
    assert (await orders.get("k0"))["_key"] == "k0"


async def test_collection_grant_revoked_after_reads(shop, client):
    orders = await _clerk_writes(client)
    await shop.update_permission("clerk", "none", "shop", "orders")
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    assert exc.value.error_message == "forbidden: orders [read]"


async def test_database_grant_revoked(shop, client):
    orders = await _clerk_writes(client)
    await shop.reset_permission("clerk", "shop")
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)


async def test_password_change_and_deactivation(shop, client):
    orders = await _clerk_writes(client)
    await shop.update_user({"user": "clerk", "password": "new"})
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)
    await shop.update_user({"user": "clerk", "password": "pw", "active": False})
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)


async def test_user_removed_and_recreated(shop, client):
    orders = await _clerk_writes(client)
    await shop.delete_user("clerk")
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)
    await shop.create_user({"user": "clerk", "password": "pw"})
    await shop.update_permission("clerk", "ro", "shop")
    assert (await orders.get("k0"))["_key"] == "k0"
    with pytest.raises(DocumentInsertError) as exc2:
        await orders.insert({"_key": "again"})
    assert (exc2.value.http_code, exc2.value.error_code) == (403, 1004)


async def test_database_dropped_and_recreated(shop, client, arango_emulator):
    orders = await _clerk_writes(client)
    await shop.delete_database("shop")
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)
    arango_emulator.server.create_database("shop")
    arango_emulator.database("shop").create_collection("orders")
    # the grant went with the database: a new database needs a new grant
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)


def test_without_authentication_decisions_follow_root():
    emulator = Emulator(authentication=False)
    emulator.database().create_collection("c")

    def send(method: str, path: str, body: bytes = b"") -> int:
        return emulator.handle_sync(BackendRequest(method, path, {}, {}, body)).status

    for i in range(3):
        assert send("POST", "/_api/document/c", b'{"_key":"k%d"}' % i) == 202
        assert send("GET", f"/_api/document/c/k{i}") == 200
    assert send("GET", "/_api/document/c/nope") == 404
    assert send("GET", "/_db/nowhere/_api/document/c/k0") == 404
    assert send("GET", "/_api/no/such/path") == 404


def _walk_match(router, method, path):
    """The router's answer from a fresh walk of the trie (no remembered parents)."""
    segments = [s for s in path.split("/") if s]
    node = router._walk(router.root, segments, 0)
    if node is None:
        return None, {}, False
    r = node.routes.get(method) or (node.routes.get("GET") if method == "HEAD" else None)
    if r is None:
        return None, {}, True
    return r, {name: unquote(segments[i]) for i, name in r.param_positions}, True


PATHS = [
    "/_api/database/user",
    "/_api/database/mydb",
    "/_api/collection/c/count",
    "/_api/collection/c/nope",
    "/_api/collection/c",
    "/_api/job/12/cancel",
    "/_api/job/12",
    "/_api/gharial/g/vertex",
    "/_api/gharial/g/vertex/c",
    "/_api/gharial/g/vertex/c/k",
    "/_api/gharial/g/edge/e/k",
    "/_api/transaction/begin",
    "/_api/transaction/123",
    "/_api/document/c/a%2Fb",
    "/_api/document/c/k2",  # same parent as a parameter match before: remembered per method
    "/_api/job/pending",  # a static last segment beside a parameter one
    "/_api/job/done",
    "/_api/job/13",
    "/_api/index/c/7",
    "/_api/gharial/g/vertex/c/k%20x",
    "/_api/document/c/k/extra",
    "/_api/version/",
    "/_api//version",
    "/",
    "/nowhere",
    "/_api/no/such/path",  # a head below which no route lies
    "/_api/collection/c/properties",  # a static last segment under a parameter
    "/_api/document/c/properties",
    "x/y",
]


PREFIXES = ["", "/_db/_system", "/_db/shop", "/_db/a%20b", "/_db/", "/_db"]


def _reference(router, method, full_path):
    """What the request path resolves to without remembered parents."""
    db_name, path = "_system", full_path
    if full_path.startswith("/_db/"):
        name, slash, tail = full_path[5:].partition("/")
        db_name, path = unquote(name), ("/" + tail if slash else "/")
    return (db_name, path, *_walk_match(router, method, path))


@pytest.mark.parametrize("order", [1, -1])
def test_route_matches_equal_a_fresh_walk(order):
    Emulator()  # every API module registered
    router = Router(complete_table(ROUTES))
    paths = [prefix + path for prefix in PREFIXES for path in PATHS] + ["", "x", "/_db//x/y"]
    for _ in range(2):  # the second round answers from remembered parents
        for path in paths[::order]:
            for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
                found = router.locate(method, path)
                assert found == _reference(router, method, path), path
                assert found[2:] == router.match(method, found[1])


REV_DIGITS = "-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@pytest.mark.parametrize("bits", [0, 1, 6, 7, 44, 63, 64, 71, 72, 80])
def test_revisions_print_six_bits_a_digit(bits):
    value = (1 << bits) - 1 if bits else 0
    digits = ""
    rest = value
    while rest:
        digits = REV_DIGITS[rest & 63] + digits
        rest >>= 6
    assert encode_rev(value) == (digits or "-")
    assert decode_rev(encode_rev(value)) == (value if len(digits) <= 11 else None)


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("a", True),
        ("a" * 254, True),
        ("a" * 255, False),
        ("", False),
        ("ab:c@(d)+,=;$!*'%", True),
        ("é", False),
        ("a/b", False),
        ("a b", False),
    ],
)
def test_key_rule(key, valid):
    assert is_valid_key(key) is valid


async def test_in_process_responses_carry_url_and_headers(arango_emulator):
    client = ArangoClient(
        hosts="http://arangomock:8529", http_client=InProcessHTTPClient(arango_emulator)
    )
    async with client:
        db = await client.db("_system", auth=Auth("root", ""))
        with pytest.raises(DocumentGetError) as exc:
            await db.collection("nope").get("k", allow_dirty_read=True)
        assert exc.value.url == "http://arangomock:8529/_db/_system/_api/document/nope/k"
        assert isinstance(exc.value.http_headers, CIMultiDictProxy)
        assert exc.value.http_headers["Content-Type"] == "application/json; charset=utf-8"
        assert exc.value.http_code == 404
        with pytest.raises(DocumentInsertError) as exc2:
            await db.collection("nope").insert({"a": 1}, return_new=True, silent=False)
        assert exc2.value.url == (
            "http://arangomock:8529/_db/_system/_api/document/nope?returnNew=1&silent=0"
        )
        assert exc2.value.http_headers.get("content-type") == "application/json; charset=utf-8"


def test_python_arango_responses_carry_url_and_headers(arango_emulator):
    from arango import ArangoClient as SyncClient
    from arango.exceptions import DocumentGetError as SyncGetError
    from arango.exceptions import DocumentInsertError as SyncInsertError
    from requests.structures import CaseInsensitiveDict

    client = SyncClient(
        hosts="http://arangomock:8529", http_client=InProcessSyncHTTPClient(arango_emulator)
    )
    col = client.db("_system", username="root", password="", verify=False).collection("nope")
    with pytest.raises(SyncGetError) as exc:
        col.get("k")
    assert exc.value.url == "http://arangomock:8529/_db/_system/_api/document/nope/k"
    assert isinstance(exc.value.http_headers, CaseInsensitiveDict)
    assert exc.value.http_headers["Content-Type"] == "application/json; charset=utf-8"
    assert exc.value.http_headers["X-Arango-Queue-Time-Seconds"] == "0.000000"
    assert exc.value.http_code == 404 and exc.value.http_method == "get"
    with pytest.raises(SyncInsertError) as exc2:
        col.insert({"a": 1}, return_new=True, silent=False)
    assert exc2.value.url == (
        "http://arangomock:8529/_db/_system/_api/document/nope"
        "?returnNew=1&silent=0&overwrite=0&returnOld=0"
    )
    assert exc2.value.http_headers.get("content-type") == "application/json; charset=utf-8"


def test_switching_authentication_on_forgets_nothing_it_should_not():
    emulator = Emulator(authentication=False)
    emulator.database().create_collection("c")

    def send(headers: dict[str, str]) -> int:
        request = BackendRequest("POST", "/_api/document/c", {}, headers, b"{}")
        return emulator.handle_sync(request).status

    assert [send({}) for _ in range(3)] == [202, 202, 202]
    emulator.authentication = True
    assert send({}) == 401
    basic = {"authorization": "Basic cm9vdDo="}  # root, empty password
    assert [send(basic) for _ in range(3)] == [202, 202, 202]
    assert send({"authorization": "Basic cm9vdDp4"}) == 401  # root:x


def test_every_access_relevant_change_advances_the_security_epoch():
    server = Emulator().server
    security = server.security
    seen = [security.epoch]

    def advanced() -> bool:
        seen.append(security.epoch)
        return seen[-1] > seen[-2]

    server.users["jane"] = User.new("jane", "pw")
    assert advanced()
    jane = server.users["jane"]
    jane.grant_database("_system", "ro")
    assert advanced()
    jane.grant_collection("_system", "c", "rw")
    assert advanced()
    jane.remove_collection("_system", "c")
    assert advanced()
    jane.set_password("new")
    assert advanced()
    jane.set_active(False)
    assert advanced()
    token, _ = jane.create_token("t", 2**40, 0)
    assert advanced()
    jane.remove_token(token.id)
    assert advanced()
    security.set_mode("readonly")
    assert advanced()
    security.set_mode("readonly")  # no change, no new epoch
    assert not advanced()
    del server.users["jane"]
    assert advanced()


def test_restored_backup_drops_remembered_decisions():
    emulator = Emulator()
    emulator.database().create_collection("c")

    def send(method: str, path: str, body: bytes, user: str = "root") -> int:
        headers = {"authorization": "Basic " + base64.b64encode(f"{user}:pw".encode()).decode()}
        if user == "root":
            headers = {"authorization": "Basic cm9vdDo="}
        return emulator.handle_sync(BackendRequest(method, path, {}, headers, body)).status

    backup = emulator.handle_sync(
        BackendRequest(
            "POST", "/_admin/backup/create", {}, {"authorization": "Basic cm9vdDo="}, b"{}"
        )
    )
    backup_id = json.loads(backup.body)["result"]["id"]
    assert send("POST", "/_api/user", b'{"user": "clerk", "passwd": "pw"}') == 201
    assert send("PUT", "/_api/user/clerk/database/_system", b'{"grant": "rw"}') == 200
    assert [send("POST", "/_api/document/c", b"{}", "clerk") for _ in range(3)] == [202] * 3
    restore = json.dumps({"id": backup_id}).encode()
    assert send("POST", "/_admin/backup/restore", restore) == 200
    assert send("POST", "/_api/document/c", b"{}", "clerk") == 401  # clerk is gone


def test_read_only_mode_decisions_follow_each_callers_credentials():
    """In read-only mode a superuser token keeps rights that other callers of the same
    route lose: a decision taken for one must not answer for the other."""
    emulator = Emulator(authentication=False, jwt_secret=SECRET)
    emulator.server.security.set_mode("readonly")
    token = jwt.encode({"iss": "arangodb", "server_id": "s"}, SECRET, algorithm="HS256")

    def create(name: str, headers: dict[str, str]) -> int:
        body = json.dumps({"name": name}).encode()
        return emulator.handle_sync(
            BackendRequest("POST", "/_api/collection", {}, headers, body)
        ).status

    superuser = {"authorization": f"bearer {token}"}
    assert [create(f"s{i}", superuser) for i in range(3)] == [200] * 3
    assert create("plain", {}) == 403


def test_every_route_pattern_matches_as_a_fresh_walk():
    Emulator()  # every API module registered
    table = complete_table(ROUTES)
    router = Router(table)
    statics = sorted({seg for r in table for seg in r.segments if not seg.startswith("{")})
    paths = set()
    for r in table:
        for filler in ("x", "k%2F1", *statics[:: max(1, len(statics) // 8)]):
            segs = [filler if seg.startswith("{") else seg for seg in r.segments]
            paths.add("/" + "/".join(segs))
            paths.add("/" + "/".join([*segs, filler]))
    assert len(paths) > 1000
    for _ in range(2):  # the second round answers from remembered paths and heads
        for path in sorted(paths):
            for method in ("GET", "HEAD", "POST"):
                assert router.locate(method, path) == _reference(router, method, path), path


def _maximal_suffix(sizes: list[int], count: int, total: int) -> list[int]:
    """What a bounded log holds after every request: the longest run of the newest whose
    number and bytes fit (one that alone exceeds the bytes leaves nothing)."""
    kept: list[int] = []
    for i in range(len(sizes) - 1, -1, -1):
        if len(kept) == count or sum(sizes[j] for j in kept) + sizes[i] > total:
            break
        kept.append(i)
    return sorted(kept)


@pytest.mark.parametrize("count", [3, 100])
def test_the_request_log_holds_its_bounds_whenever_read(count):
    """Sizes are taken when the log is read or every few entries: whatever the moment of
    reading, it holds exactly the newest requests within both bounds."""
    log = RequestLog(count, 300, 1000)
    bodies = [b"x" * n for n in (10, 500, 20, 300, 999, 5, 0, 700, 40) * 20]
    seen = []
    for n, body in enumerate(bodies):
        log.keep(BackendRequest("POST", f"/{n}", {"n": str(n)}, {"h": "v"}, body))
        seen.append(n)
        if n % 7 == 3:  # read now and then, in different ways
            sizes = [min(len(bodies[i]), 300) + len(f"/{i}") + len(str(i)) + 3 for i in seen]
            expected = [seen[i] for i in _maximal_suffix(sizes, count, 1000)]
            assert [int(r.path[1:]) for r in log] == expected
            assert len(log) == len(expected)
            assert log.kept_bytes <= 1000
            if expected:
                assert log[-1].path == f"/{expected[-1]}"
    log.clear()  # a plain deque operation: the next keep starts afresh
    log.keep(BackendRequest("GET", "/after"))
    assert [r.path for r in log] == ["/after"]


async def test_an_async_session_encodes_changed_credentials_again():
    """The session remembers the last credentials' header: a change on the same session
    (another password, user or encoding) is encoded afresh."""
    emulator = Emulator(root_password="pw")
    client = InProcessHTTPClient(emulator)
    session = client.create_session("http://arangomock:8529")

    async def status(auth: Auth) -> int:
        request = Request(Method.GET, "/_api/version", auth=auth)
        return (await client.send_request(session, request)).status_code

    assert await status(Auth("root", "pw")) == 200
    assert await status(Auth("root", "wrong")) == 401
    assert await status(Auth("root", "pw")) == 200
    assert await status(Auth("nobody", "pw")) == 401
    assert emulator.requests[-1].headers["authorization"] == "Basic " + base64.b64encode(
        b"root:pw"
    ).decode("ascii")


@pytest.mark.parametrize(
    "text",
    ['{"a":1}', ' {"a": [1, 2.5]}\n', '{"a":1} x', '{"a":1}{', "", "  ", "[1,", "NaN", '"s" '],
)
def test_bodies_parse_as_a_full_decode_parses_them(text):
    """The parse that skips the whitespace scans answers every text as ``decode`` does:
    the same value, or the same error at the same place."""
    full = json.JSONDecoder(parse_constant=context.reject_constant).decode
    try:
        expected: object = full(text)
    except json.JSONDecodeError as exc:
        expected = (exc.msg, exc.pos)
    try:
        got: object = context.parse_json(text)
    except json.JSONDecodeError as exc:
        got = (exc.msg, exc.pos)
    assert got == expected


def _checked_parse(text: str) -> object:
    """What the standard library's decoder with velocypack's number checks makes of
    ``text``: the value (with its type), or ``"out of range"``."""
    checking = json.JSONDecoder(
        parse_constant=context.reject_constant,
        parse_int=context.parse_json_int,
        parse_float=context.parse_json_float,
    )
    try:
        value = checking.decode(text)
    except context.NumberOutOfRange:
        return "out of range"
    return value, type(value[0])


def _parsed(text: str) -> object:
    """What the request path makes of a one-number body: (value, type) or "out of range"."""
    try:
        value = context.parse_json(text)
    except context.NumberOutOfRange:
        return "out of range"
    return (value, type(value[0]))


@pytest.mark.parametrize(
    "number",
    [
        "18446744073709551615",  # the largest uint64: exact
        "18446744073709551616",  # one past it: a double
        "-9223372036854775808",  # the smallest int64: exact
        "-9223372036854775809",  # one below it: a double
        "1" + "0" * 308,  # the largest power of ten a double holds
        "1" + "0" * 309,  # past the largest double
        "123456789012345678901234567890123",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
        "1e400",
        "-1e400",
        "1e-400",  # underflow is 0, as atof gives
        "2.5e-324",
        "0e99999",
        "-0.0",
        "1e0000000000000000000308",
        "1e0000000000000000000309",
        "17976931348623158e292",
    ],
)
def test_body_numbers_keep_velocypacks_ranges(number):
    """orjson parses bodies without a scan for long numbers: each number is kept exactly as
    the checking decoder keeps it (same value, same type) or refused as out of range."""
    text = f"[{number}]"
    assert _parsed(text) == _checked_parse(text)


def test_body_numbers_of_every_length_keep_velocypacks_ranges():
    """Integers and decimals of 1..400 digits and exponents around a double's range parse
    as the checking decoder parses them (a seeded sweep, reproducible)."""
    rng = random.Random(17)
    for digits in range(1, 401):
        mantissa = str(rng.randint(1, 9)) + "".join(
            rng.choice("0123456789") for _ in range(digits - 1)
        )
        for text in (
            mantissa,
            "-" + mantissa,
            f"{mantissa}.{rng.randint(0, 10**12)}",
            f"{mantissa}e{rng.randint(-400, 400)}",
            f"-{mantissa}E+{max(0, 310 - digits + rng.randint(-3, 3))}",
        ):
            body = f"[{text}]"
            assert _parsed(body) == _checked_parse(body), text
