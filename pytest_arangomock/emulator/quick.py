"""Which AQL queries are answered on the caller's event loop instead of a worker thread.

Handing a request to a worker costs more than a small query itself (measured through
arangoasync: about 260 µs of a 470 µs primary-key lookup). A query is answered inline when
its last run on the same server was quick, it reads only, calls only deterministic
functions (no ``SLEEP``, no user functions) and is not a streaming cursor; one slow run
sends it back to the workers. Anything that waits (a query another request may kill, a
streaming cursor read batch by batch) thus still leaves the event loop free.
"""

from __future__ import annotations

from typing import Any

from ..aql import ast as A
from ..aql.parser import parse_query
from ..aql.plan import deterministic
from ..backend import BackendRequest
from ..base.errors import ArangoError
from .context import parse_body_ahead

__all__ = ["QUICK_SECONDS", "is_quick", "note"]

#: a run at most this long (wall time, seconds) lets the next run of the query go inline
QUICK_SECONDS = 0.001
_MAX_TEXTS = 512  # per server; the oldest entry goes first
_MAX_BODY = 16384  # larger bodies are left to the worker thread

#: the server's attribute holding its quick query texts (it goes with the server)
_QUICK = "_quick_queries"


def is_quick(server: Any, request: BackendRequest) -> bool:
    """Whether ``request`` creates a cursor for a query noted quick on ``server``."""
    texts: dict[str, None] | None = getattr(server, _QUICK, None)
    if not texts or request.method != "POST" or not request.path.endswith("/_api/cursor"):
        return False
    body = request.body
    if len(body) > _MAX_BODY:
        return False
    try:
        decoded = parse_body_ahead(request)  # the handler parses it no more
    except ArangoError:
        return False
    return isinstance(decoded, dict) and decoded.get("query") in texts


def note(server: Any, query: str, stream: bool, seconds: float) -> None:
    """Remember how the run of ``query`` went: quick and harmless, or not (its parse, from
    the parser's cache, is looked at only when the query is not known quick yet)."""
    texts: dict[str, None] | None = getattr(server, _QUICK, None)
    if texts is None:
        texts = {}
        setattr(server, _QUICK, texts)
    if seconds > QUICK_SECONDS or stream:
        texts.pop(query, None)
        return
    if query in texts:
        return
    ast = parse_query(query)
    if any(isinstance(n, (A.Modify, A.Upsert)) for n in A.walk(ast)) or not deterministic(ast):
        return
    if len(texts) >= _MAX_TEXTS:
        del texts[next(iter(texts))]
    texts[query] = None
