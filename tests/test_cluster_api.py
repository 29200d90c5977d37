"""Cluster endpoints answered as a single server answers them."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    ClusterEndpointsError,
    ClusterHealthError,
    ClusterMaintenanceModeError,
    ClusterRebalanceError,
    ClusterServerIDError,
    ClusterStatisticsError,
)
from arangoasync.typings import UserInfo


async def test_health_needs_an_agency(sys_db: Any) -> None:
    with pytest.raises(ClusterHealthError) as exc:
        await sys_db.cluster.health()
    assert (exc.value.http_code, exc.value.error_code) == (403, 403)
    assert exc.value.error_message == "only allowed on single server with active failover"


async def test_endpoints_are_not_served(sys_db: Any) -> None:
    with pytest.raises(ClusterEndpointsError) as exc:
        await sys_db.cluster.endpoints()
    assert (exc.value.http_code, exc.value.error_code) == (501, 9)
    assert exc.value.error_message == "cannot serve this request for this deployment type"


async def test_coordinator_only_commands(sys_db: Any) -> None:
    with pytest.raises(ClusterStatisticsError) as exc:
        await sys_db.cluster.statistics("PRMR-1")
    assert (exc.value.http_code, exc.value.error_message) == (403, "only allowed on coordinators")
    with pytest.raises(ClusterRebalanceError) as exc2:
        await sys_db.cluster.calculate_imbalance()
    assert (exc2.value.http_code, exc2.value.error_code) == (403, 403)
    with pytest.raises(ClusterMaintenanceModeError) as exc3:
        await sys_db.cluster.server_maintenance_mode("PRMR-1")
    assert exc3.value.http_code == 403


async def test_single_server_identity(sys_db: Any) -> None:
    assert await sys_db.cluster.server_role() == "SINGLE"
    with pytest.raises(ClusterServerIDError):
        await sys_db.cluster.server_id()


async def test_maintenance_needs_admin_first(client: Any, sys_db: Any) -> None:
    with pytest.raises(ClusterMaintenanceModeError) as exc:
        await sys_db.cluster.toggle_maintenance_mode("on")
    assert exc.value.error_message == "only allowed on single server with active failover"
    await sys_db.create_user(UserInfo(user="reader", password="pw"))
    await sys_db.update_permission("reader", "ro", "_system")
    reader = await client.db("_system", auth=Auth("reader", "pw"))
    with pytest.raises(ClusterMaintenanceModeError) as exc2:
        await reader.cluster.toggle_maintenance_mode("on")
    assert (exc2.value.http_code, exc2.value.error_code) == (403, 403)
    assert exc2.value.error_message == "forbidden"
