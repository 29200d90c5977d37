"""Restore an arangodump directory through any backend's HTTP API, as arangorestore does.

Used where the test's requests do not reach an in-process emulator (a live server, or a
cassette that records the restore with the rest of the test); the emulator itself loads
dumps straight into its state (:meth:`Emulator.restore`), with the same result.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..backend import Backend, BackendRequest, answer_sync
from ..emulator.dumpdir import data_text, read

__all__ = ["restore_over_http"]


def _send(backend: Backend, path: str, query: dict[str, str], body: bytes, password: str) -> None:
    token = base64.b64encode(f"root:{password}".encode()).decode("ascii")
    headers = {"authorization": f"Basic {token}", "content-type": "application/json"}
    resp = answer_sync(backend, BackendRequest("PUT", path, query, headers, body))
    if resp.status != 200:
        detail = resp.body[:300].decode("utf-8", errors="replace")
        raise RuntimeError(f"arangomock: restore failed at {path}: HTTP {resp.status} {detail}")


def _encode(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def restore_over_http(
    backend: Backend, path: str | Path, database: str, password: str = ""
) -> None:
    """Send a one-database dump to ``database`` (which must exist) route by route:
    collections, their data files, their indexes, then views (user collections only)."""
    dumps = read(path)
    if len(dumps) != 1:
        raise RuntimeError(f"arangomock: {path} holds {len(dumps)} databases; expected one")
    dump = dumps[0]
    base = f"/_db/{quote(database, safe='')}/_api/replication"
    structures = [s for s in dump.structures if not s["parameters"]["name"].startswith("_")]
    for structure in structures:
        overwrite = {"overwrite": "true"}
        _send(backend, f"{base}/restore-collection", overwrite, _encode(structure), password)
    for structure in structures:
        name = structure["parameters"]["name"]
        for data in dump.data.get(name, ()):
            raw = data_text(data).encode("utf-8")
            _send(backend, f"{base}/restore-data", {"collection": name}, raw, password)
        _send(backend, f"{base}/restore-indexes", {}, _encode(structure), password)
    for view in dump.views:
        _send(backend, f"{base}/restore-view", {"overwrite": "true"}, _encode(view), password)
