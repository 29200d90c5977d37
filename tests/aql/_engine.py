"""Helpers for engine-level AQL tests: a fresh in-memory database and a query runner."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock import ArangoError
from pytest_arangomock.aql import api
from pytest_arangomock.state import documents as D
from pytest_arangomock.state.server import Server


def fresh_db() -> Any:
    return Server().database("_system")


def q(db: Any, query: str, bind_vars: dict[str, Any] | None = None, **options: Any) -> list[Any]:
    return api.execute(db, query, bind_vars, options).rows


def err(db: Any, query: str, bind_vars: dict[str, Any] | None = None) -> ArangoError:
    with pytest.raises(ArangoError) as exc:
        api.execute(db, query, bind_vars, {})
    return exc.value


def fill(db: Any, name: str, docs: list[dict[str, Any]], edge: bool = False) -> Any:
    col = db.create_collection(name, 3 if edge else 2)
    for doc in docs:
        D.insert_document(col, doc, D.WriteOptions())
    return col
