"""Authentication and permissions as a driver sees them: 401, 403 and read-only users."""

from __future__ import annotations

import pytest
import pytest_asyncio

from ._helpers import masked
from .conftest import Names
from .facade import ConnectionRefused, Database, Driver, ServerError

pytestmark = pytest.mark.asyncio

NOT_AUTHORIZED = (11, 401, "not authorized to execute this request")


def _shape(error: ServerError) -> tuple[int | None, int | None, str | None]:
    return (error.error_code, error.http_code, error.error_message)


@pytest_asyncio.fixture
async def users(db: Database, sys_db: Database, names: Names) -> dict[str, str]:
    """A collection ``items`` with one document and users with rw, ro and no access."""
    items = await db.create_collection("items")
    await items.insert({"_key": "a", "n": 1})
    made = {}
    for role, level in (("rw", "rw"), ("ro", "ro"), ("none", "none")):
        name = names.user(role)
        names.created_users.append(name)
        await sys_db.create_user(name, "pw-" + role)
        await sys_db.update_permission(name, level, names.database)
        made[role] = name
    return made


async def test_wrong_password(client: Driver, names: Names, db: Database) -> None:
    with pytest.raises(ConnectionRefused):
        await client.connect(names.database, "root", "definitely-wrong", verify=True)
    wrong = await client.connect(names.database, "root", "definitely-wrong")
    with pytest.raises(ServerError) as listing:  # the request behind verify=True
        await wrong.collections()
    assert _shape(listing.value) == NOT_AUTHORIZED
    with pytest.raises(ServerError) as version:
        await wrong.version()
    assert _shape(version.value) == NOT_AUTHORIZED


async def test_read_only_user(client: Driver, names: Names, users: dict[str, str]) -> None:
    ro = await client.connect(names.database, users["ro"], "pw-ro", verify=True)
    assert masked(await ro.collection("items").get("a")) == {
        "_key": "a",
        "_id": "items/a",
        "_rev": "<_rev>",
        "n": 1,
    }
    cursor = await ro.query("FOR d IN items RETURN d.n")
    assert await cursor.rest() == [1]
    with pytest.raises(ServerError) as insert:
        await ro.collection("items").insert({"_key": "b"})
    assert _shape(insert.value) == (1004, 403, "read only: items [write]")
    with pytest.raises(ServerError) as create:
        await ro.create_collection("more")
    assert (create.value.error_code, create.value.http_code) == (11, 403)
    rw = await client.connect(names.database, users["rw"], "pw-rw", verify=True)
    assert (await rw.collection("items").insert({"_key": "b"}))["_id"] == "items/b"
    assert await rw.collection("items").count() == 2


async def test_user_without_access(client: Driver, names: Names, users: dict[str, str]) -> None:
    stranger = await client.connect(names.database, users["none"], "pw-none")
    with pytest.raises(ServerError) as exc:
        await stranger.version()
    assert _shape(exc.value) == NOT_AUTHORIZED
    with pytest.raises(ConnectionRefused):
        await client.connect(names.database, users["none"], "pw-none", verify=True)
    wrong = await client.connect(names.database, users["rw"], "pw-ro")
    with pytest.raises(ServerError) as bad:
        await wrong.version()
    assert _shape(bad.value) == NOT_AUTHORIZED
