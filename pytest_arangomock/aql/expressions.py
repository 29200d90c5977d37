"""Compile AQL expressions into closures ``fn(row) -> value``.

Rows are Python lists indexed by variable slots (resolved at compile time, so evaluation
never looks names up). Bind parameters and collections are run-time inputs (:class:`Inputs`),
so one compiled query serves later executions with other values; a value the compiler reads
to make a choice (a LIMIT, an attribute name, a collection) is recorded, and the compiled
query only serves executions with the same value. :class:`ExpressionCompiler` also holds the
per-query compile state the statement compiler (:mod:`.compiler`) builds on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from ..base.errors import ArangoError
from ..base.values import to_bool, to_string
from . import ast as A
from . import operators as O
from .context import QueryContext
from .functions import Arg, arity_error
from .functions.library import REGISTRY
from .parser import error_at
from .scope import Fn, Inputs, Row, Runner

_SPREAD = object()
_T = TypeVar("_T")
_RECOVERABLE = (TypeError, ValueError, AttributeError, IndexError, KeyError, OverflowError)


class ExpressionCompiler:
    """Compiles the expressions of one query against one database (bind values and
    collections are run-time :class:`Inputs`); :class:`.compiler.Compiler` adds the
    statements."""

    def __init__(self, ctx: QueryContext, binds: dict[str, Any]) -> None:
        self.ctx = ctx
        self.inputs = Inputs(binds)
        self.nslots = 0
        self.current: dict[int, int] = {}
        self.current_stack: list[int] = []
        self.modified: dict[str, str] = {}
        self.registry = REGISTRY
        self.depth = 0  # subquery nesting (fullCount only counts the main query)
        # execution-node numbering as ArangoDB's initial plan has it (1 is the singleton):
        # runtime errors name the nodes they passed through, "[node #3: RemoveNode]"
        self.node_id = 0
        self.last_node: tuple[int, str] = (1, "SingletonNode")
        # is_const() answers by node id (with the node, so that its id stays unique
        # while the answer is kept): nested literals ask about every level
        self.const_nodes: dict[int, tuple[Any, bool]] = {}
        #: whether the compiled query may serve another execution (see ``aql/prepared.py``)
        self.reusable = True
        #: bind parameters whose kind (not value) a choice depended on: name -> (kind of, kind)
        self.shapes: dict[str, tuple[Callable[[Any], Any], Any]] = {}
        #: work to redo at the start of every later execution (after ``inputs`` are set)
        self.restarts: list[Callable[[], None]] = []
        #: the FOR being compiled reads on demand (a LIMIT follows): its source leaves
        #: the statistics named in ``demand_counts`` to the loop
        self.on_demand = False
        self.demand_counts: list[str] = []

    @property
    def binds(self) -> dict[str, Any]:
        return self.inputs.binds

    def not_reusable(self) -> None:
        """The compiled query holds something of this execution only (a write, a view,
        a traversal...): it is compiled again next time."""
        self.reusable = False

    def use_collection(self, name: str) -> Any:
        """The collection ``name`` for reading (1203, permission checks), recorded so a
        later execution of the compiled query resolves it again (its own snapshot, its
        caller's permissions)."""
        coll = self.ctx.collection(name)
        colls = self.inputs.colls
        colls.pop(name, None)  # keep first-use order for the checks of later executions
        colls[name] = coll
        return coll

    def per_run(self, make: Callable[[], _T]) -> list[_T]:
        """A box holding ``make()``, made now and again at the start of every later
        execution: what a compiled closure derives from the execution's inputs."""
        box = [make()]

        def refill() -> None:
            box[0] = make()

        self.restarts.append(refill)
        return box

    def bind_kind(self, key: str, kind_of: Callable[[Any], Any]) -> Any:
        """``kind_of`` of a bind value, recorded: the compiled query serves executions
        whose value is of the same kind."""
        kind = kind_of(dict.__getitem__(self.binds, key))
        self.shapes[key] = (kind_of, kind)
        return kind

    # ------------------------------------------------------------------ helpers
    def error_at(self, message: str, pos: A.Pos | None, num: int = 1501) -> ArangoError:
        """An error with ArangoDB's ``near '...' at position L:C`` suffix."""
        if pos is None or not self.ctx.query_text:
            return ArangoError(num, message, 400)
        return error_at(self.ctx.query_text, message, pos, num)

    def slot(self) -> int:
        s = self.nslots
        self.nslots += 1
        return s

    @contextmanager
    def current_scope(self, ident: int | None = None) -> Iterator[int]:
        """A fresh slot that ``CURRENT`` (of ``ident``, if given) names while the
        expressions inside the ``with`` compile."""
        slot = self.slot()
        if ident is not None:
            self.current[ident] = slot
        self.current_stack.append(slot)
        try:
            yield slot
        finally:
            self.current_stack.pop()

    def param(self, p: A.Param) -> Any:
        key = ("@" + p.name) if p.datasource else p.name
        return self.binds[key]

    def const_value(self, expr: A.Expr, vars: dict[str, int]) -> Any:
        """Evaluate an expression that must be known at compile time (OPTIONS, LIMIT...)."""
        self.folding(expr)
        fn = self.expr(expr, vars)
        return fn([None] * max(self.nslots, 1))

    def folding(self, expr: A.Expr) -> None:
        """A function call evaluated while compiling may read the caller, the database or
        the clock (CURRENT_USER(), TOKENS() with an analyzer): such a query is compiled
        again next time."""
        if self.reusable and any(isinstance(n, A.Call) for n in A.walk(expr)):
            self.reusable = False

    def is_const(self, expr: A.Expr) -> bool:
        """No variable, subquery, ``CURRENT`` or non-deterministic call anywhere in
        ``expr``. Every node's answer is remembered (bottom-up, without recursion), so
        asking about each level of a nested literal costs linear time, not quadratic."""
        known = self.const_nodes
        hit = known.get(id(expr))
        if hit is not None:
            return hit[1]
        stack: list[tuple[Any, bool]] = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            if id(node) in known:
                continue
            kids = A.children(node)
            if not ready:
                stack.append((node, True))
                stack.extend((kid, False) for kid in kids if id(kid) not in known)
                continue
            const = self._const_node(node) and all(known[id(k)][1] for k in kids)
            known[id(node)] = (node, const)
        return known[id(expr)][1]

    def _const_node(self, n: Any) -> bool:
        if isinstance(n, (A.Name, A.Subquery, A.Current)):
            return False
        if isinstance(n, A.Call):
            spec = self.registry.get(n.name)
            return spec is not None and spec.deterministic
        return True

    def options(self, opts: A.ObjectLit | None, vars: dict[str, int]) -> dict[str, Any]:
        if opts is None:
            return {}
        if not self.is_const(opts):
            raise ArangoError(1575, "query options must be readable at query compile time", 400)
        value = self.const_value(opts, vars)
        return value if isinstance(value, dict) else {}

    def collection_name(self, expr: A.Expr) -> str:
        if isinstance(expr, A.Param):
            value = self.param(expr)
            if not isinstance(value, str) or not value:
                key = ("@" + expr.name) if expr.datasource else expr.name
                raise ArangoError(1553, f"bind parameter '{key}' has an invalid value or type", 400)
            return value
        if isinstance(expr, A.Const) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, A.Name):
            return expr.name
        raise ArangoError(1501, "syntax error, invalid collection name", 400)

    def check_read(self, name: str) -> None:
        """1579 when the query already wrote collection ``name`` (no read after a write)."""
        op = self.modified.get(name)
        if op is not None:
            raise ArangoError(1579, f"access after data-modification by {op}", 400)

    def query(self, q: A.Query, scope: dict[str, int]) -> Runner:
        """A (sub)query's runner; the statement compiler provides it."""
        raise NotImplementedError

    # ------------------------------------------------------------------ expressions
    def expr(self, e: A.Expr, vars: dict[str, int]) -> Fn:
        method = getattr(self, "x_" + type(e).__name__)
        return method(e, vars)  # type: ignore[no-any-return]

    def x_Const(self, e: A.Const, vars: dict[str, int]) -> Fn:
        v = e.value
        return lambda r: v

    def x_Param(self, e: A.Param, vars: dict[str, int]) -> Fn:
        if e.datasource:
            name = self.collection_name(e)
            coll = self.ctx.collection(name)
            raise ArangoError(1568, f"collection '{coll.name}' used as expression operand", 400)
        key = e.name
        inputs = self.inputs
        return lambda r: inputs.binds[key]

    def x_Name(self, e: A.Name, vars: dict[str, int]) -> Fn:
        s = vars.get(e.name)
        if s is None and e.name in ("CURRENT", "$CURRENT") and self.current_stack:
            s = self.current_stack[-1]
        if s is not None:
            slot = s
            return lambda r: r[slot]
        coll = self.ctx.collection(e.name)
        raise ArangoError(1568, f"collection '{coll.name}' used as expression operand", 400)

    def x_Current(self, e: A.Current, vars: dict[str, int]) -> Fn:
        slot = self.current[e.ident]
        return lambda r: r[slot]

    def x_Attr(self, e: A.Attr, vars: dict[str, int]) -> Fn:
        obj = self.expr(e.obj, vars)
        name = e.name
        if isinstance(name, A.Param):
            value = self.param(name)
            if not isinstance(value, (str, list)):
                raise ArangoError(
                    1553, f"bind parameter '{name.name}' has an invalid value or type", 400
                )
            if isinstance(value, list):
                path = [str(p) for p in value]

                def get_path(r: Row) -> Any:
                    v = obj(r)
                    for p in path:
                        if type(v) is not dict:
                            return None
                        v = v.get(p)
                    return v

                return get_path
            name = value
        key = name
        slot = self.var_slot(e.obj, vars)
        if slot is not None:  # ``var.attr``: the common case, one call less

            def get_var(r: Row) -> Any:
                v = r[slot]
                return v.get(key) if type(v) is dict else None

            return get_var

        def get(r: Row) -> Any:
            v = obj(r)
            if type(v) is dict:
                return v.get(key)
            return None

        return get

    def var_slot(self, e: A.Expr, vars: dict[str, int]) -> int | None:
        """The row slot of a plain variable reference (None for anything else)."""
        if isinstance(e, A.Name):
            return vars.get(e.name)
        return None

    def x_Index(self, e: A.Index, vars: dict[str, int]) -> Fn:
        obj = self.expr(e.obj, vars)
        idx = self.expr(e.index, vars)

        def get(r: Row) -> Any:
            v = obj(r)
            i = idx(r)
            t = type(v)
            if t is list:
                ti = type(i)
                if ti is int or ti is float:
                    n = int(i)
                elif ti is str:
                    try:
                        n = int(i)
                    except ValueError:
                        return None
                else:
                    return None
                if n < 0:
                    n += len(v)
                return v[n] if 0 <= n < len(v) else None
            if t is dict:
                if type(i) is str:
                    return v.get(i)
                if type(i) in (int, float):
                    return v.get(to_string(i))
                return None
            return None

        return get

    def x_ArrayLit(self, e: A.ArrayLit, vars: dict[str, int]) -> Fn:
        if any(isinstance(x, A.Spread) for x in e.items):
            parts = [
                (isinstance(x, A.Spread), self.expr(x.expr if isinstance(x, A.Spread) else x, vars))
                for x in e.items
            ]

            def build(r: Row) -> list[Any]:
                out: list[Any] = []
                for spread, f in parts:
                    v = f(r)
                    if not spread:
                        out.append(v)
                    elif type(v) is list:
                        out.extend(v)
                    elif type(v) is dict:
                        out.extend(v.values())
                return out

            return build
        if self.is_const(e) and all(
            isinstance(x, (A.Const, A.ArrayLit, A.ObjectLit)) for x in e.items
        ):
            self.folding(e)
            value = [self.expr(x, vars)([]) for x in e.items]
            return lambda r: value
        return _array_of([self.expr(x, vars) for x in e.items])

    def x_ObjectLit(self, e: A.ObjectLit, vars: dict[str, int]) -> Fn:
        parts: list[tuple[Any, Fn]] = []
        dynamic = False
        for key, value in e.items:
            if (
                isinstance(value, A.Name)
                and isinstance(key, str)
                and key == value.name
                and value.name not in vars
                and not (value.name in ("CURRENT", "$CURRENT") and self.current_stack)
            ):
                raise ArangoError(
                    1512, f"use of unknown variable '{value.name}' in object literal", 400
                )
            if isinstance(key, A.Spread):
                parts.append((_SPREAD, self.expr(key.expr, vars)))
                dynamic = True
                continue
            vf = self.expr(value, vars)
            if isinstance(key, str):
                parts.append((key, vf))
            elif isinstance(key, A.Param):
                pv = self.param(key)
                if not isinstance(pv, str):
                    raise ArangoError(
                        1553, f"bind parameter '{key.name}' has an invalid value or type", 400
                    )
                parts.append((pv, vf))
            else:
                parts.append((self.expr(key, vars), vf))
                dynamic = True
        if not dynamic:
            static = [(k, f) for k, f in parts]
            if len({k for k, _ in static}) == len(static):
                return _object_of(static)

        def build(r: Row) -> dict[str, Any]:
            out: dict[str, Any] = {}
            spread_seen = False
            for k, f in parts:
                if k is _SPREAD:
                    v = f(r)
                    if type(v) is dict:
                        out.update(v)
                        spread_seen = True
                    continue
                if callable(k):
                    kv = k(r)
                    name = kv if type(kv) is str else to_string(kv)
                else:
                    name = k
                if spread_seen or name not in out:
                    out[name] = f(r)
            return out

        return build

    def x_Unary(self, e: A.Unary, vars: dict[str, int]) -> Fn:
        f = self.expr(e.operand, vars)
        if e.op == "!":
            return lambda r: not to_bool(f(r))
        if e.op == "-":
            return lambda r: O.neg(f(r))
        return lambda r: O.pos(f(r))

    def x_Binary(self, e: A.Binary, vars: dict[str, int]) -> Fn:
        lf = self.expr(e.left, vars)
        op = e.op
        right = e.right
        if (
            op in ("IN", "NOT IN")
            and isinstance(right, A.Param)
            and not right.datasource
            and self.bind_kind(right.name, _is_list)
        ):
            # membership by hashing, the set made once per execution from its value
            key, inputs = right.name, self.inputs
            box = self.per_run(lambda: O.in_set(dict.__getitem__(inputs.binds, key)))
            if op == "IN":
                return lambda r: box[0](lf(r))
            return lambda r: not box[0](lf(r))
        if op in ("IN", "NOT IN") and isinstance(right, A.ArrayLit) and self.is_const(right):
            rv = self.const_value(e.right, vars)
            if type(rv) is list:
                test = O.in_set(rv)
                if op == "IN":
                    return lambda r: test(lf(r))
                return lambda r: not test(lf(r))
        rf = self.expr(e.right, vars)
        if op in ("IN", "NOT IN"):
            member = O.in_array(lf, rf)
            if op == "IN":
                return member
            return lambda r: not member(r)
        warn = self.ctx.warn
        if op == "+":
            return lambda r: O.add(lf(r), rf(r))
        if op == "-":
            return lambda r: O.sub(lf(r), rf(r))
        if op == "*":
            return lambda r: O.mul(lf(r), rf(r))
        if op == "/":
            return lambda r: O.div(lf(r), rf(r), warn)
        if op == "%":
            return lambda r: O.mod(lf(r), rf(r), warn)
        cmp = O.COMPARE[op]
        if isinstance(e.right, A.Const) and type(e.right.value) in (int, float):
            return _compare_number(op, lf, e.right.value, cmp)
        return lambda r: cmp(lf(r), rf(r))

    def x_Logical(self, e: A.Logical, vars: dict[str, int]) -> Fn:
        lf = self.expr(e.left, vars)
        rf = self.expr(e.right, vars)
        if e.op == "AND":

            def and_(r: Row) -> Any:
                a = lf(r)
                return rf(r) if to_bool(a) else a

            return and_

        def or_(r: Row) -> Any:
            a = lf(r)
            return a if to_bool(a) else rf(r)

        return or_

    def x_Ternary(self, e: A.Ternary, vars: dict[str, int]) -> Fn:
        cf = self.expr(e.cond, vars)
        of = self.expr(e.otherwise, vars)
        if e.then is None:

            def short(r: Row) -> Any:
                c = cf(r)
                return c if to_bool(c) else of(r)

            return short
        tf = self.expr(e.then, vars)
        return lambda r: tf(r) if to_bool(cf(r)) else of(r)

    def x_Range(self, e: A.Range, vars: dict[str, int]) -> Fn:
        lf = self.expr(e.low, vars)
        hf = self.expr(e.high, vars)
        return lambda r: O.make_range(lf(r), hf(r))

    def x_Quantified(self, e: A.Quantified, vars: dict[str, int]) -> Fn:
        lf = self.expr(e.left, vars)
        rf = self.expr(e.right, vars)
        cf = self.expr(e.count, vars) if e.count is not None else (lambda r: None)
        q, op = e.quantifier, e.op
        return lambda r: O.quantified(q, cf(r), op, lf(r), rf(r))

    def x_Passthru(self, e: A.Passthru, vars: dict[str, int]) -> Fn:
        return self.expr(e.expr, vars)

    def x_Subquery(self, e: A.Subquery, vars: dict[str, int]) -> Fn:
        self.depth += 1
        try:
            run = self.query(e.query, vars)
        finally:
            self.depth -= 1

        def sub(r: Row) -> list[Any]:
            return list(run(r.copy()))

        return sub

    def x_Expansion(self, e: A.Expansion, vars: dict[str, int]) -> Fn:
        src = self.expr(e.source, vars)
        with self.current_scope(e.ident) as slot:
            filt = self.expr(e.filter, vars) if e.filter is not None else None
            if e.limit is not None:
                off_e, cnt_e = e.limit
                off_f = self.expr(off_e, vars) if off_e is not None else (lambda r: 0)
                cnt_f: Fn | None = self.expr(cnt_e, vars)
            else:
                off_f, cnt_f = (lambda r: 0), None
            proj = self.expr(e.projection, vars) if e.projection is not None else None
            rest = self.expr(e.rest, vars)
        levels = e.levels
        rest_is_current = isinstance(e.rest, A.Current) and e.rest.ident == e.ident

        def expand(r: Row) -> Any:
            v = src(r)
            if type(v) is not list:
                return []
            if levels > 1:
                v = _flatten(v, levels - 1)
            out = []
            off = O.to_int64(off_f(r)) if cnt_f is not None else 0
            cnt = O.to_int64(cnt_f(r)) if cnt_f is not None else -1
            saved = r[slot]
            try:
                for item in v:
                    r[slot] = item
                    if filt is not None and not to_bool(filt(r)):
                        continue
                    if off > 0:
                        off -= 1
                        continue
                    if cnt == 0:
                        break
                    cnt -= 1
                    if proj is not None:
                        item = proj(r)
                        r[slot] = item
                    out.append(item if rest_is_current else rest(r))
            finally:
                r[slot] = saved
            return out

        return expand

    def x_Question(self, e: A.Question, vars: dict[str, int]) -> Fn:
        src = self.expr(e.source, vars)
        with self.current_scope(e.ident) as slot:
            filt = self.expr(e.filter, vars) if e.filter is not None else None
            count = self.expr(e.count, vars) if e.count is not None else None
        quant = e.quantifier

        def question(r: Row) -> Any:
            v = src(r)
            if type(v) is not list:
                return False
            hits = 0
            saved = r[slot]
            try:
                for item in v:
                    r[slot] = item
                    if filt is None or to_bool(filt(r)):
                        hits += 1
            finally:
                r[slot] = saved
            n = len(v)
            if quant == "ANY":
                return hits > 0
            if quant == "ALL":
                return hits == n
            if quant == "NONE":
                return hits == 0
            c = count(r) if count is not None else None
            if quant == "AT LEAST":
                return hits >= O.to_int64(c)
            if type(c) is list and c:
                return O.to_int64(c[0]) <= hits <= O.to_int64(c[-1])
            return hits == O.to_int64(c)

        return question

    def x_Call(self, e: A.Call, vars: dict[str, int]) -> Fn:
        name = e.name
        spec = self.registry.get(name)
        argfns = [
            self.call_arg(a, vars, spec is not None and spec.arg(i) is Arg.COLLECTION)
            for i, a in enumerate(e.args)
        ]
        if spec is None:
            if "::" in name:
                return self.user_call(name, argfns)
            raise ArangoError(1540, f"usage of unknown function '{name}()'", 400)
        if len(argfns) < spec.min_args or (
            spec.max_args is not None and len(argfns) > spec.max_args
        ):
            raise arity_error(name, spec.min_args, spec.max_args)
        if spec.arg(0) is Arg.PASSTHROUGH:
            return argfns[0]
        fn = spec.fn
        ctx = self.ctx
        if Arg.WAIT in spec.args:
            fn = _bounded_wait(fn, spec.args.index(Arg.WAIT))

        def call(r: Row) -> Any:
            args = [f(r) for f in argfns]
            try:
                return fn(ctx, *args)
            except ArangoError:
                raise
            except _RECOVERABLE:
                ctx.warn(1542, f"invalid argument type in call to function '{name}()'")
                return None

        return call

    def user_call(self, name: str, argfns: list[Fn]) -> Fn:
        """A user-defined function (``NS::FN``): JavaScript, run by the runtime the server
        was given (``state.runtime.JavaScriptRuntime``); without one, 501."""
        ctx = self.ctx
        self.not_reusable()
        runtime = getattr(getattr(ctx.db, "server", None), "javascript", None)
        if runtime is None:
            raise ArangoError(
                9,
                "user-defined AQL functions need JavaScript: install pytest-arangomock[js]",
                501,
            )

        def call(r: Row) -> Any:
            return runtime.call_user_function(ctx.db, name, [f(r) for f in argfns], ctx.warn)

        return call

    def call_arg(self, a: A.Expr, vars: dict[str, int], by_name: bool = False) -> Fn:
        """A function argument; a bare collection name passes the collection's documents
        (or its name, for an argument of kind :attr:`Arg.COLLECTION`)."""
        if by_name and (
            (isinstance(a, A.Param) and a.datasource)
            or (isinstance(a, A.Name) and a.name not in vars)
        ):
            cname = self.collection_name(a)
            self.use_collection(cname)
            return lambda r: cname
        if (
            isinstance(a, A.Name)
            and a.name not in vars
            and not (a.name in ("CURRENT", "$CURRENT") and self.current_stack)
        ):
            name = a.name
            coll = self.use_collection(name)
            self.check_read(coll.name)
            colls = self.inputs.colls
            return lambda r: list(colls[name].docs.values())
        return self.expr(a, vars)


_NUMBER_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _compare_number(op: str, lf: Fn, c: Any, cmp: Callable[[Any, Any], bool]) -> Fn:
    """``expr <op> number``: plain Python comparison when the value is a number too."""
    if op == ">":

        def gt(r: Row) -> bool:
            v = lf(r)
            t = type(v)
            return v > c if (t is int or t is float) else cmp(v, c)

        return gt
    if op == "<":

        def lt(r: Row) -> bool:
            v = lf(r)
            t = type(v)
            return v < c if (t is int or t is float) else cmp(v, c)

        return lt
    if op == "==":

        def eq(r: Row) -> bool:
            v = lf(r)
            t = type(v)
            return v == c if (t is int or t is float) else cmp(v, c)

        return eq
    fast = _NUMBER_OPS.get(op)
    if fast is None:
        return lambda r: cmp(lf(r), c)

    def other(r: Row) -> bool:
        v = lf(r)
        t = type(v)
        return fast(v, c) if (t is int or t is float) else cmp(v, c)

    return other


def _is_list(value: Any) -> bool:
    return type(value) is list


def _bounded_wait(fn: Callable[..., Any], position: int) -> Callable[..., Any]:
    """A function that waits the seconds of its argument ``position`` (SLEEP) the query's
    way: without the server lock, until killed or past ``maxRuntime``."""

    def wait(ctx: QueryContext, *args: Any) -> Any:
        seconds: Any = args[position] if len(args) == position + 1 else None
        if type(seconds) in (int, float) and seconds >= 0:
            ctx.sleep(float(seconds))
            return None
        return fn(ctx, *args)

    return wait


def _flatten(v: list[Any], depth: int) -> list[Any]:
    out: list[Any] = []
    for x in v:
        if type(x) is list and depth > 0:
            out.extend(_flatten(x, depth - 1))
        else:
            out.append(x)
    return out


# A comprehension is a function call of its own (Python 3.11): the array and object
# literals a query builds per row avoid it.
def _array_of(fns: list[Fn]) -> Fn:
    """An array literal's value per row (up to three elements written out)."""
    if len(fns) == 1:
        (f0,) = fns
        return lambda r: [f0(r)]
    if len(fns) == 2:
        f0, f1 = fns
        return lambda r: [f0(r), f1(r)]
    if len(fns) == 3:
        f0, f1, f2 = fns
        return lambda r: [f0(r), f1(r), f2(r)]
    return lambda r: [f(r) for f in fns]


def _object_of(parts: list[tuple[Any, Fn]]) -> Fn:
    """An object literal's value per row, its names known and distinct."""

    def build(r: Row) -> dict[str, Any]:
        out = {}
        for k, f in parts:
            out[k] = f(r)
        return out

    return build
