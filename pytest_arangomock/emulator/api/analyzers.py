"""The analyzers API (``/_api/analyzer``): create, list, read and remove analyzers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...base.errors import ArangoError
from ...state import analyzers as A
from ...state import views
from ..router import DB_RO, DB_RW, route

if TYPE_CHECKING:
    from ...backend import BackendResponse
    from ...state.model import Database
    from ..context import Context

AREA = "analyzer"


@route("POST", "/_api/analyzer", area=AREA, access=DB_RW)
def create_analyzer(ctx: Context) -> BackendResponse:
    """Create an analyzer (201), or 200 for an identical existing definition."""
    analyzer, created = A.create(ctx.db, ctx.body())
    return ctx.json(201 if created else 200, analyzer.describe())


@route("GET", "/_api/analyzer", area=AREA, access=DB_RO)
def list_analyzers(ctx: Context) -> BackendResponse:
    """Static analyzers, then the database's own, then those of _system."""
    return ctx.result([a.describe() for a in A.listed(ctx.db)])


@route("GET", "/_api/analyzer/{name}", area=AREA, access=DB_RO)
def get_analyzer(ctx: Context) -> BackendResponse:
    """One analyzer definition in the ``error``/``code`` envelope."""
    name = ctx.params["name"]
    full = A.normalize_name(name, ctx.db.name)
    prefix, _ = A.split_name(full)
    if prefix is not None and prefix not in (ctx.db.name, "_system"):
        extra = " or system database" if ctx.db.name != "_system" else ""
        raise ArangoError(
            11,
            f"Analyzer '{full}' is not accessible. Only analyzers from current database "
            f"('{ctx.db.name}'){extra} are available",
            403,
        )
    analyzer = A.lookup(ctx.db, full)
    if analyzer is None:
        raise ArangoError(1202, f"unable to find analyzer: {full}", 404)
    return ctx.ok(analyzer.describe())


@route("DELETE", "/_api/analyzer/{name}", area=AREA, access=DB_RW)
def delete_analyzer(ctx: Context) -> BackendResponse:
    """Remove a custom analyzer; 409 while a view or inverted index uses it (unless force)."""
    name = ctx.params["name"]
    full = A.normalize_name(name, ctx.db.name)
    removed = A.remove(ctx.db, name, ctx.flag("force"), analyzer_in_use(ctx.db, full))
    return ctx.ok({"name": removed})


def analyzer_in_use(db: Database, full_name: str) -> bool:
    """Whether a view link or an inverted index of ``db`` refers to ``full_name``."""
    if views.analyzer_used(db, full_name):
        return True
    for col in db.collections.values():
        for index in col.indexes:
            if index.type != "inverted":
                continue
            names = [index.options.get("analyzer")]
            names += [
                f.get("analyzer")
                for f in index.options.get("fields", index.fields)
                if isinstance(f, dict)
            ]
            if any(isinstance(n, str) and A.normalize_name(n, db.name) == full_name for n in names):
                return True
    return False
