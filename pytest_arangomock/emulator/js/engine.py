"""One embedded JavaScript engine (QuickJS) per emulator, started on first use and reused.

Scripts reach nothing but the bridge: QuickJS as packaged has no file system, network or
process modules, and the only host function installed is ``__arango_bridge``, which turns
database calls into internal HTTP requests to the emulator (the :class:`Frame` on top of the
stack says which database, with which credentials and inside which transaction). Every run
has a time limit and the engine a memory limit; exceeding them answers ArangoDB's errors
(canceled request, out of memory) and leaves the engine usable.

QuickJS's own time limit interrupts any code but refuses calls into the host while it is
set, so it guards the programs that need no host (user functions, code validation); for
scripts that work with the database the limit is checked at every host call, and a run
that overstays it is canceled even if the script catches the error.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ...backend import BackendRequest, BackendResponse
from ...base.errors import CATALOG, ArangoError
from ..context import dumps
from .errors import from_script, response_code
from .prelude import PRELUDE

try:  # the optional extra: pytest-arangomock[js]
    import quickjs
except ImportError:  # pragma: no cover - exercised on installations without the extra
    quickjs = None

__all__ = ["AVAILABLE", "Frame", "JsEngine", "Outcome"]

AVAILABLE = quickjs is not None
log = logging.getLogger("pytest_arangomock.js")

Dispatch = Callable[[BackendRequest], BackendResponse]
Op = Callable[[Any], Any]


@dataclass
class Frame:
    """Where a running script's database calls go: the emulator's dispatch, the database,
    and the headers every internal request carries (credentials, transaction id)."""

    dispatch: Dispatch
    database: str
    headers: dict[str, str] = field(default_factory=dict)
    #: ``maxTransactionSize``: bytes the script may write (None: no limit), and bytes written
    budget: int | None = None
    used: int = 0


@dataclass
class Outcome:
    """What a script returned, or the description of what it threw."""

    value: Any = None
    undefined: bool = False
    is_string: bool = False
    error: dict[str, Any] | None = None
    compile_error: bool = False

    def raise_for(self, default: int, unknown: str | None = None) -> None:
        """Raise ArangoDB's error for a thrown exception (see :func:`errors.from_script`)."""
        if self.error is not None:
            raise from_script(self.error, default, unknown)


def _out_of_memory(error: dict[str, Any]) -> bool:
    """QuickJS reports an exhausted heap as an InternalError, or as a thrown null when even
    that error could not be allocated; scripts may catch either, so both are checked."""
    if error.get("kind") == "value":
        return error.get("message") == "null"
    return error.get("name") == "InternalError" and error.get("message") == "out of memory"


def _errors_table() -> str:
    """ArangoDB's ``errors`` module: ``ERROR_NAME: {code, message}`` for every error."""
    return json.dumps(
        {name: {"code": num, "message": text} for num, (name, text) in CATALOG.items()}
    )


class JsEngine:
    """The emulator's JavaScript engine; see the module docstring.

    ``time_limit`` (seconds) bounds each top-level run, ``memory_limit`` (bytes) the
    engine's heap. ``messages`` keeps what scripts printed (``print``, ``console``), as
    (level, text), the most recent ``keep_messages``.
    """

    def __init__(
        self,
        *,
        time_limit: float = 60.0,
        memory_limit: int = 512 * 1024 * 1024,
        keep_messages: int = 1000,
    ) -> None:
        if quickjs is None:
            raise RuntimeError("the quickjs package is not installed")
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self.keep_messages = keep_messages
        self.messages: list[tuple[str, str]] = []
        self.frames: list[Frame] = []
        self._context: Any = None
        self._entries: dict[str, Any] = {}  # entry points by name, looked up once
        self._depth = 0
        self._deadline = 0.0
        self._canceled = False

    @functools.cached_property
    def ops(self) -> dict[str, Op]:
        """The host operations scripts reach through the bridge, made when a script first
        calls one: bound to the engine, they would make every unused engine a reference
        cycle that only the cycle collector frees."""
        return {
            "request": self._request,
            "log": self._log,
            "time": lambda _: time.time(),
            "sleep": self._sleep,
            "database": lambda _: self._frame().database,
        }

    # ------------------------------------------------------------------ engine
    @property
    def context(self) -> Any:
        """The QuickJS context, created (with the prelude) on first use."""
        if self._context is None:
            ctx = quickjs.Context()
            ctx.set_memory_limit(self.memory_limit)
            ctx.add_callable("__arango_bridge", self._bridge)
            ctx.eval(PRELUDE.replace("__ERRORS__", _errors_table()))
            self._context = ctx
        return self._context

    def define(self, source: str) -> None:
        """Evaluate more JavaScript in the engine's global scope (modules built on top)."""
        self.context.eval(source)

    @contextmanager
    def entered(self, frame: Frame) -> Iterator[None]:
        """Run scripts on behalf of ``frame`` (nested entries stack)."""
        self.frames.append(frame)
        try:
            yield
        finally:
            self.frames.pop()

    def invoke(self, entry: str, *args: Any, pure: bool = False) -> Outcome:
        """Call the prelude's entry point ``entry`` under the limits and decode its answer;
        ``pure`` code gets QuickJS's hard time limit (and no host calls)."""
        fn = self._entries.get(entry)
        if fn is None:
            fn = self._entries[entry] = self.context.get(entry)
        outer = self._depth == 0
        hard = pure and outer
        if outer:
            self._deadline = time.monotonic() + self.time_limit
            self._canceled = False
        if hard:
            self.context.set_time_limit(self.time_limit)
        self._depth += 1
        try:
            answer = fn(*args)
        except quickjs.JSException as exc:
            raise self._fatal(exc) from None
        finally:
            self._depth -= 1
            if hard:
                self.context.set_time_limit(-1)
        if outer and self._canceled:
            raise ArangoError(21, status=response_code(21))
        data = json.loads(answer)
        if data.get("ok"):
            return Outcome(data.get("v"), bool(data.get("u")), bool(data.get("s")))
        error = data.get("e") or {}
        if _out_of_memory(error):
            raise self._fatal(MemoryError("out of memory"))
        return Outcome(error=error, compile_error=bool(data.get("compile")))

    def _fatal(self, exc: Exception) -> ArangoError:
        """An exception no script can catch: the time limit or the memory limit."""
        text = str(exc)
        if "interrupted" in text:
            log.warning("JavaScript run canceled after %.1f s (time limit)", self.time_limit)
            return ArangoError(21, status=response_code(21))
        log.warning("JavaScript run stopped: %s", text.splitlines()[0] if text else "out of memory")
        self.context.gc()
        return ArangoError(3, status=response_code(3))

    # ---------------------------------------------------------------- programs
    def run(self, kind: str, source: str, params: Any = None) -> Outcome:
        """Run ``source`` as a transaction action (``transaction``), a function body
        (``body``) or a task command (``task``) with ``params``."""
        return self.invoke("__arango_run", kind, source, json.dumps(params))

    def check_function(self, source: str) -> Outcome:
        """Compile a user function's code: an error unless it evaluates to a function."""
        return self.invoke("__arango_check", source, pure=True)

    def call_function(self, name: str, code: str, args: list[Any]) -> Outcome:
        """Call user function ``name`` (compiled once per code) with AQL values ``args``."""
        return self.invoke("__arango_udf", name, code, dumps(args).decode(), pure=self._depth == 0)

    # ------------------------------------------------------------------ bridge
    def _bridge(self, op: str, args_json: str) -> str:
        """The one host function scripts can call; never raises into JavaScript."""
        try:
            if time.monotonic() > self._deadline and self._depth:
                log.warning("JavaScript run canceled after %.1f s (time limit)", self.time_limit)
                self._canceled = True
                raise ArangoError(21, status=response_code(21))
            handler = self.ops[op]
            value = handler(json.loads(args_json))
            return json.dumps({"v": value})
        except ArangoError as exc:
            return json.dumps(
                {"e": {"errorNum": exc.num, "errorMessage": exc.message, "code": exc.status}}
            )
        except Exception as exc:  # a bug here must not take the engine down
            log.exception("JavaScript bridge call %s failed", op)
            return json.dumps({"e": {"errorNum": 4, "errorMessage": str(exc), "code": 500}})

    def _frame(self) -> Frame:
        if not self.frames:
            raise ArangoError(
                11, "database access is not available to this script (no request context)", 403
            )
        return self.frames[-1]

    def _request(self, args: list[Any]) -> Any:
        method, path, query, body, headers = args
        frame = self._frame()
        hdrs = dict(frame.headers)
        hdrs.update({str(k).lower(): str(v) for k, v in headers.items()})
        data = b""
        if body is not None:
            data = dumps(body)
            hdrs.setdefault("content-type", "application/json")
        if frame.budget is not None and method != "GET":
            frame.used += len(data) + len(path)
            if frame.used > frame.budget:
                raise ArangoError(
                    32,
                    "aborting transaction because maximal transaction size limit of "
                    f"{frame.budget} bytes is reached",
                    response_code(32),
                )
        request = BackendRequest(
            method,
            f"/_db/{quote(frame.database, safe='')}{path}",
            {str(k): str(v) for k, v in query.items()},
            hdrs,
            data,
        )
        response = frame.dispatch(request)
        parsed = json.loads(response.body) if response.body else None
        if response.status >= 400:
            if isinstance(parsed, dict) and isinstance(parsed.get("errorNum"), int):
                raise ArangoError(
                    parsed["errorNum"], str(parsed.get("errorMessage", "")), response.status
                )
            raise ArangoError(response.status, f"HTTP {response.status}", response.status)
        return parsed

    def _log(self, args: list[Any]) -> None:
        level, text = str(args[0]), str(args[1])
        log.log(logging.WARNING if level in ("warn", "error") else logging.INFO, "%s", text)
        self.messages.append((level, text))
        del self.messages[: -self.keep_messages or None]

    def _sleep(self, seconds: Any) -> None:
        remaining = self._deadline - time.monotonic()
        time.sleep(max(0.0, min(float(seconds), remaining)))
        if float(seconds) > remaining:
            self._canceled = True
            raise ArangoError(21, status=response_code(21))
