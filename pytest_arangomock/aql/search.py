"""``FOR x IN view SEARCH cond OPTIONS {...}``: ArangoSearch filters and scoring.

The SEARCH condition is compiled into filter closures over an in-memory inverted view of
each document: the terms every indexed attribute path yields per analyzer (strings) and its
primitive values (numbers, booleans, null). Only linked collections and indexed fields are
visible; the analyzer applies to stored strings (and to PHRASE/NGRAM_MATCH/TOKENS inputs).
Matches record their terms so ``BM25()``/``TFIDF()`` can score them with corpus statistics.

Entry point for the compiler: :func:`compile_view_for` (returns ``None`` when the FOR does
not loop over a view).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..base.errors import ArangoError
from ..base.values import compare, to_bool
from ..state import analyzers as AN
from ..state import views as V
from . import ast as A
from .functions import arity_error
from .functions.search import DEFAULT, Corpus, DocData, lcs, minhash_need
from .functions.string import damerau_levenshtein, like
from .scope import Level, Row, Scope

Hit = tuple[tuple[str, str], str, float]  # ((path key, analyzer), term, boost)
Filter = Callable[[Row, DocData], "list[Hit] | None"]


def _unsupported(what: str) -> ArangoError:
    return ArangoError(10, f"unsupported SEARCH condition: {what}", 400)


# ----------------------------------------------------------------- document data
def path_key(path: tuple[str, ...]) -> str:
    out = ""
    for seg in path:
        if seg.startswith("["):
            out += seg
        else:
            out += ("." if out else "") + seg
    return out


def index_document(
    db: Any, doc: dict[str, Any], collection: str, meta: V.FieldMeta, cache: dict[Any, list[str]]
) -> DocData:
    data = DocData(doc, collection)

    def walk(value: Any, path: tuple[str, ...], m: V.FieldMeta) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if not path and k in ("_id", "_rev"):
                    continue
                sub = m.fields.get(k)
                if sub is None:
                    if not m.include_all:
                        continue
                    sub = V.FieldMeta(m.analyzers, True, m.track_positions, {})
                walk(v, (*path, k), sub)
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*path, f"[{i}]") if m.track_positions else path, m)
            return
        if not path or not m.analyzers:
            return
        key = path_key(path)
        if isinstance(value, str):
            data.field_analyzers[key] = m.analyzers
            for name in m.analyzers:
                ck = (name, value)
                tokens = cache.get(ck)
                if tokens is None:
                    analyzer = AN.lookup(db, name)
                    tokens = AN.tokenize(db, analyzer, value) if analyzer is not None else []
                    cache[ck] = tokens
                data.strings.setdefault((key, name), []).append(tokens)
        else:
            data.prims.setdefault(key, []).append(value)

    walk(doc, (), meta)
    return data


# ----------------------------------------------------------------- condition compiler
class SearchCompiler:
    """Compiles a SEARCH expression into :data:`Filter` closures."""

    def __init__(self, compiler: Scope, vars: dict[str, int], var: str, default: str) -> None:
        self.c = compiler
        self.vars = vars
        self.var = var
        self.default = default
        self.db = compiler.ctx.db

    # helpers -------------------------------------------------------------
    def uses_var(self, expr: A.Expr) -> bool:
        return self.var in A.names_used(expr)

    def path(self, expr: A.Expr) -> tuple[str, ...] | None:
        """``doc.a.b[0]`` -> ("a", "b", "[0]"); None if ``expr`` is not an attribute path."""
        segs: list[str] = []
        node = expr
        while True:
            if isinstance(node, A.Attr):
                if isinstance(node.name, A.Param):
                    value = self.c.param(node.name)
                    if not isinstance(value, str):
                        return None
                    segs.append(value)
                else:
                    segs.append(node.name)
                node = node.obj
            elif isinstance(node, A.Index):
                if self.uses_var(node.index):
                    return None
                value = (
                    self.c.const_value(node.index, self.vars)
                    if self.c.is_const(node.index)
                    else None
                )
                if isinstance(value, str):
                    segs.append(value)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    segs.append(f"[{int(value)}]")
                else:
                    return None
                node = node.obj
            elif isinstance(node, A.Expansion):
                inner = self.path(node.source)
                rest = node.rest
                if inner is None:
                    return None
                tail: list[str] = []
                while isinstance(rest, A.Attr) and isinstance(rest.name, str):
                    tail.append(rest.name)
                    rest = rest.obj
                if not isinstance(rest, A.Current):
                    return None
                return inner + tuple(reversed(tail))
            elif isinstance(node, A.Name) and node.name == self.var:
                return tuple(reversed(segs))
            else:
                return None

    def value(self, expr: A.Expr) -> Callable[[Row], Any]:
        if self.uses_var(expr):
            raise _unsupported("the value side must not depend on the view variable")
        return self.c.expr(expr, self.vars)

    def analyzer_name(self, value: Any) -> str:
        return AN.require(self.db, value).full_name

    # compile -------------------------------------------------------------
    def compile(self, expr: A.Expr, analyzer: str, boost: float) -> Filter:
        if isinstance(expr, A.Logical):
            left = self.compile(expr.left, analyzer, boost)
            right = self.compile(expr.right, analyzer, boost)
            return _and(left, right) if expr.op == "AND" else _or(left, right)
        if isinstance(expr, A.Unary) and expr.op == "!":
            return _not(self.compile(expr.operand, analyzer, boost))
        if not self.uses_var(expr):
            fn = self.c.expr(expr, self.vars)
            return lambda r, d: [] if to_bool(fn(r)) else None
        if isinstance(expr, A.Binary):
            return self.binary(expr, analyzer, boost)
        if isinstance(expr, A.Call):
            return self.call(expr, analyzer, boost)
        raise _unsupported(type(expr).__name__.lower())

    def binary(self, expr: A.Binary, analyzer: str, boost: float) -> Filter:
        op, left, right = expr.op, expr.left, expr.right
        path = self.path(left)
        if path is None and op not in ("IN", "NOT IN"):
            path = self.path(right)
            left, right = right, left
            op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
        if path is None:
            raise _unsupported(f"operator {expr.op} needs an attribute of the view variable")
        key = path_key(path)
        if op in ("IN", "NOT IN"):
            if isinstance(right, A.Range):
                lo, hi = self.value(right.low), self.value(right.high)
                flt = self.range_filter(key, analyzer, boost, lo, hi, True, True)
            else:
                values = self.value(right)
                flt = self.in_filter(key, analyzer, boost, values)
            return _not(flt) if op == "NOT IN" else flt
        value = self.value(right)
        if op == "==":
            return self.eq_filter(key, analyzer, boost, value)
        if op == "!=":
            return _not(self.eq_filter(key, analyzer, boost, value))
        inc = op in ("<=", ">=")
        none = lambda r: None  # noqa: E731
        if op in (">", ">="):
            return self.range_filter(key, analyzer, boost, value, none, inc, False)
        if op in ("<", "<="):
            return self.range_filter(key, analyzer, boost, none, value, False, inc)
        raise _unsupported(f"operator {op}")

    def eq_filter(
        self, key: str, analyzer: str, boost: float, value_fn: Callable[[Row], Any]
    ) -> Filter:
        def flt(r: Row, d: DocData) -> list[Hit] | None:
            return _eq_hits(d, key, analyzer, value_fn(r), boost)

        return flt

    def in_filter(
        self, key: str, analyzer: str, boost: float, values_fn: Callable[[Row], Any]
    ) -> Filter:
        def flt(r: Row, d: DocData) -> list[Hit] | None:
            values = values_fn(r)
            if not isinstance(values, list):
                raise _unsupported("IN needs an array or a range")
            hits: list[Hit] = []
            found = False
            for v in values:
                h = _eq_hits(d, key, analyzer, v, boost)
                if h is not None:
                    found = True
                    hits.extend(h)
            return hits if found else None

        return flt

    def range_filter(
        self,
        key: str,
        analyzer: str,
        boost: float,
        lo_fn: Callable[[Row], Any],
        hi_fn: Callable[[Row], Any],
        inc_lo: bool,
        inc_hi: bool,
    ) -> Filter:
        def flt(r: Row, d: DocData) -> list[Hit] | None:
            lo, hi = lo_fn(r), hi_fn(r)
            return _range_hits(d, key, analyzer, lo, hi, inc_lo, inc_hi, boost)

        return flt

    def args(self, call: A.Call, lo: int, hi: int | None) -> list[A.Expr]:
        n = len(call.args)
        if n < lo or (hi is not None and n > hi):
            raise arity_error(call.name, lo, hi)
        return call.args

    def call(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        name = call.name
        handler = getattr(self, "fn_" + name.lower(), None)
        if handler is None:
            raise _unsupported(f"function {name}()")
        result: Filter = handler(call, analyzer, boost)
        return result

    def target(self, expr: A.Expr, fname: str) -> str:
        path = self.path(expr)
        if path is None:
            raise ArangoError(
                10,
                f"unsupported SEARCH condition: '{fname}' AQL function: Unable to parse argument 1 "
                "as an attribute identifier",
                400,
            )
        return path_key(path)

    def const_analyzer(self, expr: A.Expr) -> str:
        return self.analyzer_name(self.value(expr)([None] * max(self.c.nslots, 1)))

    # functions -------------------------------------------------------------
    def fn_analyzer(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        inner, name = self.args(call, 2, 2)
        return self.compile(inner, self.const_analyzer(name), boost)

    def fn_boost(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        inner, factor = self.args(call, 2, 2)
        value = self.value(factor)([None] * max(self.c.nslots, 1))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _unsupported("BOOST needs a numeric boost")
        return self.compile(inner, analyzer, boost * float(value))

    def fn_min_match(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        args = self.args(call, 2, None)
        subs = [self.compile(a, analyzer, boost) for a in args[:-1]]
        count_fn = self.value(args[-1])

        def flt(r: Row, d: DocData) -> list[Hit] | None:
            need = count_fn(r)
            hits: list[Hit] = []
            matched = 0
            for s in subs:
                h = s(r, d)
                if h is not None:
                    matched += 1
                    hits.extend(h)
            return hits if matched >= int(need or 0) else None

        return flt

    def fn_exists(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        args = self.args(call, 1, 3)
        key = self.target(args[0], "EXISTS")
        kind = self.value(args[1])([None] * max(self.c.nslots, 1)) if len(args) > 1 else None
        exact = analyzer
        if kind == "analyzer" and len(args) == 3:
            exact = self.const_analyzer(args[2])

        def present(d: DocData) -> bool:
            if kind is None:
                return key in d.prims or key in d.field_analyzers
            if kind == "string":
                return key in d.field_analyzers
            if kind == "analyzer":
                return bool(d.tokens(key, exact))
            if kind in ("bool", "boolean"):
                return any(isinstance(v, bool) for v in d.prims.get(key, []))
            if kind == "numeric":
                return any(
                    isinstance(v, (int, float)) and not isinstance(v, bool)
                    for v in d.prims.get(key, [])
                )
            if kind == "null":
                return any(v is None for v in d.prims.get(key, []))
            raise _unsupported(f"EXISTS type '{kind}'")

        return lambda r, d: [] if present(d) else None

    def fn_in_range(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        target, lo, hi, inc_lo, inc_hi = self.args(call, 5, 5)
        key = self.target(target, "IN_RANGE")
        lo_fn, hi_fn = self.value(lo), self.value(hi)
        il, ih = self.value(inc_lo), self.value(inc_hi)
        nothing = [None] * max(self.c.nslots, 1)
        return self.range_filter(
            key, analyzer, boost, lo_fn, hi_fn, to_bool(il(nothing)), to_bool(ih(nothing))
        )

    def fn_starts_with(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        args = self.args(call, 2, 4)
        key = self.target(args[0], "STARTS_WITH")
        prefixes_fn = self.value(args[1])
        min_fn = self.value(args[2]) if len(args) > 2 else (lambda r: 1)

        def flt(r: Row, d: DocData) -> list[Hit] | None:
            raw = prefixes_fn(r)
            prefixes = raw if isinstance(raw, list) else [raw]
            need = int(min_fn(r) or 0) if isinstance(raw, list) else 1
            hits: list[Hit] = []
            matched = 0
            fkey = (key, d.resolved(key, analyzer))
            terms = [t for lst in d.tokens(key, analyzer) for t in lst]
            for p in prefixes:
                if not isinstance(p, str):
                    continue
                found = [t for t in terms if t.startswith(p)]
                if found:
                    matched += 1
                    hits.extend((fkey, t, boost) for t in dict.fromkeys(found))
            return hits if matched >= max(need, 0) and (matched or need <= 0) else None

        return flt

    def fn_like(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        target, pattern = self.args(call, 2, 2)
        key = self.target(target, "LIKE")
        pattern_fn = self.value(pattern)

        def make(r: Row) -> Callable[[str], bool]:
            pattern_value = str(pattern_fn(r))
            return lambda t: like(t, pattern_value)

        return self._term_predicate(key, analyzer, boost, make)

    def fn_levenshtein_match(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        args = self.args(call, 3, 6)
        key = self.target(args[0], "LEVENSHTEIN_MATCH")
        fns = [self.value(a) for a in args[1:]]

        def make(r: Row) -> Callable[[str], bool]:
            vals = [f(r) for f in fns]
            target, distance = str(vals[0]), int(vals[1])
            transpositions = to_bool(vals[2]) if len(vals) > 2 else True
            prefix = str(vals[4]) if len(vals) > 4 and vals[4] is not None else ""

            def test(term: str) -> bool:
                if prefix:
                    if not term.startswith(prefix):
                        return False
                    term = term[len(prefix) :]
                return damerau_levenshtein(term, target, transpositions) <= distance

            return test

        return self._term_predicate(key, analyzer, boost, make)

    def _term_predicate(
        self, key: str, analyzer: str, boost: float, make: Callable[[Row], Callable[[str], bool]]
    ) -> Filter:
        def flt(r: Row, d: DocData) -> list[Hit] | None:
            test = make(r)
            fkey = (key, d.resolved(key, analyzer))
            found = [t for lst in d.tokens(key, analyzer) for t in lst if test(t)]
            return [(fkey, t, boost) for t in dict.fromkeys(found)] if found else None

        return flt

    def fn_ngram_match(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        args = self.args(call, 2, 4)
        key = self.target(args[0], "NGRAM_MATCH")
        target_fn = self.value(args[1])
        threshold_fn: Callable[[Row], Any] = lambda r: 0.7  # noqa: E731
        name = analyzer
        if len(args) == 4:
            threshold_fn = self.value(args[2])
            name = self.const_analyzer(args[3])
        elif len(args) == 3:
            third = self.value(args[2])([None] * max(self.c.nslots, 1))
            if isinstance(third, str):
                name = self.analyzer_name(third)
            else:
                threshold_fn = self.value(args[2])
        used = name

        def flt(r: Row, d: DocData) -> list[Hit] | None:
            target = target_fn(r)
            threshold = float(threshold_fn(r))
            resolved = d.resolved(key, used)
            analyzer_def = AN.lookup(self.db, resolved)
            if not isinstance(target, str) or analyzer_def is None:
                return None
            grams = AN.tokenize(self.db, analyzer_def, target)
            if not grams:
                return None
            for tokens in d.tokens(key, used):
                if lcs(grams, tokens) / len(grams) >= threshold:
                    return [
                        ((key, resolved), g, boost) for g in dict.fromkeys(grams) if g in tokens
                    ]
            return None

        return flt

    def fn_minhash_match(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        """At least ``ceil(threshold * signature size)`` of the target's MinHash tokens."""
        target, value, threshold, name = self.args(call, 4, 4)
        key = self.target(target, "MINHASH_MATCH")
        used = self.const_analyzer(name)
        value_fn, threshold_fn = self.value(value), self.value(threshold)

        def flt(r: Row, d: DocData) -> list[Hit] | None:
            wanted = minhash_need(self.db, used, value_fn(r), threshold_fn(r))
            if wanted is None:
                return None
            signature, need = wanted
            fkey = (key, d.resolved(key, used))
            present = {t for lst in d.tokens(key, used) for t in lst}
            found = [t for t in dict.fromkeys(signature) if t in present]
            return [(fkey, t, boost) for t in found] if len(found) >= need else None

        return flt

    def fn_phrase(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        args = self.args(call, 2, None)
        key = self.target(args[0], "PHRASE")
        rest = args[1:]
        name = analyzer
        if len(rest) % 2 == 0:
            name = self.const_analyzer(rest[-1])
            rest = rest[:-1]
        part_fns = [self.value(p) for p in rest]
        used = name

        def flt(r: Row, d: DocData) -> list[Hit] | None:
            values = [f(r) for f in part_fns]
            if len(values) == 1 and isinstance(values[0], list):
                values = values[0]
            resolved = d.resolved(key, used)
            analyzer_def = AN.lookup(self.db, resolved)
            if analyzer_def is None:
                return None
            steps = _phrase_steps(self.db, analyzer_def, values)
            if not steps:
                return None
            for tokens in d.tokens(key, used):
                matched = _phrase_match(tokens, steps)
                if matched is not None:
                    return [((key, resolved), t, boost) for t in matched]
            return None

        return flt

    def fn_geo_in_range(self, call: A.Call, analyzer: str, boost: float) -> Filter:
        return self._eval_call(call)

    fn_geo_contains = fn_geo_intersects = fn_geo_distance = fn_geo_in_range

    def _eval_call(self, call: A.Call) -> Filter:
        """Geo predicates: evaluated on the stored document (indexed fields only)."""
        fn = self.c.expr(call, self.vars)
        slot = self.vars[self.var]

        def flt(r: Row, d: DocData) -> list[Hit] | None:
            r2 = r.copy()
            r2[slot] = d.doc
            return [] if to_bool(fn(r2)) else None

        return flt


# ----------------------------------------------------------------- filter combinators
def _and(a: Filter, b: Filter) -> Filter:
    def flt(r: Row, d: DocData) -> list[Hit] | None:
        x = a(r, d)
        if x is None:
            return None
        y = b(r, d)
        return None if y is None else x + y

    return flt


def _or(a: Filter, b: Filter) -> Filter:
    def flt(r: Row, d: DocData) -> list[Hit] | None:
        x, y = a(r, d), b(r, d)
        if x is None and y is None:
            return None
        return (x or []) + (y or [])

    return flt


def _not(a: Filter) -> Filter:
    return lambda r, d: None if a(r, d) is not None else []


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _eq_hits(d: DocData, key: str, analyzer: str, value: Any, boost: float) -> list[Hit] | None:
    if isinstance(value, str):
        for tokens in d.tokens(key, analyzer):
            if value in tokens:
                return [((key, d.resolved(key, analyzer)), value, boost)]
        return None
    if isinstance(value, (list, dict)):
        return None
    for v in d.prims.get(key, []):
        same = (_is_number(v) and _is_number(value) and v == value) or (
            not _is_number(value) and type(v) is type(value) and v == value
        )
        if same:
            return [((key, "#prim"), repr(v), boost)]
    return None


def _range_hits(
    d: DocData, key: str, analyzer: str, lo: Any, hi: Any, inc_lo: bool, inc_hi: bool, boost: float
) -> list[Hit] | None:
    bound = lo if lo is not None else hi
    if bound is None:
        return None

    def inside(v: Any) -> bool:
        if lo is not None:
            c = compare(v, lo) if not isinstance(v, str) else _bytes_cmp(v, lo)
            if c < 0 or (c == 0 and not inc_lo):
                return False
        if hi is not None:
            c = compare(v, hi) if not isinstance(v, str) else _bytes_cmp(v, hi)
            if c > 0 or (c == 0 and not inc_hi):
                return False
        return True

    if isinstance(bound, str):
        if (lo is not None and not isinstance(lo, str)) or (
            hi is not None and not isinstance(hi, str)
        ):
            return None
        fkey = (key, d.resolved(key, analyzer))
        found = [t for lst in d.tokens(key, analyzer) for t in lst if inside(t)]
        return [(fkey, t, boost) for t in dict.fromkeys(found)] if found else None
    if _is_number(bound):
        if any(b is not None and not _is_number(b) for b in (lo, hi)):
            return None
        found = [v for v in d.prims.get(key, []) if _is_number(v) and inside(v)]
        return [((key, "#prim"), repr(v), boost) for v in found] if found else None
    if isinstance(bound, bool):
        flags = [v for v in d.prims.get(key, []) if isinstance(v, bool) and inside(v)]
        return [((key, "#prim"), repr(v), boost) for v in flags] if flags else None
    return None


def _bytes_cmp(a: str, b: Any) -> int:
    if not isinstance(b, str):
        return compare(a, b)
    x, y = a.encode("utf-8"), b.encode("utf-8")
    return (x > y) - (x < y)


Step = tuple[int, Callable[[str], bool], str]  # (gap before, token test, term for scoring)


def _phrase_steps(db: Any, analyzer: AN.Analyzer, parts: list[Any]) -> list[Step]:
    """PHRASE parts (strings, {TERM|TERMS|STARTS_WITH|WILDCARD|LEVENSHTEIN_MATCH}, skips)."""
    steps: list[Step] = []
    gap = 0
    for i, part in enumerate(parts):
        if i % 2 == 1 and _is_number(part):
            gap += int(part)
            continue
        if isinstance(part, str):
            for j, tok in enumerate(AN.tokenize(db, analyzer, part)):
                steps.append((gap if j == 0 else 0, _part_test("TERM", tok), tok))
            gap = 0
        elif isinstance(part, dict) and len(part) == 1:
            kind, arg = next(iter(part.items()))
            kind = kind.upper()
            test = _part_test(kind, arg)
            steps.append((gap, test, str(arg)))
            gap = 0
        elif isinstance(part, list):
            steps.extend(_phrase_steps(db, analyzer, part))
        else:
            raise _unsupported("PHRASE part")
    return steps


def _part_test(kind: str, arg: Any) -> Callable[[str], bool]:
    """The token test of one PHRASE part object (``{TERM: ...}``, ``{STARTS_WITH: ...}``...)."""

    def term(t: str) -> bool:
        return bool(t == arg)

    def terms(t: str) -> bool:
        return isinstance(arg, list) and t in arg

    def prefix(t: str) -> bool:
        return isinstance(arg, str) and t.startswith(arg)

    def wildcard(t: str) -> bool:
        return like(t, str(arg))

    def levenshtein(t: str) -> bool:
        transpositions = to_bool(arg[2]) if len(arg) > 2 else True
        return damerau_levenshtein(t, str(arg[0]), transpositions) <= int(arg[1])

    tests: dict[str, Callable[[str], bool]] = {
        "TERM": term,
        "TERMS": terms,
        "STARTS_WITH": prefix,
        "WILDCARD": wildcard,
    }
    if kind == "LEVENSHTEIN_MATCH" and isinstance(arg, list) and len(arg) >= 2:
        return levenshtein
    if kind not in tests:
        raise _unsupported(f"PHRASE part '{kind}'")
    return tests[kind]


def _phrase_match(tokens: list[str], steps: list[Step]) -> list[str] | None:
    for start in range(len(tokens)):
        pos = start
        matched: list[str] = []
        ok = True
        for k, (gap, test, _) in enumerate(steps):
            if k > 0:
                pos += 1 + gap
            elif gap:
                pos += gap
            if pos >= len(tokens) or not test(tokens[pos]):
                ok = False
                break
            matched.append(tokens[pos])
        if ok:
            return matched
    return None


# ----------------------------------------------------------------- the FOR ... IN view stage
def view_name(compiler: Scope, st: A.For, level: Level) -> str | None:
    expr = st.expr
    if isinstance(expr, A.Name) and expr.name not in level.vars:
        return expr.name
    if isinstance(expr, A.Param) and expr.datasource:
        return compiler.collection_name(expr)
    return None


def _options(compiler: Scope, st: A.For, level: Level, view: V.View) -> dict[str, Any]:
    opts = compiler.options(st.options, level.vars)
    cols = opts.get("collections")
    if cols is not None:
        if not isinstance(cols, list):
            raise ArangoError(1575, "'collections' option must be an array", 400)
        linked = {c.name for c, _ in view.sources(compiler.ctx.db)}
        for name in cols:
            if not isinstance(name, str) or compiler.ctx.db.get_collection(name) is None:
                raise ArangoError(1203, f"collection or view not found: {name}", 404)
            if name not in linked:
                raise ArangoError(
                    1575, f"collection '{name}' is not linked to view '{view.name}'", 400
                )
    for opt, allowed in (
        ("conditionOptimization", ("auto", "nodnf", "noneg", "none")),
        ("countApproximate", ("exact", "cost")),
    ):
        if opt in opts and opts[opt] not in allowed:
            raise ArangoError(1575, f"unsupported value of '{opt}' option", 400)
    return opts


def compile_view_for(
    compiler: Scope, st: A.For, level: Level
) -> Callable[[Iterable[Row]], Iterator[Row]] | None:
    """The stage for ``FOR var IN view [SEARCH ...] [OPTIONS ...]``, or None for non-views."""
    name = view_name(compiler, st, level)
    db = compiler.ctx.db
    view = V.find(db, name) if name is not None and db.get_collection(name) is None else None
    if view is None:
        return None
    opts = _options(compiler, st, level, view)
    level.has_for = True
    slot = compiler.declare(level, st.var)
    default = DEFAULT if view.type == V.SEARCH_ALIAS else "identity"
    flt: Filter | None = None
    if st.search is not None:
        flt = SearchCompiler(compiler, level.vars, st.var, default).compile(st.search, default, 1.0)
    ctx = compiler.ctx
    scores = ctx.search_scores
    restrict = opts.get("collections")

    def stage(rows: Iterable[Row]) -> Iterator[Row]:
        corpus: Corpus | None = None
        for r in rows:
            if corpus is None:
                corpus = build_corpus(db, view, restrict)
                ctx.stats["scannedIndex"] += len(corpus.docs)
            for data in corpus.docs:
                hits = flt(r, data) if flt is not None else []
                if hits is None:
                    continue
                scores[id(data.doc)] = (hits, data, corpus)
                r2 = r.copy()
                r2[slot] = data.doc
                yield r2

    return stage


def build_corpus(db: Any, view: V.View, restrict: list[str] | None) -> Corpus:
    cache: dict[Any, list[str]] = {}
    docs: list[DocData] = []
    for col, meta in view.sources(db):
        if restrict is not None and col.name not in restrict:
            continue
        for doc in list(col.docs.values()):
            docs.append(index_document(db, doc, col.name, meta, cache))
    return Corpus(docs)
