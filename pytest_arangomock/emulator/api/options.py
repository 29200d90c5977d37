"""Startup options and the recent-query log: ``/_admin/options``, ``/_admin/options-description``
``/_admin/server/aql-queries`` and ``/_admin/server/api-calls``.

The option endpoints answer with a *subset* of a 3.12 single server's startup options: the ones
whose behaviour the emulator models (authentication, naming, query tracking and limits, the
JavaScript switches, HTTP and logging APIs, TTL), under ArangoDB's option names with the values of
a server started with default options. The emulator does not read startup options, so these
values describe it rather than configure it.

Who may read them follows ``--server.options-api``. ArangoDB's default is ``jwt`` (a superuser
token only); the emulator answers as a server started with ``--server.options-api admin``, the
setting python-arango-async's own CI and most test set-ups use, so that a test logged in as root
can read them: users with write access to ``_system`` and superuser tokens are let in, other users
get 403. Either way only the ``_system`` database answers (403, error 1230).

``/_admin/server/aql-queries`` lists the recently *recorded* AQL queries of every database,
newest first (``--server.aql-query-recording``, on by default: every cursor request's query,
database and bind parameters with a time stamp). It needs read access to the request's
database (401 otherwise) and administrate access to ``_system`` (403).
``/_admin/server/api-calls`` lists the recently admitted requests (``--server.api-call-recording``,
on by default), most recent first, under the same rights.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from ...backend import BackendResponse
from ...base.errors import ArangoError
from .. import auth
from ..context import Context
from ..router import AUTH, DB_RO, route

AREA = "admin"

#: the ``--server.options-api`` policy the emulator applies (see the module docstring)
OPTIONS_API = "admin"

_ALL_ROLES = ["coordinator", "dbserver", "agent", "single"]
_SERVERS = ["coordinator", "dbserver", "single"]
_FRONT = ["coordinator", "single"]


class Option(NamedTuple):
    """One startup option: name, value type, default, short description, server roles."""

    name: str
    type: str
    default: Any
    description: str
    component: list[str]


OPTIONS: tuple[Option, ...] = (
    # server
    Option("server.authentication", "boolean", True,
           "Whether to use authentication for all client requests.", _FRONT),
    Option("server.authentication-system-only", "boolean", True,
           "Use HTTP authentication only for requests to /_api and /_admin endpoints.", _FRONT),
    Option("server.harden", "boolean", False,
           "Lock down REST APIs that reveal version information or server internals "
           "for non-admin users.", _ALL_ROLES),
    Option("server.options-api", "string", "jwt",
           "The policy for exposing the options API.", _ALL_ROLES),
    Option("server.session-timeout", "double", 3600.0,
           "The lifetime of JWT session tokens in seconds.", _FRONT),
    Option("server.storage-engine", "string", "rocksdb",
           "The storage engine type (note that the MMFiles engine is unavailable "
           "since v3.7.0 and cannot be used anymore).", _SERVERS),
    Option("server.statistics", "boolean", True,
           "Whether to enable statistics gathering and statistics APIs.", _ALL_ROLES),
    Option("server.export-metrics-api", "boolean", True,
           "Whether to enable the metrics API.", _ALL_ROLES),
    Option("server.support-info-api", "string", "admin",
           "The policy for exposing the support info API.", _ALL_ROLES),
    # database
    Option("database.extended-names", "boolean", True,
           "Allow most UTF-8 characters in the names of databases, collections, "
           "Views and indexes.", _ALL_ROLES),
    Option("database.wait-for-sync", "boolean", False,
           "The default waitForSync behavior. Can be overwritten when creating "
           "a collection.", _SERVERS),
    Option("database.max-databases", "uint64", 18446744073709551615,
           "The maximum number of databases that can exist in parallel.", _FRONT),
    Option("database.default-replication-version", "string", "1",
           "The default replication version, can be overwritten when creating "
           "a new database.", _FRONT),
    # query
    Option("query.tracking", "boolean", True,
           "Whether to track queries.", _SERVERS),
    Option("query.tracking-with-bindvars", "boolean", True,
           "Whether to track bind variable of AQL queries.", _SERVERS),
    Option("query.tracking-with-querystring", "boolean", True,
           "Whether to track the query string.", _SERVERS),
    Option("query.tracking-with-datasources", "boolean", False,
           "Whether to track data sources of AQL queries.", _SERVERS),
    Option("query.slow-threshold", "double", 10.0,
           "The threshold for slow AQL queries (in seconds).", _SERVERS),
    Option("query.slow-streaming-threshold", "double", 10.0,
           "The threshold for slow streaming AQL queries (in seconds).", _SERVERS),
    Option("query.max-runtime", "double", 0.0,
           "The runtime threshold for AQL queries (in seconds, 0 = no limit).", _SERVERS),
    Option("query.fail-on-warning", "boolean", False,
           "Whether AQL queries should fail with errors even for recoverable warnings.",
           _SERVERS),
    Option("query.require-with", "boolean", False,
           "Whether AQL queries should require the `WITH collection-name` clause "
           "even on single servers.", _SERVERS),
    Option("query.optimizer-max-plans", "uint64", 128,
           "The maximum number of query plans to create for a query.", _SERVERS),
    Option("query.cache-mode", "string", "off",
           "The mode for the AQL query result cache. Can be \"on\", \"off\", "
           "or \"demand\".", _SERVERS),
    Option("query.cache-entries", "uint64", 128,
           "The maximum number of results in query result cache per database.", _SERVERS),
    Option("query.cache-entry-max-size", "uint64", 16777216,
           "The maximum size of an individual result entry in query result cache per "
           "database.", _SERVERS),
    Option("query.cache-entries-max-size", "uint64", 268435456,
           "The maximum cumulated size of results in the query result cache per database.",
           _SERVERS),
    Option("query.cache-include-system-collections", "boolean", False,
           "Whether to include system collection queries in the query result cache.",
           _SERVERS),
    # javascript
    Option("javascript.enabled", "boolean", True,
           "Enable the V8 JavaScript engine.", _FRONT),
    Option("javascript.allow-admin-execute", "boolean", False,
           "For testing purposes, allow /_admin/execute. NEVER enable on production.",
           _FRONT),
    Option("javascript.transactions", "boolean", True,
           "Enable JavaScript transactions.", _FRONT),
    Option("javascript.tasks", "boolean", True,
           "Enable JavaScript tasks.", _FRONT),
    Option("javascript.user-defined-functions", "boolean", True,
           "Enable JavaScript user-defined functions (UDFs) in AQL queries.", _FRONT),
    # http
    Option("http.allow-method-override", "boolean", False,
           "Allow HTTP method override using special headers.", _ALL_ROLES),
    Option("http.hide-product-header", "boolean", False,
           "Do not expose \"Server: ArangoDB\" header in HTTP responses.", _ALL_ROLES),
    Option("http.keep-alive-timeout", "double", 300.0,
           "The keep-alive timeout for HTTP connections (in seconds).", _ALL_ROLES),
    Option("http.trusted-origin", "string...", [],
           "The trusted origin URLs for CORS requests with credentials.", _ALL_ROLES),
    Option("http.compress-response-threshold", "uint64", 0,
           "The HTTP response body size from which on responses are transparently "
           "compressed in case the client asks for it.", _ALL_ROLES),
    # log
    Option("log.level", "string...", ["info"],
           "Set the topic-specific log level, using `--log.level level` for the general "
           "topic or `--log.level topic=level` for the specified topic (can be specified "
           "multiple times).", _ALL_ROLES),
    Option("log.api-enabled", "string", "true",
           "Whether the log API is enabled (true) or not (false), or only enabled for "
           "superuser JWT (jwt).", _ALL_ROLES),
    Option("log.recording-api-enabled", "string", "true",
           "Whether the recording API is enabled (true) or not (false), or only enabled "
           "for the superuser (jwt).", _ALL_ROLES),
    Option("log.use-json-format", "boolean", False,
           "Use JSON as output format for logging.", _ALL_ROLES),
    Option("log.max-entry-length", "uint32", 134217728,
           "The maximum length of a log entry (in bytes).", _ALL_ROLES),
    # ttl
    Option("ttl.frequency", "uint64", 30000,
           "The frequency (in milliseconds) for the TTL background thread invocation "
           "(0 = turn the TTL background thread off entirely).", _SERVERS),
    Option("ttl.max-total-removes", "uint64", 1000000,
           "The maximum number of documents to remove per invocation of the "
           "TTL thread.", _SERVERS),
    Option("ttl.max-collection-removes", "uint64", 100000,
           "The maximum number of documents to remove per collection.", _SERVERS),
)  # fmt: skip

#: values that differ from an option's default on the emulated server
_EFFECTIVE = {"server.options-api": OPTIONS_API}


def effective_options() -> dict[str, Any]:
    """``/_admin/options``: option name -> effective value."""
    return {opt.name: _EFFECTIVE.get(opt.name, opt.default) for opt in OPTIONS}


def describe(opt: Option) -> dict[str, Any]:
    """One entry of ``/_admin/options-description``."""
    return {
        "section": opt.name.partition(".")[0],
        "description": opt.description,
        "category": "option",
        "hidden": False,
        "type": opt.type,
        "experimental": False,
        "obsolete": False,
        "enterpriseOnly": False,
        "requiresValue": opt.type != "boolean",
        "os": ["linux"],
        "component": list(opt.component),
        "introducedIn": None,
        "deprecatedIn": None,
        "default": opt.default,
        "dynamic": False,
        "required": False,
    }


def _check_options_access(ctx: Context) -> None:
    """``_system`` only, then ``--server.options-api``'s policy."""
    if not ctx.db.is_system:
        raise ArangoError(1230, "operation only allowed in system database", 403)
    superuser = auth.identify(ctx.server, ctx.request.headers) == ""
    if superuser or OPTIONS_API == "public":
        return
    if OPTIONS_API == "jwt":
        raise auth.unauthorized(ctx.request.headers)
    if not auth.is_admin(ctx):
        raise ArangoError(11, "forbidden", 403)


@route("GET", "/_admin/options", area=AREA, access=AUTH)
def get_options(ctx: Context) -> BackendResponse:
    """The effective startup options (a subset; see the module docstring)."""
    _check_options_access(ctx)
    return ctx.json(200, effective_options())


@route("GET", "/_admin/options-description", area=AREA, access=AUTH)
def get_options_description(ctx: Context) -> BackendResponse:
    """The available startup options with their descriptions and defaults (a subset)."""
    _check_options_access(ctx)
    return ctx.json(200, {opt.name: describe(opt) for opt in OPTIONS})


def _recent(ctx: Context, key: str, listing: Callable[[], list[Any]]) -> BackendResponse:
    """A recent-activity listing: admins only (11 otherwise), read after the check."""
    if not auth.is_admin(ctx):
        raise ArangoError(11, "forbidden", 403)
    return ctx.json(200, {"error": False, "code": 200, "result": {key: listing()}})


@route("GET", "/_admin/server/aql-queries", area=AREA, access=DB_RO)
def recent_aql_queries(ctx: Context) -> BackendResponse:
    """The recently recorded AQL queries of every database, newest first."""
    return _recent(ctx, "queries", ctx.server.recent_queries.listed)


@route("GET", "/_admin/server/api-calls", area=AREA, access=DB_RO)
def recent_api_calls(ctx: Context) -> BackendResponse:
    """The most recent requests: time, method, path without the database prefix, database."""
    return _recent(ctx, "calls", ctx.server.api_calls.listing)
