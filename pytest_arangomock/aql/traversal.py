"""Graph traversals (``FOR v, e, p IN min..max DIR start GRAPH g``) and path searches
(SHORTEST_PATH, K_SHORTEST_PATHS, K_PATHS, ALL_SHORTEST_PATHS) over edge indexes.

Edges come from the EdgeIndex of each edge collection (``outbound``/``inbound``), in index
order, so the default depth-first traversal visits vertices in ArangoDB's order.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from ..base.errors import ArangoError
from ..base.values import to_bool
from ..state.graphs import get_graph
from . import ast as A
from .operators import to_int64
from .scope import Fn, Level, Row, Scope, Stage

Doc = dict[str, Any]
Step = tuple[Doc, str]  # (edge, id of the vertex it leads to)


class EdgeSource:
    """The edge collections of a traversal with their directions and option filters."""

    def __init__(
        self,
        compiler: Scope,
        graph: A.GraphSpec,
        direction: str,
        options: dict[str, Any],
    ) -> None:
        ctx = compiler.ctx
        self.db = ctx.db
        self.stats = ctx.stats
        pairs: list[tuple[Any, str]] = []
        if graph.graph is not None:
            name = compiler.expr(graph.graph, {})([])
            if not isinstance(name, str):
                raise ArangoError(1553, "bind parameter has an invalid value or type", 400)
            definition = get_graph(self.db, name)
            if definition is None:
                raise ArangoError(1924, f"graph '{name}' not found", 404)
            # a named graph's edge collections come from a sorted set (Graph::edgeCollections)
            names = sorted({ed["collection"] for ed in definition.get("edgeDefinitions") or []})
            pairs.extend((ctx.collection(name), direction) for name in names)
        else:
            for override, name_expr in graph.collections:
                cname = compiler.collection_name(name_expr)
                coll = ctx.collection(cname)
                if not coll.is_edge:
                    raise ArangoError(
                        1218,
                        f"collection type invalid for collection '{cname}': expecting "
                        "collection type 'edge'",
                        400,
                    )
                pairs.append((coll, override or direction))
        allowed = options.get("edgeCollections")
        if isinstance(allowed, str):
            allowed = [allowed]
        if isinstance(allowed, list) and allowed:
            pairs = [(c, d) for c, d in pairs if c.name in allowed]
        self.pairs = pairs
        vertex_colls = options.get("vertexCollections")
        if isinstance(vertex_colls, str):
            vertex_colls = [vertex_colls]
        self.vertex_collections: set[str] | None = (
            set(vertex_colls) if isinstance(vertex_colls, list) and vertex_colls else None
        )

    def steps(self, vid: str, reverse: bool = False) -> list[Step]:
        out: list[Step] = []
        for coll, direction in self.pairs:
            index = coll.edge_index
            if index is None:
                continue
            if reverse:
                direction = {"OUTBOUND": "INBOUND", "INBOUND": "OUTBOUND"}.get(direction, direction)
            if direction in ("OUTBOUND", "ANY"):
                out.extend((e, e.get("_to")) for e in index.outbound(vid))
            if direction in ("INBOUND", "ANY"):
                out.extend((e, e.get("_from")) for e in index.inbound(vid))
        self.stats["scannedIndex"] += len(out)
        if self.vertex_collections is not None:
            out = [s for s in out if str(s[1]).split("/", 1)[0] in self.vertex_collections]
        return out

    def vertex(self, vid: str) -> Doc | None:
        cname, _, key = vid.partition("/")
        coll = self.db.get_collection(cname)
        if coll is None:
            return None
        return coll.docs.get(key)  # type: ignore[no-any-return]


def vertex_id(ctx: Any, value: Any) -> str | None:
    """The id a start/target value names, or None (with ArangoDB's warning)."""
    if isinstance(value, dict):
        value = value.get("_id")
    if isinstance(value, str) and "/" in value:
        return value
    ctx.warn(10, "Invalid input for traversal: Only id strings or objects with _id are allowed")
    return None


def _weight(edge: Doc, attribute: str | None, default: Any) -> float:
    if attribute is None:
        return 1.0
    w = edge.get(attribute, default)
    if type(w) not in (int, float):
        w = default
    if type(w) not in (int, float):
        return 1.0
    if w < 0:
        raise ArangoError(1, "negative weights not allowed", 400)
    return float(w)


def compile_graph(compiler: Scope, st: Any, level: Level) -> Stage:
    if isinstance(st, A.Traversal):
        return _traversal(compiler, st, level)
    return _path_search(compiler, st, level)


def _depths(
    compiler: Scope, low: A.Expr | None, high: A.Expr | None, vars: dict[str, int]
) -> tuple[Fn, Fn]:
    lf = compiler.expr(low, vars) if low is not None else (lambda r: 1)
    hf = compiler.expr(high, vars) if high is not None else (lambda r: 1)
    return (lambda r: to_int64(lf(r))), (lambda r: to_int64(hf(r)))


# ------------------------------------------------------------------ traversal
def _traversal(compiler: Scope, st: A.Traversal, level: Level) -> Stage:
    vars = level.vars
    options = compiler.options(st.options, vars)
    source = EdgeSource(compiler, st.graph, st.direction, options)
    start_fn = compiler.expr(st.start, vars)
    min_fn, max_fn = _depths(compiler, st.min_depth, st.max_depth, vars)
    order = options.get("order")
    if order not in ("bfs", "dfs", "weighted"):
        order = "bfs" if options.get("bfs") else "dfs"
    unique_vertices = options.get("uniqueVertices", "none")
    unique_edges = options.get("uniqueEdges", "path")
    weight_attr = (
        options.get("weightAttribute") if isinstance(options.get("weightAttribute"), str) else None
    )
    default_weight = options.get("defaultWeight", 1)
    weighted = order == "weighted"
    slots = [compiler.declare(level, name) for name in st.vars]
    v_slot = slots[0]
    e_slot = slots[1] if len(slots) > 1 else None
    p_slot = slots[2] if len(slots) > 2 else None
    prune_slot_needed = st.prune is not None
    prune_fn = compiler.expr(st.prune, level.vars) if st.prune is not None else None
    ctx = compiler.ctx

    def path_obj(edges: list[Doc], verts: list[Doc | None], weights: list[float] | None) -> Doc:
        p: Doc = {"edges": list(edges), "vertices": list(verts)}
        if weights is not None:
            p["weights"] = [_num(w) for w in weights]
        return p

    def emit(r: Row, edges: list[Doc], verts: list[Doc | None], weights: list[float] | None) -> Row:
        out = r.copy()
        out[v_slot] = verts[-1]
        if e_slot is not None:
            out[e_slot] = edges[-1] if edges else None
        if p_slot is not None:
            out[p_slot] = path_obj(edges, verts, weights)
        return out

    def pruned(
        out: Row, edges: list[Doc], verts: list[Doc | None], weights: list[float] | None
    ) -> bool:
        if prune_fn is None:
            return False
        if p_slot is None:
            pass
        return to_bool(prune_fn(out))

    def run(r: Row) -> Iterator[Row]:
        vid = vertex_id(ctx, start_fn(r))
        if vid is None:
            return
        lo, hi = min_fn(r), max_fn(r)
        start_doc = source.vertex(vid)
        visited: set[str] = {vid}
        # state: (vertex id, edges, vertex docs, vertex ids, edge ids, weights)
        init: tuple[Any, ...] = (vid, [], [start_doc], [vid], [], [0.0] if weighted else None)

        def expand(state: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            cur, edges, verts, vids, eids, weights = state
            out = []
            for edge, nxt in source.steps(cur):
                if not isinstance(nxt, str):
                    continue
                if unique_edges == "path" and edge.get("_id") in eids:
                    continue
                if unique_vertices == "path" and nxt in vids:
                    continue
                if unique_vertices == "global":
                    if nxt in visited:
                        continue
                    visited.add(nxt)
                w = None
                if weights is not None:
                    w = [*weights, weights[-1] + _weight(edge, weight_attr, default_weight)]
                out.append(
                    (
                        nxt,
                        [*edges, edge],
                        [*verts, source.vertex(nxt)],
                        [*vids, nxt],
                        [*eids, edge.get("_id")],
                        w,
                    )
                )
            return out

        def visit(state: tuple[Any, ...]) -> tuple[Row | None, bool]:
            """(row to emit or None, whether to expand further)."""
            _, edges, verts, _, _, weights = state
            depth = len(edges)
            row = emit(r, edges, verts, weights) if (depth >= lo or prune_slot_needed) else None
            stop = row is not None and pruned(row, edges, verts, weights)
            return (row if depth >= lo else None), (not stop and depth < hi)

        if order == "dfs":
            stack = [init]
            while stack:
                state = stack.pop()
                row, go = visit(state)
                if row is not None:
                    yield row
                if go:
                    stack.extend(expand(state))  # the last edge is expanded first
        elif order == "bfs":
            queue = deque([init])
            while queue:
                state = queue.popleft()
                row, go = visit(state)
                if row is not None:
                    yield row
                if go:
                    queue.extend(expand(state))
        else:
            counter = itertools.count()
            heap = [(0.0, next(counter), init)]
            while heap:
                _, _, state = heapq.heappop(heap)
                row, go = visit(state)
                if row is not None:
                    yield row
                if go:
                    for nxt_state in expand(state):
                        heapq.heappush(heap, (nxt_state[5][-1], next(counter), nxt_state))

    def stage(rows: Iterable[Row]) -> Iterator[Row]:
        for r in rows:
            yield from run(r)

    return stage


def _num(w: float) -> float | int:
    return int(w) if w == int(w) else w


# ------------------------------------------------------------------ path searches
def _path_search(compiler: Scope, st: A.PathSearch, level: Level) -> Stage:
    vars = level.vars
    options = compiler.options(st.options, vars)
    source = EdgeSource(compiler, st.graph, st.direction, options)
    start_fn = compiler.expr(st.start, vars)
    target_fn = compiler.expr(st.target, vars)
    if st.kind == "K_PATHS":
        min_fn, max_fn = _depths(compiler, st.min_depth, st.max_depth, vars)
    else:
        min_fn, max_fn = (lambda r: 0), (lambda r: 1 << 62)
    weight_attr = (
        options.get("weightAttribute") if isinstance(options.get("weightAttribute"), str) else None
    )
    default_weight = options.get("defaultWeight", 1)
    slots = [compiler.declare(level, name) for name in st.vars]
    ctx = compiler.ctx
    kind = st.kind

    def weight(edge: Doc) -> float:
        return _weight(edge, weight_attr, default_weight)

    def run(r: Row) -> Iterator[Row]:
        start = vertex_id(ctx, start_fn(r))
        target = vertex_id(ctx, target_fn(r))
        if start is None or target is None:
            return
        if kind == "SHORTEST_PATH":
            found = _shortest(source, start, target, weight)
            if found is None:
                return
            edges, vids = found
            for i, vid in enumerate(vids):
                out = r.copy()
                out[slots[0]] = source.vertex(vid)
                if len(slots) > 1:
                    out[slots[1]] = edges[i - 1] if i > 0 else None
                yield out
            return
        if kind == "ALL_SHORTEST_PATHS":
            paths: Iterable[tuple[list[Doc], list[str], float]] = _all_shortest(
                source, start, target
            )
        elif kind == "K_PATHS":
            lo, hi = min_fn(r), max_fn(r)
            paths = _k_paths(source, start, target, lo, hi)
        else:
            paths = _k_shortest(source, start, target, weight)
        for edges, vids, total in paths:
            out = r.copy()
            p: Doc = {"edges": edges, "vertices": [source.vertex(v) for v in vids]}
            if kind == "K_SHORTEST_PATHS":
                p["weight"] = _num(total)
            out[slots[0]] = p
            yield out

    def stage(rows: Iterable[Row]) -> Iterator[Row]:
        for r in rows:
            yield from run(r)

    return stage


def _shortest(
    source: EdgeSource, start: str, target: str, weight: Any
) -> tuple[list[Doc], list[str]] | None:
    """Dijkstra (BFS order for unit weights): edges and vertex ids of one shortest path."""
    counter = itertools.count()
    heap: list[tuple[float, int, str]] = [(0.0, next(counter), start)]
    best: dict[str, float] = {start: 0.0}
    prev: dict[str, tuple[str, Doc]] = {}
    done: set[str] = set()
    while heap:
        dist, _, cur = heapq.heappop(heap)
        if cur in done:
            continue
        done.add(cur)
        if cur == target:
            break
        for edge, nxt in source.steps(cur):
            if not isinstance(nxt, str) or nxt in done:
                continue
            nd = dist + weight(edge)
            if nxt not in best or nd < best[nxt]:
                best[nxt] = nd
                prev[nxt] = (cur, edge)
                heapq.heappush(heap, (nd, next(counter), nxt))
    if target not in done:
        return None
    vids = [target]
    edges: list[Doc] = []
    while vids[-1] != start:
        p, e = prev[vids[-1]]
        edges.append(e)
        vids.append(p)
    return edges[::-1], vids[::-1]


def _k_shortest(
    source: EdgeSource, start: str, target: str, weight: Any
) -> Iterator[tuple[list[Doc], list[str], float]]:
    """Simple paths from start to target in order of total weight (best-first search)."""
    counter = itertools.count()
    heap: list[tuple[float, int, int, str, list[Doc], list[str]]] = [
        (0.0, 0, next(counter), start, [], [start])
    ]
    while heap:
        total, hops, _, cur, edges, vids = heapq.heappop(heap)
        if cur == target:
            yield edges, vids, total
            continue
        for edge, nxt in source.steps(cur):
            if not isinstance(nxt, str) or nxt in vids:
                continue
            heapq.heappush(
                heap,
                (total + weight(edge), hops + 1, next(counter), nxt, [*edges, edge], [*vids, nxt]),
            )


def _k_paths(
    source: EdgeSource, start: str, target: str, lo: int, hi: int
) -> Iterator[tuple[list[Doc], list[str], float]]:
    """All simple paths with lo..hi edges, shortest first."""
    found: list[tuple[list[Doc], list[str], float]] = []

    def dfs(cur: str, edges: list[Doc], vids: list[str]) -> None:
        if cur == target and lo <= len(edges):
            found.append((list(edges), list(vids), float(len(edges))))
        if len(edges) >= hi:
            return
        for edge, nxt in source.steps(cur):
            if not isinstance(nxt, str) or nxt in vids:
                continue
            edges.append(edge)
            vids.append(nxt)
            dfs(nxt, edges, vids)
            edges.pop()
            vids.pop()

    dfs(start, [], [start])
    found.sort(key=lambda item: len(item[0]))
    yield from found


def _all_shortest(
    source: EdgeSource, start: str, target: str
) -> Iterator[tuple[list[Doc], list[str], float]]:
    """Every path with the minimal number of edges (BFS layers, then enumerate)."""
    if start == target:
        yield [], [start], 0.0
        return
    dist = {start: 0}
    parents: dict[str, list[tuple[str, Doc]]] = {}
    frontier = [start]
    while frontier and target not in dist:
        nxt_frontier: list[str] = []
        layer: dict[str, int] = {}
        for cur in frontier:
            for edge, nxt in source.steps(cur):
                if not isinstance(nxt, str):
                    continue
                if nxt in dist:
                    continue
                if nxt not in layer:
                    layer[nxt] = dist[cur] + 1
                    nxt_frontier.append(nxt)
                parents.setdefault(nxt, []).append((cur, edge))
        dist.update(layer)
        frontier = nxt_frontier
    if target not in dist:
        return

    def back(v: str) -> Iterator[tuple[list[Doc], list[str]]]:
        if v == start:
            yield [], [start]
            return
        for p, e in parents.get(v, []):
            for edges, vids in back(p):
                yield [*edges, e], [*vids, v]

    for edges, vids in back(target):
        yield edges, vids, float(len(edges))
