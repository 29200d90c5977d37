"""Keep credentials out of cassettes, and only credentials: data stays as the server sent it.

By default: ``Authorization``-like headers, JWTs anywhere (headers and bodies), user access
tokens (``v1.<hex>``, minted by ``POST /_api/token/{user}``) anywhere and the ``token`` field
of every ``/_api/token`` request and answer, and the password fields of the APIs that take
passwords: ``password`` of ``/_open/auth``, ``passwd`` of ``/_api/user`` and of the users
given to ``POST /_api/database``. A document field named ``password`` is data, and is kept.
An access token becomes ``v1.redacted``: still shaped like one, and worthless.
A JWT is not blanked but re-issued unsigned: drivers decode the token they get back
(without checking the signature) and refuse one that is expired or malformed, so the
replacement keeps the claims, moves ``exp`` far into the future and carries the signature
``REDACTED_SIGNATURE``. It is worthless to anyone who reads the cassette.

The same rules are applied to incoming requests before they are matched, so a replayed
``/_open/auth`` with the real password still finds its redacted recording.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..backend import BackendRequest, BackendResponse
from ..settings import Redaction
from .cassette import Interaction

__all__ = [
    "ACCESS_TOKEN_PATTERN",
    "JWT_PATTERN",
    "REDACTED",
    "REDACTED_ACCESS_TOKEN",
    "REDACTED_SIGNATURE",
    "RedactionRules",
    "redact_interaction",
    "redact_json",
    "redact_jwt",
    "redact_request",
]

REDACTED = "<redacted>"
#: base64url("redacted"): the signature every redacted JWT carries.
REDACTED_SIGNATURE = "cmVkYWN0ZWQ"
#: Far in the future so a replayed token is never expired (2100-01-01T00:00:00Z).
REDACTED_EXP = 4102444800
#: A JWT's header and payload are base64url JSON objects, so both start with ``eyJ``.
JWT_PATTERN = re.compile(r"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
#: A user access token (3.12.5+): ``v1.`` and hex. Its fingerprint (``v1...`` and the last
#: six characters) is not a credential and does not match.
ACCESS_TOKEN_PATTERN = re.compile(r"\bv1\.[0-9a-fA-F]{16,}")
REDACTED_ACCESS_TOKEN = "v1.redacted"
#: The access token API; the ``token`` field of its bodies is a live credential.
_TOKEN_ROUTE = re.compile(r"(?:^|/)_api/token(?:/|$)")
#: The APIs that take passwords (login, users, databases with their users).
_PASSWORD_ROUTE = re.compile(r"(?:^|/)(?:_open/auth|_api/user|_api/database)(?:/|$)")

DEFAULT_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
#: password fields, redacted only in the bodies of the password-taking APIs
PASSWORD_FIELDS = frozenset({"password", "passwd"})


@dataclass(frozen=True)
class RedactionRules:
    """What to scrub. ``headers`` and ``fields`` are matched case-insensitively.

    ``fields`` are redacted in every body; ``credentials`` turns on the built-in rules
    (password fields of the password APIs, JWTs, access tokens).
    """

    headers: frozenset[str] = DEFAULT_HEADERS
    fields: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = field(default_factory=tuple)
    credentials: bool = True

    @classmethod
    def configured(cls, redaction: Redaction | None) -> RedactionRules:
        """The rules of a :class:`~pytest_arangomock.settings.Redaction` (ini options)."""
        if redaction is None:
            return cls()
        base = cls() if redaction.defaults else cls(frozenset(), frozenset(), (), False)
        return base.extended(redaction.headers, redaction.fields, redaction.patterns)

    def extended(
        self,
        headers: Iterable[str] = (),
        fields: Iterable[str] = (),
        patterns: Iterable[str] = (),
    ) -> RedactionRules:
        """These rules plus extra header names, JSON field names and regular expressions."""
        return RedactionRules(
            self.headers | {h.strip().lower() for h in headers if h.strip()},
            self.fields | {f.strip().lower() for f in fields if f.strip()},
            self.patterns + tuple(re.compile(p) for p in patterns if p),
            self.credentials,
        )


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def redact_jwt(token: str) -> str:
    """An unsigned stand-in for ``token`` with the same claims and a far-away expiry."""
    header, _, rest = token.partition(".")
    payload, _, signature = rest.partition(".")
    if signature == REDACTED_SIGNATURE:
        return token
    try:
        claims = json.loads(_b64decode(payload))
    except ValueError:
        return REDACTED
    if not isinstance(claims, dict):
        return REDACTED
    claims["exp"] = REDACTED_EXP
    encoded = _b64encode(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    return f"{header}.{encoded}.{REDACTED_SIGNATURE}"


class _Counter:
    """How many values were replaced, and which credential API the body belongs to."""

    __slots__ = ("count", "password_route", "token_route")

    def __init__(self, path: str = "", rules: RedactionRules | None = None) -> None:
        self.count = 0
        on = rules is None or rules.credentials
        self.token_route = on and _TOKEN_ROUTE.search(path) is not None
        self.password_route = on and _PASSWORD_ROUTE.search(path) is not None


def _redact_text(text: str, rules: RedactionRules, counter: _Counter) -> str:
    def jwt_sub(match: re.Match[str]) -> str:
        replacement = redact_jwt(match.group(0))
        if replacement != match.group(0):
            counter.count += 1
        return replacement

    if rules.credentials and "eyJ" in text:
        text = JWT_PATTERN.sub(jwt_sub, text)
    if rules.credentials and "v1." in text:
        text, n = ACCESS_TOKEN_PATTERN.subn(REDACTED_ACCESS_TOKEN, text)
        counter.count += n
    for pattern in rules.patterns:
        text, n = pattern.subn(REDACTED, text)
        counter.count += n
    return text


def _redact_value(value: Any, rules: RedactionRules, counter: _Counter) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            low = key.lower()
            secret = low in rules.fields or (counter.password_route and low in PASSWORD_FIELDS)
            if secret and isinstance(item, str) and item != REDACTED:
                counter.count += 1
                out[key] = REDACTED
            elif (
                counter.token_route
                and key == "token"
                and isinstance(item, str)
                and item != REDACTED_ACCESS_TOKEN
            ):
                counter.count += 1
                out[key] = REDACTED_ACCESS_TOKEN
            else:
                out[key] = _redact_value(item, rules, counter)
        return out
    if isinstance(value, list):
        return [_redact_value(item, rules, counter) for item in value]
    if isinstance(value, str):
        return _redact_text(value, rules, counter)
    return value


def redact_json(value: Any, rules: RedactionRules, path: str = "") -> tuple[Any, int]:
    """``value`` (a body sent to ``path``) with secrets replaced, and how many were."""
    counter = _Counter(path, rules)
    return _redact_value(value, rules, counter), counter.count


def _redact_body(body: bytes, rules: RedactionRules, counter: _Counter) -> bytes:
    if not body:
        return body
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        else:
            before = counter.count
            scrubbed = _redact_value(parsed, rules, counter)
            if counter.count == before:
                return body  # untouched: keep the exact bytes the server sent
            return json.dumps(scrubbed, ensure_ascii=False, separators=(",", ":")).encode()
    scrubbed_text = _redact_text(text, rules, counter)
    return body if scrubbed_text == text else scrubbed_text.encode("utf-8")


def _redact_headers(
    headers: dict[str, str], rules: RedactionRules, counter: _Counter
) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() in rules.headers:
            scheme, _, credentials = value.partition(" ")
            # keep the scheme (Basic/bearer): it says how the test authenticated
            keep = credentials and scheme.isalpha()
            redacted = f"{scheme} {REDACTED}" if keep else REDACTED
            if redacted != value:
                counter.count += 1
            out[name] = redacted
        else:
            out[name] = _redact_text(value, rules, counter)
    return out


def redact_request(request: BackendRequest, rules: RedactionRules) -> BackendRequest:
    """``request`` as it would be stored (used to match live requests against recordings)."""
    counter = _Counter(request.path, rules)
    return BackendRequest(
        request.method,
        request.path,
        {k: _redact_text(v, rules, counter) for k, v in request.query.items()},
        _redact_headers(request.headers, rules, counter),
        _redact_body(request.body, rules, counter),
    )


def redact_interaction(interaction: Interaction, rules: RedactionRules) -> tuple[Interaction, int]:
    """A scrubbed copy of ``interaction`` and the number of values replaced."""
    req, resp = interaction.request, interaction.response
    counter = _Counter(req.path, rules)
    query = {k: _redact_text(v, rules, counter) for k, v in req.query.items()}
    new_req = BackendRequest(
        req.method,
        req.path,
        query,
        _redact_headers(req.headers, rules, counter),
        _redact_body(req.body, rules, counter),
    )
    new_resp = BackendResponse(
        resp.status,
        _redact_headers(resp.headers, rules, counter),
        _redact_body(resp.body, rules, counter),
    )
    return Interaction(new_req, new_resp), counter.count
