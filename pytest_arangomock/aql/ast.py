"""AQL abstract syntax tree: plain node classes the parser builds and the compiler consumes.

Nodes are immutable in spirit (the parse result is cached and shared between executions);
the compiler never changes them. ``pos`` is ``(line, column)`` (column 0-based, in bytes)
for errors ArangoDB reports with a position.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

Pos = tuple[int, int, int]  # line, column (0-based, bytes), byte offset


class Node:
    """Base class of every AST node."""

    __slots__ = ()


class Expr(Node):
    """Base class of expressions."""

    __slots__ = ()


@dataclass(eq=False)
class Const(Expr):
    value: Any


@dataclass(eq=False)
class Param(Expr):
    name: str
    datasource: bool = False  # @@name


@dataclass(eq=False)
class Name(Expr):
    """An identifier: a variable if one is in scope, else a collection (or view) name."""

    name: str
    pos: Pos | None = None


@dataclass(eq=False)
class Attr(Expr):
    obj: Expr
    name: str | Param  # a Param for ``.@name``


@dataclass(eq=False)
class Index(Expr):
    obj: Expr
    index: Expr


@dataclass(eq=False)
class ArrayLit(Expr):
    items: list[Expr]


@dataclass(eq=False)
class ObjectLit(Expr):
    items: list[tuple[str | Expr, Expr]]  # key: literal name or computed expression


@dataclass(eq=False)
class Unary(Expr):
    op: str  # "+", "-", "!"
    operand: Expr


@dataclass(eq=False)
class Binary(Expr):
    op: str  # "+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "IN", "NOT IN"
    left: Expr
    right: Expr


@dataclass(eq=False)
class Logical(Expr):
    op: str  # "AND" | "OR"
    left: Expr
    right: Expr


@dataclass(eq=False)
class Ternary(Expr):
    cond: Expr
    then: Expr | None  # None: shortcut ``cond ?: else``
    otherwise: Expr


@dataclass(eq=False)
class Range(Expr):
    low: Expr
    high: Expr


@dataclass(eq=False)
class Quantified(Expr):
    """``left ALL|ANY|NONE|AT LEAST (n) op right``."""

    quantifier: str  # "ALL" | "ANY" | "NONE" | "AT LEAST"
    count: Expr | None
    op: str
    left: Expr
    right: Expr


@dataclass(eq=False)
class Call(Expr):
    name: str  # upper case; user functions keep their ``::`` namespace
    args: list[Expr]
    pos: Pos | None = None


@dataclass(eq=False)
class Subquery(Expr):
    query: Query


@dataclass(eq=False)
class Current(Expr):
    """The element variable of an enclosing ``[*]``/``[?]`` (``CURRENT``)."""

    ident: int


@dataclass(eq=False)
class Expansion(Expr):
    """``source[* FILTER .. LIMIT .. RETURN ..]`` followed by a chain applied per element."""

    ident: int
    levels: int  # number of ``*``
    source: Expr
    rest: Expr  # expression of Current(ident): the attribute chain after the brackets
    filter: Expr | None = None
    limit: tuple[Expr | None, Expr] | None = None
    projection: Expr | None = None


@dataclass(eq=False)
class Question(Expr):
    """``source[? quantifier FILTER cond]``: a boolean over the array's elements."""

    ident: int
    source: Expr
    quantifier: str  # "ANY" | "ALL" | "NONE" | "AT LEAST" | "RANGE"
    count: Expr | None
    filter: Expr | None


@dataclass(eq=False)
class Spread(Expr):
    """``...expr`` inside an array or object literal (array/object spread)."""

    expr: Expr


@dataclass(eq=False)
class Passthru(Expr):
    """A parenthesised expansion: it ends the expansion chain."""

    expr: Expr


# ------------------------------------------------------------------- statements
@dataclass(eq=False)
class For(Node):
    var: str
    expr: Expr
    search: Expr | None
    options: ObjectLit | None
    pos: Pos | None = None


@dataclass(eq=False)
class GraphSpec(Node):
    graph: Expr | None  # graph name (Const or Param)
    collections: list[tuple[str | None, Expr]]  # (direction override, name Const or Param)


@dataclass(eq=False)
class Traversal(Node):
    vars: list[str]
    direction: str  # OUTBOUND | INBOUND | ANY
    min_depth: Expr
    max_depth: Expr
    start: Expr
    graph: GraphSpec
    prune: Expr | None
    prune_var: str | None
    options: ObjectLit | None


@dataclass(eq=False)
class PathSearch(Node):
    kind: str  # SHORTEST_PATH | K_SHORTEST_PATHS | K_PATHS | ALL_SHORTEST_PATHS
    vars: list[str]
    direction: str
    min_depth: Expr | None
    max_depth: Expr | None
    start: Expr
    target: Expr
    graph: GraphSpec
    options: ObjectLit | None


@dataclass(eq=False)
class Let(Node):
    var: str
    expr: Expr


@dataclass(eq=False)
class LetDestructure(Node):
    """``LET [a, , b] = expr`` / ``LET {a, b: c} = expr`` (3.12.2+)."""

    kind: str  # "array" | "object"
    targets: list[tuple[str | int, str | None]]  # (index or attribute, variable or None)
    expr: Expr


@dataclass(eq=False)
class Filter(Node):
    expr: Expr


@dataclass(eq=False)
class Collect(Node):
    groups: list[tuple[str, Expr]]
    aggregates: list[tuple[str, Call]]
    into: str | None
    into_expr: Expr | None
    keep: list[str] | None
    count_var: str | None
    options: ObjectLit | None
    pos: Pos | None = None


@dataclass(eq=False)
class Sort(Node):
    elements: list[tuple[Expr, Expr]]  # (expression, direction: Const(True)=ASC or any expr)


@dataclass(eq=False)
class Limit(Node):
    offset: Expr
    count: Expr


@dataclass(eq=False)
class Window(Node):
    spec: ObjectLit
    range_expr: Expr | None
    aggregates: list[tuple[str, Call]]


@dataclass(eq=False)
class Return(Node):
    expr: Expr
    distinct: bool = False
    pos: Pos | None = None


@dataclass(eq=False)
class Modify(Node):
    """INSERT / UPDATE / REPLACE / REMOVE."""

    op: str
    key: Expr | None  # UPDATE/REPLACE ``key WITH doc``; REMOVE's key expression
    doc: Expr | None
    collection: Expr  # Const(name) or Param(datasource)
    options: ObjectLit | None


@dataclass(eq=False)
class Upsert(Node):
    search: Expr | None  # object / bind parameter (classic form)
    filter: Expr | None  # UPSERT FILTER condition (CURRENT = candidate)
    filter_ident: int
    insert: Expr
    update: Expr
    replace: bool
    collection: Expr
    options: ObjectLit | None


@dataclass(eq=False)
class Query(Node):
    statements: list[Node] = field(default_factory=list)
    with_collections: list[Expr] = field(default_factory=list)
    # number literals the lexer found past a double's range (each is warning 1504)
    out_of_range: int = 0


# ------------------------------------------------------------------- helpers
def conjuncts(e: Expr) -> list[Expr]:
    """The operands of a chain of ``AND``s (the condition itself otherwise)."""
    if isinstance(e, Logical) and e.op == "AND":
        return conjuncts(e.left) + conjuncts(e.right)
    return [e]


def attr_path(e: Expr, var: str) -> str | None:
    """``"a.b"`` for ``var.a.b`` (plain attribute names only), else None."""
    parts: list[str] = []
    while isinstance(e, Attr) and isinstance(e.name, str):
        parts.append(e.name)
        e = e.obj
    if isinstance(e, Name) and e.name == var and parts:
        return ".".join(reversed(parts))
    return None


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    """The field names of an AST node class (``dataclasses.fields`` per node was the
    larger part of every walk of a tree)."""
    names = _FIELDS.get(kind)
    if names is None:
        names = tuple(f.name for f in fields(kind)) if is_dataclass(kind) else ()
        _FIELDS[kind] = names
    return names


def children(node: Any) -> list[Any]:
    """The nodes directly below ``node`` (inside lists and tuples of its fields too)."""
    out: list[Any] = []
    pending = [getattr(node, name) for name in _field_names(type(node))]
    while pending:
        value = pending.pop()
        if isinstance(value, Node):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            pending.extend(value)
    return out


def walk(node: Any) -> Iterator[Any]:
    """Every AST node below (and including) ``node``."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Node):
            yield n
            for name in _field_names(type(n)):
                stack.append(getattr(n, name))
        elif isinstance(n, (list, tuple)):
            stack.extend(n)


def names_used(expr: Any) -> set[str]:
    """The variable (and collection) names an expression mentions."""
    return {n.name for n in walk(expr) if isinstance(n, Name)}


def uses_current(e: Expr) -> bool:
    """Whether ``e`` reads ``CURRENT`` or runs a subquery (its value depends on the row)."""
    return any(isinstance(n, (Current, Subquery)) for n in walk(e))
