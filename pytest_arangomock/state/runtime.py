"""What state needs from the layers above it: computed values evaluate an expression and
``aql`` analyzers run a query through the AQL engine (the emulator passes it in when it
builds the server, ``Server(aql=...)``), and AQL calls user-defined functions through the
JavaScript runtime the emulator puts on ``server.javascript``. State never imports either."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..base.errors import ArangoError

__all__ = ["AqlRuntime", "JavaScriptRuntime", "QueryRows", "require_aql"]


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


class JavaScriptRuntime(Protocol):
    """Server-side JavaScript as AQL needs it: calling a user-defined function."""

    def call_user_function(
        self, db: Any, name: str, args: list[Any], warn: Callable[[int, str], None]
    ) -> Any:
        """Call ``name`` (``NS::FN``) of ``db`` with ``args``; problems go to ``warn``."""


def require_aql(runtime: AqlRuntime | None, what: str) -> AqlRuntime:
    """The engine, or 501 for a server built without one (``what`` needs it)."""
    if runtime is None:
        raise ArangoError(9, f"{what} needs the AQL engine", 501)
    return runtime
