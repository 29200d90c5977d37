"""Graph traversals and path searches (placeholder until implemented)."""

from __future__ import annotations

from typing import Any

from ..emulator.errors import ArangoError


def compile_graph(compiler: Any, st: Any, level: Any) -> Any:
    raise ArangoError(1501, "graph traversal not emulated yet", 501)
