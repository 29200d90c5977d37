"""Cassette files (vcrpy layout), record modes, indexed matching and replay errors."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from pytest_arangomock import BackendRequest, BackendResponse, Emulator
from pytest_arangomock.backends import (
    Cassette,
    CassetteBackend,
    CassetteNotFoundError,
    Interaction,
    RecordModeError,
    UnmatchedRequestError,
    UnusedInteractionsError,
    register_matcher,
)
from pytest_arangomock.backends.cassette import CassetteFormatError


def req(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> BackendRequest:
    data = b"" if body is None else json.dumps(body).encode()
    return BackendRequest.from_url(method, url, headers or {}, data)


def emulator() -> Emulator:
    emu = Emulator(authentication=False)
    emu.server.create_database("db")
    return emu


def record(
    path: Path, *requests: BackendRequest, mode: str = "once", inner: Any = None
) -> list[BackendResponse]:
    backend = CassetteBackend(path, record_mode=mode, inner=inner or emulator())
    answers = [backend.handle_sync(r) for r in requests]
    backend.save()
    return answers


# ------------------------------------------------------------------ file format


def sample() -> Cassette:
    return Cassette(
        [
            Interaction(
                req(
                    "POST",
                    "/_db/db/_api/collection?waitForSync=true",
                    {"name": "c"},
                    {"content-type": "application/json"},
                ),
                BackendResponse(
                    200, {"content-type": "application/json"}, b'{"name":"c","error":false}'
                ),
            ),
            Interaction(
                req("GET", "/_api/version"),
                BackendResponse(
                    200,
                    {"etag": '"_abc"', "date": "Sat, 01 Jan 2000"},
                    '{"server":"arango","é":1}'.encode(),
                ),
            ),
        ],
        {"database": "db"},
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"c{suffix}"
    sample().save(path)
    loaded = Cassette.load(path)
    assert loaded.metadata == {"database": "db"}
    first, second = loaded.interactions
    assert first.request.method == "POST"
    assert first.request.path == "/_db/db/_api/collection"
    assert first.request.query == {"waitForSync": "true"}
    assert json.loads(first.request.body) == {"name": "c"}
    assert first.response.status == 200
    assert first.response.headers["content-type"] == "application/json"
    assert second.response.body == '{"server":"arango","é":1}'.encode()
    assert second.request.body == b""


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_vcrpy_reads_our_cassettes(tmp_path: Path, suffix: str) -> None:
    from vcr.serialize import deserialize
    from vcr.serializers import jsonserializer, yamlserializer

    path = tmp_path / f"c{suffix}"
    sample().save(path)
    serializer = jsonserializer if suffix == ".json" else yamlserializer
    requests, responses, metadata = deserialize(path.read_text(), serializer)
    assert metadata == {"database": "db"}
    assert requests[0].method == "POST"
    assert requests[0].uri.endswith("/_db/db/_api/collection?waitForSync=true")
    assert requests[0].headers["content-type"] == "application/json"
    assert responses[0]["status"]["code"] == 200
    assert responses[0]["body"]["string"] == b'{"name":"c","error":false}'
    assert responses[1]["headers"] == {"etag": ['"_abc"']}  # the date is noise: dropped


def test_we_read_vcrpy_cassettes(tmp_path: Path) -> None:
    from vcr.request import Request
    from vcr.serialize import serialize
    from vcr.serializers import yamlserializer

    request = Request(
        "GET",
        "http://db.example:8529/_api/version?details=true",
        None,
        {"Accept": "application/json"},
    )
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": ["application/json"]},
        "body": {"string": b'{"version":"3.12.4"}'},
    }
    text = serialize({"requests": [request], "responses": [response]}, yamlserializer)
    path = tmp_path / "vcr.yaml"
    path.write_text(text)
    loaded = Cassette.load(path)
    (inter,) = loaded.interactions
    assert inter.request.path == "/_api/version"
    assert inter.request.query == {"details": "true"}
    assert inter.request.headers == {"accept": "application/json"}
    assert inter.response.headers == {"content-type": "application/json"}
    assert inter.response.body == b'{"version":"3.12.4"}'


@pytest.mark.parametrize(
    "uri",
    [
        "http://arangodb:8529/_db/shop/_api/document/orders/k1",
        "http://arangodb:8529/_api/cursor?a=1&b=&c=%20x",
        "http://arangodb:8529",
        "http://arangodb:8529?x=1",
        "http://arangodb:8529/p#frag?x=1",
        "http://arangodb:8529/p?x=1#frag",
        "http://arangodb:8529/a\tb?c=\n1",
        "http://arangodb:85290/other-port",
        "http://db.example:8529/_api/version?details=true",
        "https://arangodb:8529/x",
    ],
)
def test_stored_uris_split_as_urlsplit_splits_them(uri: str) -> None:
    raw = {
        "request": {"method": "get", "uri": uri, "headers": {"X-A": ["1", "2"], "b": "3"}},
        "response": {"status": {"code": 200}, "headers": {"Etag": ['"x"']}, "body": None},
    }
    got = Cassette.from_dict({"version": 1, "interactions": [raw]}).interactions[0]
    parts = urlsplit(uri)
    assert got.request.path == (parts.path or "/")
    assert got.request.query == dict(parse_qsl(parts.query, keep_blank_values=True))
    assert got.request.headers == {"x-a": "1, 2", "b": "3"}
    assert got.response.headers == {"etag": '"x"'}


def test_binary_bodies_survive(tmp_path: Path) -> None:
    cassette = Cassette([Interaction(req("GET", "/x"), BackendResponse(200, {}, b"\xff\x00\xfe"))])
    cassette.save(tmp_path / "b.yaml")
    assert Cassette.load(tmp_path / "b.yaml").interactions[0].response.body == b"\xff\x00\xfe"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just text", "no 'interactions' list"),
        ("interactions: []\nversion: 2\n", "format version 2"),
        ("{", "not a readable cassette"),
    ],
)
def test_unreadable_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CassetteFormatError, match=message):
        Cassette.load(path)


def test_failed_write_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.yaml"
    sample().save(path)
    before = path.read_text()

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        Cassette().save(path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["c.yaml"]  # no temporary file left behind


def test_concurrent_writers_never_tear_the_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    big = Cassette(
        [
            Interaction(req("GET", f"/_api/version?i={i}"), BackendResponse(200, {}, b"{}"))
            for i in range(300)
        ]
    )
    big.save(path)
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        while not stop.is_set():
            big.save(path)

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(20):
            try:
                assert len(Cassette.load(path).interactions) == 300
            except BaseException as exc:  # pragma: no cover - the failure being tested for
                errors.append(exc)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert sorted(os.listdir(tmp_path)) == ["shared.yaml"]


# ------------------------------------------------------------------ record modes


def test_once_records_then_replays_without_a_server(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    recorded = record(
        path,
        req("POST", "/_db/db/_api/collection", {"name": "c"}),
        req("GET", "/_db/db/_api/collection/c"),
    )
    assert [r.status for r in recorded] == [200, 200]
    replay = CassetteBackend(path, record_mode="none")
    again = replay.handle_sync(req("POST", "/_db/db/_api/collection", {"name": "c"}))
    assert again.status == 200 and again.body == recorded[0].body
    assert (
        json.loads(replay.handle_sync(req("GET", "/_db/db/_api/collection/c")).body)["name"] == "c"
    )
    assert replay.unused() == []


def test_once_refuses_new_requests_once_the_cassette_exists(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    record(path, req("GET", "/_api/version"))
    backend = CassetteBackend(path, record_mode="once", inner=emulator())
    assert backend.handle_sync(req("GET", "/_api/version")).status == 200
    with pytest.raises(UnmatchedRequestError) as exc:
        backend.handle_sync(req("GET", "/_api/collection"))
    assert "the cassette exists, so 'once' replays it and records nothing new" in str(exc.value)
    assert "--arango-record-mode=rewrite" in str(exc.value)  # the mode that works
    assert backend.errors and backend.errors[0] is exc.value
    assert not backend.save()  # nothing recorded, file untouched


def test_none_without_cassette_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(CassetteNotFoundError) as exc:
        CassetteBackend(path, record_mode="none")
    assert f"cassette {path} not found" in str(exc.value)
    assert "--arango-mode=record" in str(exc.value)


def test_invalid_record_mode(tmp_path: Path) -> None:
    with pytest.raises(RecordModeError) as exc:
        CassetteBackend(tmp_path / "x.yaml", record_mode="sometimes", inner=emulator())
    assert "'sometimes' is not a valid record mode" in str(exc.value)
    assert "'new_episodes'" in str(exc.value)


def test_recording_needs_an_inner_backend(tmp_path: Path) -> None:
    with pytest.raises(RecordModeError, match="no server to record from"):
        CassetteBackend(tmp_path / "x.yaml", record_mode="once")


def test_new_episodes_sends_everything_and_appends(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    record(path, req("GET", "/_api/version"))
    before = path.read_text()
    inner = emulator()
    backend = CassetteBackend(path, record_mode="new_episodes", inner=inner)
    backend.handle_sync(req("GET", "/_api/version"))
    backend.handle_sync(req("GET", "/_db/db/_api/collection"))
    # the server sees the whole test again (a stateful server needs the set-up requests)
    assert [r.path for r in inner.requests] == ["/_api/version", "/_db/db/_api/collection"]
    backend.save()
    saved = Cassette.load(path).interactions
    assert [i.request.path for i in saved] == ["/_api/version", "/_db/db/_api/collection"]
    # nothing new: the file is left as it was
    again = CassetteBackend(path, record_mode="new_episodes", inner=emulator())
    again.handle_sync(req("GET", "/_api/version"))
    path.write_text(before)
    assert not CassetteBackend(path, record_mode="new_episodes", inner=emulator()).save()


def test_rewrite_deletes_and_records_again(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    record(path, req("GET", "/_api/version"), req("GET", "/_db/db/_api/collection"))
    inner = emulator()
    backend = CassetteBackend(path, record_mode="rewrite", inner=inner)
    backend.handle_sync(req("GET", "/_db/db/_api/collection"))
    assert backend.save()
    saved = Cassette.load(path).interactions
    assert [i.request.path for i in saved] == ["/_db/db/_api/collection"]


def test_all_rerecords_matching_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    record(path, req("GET", "/_api/version"), req("GET", "/_db/db/_api/collection"))
    inner = emulator()
    inner.server.database("db").create_collection("fresh")
    backend = CassetteBackend(path, record_mode="all", inner=inner)
    answer = backend.handle_sync(req("GET", "/_db/db/_api/collection"))
    assert "fresh" in answer.body.decode()  # never replayed, always from the inner backend
    backend.save()
    saved = Cassette.load(path).interactions
    # the new recording first (in the order it happened), then what was not asked again
    assert [i.request.path for i in saved] == ["/_db/db/_api/collection", "/_api/version"]
    assert "fresh" in saved[0].response.body.decode()


# ------------------------------------------------------------------ matching


def test_query_order_and_json_key_order_do_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    record(path, req("POST", "/_db/db/_api/cursor?a=1&b=2", {"query": "RETURN 1", "batchSize": 1}))
    backend = CassetteBackend(path, record_mode="none")
    body = b'{ "batchSize" : 1, "query" : "RETURN 1" }'
    answer = backend.handle_sync(
        BackendRequest("POST", "/_db/db/_api/cursor", {"b": "2", "a": "1"}, {}, body)
    )
    assert json.loads(answer.body)["result"] == [1]


def test_repeated_requests_replay_in_recorded_order(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    col = req("POST", "/_db/db/_api/collection", {"name": "c"})
    record(path, col, col, col)
    backend = CassetteBackend(path, record_mode="none")
    statuses = [backend.handle_sync(col).status for _ in range(3)]
    assert statuses == [200, 409, 409]
    with pytest.raises(UnmatchedRequestError) as exc:
        backend.handle_sync(col)
    assert "were all used already" in str(exc.value)


def test_learned_values_are_normalised_in_the_key(tmp_path: Path) -> None:
    inner = emulator()
    inner.server.database("db").create_collection("c")
    path = tmp_path / "t.yaml"
    backend = CassetteBackend(
        path,
        record_mode="once",
        inner=inner,
        match_on=("method", "path", "query", "body", "headers"),
    )
    cursor = json.loads(
        backend.handle_sync(
            req("POST", "/_db/db/_api/cursor", {"query": "FOR i IN 1..3 RETURN i", "batchSize": 1})
        ).body
    )
    backend.handle_sync(req("POST", f"/_db/db/_api/cursor/{cursor['id']}"))
    doc = json.loads(
        backend.handle_sync(req("POST", "/_db/db/_api/document/c", {"_key": "k"})).body
    )
    backend.handle_sync(
        req(
            "PUT",
            "/_db/db/_api/document/c/k",
            {"_key": "k", "_rev": doc["_rev"], "v": 1},
            {"if-match": f'"{doc["_rev"]}"'},
        )
    )
    backend.save()

    replay = CassetteBackend(
        path, record_mode="none", match_on=("method", "path", "query", "body", "headers")
    )
    replay.handle_sync(
        req("POST", "/_db/db/_api/cursor", {"query": "FOR i IN 1..3 RETURN i", "batchSize": 1})
    )
    # another cursor id and revision than recorded: still the same request
    nxt = replay.handle_sync(req("POST", "/_db/db/_api/cursor/999999"))
    assert json.loads(nxt.body)["result"] == [2]
    replay.handle_sync(req("POST", "/_db/db/_api/document/c", {"_key": "k"}))
    put = replay.handle_sync(
        req(
            "PUT",
            "/_db/db/_api/document/c/k",
            {"_key": "k", "_rev": "_other", "v": 1},
            {"if-match": '"_other"'},
        )
    )
    assert put.status in (201, 202)
    assert replay.unused() == []


def test_matchers_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    record(path, req("POST", "/_db/db/_api/cursor", {"query": "RETURN 1"}))
    loose = CassetteBackend(path, record_mode="none", match_on=("method", "path"))
    assert (
        loose.handle_sync(req("POST", "/_db/db/_api/cursor", {"query": "RETURN 2"})).status == 201
    )
    register_matcher("first_segment", lambda r, rules: r.path.split("/")[1])
    custom = CassetteBackend(path, record_mode="none", match_on=("method", "first_segment"))
    assert custom.handle_sync(req("POST", "/_db/other/_api/whatever")).status == 201
    with pytest.raises(ValueError, match="unknown matcher"):
        CassetteBackend(path, record_mode="none", match_on=("nope",))


def test_unmatched_request_shows_closest_candidates_and_diff(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    record(
        path,
        req("POST", "/_db/db/_api/cursor", {"query": "FOR d IN c RETURN d", "batchSize": 2}),
        req("GET", "/_api/version"),
    )
    backend = CassetteBackend(path, record_mode="none")
    with pytest.raises(UnmatchedRequestError) as exc:
        backend.handle_sync(
            req(
                "POST", "/_db/db/_api/cursor", {"query": "FOR d IN c RETURN d._key", "batchSize": 2}
            )
        )
    message = str(exc.value)
    assert message.startswith(
        "arangomock: no recorded interaction matches POST /_db/db/_api/cursor"
    )
    assert f"cassette: {path} (2 interactions, 2 unused), record mode 'none'" in message
    assert "closest recorded (recorded -> sent):" in message
    assert "#0 POST /_db/db/_api/cursor -> " in message
    assert 'body.query: "FOR d IN c RETURN d" -> "FOR d IN c RETURN d._key"' in message
    assert "#1 GET" not in message  # another method is no candidate


def test_long_aql_is_diffed_by_token(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    long_query = "FOR d IN things FILTER d.value > @low AND d.kind == @kind SORT d.value RETURN d"
    record(path, req("POST", "/_db/db/_api/cursor", {"query": long_query}))
    backend = CassetteBackend(path, record_mode="none")
    sent = long_query.replace("SORT d.value", "SORT d.name")
    with pytest.raises(UnmatchedRequestError) as exc:
        backend.handle_sync(req("POST", "/_db/db/_api/cursor", {"query": sent}))
    assert "body.query: ... @kind SORT [-d.value-] {+d.name+} RETURN d" in str(exc.value)


def test_unused_interactions_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    record(path, req("GET", "/_api/version"), req("GET", "/_db/db/_api/collection"))
    backend = CassetteBackend(path, record_mode="none")
    backend.handle_sync(req("GET", "/_api/version"))
    with pytest.raises(UnusedInteractionsError) as exc:
        backend.check_unused()
    assert "1 recorded interaction(s)" in str(exc.value)
    assert "GET /_db/db/_api/collection" in str(exc.value)


async def test_async_path_records_and_replays(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    backend = CassetteBackend(path, record_mode="once", inner=emulator())
    first = await backend.handle(req("GET", "/_api/version"))
    backend.save()
    again = await CassetteBackend(path, record_mode="none").handle(req("GET", "/_api/version"))
    assert (again.status, again.body) == (first.status, first.body)


# ------------------------------------------------------------------ scale


def _big_cassette(path: Path, n: int) -> list[BackendRequest]:
    requests = [req("GET", f"/_db/db/_api/document/c/k{i}?x={i}") for i in range(n)]
    body = b'{"_key":"k","_id":"c/k","_rev":"_h1h2h3---","value":123,"name":"some text"}'
    headers = {
        "content-type": "application/json; charset=utf-8",
        "etag": '"_h1h2h3---"',
        "x-content-type-options": "nosniff",
    }
    Cassette([Interaction(r, BackendResponse(200, headers, body)) for r in requests]).save(path)
    return requests


def _per_request(backend: CassetteBackend, requests: list[BackendRequest]) -> float:
    start = time.perf_counter()
    for r in requests:
        backend.handle_sync(r)
    return (time.perf_counter() - start) / len(requests)


def test_loading_5000_interactions_is_fast_and_replay_cost_is_flat(tmp_path: Path) -> None:
    big = _big_cassette(tmp_path / "big.yaml", 5000)
    small = _big_cassette(tmp_path / "small.yaml", 10)
    start = time.process_time()  # CPU time: other processes on the machine do not count
    big_backend = CassetteBackend(tmp_path / "big.yaml", record_mode="none")
    load = time.process_time() - start
    assert load < 1.0, f"loading 5000 interactions took {load:.2f}s of CPU"
    # ten requests at a time: against a fresh 10-interaction cassette, and spread over 5000
    small_cost = min(
        _per_request(CassetteBackend(tmp_path / "small.yaml", record_mode="none"), small)
        for _ in range(20)
    )
    big_cost = min(_per_request(big_backend, big[i : i + 10]) for i in range(0, 5000, 250))
    assert big_cost < small_cost * 3, (small_cost, big_cost)


def test_vcrpy_matchers_refine_the_indexed_match(tmp_path: Path) -> None:
    """A vcrpy matcher (a callable, or one of vcrpy's own by name) is checked among the
    recorded requests sharing the key, and names itself when it refuses."""
    path = tmp_path / "t.yaml"
    record(
        path,
        req("GET", "/_api/version", headers={"x-tenant": "a"}),
        req("GET", "/_api/version", headers={"x-tenant": "b"}),
    )

    def tenant(r1: Any, r2: Any) -> None:
        assert r1.headers.get("x-tenant") == r2.headers.get("x-tenant"), "another tenant"

    backend = CassetteBackend(path, record_mode="none", match_on=("method", "path", tenant, "uri"))
    assert backend.handle_sync(req("GET", "/_api/version", headers={"x-tenant": "b"}))
    assert backend.index.unused() == [0]  # the second recording answered, not the first
    with pytest.raises(UnmatchedRequestError) as exc:
        backend.handle_sync(req("GET", "/_api/version", headers={"x-tenant": "c"}))
    assert "matcher tenant: another tenant" in str(exc.value)
