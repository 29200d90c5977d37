"""Cluster endpoints, answered the way a single server answers them.

The emulator is one single server without an agency: health and maintenance need one (403,
"only allowed on single server with active failover"), the coordinator-only commands say so
(403), and the list of coordinator endpoints is not served at all (501/9), as in ArangoDB 3.12.
"""

from __future__ import annotations

from ...backend import BackendResponse
from ...base.errors import ArangoError
from .. import auth
from ..context import Context
from ..router import AUTH, route

AREA = "cluster"
NO_AGENCY = "only allowed on single server with active failover"
COORDINATORS_ONLY = "only allowed on coordinators"


def _forbidden(message: str = "forbidden") -> ArangoError:
    """ArangoDB's HTTP-level 403 (errorNum 403, unlike the 11 of permission checks)."""
    return ArangoError(403, message, 403)


def _require_admin(ctx: Context) -> None:
    if not auth.is_admin(ctx):
        raise _forbidden()


@route("GET", "/_admin/cluster/health", area=AREA, access=AUTH)
def cluster_health(ctx: Context) -> BackendResponse:
    """Health of the deployment's servers: a single server without agency has none to report."""
    raise _forbidden(NO_AGENCY)


@route("GET|PUT", "/_admin/cluster/maintenance", area=AREA, access=AUTH)
def cluster_maintenance(ctx: Context) -> BackendResponse:
    """Supervision maintenance mode: admins only, and only with an agency."""
    _require_admin(ctx)
    raise _forbidden(NO_AGENCY)


@route("GET|PUT", "/_admin/cluster/maintenance/{server}", area=AREA, access=AUTH)
@route("GET|POST|PUT", "/_admin/cluster/rebalance", area=AREA, access=AUTH)
@route("POST", "/_admin/cluster/rebalance/execute", area=AREA, access=AUTH)
@route("GET", "/_admin/cluster/statistics", area=AREA, access=AUTH)
@route("GET|PUT", "/_admin/cluster/numberOfServers", area=AREA, access=AUTH)
@route("GET", "/_admin/cluster/shardDistribution", area=AREA, access=AUTH)
@route("PUT", "/_admin/cluster/collectionShardDistribution", area=AREA, access=AUTH)
@route("POST", "/_admin/cluster/moveShard", area=AREA, access=AUTH)
@route("POST", "/_admin/cluster/cleanOutServer", area=AREA, access=AUTH)
@route("POST", "/_admin/cluster/resignLeadership", area=AREA, access=AUTH)
@route("PUT", "/_admin/cluster/uniqId", area=AREA, access=AUTH)
def coordinator_only(ctx: Context) -> BackendResponse:
    """Commands that only a coordinator serves."""
    raise _forbidden(COORDINATORS_ONLY)


@route("GET", "/_api/cluster/endpoints", area=AREA, access=AUTH, emulated=False)
def cluster_endpoints(ctx: Context) -> BackendResponse:
    """Coordinator endpoints: not served by a single server."""
    raise ArangoError(9, "cannot serve this request for this deployment type", 501)
