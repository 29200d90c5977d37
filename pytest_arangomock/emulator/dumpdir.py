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
        kind = encryption.read_text().strip()
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
    counts: dict[str, int] = {}
    for dump in dumps:
        name = database or dump.database
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
            restore_indexes(db, structure)
        for view in dump.views:
            restore_view(db, view, overwrite=overwrite)
    return counts


def _is_system(structure: dict[str, Any]) -> bool:
    return str(structure["parameters"]["name"]).startswith("_")


def _order(structure: dict[str, Any]) -> tuple[bool, str]:
    """System collections first, then by name (as arangorestore sorts them)."""
    name = str(structure["parameters"]["name"])
    return (not name.startswith("_"), name)
