"""INSERT / UPDATE / REPLACE / REMOVE / UPSERT stages, through emulator/state/documents.py.

Every write is recorded in the query's undo log so a query that fails midway leaves the
database as it was. ``OLD``/``NEW`` become variables after the statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..base.errors import ArangoError
from ..base.values import equals, to_bool
from ..state import documents as D
from . import ast as A
from .scope import Fn, Level, Row, Scope, Stage


def write_options(opts: dict[str, Any]) -> D.WriteOptions:
    return D.WriteOptions(
        keep_null=opts.get("keepNull", True) is not False,
        merge_objects=opts.get("mergeObjects", True) is not False,
        ignore_revs=opts.get("ignoreRevs", True) is not False,
        overwrite=bool(opts.get("overwrite", False)),
        overwrite_mode=opts.get("overwriteMode")
        if isinstance(opts.get("overwriteMode"), str)
        else None,
        version_attribute=opts.get("versionAttribute")
        if isinstance(opts.get("versionAttribute"), str)
        else None,
    )


def _expected_rev(opts: D.WriteOptions, doc: Any) -> str | None:
    if opts.ignore_revs or not isinstance(doc, dict):
        return None
    rev = doc.get("_rev")
    return rev if isinstance(rev, str) else None


def _register(compiler: Scope, name: str, op: str) -> Any:
    coll = compiler.ctx.collection(name, write=True)
    if name in compiler.modified:
        raise ArangoError(1579, f"access after data-modification by {op}", 400)
    compiler.modified[name] = op
    compiler.ctx.writes_collections.add(name)
    return coll


def _declare_old_new(compiler: Scope, level: Level) -> tuple[int, int]:
    return compiler.declare(level, "OLD"), compiler.declare(level, "NEW")


def modification_stage(compiler: Scope, st: A.Modify, level: Level) -> Stage:
    name = compiler.collection_name(st.collection)
    opts = compiler.options(st.options, level.vars)
    key_fn = compiler.expr(st.key, level.vars) if st.key is not None else None
    doc_fn = compiler.expr(st.doc, level.vars) if st.doc is not None else None
    coll = _register(compiler, name, st.op)
    wopts = write_options(opts)
    ignore_errors = bool(opts.get("ignoreErrors", False))
    old_slot, new_slot = _declare_old_new(compiler, level)
    ctx = compiler.ctx
    stats = ctx.stats
    op = st.op

    def write(r: Row) -> tuple[Any, Any]:
        if op == "INSERT":
            assert doc_fn is not None
            outcome = D.insert_document_ex(coll, doc_fn(r), wopts)
            if outcome.ignored:
                return None, None
            ctx.undo.append((coll, outcome.new["_key"], outcome.old))
            return outcome.old, outcome.new
        if op == "REMOVE":
            assert key_fn is not None
            selector = key_fn(r)
            key = D.key_from_selector(coll, selector)
            old = D.remove_document(coll, key, wopts, _expected_rev(wopts, selector))
            ctx.undo.append((coll, key, old))
            return old, None
        assert doc_fn is not None
        body = doc_fn(r)
        if key_fn is not None:
            selector = key_fn(r)
            key = D.key_from_selector(coll, selector)
        else:
            selector = body
            if not isinstance(body, dict):
                raise ArangoError(1227, status=400)
            if "_key" not in body:
                raise ArangoError(1205, status=400)
            key = D.key_from_selector(coll, body)
        if not isinstance(body, dict):
            raise ArangoError(1227, status=400)
        fn = D.update_document if op == "UPDATE" else D.replace_document
        new, old = fn(coll, key, body, wopts, _expected_rev(wopts, selector))
        ctx.undo.append((coll, key, old))
        return old, new

    def stage(rows: Iterable[Row]) -> Iterator[Row]:
        for r in rows:
            try:
                old, new = write(r)
            except ArangoError:
                if ignore_errors:
                    stats["writesIgnored"] += 1
                    continue
                raise
            if op == "INSERT" and new is None:
                stats["writesIgnored"] += 1
            else:
                stats["writesExecuted"] += 1
            r[old_slot] = old
            r[new_slot] = new
            yield r

    return stage


def upsert_stage(compiler: Scope, st: A.Upsert, level: Level) -> Stage:
    name = compiler.collection_name(st.collection)
    opts = compiler.options(st.options, level.vars)
    coll = compiler.ctx.collection(name, write=True)
    ctx = compiler.ctx
    vars = level.vars
    match: Fn
    if st.filter is not None:
        with compiler.current_scope() as cur:
            cond = compiler.expr(st.filter, vars)

        def match_filter(r: Row) -> Any:
            saved = r[cur]
            try:
                for doc in list(coll.docs.values()):
                    r[cur] = doc
                    if to_bool(cond(r)):
                        return doc
            finally:
                r[cur] = saved
            return None

        match = match_filter
    else:
        assert st.search is not None
        search_fn = compiler.expr(st.search, vars)

        def match_search(r: Row) -> Any:
            example = search_fn(r)
            if not isinstance(example, dict):
                raise ArangoError(
                    1227,
                    "expecting 'Object', got: " + type(example).__name__,
                    400,
                )
            key = example.get("_key")
            candidates = (
                [coll.docs[key]]
                if isinstance(key, str) and key in coll.docs
                else ([] if isinstance(key, str) else list(coll.docs.values()))
            )
            for doc in candidates:
                if all(equals(_path_value(doc, k), v) for k, v in example.items()):
                    return doc
            return None

        match = match_search
    insert_fn = compiler.expr(st.insert, vars)
    old_slot = compiler.declare(level, "OLD")
    update_fn = compiler.expr(st.update, level.vars)
    _register(compiler, name, "UPSERT")
    new_slot = compiler.declare(level, "NEW")
    wopts = write_options(opts)
    ignore_errors = bool(opts.get("ignoreErrors", False))
    stats = ctx.stats
    replace = st.replace

    def stage(rows: Iterable[Row]) -> Iterator[Row]:
        for r in rows:
            try:
                found = match(r)
                r[old_slot] = found
                if found is None:
                    outcome = D.insert_document_ex(coll, insert_fn(r), wopts)
                    if not outcome.ignored:
                        ctx.undo.append((coll, outcome.new["_key"], outcome.old))
                    new = outcome.new
                else:
                    body = update_fn(r)
                    if not isinstance(body, dict):
                        raise ArangoError(1227, status=400)
                    fn = D.replace_document if replace else D.update_document
                    new, old = fn(coll, found["_key"], body, wopts, None)
                    ctx.undo.append((coll, found["_key"], old))
            except ArangoError:
                if ignore_errors:
                    stats["writesIgnored"] += 1
                    continue
                raise
            stats["writesExecuted"] += 1
            r[new_slot] = new
            yield r

    return stage


def _path_value(doc: dict[str, Any], key: str) -> Any:
    return doc.get(key)


def undo(log: list[tuple[Any, str, Any]]) -> None:
    """Restore every written document, newest write first."""
    for coll, key, old in reversed(log):
        current = coll.docs.get(key)
        if old is None:
            if current is not None:
                coll.delete(current)
        elif current is None:
            coll.store(old, None)
        else:
            coll.store(old, current)


__all__ = ["modification_stage", "undo", "upsert_stage", "write_options"]
