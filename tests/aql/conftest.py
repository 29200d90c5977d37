"""One fake query context for the tests that call AQL functions through the registry.

``RecordingContext`` records warnings the way a query would; ``FakeContext`` adds a database
and dispatches CALL/APPLY back into the registry. ``call``/``ok`` give each call a fresh
recording context; ``run`` calls with a context of the test's own (the ``ctx`` fixture).
``compiles`` lists the queries compiled during a test (a repeated one is not compiled again).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock import Emulator
from pytest_arangomock.aql.compiler import Compiler
from pytest_arangomock.aql.functions.library import load_all

REGISTRY = load_all()


class RecordingContext:
    """Records warnings as ``(code, message)`` pairs; has no database."""

    db: Any = None

    def __init__(self) -> None:
        self.warnings: list[tuple[int, str | None]] = []

    def warn(self, code: int, message: str | None = None) -> None:
        self.warnings.append((code, message))


class FakeContext(RecordingContext):
    """Records warnings; has a fresh database; dispatches CALL/APPLY back into the registry."""

    def __init__(self) -> None:
        super().__init__()
        self.db = Emulator().server.database("_system")

    def collection(self, name: str) -> Any:
        return self.db.collection(name)

    def call(self, name: str, args: list[Any]) -> Any:
        return REGISTRY[name].fn(self, *args)

    @property
    def user(self) -> str | None:
        return "root"


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries compiled from here on (the main query of each compilation)."""
    seen: list[str] = []
    original = Compiler.query

    def counting(self: Compiler, query: Any, scope: dict[str, int]) -> Any:
        if self.depth == 0 and not scope:
            seen.append(self.ctx.query_text)
        return original(self, query, scope)

    monkeypatch.setattr(Compiler, "query", counting)
    return seen


@pytest.fixture
def ctx() -> FakeContext:
    return FakeContext()


def run(ctx: RecordingContext, name: str, *args: Any) -> Any:
    """Call function ``name`` with ``ctx``, checking the argument count against its arity."""
    spec = REGISTRY[name]
    assert spec.min_args <= len(args) <= (spec.max_args if spec.max_args is not None else 99)
    return spec.fn(ctx, *args)


def codes(ctx: RecordingContext) -> list[int]:
    return [code for code, _ in ctx.warnings]


def call_logged(name: str, *args: Any) -> tuple[Any, list[tuple[int, str | None]]]:
    """The result and the ``(code, message)`` warnings of one call with a fresh context."""
    ctx = RecordingContext()
    return run(ctx, name, *args), ctx.warnings


def call(name: str, *args: Any) -> tuple[Any, list[int]]:
    """The result and the warning codes of one call with a fresh context."""
    ctx = RecordingContext()
    return run(ctx, name, *args), codes(ctx)


def ok(name: str, *args: Any) -> Any:
    """The result of a call that must not warn."""
    result, warnings = call(name, *args)
    assert warnings == [], (name, args, warnings)
    return result
