"""ArangoSearch functions (family "arangosearch"): TOKENS, scorers, and the SEARCH-only ones.

Inside ``SEARCH`` these calls are compiled by :mod:`pytest_arangomock.aql.search`; what is
registered here is their behaviour anywhere else (ArangoDB 3.12): ``TOKENS``, ``BOOST``,
``ANALYZER``, ``MIN_MATCH`` and ``NGRAM_MATCH`` evaluate, ``PHRASE``/``EXISTS`` fail with
error 9, and ``BM25``/``TFIDF`` score documents that came from a SEARCH.
"""

from __future__ import annotations

from typing import Any

from ...base.errors import ArangoError
from ...base.values import to_bool
from ...state import analyzers as AN
from . import FunctionContext, function, invalid_argument

FAMILY = "arangosearch"


def _search_only(name: str) -> ArangoError:
    return ArangoError(
        9,
        f"ArangoSearch function '{name}' is designed to be used only within a corresponding "
        "SEARCH statement of ArangoSearch view. Please ensure function signature is correct.",
        501,
    )


def _tokens(ctx: FunctionContext, analyzer: AN.Analyzer, value: Any) -> Any:
    if isinstance(value, list):
        return [_tokens(ctx, analyzer, v) for v in value]
    if isinstance(value, str):
        return AN.tokenize(ctx.db, analyzer, value)
    if value is None:
        return [""]
    if isinstance(value, bool):
        return ["\xff" if value else "\x00"]
    if isinstance(value, (int, float)):
        from ...base.values import to_string

        return [to_string(value)]
    return None


@function("TOKENS", 1, 2, family=FAMILY)
def tokens(ctx: FunctionContext, value: Any, analyzer: Any = "identity") -> Any:
    """The tokens ``analyzer`` produces for ``value`` (arrays keep their nesting)."""
    if not isinstance(analyzer, str):
        invalid_argument(ctx, "TOKENS")
        return None
    found = AN.lookup(ctx.db, analyzer)
    if found is None:
        raise ArangoError(1202, f"analyzer '{analyzer}' not found", 404)
    if isinstance(value, dict):
        invalid_argument(ctx, "TOKENS")
        return None
    return _tokens(ctx, found, value)


@function("BOOST", 2, family=FAMILY)
def boost(ctx: FunctionContext, value: Any, factor: Any) -> Any:
    return value


@function("ANALYZER", 2, family=FAMILY)
def analyzer(ctx: FunctionContext, value: Any, name: Any) -> Any:
    return value


@function("MIN_MATCH", 2, None, family=FAMILY)
def min_match(ctx: FunctionContext, *args: Any) -> Any:
    need = args[-1]
    if isinstance(need, bool) or not isinstance(need, (int, float)):
        invalid_argument(ctx, "MIN_MATCH")
        return None
    return sum(1 for a in args[:-1] if to_bool(a)) >= need


@function("PHRASE", 2, None, family=FAMILY)
def phrase(ctx: FunctionContext, *args: Any) -> Any:
    raise _search_only("PHRASE")


@function("EXISTS", 1, 3, family=FAMILY)
def exists(ctx: FunctionContext, *args: Any) -> Any:
    raise _search_only("EXISTS")


@function("OFFSET_INFO", 2, family=FAMILY)
def offset_info(ctx: FunctionContext, *args: Any) -> Any:
    raise ArangoError(
        9, "Function 'OFFSET_INFO' is available in ArangoDB Enterprise Edition only.", 501
    )


@function("NGRAM_MATCH", 2, 4, family=FAMILY)
def ngram_match(ctx: FunctionContext, value: Any, target: Any, *rest: Any) -> Any:
    """Outside SEARCH: n-gram similarity of the analyzer's tokens against the threshold."""
    from ..search import _lcs

    threshold: Any = 0.7
    name = rest[-1] if rest else None
    if len(rest) == 2:
        threshold = rest[0]
    if not isinstance(name, str):
        raise ArangoError(10, "NGRAM_MATCH: analyzer name is required outside SEARCH", 400)
    found = AN.lookup(ctx.db, name)
    if found is None:
        raise ArangoError(1202, f"analyzer '{name}' not found", 404)
    if not isinstance(value, str) or not isinstance(target, str):
        return False
    grams = AN.tokenize(ctx.db, found, target)
    if not grams:
        return False
    return _lcs(grams, AN.tokenize(ctx.db, found, value)) / len(grams) >= float(threshold)


def _score(ctx: FunctionContext, name: str, doc: Any) -> Any:
    from ..search import score_context

    found = score_context(ctx, doc)
    if found is None:
        raise ArangoError(
            9,
            f"ArangoSearch scorer function '{name}' is designed to be used only with documents "
            "produced by a SEARCH statement of ArangoSearch view.",
            501,
        )
    return found


@function("BM25", 1, 3, family=FAMILY)
def bm25(ctx: FunctionContext, doc: Any, k: Any = 1.2, b: Any = 0.75) -> Any:
    from ..search import bm25 as score

    return score(_score(ctx, "BM25", doc), float(k), float(b))


@function("TFIDF", 1, 2, family=FAMILY)
def tfidf(ctx: FunctionContext, doc: Any, normalize: Any = False) -> Any:
    from ..search import tfidf as score

    return score(_score(ctx, "TFIDF", doc), to_bool(normalize))
