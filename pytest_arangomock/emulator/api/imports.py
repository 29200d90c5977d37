"""imports API: ``POST /_api/import``, as ArangoDB's RestImportHandler.

Three body formats: JSON lines (``type=documents``), one JSON array (``type=list`` or
``array``; ``auto`` picks one by the first character) and, without a type, "array rows":
a header line with attribute names followed by one JSON array of values per line.
``complete=true`` makes the import all-or-nothing: on the first error everything is
rolled back (including an ``overwrite`` truncation) and ArangoDB's error is returned.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...backend import BackendResponse
from ...base.errors import ArangoError, message_for
from ...state import Collection
from ...state.documents import WriteOptions, insert_document_ex
from ...state.users import RW
from ..context import Context, NumberOutOfRange, parse_json, vpack_error_message
from ..router import DB_RO, route

AREA = "import"
_JSON_TYPES = ("documents", "array", "list", "auto")
_LINE_WS = " \t\r\b\f"
_TRIM_WS = " \t\r\n\b\f"


@dataclass
class _Result:
    created: int = 0
    errors: int = 0
    empty: int = 0
    updated: int = 0
    ignored: int = 0
    details: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        self.errors += 1
        self.details.append(message)


class _Abort(Exception):
    """A ``complete`` import failed: roll back and answer ArangoDB's error ``num``."""

    def __init__(self, num: int) -> None:
        super().__init__(num)
        self.num = num


def _dump(value: Any) -> str:
    """The offending-document excerpt: compact JSON, cut at 255 characters."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text[:255] + "..." if len(text) > 255 else text


def _position(i: int) -> str:
    return f"at position {i}: "


class _Importer:
    """One import request: options, the collection and the counters."""

    def __init__(self, ctx: Context, cname: str, on_duplicate: bool) -> None:
        self.ctx = ctx
        self.cname = cname
        self.complete = ctx.flag("complete")
        self.result = _Result()
        self.col: Collection | None = None
        self.babies: list[dict[str, Any]] = []
        self.from_prefix = self._prefix("fromPrefix")
        self.to_prefix = self._prefix("toPrefix")
        self.overwrite_prefix = ctx.flag("overwriteCollectionPrefix")
        mode = ctx.query.get("onDuplicate", "error")
        self.on_duplicate = mode if mode in ("update", "replace", "ignore") else "error"
        overwrite = on_duplicate and self.on_duplicate in ("update", "replace")
        self.opts = WriteOptions(
            validate=not ctx.flag("skipDocumentValidation"),
            overwrite_mode=self.on_duplicate if overwrite else None,
        )

    def _prefix(self, name: str) -> str:
        value = self.ctx.query.get(name, "")
        return value + "/" if value and not value.endswith("/") else value

    # ------------------------------------------------------------------ steps
    def open(self) -> Collection:
        self.col = self.ctx.db.collection(self.cname)
        return self.col

    def _apply_prefix(self, doc: dict[str, Any], attr: str, prefix: str) -> None:
        value = doc.get(attr)
        if not prefix:
            return
        if isinstance(value, str):
            if "/" not in value:
                doc[attr] = prefix + value
            elif self.overwrite_prefix:
                doc[attr] = prefix + value.partition("/")[2]
        elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            doc[attr] = prefix + str(value)

    def handle(self, value: Any, i: int) -> int:
        """Queue one document; returns 0 or the error number (already counted)."""
        if not isinstance(value, dict):
            self.result.error(
                f"{_position(i)}invalid JSON type (expecting object), offending document: "
                f"{_dump(value)}"
            )
            return 1227
        assert self.col is not None
        if self.col.is_edge:
            value = dict(value)
            self._apply_prefix(value, "_from", self.from_prefix)
            self._apply_prefix(value, "_to", self.to_prefix)
            if not isinstance(value.get("_from"), str) or not isinstance(value.get("_to"), str):
                self.result.error(
                    f"{_position(i)}missing '_from' or '_to' attribute, offending document: "
                    f"{_dump(value)}"
                )
                return 1233
        self.babies.append(value)
        return 0

    def perform(self) -> None:
        """Insert the queued documents; ``pos`` in messages is 0-based, as in ArangoDB."""
        assert self.col is not None
        for pos, doc in enumerate(self.babies):
            try:
                outcome = insert_document_ex(self.col, doc, self.opts)
            except ArangoError as exc:
                if exc.num == 1210 and self.on_duplicate == "ignore":
                    self.result.ignored += 1
                    continue
                self.result.error(
                    f"{_position(pos)}creating document failed with error "
                    f"'{message_for(exc.num)}', offending document: {_dump(doc)}"
                )
                if self.complete:
                    raise _Abort(exc.num) from None
                continue
            if outcome.old is not None:
                self.result.updated += 1
            else:
                self.result.created += 1

    def run(self, collect: Callable[[], int]) -> BackendResponse:
        """Truncate if asked, collect documents, insert; all-or-nothing with ``complete``."""
        col = self.open()
        snapshot = list(col.docs.values()) if self.complete else None
        if self.ctx.flag("overwrite"):
            col.truncate()
        try:
            failed = collect()
            if failed:
                raise _Abort(failed)
            self.perform()
        except _Abort as abort:
            if snapshot is not None:
                col.truncate()
                for doc in snapshot:
                    col.store(doc, None)
            raise ArangoError(abort.num) from None
        return self.respond()

    def respond(self) -> BackendResponse:
        r = self.result
        body: dict[str, Any] = {
            "error": False,
            "created": r.created,
            "errors": r.errors,
            "empty": r.empty,
            "updated": r.updated,
            "ignored": r.ignored,
        }
        if self.ctx.flag("details"):
            body["details"] = list(r.details)
        return self.ctx.json(201, body)


def _collection_name(ctx: Context) -> str:
    cname = ctx.query.get("collection", "")
    if not cname:
        raise ArangoError(
            1204, "'collection' is missing, expecting /_api/import?collection=<identifier>", 400
        )
    ctx.require_collection(cname, RW)
    return cname


def _raw_text(ctx: Context) -> str:
    return ctx.request.body.decode("utf-8", errors="replace")


def _parse(text: str) -> tuple[bool, Any]:
    try:
        return True, parse_json(text)
    except (ValueError, RecursionError):
        return False, None


def _from_json(ctx: Context, kind: str) -> BackendResponse:
    cname = _collection_name(ctx)
    text = _raw_text(ctx)
    linewise = kind in ("documents", "auto")
    if kind == "auto" and text.lstrip(_TRIM_WS).startswith("["):
        linewise = False
    imp = _Importer(ctx, cname, on_duplicate=True)

    def lines() -> int:
        pos, end, i = 0, len(text), 0
        while pos < end:
            i += 1
            while pos < end and text[pos] in _LINE_WS:
                pos += 1
            if pos == end or text[pos] == "\0":
                break
            nl = text.find("\n", pos)
            if nl == pos:
                pos += 1
                imp.result.empty += 1
                continue
            line = text[pos:] if nl < 0 else text[pos:nl]
            pos = end if nl < 0 else nl + 1
            ok, value = _parse(line)
            if not ok:
                part = line[:255] + "..." if len(line) > 255 else line
                imp.result.error(
                    f"{_position(i)}invalid JSON type (expecting object, probably parse "
                    f"error), offending context: {part}"
                )
                if imp.complete:
                    break  # ArangoDB stops here but still imports what came before
                continue
            failed = imp.handle(value, i)
            if failed and imp.complete:
                return failed
        return 0

    def array() -> int:
        try:
            documents = parse_json(text)
        except (json.JSONDecodeError, NumberOutOfRange) as exc:
            if isinstance(exc, json.JSONDecodeError):
                detail = vpack_error_message(exc, text).removeprefix("VPackError error: ")
            else:
                detail = "Number out of range"
            raise ArangoError(
                400, f"expecting a valid JSON array in the request. got: {detail}", 400
            ) from None
        except RecursionError:
            raise ArangoError(400, "expecting a JSON array in the request", 400) from None
        if not isinstance(documents, list):
            raise ArangoError(400, "expecting a JSON array in the request", 400)
        for n, value in enumerate(documents, start=1):
            failed = imp.handle(value, n)
            if failed and imp.complete:
                return failed
        return 0

    return imp.run(lines if linewise else array)


def _row_object(keys: list[str], values: Any, i: int, ignore_missing: bool) -> dict[str, Any]:
    """One "array rows" line as a document; null values are left out."""
    if not isinstance(values, list):
        raise ValueError(f"{_position(i)}no valid JSON array data")
    if not ignore_missing and len(keys) != len(values):
        raise ValueError(
            f"{_position(i)}wrong number of JSON values (got {len(values)}, expected {len(keys)})"
        )
    return {k: v for k, v in zip(keys, values, strict=False) if v is not None}


def _from_rows(ctx: Context) -> BackendResponse:
    cname = _collection_name(ctx)
    text = _raw_text(ctx)
    newline = text.find("\n")
    if newline < 0:
        raise ArangoError(400, "no JSON array found in second line", 400)
    ok, keys = _parse(text[:newline].strip(_TRIM_WS))
    if (
        not ok
        or not isinstance(keys, list)
        or not keys
        or not all(isinstance(k, str) for k in keys)
    ):
        raise ArangoError(400, "no JSON string array found in first line", 400)
    imp = _Importer(ctx, cname, on_duplicate=False)
    ignore_missing = ctx.flag("ignoreMissing")
    first_line = ctx.int_param("line", 0) or 0

    def rows() -> int:
        i = first_line
        rest = text[newline + 1 :]
        segments = rest.split("\n") if rest else []
        if rest.endswith("\n"):
            segments.pop()  # ArangoDB stops at the final newline
        for raw_line in segments:
            i += 1
            line = raw_line.strip(_TRIM_WS)
            if not line:
                imp.result.empty += 1
                continue
            ok, values = _parse(line)
            failed = 0
            if not ok:
                part = line[:255] + "..." if len(line) > 255 else line
                imp.result.error(
                    f"{_position(i)}invalid JSON type (expecting object, probably parse "
                    f"error), offending context: {part}"
                )
                failed = 4
            else:
                try:
                    failed = imp.handle(_row_object(keys, values, i, ignore_missing), i)
                except ValueError as exc:
                    imp.result.error(str(exc))
                    failed = 4
            if failed and imp.complete:
                return failed
        return 0

    return imp.run(rows)


@route("POST", "/_api/import", area=AREA, access=DB_RO)
def import_documents(ctx: Context) -> BackendResponse:
    """Bulk-import JSON lines, a JSON array or header-plus-rows data into a collection."""
    kind = ctx.query.get("type")
    if kind in _JSON_TYPES:
        return _from_json(ctx, kind)
    return _from_rows(ctx)
