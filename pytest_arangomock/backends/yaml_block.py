"""A reader for the cassette layout vcrpy writes, one regular-expression match per interaction.

libyaml hands every event to Python as an object with two position marks: about 60 us
per cassette interaction. vcrpy's serializer always lays a cassette out the same way
(keys sorted, block style, two-space indentation), so one match finds an interaction's
eight scalars and two header blocks, and only those are decoded in Python. Scalars are
read as YAML reads them: plain ones resolved by PyYAML's own resolver, single- and
double-quoted ones folded over lines and unescaped, ``!!binary |`` blocks decoded.
A file laid out any other way, or using anything else (comments, anchors, tags, flow
collections, block scalars, tabs), raises :class:`Unsupported` and the caller reads it
with libyaml, so no file is read differently from PyYAML's safe loader; a test compares
the two on generated cassettes.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

import yaml

__all__ = ["Unsupported", "plain_scalar", "read", "tagged_scalar"]


class Unsupported(Exception):
    """A YAML feature this reader leaves to libyaml."""


_STR_TAG = "tag:yaml.org,2002:str"
_BINARY_TAG = "tag:yaml.org,2002:binary"
# plain scalars starting with anything else can only be strings (YAML 1.1 implicit types)
_MAYBE_TYPED = frozenset("-+.0123456789~nNyYtTfFoO=<")
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_typed_cache: dict[str, Any] = {}
_values: dict[str, Any] = {}
_header_blocks: dict[str, tuple[tuple[Any, Any], ...]] = {}
_NO_VALUE: Any = object()


def plain_scalar(value: str) -> Any:
    """The value of an untagged plain scalar, resolved exactly as PyYAML's safe loader does."""
    if not value:
        return None
    if value[0] not in _MAYBE_TYPED:
        return value
    cached = _typed_cache.get(value, _NO_VALUE)
    if cached is not _NO_VALUE:
        return cached
    tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    result = value if tag == _STR_TAG else tagged_scalar(tag, value)
    if len(_typed_cache) < 4096:
        _typed_cache[value] = result
    return result


def tagged_scalar(tag: str, value: str) -> Any:
    """A scalar with an explicit standard tag, built by PyYAML's safe constructor."""
    if tag == _STR_TAG:
        return value
    if tag == _BINARY_TAG:
        return base64.decodebytes(value.encode("ascii"))
    constructor = _constructor.yaml_constructors.get(tag)
    if constructor is None or not tag.startswith("tag:yaml.org,2002:") or tag.endswith(":merge"):
        raise Unsupported(tag)
    return constructor(_constructor, yaml.ScalarNode(tag, value))


# characters PyYAML refuses, plus what this reader leaves to libyaml: tabs, carriage
# returns, a byte-order mark, NEL and the Unicode line separators (line breaks to YAML)
_REFUSED = re.compile(
    "[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S)
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ESCAPES = {
    "0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
    "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_PLAIN_REFUSED_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_BINARY = ("!!binary |", "!!binary |-", "!!binary |+")


def _continued(indent: int) -> str:
    """A scalar on its key's line and the lines after it indented deeper (or empty)."""
    return rf"[^\n]*(?:\n(?: {{{indent + 1}}}[^\n]*)?)*?"


def _block(indent: int) -> str:
    """A header mapping: ``{}`` or lines indented by at least ``indent`` (or empty)."""
    return rf"(?: \{{\}}|(?:\n(?: {{{indent}}}[^\n]*)?)+?)"


_INTERACTION = re.compile(
    rf"""- request:
    body: (?P<qbody>{_continued(4)})
    headers:(?P<qheaders>{_block(6)})
    method: (?P<method>{_continued(4)})
    uri: (?P<uri>{_continued(4)})
  response:
    body:
      string: (?P<rbody>{_continued(6)})
    headers:(?P<rheaders>{_block(6)})
    status:
      code: (?P<code>{_continued(6)})
      message: (?P<message>{_continued(6)})
"""
)
_KEY_TEXT = r"""(-?[A-Za-z0-9_.][A-Za-z0-9_.\-/]*|'(?:[^'\n]|'')*')"""
_HEADER_KEY = re.compile(rf"      {_KEY_TEXT}:")
# the usual header mapping: one single-line value per header
_ONE_VALUE = rf"\n      {_KEY_TEXT}:\n      - ([^\n]*)"
_ONE_VALUE_HEADERS = re.compile(rf"(?:{_ONE_VALUE})+")
_ONE_VALUE_ITEMS = re.compile(_ONE_VALUE)
# a single-line plain scalar: no indicator first, no ": " or " #" inside, no ":" last
_PLAIN_LINE = re.compile(r"(?:[^-?:,\[\]{}#&*!|>'\"%@` \n]|-[^ \n])(?:[^\n:#]|:(?! |$)|(?<! )#)*")


_ROOT_KEY_START = re.compile(r"""[A-Za-z0-9_'"]""")


def _refused(text: str) -> bool:
    """Whether ``text`` has a character :data:`_REFUSED` names (ASCII text checked at C
    speed: printable ASCII and line feeds is what vcrpy's writer produces)."""
    if text.isascii():
        return not text.replace("\n", " ").isprintable()
    return _REFUSED.search(text) is not None


def read(text: str, load_rest: Callable[[str], Any]) -> dict[str, Any]:
    """The data of a cassette in vcrpy's layout; what follows the interactions (metadata,
    version: a few lines) is read by ``load_rest``."""
    if not text.startswith("interactions:\n- request:\n") or _refused(text):
        raise Unsupported("not vcrpy's layout")
    interactions = []
    match = _INTERACTION.match
    pos = len("interactions:\n")
    while (found := match(text, pos)) is not None:
        interactions.append(_interaction(found))
        pos = found.end()
    tail = text[pos:].lstrip("\n")
    if not tail.strip(" \n"):
        return {"interactions": interactions}
    # the rest must start with a key of the root mapping; an indented line would still
    # belong to the last interaction, a "-" line be one in another layout
    if not _ROOT_KEY_START.match(tail):
        raise Unsupported("an interaction not in vcrpy's layout")
    rest = load_rest(tail)
    if not isinstance(rest, dict) or "interactions" in rest:
        raise Unsupported("an interaction not in vcrpy's layout")
    return {"interactions": interactions, **rest}


def _interaction(found: re.Match[str]) -> dict[str, Any]:
    qbody, qheaders, method, uri, rbody, rheaders, code, message = found.groups()
    return {
        "request": {
            "body": _value(qbody),
            "headers": _headers(qheaders),
            "method": _value(method),
            "uri": _value(uri),
        },
        "response": {
            "body": {"string": _value(rbody)},
            "headers": _headers(rheaders),
            "status": {"code": _value(code), "message": _value(message)},
        },
    }


def _headers(block: str) -> dict[Any, Any]:
    """A header mapping: each key at six spaces, its values a sequence at the same
    indentation (vcrpy writes one value per list), a value's continuation deeper."""
    pairs = _header_blocks.get(block)
    if pairs is not None:  # most requests of a cassette send the same headers
        return {k: [v] for k, v in pairs}
    if block == " {}":
        return {}
    if _ONE_VALUE_HEADERS.fullmatch(block):
        pairs = tuple((_key(k), _value(v)) for k, v in _ONE_VALUE_ITEMS.findall(block))
        if len(block) <= 1024 and len(_header_blocks) < 1024:
            _header_blocks[block] = pairs
        return {k: [v] for k, v in pairs}
    out: dict[Any, Any] = {}
    values: list[Any] = []
    item: list[str] = []
    for line in block.split("\n")[1:]:
        if line.startswith("      - "):
            if item:
                values.append(_scalar("\n".join(item)))
            item = [line[8:]]
        elif line.startswith("        ") or not line.strip(" "):
            if not item:
                raise Unsupported("header layout")
            item.append(line)
        else:
            if item:
                values.append(_scalar("\n".join(item)))
            item = []
            key = _HEADER_KEY.fullmatch(line)
            if key is None:
                raise Unsupported("header key")
            values = out[_key(key.group(1))] = []
    if item:
        values.append(_scalar("\n".join(item)))
    if any(not v for v in out.values()):
        raise Unsupported("header without values")
    return out


def _value(text: str) -> Any:
    """:func:`_scalar`, remembered for short texts (methods, statuses, common headers)."""
    value = _values.get(text, _NO_VALUE)
    if value is _NO_VALUE:
        value = _scalar(text)
        if len(text) <= 64 and len(_values) < 4096:
            _values[text] = value  # every scalar's value is immutable
    return value


def _key(raw: str) -> Any:
    """A mapping key: plain (resolved) or single-quoted."""
    if raw[0] == "'":
        return raw[1:-1].replace("''", "'")
    key = plain_scalar(raw)
    if key == "<<":
        raise Unsupported("merge key")
    return key


def _scalar(text: str) -> Any:
    """A scalar as written after ``key: `` (or ``- ``), with its continuation lines."""
    if _PLAIN_LINE.fullmatch(text):
        return plain_scalar(text.rstrip(" "))
    first = text[0] if text else ""
    lines = text.split("\n") if "\n" in text else None
    if first == "'" or first == '"':
        found = (_SINGLE if first == "'" else _DOUBLE).fullmatch(text)
        if found is None:
            raise Unsupported("quoted scalar")
        body = found.group(1)
        if lines is not None:
            body = _fold(body.split("\n"), first == '"')
        if first == "'":
            return body.replace("''", "'")
        return _ESCAPE.sub(_unescape, body) if "\\" in body else body
    if lines is not None and lines[0] in _BINARY:
        try:
            return base64.decodebytes("\n".join(lines[1:]).encode("ascii"))
        except (binascii.Error, UnicodeEncodeError):
            raise Unsupported("binary") from None
    if not first:
        return None
    if first in _PLAIN_REFUSED_START and (first != "-" or text[1:2] in ("", " ", "\n")):
        raise Unsupported("indicator")
    for part in lines or (text,):
        part = part.strip(" ")
        if ": " in part or " #" in part or part.endswith(":") or part.startswith("#"):
            raise Unsupported("plain scalar with an indicator")
    if lines is not None:
        if not lines[-1].strip(" "):
            raise Unsupported("plain scalar ending in an empty line")
        return plain_scalar(_fold([lines[0].rstrip(" "), *lines[1:]], False))
    return plain_scalar(text.rstrip(" "))


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2) or match.group(3)
    if code:
        return chr(int(code, 16))
    replacement = _ESCAPES.get(match.group(4))
    if replacement is None:
        raise Unsupported("unknown escape")
    return replacement


def _odd_backslashes(text: str) -> bool:
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def _fold(parts: list[str], double: bool) -> str:
    """A quoted or plain scalar's lines joined as YAML folds them: one break is a space,
    n breaks are n - 1 newlines; a double-quoted line ending in ``\\`` joins directly."""
    out: list[str] = []
    blanks = 0
    escaped = False  # the previous line ended with an escaped line break
    last = len(parts) - 1
    for n, part in enumerate(parts):
        text = part if n == 0 else part.lstrip(" ")
        ends_escaped = False
        if n < last:
            stripped = text.rstrip(" ")
            if double and _odd_backslashes(stripped):
                if stripped != text:
                    raise Unsupported("space after an escaped line break")
                text = text[:-1]
                ends_escaped = True
            elif stripped != text and stripped:
                raise Unsupported("trailing space in a folded scalar")
            else:
                text = stripped
        if 0 < n < last and not text and not ends_escaped:
            if escaped:
                raise Unsupported("empty line after an escaped line break")
            blanks += 1
            continue
        if n:
            out.append("" if escaped else "\n" * blanks if blanks else " ")
        out.append(text)
        blanks = 0
        escaped = ends_escaped
    return "".join(out)
