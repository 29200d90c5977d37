"""The route table: every ArangoDB route we know, emulated or not, in one place.

API modules declare their routes beside their handlers with :func:`route`; documented
operations that are not emulated yet are declared with :func:`not_emulated` and answer 501.
The same table generates the coverage page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..base.errors import ArangoError
from .documented import DOCUMENTED

if TYPE_CHECKING:
    from ..backend import BackendResponse
    from .context import Context

Handler = Callable[["Context"], "BackendResponse"]

# Access a route needs before its handler runs (the handler may check more itself).
PUBLIC = "public"  # no authentication at all
AUTH = "auth"  # any authenticated user
DB_RO = "db:ro"  # read access to the request's database
DB_RW = "db:rw"  # write access to the request's database
COL_RO = "col:ro"  # read access to the {collection} path parameter
COL_RW = "col:rw"  # write access to the {collection} path parameter
SYSTEM_RW = "sys:rw"  # administrative: write access to _system


@dataclass
class Route:
    method: str
    pattern: str
    handler: Handler | None
    area: str
    access: str = DB_RO
    summary: str = ""
    # False: the handler answers 501 (as a single ArangoDB server does for some cluster
    # or JavaScript operations); the coverage page counts the operation as not emulated
    emulated: bool = True
    segments: tuple[str, ...] = field(default=())
    param_positions: tuple[tuple[int, str], ...] = field(default=())
    #: whether the pattern's last segment is a parameter (``.../{key}``)
    last_is_param: bool = field(default=False)

    def __post_init__(self) -> None:
        self.segments = tuple(s for s in self.pattern.split("/") if s)
        # (position, name) of each ``{name}`` segment, so matching builds params directly
        self.param_positions = tuple(
            (i, seg[1:-1]) for i, seg in enumerate(self.segments) if seg.startswith("{")
        )
        last = len(self.segments) - 1
        self.last_is_param = bool(self.param_positions) and self.param_positions[-1][0] == last


ROUTES: list[Route] = []

# What ArangoDB's handler for a path prefix answers itself when no route covers a request's
# method and path shape (its ``execute`` sees every method and suffix below the prefix):
# (method, suffixes) -> the error to raise, or None for the generic 404/405.
HandlerErrors = Callable[[str, list[str]], "ArangoError | None"]
HANDLER_ERRORS: dict[tuple[str, ...], HandlerErrors] = {}


def handler_errors(prefix: str) -> Callable[[HandlerErrors], HandlerErrors]:
    """Declare the errors the ArangoDB handler registered for ``prefix`` answers itself."""

    def register(fn: HandlerErrors) -> HandlerErrors:
        HANDLER_ERRORS[tuple(s for s in prefix.split("/") if s)] = fn
        return fn

    return register


def handler_error(method: str, path: str) -> ArangoError | None:
    """The error the handler owning ``path`` (a path below any ``/_db/<name>``) answers for
    ``method`` when no route does, if that handler answers one of its own. Methods outside
    HTTP's usual six never reach a handler in ArangoDB."""
    if method not in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"):
        return None
    segments = [unquote(s) if "%" in s else s for s in path.split("/") if s]
    for n in range(len(segments), 0, -1):
        fn = HANDLER_ERRORS.get(tuple(segments[:n]))
        if fn is not None:
            return fn(method, segments[n:])
    return None


def route(
    method: str,
    pattern: str,
    *,
    area: str,
    access: str = DB_RO,
    summary: str = "",
    emulated: bool = True,
) -> Callable[[Handler], Handler]:
    """Declare ``method pattern`` (``{name}`` segments are path parameters) for a handler;
    ``emulated=False`` for a handler that only answers 501."""

    def register(fn: Handler) -> Handler:
        for m in method.split("|"):
            ROUTES.append(
                Route(
                    m,
                    pattern,
                    fn,
                    area,
                    access,
                    summary or (fn.__doc__ or "").strip().split("\n")[0],
                    emulated,
                )
            )
        return fn

    return register


def not_emulated(method: str, pattern: str, *, area: str, summary: str = "") -> None:
    """Declare a documented ArangoDB route that the emulator answers with 501."""
    for m in method.split("|"):
        ROUTES.append(Route(m, pattern, None, area, AUTH, summary))


class _Node:
    __slots__ = ("param", "routes", "static")

    def __init__(self) -> None:
        self.static: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.routes: dict[str, Route] = {}


# what a request path resolves to: (database, path below /_db/<database>, route, path
# parameters, whether the path is known for some method)
Located = tuple[str, str, "Route | None", dict[str, str], bool]


def split_database(path: str) -> tuple[str, str]:
    """``/_db/<name>/rest`` -> (``name`` URL-decoded, ``/rest``); other paths are ``_system``'s."""
    if not path.startswith("/_db/"):
        return "_system", path
    name, slash, tail = path[5:].partition("/")
    return (unquote(name) if "%" in name else name), ("/" + tail if slash else "/")


_Found = tuple[str, str, "Route | None", tuple[tuple[str, str], ...], bool]
_Head = tuple["_Node | None", tuple[str, ...]]
_WALK: _Head = (None, ())  # a head whose path the full walk must decide
_RECENT_PATHS = 1024  # at most this many remembered paths (all forgotten when full)


def _last_step(node: _Node, last: str) -> _Node | None:
    """The node a walk ends on from ``node`` over one final segment: its static child if
    that has routes, else the parameter child if that has routes (``Router._walk``'s order)."""
    child = node.static.get(last)
    if child is not None and child.routes:
        return child
    param = node.param
    if param is not None and param.routes:
        return param
    return None


class Router:
    """Segment trie over the route table: static segments win over parameters."""

    def __init__(self, routes: list[Route]) -> None:
        self.root = _Node()
        for r in routes:
            self._add(r)
        # recent (method, full path) -> what locate found: drivers send the same paths
        # again and again (a collection's documents, the cursor API); params as items,
        # so no caller ever shares a dict with another
        self._recent: dict[tuple[str, str], _Found] = {}
        # path without its last segment -> where the walk stands before that segment
        # (see _head), so a document path with a new key walks one segment, not four
        self._heads: dict[str, _Head] = {}

    def _add(self, r: Route) -> None:
        node = self.root
        for seg in r.segments:
            if seg.startswith("{") and seg.endswith("}"):
                if node.param is None:
                    node.param = _Node()
                node = node.param
            else:
                node = node.static.setdefault(seg, _Node())
        node.routes.setdefault(r.method, r)

    def locate(self, method: str, full_path: str) -> Located:
        """``(database, path below /_db/<database>, route, params, path_known)`` of a request
        path; see :meth:`match` for the last three."""
        found = self._recent.get((method, full_path))
        if found is None:
            db_name, path = split_database(full_path)
            r, params, known = self.match(method, path)
            if r is not None and r.last_is_param:
                # a path ending in a parameter (a document key) is mostly new each time:
                # remembering it would cost more than the match, which the head cache
                # already makes one step
                return db_name, path, r, params, known
            found = (db_name, path, r, tuple(params.items()), known)
            recent = self._recent
            if len(recent) >= _RECENT_PATHS:
                recent.clear()
            recent[method, full_path] = found
            return db_name, path, r, params, known
        return found[0], found[1], found[2], dict(found[3]), found[4]

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """Find the route for ``method path`` (a path below any ``/_db/<name>``).

        Returns ``(route, params, path_known)``; ``path_known`` tells a wrong method (405)
        from an unknown path (404). Parameter names come from the matched route's pattern.
        """
        head, _, last = path.rpartition("/")
        entry = self._heads.get(head) if last else _WALK
        if entry is None:
            entry = self._head(head)
        if entry is _WALK:
            segments = [s for s in path.split("/") if s]
            node = self._walk(self.root, segments, 0)
        else:
            before, head_segments = entry
            segments = [*head_segments, last]
            node = _last_step(before, last) if before is not None else None
        if node is None:
            return None, {}, False
        r = node.routes.get(method)
        if r is None and method == "HEAD":
            r = node.routes.get("GET")
        if r is None:
            return None, {}, True
        params = {}
        for i, name in r.param_positions:
            seg = segments[i]
            params[name] = unquote(seg) if "%" in seg else seg
        return r, params, True

    def _head(self, head: str) -> _Head:
        """Where a walk stands after the segments of ``head`` (None: nowhere, no route lies
        below it), with those segments, when no step on the way had a parameter beside a
        matching static segment: nothing to backtrack to, the last segment alone decides.
        ``_WALK`` otherwise: the full walk decides. Remembered per ``head``."""
        segments = tuple(head.split("/")[1:])
        entry: _Head = (self.root, segments)
        if (head and not head.startswith("/")) or "" in segments:
            entry = _WALK
        else:
            node = self.root
            for seg in segments:
                child, param = node.static.get(seg), node.param
                if child is not None and param is not None:
                    entry = _WALK  # a fork: a dead end on one side goes back to the other
                    break
                found = child if child is not None else param
                if found is None:
                    entry = (None, segments)
                    break
                node = found
            else:
                entry = (node, segments)
        heads = self._heads
        if len(heads) >= _RECENT_PATHS:
            heads.clear()
        heads[head] = entry
        return entry

    def _walk(self, node: _Node, segs: list[str], i: int) -> _Node | None:
        """The first node after ``segs[i:]`` that has routes, depth first: a static segment
        is tried before a parameter, and a static branch that leads nowhere backtracks to
        the parameter beside it (the most recent one first)."""
        n = len(segs)
        detours: list[tuple[_Node, int]] = []
        while True:
            if i < n:
                child = node.static.get(segs[i])
                param = node.param
                if child is not None:
                    if param is not None:
                        detours.append((param, i + 1))
                    node, i = child, i + 1
                    continue
                if param is not None:
                    node, i = param, i + 1
                    continue
            elif node.routes:
                return node
            if not detours:
                return None
            node, i = detours.pop()


def _strip_db(path: str) -> str:
    """A documented path without its fragment and ``/_db/{database-name}`` (or ``/_db/_system``)."""
    path = path.split("#", 1)[0]
    if path.startswith("/_db/"):
        _, _, rest = path[5:].partition("/")
        path = "/" + rest
    return path


def _shape(pattern: str) -> str:
    """A pattern with its parameter names erased, for comparing route templates."""
    pattern = _strip_db(pattern)
    return "/".join("{}" if seg.startswith("{") else seg for seg in pattern.split("/"))


def documented_operations() -> list[tuple[str, str, str, str]]:
    """ArangoDB's documented operations as (method, path without db prefix, tag, operationId)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for method, path, tag, op_id in DOCUMENTED:
        plain = _strip_db(path)
        if (method, plain) not in seen:
            seen.add((method, plain))
            out.append((method, plain, tag, op_id))
    return out


def complete_table(routes: list[Route]) -> list[Route]:
    """``routes`` plus a 501 entry for every documented operation that none of them covers."""
    have = {(r.method, _shape(r.pattern)) for r in routes}
    extra = []
    for method, path, tag, op_id in documented_operations():
        if (method, _shape(path)) not in have:
            have.add((method, _shape(path)))
            extra.append(Route(method, path, None, tag.lower().replace(" ", "-"), AUTH, op_id))
    return routes + extra


_API_PACKAGE = __name__.rpartition(".")[0] + ".api."


def handler_name(r: Route) -> str:
    """``module.function`` of the route's handler, the module relative to the API package."""
    if r.handler is None:
        return ""
    module = r.handler.__module__.removeprefix(_API_PACKAGE)
    return f"{module}.{r.handler.__name__}"


def is_emulated(method: str, path: str, routes: list[Route]) -> bool:
    """Whether some handler is registered for ``method path`` (of any route shape)."""
    shape = _shape(path)
    return any(r.method == method and _shape(r.pattern) == shape and r.handler for r in routes)


def describe_routes() -> list[dict[str, Any]]:
    """The route table as plain data (for the coverage page)."""
    return [
        {"method": r.method, "path": r.pattern, "area": r.area, "emulated": r.handler is not None}
        for r in ROUTES
    ]
