"""Foxx service management (``/_api/foxx``): install, replace, upgrade, uninstall, list,
configuration, dependencies, development mode, README, swagger, scripts, download.

Sources are a zip archive (raw body, multipart ``source`` field, or a server-side path in
a JSON body, as ArangoDB reads with ``--javascript.files-allowlist``) or a single
JavaScript file. Services live in ``emulator/js/foxx.py`` and are served by its hook.
Running a service's test suite (mocha) is not emulated: the reporters answer in their
formats with no tests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ..context import Context
from ..js import frame_for, javascript
from ..js.foxx import PART, FoxxService, FoxxStore, manifest_of, read_archive, single_file
from ..router import DB_RO, DB_RW, route

AREA = "foxx"
_JS_TYPES = ("application/javascript", "text/javascript", "application/x-javascript")


def _store(ctx: Context) -> FoxxStore:
    js = javascript(ctx)
    store = js.parts.get(PART)
    if store is None:
        store = js.parts[PART] = FoxxStore(js.engine)
    return store


def _mount(ctx: Context) -> str:
    mount = ctx.query.get("mount")
    if not mount:
        raise ArangoError(400, "missing mount", 400)
    if not mount.startswith("/"):
        mount = "/" + mount
    mount = mount.rstrip("/") or "/"
    if mount == "/" or mount.startswith("/_") or "//" in mount:
        raise ArangoError(3007, f"invalid mountpath: {mount}", 400)
    return mount


def _json_field(value: Any, what: str) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if isinstance(value, (bytes, str)):
        try:
            value = json.loads(value)
        except ValueError:
            raise ArangoError(3013, f"failed to parse service options: {what}", 400) from None
    if not isinstance(value, dict):
        raise ArangoError(3013, f"failed to parse service options: {what}", 400)
    return value


def _multipart(ctx: Context) -> dict[str, bytes]:
    body = ctx.request.body
    ctype = ctx.header("content-type") or ""
    if "boundary=" not in ctype:
        first = body.split(b"\r\n", 1)[0]
        if not first.startswith(b"--"):
            raise ArangoError(400, "malformed multipart body", 400)
        ctype = f"multipart/form-data; boundary={first[2:].decode('latin-1')}"
    message = BytesParser(policy=HTTP).parsebytes(
        f"content-type: {ctype}\r\n\r\n".encode("latin-1") + body
    )
    parts: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            parts[name] = payload if isinstance(payload, bytes) else b""
    return parts


def _from_bytes(data: bytes, js_file: bool = False) -> tuple[dict[str, str], bytes]:
    if js_file or not data.startswith(b"PK"):
        return single_file(data.decode("utf-8", "replace"))
    return read_archive(data), data


def _from_path(source: str) -> tuple[dict[str, str], bytes]:
    if source.startswith(("http://", "https://")):
        raise ArangoError(3015, f"error resolving source: cannot download {source}", 400)
    path = Path(source)
    if not path.is_file():
        raise ArangoError(3014, f"source path not found: {source}", 400)
    return _from_bytes(path.read_bytes(), js_file=path.suffix == ".js")


_Source = tuple[dict[str, str], bytes, dict[str, Any], dict[str, Any]]


def _with_settings(loaded: tuple[dict[str, str], bytes], fields: Mapping[str, Any]) -> _Source:
    """A loaded service's files and archive with the configuration and dependencies sent
    beside its source (none for a bare archive or script)."""
    files, archive = loaded
    return (
        files,
        archive,
        _json_field(fields.get("configuration"), "configuration"),
        _json_field(fields.get("dependencies"), "dependencies"),
    )


def _source(ctx: Context) -> _Source:
    """Files, archive, configuration and dependencies from the request, in any form."""
    ctype = (ctx.header("content-type") or "").split(";")[0].strip().lower()
    body = ctx.request.body
    if ctype == "multipart/form-data" or (not ctype and body.startswith(b"--")):
        parts = _multipart(ctx)
        if "source" not in parts:
            raise ArangoError(400, "missing 'source' in multipart body", 400)
        return _with_settings(_from_bytes(parts["source"]), parts)
    if ctype in _JS_TYPES:
        return _with_settings(_from_bytes(body, js_file=True), {})
    if ctype in ("application/zip", "application/octet-stream") or body.startswith(b"PK"):
        return _with_settings(_from_bytes(body), {})
    spec = ctx.body()
    if not isinstance(spec, dict) or not isinstance(spec.get("source"), str):
        raise ArangoError(400, "expected a zip archive, a JavaScript file or {source}", 400)
    return _with_settings(_from_path(spec["source"]), spec)


def _install(ctx: Context, replace: bool, upgrade: bool = False) -> FoxxService:
    store = _store(ctx)
    mount = _mount(ctx)
    existing = store.services.get(ctx.db.name, {}).get(mount)
    if existing is None and replace and not ctx.flag("force"):
        store.get(ctx.db.name, mount)  # 3009
    if existing is not None and not replace:
        raise ArangoError(3011, f"service already exists at mount path: {mount}", 400)
    files, archive, configuration, dependencies = _source(ctx)
    if upgrade and existing is not None:
        configuration = {**existing.configuration, **configuration}
        dependencies = {**existing.dependencies, **dependencies}
    service = FoxxService(
        ctx.db.name,
        mount,
        files,
        archive,
        manifest_of(files),
        configuration,
        dependencies,
        ctx.flag("development"),
    )
    frame = frame_for(ctx)
    if existing is not None and ctx.flag("teardown", replace and not upgrade):
        _maybe_script(store, existing, "teardown", frame)
    store.put(service)
    if ctx.flag("setup", True):
        _maybe_script(store, service, "setup", frame)
    return service


def _maybe_script(store: FoxxStore, service: FoxxService, name: str, frame: Any) -> None:
    scripts = service.manifest.get("scripts")
    if isinstance(scripts, dict) and name in scripts:
        store.run_script(service, name, frame, [])


def _service(ctx: Context) -> FoxxService:
    return _store(ctx).get(ctx.db.name, _mount(ctx))


@route("GET", "/_api/foxx", area=AREA, access=DB_RO)
def list_services(ctx: Context) -> BackendResponse:
    """The installed services (``excludeSystem`` leaves out mounts under ``/_``)."""
    store = _store(ctx)
    exclude = ctx.flag("excludeSystem", True)
    found = [
        s.summary()
        for mount, s in sorted(store.services.get(ctx.db.name, {}).items())
        if not (exclude and mount.startswith("/_"))
    ]
    return ctx.json(200, found)


@route("POST", "/_api/foxx", area=AREA, access=DB_RW)
def install(ctx: Context) -> BackendResponse:
    """Install a service at ``mount`` (runs its setup script unless ``setup=false``)."""
    return ctx.json(201, _install(ctx, replace=False).describe())


@route("GET", "/_api/foxx/service", area=AREA, access=DB_RO)
def describe_service(ctx: Context) -> BackendResponse:
    """One service's description."""
    return ctx.json(200, _service(ctx).describe())


@route("PUT", "/_api/foxx/service", area=AREA, access=DB_RW)
def replace_service(ctx: Context) -> BackendResponse:
    """Replace a service: teardown of the old one, setup of the new one."""
    return ctx.json(200, _install(ctx, replace=True).describe())


@route("PATCH", "/_api/foxx/service", area=AREA, access=DB_RW)
def upgrade_service(ctx: Context) -> BackendResponse:
    """Upgrade a service: configuration and dependencies are kept unless given."""
    return ctx.json(200, _install(ctx, replace=True, upgrade=True).describe())


@route("DELETE", "/_api/foxx/service", area=AREA, access=DB_RW)
def uninstall(ctx: Context) -> BackendResponse:
    """Uninstall a service (its teardown script runs unless ``teardown=false``)."""
    store = _store(ctx)
    service = _service(ctx)
    if ctx.flag("teardown", True):
        _maybe_script(store, service, "teardown", frame_for(ctx))
    store.remove(service)
    return BackendResponse(204, {}, b"")


def _settings(ctx: Context, attr: str) -> BackendResponse:
    """GET (and HEAD) reads the service's ``attr``, PATCH merges the body into it, PUT
    replaces it."""
    service = _service(ctx)
    if ctx.method in ("PATCH", "PUT"):
        given = _json_field(ctx.body(allow_empty=True), attr)
        current = getattr(service, attr)
        setattr(service, attr, {**current, **given} if ctx.method == "PATCH" else dict(given))
        _store(ctx).define(service)
    if attr == "configuration":
        return ctx.json(200, service.config_values())
    return ctx.json(200, dict(service.dependencies))


@route("GET", "/_api/foxx/configuration", area=AREA, access=DB_RO)
@route("PATCH|PUT", "/_api/foxx/configuration", area=AREA, access=DB_RW)
def configuration(ctx: Context) -> BackendResponse:
    """The service's configuration values (PATCH merges, PUT replaces)."""
    return _settings(ctx, "configuration")


@route("GET", "/_api/foxx/dependencies", area=AREA, access=DB_RO)
@route("PATCH|PUT", "/_api/foxx/dependencies", area=AREA, access=DB_RW)
def dependencies(ctx: Context) -> BackendResponse:
    """The service's dependency mount points (PATCH merges, PUT replaces)."""
    return _settings(ctx, "dependencies")


def _development(ctx: Context, on: bool) -> BackendResponse:
    service = _service(ctx)
    service.development = on
    _store(ctx).define(service)
    return ctx.json(200, service.describe())


@route("POST", "/_api/foxx/development", area=AREA, access=DB_RW)
def enable_development(ctx: Context) -> BackendResponse:
    """Development mode: the service reloads its files on every request."""
    return _development(ctx, True)


@route("DELETE", "/_api/foxx/development", area=AREA, access=DB_RW)
def disable_development(ctx: Context) -> BackendResponse:
    """Back to production mode."""
    return _development(ctx, False)


@route("GET", "/_api/foxx/readme", area=AREA, access=DB_RO)
def readme(ctx: Context) -> BackendResponse:
    """The service's README (204 when it has none)."""
    files = _service(ctx).files
    for name in ("README.md", "README", "readme.md", "Readme.md"):
        if name in files:
            return BackendResponse(
                200, {"content-type": "text/plain; charset=utf-8"}, files[name].encode()
            )
    return BackendResponse(204, {}, b"")


@route("GET", "/_api/foxx/swagger", area=AREA, access=DB_RO)
def swagger(ctx: Context) -> BackendResponse:
    """A Swagger 2.0 description of the service's routes."""
    service = _service(ctx)
    store = _store(ctx)
    with store.engine.entered(frame_for(ctx)):
        outcome = store.engine.invoke("__foxx_routes", service.key)
    outcome.raise_for(3103)
    paths: dict[str, dict[str, Any]] = {}
    for r in outcome.value or []:
        path = "/".join("{" + p[1:] + "}" if p.startswith(":") else p for p in r["path"].split("/"))
        doc = r.get("doc") or {}
        operation = {
            "operationId": r.get("name") or f"{r['method'].lower()}{path}",
            "summary": " ".join(doc.get("summary", [])),
            "description": " ".join(doc.get("description", [])),
            "parameters": [
                {"name": n, "in": "path", "required": True, "type": "string"}
                for n in r.get("pathParams", [])
            ]
            + [{"name": n, "in": "query", "type": "string"} for n in r.get("queryParams", [])],
            "responses": {"default": {"description": "Undocumented response body."}},
        }
        methods = (
            ["get", "post", "put", "patch", "delete"]
            if r["method"] == "*"
            else [r["method"].lower()]
        )
        for m in methods:
            paths.setdefault(path or "/", {})[m] = operation
    m = service.manifest
    return ctx.json(
        200,
        {
            "swagger": "2.0",
            "basePath": f"/_db/{ctx.db.name}{service.mount}",
            "paths": paths,
            "info": {
                "title": m.get("name") or service.mount,
                "description": m.get("description", ""),
                "version": m.get("version", ""),
                "license": {"name": m.get("license", "")},
            },
        },
    )


@route("GET", "/_api/foxx/scripts", area=AREA, access=DB_RO)
def list_scripts(ctx: Context) -> BackendResponse:
    """The service's scripts by name, with their titles."""
    scripts = _service(ctx).manifest.get("scripts")
    names = scripts if isinstance(scripts, dict) else {}
    return ctx.json(200, {name: name.replace("-", " ").title() for name in names})


@route("POST", "/_api/foxx/scripts/{name}", area=AREA, access=DB_RW)
def run_script(ctx: Context) -> BackendResponse:
    """Run a script; the body is its ``argv``, its exports the answer."""
    service = _service(ctx)
    args = ctx.body(allow_empty=True)
    result = _store(ctx).run_script(service, ctx.params["name"], frame_for(ctx), args)
    return ctx.json(200, result)


@route("POST", "/_api/foxx/tests", area=AREA, access=DB_RW)
def run_tests(ctx: Context) -> BackendResponse:
    """The test report in the requested reporter's format (service tests are not run)."""
    _service(ctx)
    reporter = ctx.query.get("reporter") or "default"
    accept = ctx.header("accept") or ""
    stats = {"suites": 0, "tests": 0, "passes": 0, "pending": 0, "failures": 0, "duration": 0}
    if reporter == "stream":
        lines = [["start", {"total": 0}], ["end", stats]]
        text = "".join(json.dumps(line) + "\r\n" for line in lines)
        ctype = "application/x-ldjson" if "x-ldjson" in accept else "text/plain"
        return BackendResponse(200, {"content-type": ctype}, text.encode())
    if reporter == "xunit":
        attrs = {"name": "", "tests": 0, "skipped": 0, "failures": 0, "errors": 0, "time": 0}
        return ctx.json(200, ["testsuite", attrs])
    if reporter == "tap":
        return BackendResponse(200, {"content-type": "text/plain"}, b"1..0\n")
    if reporter == "suite":
        return ctx.json(200, {"stats": stats, "suites": [], "tests": []})
    return ctx.json(200, {"stats": stats, "tests": [], "pending": [], "failures": [], "passes": []})


@route("POST", "/_api/foxx/download", area=AREA, access=DB_RW)
def download(ctx: Context) -> BackendResponse:
    """The service's bundle as a zip archive."""
    service = _service(ctx)
    name = (service.mount.strip("/").replace("/", "_") or "service") + ".zip"
    return BackendResponse(
        200,
        {"content-type": "application/zip", "content-disposition": f"attachment; filename={name}"},
        service.archive,
    )


@route("POST", "/_api/foxx/commit", area=AREA, access=DB_RW)
def commit(ctx: Context) -> BackendResponse:
    """Commit the local service state to the database (a single server has nothing to do)."""
    _store(ctx)
    return BackendResponse(204, {}, b"")
