"""The shipped LALR tables (aql/grammar_tables.pickle) are current with grammar.lark."""

from __future__ import annotations

import io
import json

import lark
import pytest

from pytest_arangomock.aql import parser
from pytest_arangomock.aql.scanner import Scanner

QUERIES = [
    "FOR d IN docs FILTER d.a == @x SORT d.b DESC LIMIT 2, 10 RETURN {a: d.a, [d.k]: d.c[*].v}",
    "WITH v FOR x, e, p IN 1..3 OUTBOUND 'v/1' GRAPH 'g' PRUNE x.stop OPTIONS {} RETURN p",
    "FOR d IN c COLLECT g = d.g AGGREGATE n = COUNT(1) RETURN [g, n]",
    "FOR d IN c COLLECT g = d.g INTO grp KEEP d RETURN g",
    "UPSERT {a: 1} INSERT {a: 1} UPDATE {b: OLD.b + 1} IN c OPTIONS {waitForSync: true}",
    "LET a = [1, 2, 3] RETURN a ALL IN [1, 2] && a AT LEAST (2) > 1 ? a[? 2 FILTER CURRENT] : 0",
    "FOR d IN c WINDOW d.t WITH {preceding: 'PT1H'} AGGREGATE s = SUM(d.v) RETURN s",
]


def _grammar() -> str:
    return parser.GRAMMAR.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built() -> lark.Lark:
    """A parser built from grammar.lark (about half a second), shared by this module."""
    return parser.build_parser(_grammar())


def test_tables_were_built_from_this_grammar() -> None:
    with parser.TABLES.open("rb") as fh:
        recorded = json.loads(fh.readline())
    assert recorded["grammar"] == parser.tables_key(_grammar())["grammar"], (
        "grammar.lark (or the parser options) changed: run python tools/gen_parser_tables.py"
    )


def test_shipped_tables_parse_like_a_parser_built_from_the_grammar(built: lark.Lark) -> None:
    with parser.TABLES.open("rb") as fh:
        if json.loads(fh.readline())["lark"] != lark.__version__:
            pytest.skip("tables built with another lark version; the grammar is used instead")
    shipped = parser.load_tables(_grammar())
    assert shipped is not None
    for query in QUERIES:
        tokens = Scanner(query).tokens()
        assert shipped.parse(tokens) == built.parse(tokens), query


def test_tables_from_another_grammar_are_not_used() -> None:
    assert parser.load_tables(_grammar() + "\n// changed\n") is None


def test_saved_tables_load_back(built: lark.Lark) -> None:
    grammar = _grammar()
    out = io.BytesIO()
    parser.save_tables(built, grammar, out)
    out.seek(0)
    assert json.loads(out.readline()) == parser.tables_key(grammar)
    tokens = Scanner(QUERIES[0]).tokens()
    assert lark.Lark.load(out).parse(tokens) == parser._lark().parse(tokens)
