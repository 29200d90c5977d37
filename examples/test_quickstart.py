"""A small repository class tested against the emulated ArangoDB, no server needed.

Run it with ``pytest examples/test_quickstart.py`` once pytest-arangomock is installed.
"""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import DocumentGetError


class UserRepository:
    """The kind of code an application has: a thin layer over one collection."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def setup(self) -> None:
        if not await self.db.has_collection("users"):
            await self.db.create_collection("users")

    async def add(self, key: str, name: str, age: int) -> dict[str, Any]:
        return await self.db.collection("users").insert({"_key": key, "name": name, "age": age})

    async def get(self, key: str) -> dict[str, Any] | None:
        return await self.db.collection("users").get(key)

    async def count(self) -> int:
        return await self.db.collection("users").count()


@pytest.mark.asyncio
async def test_add_and_get(arango_db: Any) -> None:
    repo = UserRepository(arango_db)
    await repo.setup()
    meta = await repo.add("ada", "Ada", 36)
    assert meta["_id"] == "users/ada"
    user = await repo.get("ada")
    assert user is not None and user["name"] == "Ada"
    assert await repo.count() == 1


@pytest.mark.asyncio
async def test_each_test_gets_a_fresh_database(arango_db: Any) -> None:
    assert not await arango_db.has_collection("users")


@pytest.mark.asyncio
async def test_missing_document_is_none(arango_db: Any) -> None:
    repo = UserRepository(arango_db)
    await repo.setup()
    assert await repo.get("nobody") is None
    with pytest.raises(DocumentGetError) as exc:
        await arango_db.collection("nope").get("x")
    assert exc.value.error_code == 1203
