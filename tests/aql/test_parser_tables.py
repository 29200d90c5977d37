"""The shipped LALR driver (aql/grammar_tables.pickle) is current with grammar.lark and lark."""

from __future__ import annotations

import gc
import io
import json

import lark
import pytest

from pytest_arangomock.aql import parser
from pytest_arangomock.aql.scanner import Scanner
from pytest_arangomock.base.bulk import gc_paused

QUERIES = [
    "FOR d IN docs FILTER d.a == @x SORT d.b DESC LIMIT 2, 10 RETURN {a: d.a, [d.k]: d.c[*].v}",
    "WITH v FOR x, e, p IN 1..3 OUTBOUND 'v/1' GRAPH 'g' PRUNE x.stop OPTIONS {} RETURN p",
    "FOR d IN c COLLECT g = d.g AGGREGATE n = COUNT(1) RETURN [g, n]",
    "FOR d IN c COLLECT g = d.g INTO grp KEEP d RETURN g",
    "UPSERT {a: 1} INSERT {a: 1} UPDATE {b: OLD.b + 1} IN c OPTIONS {waitForSync: true}",
    "LET a = [1, 2, 3] RETURN a ALL IN [1, 2] && a AT LEAST (2) > 1 ? a[? 2 FILTER CURRENT] : 0",
    "FOR d IN c WINDOW d.t WITH {preceding: 'PT1H'} AGGREGATE s = SUM(d.v) RETURN s",
]
BAD = ["FOR d IN c RETURN", "RETURN 1 +", "FOR d IN c FILTER RETURN d", "LET x = [1, 2 RETURN x"]


def _grammar() -> str:
    return parser.GRAMMAR.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built() -> lark.Lark:
    """A parser built from grammar.lark (about half a second), shared by this module."""
    return parser.build_parser(_grammar())


def _expected(p: parser.AqlParser | lark.Lark, query: str) -> set[str]:
    with pytest.raises(lark.exceptions.UnexpectedToken) as info:
        p.parse(Scanner(query).tokens())
    return set(info.value.expected)


def test_tables_were_built_from_this_grammar_and_lark() -> None:
    with parser.TABLES.open("rb") as fh:
        recorded = json.loads(fh.readline())
    assert recorded == parser.tables_key(_grammar()), (
        "grammar.lark, the parser options or lark changed: run python tools/gen_parser_tables.py"
    )


def test_shipped_tables_parse_like_a_parser_built_from_the_grammar(built: lark.Lark) -> None:
    shipped = parser.load_tables(_grammar())
    assert shipped is not None
    for query in QUERIES:
        tokens = Scanner(query).tokens()
        assert shipped.parse(tokens) == built.parse(tokens), query
    for query in BAD:
        assert _expected(shipped, query) == _expected(built, query), query


def test_shipped_rules_hash_as_in_this_process() -> None:
    # a rule caches its hash; one pickled by another process would carry that process's
    shipped = parser.load_tables(_grammar())
    assert shipped is not None
    rules = list(shipped.driver.callbacks)
    assert len(rules) > 100
    for rule in rules:
        assert hash(rule) == hash((rule.origin, tuple(rule.expansion)))


def test_tables_from_another_grammar_are_not_used() -> None:
    assert parser.load_tables(_grammar() + "\n// changed\n") is None


def test_saved_tables_load_back(built: lark.Lark) -> None:
    grammar = _grammar()
    out = io.BytesIO()
    parser.save_tables(built, grammar, out)
    out.seek(0)
    loaded = parser.read_tables(out, grammar)
    assert loaded is not None
    tokens = Scanner(QUERIES[0]).tokens()
    assert loaded.parse(tokens) == built.parse(tokens)
    out.seek(0)
    assert parser.read_tables(out, grammar + " ") is None


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_leaves_the_collector_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
