"""Seed the emulator from an arangodump directory, without arangorestore.

arangodump writes, per database: ``ENCRYPTION`` (``none`` unless encrypted),
``dump.json`` (the database's name and properties, the tick at the start),
``<name>_<md5 of name>.structure.json`` per collection (``{parameters, indexes}``),
``<name>_<md5>.data.json`` with one document per line (plain or in a ``{type, data}``
envelope; gzipped as ``.data.json.gz``, split as ``.<n>.data.json``) and
``<name>.view.json`` per view. With ``--all-databases`` each database has its own
subdirectory. Loading follows arangorestore's order (collections, data, indexes, views)
through the functions behind its HTTP routes, so both paths end in the same state.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base.errors import ArangoError
from ..state import Server
from ..state import views as V
from .api.databases import name_error
from .api.restore import (
    parse_data,
    restore_collection,
    restore_documents,
    restore_indexes,
    restore_view,
)

__all__ = ["DumpDirectory", "RestoreError", "data_text", "load", "read"]

_DATA = re.compile(r"^(?P<stem>.+?)(?:\.(?P<part>\d+))?\.data\.json(?:\.gz)?$")


class RestoreError(ValueError):
    """The directory is not an arangodump directory this loader can read."""


@dataclass
class DumpDirectory:
    """One database's dump: its metadata, collection structures, data files and views."""

    path: Path
    meta: dict[str, Any]
    structures: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, list[Path]] = field(default_factory=dict)
    views: list[dict[str, Any]] = field(default_factory=list)

    @property
    def database(self) -> str:
        name = self.meta.get("database")
        return name if isinstance(name, str) and name else "_system"


def data_text(path: Path) -> str:
    """A dump file's text (gunzipped when it is gzip, whatever its name); a truncated or
    corrupt gzip stream or bytes that are not UTF-8 are a :class:`RestoreError`."""
    raw = path.read_bytes()
    try:
        if raw[:2] == b"\x1f\x8b":  # gzip, whatever the file is called
            raw = gzip.decompress(raw)
        return raw.decode("utf-8")
    except (OSError, EOFError, zlib.error) as exc:
        raise RestoreError(f"{path}: not a readable gzip file ({exc})") from None
    except UnicodeDecodeError as exc:
        raise RestoreError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def _documents(path: Path, name: str) -> list[Any]:
    """A data file's parsed lines; a bad line is a :class:`RestoreError` naming the file."""
    try:
        return parse_data(name, data_text(path))
    except ArangoError as exc:
        raise RestoreError(f"{path}: {exc.message}") from None


def _json(path: Path) -> Any:
    try:
        return json.loads(data_text(path))
    except ValueError as exc:
        raise RestoreError(f"{path}: not valid JSON ({exc})") from None


def _stems(name: str) -> tuple[str, str]:
    """The two names arangodump gives a collection's files (single server, cluster)."""
    digest = hashlib.md5(name.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{name}_{digest}", name


def read(path: str | Path) -> list[DumpDirectory]:
    """The databases in an arangodump directory (one, or one per subdirectory)."""
    root = Path(path)
    if not root.is_dir():
        raise RestoreError(f"{root}: no such dump directory")
    if (root / "dump.json").is_file():
        return [_read_one(root)]
    found = [_read_one(sub) for sub in sorted(root.iterdir()) if (sub / "dump.json").is_file()]
    if not found:
        raise RestoreError(f"{root}: no dump.json (not an arangodump directory)")
    return found


def _read_one(root: Path) -> DumpDirectory:
    encryption = root / "ENCRYPTION"
    if encryption.is_file():
        kind = encryption.read_bytes().decode("utf-8", errors="replace").strip()
        if kind not in ("", "none"):
            raise RestoreError(f"{root}: encrypted dumps ({kind}) cannot be read")
    meta = _json(root / "dump.json")
    if not isinstance(meta, dict):
        raise RestoreError(f"{root / 'dump.json'}: expecting an object")
    dump = DumpDirectory(root, meta)
    files: dict[str, list[tuple[int, Path]]] = {}
    for entry in sorted(root.iterdir()):
        match = _DATA.match(entry.name)
        if match:
            files.setdefault(match["stem"], []).append((int(match["part"] or 0), entry))
    for entry in sorted(root.glob("*.structure.json")):
        structure = _json(entry)
        parameters = structure.get("parameters") if isinstance(structure, dict) else None
        name = parameters.get("name") if isinstance(parameters, dict) else None
        if not isinstance(name, str):
            raise RestoreError(f"{entry}: no collection name in its parameters")
        dump.structures.append(structure)
        for stem in _stems(name):
            if stem in files:
                dump.data[name] = [p for _, p in sorted(files[stem])]
                break
    for entry in sorted(root.glob("*.view.json")):
        view = _json(entry)
        if not isinstance(view, dict):
            raise RestoreError(f"{entry}: expecting an object")
        dump.views.append(view)
    return dump


def load(
    server: Server,
    path: str | Path,
    database: str | None = None,
    *,
    overwrite: bool = True,
    include_system: bool = False,
) -> dict[str, int]:
    """Restore an arangodump directory into ``server``; the documents written per collection.

    ``database`` names the target for a single-database dump (default: the dumped one);
    missing databases are created. Existing collections and views of the same name are
    replaced with ``overwrite`` (arangorestore's default), else 1207 is raised. System
    collections are skipped unless ``include_system`` (arangorestore's
    ``--include-system-collections``).

    All or nothing: every file is read and parsed first, a new database's name is checked
    (1229), and when a later step fails (a collection, index or view ArangoDB would
    refuse) the databases created are dropped and existing ones put back as they were.
    """
    dumps = read(path)
    if database is not None and len(dumps) > 1:
        raise RestoreError(f"{path}: holds {len(dumps)} databases; do not name a target")
    # every data file is read and parsed before anything is written: a corrupt dump
    # leaves the server as it was
    parsed = {
        id(dump): {name: [_documents(p, name) for p in paths] for name, paths in dump.data.items()}
        for dump in dumps
    }
    targets = [database or dump.database for dump in dumps]
    created = [name for name in targets if name not in server.databases]
    for name in created:
        problem = name_error(name)
        if problem is not None:
            raise problem
    # undoing a failed load: drop what it created; only when it would replace existing
    # collections or views is the server copied first (a hot backup) to put them back
    backup = server.copy_data() if _replaces(server, dumps, targets, include_system) else None
    before = {
        name: (set(server.databases[name].collections), set(V.views(server.databases[name])))
        for name in targets
        if name in server.databases
    }
    try:
        return _load(server, dumps, targets, parsed, overwrite, include_system)
    except BaseException:
        if backup is not None:
            server.restore_data(*backup)
        else:
            _drop_new(server, created, before)
        raise


def _replaces(
    server: Server, dumps: list[DumpDirectory], targets: list[str], include_system: bool
) -> bool:
    """Whether loading would replace a collection or view that exists already."""
    for dump, name in zip(dumps, targets, strict=True):
        db = server.databases.get(name)
        if db is None:
            continue
        for structure in dump.structures:
            if (include_system or not _is_system(structure)) and _name(structure) in db.collections:
                return True
        if any(V.find(db, str(view.get("name"))) is not None for view in dump.views):
            return True
    return False


def _drop_new(
    server: Server, created: list[str], before: dict[str, tuple[set[str], set[str]]]
) -> None:
    """Drop the databases, and in existing databases the collections and views, that a
    failed load created."""
    for name in created:
        if name in server.databases:
            server.drop_database(name)
    for name, (collections, views) in before.items():
        db = server.databases[name]
        for vname, view in list(V.views(db).items()):
            if vname not in views:
                V.drop(db, view)
        for cname in list(db.collections):
            if cname not in collections:
                db.drop_collection(cname)


def _load(
    server: Server,
    dumps: list[DumpDirectory],
    targets: list[str],
    parsed: dict[int, dict[str, list[list[Any]]]],
    overwrite: bool,
    include_system: bool,
) -> dict[str, int]:
    """Write the checked dumps into their target databases, in arangorestore's order."""
    counts: dict[str, int] = {}
    for dump, name in zip(dumps, targets, strict=True):
        if name not in server.databases:
            server.create_database(name)
        db = server.database(name)
        prefix = "" if len(dumps) == 1 else f"{name}/"
        ordered = sorted(
            (s for s in dump.structures if include_system or not _is_system(s)), key=_order
        )
        for structure in ordered:
            restore_collection(db, structure, overwrite=overwrite)
        for structure in ordered:
            cname = structure["parameters"]["name"]
            col = db.collections.get(cname)
            if col is None:
                continue
            total = 0
            for values in parsed[id(dump)].get(cname, ()):
                total += restore_documents(col, values)
            counts[prefix + cname] = total
            if "indexes" in structure:  # arangodump always writes them; a hand-made file may not
                restore_indexes(db, structure)
        for view in dump.views:
            restore_view(db, view, overwrite=overwrite)
    return counts


def _name(structure: dict[str, Any]) -> str:
    return str(structure["parameters"]["name"])


def _is_system(structure: dict[str, Any]) -> bool:
    return _name(structure).startswith("_")


def _order(structure: dict[str, Any]) -> tuple[bool, str]:
    """System collections first, then by name (as arangorestore sorts them)."""
    name = str(structure["parameters"]["name"])
    return (not name.startswith("_"), name)
