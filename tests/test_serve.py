"""``arangomock serve``: a real socket, keep-alive, compression, signals, port conflicts."""

from __future__ import annotations

import asyncio
import base64
import gzip
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zlib

import aiohttp
import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth

from pytest_arangomock import Emulator
from pytest_arangomock.serve import free_port, serving

AUTH = {"Authorization": "Basic " + base64.b64encode(b"root:").decode()}


def _wait_listening(port: int, proc: subprocess.Popen[str], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.communicate()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server did not start listening")


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest_arangomock.cli", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_and_stops_cleanly(sig: signal.Signals) -> None:
    port = free_port()
    proc = _cli("--port", str(port), "--root-password", "pw")
    try:
        _wait_listening(port, proc)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        token = base64.b64encode(b"root:pw").decode()
        conn.request("GET", "/_api/version", headers={"Authorization": f"Basic {token}"})
        resp = conn.getresponse()
        assert resp.status == 200
        assert json.loads(resp.read())["server"] == "arango"
        conn.request("GET", "/_api/version")
        unauth = conn.getresponse()
        assert unauth.status == 401
        unauth.read()
        conn.close()
        os.kill(proc.pid, sig)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert "stopped" in out
        assert "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_cli_reports_a_taken_port() -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        proc = _cli("--port", str(port))
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "already in use" in err
    assert "Traceback" not in err


def test_keep_alive_reuses_one_connection() -> None:
    with serving(Emulator()) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        for _ in range(3):
            conn.request("GET", "/_api/version", headers=AUTH)
            resp = conn.getresponse()
            assert resp.status == 200
            resp.read()
            assert resp.getheader("connection", "keep-alive").lower() != "close"
        sock = conn.sock
        conn.request("GET", "/_admin/time", headers=AUTH)
        conn.getresponse().read()
        assert conn.sock is sock
        conn.close()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_responses(encoding: str) -> None:
    with serving(Emulator()) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request(
            "GET", "/_api/version?details=true", headers={**AUTH, "Accept-Encoding": encoding}
        )
        resp = conn.getresponse()
        raw = resp.read()
        assert resp.getheader("content-encoding") == encoding
        data = gzip.decompress(raw) if encoding == "gzip" else zlib.decompress(raw)
        assert json.loads(data)["details"]["mode"] == "server"


def test_corrupt_compressed_request_body_is_400() -> None:
    with serving(Emulator()) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request(
            "POST", "/_api/cursor", body=b"not gzip", headers={**AUTH, "Content-Encoding": "gzip"}
        )
        resp = conn.getresponse()
        assert resp.status == 400
        assert json.loads(resp.read())["error"] is True


async def test_many_requests_in_flight_over_several_connections(arango_url: str) -> None:
    connector = aiohttp.TCPConnector(limit=8)
    from arangoasync.http import AioHTTPClient

    async with ArangoClient(hosts=arango_url, http_client=AioHTTPClient(connector=connector)) as c:
        db = await c.db("_system", auth=Auth("root", ""))
        results = await asyncio.gather(*(db.version() for _ in range(200)))
    assert {r["version"] for r in results} == {results[0]["version"]}


async def test_many_requests_in_flight_in_process(arango_sys_db) -> None:
    results = await asyncio.gather(*(arango_sys_db.engine() for _ in range(500)))
    assert all(r["name"] == "rocksdb" for r in results)


def test_cli_serves_https_with_a_generated_certificate(tmp_path) -> None:
    import ssl

    port = free_port()
    proc = _cli("--port", str(port), "--tls-self-signed", str(tmp_path))
    try:
        _wait_listening(port, proc)
        ctx = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=ctx)
        conn.request("GET", "/_api/version", headers=AUTH)
        resp = conn.getresponse()
        assert resp.status == 200
        assert json.loads(resp.read())["server"] == "arango"
        conn.close()
        untrusted = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=10, context=ssl.create_default_context()
        )
        with pytest.raises(ssl.SSLError):
            untrusted.request("GET", "/_api/version", headers=AUTH)
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def test_cli_serves_on_a_unix_socket(tmp_path) -> None:
    path = str(tmp_path / "arango.sock")
    proc = _cli("--unix", path)
    try:
        deadline = time.monotonic() + 20
        while not os.path.exists(path):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "socket never appeared"
            time.sleep(0.05)
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(path)
        token = AUTH["Authorization"]
        client.sendall(
            f"GET /_api/version HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := client.recv(65536):
            data += chunk
        client.close()
        assert data.startswith(b"HTTP/1.1 200")
        assert b'"server":"arango"' in data
    finally:
        proc.terminate()
        proc.communicate(timeout=15)
