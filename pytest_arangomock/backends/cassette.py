"""Cassettes: recorded HTTP interactions, written and read through vcrpy.

Writing goes through vcrpy itself: each interaction becomes a ``vcr.request.Request`` and
vcrpy's response dict, ``vcr.serialize.serialize`` lays out the cassette (version 1, with a
``metadata`` mapping) and vcrpy's YAML or JSON serializer renders it, so vcrpy reads our
cassettes and we read its. :class:`Persister` is a vcrpy persister (``load_cassette``,
``save_cassette``) that writes atomically (temporary file in the same directory, then
``os.replace``): parallel workers and interrupted runs never leave a torn cassette behind.

Reading keeps one fast path of our own, :data:`FAST_YAML` (a vcrpy serializer whose
``deserialize`` reads vcrpy's layout directly, :mod:`.yaml_block`, and any other YAML
straight from libyaml's events): vcrpy's loader and its ``Request`` objects cost tens
of microseconds per interaction, which a suite replaying thousands of them feels.
:func:`to_vcr` and :func:`from_vcr` convert between our interactions and vcrpy's types.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import vcr.serialize
import yaml
from vcr.persisters.filesystem import CassetteNotFoundError as VcrNotFound
from vcr.request import Request as VcrRequest
from vcr.serializers import jsonserializer, yamlserializer

from ..backend import BackendRequest, BackendResponse
from ..base.bulk import gc_paused
from . import yaml_block
from .yaml_block import Unsupported, plain_scalar, tagged_scalar

__all__ = [
    "CASSETTE_HOST",
    "FAST_YAML",
    "Cassette",
    "CassetteFormatError",
    "Interaction",
    "Persister",
    "atomic_write",
    "from_vcr",
    "to_vcr",
]

try:  # libyaml is an order of magnitude faster; PyYAML's pure-Python classes are the fallback
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

#: vcrpy needs an absolute URI; the real host is irrelevant to replay and not worth storing.
CASSETTE_HOST = "http://arangodb:8529"
_HOST_END = len(CASSETTE_HOST)
_AFTER_HOST = ("", "/", "?")
_URI_SPECIAL = re.compile("[#\t\r\n]")
FORMAT_VERSION = 1

# Connection-level headers say nothing about the exchange (bodies are stored decoded).
_HOP = frozenset(
    {"content-length", "transfer-encoding", "connection", "keep-alive", "host", "content-encoding"}
)
_SKIP_REQUEST = _HOP | {"user-agent", "accept-encoding"}
# Static or per-run response headers: noise in diffs of re-recorded cassettes, and in load time.
_SKIP_RESPONSE = _HOP | {
    "date",
    "server",
    "expires",
    "pragma",
    "cache-control",
    "strict-transport-security",
    "content-security-policy",
    "x-content-type-options",
    "x-arango-queue-time-seconds",
}


class CassetteFormatError(ValueError):
    """The file is not a cassette this plugin (or vcrpy) can read."""


@dataclass
class Interaction:
    """One recorded exchange."""

    request: BackendRequest
    response: BackendResponse


@dataclass
class Cassette:
    """An ordered list of interactions plus free-form metadata (e.g. the test's database)."""

    interactions: list[Interaction] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ I/O
    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Cassette:
        """Read a cassette (YAML, or JSON for a ``.json`` suffix)."""
        p = Path(path)
        text = p.read_text(encoding="utf-8")
        with gc_paused():  # thousands of small containers, none of them garbage
            try:
                data = json.loads(text) if _is_json(p) else load_yaml(text)
            except (ValueError, yaml.YAMLError) as exc:
                raise CassetteFormatError(f"{p}: not a readable cassette: {exc}") from exc
            return cls.from_dict(data, source=str(p))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write atomically; the format follows the suffix."""
        p = Path(path)
        atomic_write(p, self.dumps(json_format=_is_json(p)))

    def dumps(self, *, json_format: bool = False) -> str:
        """The file's text, laid out by vcrpy's ``serialize`` and serializers."""
        pairs = [to_vcr(i) for i in self.interactions]
        cassette_dict = {
            "requests": [r for r, _ in pairs],
            "responses": [r for _, r in pairs],
            "metadata": self.metadata,
        }
        serializer = jsonserializer if json_format else yamlserializer
        text: str = vcr.serialize.serialize(cassette_dict, serializer)
        return text

    # ------------------------------------------------------------ conversion
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "interactions": [_interaction_to_dict(i) for i in self.interactions],
            "version": FORMAT_VERSION,
        }
        if self.metadata:
            out["metadata"] = self.metadata
        return out

    @classmethod
    def from_dict(cls, data: Any, source: str = "cassette") -> Cassette:
        if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
            raise CassetteFormatError(f"{source}: no 'interactions' list (not a vcrpy cassette)")
        if data.get("version") != FORMAT_VERSION:
            raise CassetteFormatError(
                f"{source}: cassette format version {data.get('version')!r}, expected 1"
            )
        try:
            interactions = [_interaction_from_dict(i) for i in data["interactions"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise CassetteFormatError(f"{source}: malformed interaction: {exc!r}") from exc
        metadata = data.get("metadata") or {}
        return cls(interactions, dict(metadata) if isinstance(metadata, dict) else {})


def load_yaml(text: str) -> Any:
    """Read a cassette in vcrpy's layout directly (:mod:`.yaml_block`); any other YAML
    with libyaml's event stream, building the data from the events.

    PyYAML's node composition and per-scalar resolution cost seconds on cassettes with
    thousands of interactions; building from events takes a fraction of that, and reading
    vcrpy's layout directly a fraction again. Anything unusual (merge keys, non-standard
    tags) falls back to PyYAML's safe loader.
    """
    try:
        return yaml_block.read(text, _load_events)
    except (Unsupported, yaml.YAMLError):  # the full parse below reports errors in place
        return _load_events(text)


def _load_events(text: str) -> Any:
    loader = _Loader(text)
    try:
        return _build(loader)
    except Unsupported:
        return yaml.load(text, Loader=_Loader)
    finally:
        loader.dispose()


_NO_KEY: Any = object()
_CONTAINER_TAGS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _build(loader: Any) -> Any:
    """One pass over the events; containers are filled in place (a stack of open ones)."""
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    stack: list[Any] = []  # open containers
    keys: list[Any] = []  # per open container: the pending mapping key, or _NO_KEY
    anchors: dict[str, Any] = {}
    roots: list[Any] = []
    get_event = loader.get_event
    while True:
        event = get_event()
        if event is None:
            break
        kind = event.__class__
        opened = False
        if kind is scalar_event:
            tag = event.tag
            if tag is None or tag == "!":
                plain = event.implicit[0] and not event.style
                value: Any = plain_scalar(event.value) if plain else event.value
            else:
                value = tagged_scalar(tag, event.value)
        elif kind is map_start or kind is seq_start:
            if event.tag not in _CONTAINER_TAGS:
                raise Unsupported(event.tag)
            value = {} if kind is map_start else []
            opened = True
        elif kind is map_end or kind is seq_end:
            stack.pop()
            keys.pop()
            continue
        elif kind is alias_event:
            if event.anchor not in anchors:
                raise Unsupported("unknown alias")
            value = anchors[event.anchor]
        else:  # stream and document boundaries
            continue
        if kind is not alias_event and event.anchor:
            anchors[event.anchor] = value
        if stack:
            top = stack[-1]
            if top.__class__ is list:
                top.append(value)
            elif keys[-1] is _NO_KEY:
                if value == "<<" or not isinstance(value, Hashable):
                    raise Unsupported("merge key or complex key")
                keys[-1] = value
            else:
                top[keys[-1]] = value
                keys[-1] = _NO_KEY
        else:
            roots.append(value)
        if opened:
            stack.append(value)
            keys.append(_NO_KEY)
    if len(roots) > 1:
        raise Unsupported("several documents")
    return roots[0] if roots else None


def _is_json(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def request_uri(request: BackendRequest) -> str:
    """The absolute URI vcrpy stores for ``request``."""
    query = urlencode(request.query, quote_via=quote) if request.query else ""
    return CASSETTE_HOST + request.path + ("?" + query if query else "")


def _headers_to_dict(headers: dict[str, str], skip: frozenset[str]) -> dict[str, list[str]]:
    return {k: [v] for k, v in headers.items() if k not in skip}


def _headers_from_dict(raw: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in (raw or {}).items():
        if value.__class__ is list and len(value) == 1 and value[0].__class__ is str:
            joined = value[0]  # what vcrpy writes: one value per header, in a list
        else:
            values: Iterable[Any] = value if isinstance(value, list) else [value]
            joined = ", ".join(str(v) for v in values)
        out[str(name).lower()] = joined
    return out


def _body_out(body: bytes) -> str | bytes:
    """Text when it is UTF-8 (readable, what vcrpy writes), bytes (``!!binary``) otherwise."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body


def _body_in(raw: Any) -> bytes:
    if raw is None:
        return b""
    if isinstance(raw, bytes):
        return raw
    return str(raw).encode("utf-8")


def _interaction_to_dict(interaction: Interaction) -> dict[str, Any]:
    req, resp = interaction.request, interaction.response
    return {
        "request": {
            "body": _body_out(req.body) if req.body else None,
            "headers": _headers_to_dict(req.headers, _SKIP_REQUEST),
            "method": req.method,
            "uri": request_uri(req),
        },
        "response": {
            "body": {"string": _body_out(resp.body)},
            "headers": _headers_to_dict(resp.headers, _SKIP_RESPONSE),
            "status": {"code": resp.status, "message": resp.reason},
        },
    }


def _split_uri(uri: str) -> tuple[str, str]:
    """Path and query of a stored URI, as ``urlsplit`` finds them; the host is ignored.

    URIs on our own host with nothing ``urlsplit`` would strip or cut off (a fragment, tabs,
    line breaks) are split directly: ``urlsplit`` is a third of a cassette's load time.
    """
    if (
        uri.startswith(CASSETTE_HOST)
        and uri[_HOST_END : _HOST_END + 1] in _AFTER_HOST
        and not _URI_SPECIAL.search(uri)
    ):
        path, _, query = uri[_HOST_END:].partition("?")
        return path or "/", query
    parts = urlsplit(uri)
    return parts.path or "/", parts.query


def _interaction_from_dict(raw: dict[str, Any]) -> Interaction:
    rq, rs = raw["request"], raw["response"]
    path, query = _split_uri(rq["uri"])
    request = BackendRequest(
        str(rq["method"]).upper(),
        path,
        dict(parse_qsl(query, keep_blank_values=True)) if query else {},
        _headers_from_dict(rq.get("headers")),
        _body_in(rq.get("body")),
    )
    body = rs.get("body")
    response = BackendResponse(
        int(rs["status"]["code"]),
        _headers_from_dict(rs.get("headers")),
        _body_in(body.get("string") if isinstance(body, dict) else body),
    )
    return Interaction(request, response)


def to_vcr(interaction: Interaction) -> tuple[VcrRequest, dict[str, Any]]:
    """vcrpy's request object and response dict for ``interaction`` (what its hooks see)."""
    raw = _interaction_to_dict(interaction)
    rq = raw["request"]
    return VcrRequest(rq["method"], rq["uri"], rq["body"], rq["headers"]), raw["response"]


def from_vcr(request: VcrRequest, response: dict[str, Any]) -> Interaction:
    """Our interaction for vcrpy's request and response dict."""
    raw = {
        "request": {
            "method": request.method,
            "uri": request.uri,
            "body": request.body,
            "headers": {k: [v] for k, v in request.headers.items()},
        },
        "response": response,
    }
    return _interaction_from_dict(raw)


class _FastYaml:
    """vcrpy's serializer interface: our event-stream loader, vcrpy's own dumper."""

    @staticmethod
    def deserialize(cassette_string: str) -> Any:
        return load_yaml(cassette_string)

    @staticmethod
    def serialize(cassette_dict: Any) -> str:
        text: str = yamlserializer.serialize(cassette_dict)
        return text


#: the YAML serializer to register with vcrpy (``vcr.register_serializer("yaml", FAST_YAML)``)
FAST_YAML = _FastYaml()


class Persister:
    """A vcrpy persister (``vcr.register_persister(Persister)``) writing atomically."""

    @classmethod
    def load_cassette(cls, cassette_path: str | os.PathLike[str], serializer: Any) -> Any:
        path = Path(cassette_path)
        if not path.is_file():
            raise VcrNotFound()
        return vcr.serialize.deserialize(path.read_text(encoding="utf-8"), serializer)

    @staticmethod
    def save_cassette(
        cassette_path: str | os.PathLike[str], cassette_dict: Any, serializer: Any
    ) -> None:
        atomic_write(Path(cassette_path), vcr.serialize.serialize(cassette_dict, serializer))


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
