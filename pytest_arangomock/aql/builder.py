"""AQL AST builder: turns lark's parse tree into :mod:`ast` nodes.

Checks that ArangoDB's grammar actions make (single FOR variable, OPTIONS must be an object,
WINDOW bounds, ``x IN coll`` at the end of a modification) raise :class:`ParseError` here.
"""

from __future__ import annotations

import itertools
from typing import Any

from lark import Token, Transformer

from ..base.errors import ArangoError
from . import ast as A
from .scanner import NICE, ParseError, token_pos


class AstBuilder(Transformer):  # type: ignore[type-arg]
    """Builds :mod:`ast` nodes bottom-up while lark reduces."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)
        self.ids = itertools.count(1)

    # ---------------------------------------------------------- query
    def start(self, items: list[Any]) -> A.Query:
        q: A.Query = items[-1]
        if len(items) == 2:
            q.with_collections = items[0]
        return q

    def with_clause(self, items: list[Any]) -> list[A.Expr]:
        return [x for x in items[1:] if not isinstance(x, Token)]

    def with_coll(self, items: list[Token]) -> A.Expr:
        tok = items[0]
        if tok.type == "NAME":
            return A.Const(tok.value)
        return A.Param(tok.value, True)

    def query(self, items: list[Any]) -> A.Query:
        stmts: list[A.Node] = []
        for it in items:
            if isinstance(it, list):
                stmts.extend(it)
            else:
                stmts.append(it)
        return A.Query(stmts)

    # ---------------------------------------------------------- FOR
    def var_list(self, items: list[Token]) -> list[Token]:
        return [t for t in items if t.type == "NAME"]

    def for_plain(self, items: list[Any]) -> A.For:
        names: list[Token] = items[1]
        if len(names) != 1:
            raise ParseError(
                "Collections and views FOR loops only allow a single return variable",
                token_pos(names[0]),
            )
        search = options = None
        if len(items) > 4:
            quals: list[tuple[Token, A.Expr]] = items[4]
            if len(quals) == 1:
                word, expr = quals[0]
                if word.value.upper() == "SEARCH":
                    search = expr
                else:
                    if word.value.upper() != "OPTIONS":
                        raise ParseError(
                            f"unexpected qualifier '{word.value}', expecting 'SEARCH' or 'OPTIONS'",
                            token_pos(word),
                        )
                    options = _options(expr, word)
            else:
                (w1, e1), (w2, e2) = quals
                if w1.value.upper() != "SEARCH" or w2.value.upper() != "OPTIONS":
                    raise ParseError(
                        f"unexpected qualifier '{w1.value}', expecting 'SEARCH' and 'OPTIONS'",
                        token_pos(w1),
                    )
                search, options = e1, _options(e2, w2)
            if search is not None and not (
                isinstance(items[3], A.Name)
                or (isinstance(items[3], A.Param) and items[3].datasource)
            ):
                raise ParseError("SEARCH condition used on non-view", token_pos(quals[0][0]))
        return A.For(names[0].value, items[3], search, options, token_pos(names[0]))

    def _for_destructure(self, kind: str, items: list[Any]) -> list[A.Node]:
        ident = f"#d{next(self.ids)}"
        targets: list[tuple[str | int, str | None]]
        if kind == "array":
            targets = [(i, name) for i, name in enumerate(items[2]) if name is not None]
        else:
            targets = list(items[2])
        plain = self.for_plain([items[0], [Token("NAME", ident)], *items[4:]])
        return [plain, A.LetDestructure(kind, targets, A.Name(ident))]

    def for_destructure_array(self, items: list[Any]) -> list[A.Node]:
        return self._for_destructure("array", items)

    def for_destructure_object(self, items: list[Any]) -> list[A.Node]:
        return self._for_destructure("object", items)

    def for_opts(self, items: list[Any]) -> list[tuple[Token, A.Expr]]:
        return [(items[i], items[i + 1]) for i in range(0, len(items), 2)]

    def direction(self, items: list[Token]) -> str:
        return str(items[0].type)

    def direction_steps(self, items: list[Any]) -> tuple[str, A.Expr, A.Expr]:
        if len(items) == 1:
            return items[0], A.Const(1), A.Const(1)
        depth = items[0]
        if isinstance(depth, A.Range):
            return items[1], depth.low, depth.high
        return items[1], depth, depth

    def graph_colls(self, items: list[Any]) -> A.GraphSpec:
        return A.GraphSpec(None, [x for x in items if not isinstance(x, Token)])

    def graph_named(self, items: list[Token]) -> A.GraphSpec:
        tok = items[1]
        name: A.Expr = A.Param(tok.value) if tok.type == "PARAM" else A.Const(tok.value)
        return A.GraphSpec(name, [])

    def graph_coll(self, items: list[Any]) -> tuple[str | None, A.Expr]:
        direction = items[0] if len(items) == 2 else None
        tok: Token = items[-1]
        name: A.Expr = A.Const(tok.value) if tok.type == "NAME" else A.Param(tok.value, True)
        return direction, name

    def prune_cond(self, items: list[Any]) -> tuple[str | None, A.Expr]:
        if len(items) == 3:
            return items[0].value, items[2]
        return None, items[0]

    def prune_opts(self, items: list[Any]) -> tuple[Any, ...]:
        word: Token = items[0]
        var, cond = items[1]
        if len(items) == 2:
            kw = word.value.upper()
            if kw == "PRUNE":
                return cond, var, None
            if kw == "OPTIONS" and var is None:
                return None, None, _options(cond, word)
            raise ParseError(
                f"unexpected qualifier '{word.value}', expecting 'PRUNE' or 'OPTIONS'",
                token_pos(word),
            )
        if word.value.upper() != "PRUNE":
            raise ParseError(
                f"unexpected qualifier '{word.value}', expecting 'PRUNE'", token_pos(word)
            )
        if items[2].value.upper() != "OPTIONS":
            raise ParseError(
                f"unexpected qualifier '{items[2].value}', expecting 'OPTIONS'", token_pos(items[2])
            )
        return cond, var, items[3]

    def for_traversal(self, items: list[Any]) -> list[A.Node]:
        names: list[Token] = items[1]
        if not 1 <= len(names) <= 3:
            raise ParseError(
                "Traversals only have one, two or three return variables", token_pos(names[0])
            )
        direction, low, high = items[3]
        prune = prune_var = options = None
        if len(items) > 6:
            prune, prune_var, options = items[6]
        node = A.Traversal(
            [t.value for t in names],
            direction,
            low,
            high,
            items[4],
            items[5],
            prune,
            prune_var,
            options,
        )
        if prune_var is not None and prune is not None:
            return [node, A.Let(prune_var, prune)]
        return [node]

    def _path(self, kind: str, items: list[Any], max_vars: int, message: str) -> A.PathSearch:
        names: list[Token] = items[1]
        if not 1 <= len(names) <= max_vars:
            raise ParseError(message, token_pos(names[0]))
        to: Token = items[6]
        if to.value.upper() != "TO":
            raise ParseError(f"unexpected qualifier '{to.value}', expecting 'TO'", token_pos(to))
        dirinfo = items[3]
        low = high = None
        if isinstance(dirinfo, tuple):
            direction, low, high = dirinfo
        else:
            direction = dirinfo
        options = items[9] if len(items) > 9 else None
        return A.PathSearch(
            kind,
            [t.value for t in names],
            direction,
            low,
            high,
            items[5],
            items[7],
            items[8],
            options,
        )

    def for_shortest(self, items: list[Any]) -> A.PathSearch:
        return self._path(
            "SHORTEST_PATH", items, 2, "SHORTEST_PATH must have one or two return variables"
        )

    def for_kshortest(self, items: list[Any]) -> A.PathSearch:
        return self._path(
            "K_SHORTEST_PATHS", items, 1, "K_SHORTEST_PATHS only has one return variable"
        )

    def for_kpaths(self, items: list[Any]) -> A.PathSearch:
        return self._path("K_PATHS", items, 1, "K_PATHS only has one return variable")

    def for_allshortest(self, items: list[Any]) -> A.PathSearch:
        return self._path(
            "ALL_SHORTEST_PATHS", items, 1, "ALL_SHORTEST_PATHS only has one return variable"
        )

    # ---------------------------------------------------------- simple statements
    def let_stmt(self, items: list[Any]) -> list[A.Node]:
        return [x for x in items if not isinstance(x, Token)]

    def let_elem(self, items: list[Any]) -> A.Let:
        return A.Let(items[0].value, items[2])

    def destr_slot(self, items: list[Token]) -> str | None:
        return items[0].value if items else None

    def destr_arr(self, items: list[Any]) -> list[str | None]:
        return [x for x in items if not isinstance(x, Token)]

    def let_destructure_array(self, items: list[Any]) -> A.LetDestructure:
        targets: list[tuple[str | int, str | None]] = [
            (i, name) for i, name in enumerate(items[1]) if name is not None
        ]
        return A.LetDestructure("array", targets, items[4])

    def destr_obj_elem(self, items: list[Token]) -> tuple[str, str]:
        if len(items) == 1:
            return items[0].value, items[0].value
        return items[0].value, items[2].value

    def destr_obj(self, items: list[Any]) -> list[tuple[str, str]]:
        return [x for x in items if not isinstance(x, Token)]

    def let_destructure_object(self, items: list[Any]) -> A.LetDestructure:
        return A.LetDestructure("object", list(items[1]), items[4])

    def filter_stmt(self, items: list[Any]) -> A.Filter:
        return A.Filter(items[1])

    def sort_stmt(self, items: list[Any]) -> A.Sort:
        return A.Sort([x for x in items if isinstance(x, tuple)])

    def sort_elem(self, items: list[Any]) -> tuple[A.Expr, A.Expr]:
        return items[0], items[1] if len(items) > 1 else A.Const(True)

    def sort_dir(self, items: list[Token]) -> A.Expr:
        tok = items[0]
        kinds = {"ASC": True, "DESC": False, "NULL": None, "TRUE": True, "FALSE": False}
        if tok.type in kinds:
            return A.Const(kinds[tok.type])
        if tok.type in ("PARAM", "DSPARAM"):
            return A.Param(tok.value)
        return A.Const(tok.value)

    def limit_stmt(self, items: list[Any]) -> A.Limit:
        if len(items) == 2:
            return A.Limit(A.Const(0), items[1])
        return A.Limit(items[1], items[3])

    def return_plain(self, items: list[Any]) -> A.Return:
        return A.Return(items[1])

    def return_distinct(self, items: list[Any]) -> A.Return:
        return A.Return(items[2], True, token_pos(items[1]))

    # ---------------------------------------------------------- COLLECT / WINDOW
    def assign(self, items: list[Any]) -> tuple[str, A.Expr]:
        return items[0].value, items[2]

    def collect_list(self, items: list[Any]) -> list[tuple[str, A.Expr]]:
        return [x for x in items if isinstance(x, tuple)]

    def count_into(self, items: list[Token]) -> str:
        if items[1].value.upper() != "COUNT":
            raise ParseError(
                f"unexpected qualifier '{items[1].value}', expecting 'COUNT'", token_pos(items[1])
            )
        return str(items[3].value)

    def collect_into(self, items: list[Any]) -> tuple[str, A.Expr | None]:
        return items[1].value, items[3] if len(items) > 2 else None

    def keep(self, items: list[Token]) -> list[str]:
        if items[0].value.upper() != "KEEP":
            raise ParseError(
                f"unexpected qualifier '{items[0].value}', expecting 'KEEP'", token_pos(items[0])
            )
        return [t.value for t in items[1:] if t.type == "NAME"]

    def agg_elem(self, items: list[Any]) -> tuple[str, A.Call]:
        name, pos = items[2]
        args = items[4] if len(items) > 5 else []
        return items[0].value, A.Call(name, args, pos)

    def aggregate(self, items: list[Any]) -> list[tuple[str, A.Call]]:
        return [x for x in items if isinstance(x, tuple)]

    def options(self, items: list[Any]) -> A.ObjectLit:
        word: Token = items[0]
        if word.value.upper() != "OPTIONS":
            raise ParseError(
                f"unexpected qualifier '{word.value}', expecting 'OPTIONS'", token_pos(word)
            )
        return _options(items[1], word)

    def _collect(
        self,
        items: list[Any],
        groups: list[tuple[str, A.Expr]],
        aggregates: list[tuple[str, A.Call]],
        count: str | None = None,
        keep: list[str] | None = None,
    ) -> A.Collect:
        into = into_expr = None
        options = None
        for it in items:
            if (
                isinstance(it, tuple)
                and len(it) == 2
                and isinstance(it[0], str)
                and (it[1] is None or isinstance(it[1], A.Expr))
            ):
                into, into_expr = it
            elif isinstance(it, A.ObjectLit):
                options = it
        return A.Collect(
            groups, aggregates, into, into_expr, keep, count, options, token_pos(items[0])
        )

    def collect_count(self, items: list[Any]) -> A.Collect:
        options = items[2] if len(items) > 2 else None
        return A.Collect([], [], None, None, None, items[1], options, token_pos(items[0]))

    def collect_groups_count(self, items: list[Any]) -> A.Collect:
        return A.Collect(
            items[1],
            [],
            None,
            None,
            None,
            items[2],
            items[3] if len(items) > 3 else None,
            token_pos(items[0]),
        )

    def collect_aggregate(self, items: list[Any]) -> A.Collect:
        return self._collect([items[0], *items[2:]], [], items[1])

    def collect_groups_aggregate(self, items: list[Any]) -> A.Collect:
        return self._collect([items[0], *items[3:]], items[1], items[2])

    def collect_groups(self, items: list[Any]) -> A.Collect:
        return self._collect([items[0], *items[2:]], items[1], [])

    def collect_groups_keep(self, items: list[Any]) -> A.Collect:
        keep = next(x for x in items[2:] if isinstance(x, list))
        rest = [x for x in items[2:] if not isinstance(x, list)]
        if not any(isinstance(x, tuple) for x in rest):
            raise ParseError("use of 'KEEP' without 'INTO'", token_pos(items[0]))
        return self._collect([items[0], *rest], items[1], [], keep=keep)

    def window_rows(self, items: list[Any]) -> A.Window:
        return A.Window(_window_spec(items[1], items[0]), None, items[2])

    def window_range(self, items: list[Any]) -> A.Window:
        return A.Window(_window_spec(items[3], items[0]), items[1], items[4])

    # ---------------------------------------------------------- modifications
    def coll_name(self, items: list[Token]) -> A.Expr:
        tok = items[0]
        if tok.type == "DSPARAM":
            return A.Param(tok.value, True)
        return A.Const(tok.value)

    def into_coll(self, items: list[Any]) -> tuple[str, A.Expr]:
        return ("INTO", items[1])

    @staticmethod
    def _target(items: list[Any], first: int) -> tuple[A.Expr, A.Expr, A.ObjectLit | None]:
        """(expression, collection, options) from ``expr [INTO coll] [OPTIONS {..}]``."""
        expr = items[first]
        coll = None
        options = None
        for it in items[first + 1 :]:
            if isinstance(it, tuple):
                coll = it[1]
            elif isinstance(it, A.ObjectLit):
                options = it
        if coll is None:
            expr, coll = _split_in(expr, items[0])
        return expr, coll, options

    def remove_stmt(self, items: list[Any]) -> A.Modify:
        key, coll, opts = self._target(items, 1)
        return A.Modify("REMOVE", key, None, coll, opts)

    def insert_stmt(self, items: list[Any]) -> A.Modify:
        doc, coll, opts = self._target(items, 1)
        return A.Modify("INSERT", None, doc, coll, opts)

    def update_doc(self, items: list[Any]) -> A.Modify:
        doc, coll, opts = self._target(items, 1)
        return A.Modify("UPDATE", None, doc, coll, opts)

    def update_key(self, items: list[Any]) -> A.Modify:
        doc, coll, opts = self._target(items, 3)
        return A.Modify("UPDATE", items[1], doc, coll, opts)

    def replace_doc(self, items: list[Any]) -> A.Modify:
        doc, coll, opts = self._target(items, 1)
        return A.Modify("REPLACE", None, doc, coll, opts)

    def replace_key(self, items: list[Any]) -> A.Modify:
        doc, coll, opts = self._target(items, 3)
        return A.Modify("REPLACE", items[1], doc, coll, opts)

    def upsert_input(self, items: list[Any]) -> A.Expr:
        it = items[0]
        if isinstance(it, Token):
            return A.Param(it.value)
        return it  # type: ignore[no-any-return]

    def upsert_kind(self, items: list[Token]) -> bool:
        return items[0].type == "REPLACE"

    def upsert_search(self, items: list[Any]) -> A.Upsert:
        update, coll, opts = self._target(items, 5)
        return A.Upsert(items[1], None, 0, items[3], update, items[4], coll, opts)

    def upsert_filter(self, items: list[Any]) -> A.Upsert:
        update, coll, opts = self._target(items, 6)
        return A.Upsert(None, items[2], 0, items[4], update, items[5], coll, opts)

    # ---------------------------------------------------------- expressions
    def ternary_op(self, items: list[Any]) -> A.Expr:
        return A.Ternary(items[0], items[2], items[4])

    def ternary_short(self, items: list[Any]) -> A.Expr:
        return A.Ternary(items[0], None, items[3])

    def logical_or(self, items: list[Any]) -> A.Expr:
        return A.Logical("OR", items[0], items[2])

    def logical_and(self, items: list[Any]) -> A.Expr:
        return A.Logical("AND", items[0], items[2])

    def eq_op(self, items: list[Token]) -> str:
        return str(items[0].type)

    eq_cmp = in_op = cmp_op = add_op = mul_op = eq_op

    def binary(self, items: list[Any]) -> A.Expr:
        left, op, right = items
        if op == "LIKE":
            return A.Call("LIKE", [left, right])
        if op == "REGEX_MATCH":
            return A.Call("REGEX_TEST", [left, right])
        if op == "REGEX_NON_MATCH":
            return A.Unary("!", A.Call("REGEX_TEST", [left, right]))
        return A.Binary(_OPS[op], left, right)

    def not_like(self, items: list[Any]) -> A.Expr:
        return A.Unary("!", A.Call("LIKE", [items[0], items[3]]))

    def not_regex(self, items: list[Any]) -> A.Expr:
        return A.Unary("!", A.Call("REGEX_TEST", [items[0], items[3]]))

    def not_not_regex(self, items: list[Any]) -> A.Expr:
        return A.Call("REGEX_TEST", [items[0], items[3]])

    def quantified(self, items: list[Any]) -> A.Expr:
        left, quant, op, right = items
        return A.Quantified(quant.value.upper(), None, _OPS[op], left, right)

    def at_least(self, items: list[Any]) -> A.Expr:
        return A.Quantified("AT LEAST", items[3], _OPS[items[5]], items[0], items[6])

    def range(self, items: list[Any]) -> A.Expr:
        return A.Range(items[0], items[2])

    def unary_op(self, items: list[Any]) -> A.Expr:
        op = {"PLUS": "+", "MINUS": "-", "NOT": "!"}[items[0].type]
        operand = items[1]
        if op != "!" and isinstance(operand, A.Const) and _is_num(operand.value):
            return A.Const(-operand.value if op == "-" else operand.value)
        return A.Unary(op, operand)

    # postfix
    def attr(self, items: list[Any]) -> A.Expr:
        return _chain(items[0], lambda base: A.Attr(base, items[2].value))

    def attr_param(self, items: list[Any]) -> A.Expr:
        return _chain(items[0], lambda base: A.Attr(base, A.Param(items[2].value)))

    def index(self, items: list[Any]) -> A.Expr:
        return _chain(items[0], lambda base: A.Index(base, items[2]))

    def qmarks(self, items: list[Token]) -> int:
        return len(items)

    stars = qmarks

    def afilter_plain(self, items: list[Any]) -> tuple[Any, ...]:
        return ("ANY", None, items[1], False)

    def afilter_quant(self, items: list[Any]) -> tuple[Any, ...]:
        return (items[0], None, items[2], True)

    def afilter_atleast(self, items: list[Any]) -> tuple[Any, ...]:
        return ("AT LEAST", items[2], items[5], True)

    def afilter_expr(self, items: list[Any]) -> tuple[Any, ...]:
        return ("RANGE", items[0], items[2], True)

    def quantifier(self, items: list[Token]) -> str:
        return str(items[0].type)

    def array_limit(self, items: list[Any]) -> tuple[A.Expr | None, A.Expr]:
        if len(items) == 2:
            return None, items[1]
        return items[1], items[3]

    def array_return(self, items: list[Any]) -> A.Expr:
        return items[1]  # type: ignore[no-any-return]

    def question(self, items: list[Any]) -> A.Expr:
        source, marks = items[0], items[2]
        filt = next((x for x in items[3:] if isinstance(x, tuple)), None)
        if marks > 1 and isinstance(source, A.Expansion):
            source = A.Passthru(source)
        ident = next(self.ids)
        if filt is None:
            quant, count, cond = "ANY", None, None
        else:
            quant, count, cond, _ = filt
        inner = source.rest if isinstance(source, A.Expansion) else source
        q = A.Question(ident, inner, quant, count, cond)
        if isinstance(source, A.Expansion):
            return _replace_rest(source, q)
        return q

    def expand(self, items: list[Any]) -> A.Expr:
        source, levels = items[0], items[2]
        filt = limit = proj = None
        for x in items[3:]:
            if isinstance(x, tuple) and len(x) == 4:
                filt = x
            elif isinstance(x, tuple):
                limit = x
            elif isinstance(x, A.Expr):
                proj = x
        if filt is not None and filt[3]:
            raise ParseError(
                "unexpected quantifier value found for array expansion operation.",
                token_pos(items[1]),
            )
        if levels > 1 and isinstance(source, A.Expansion):
            source = A.Passthru(source)
        ident = next(self.ids)
        if isinstance(source, A.Expansion):
            inner = A.Expansion(
                ident, levels, source.rest, A.Current(ident), filt[2] if filt else None, limit, proj
            )
            return _replace_rest(source, inner)
        return A.Expansion(
            ident, levels, source, A.Current(ident), filt[2] if filt else None, limit, proj
        )

    # primaries
    def name(self, items: list[Token]) -> A.Expr:
        return A.Name(items[0].value, token_pos(items[0]))

    def string(self, items: list[Token]) -> A.Expr:
        return A.Const(items[0].value)

    number = string

    def null(self, items: list[Token]) -> A.Expr:
        return A.Const(None)

    def true(self, items: list[Token]) -> A.Expr:
        return A.Const(True)

    def false(self, items: list[Token]) -> A.Expr:
        return A.Const(False)

    def param(self, items: list[Token]) -> A.Expr:
        return A.Param(items[0].value)

    def dsparam(self, items: list[Token]) -> A.Expr:
        return A.Param(items[0].value, True)

    def paren(self, items: list[Any]) -> A.Expr:
        inner = items[1]
        if isinstance(inner, A.Expansion):
            return A.Passthru(inner)
        return inner  # type: ignore[no-any-return]

    def subquery(self, items: list[Any]) -> A.Expr:
        return A.Subquery(items[1])

    def subquery_arg(self, items: list[Any]) -> A.Expr:
        return A.Subquery(items[0])

    def fname(self, items: list[Token]) -> tuple[str, A.Pos]:
        names = [t.value for t in items if t.type == "NAME"]
        return "::".join(names).upper(), token_pos(items[0])

    def args(self, items: list[Any]) -> list[A.Expr]:
        return [x for x in items if not isinstance(x, Token)]

    def fcall(self, items: list[Any]) -> A.Expr:
        name, pos = items[0]
        args = items[2] if len(items) > 3 else []
        return A.Call(name, args, pos)

    def like_call(self, items: list[Any]) -> A.Expr:
        args = items[2] if len(items) > 3 else []
        return A.Call("LIKE", args, token_pos(items[0]))

    def array(self, items: list[Any]) -> A.Expr:
        return A.ArrayLit([x for x in items if not isinstance(x, Token)])

    def object(self, items: list[Any]) -> A.Expr:
        return A.ObjectLit([x for x in items if not isinstance(x, Token)])

    def obj_shorthand(self, items: list[Token]) -> tuple[str, A.Expr]:
        return items[0].value, A.Name(items[0].value, token_pos(items[0]))

    def spread(self, items: list[Any]) -> A.Expr:
        return A.Spread(items[1])

    def obj_spread(self, items: list[Any]) -> tuple[A.Expr, A.Expr]:
        return A.Spread(items[1]), A.Const(None)

    def obj_named(self, items: list[Any]) -> tuple[str, A.Expr]:
        return items[0].value, items[2]

    def obj_param(self, items: list[Any]) -> tuple[A.Expr, A.Expr]:
        return A.Param(items[0].value), items[2]

    def obj_dsparam(self, items: list[Any]) -> tuple[A.Expr, A.Expr]:
        raise ArangoError(
            1553, f"bind parameter '@{items[0].value}' has an invalid value or type", 400
        )

    def obj_computed(self, items: list[Any]) -> tuple[A.Expr, A.Expr]:
        return items[1], items[4]


_OPS = {
    "EQ": "==",
    "NE": "!=",
    "LT": "<",
    "GT": ">",
    "LE": "<=",
    "GE": ">=",
    "IN": "IN",
    "NOT_IN": "NOT IN",
    "PLUS": "+",
    "MINUS": "-",
    "TIMES": "*",
    "DIV": "/",
    "MOD": "%",
}


def _is_num(v: Any) -> bool:
    return type(v) in (int, float)


def _chain(base: A.Expr, make: Any) -> A.Expr:
    """Attribute/index access after an expansion applies to each element (grammar.y rule)."""
    if isinstance(base, A.Expansion):
        return _replace_rest(
            base,
            make(base.rest) if not isinstance(base.rest, A.Expansion) else _chain(base.rest, make),
        )
    return make(base)  # type: ignore[no-any-return]


def _replace_rest(exp: A.Expansion, rest: A.Expr) -> A.Expansion:
    return A.Expansion(
        exp.ident, exp.levels, exp.source, rest, exp.filter, exp.limit, exp.projection
    )


def _split_in(expr: A.Expr, keyword: Token) -> tuple[A.Expr, A.Expr]:
    """Split ``x IN coll`` at the end of a modification's expression into (x, coll)."""
    if isinstance(expr, A.Binary) and expr.op == "IN":
        target = _collection_target(expr.right)
        if target is not None:
            return expr.left, target
    rebuilt: A.Expr | None = None
    if isinstance(expr, A.Binary) and expr.op in ("==", "!=", "IN", "NOT IN"):
        inner, coll = _split_in(expr.right, keyword)
        rebuilt = A.Binary(expr.op, expr.left, inner)
    elif isinstance(expr, A.Logical):
        inner, coll = _split_in(expr.right, keyword)
        rebuilt = A.Logical(expr.op, expr.left, inner)
    elif isinstance(expr, A.Ternary):
        inner, coll = _split_in(expr.otherwise, keyword)
        rebuilt = A.Ternary(expr.cond, expr.then, inner)
    elif isinstance(expr, A.Quantified):
        inner, coll = _split_in(expr.right, keyword)
        rebuilt = A.Quantified(expr.quantifier, expr.count, expr.op, expr.left, inner)
    if rebuilt is None:
        raise ParseError(
            f"syntax error, unexpected {NICE.get(keyword.type, keyword.type)}, "
            "expecting IN keyword or INTO keyword",
            token_pos(keyword),
        )
    return rebuilt, coll


def _collection_target(expr: A.Expr) -> A.Expr | None:
    if isinstance(expr, A.Name):
        return A.Const(expr.name)
    if isinstance(expr, A.Const) and isinstance(expr.value, str):
        return expr
    if isinstance(expr, A.Param) and expr.datasource:
        return expr
    return None


def _options(expr: A.Expr, word: Token) -> A.ObjectLit:
    if not isinstance(expr, A.ObjectLit):
        raise ParseError("'OPTIONS' have to be an object", token_pos(word))
    return expr


def _window_spec(expr: A.Expr, kw: Token) -> A.ObjectLit:
    if not isinstance(expr, A.ObjectLit):
        raise ParseError("'OPTIONS' have to be an object", token_pos(kw))
    if not expr.items:
        raise ParseError(
            "At least one WINDOW bound must be specified ('preceding'/'following')", token_pos(kw)
        )
    seen: set[str] = set()
    for key, _ in expr.items:
        if key not in ("preceding", "following"):
            raise ParseError(
                f"Invalid WINDOW attribute '{key}'; "
                'only "preceding" and "following" are supported',
                token_pos(kw),
            )
        if key in seen:
            raise ParseError(f"WINDOW attribute '{key}' is specified multiple times", token_pos(kw))
        seen.add(str(key))
    return expr
