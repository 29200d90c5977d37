"""Secrets never reach a cassette: headers, JWTs, passwords; redacted recordings still match."""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path
from typing import Any

import jwt
import pytest

from pytest_arangomock import BackendRequest, BackendResponse, Emulator
from pytest_arangomock.backends import CassetteBackend, Interaction, RedactionRules
from pytest_arangomock.backends.redact import (
    REDACTED,
    REDACTED_ACCESS_TOKEN,
    REDACTED_SIGNATURE,
    redact_interaction,
    redact_jwt,
)

SECRET = "a-jwt-signing-secret-of-32-bytes!"
PASSWORD = "R00t-pa55word"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def token(exp_in: int = 3600) -> str:
    now = int(time.time())
    claims = {"iss": "arangodb", "iat": now, "exp": now + exp_in, "preferred_username": "root"}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def interaction(
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    response: Any = None,
    response_headers: dict[str, str] | None = None,
) -> Interaction:
    data = b"" if body is None else json.dumps(body).encode()
    out = b"" if response is None else json.dumps(response).encode()
    return Interaction(
        BackendRequest.from_url(method, url, headers or {}, data),
        BackendResponse(200, response_headers or {}, out),
    )


def test_authorization_keeps_only_the_scheme() -> None:
    clean, count = redact_interaction(
        interaction("GET", "/_api/version", headers={"authorization": basic("root", PASSWORD)}),
        RedactionRules(),
    )
    assert clean.request.headers["authorization"] == f"Basic {REDACTED}"
    assert count == 1


def test_jwt_is_reissued_unsigned_and_still_decodes() -> None:
    original = token(exp_in=-10)  # already expired: replay must still accept it
    fake = redact_jwt(original)
    assert fake.endswith("." + REDACTED_SIGNATURE)
    assert original.split(".")[2] not in fake
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(fake, SECRET, algorithms=["HS256"])
    claims = jwt.decode(
        fake,
        options={"verify_signature": False, "verify_exp": True},
        issuer="arangodb",
        algorithms=["HS256"],
    )
    assert claims["preferred_username"] == "root"
    assert claims["exp"] > time.time() + 365 * 24 * 3600
    assert redact_jwt(fake) == fake  # idempotent
    assert redact_jwt("eyJhbGciOi.eyJub3Rqc29u.x") == REDACTED  # payload is not JSON


def test_open_auth_password_and_jwt_answer() -> None:
    original = token()
    clean, count = redact_interaction(
        interaction(
            "POST",
            "/_open/auth",
            {"username": "root", "password": PASSWORD},
            response={"jwt": original},
        ),
        RedactionRules(),
    )
    assert json.loads(clean.request.body) == {"username": "root", "password": REDACTED}
    answer = json.loads(clean.response.body)["jwt"]
    assert answer != original and answer.endswith(REDACTED_SIGNATURE)
    assert count == 2


def test_user_passwords_at_any_depth() -> None:
    body = {"name": "db", "users": [{"username": "u", "passwd": "pw1"}]}
    clean, count = redact_interaction(interaction("POST", "/_api/database", body), RedactionRules())
    assert json.loads(clean.request.body)["users"][0]["passwd"] == REDACTED
    clean, count = redact_interaction(
        interaction("PATCH", "/_api/user/u", {"passwd": "pw2", "active": True}), RedactionRules()
    )
    assert json.loads(clean.request.body) == {"passwd": REDACTED, "active": True}
    assert count == 1


def test_tokens_in_headers_and_free_text() -> None:
    t = token()
    clean, _ = redact_interaction(
        interaction(
            "GET", "/_api/version", headers={"x-token": t}, response_headers={"x-other": f"v {t}"}
        ),
        RedactionRules(),
    )
    assert t not in json.dumps(clean.request.headers) + json.dumps(clean.response.headers)


def test_untouched_bodies_keep_their_exact_bytes() -> None:
    raw = b'{ "a" : 1.0,   "b": [1, 2] }'
    inter = Interaction(BackendRequest("POST", "/x", {}, {}, raw), BackendResponse(200, {}, raw))
    clean, count = redact_interaction(inter, RedactionRules())
    assert (clean.request.body, clean.response.body, count) == (raw, raw, 0)


def test_extra_rules() -> None:
    rules = RedactionRules().extended(
        headers=["X-Api-Key"], fields=["secretValue"], patterns=[r"acct-\d+"]
    )
    clean, count = redact_interaction(
        interaction(
            "POST",
            "/_api/document/c",
            {"secretValue": "s", "note": "for acct-1234 only"},
            headers={"x-api-key": "k"},
        ),
        rules,
    )
    assert clean.request.headers["x-api-key"] == REDACTED
    assert json.loads(clean.request.body) == {
        "secretValue": REDACTED,
        "note": f"for {REDACTED} only",
    }
    assert count == 3


def test_redacted_recordings_still_match_real_requests(tmp_path: Path) -> None:
    emu = Emulator(root_password=PASSWORD, jwt_secret=SECRET)
    path = tmp_path / "auth.yaml"
    recorder = CassetteBackend(path, record_mode="once", inner=emu)
    login = BackendRequest.from_url(
        "POST", "/_open/auth", {}, json.dumps({"username": "root", "password": PASSWORD})
    )
    real = json.loads(recorder.handle_sync(login).body)["jwt"]
    user = BackendRequest.from_url(
        "POST",
        "/_api/user",
        {"authorization": f"bearer {real}"},
        json.dumps({"user": "alice", "passwd": "alice-pw"}),
    )
    assert recorder.handle_sync(user).status == 201
    recorder.save()
    text = path.read_text()
    for secret in (
        PASSWORD,
        "alice-pw",
        real,
        real.split(".")[2],
        basic("root", PASSWORD).split()[1],
    ):
        assert secret not in text
    assert all(
        t.endswith(REDACTED_SIGNATURE) for t in re.findall(r"eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*", text)
    )

    replay = CassetteBackend(path, record_mode="none")
    answer = json.loads(replay.handle_sync(login).body)[
        "jwt"
    ]  # the real password, redacted on disk
    assert answer.endswith(REDACTED_SIGNATURE)
    assert replay.handle_sync(user).status == 201


# ------------------------------------------------------------- access tokens
ACCESS_TOKEN = "v1." + b'{"e":4102444800,"c":1700000000,"u":"root","r":"abc"}'.hex()


def test_access_token_answer_is_redacted_and_its_metadata_kept() -> None:
    answer = {
        "id": 1,
        "name": "ci",
        "valid_until": 4102444800,
        "created_at": 1700000000,
        "fingerprint": "v1..." + ACCESS_TOKEN[-6:],
        "active": True,
        "token": ACCESS_TOKEN,
    }
    inter = interaction(
        "POST",
        "/_db/_system/_api/token/root",
        {"name": "ci", "valid_until": 4102444800},
        response=answer,
    )
    clean, count = redact_interaction(inter, RedactionRules())
    assert ACCESS_TOKEN not in clean.response.body.decode()
    assert json.loads(clean.response.body) == {**answer, "token": REDACTED_ACCESS_TOKEN}
    assert clean.request.body == inter.request.body  # nothing secret in the request
    assert count == 1
    again, count = redact_interaction(clean, RedactionRules())
    assert (again.response.body, count) == (clean.response.body, 0)  # idempotent


def test_token_field_of_the_token_api_whatever_its_shape() -> None:
    clean, count = redact_interaction(
        interaction("POST", "/_api/token/alice", {"name": "x"}, response={"token": "opaque"}),
        RedactionRules(),
    )
    assert json.loads(clean.response.body) == {"token": REDACTED_ACCESS_TOKEN}
    assert count == 1
    # elsewhere a field named token is user data, unless it holds an access token
    clean, count = redact_interaction(
        interaction("POST", "/_api/document/c", {"token": "opaque", "t": ACCESS_TOKEN}),
        RedactionRules(),
    )
    assert json.loads(clean.request.body) == {"token": "opaque", "t": REDACTED_ACCESS_TOKEN}
    assert count == 1


def test_access_tokens_anywhere_in_headers_queries_and_text() -> None:
    inter = Interaction(
        BackendRequest(
            "GET",
            "/_api/version",
            {"q": ACCESS_TOKEN},
            {"x-access": f"token {ACCESS_TOKEN}"},
            f"plain {ACCESS_TOKEN} text".encode(),
        ),
        BackendResponse(200, {}, b""),
    )
    clean, count = redact_interaction(inter, RedactionRules())
    stored = json.dumps([clean.request.query, clean.request.headers]) + clean.request.body.decode()
    assert ACCESS_TOKEN not in stored
    assert count == 3
    # a fingerprint is not a credential
    fingerprint = "v1..." + ACCESS_TOKEN[-6:]
    clean, count = redact_interaction(
        interaction("GET", "/_api/token/root", response={"tokens": [{"fingerprint": fingerprint}]}),
        RedactionRules(),
    )
    assert (json.loads(clean.response.body)["tokens"][0]["fingerprint"], count) == (fingerprint, 0)


def test_recorded_access_tokens_never_reach_the_cassette(tmp_path: Path) -> None:
    emu = Emulator(root_password=PASSWORD, jwt_secret=SECRET)
    path = tmp_path / "tokens.yaml"
    recorder = CassetteBackend(path, record_mode="once", inner=emu)
    auth = {"authorization": basic("root", PASSWORD)}
    create = BackendRequest.from_url(
        "POST", "/_api/token/root", auth, json.dumps({"name": "ci", "valid_until": 4102444800})
    )
    created = recorder.handle_sync(create)
    assert created.status == 200
    real = json.loads(created.body)["token"]
    assert real.startswith("v1.") and real != REDACTED_ACCESS_TOKEN
    login = BackendRequest.from_url(
        "POST", "/_open/auth", {}, json.dumps({"username": "root", "password": real})
    )
    assert recorder.handle_sync(login).status == 200  # the token is a live credential
    listing = BackendRequest.from_url("GET", "/_api/token/root", auth, b"")
    assert recorder.handle_sync(listing).status == 200
    recorder.save()
    text = path.read_text()
    assert real not in text and real[3:] not in text
    assert REDACTED_ACCESS_TOKEN in text

    replay = CassetteBackend(path, record_mode="none")
    assert json.loads(replay.handle_sync(create).body)["token"] == REDACTED_ACCESS_TOKEN
    assert replay.handle_sync(login).status == 200  # the real token still finds its recording
