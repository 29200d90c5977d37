"""ArangoSearch functions (family "arangosearch"): TOKENS, scorers, and the SEARCH-only ones.

Inside ``SEARCH`` these calls are compiled by :mod:`pytest_arangomock.aql.search`; what is
registered here is their behaviour anywhere else (ArangoDB 3.12): ``TOKENS``, ``BOOST``,
``ANALYZER``, ``MIN_MATCH`` and ``NGRAM_MATCH`` evaluate, ``PHRASE``/``EXISTS`` fail with
error 9, and ``BM25``/``TFIDF`` score documents that came from a SEARCH.

The data a SEARCH records per document (:class:`DocData`, :class:`Corpus`) and the scoring
over it live here, below the SEARCH compiler, which builds them.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from typing import Any

from ...base.errors import ArangoError
from ...base.values import to_bool, to_string
from ...state import analyzers as AN
from . import FunctionContext, function, invalid_argument

FAMILY = "arangosearch"
DEFAULT = ""  # "the context analyzer was not set": identity, or the field's own (search-alias)


# ----------------------------------------------------------------- what SEARCH records
@dataclass
class DocData:
    """What the view indexed for one document."""

    doc: dict[str, Any]
    collection: str
    strings: dict[tuple[str, str], list[list[str]]] = field(default_factory=dict)
    prims: dict[str, list[Any]] = field(default_factory=dict)
    field_analyzers: dict[str, list[str]] = field(default_factory=dict)

    def tokens(self, key: str, analyzer: str) -> list[list[str]]:
        if analyzer == DEFAULT:
            names = self.field_analyzers.get(key, [])
            out: list[list[str]] = []
            for name in names:
                out.extend(self.strings.get((key, name), []))
            return out
        return self.strings.get((key, analyzer), [])

    def resolved(self, key: str, analyzer: str) -> str:
        if analyzer == DEFAULT:
            names = self.field_analyzers.get(key, [])
            return names[0] if names else "identity"
        return analyzer


@dataclass
class Corpus:
    """Statistics over every document the SEARCH can see (for BM25/TFIDF)."""

    docs: list[DocData]
    _df: dict[tuple[tuple[str, str], str], int] = field(default_factory=dict)
    _len: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    def df(self, fkey: tuple[str, str], term: str) -> int:
        k = (fkey, term)
        if k not in self._df:
            self._df[k] = sum(1 for d in self.docs if _term_freq(d, fkey, term) > 0)
        return self._df[k]

    def avg_len(self, fkey: tuple[str, str]) -> float:
        if fkey not in self._len:
            total = count = 0
            for d in self.docs:
                lists = _field_tokens(d, fkey)
                if lists is not None:
                    total += sum(len(t) for t in lists)
                    count += 1
            self._len[fkey] = (total, count)
        total, count = self._len[fkey]
        return total / count if count else 0.0


def _field_tokens(d: DocData, fkey: tuple[str, str]) -> list[list[str]] | None:
    key, analyzer = fkey
    if analyzer.startswith("#"):
        values = d.prims.get(key)
        return [[repr(v)] for v in values] if values else None
    return d.strings.get(fkey)


def _term_freq(d: DocData, fkey: tuple[str, str], term: str) -> int:
    lists = _field_tokens(d, fkey)
    return sum(t.count(term) for t in lists) if lists else 0


# ----------------------------------------------------------------- scoring
def bm25_score(score_ctx: Any, k: float = 1.2, b: float = 0.75) -> float:
    """Okapi BM25 as IResearch computes it (BM15 when ``b`` is 0)."""
    hits, data, corpus = score_ctx
    n = len(corpus.docs)
    total = 0.0
    for fkey, term, boost in hits:
        df = corpus.df(fkey, term)
        tf = _term_freq(data, fkey, term) or 1
        idf = math.log1p((n - df + 0.5) / (df + 0.5))
        lists = _field_tokens(data, fkey) or []
        dl = sum(len(t) for t in lists) or 1
        avg = corpus.avg_len(fkey) or 1.0
        norm = k * (1 - b + b * dl / avg) if b else k
        total += boost * idf * (k + 1) * tf / (tf + norm)
    return _f32(total)


def tfidf_score(score_ctx: Any, normalize: bool = False) -> float:
    """TF-IDF with IResearch's shape: sqrt(tf) * idf, optionally divided by sqrt(length)."""
    hits, data, corpus = score_ctx
    n = len(corpus.docs)
    total = 0.0
    for fkey, term, boost in hits:
        df = corpus.df(fkey, term)
        tf = _term_freq(data, fkey, term) or 1
        idf = 1 + math.log(n / (df + 1)) if n else 0.0
        value = boost * math.sqrt(tf) * idf
        if normalize:
            lists = _field_tokens(data, fkey) or []
            dl = sum(len(t) for t in lists) or 1
            value /= math.sqrt(dl)
        total += value
    return _f32(total)


def _f32(x: float) -> float:
    return float(struct.unpack("f", struct.pack("f", x))[0])


def lcs(a: list[str], b: list[str]) -> int:
    """The length of the longest common subsequence of two token lists (NGRAM_MATCH)."""
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b, start=1):
            keep = row[j]
            row[j] = prev + 1 if x == y else max(row[j], row[j - 1])
            prev = keep
    return row[len(b)]


def score_context(ctx: Any, doc: Any) -> Any:
    """The score data SEARCH recorded for ``doc`` in this query, or None."""
    scores = getattr(ctx, "search_scores", None)
    if not scores or not isinstance(doc, dict):
        return None
    return scores.get(id(doc))


# ----------------------------------------------------------------- functions


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


def minhash_need(db: Any, name: str, value: Any, threshold: Any) -> tuple[list[str], int] | None:
    """The target's signature under ``minhash`` analyzer ``name`` and how many must match."""
    found = AN.lookup(db, name)
    if found is None:
        raise ArangoError(1202, f"analyzer '{name}' not found", 404)
    if found.type != "minhash":
        raise ArangoError(
            10, f"MINHASH_MATCH: 'minhash' analyzer expected, got '{found.type}'", 400
        )
    if not isinstance(value, str) or isinstance(threshold, bool):
        return None
    if not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise ArangoError(10, "MINHASH_MATCH: threshold must be between 0 and 1", 400)
    signature = AN.tokenize(db, found, value)
    return signature, max(1, math.ceil(threshold * len(signature)))


@function("MINHASH_MATCH", 4, family=FAMILY)
def minhash_match(ctx: FunctionContext, value: Any, target: Any, threshold: Any, name: Any) -> Any:
    """Outside SEARCH: whether ``value``'s signature shares enough tokens with ``target``'s."""
    if not isinstance(name, str):
        invalid_argument(ctx, "MINHASH_MATCH")
        return None
    wanted = minhash_need(ctx.db, name, target, threshold)
    if wanted is None or not isinstance(value, str):
        return False
    signature, need = wanted
    have = set(AN.tokenize(ctx.db, AN.require(ctx.db, name), value))
    return sum(1 for t in dict.fromkeys(signature) if t in have) >= need


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
    return lcs(grams, AN.tokenize(ctx.db, found, value)) / len(grams) >= float(threshold)


def _score(ctx: FunctionContext, name: str, doc: Any) -> Any:
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
    return bm25_score(_score(ctx, "BM25", doc), float(k), float(b))


@function("TFIDF", 1, 2, family=FAMILY)
def tfidf(ctx: FunctionContext, doc: Any, normalize: Any = False) -> Any:
    return tfidf_score(_score(ctx, "TFIDF", doc), to_bool(normalize))
