"""Serving over TLS (a CA generated for the run) and over a UNIX socket, through arangoasync.

What users check against a real deployment: the default trust store rejects a private CA,
a context trusting that CA accepts it (hostname checks included), certificate pinning with
``aiohttp.Fingerprint``, and UNIX-socket connectors for aiohttp, httpx and aiosonic.
"""

from __future__ import annotations

import os
import shutil
import ssl
import tempfile
from collections.abc import Iterator
from typing import Any

import aiohttp
import httpx
import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.exceptions import ClientConnectionAbortedError, ClientConnectionError
from arangoasync.http import AioHTTPClient, HTTPClient
from arangoasync.request import Method, Request

from pytest_arangomock import Emulator
from pytest_arangomock.serve import ServerThread, serving
from pytest_arangomock.tls import TestCA, make_test_ca
from pytest_arangomock.transports.aiosonic_client import AiosonicHTTPClient
from pytest_arangomock.transports.httpx_client import HttpxHTTPClient

ROOT = Auth("root", "")
KINDS = ["aiohttp", "httpx", "aiosonic"]

# aiosonic still asks the TLS connection for NPN after ALPN
pytestmark = pytest.mark.filterwarnings("ignore:ssl NPN is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def ca() -> TestCA:
    return make_test_ca()


@pytest.fixture(scope="module")
def tls_server(ca: TestCA) -> Iterator[ServerThread]:
    with serving(Emulator(), ssl_context=ca.server_context()) as srv:
        yield srv


def client_with(kind: str, ctx: ssl.SSLContext | None) -> HTTPClient:
    """``kind``'s client verifying with ``ctx`` (``None``: the library's default CAs)."""
    if kind == "aiohttp":
        return AioHTTPClient(ssl_context=ctx if ctx is not None else True)
    if kind == "httpx":
        return HttpxHTTPClient(ssl_context=ctx if ctx is not None else True)
    return AiosonicHTTPClient(ssl_context=ctx)


async def _version(url: str, http: HTTPClient) -> Any:
    async with ArangoClient(hosts=url, http_client=http) as client:
        sys_db = await client.db("_system", auth=ROOT)
        return await sys_db.version()


async def _send_version(url: str, http: HTTPClient) -> int:
    """One raw request through ``http`` (no driver retries): the status code."""
    session = http.create_session(url)
    try:
        resp = await http.send_request(session, Request(Method.GET, "/_api/version", auth=ROOT))
        return int(resp.status_code)
    finally:
        await http.close_session(session)


def test_generated_certificates(ca: TestCA, tmp_path: Any) -> None:
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(ca.cert_pem)
    authority = x509.load_pem_x509_certificate(ca.ca_pem)
    assert cert.issuer == authority.subject != cert.subject
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1", "::1"]
    ca_file, cert_file, key_file = ca.write(tmp_path)
    assert ca_file.read_bytes() == ca.ca_pem and cert_file.read_bytes() == ca.cert_pem
    assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"
    assert make_test_ca().ca_pem != ca.ca_pem


@pytest.mark.parametrize("kind", KINDS)
async def test_default_trust_store_rejects_the_test_ca(kind: str, tls_server: ServerThread) -> None:
    with pytest.raises(ClientConnectionError) as exc:
        await _send_version(tls_server.url, client_with(kind, None))
    assert "certificate" in str(exc.value).lower()
    with pytest.raises(ClientConnectionAbortedError):
        await _version(tls_server.url, client_with(kind, None))


@pytest.mark.parametrize("kind", KINDS)
async def test_context_trusting_the_ca_accepts(
    kind: str, ca: TestCA, tls_server: ServerThread
) -> None:
    assert tls_server.url.startswith("https://127.0.0.1:")
    assert (await _version(tls_server.url, client_with(kind, ca.client_context())))[
        "server"
    ] == "arango"
    localhost = tls_server.url.replace("127.0.0.1", "localhost")
    assert await _send_version(localhost, client_with(kind, ca.client_context())) == 200


@pytest.mark.parametrize("kind", KINDS)
async def test_hostname_must_match_the_certificate(kind: str, ca: TestCA) -> None:
    other = make_test_ca(["db.example.test"])
    with serving(Emulator(), ssl_context=other.server_context()) as srv:
        with pytest.raises(ClientConnectionError):
            await _send_version(srv.url, client_with(kind, other.client_context()))
        with pytest.raises(ClientConnectionError):  # right name, foreign CA
            await _send_version(srv.url, client_with(kind, ca.client_context()))


async def test_verification_can_be_switched_off(tls_server: ServerThread) -> None:
    for http in (
        AioHTTPClient(ssl_context=False),
        HttpxHTTPClient(ssl_context=False),
        AiosonicHTTPClient(verify_ssl=False),
    ):
        assert await _send_version(tls_server.url, http) == 200


async def test_fingerprint_pinning(ca: TestCA, tls_server: ServerThread) -> None:
    pinned = AioHTTPClient(ssl_context=aiohttp.Fingerprint(ca.fingerprint_sha256))
    assert (await _version(tls_server.url, pinned))["server"] == "arango"
    wrong = AioHTTPClient(ssl_context=aiohttp.Fingerprint(make_test_ca().fingerprint_sha256))
    with pytest.raises(ClientConnectionError) as exc:
        await _send_version(tls_server.url, wrong)
    assert isinstance(exc.value.__cause__, aiohttp.ServerFingerprintMismatch)


@pytest.fixture(scope="module")
def unix_server() -> Iterator[ServerThread]:
    # short directory: UNIX socket paths are limited to ~100 bytes
    directory = tempfile.mkdtemp(prefix="am-")
    path = os.path.join(directory, "arangodb.sock")
    try:
        with serving(Emulator(), unix_path=path) as srv:
            yield srv
        assert not os.path.exists(path), "socket file left behind"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def unix_client(kind: str, path: str) -> HTTPClient:
    if kind == "aiohttp":
        return AioHTTPClient(connector=aiohttp.UnixConnector(path=path))
    if kind == "httpx":
        return HttpxHTTPClient(transport=httpx.AsyncHTTPTransport(uds=path))
    return AiosonicHTTPClient(uds=path)


@pytest.mark.parametrize("kind", KINDS)
async def test_unix_socket_end_to_end(kind: str, unix_server: ServerThread) -> None:
    assert unix_server.unix_path and unix_server.url == "http://localhost"
    http = unix_client(kind, unix_server.unix_path)
    async with ArangoClient(hosts=unix_server.url, http_client=http) as client:
        sys_db = await client.db("_system", auth=ROOT)
        name = f"unix_{kind}"
        await sys_db.create_database(name)
        db = await client.db(name, auth=ROOT)
        col = await db.create_collection("c")
        await col.insert_many([{"_key": str(i), "i": i} for i in range(3)])
        cursor = await db.aql.execute("FOR d IN c SORT d.i DESC RETURN d._key", batch_size=1)
        assert [key async for key in cursor] == ["2", "1", "0"]


def test_unix_socket_replaces_a_stale_socket_file() -> None:
    import socket

    directory = tempfile.mkdtemp(prefix="am-")
    path = os.path.join(directory, "s.sock")
    try:
        stale = socket.socket(socket.AF_UNIX)
        stale.bind(path)
        stale.close()
        assert os.path.exists(path)
        with serving(Emulator(), unix_path=path), socket.socket(socket.AF_UNIX) as conn:
            conn.connect(path)
            conn.sendall(b"GET /_admin/server/availability HTTP/1.1\r\nHost: x\r\n\r\n")
            assert conn.recv(100).startswith(b"HTTP/1.1 200")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
