"""Server-side JavaScript: the engine, the ``@arangodb`` module, user functions, tasks, Foxx.

Everything that touches the JavaScript engine lives in this package. The emulator builds
one :class:`ServerJavaScript` (when the optional ``quickjs`` package is installed) and hands
it to the server state as ``server.javascript``; handlers reach it there, and the AQL engine
calls user functions through the ``JavaScriptRuntime`` protocol of ``state/runtime.py``
without importing the emulator. Without the extra every JavaScript route answers 501 with a
message naming ``pytest-arangomock[js]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...base.errors import ArangoError, message_for
from ..context import Context
from .engine import AVAILABLE, Frame, JsEngine, Outcome
from .errors import UNAVAILABLE, response_code, unavailable
from .tasks import Task, TaskStore

__all__ = [
    "AVAILABLE",
    "UNAVAILABLE",
    "Frame",
    "JsEngine",
    "Outcome",
    "ServerJavaScript",
    "Task",
    "TaskStore",
    "frame_for",
    "javascript",
    "response_code",
]

USER_FUNCTIONS = "_aqlfunctions"


class ServerJavaScript:
    """The emulator's JavaScript side: one engine, reused for every script, and the
    settings ArangoDB exposes as ``--javascript.*`` options."""

    def __init__(self, engine: JsEngine | None = None) -> None:
        self.engine = engine or JsEngine()
        #: ``--javascript.allow-admin-execute`` (off by default, as in ArangoDB)
        self.allow_admin_execute = False
        #: per-server state kept by later parts (Foxx) keyed by name
        self.parts: dict[str, Any] = {}
        self._tasks: TaskStore | None = None

    def tasks(self, server: Any) -> TaskStore:
        """The tasks of ``server`` (a reset server starts with none)."""
        store = self._tasks
        if store is None or store.closed or store.lock is not server.lock:
            store = self._tasks = TaskStore(server.lock, self._run_task)
        return store

    def _run_task(self, task: Task) -> None:
        with self.engine.entered(task.frame):
            outcome = self.engine.run("task", task.command, task.params)
        outcome.raise_for(1650)

    def shutdown(self) -> None:
        """Stop whatever runs in the background (on reset, and when the emulator closes)."""
        if self._tasks is not None:
            self._tasks.close()
        self.parts.clear()

    # the JavaScriptRuntime protocol (state/runtime.py), used by AQL
    def call_user_function(
        self, db: Any, name: str, args: list[Any], warn: Callable[[int, str], None]
    ) -> Any:
        """Call the user function ``name`` of ``db`` with AQL values; a thrown error is a
        warning (1583) and the call's value null, as ArangoDB's ``FCALL_USER`` does."""
        upper = name.upper()
        col = db.get_collection(USER_FUNCTIONS)
        doc = col.docs.get(upper) if col is not None else None
        code = doc.get("code") if isinstance(doc, dict) else None
        if not isinstance(code, str):
            raise ArangoError(1582, message_for(1582, upper), 404)
        outcome = self.engine.call_function(upper, code, args)
        if outcome.error is None:
            return outcome.value
        detail = (
            outcome.error.get("stack")
            or outcome.error.get("text")
            or outcome.error.get("message", "")
        )
        warn(1583, f"in function '{upper}()': {message_for(1583, detail)}")
        return None


def javascript(ctx: Context) -> ServerJavaScript:
    """The server's JavaScript side, or 501 naming the extra when it is not installed."""
    js: ServerJavaScript | None = getattr(ctx.server, "javascript", None)
    if js is None:
        raise unavailable()
    return js


def frame_for(ctx: Context, headers: dict[str, str] | None = None) -> Frame:
    """Scripts started by this request act as its caller, in its database."""
    hdrs = {k: v for k, v in ctx.request.headers.items() if k == "authorization"}
    hdrs.update(headers or {})
    return Frame(ctx.dispatch, ctx.db.name, hdrs)


def bad_parameter(message: str) -> ArangoError:
    """400/10 with ``message`` (the shape of most JavaScript API input errors)."""
    return ArangoError(10, message, response_code(10))
