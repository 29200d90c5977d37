"""Foxx services: installed from a zip archive or a single JavaScript file, kept per
database and mount point, and served from the JavaScript engine.

A service's files stay in memory (the archive too, for download); its manifest gives the
main file, the scripts, the configuration definitions and dependencies. Requests under a
mount point reach :func:`serve` (an emulator ``before`` hook), which admits them like any
request and hands them to the service's routers in the engine.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ...backend import BackendRequest, BackendResponse
from ...base.errors import ArangoError
from ..context import json_response
from .engine import Frame, JsEngine
from .errors import response_code
from .foxx_runtime import FOXX_RUNTIME

__all__ = ["FoxxService", "FoxxStore", "read_archive", "serve", "single_file"]

PART = "foxx"


def _service_error(num: int, message: str | None = None, status: int = 400) -> ArangoError:
    return ArangoError(num, message, status)


@dataclass
class FoxxService:
    """One installed service."""

    database: str
    mount: str
    files: dict[str, str]
    archive: bytes
    manifest: dict[str, Any]
    configuration: dict[str, Any] = field(default_factory=dict)
    dependencies: dict[str, Any] = field(default_factory=dict)
    development: bool = False
    generation: int = 0

    @property
    def key(self) -> str:
        return f"{self.generation}:{self.database}{self.mount}"

    def config_values(self) -> dict[str, Any]:
        """Configuration as the service sees it: defaults overridden by set values."""
        values: dict[str, Any] = {}
        defs = self.manifest.get("configuration")
        if isinstance(defs, dict):
            for name, spec in defs.items():
                if isinstance(spec, dict) and "default" in spec:
                    values[name] = spec["default"]
        values.update(self.configuration)
        return values

    def describe(self) -> dict[str, Any]:
        """The service as the Foxx API describes it."""
        m = self.manifest
        return {
            "mount": self.mount,
            "name": m.get("name"),
            "version": m.get("version"),
            "development": self.development,
            "legacy": False,
            "manifest": m,
            "checksum": hashlib.sha1(self.archive).hexdigest()[:8],
            "options": {
                "configuration": self.config_values(),
                "dependencies": dict(self.dependencies),
            },
        }

    def summary(self) -> dict[str, Any]:
        m = self.manifest
        provides = m.get("provides") if isinstance(m.get("provides"), dict) else {}
        return {
            "mount": self.mount,
            "name": m.get("name"),
            "version": m.get("version"),
            "provides": provides,
            "development": self.development,
            "legacy": False,
        }


class FoxxStore:
    """Installed services by database and mount point, and their definitions in the engine."""

    def __init__(self, engine: JsEngine) -> None:
        self.engine = engine
        self.services: dict[str, dict[str, FoxxService]] = {}
        self._defined = False
        self._generation = 0

    def in_database(self, db: str) -> dict[str, FoxxService]:
        return self.services.setdefault(db, {})

    def get(self, db: str, mount: str) -> FoxxService:
        service = self.services.get(db, {}).get(mount)
        if service is None:
            raise _service_error(3009, f"No service found at mount path: {mount}")
        return service

    def find(self, db: str, path: str) -> FoxxService | None:
        """The service whose mount point is the longest prefix of ``path``."""
        mounted = self.services.get(db)
        if not mounted:
            return None
        best: FoxxService | None = None
        for mount, service in mounted.items():
            if (path == mount or path.startswith(mount + "/")) and (
                best is None or len(mount) > len(best.mount)
            ):
                best = service
        return best

    def put(self, service: FoxxService) -> None:
        """Install or replace ``service`` and (re)define it in the engine."""
        old = self.services.get(service.database, {}).get(service.mount)
        if old is not None:
            self.engine.invoke("__foxx_forget", old.key)
        self.in_database(service.database)[service.mount] = service
        self.define(service)

    def define(self, service: FoxxService) -> None:
        """(Re)send ``service``'s files and settings to the engine (its routers reload)."""
        if not self._defined:
            self.engine.define(FOXX_RUNTIME)
            self._defined = True
        self.engine.invoke("__foxx_forget", service.key)
        self._generation += 1
        service.generation = self._generation
        spec = {
            "database": service.database,
            "mount": service.mount,
            "files": service.files,
            "manifest": service.manifest,
            "configuration": service.config_values(),
            "dependencies": service.dependencies,
            "development": service.development,
        }
        self.engine.invoke("__foxx_define", service.key, json.dumps(spec))

    def remove(self, service: FoxxService) -> None:
        self.engine.invoke("__foxx_forget", service.key)
        self.services.get(service.database, {}).pop(service.mount, None)

    def run_script(self, service: FoxxService, name: str, frame: Frame, args: Any) -> Any:
        """Run the manifest's script ``name``; its exports are the answer."""
        scripts = service.manifest.get("scripts")
        file = scripts.get(name) if isinstance(scripts, dict) else None
        if not isinstance(file, str):
            raise _service_error(3016, f'Service does not have a script named "{name}"')
        with self.engine.entered(frame):
            outcome = self.engine.invoke("__foxx_script", service.key, file, json.dumps(args))
        if outcome.error is not None:
            error = outcome.error
            num = error.get("errorNum")
            if isinstance(num, int):
                raise ArangoError(num, str(error.get("message", "")), response_code(num))
            raise ArangoError(
                3103, f"{error.get('name', 'Error')}: {error.get('message', '')}", 500
            )
        return outcome.value


# ------------------------------------------------------------------ archives
def _clean(name: str) -> str:
    return name.replace("\\", "/").lstrip("/")


def read_archive(data: bytes) -> dict[str, str]:
    """The text files of a zip archive (one top-level folder holding everything is cut)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = {
                _clean(info.filename): archive.read(info).decode("utf-8", "replace")
                for info in archive.infolist()
                if not info.is_dir() and not info.filename.endswith(("/", "\\"))
            }
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _service_error(3015, f"error resolving source: {exc}") from None
    if "manifest.json" not in files:
        roots = {name.split("/", 1)[0] for name in files}
        if len(roots) == 1:
            root = roots.pop() + "/"
            files = {name[len(root) :]: text for name, text in files.items()}
    if "manifest.json" not in files:
        raise _service_error(3012, "missing manifest file")
    return files


def single_file(source: str) -> tuple[dict[str, str], bytes]:
    """A service made of one JavaScript file (its main file, with a minimal manifest)."""
    manifest = {"main": "index.js"}
    files = {"index.js": source, "manifest.json": json.dumps(manifest)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return files, buffer.getvalue()


def manifest_of(files: dict[str, str]) -> dict[str, Any]:
    try:
        manifest = json.loads(files["manifest.json"])
    except (KeyError, ValueError) as exc:
        raise _service_error(3000, f"failed to parse manifest file: {exc}") from None
    if not isinstance(manifest, dict):
        raise _service_error(3001, "manifest file is invalid")
    return manifest


# ------------------------------------------------------------------- serving
def serve(emulator: Any, request: BackendRequest) -> BackendResponse | None:
    """Emulator ``before`` hook: answer requests under a mount point from the service."""
    js = emulator.javascript
    store: FoxxStore | None = js.parts.get(PART) if js is not None else None
    if store is None or not store.services:
        return None
    db_name, path = emulator.router.locate(request.method, request.path)[:2]
    if path.startswith("/_"):
        return None
    service = store.find(db_name, path)
    if service is None:
        return None
    admission = emulator.admit(request)
    frame = Frame(
        emulator.dispatch,
        db_name,
        {k: v for k, v in request.headers.items() if k == "authorization"},
    )
    host = request.headers.get("host", "localhost:8529")
    hostname, _, port = host.partition(":")
    relative = path[len(service.mount) :] or "/"
    spec = {
        "method": request.method,
        "path": relative,
        "fullPath": path,
        "query": request.query,
        "headers": request.headers,
        "body": request.body.decode("utf-8", "replace"),
        "database": db_name,
        "user": admission.user,
        "host": hostname or "localhost",
        "port": int(port) if port.isdigit() else 8529,
    }
    with store.engine.entered(frame):
        outcome = store.engine.invoke("__foxx_handle", service.key, json.dumps(spec))
    return _response(outcome.value or {})


def _response(answer: dict[str, Any]) -> BackendResponse:
    headers = {str(k): str(v) for k, v in (answer.get("headers") or {}).items()}
    error = answer.get("error")
    if error is not None:
        status = int(answer.get("status") or 0)
        num = error.get("errorNum")
        if "status" in error:
            status = int(error["status"])
            num = status
        elif isinstance(num, int) and not status:
            status = response_code(num)
        if not status:
            status, num = 500, 500
        message = str(error.get("message", ""))
        payload = {
            "error": True,
            "errorNum": num if isinstance(num, int) else status,
            "errorMessage": message,
            "code": status,
        }
        return json_response(status, payload, headers)
    body = answer.get("body")
    if answer.get("type"):
        headers.setdefault("content-type", str(answer["type"]))
    data = b"" if body is None else str(body).encode()
    status = int(answer.get("status") or 200)
    if body is None and status == 200:
        status = 204
    return BackendResponse(status, headers, data)


def mount_url(db: str, mount: str) -> str:
    return f"/_db/{quote(db, safe='')}{mount}"
