"""Authentication and permissions as a driver sees them: 401, 403 and read-only users."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    CollectionCreateError,
    DocumentInsertError,
    ServerConnectionError,
    ServerVersionError,
)

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def users(db: Any, sys_db: Any, names: Any) -> dict[str, str]:
    """A collection ``items`` with one document and users with rw, ro and no access."""
    items = await db.create_collection("items")
    await items.insert({"_key": "a", "n": 1})
    made = {}
    for role, level in (("rw", "rw"), ("ro", "ro"), ("none", "none")):
        name = names.user(role)
        names.created_users.append(name)
        await sys_db.create_user({"user": name, "password": "pw-" + role})
        await sys_db.update_permission(name, level, names.database)
        made[role] = name
    return made


async def test_wrong_password(client: Any, names: Any, db: Any) -> None:
    with pytest.raises(ServerConnectionError) as exc:
        await client.db(names.database, auth=Auth("root", "definitely-wrong"), verify=True)
    assert (exc.value.error_code, exc.value.http_code) == (11, 401)
    assert exc.value.error_message == "not authorized to execute this request"
    wrong = await client.db(names.database, auth=Auth("root", "definitely-wrong"))
    with pytest.raises(ServerVersionError) as version:
        await wrong.version()
    assert (version.value.error_code, version.value.http_code) == (11, 401)


async def test_read_only_user(client: Any, names: Any, users: dict[str, str]) -> None:
    ro = await client.db(names.database, auth=Auth(users["ro"], "pw-ro"))
    assert (await ro.collection("items").get("a"))["n"] == 1
    cursor = await ro.aql.execute("FOR d IN items RETURN d.n")
    assert [n async for n in cursor] == [1]
    with pytest.raises(DocumentInsertError) as insert:
        await ro.collection("items").insert({"_key": "b"})
    assert (insert.value.error_code, insert.value.http_code) == (1004, 403)
    assert insert.value.error_message == "read only: items [write]"
    with pytest.raises(CollectionCreateError) as create:
        await ro.create_collection("more")
    assert (create.value.error_code, create.value.http_code) == (11, 403)
    rw = await client.db(names.database, auth=Auth(users["rw"], "pw-rw"))
    assert (await rw.collection("items").insert({"_key": "b"}))["_id"] == "items/b"
    assert await rw.collection("items").count() == 2


async def test_user_without_access(client: Any, names: Any, users: dict[str, str]) -> None:
    stranger = await client.db(names.database, auth=Auth(users["none"], "pw-none"))
    with pytest.raises(ServerVersionError) as exc:
        await stranger.version()
    assert (exc.value.error_code, exc.value.http_code) == (11, 401)
    wrong = await client.db(names.database, auth=Auth(users["rw"], "pw-ro"))
    with pytest.raises(ServerVersionError) as bad:
        await wrong.version()
    assert (bad.value.error_code, bad.value.http_code) == (11, 401)
