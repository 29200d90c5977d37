"""Argument kinds: what a function declares at registration decides how the compiler passes
its arguments (no function names in the compiler)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock import ArangoError
from pytest_arangomock.aql.functions import REGISTRY, Arg, FunctionSpec

from ._engine import fill, fresh_db, q


def _register(monkeypatch: Any, name: str, fn: Any, *args: Arg, deterministic: bool = True) -> None:
    monkeypatch.setitem(REGISTRY, name, FunctionSpec(name, 1, 1, fn, deterministic, "test", args))


def test_collection_argument_passes_the_name(monkeypatch: Any) -> None:
    db = fresh_db()
    fill(db, "items", [{"_key": "a"}, {"_key": "b"}])
    _register(monkeypatch, "T_NAMED", lambda ctx, c: c, Arg.COLLECTION)
    _register(monkeypatch, "T_VALUE", lambda ctx, c: c)
    assert q(db, "RETURN T_NAMED(items)") == ["items"]
    assert q(db, "RETURN T_NAMED(@@c)", {"@c": "items"}) == ["items"]
    assert [d["_key"] for d in q(db, "RETURN T_VALUE(items)")[0]] == ["a", "b"]
    assert q(db, "FOR items IN [1] RETURN T_NAMED(items)") == [1]  # a variable stays a value


def test_passthrough_is_its_argument(monkeypatch: Any) -> None:
    def never(ctx: Any, value: Any) -> Any:
        raise AssertionError("a pass-through function is not called")

    _register(monkeypatch, "T_SAME", never, Arg.PASSTHROUGH)
    assert q(fresh_db(), "FOR x IN [1, 2] RETURN T_SAME(x * 2)") == [2, 4]


def test_wait_is_bounded_by_max_runtime(monkeypatch: Any) -> None:
    called: list[Any] = []
    _register(monkeypatch, "T_WAIT", lambda ctx, s: called.append(s), Arg.WAIT, deterministic=False)
    assert q(fresh_db(), "RETURN T_WAIT(0)") == [None]
    with pytest.raises(ArangoError, match="query killed"):
        q(fresh_db(), "RETURN T_WAIT(1)", maxRuntime=0.01)
    # the query waits (interruptible, without the server lock), not the function;
    # the function itself only sees arguments that are no wait
    assert called == []
    assert q(fresh_db(), "RETURN T_WAIT('x')") == [None]
    assert called == ["x"]
