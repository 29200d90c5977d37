"""What state needs from the AQL engine, which sits above it: computed values evaluate an
expression and ``aql`` analyzers run a query. The emulator passes the engine in when it
builds the server (``Server(aql=...)``); state never imports it."""

from __future__ import annotations

from typing import Any, Protocol

from ..base.errors import ArangoError

__all__ = ["AqlRuntime", "QueryRows", "require_aql"]


class QueryRows(Protocol):
    """A query's result, as far as state reads it."""

    @property
    def rows(self) -> list[Any]: ...


class AqlRuntime(Protocol):
    """The two entry points of the AQL engine state calls (``aql.api`` provides them)."""

    def evaluate_expression(
        self, db: Any, expr_text: str, bind_vars: dict[str, Any] | None = None
    ) -> Any:
        """``RETURN <expr>`` in ``db`` with ``bind_vars``: the single result, or null."""

    def execute(
        self,
        db: Any,
        query: str,
        bind_vars: dict[str, Any] | None,
        options: dict[str, Any] | None,
    ) -> QueryRows:
        """Run ``query`` in ``db``."""


def require_aql(runtime: AqlRuntime | None, what: str) -> AqlRuntime:
    """The engine, or 501 for a server built without one (``what`` needs it)."""
    if runtime is None:
        raise ArangoError(9, f"{what} needs the AQL engine", 501)
    return runtime
