"""ICU regular expressions and LIKE patterns, translated for the ``regex`` library.

ArangoDB matches ``=~``, REGEX_* and LIKE with ICU; Python's ``re`` differs in ``.`` (ICU never
matches any line terminator), ``\\p{..}`` properties, POSIX classes, ``\\Q..\\E``, ``\\x{..}``,
inline flags and ``$n`` replacement references. The translators here cover the common ICU
forms; the string functions, the operators and ArangoSearch filters share the compiled,
cached patterns.

A pattern that can backtrack without bound (a quantified group, a back-reference) is
matched by the ``regex`` library, whose matches take a time-out: inside a query such a
match first runs for ``FAST_MATCH`` seconds holding the server lock; a slower one goes on
without the lock (other requests are answered meanwhile) in rounds of doubling length,
between which the query's kill flag and ``maxRuntime`` are checked (the last round ends
exactly at ``maxRuntime``); total work stays within twice the match's own. Every other
pattern (no quantified group: its backtracking is polynomial) keeps Python's ``re``, which
is faster per call.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

import regex

from .interrupt import current

__all__ = ["Pattern", "Regex", "compile_regex", "icu_regex", "icu_replacement", "like"]

# characters ICU treats as line terminators (``.`` never matches them)
_LINE_TERMINATORS = "\n\x0b\x0c\r\x85\u2028\u2029"
_ICU_DOT = "[^" + _LINE_TERMINATORS + "]"

_POSIX = {
    "alpha": r"^\W\d_",
    "digit": r"\d",
    "alnum": r"^\W_",
    "upper": "A-Z",
    "lower": "a-z",
    "space": r"\s",
    "punct": r"!-/:-@\[-`{-~",
    "xdigit": "0-9A-Fa-f",
    "word": r"\w",
    "blank": r" \t",
    "cntrl": r"\x00-\x1f\x7f",
}
_PROPS = {
    "l": r"^\W\d_",
    "letter": r"^\W\d_",
    "alphabetic": r"^\W\d_",
    "alpha": r"^\W\d_",
    "n": r"\d",
    "nd": r"\d",
    "digit": r"\d",
    "lu": "A-ZÀ-ÖØ-ÞĀ-Ž",
    "uppercase": "A-ZÀ-ÖØ-Þ",
    "ll": "a-zß-öø-ÿ",
    "lowercase": "a-zß-öø-ÿ",
    "z": r"\s",
    "zs": r" \xa0\u1680\u2000-\u200a\u202f\u205f\u3000",
    "whitespace": r"\s",
    "space": r"\s",
    "p": r"!-#%-*,-/:;?@\[-\]_{}\xa1\xa7\xab\xb6\xb7\xbb\xbf\u2010-\u2027\u3001-\u3003",
    "punct": r"!-#%-*,-/:;?@\[-\]_{}",
    "s": r"$+<->^`|~\xa2-\xa6\xa8\xa9\xac\xae-\xb1\xb4\xd7\xf7",
    "ascii": r"\x00-\x7f",
    "any": r"\x00-\U0010ffff",
}
_HSPACE = r" \t\xa0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000"


class _RegexError(Exception):
    pass


def _set_class(body: str, neg: bool) -> str:
    """A complete character class for a (possibly negated) class body."""
    if body.startswith("^"):
        body, neg = body[1:], not neg
    return ("[^" if neg else "[") + body + "]"


def _property(prop: str, neg: bool) -> tuple[str, bool]:
    """Class body of a ``\\p{..}`` / POSIX name, and whether the set is negated."""
    name = prop.strip().lower().replace("_", "").replace(" ", "")
    if name.startswith("^"):
        neg, name = not neg, name[1:]
    if name.startswith("is"):
        name = name[2:]
    if "=" in name:
        name = name.split("=", 1)[1]
    body = _PROPS.get(name) or _POSIX.get(name)
    if body is None:
        raise _RegexError(prop)
    return body, neg


def _class_item(body: str, neg: bool) -> tuple[str, str]:
    """Split a set into (plain class body, extra full class) for use inside ``[...]``."""
    if neg or body.startswith("^"):
        return "", _set_class(body, neg)
    return body, ""


def _escape_in(pattern: str, i: int, in_class: bool) -> tuple[str, int, str]:
    """Translate the escape sequence at ``pattern[i] == '\\'``: (text, next index, extra set).

    Inside a class, sets that cannot join a Python class body come back as ``extra``."""
    if i + 1 >= len(pattern):
        raise _RegexError("trailing backslash")
    c = pattern[i + 1]
    j = i + 2
    if c == "x" and j < len(pattern) and pattern[j] == "{":
        end = pattern.find("}", j)
        if end < 0:
            raise _RegexError("bad \\x{}")
        cp = int(pattern[j + 1 : end] or "x", 16)
        return f"\\U{cp:08x}", end + 1, ""
    if c in "pP":
        if j < len(pattern) and pattern[j] == "{":
            end = pattern.find("}", j)
            if end < 0:
                raise _RegexError("bad \\p{}")
            name = pattern[j + 1 : end]
            j = end + 1
        elif j < len(pattern):
            name = pattern[j]
            j += 1
        else:
            raise _RegexError("bad \\p")
        body, neg = _property(name, c == "P")
        if in_class:
            plain, extra = _class_item(body, neg)
            return plain, j, extra
        return _set_class(body, neg), j, ""
    if c in "hH":
        if in_class:
            plain, extra = _class_item(_HSPACE, c == "H")
            return plain, j, extra
        return _set_class(_HSPACE, c == "H"), j, ""
    if c == "e":
        return "\\x1b", j, ""
    if in_class:
        return pattern[i:j], j, ""
    if c == "z":
        return r"\Z", j, ""
    if c == "Z":
        return r"(?=[\n\r]?\Z)", j, ""
    if c == "R":
        return "(?:\r\n|[" + _LINE_TERMINATORS + "])", j, ""
    if c == "X":
        return "(?s:.)[\u0300-\u036f]*", j, ""
    if c == "Q":
        end = pattern.find("\\E", j)
        literal = pattern[j:] if end < 0 else pattern[j:end]
        return re.escape(literal), (len(pattern) if end < 0 else end + 2), ""
    if c == "E":
        return "", j, ""
    if c == "k" and j < len(pattern) and pattern[j] == "<":
        end = pattern.find(">", j)
        if end < 0:
            raise _RegexError("bad \\k")
        return f"(?P={pattern[j + 1 : end]})", end + 1, ""
    return pattern[i:j], j, ""


def _translate_class(pattern: str, i: int) -> tuple[str, int]:
    """Translate a ``[...]`` character class starting at ``pattern[i] == '['``.

    Negated sets inside (``[[:alpha:]\\d]``) become an alternation of classes."""
    plain: list[str] = []
    extras: list[str] = []
    j = i + 1
    negated = j < len(pattern) and pattern[j] == "^"
    if negated:
        j += 1
    first = True
    while j < len(pattern):
        ch = pattern[j]
        if ch == "]" and not first:
            return _join_class("".join(plain), extras, negated), j + 1
        extra = ""
        if ch == "\\":
            piece, j, extra = _escape_in(pattern, j, True)
            plain.append(piece)
        elif ch == "[":
            m = re.match(r"\[:(\^?)(\w+):\]", pattern[j:])
            if m is None:
                plain.append("\\[")
                j += 1
            else:
                body, neg = _property(m.group(2), bool(m.group(1)))
                piece, extra = _class_item(body, neg)
                plain.append(piece)
                j += m.end()
        elif ch == "]":
            plain.append("\\]")
            j += 1
        else:
            plain.append(ch)
            j += 1
        if extra:
            extras.append(extra)
        first = False
    raise _RegexError("missing ]")


def _join_class(plain: str, extras: list[str], negated: bool) -> str:
    if not extras:
        return ("[^" if negated else "[") + plain + "]"
    union = "(?:" + "|".join(([f"[{plain}]"] if plain else []) + extras) + ")"
    return f"(?:(?!{union})(?s:.))" if negated else union


def icu_regex(pattern: str) -> tuple[str, int]:
    """Translate an ICU regular expression into Python ``re`` syntax plus flags."""
    out: list[str] = []
    flags = 0
    dotall = False
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            piece, i, _ = _escape_in(pattern, i, False)
            out.append(piece)
        elif ch == "[":
            piece, i = _translate_class(pattern, i)
            out.append(piece)
        elif ch == ".":
            out.append("." if dotall else _ICU_DOT)
            i += 1
        elif ch == "(" and pattern.startswith("(?", i):
            m = re.match(r"\(\?([imsxw]*)(?:-([imsxw]*))?\)", pattern[i:])
            if m:
                on = m.group(1) or ""
                off = m.group(2) or ""
                for f in on:
                    flags |= {"i": re.I, "m": re.M, "s": re.S, "x": re.X}.get(f, 0)
                    dotall = dotall or f == "s"
                for f in off:
                    flags &= ~{"i": re.I, "m": re.M, "s": re.S, "x": re.X}.get(f, 0)
                    dotall = dotall and f != "s"
                i += m.end()
                continue
            if pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
                out.append("(?P<")
                i += 3
                continue
            out.append("(?")
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out), flags


FAST_MATCH = 0.002  # seconds a match may run while its query holds the server lock


class Regex:
    """A compiled pattern whose matching a running query can interrupt (``re``'s API for
    what the AQL functions use)."""

    __slots__ = ("rx",)

    def __init__(self, rx: Any) -> None:
        self.rx = rx

    @property
    def groups(self) -> int:
        return int(self.rx.groups)

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self.rx.groupindex)

    def search(self, text: str) -> Any:
        return _interruptible(lambda **kw: self.rx.search(text, **kw))

    def fullmatch(self, text: str) -> Any:
        return _interruptible(lambda **kw: self.rx.fullmatch(text, **kw))

    def finditer(self, text: str) -> Iterator[Any]:
        return iter(_interruptible(lambda **kw: list(self.rx.finditer(text, **kw))))

    def sub(self, repl: Callable[[Any], str], text: str) -> str:
        result: str = _interruptible(lambda **kw: self.rx.sub(repl, text, **kw))
        return result


def _interruptible(match: Callable[..., Any]) -> Any:
    """Run ``match(timeout=..., concurrent=...)`` under the current query's control."""
    query = current()
    if query is None:
        return match()
    try:
        return match(timeout=FAST_MATCH)
    except TimeoutError:
        pass
    budget = FAST_MATCH
    with query.unlocked():
        while True:
            query.check_interrupt()
            budget *= 2
            remaining = query.remaining()
            limit = budget if remaining is None else max(min(budget, remaining), 0.0)
            try:
                return match(timeout=limit, concurrent=True)
            except TimeoutError:
                if remaining is not None and limit >= remaining:
                    query.check_interrupt()  # maxRuntime has passed: 1500


#: a group followed by a quantifier, or a back-reference: backtracking without bound
_UNBOUNDED = re.compile(r"\)(?:[*+]|\{\d*,)|\\[1-9]|\\k<|\(\?P=")

Pattern = re.Pattern[str] | Regex


def _compile(text: str, flags: int) -> Pattern:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        if _UNBOUNDED.search(text) is None:
            return re.compile(text, flags)
        return Regex(regex.compile(text, flags | regex.VERSION0))


@lru_cache(maxsize=1024)
def compile_regex(pattern: str, case_insensitive: bool) -> Pattern | None:
    """Compile an ICU pattern (cached); ``None`` when it is invalid."""
    try:
        text, flags = icu_regex(pattern)
        if case_insensitive:
            flags |= re.IGNORECASE  # the flag values of ``re`` and ``regex`` agree
        return _compile(text, flags)
    except (_RegexError, regex.error, re.error, ValueError, OverflowError, RecursionError):
        return None


def icu_replacement(repl: str, rx: Pattern) -> Callable[[Any], str] | None:
    """Compile an ICU replacement string (``$n``, ``${name}``, backslash escapes)."""
    parts: list[str | int] = []
    buf: list[str] = []
    i = 0
    while i < len(repl):
        c = repl[i]
        if c == "\\" and i + 1 < len(repl):
            buf.append(repl[i + 1])
            i += 2
        elif c == "$":
            m = re.match(r"\$(?:(\d+)|\{(\w+)\})", repl[i:])
            if m is None:
                return None
            if m.group(1) is not None:
                # ICU takes as many digits as still form a valid group number
                digits = m.group(1)
                num = int(digits[0])
                used = 1
                while used < len(digits) and int(digits[: used + 1]) <= rx.groups:
                    used += 1
                    num = int(digits[:used])
                if num > rx.groups:
                    return None
                parts.append("".join(buf))
                buf = []
                parts.append(num)
                i += 1 + used
                continue
            name = m.group(2)
            if name not in rx.groupindex:
                return None
            parts.append("".join(buf))
            buf = []
            parts.append(rx.groupindex[name])
            i += m.end()
        else:
            buf.append(c)
            i += 1
    parts.append("".join(buf))

    def expand(m: Any) -> str:
        return "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts)

    return expand


# ----------------------------------------------------------------- LIKE
_LIKE_SPECIAL = set("?+[(){}^$|\\.*")
_LIKE_ANY = "[^\x0b\x0c\x85\u2028\u2029]"


@lru_cache(maxsize=1024)
def _like_regex(pattern: str, case_insensitive: bool) -> Pattern:
    out: list[str] = []
    escaped = False
    for c in pattern:
        if c == "\\":
            if escaped:
                out.append("\\\\")
            escaped = not escaped
            continue
        if c == "%":
            out.append("%" if escaped else _LIKE_ANY + "*")
        elif c == "_":
            out.append("_" if escaped else _LIKE_ANY)
        elif c in _LIKE_SPECIAL:
            out.append("\\" + c)
        else:
            if escaped:
                out.append("\\\\")
            out.append(re.escape(c))
        escaped = False
    return _compile("".join(out), re.IGNORECASE if case_insensitive else 0)


def like(text: str, pattern: str, case_insensitive: bool = False) -> bool:
    """LIKE matching: ``%`` any run, ``_`` one character, backslash escapes; whole-string."""
    return _like_regex(pattern, case_insensitive).fullmatch(text) is not None
