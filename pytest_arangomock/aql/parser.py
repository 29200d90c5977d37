"""AQL parser: the scanner (scanner.py), the lark LALR grammar (grammar.lark) and the AST
builder (builder.py).

Syntax errors carry ArangoDB's 1501 message shape:
``syntax error, unexpected <token>[, expecting <a> or <b>] near '<32 chars>' at position L:C``.
Parsed queries are cached by query text. lark's LALR driver (parse table and tree
callbacks) is built ahead of time (``tools/gen_parser_tables.py`` writes
``grammar_tables.pickle``) because building it costs about half a second and even lark's
own ``Lark.load`` of saved tables costs tens of milliseconds, paid by the first query of
every process; the pickle of the ready objects loads in a few. Tables built from another
grammar, lark version or layout are ignored and the parser is built from the grammar.
"""

from __future__ import annotations

import copyreg
import hashlib
import json
import pickle
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import lark
from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError
from lark.grammar import Rule
from lark.lexer import Lexer
from lark.parsers.lalr_analysis import Action, IntParseTable
from lark.parsers.lalr_parser import _Parser as _LarkParser

from ..base.bulk import gc_paused
from ..base.errors import ArangoError
from . import ast as A
from .builder import AstBuilder
from .limits import MAX_EXPRESSION_NESTING, deep_stack, nesting_of, too_deep
from .scanner import NICE, ParseError, Scanner, token_pos

_ORDER = {name: i for i, name in enumerate(NICE)}
_QUANT_NICE = {"ALL": "all modifier", "ANY": "any modifier", "NONE": "none modifier"}
# levels of the parse tree of ``RETURN 0`` (a sum of n terms nests n levels deeper)
_TREE_BASE = 5


class AqlLexer(Lexer):
    """lark adapter: the scanner runs first, lark consumes its token list."""

    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, data: Any) -> Iterator[Token]:  # type: ignore[override]
        yield from data


# ------------------------------------------------------------------ the LALR tables
GRAMMAR = Path(__file__).parent / "grammar.lark"
TABLES = Path(__file__).parent / "grammar_tables.pickle"
_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": AqlLexer,
    "start": "start",
    "maybe_placeholders": False,
}
# what the pickle after the key line holds: lark's LALR driver with its table and tree callbacks
_FORMAT = "lalr-driver-1"


class _TokenStream:
    """What lark's LALR driver reads tokens from: the scanner's list, already complete."""

    __slots__ = ("tokens",)

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens

    def lex(self, parser_state: Any) -> Iterator[Token]:
        return iter(self.tokens)


class AqlParser:
    """lark's LALR driver (table plus parse-tree callbacks) without lark's front end.

    The front end only wraps the scanner's token list; the driver alone is what the tables
    file stores, so loading it is one ``pickle.load`` of ready objects.
    """

    __slots__ = ("driver",)

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    @classmethod
    def of(cls, built: Lark) -> AqlParser:
        """The driver of a parser built from the grammar."""
        return cls(built.parser.parser.parser)

    def parse(self, tokens: list[Token]) -> lark.Tree[Token]:
        tree: lark.Tree[Token] = self.driver.parse(_TokenStream(tokens), "start")
        return tree


def tables_key(grammar: str) -> dict[str, str]:
    """What pre-built tables must have been built from to be used: grammar, options, lark."""
    digest = hashlib.sha256((grammar + repr(_OPTIONS)).encode("utf-8")).hexdigest()
    return {"format": _FORMAT, "grammar": digest, "lark": lark.__version__}


def build_parser(grammar: str) -> Lark:
    """Build the LALR parser (and its tables) from the grammar text."""
    return Lark(grammar, **_OPTIONS)


def _shared_actions(driver: Any) -> Any:
    """A copy of ``driver`` whose table shares equal entries and names: 11k table entries
    are under a thousand distinct (action, target) pairs, so the pickle stores each once."""
    table = driver.parse_table
    pairs: dict[tuple[Any, Any], tuple[Any, Any]] = {}
    names: dict[str, str] = {}
    states = {
        state: {names.setdefault(k, k): pairs.setdefault(v, v) for k, v in row.items()}
        for state, row in table.states.items()
    }
    shared = IntParseTable(states, table.start_states, table.end_states)  # type: ignore[no-untyped-call]
    return _LarkParser(shared, driver.callbacks)


def _rule_args(rule: Rule) -> tuple[type[Rule], tuple[Any, ...]]:
    # rebuilt through the constructor: a rule caches its hash, which differs between processes
    return Rule, (rule.origin, rule.expansion, rule.order, rule.alias, rule.options)


def _action_name(action: Action) -> str:
    # lark compares actions by identity (``action is Shift``): store a reference to the global
    return str(action.name)


def save_tables(parser: Lark, grammar: str, out: BinaryIO) -> None:
    """Write ``parser``'s driver: a JSON line with :func:`tables_key`, then the pickle."""
    out.write(json.dumps(tables_key(grammar), sort_keys=True).encode("utf-8") + b"\n")
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {
        **copyreg.dispatch_table,
        Rule: _rule_args,
        Action: _action_name,
    }
    pickler.dump(_shared_actions(AqlParser.of(parser).driver))


def read_tables(fh: BinaryIO, grammar: str) -> AqlParser | None:
    """The parser :func:`save_tables` wrote to ``fh``, or None when it was not built from
    ``grammar`` with the installed lark (or in another layout)."""
    if json.loads(fh.readline()) != tables_key(grammar):
        return None
    with gc_paused():
        driver = pickle.load(fh)
    return AqlParser(driver) if isinstance(driver, _LarkParser) else None


def load_tables(grammar: str) -> AqlParser | None:
    """The shipped parser (:data:`TABLES`), or None when it is missing or stale."""
    try:
        with TABLES.open("rb") as fh:
            return read_tables(fh, grammar)
    except FileNotFoundError:
        return None


@lru_cache(maxsize=1)
def _lark() -> AqlParser:
    grammar = GRAMMAR.read_text(encoding="utf-8")
    parser = load_tables(grammar)
    return parser if parser is not None else AqlParser.of(build_parser(grammar))


# ------------------------------------------------------------------ entry points
def region(query: str, offset: int) -> str:
    """The query text from byte ``offset``: 32 characters, then ``...`` if more follows."""
    raw = query.encode("utf-8")[offset:].decode("utf-8", "replace")
    if len(raw) > 32:
        return raw[:32] + "..."
    return raw


def error_at(query: str, message: str, pos: A.Pos, num: int = 1501) -> ArangoError:
    """ArangoDB's parse error: message, the query near the position, line:column."""
    line, col, off = pos
    return ArangoError(
        num, f"{message} near '{region(query, off)}' at position {line}:{col + 1}", 400
    )


def _token_name(tok: Token) -> str:
    kind = tok.type
    if kind.startswith("Q_"):
        return _QUANT_NICE.get(str(tok.value).upper(), "any modifier")
    if kind.startswith("ATL_"):
        return NICE["AT_LEAST"]
    if kind == "$UNDEFINED":
        return "$undefined"
    return NICE.get(kind, kind)


def _syntax_error(query: str, exc: UnexpectedToken, last: Token | None) -> ArangoError:
    tok = exc.token
    if tok.type == "$END":
        name = NICE["$END"]
        pos = token_pos(last) if last is not None else (1, 0, 0)
    else:
        name = _token_name(tok)
        pos = token_pos(tok)
    expected = sorted({e for e in exc.expected if e in _ORDER}, key=lambda e: _ORDER[e])
    msg = f"syntax error, unexpected {name}"
    # bison lists expected tokens only when there are few; LALR states merged differently
    # make longer lists unreliable, so only an unambiguous single expectation is named
    if len(expected) == 1:
        msg += ", expecting " + " or ".join(NICE[e] for e in expected)
    return error_at(query, msg, pos)


@lru_cache(maxsize=2048)
def parse_query(query: str) -> A.Query:
    """Parse ``query`` into an AST (cached by text); raises ArangoError on bad syntax."""
    if not query.strip():
        raise ArangoError(1502, "query is empty", 400)
    scanner = Scanner(query)
    try:
        tokens = scanner.tokens()
    except ParseError as exc:
        raise error_at(query, "syntax error, " + exc.message, exc.pos) from None
    if not tokens:
        raise ArangoError(1502, "query is empty", 400)
    try:
        tree = _lark().parse(tokens)
        if nesting_of(tree) - _TREE_BASE >= MAX_EXPRESSION_NESTING:
            raise too_deep()
        with deep_stack():
            parsed: A.Query = AstBuilder().transform(tree)
        parsed.out_of_range = scanner.out_of_range
        return parsed
    except UnexpectedToken as exc:
        raise _syntax_error(query, exc, tokens[-1]) from None
    except UnexpectedCharacters as exc:  # pragma: no cover - the scanner accepts everything
        raise ArangoError(
            1501, f"syntax error near position {exc.line}:{exc.column}", 400
        ) from None
    except UnexpectedInput as exc:  # pragma: no cover
        raise ArangoError(1501, f"syntax error: {exc}", 400) from None
    except VisitError as exc:
        inner = exc.orig_exc
        if isinstance(inner, ParseError):
            raise error_at(query, inner.message, inner.pos) from None
        if isinstance(inner, ArangoError):
            raise inner from None
        raise
