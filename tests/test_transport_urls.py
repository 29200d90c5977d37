"""The classic drivers' URL handling takes shortcuts for the common shapes; every shortcut
gives what the general ``urllib`` route gives."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from pytest_arangomock.backend import BackendRequest
from pytest_arangomock.transports._classic import SessionStub, backend_request, response_url

URLS = [
    "http://db:8529/_db/shop/_api/document/orders/1",
    "https://db.example:8530/_api/version",
    "http://db:8529",
    "http://db:8529/_api/view/v#ArangoSearch",
    "http://db:8529/_api/cursor?batchSize=2",
    "HTTP://Db:8529/_api/version",
    "http://db:8529/_api/x\ty",
    "/_db/shop/_api/version",
]

PARAMS: list[Any] = [
    None,
    {},
    {"silent": "true", "returnNew": 1},
    {"overwriteMode": "update", "skip": None, "flag": True},
    {"key with space": "a/b c", "ünï": "çödé", "empty": ""},
    {"raw": b"by tes", "float": 1.5},
]


def _general(url: str) -> tuple[str, str, dict[str, str]]:
    parts = urlsplit(url)
    host = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return host, parts.path or "/", dict(parse_qsl(parts.query, keep_blank_values=True))


@pytest.mark.parametrize("url", URLS)
def test_request_from_url_matches_urlsplit(url: str) -> None:
    req = BackendRequest.from_url("get", url, {"X-Arango": "1"})
    assert (req.host, req.path, req.query) == _general(url)
    assert req.method == "GET" and req.headers == {"x-arango": "1"}


def _reference(url: str, params: Any) -> str:
    base = url.split("#", 1)[0]
    if params:
        sep = "&" if urlsplit(base).query else "?"
        base += sep + urlencode({k: v for k, v in params.items() if v is not None})
    return base


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("url", URLS[:5])
def test_response_url_matches_urlencode(url: str, params: Any) -> None:
    assert response_url(url, params) == _reference(url, params)


HOSTS = ["http://db:8529", "http://db:8529/", "https://db:8530/prefix", "HTTP://Db:8529"]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("url", URLS)
def test_a_sessions_requests_match_the_general_route(host: str, url: str) -> None:
    """What a session makes of a driver's call equals what ``from_url`` makes of it, on
    its own shortcut (a bare origin's URL) or not; the host is always the session's."""
    session = SessionStub(host)
    params = {"silent": True, "n": 2}
    made = backend_request(session, "post", url, {"X-A": "1"}, params, "{}", None)
    general = BackendRequest.from_url("post", url, {"X-A": "1"}, "{}", params)
    general.host = session.host
    assert made == general and made.host == general.host


def test_a_session_encodes_credentials_and_headers_again_when_they_change() -> None:
    session = SessionStub("http://db:8529")
    url = "http://db:8529/_api/version"

    def sent(headers: dict[str, Any], auth: tuple[str, str]) -> dict[str, str]:
        return backend_request(session, "get", url, headers, None, None, auth).headers

    first = sent({"X-A": "1"}, ("root", ""))
    first["x-a"] = "changed by a handler"  # each request gets its own dict
    assert sent({"X-A": "1"}, ("root", "")) == {"x-a": "1", "authorization": "Basic cm9vdDo="}
    assert sent({"X-A": "2"}, ("root", "pw"))["x-a"] == "2"
    assert sent({"X-A": "2"}, ("root", "pw"))["authorization"] == "Basic cm9vdDpwdw=="
    assert sent({"X-A": 1}, ("bob", ""))["authorization"] == "Basic Ym9iOg=="
    assert sent({"X-A": True}, ("bob", "")) == {"x-a": "True", "authorization": "Basic Ym9iOg=="}
