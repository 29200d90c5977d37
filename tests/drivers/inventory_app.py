"""A small application that builds its own ArangoDB clients, as production code does.

Nothing here knows about tests: the URL is hard-wired, each driver uses its default HTTP
client (aiohttp for python-arango-async, requests for python-arango, httpx for aioarango).
"""

from __future__ import annotations

from typing import Any

ARANGO_URL = "http://db.internal:8529"
HOSTS: list[str] = [ARANGO_URL]


async def restock_async(sku: str, amount: int) -> int:
    """python-arango-async: add ``amount`` to the stock of ``sku``; returns the new stock."""
    from arangoasync import ArangoClient
    from arangoasync.auth import Auth

    async with ArangoClient(hosts=HOSTS) as client:
        db = await client.db("inventory", auth=Auth("root", ""))
        cursor = await db.aql.execute(_UPSERT, bind_vars={"sku": sku, "amount": amount})
        return int(await cursor.next())


def restock_sync(sku: str, amount: int) -> int:
    """python-arango: the same with the synchronous driver."""
    from arango import ArangoClient

    client = ArangoClient(hosts=HOSTS)
    try:
        db = client.db("inventory", username="root", password="")
        cursor: Any = db.aql.execute(_UPSERT, bind_vars={"sku": sku, "amount": amount})
        return int(next(cursor))
    finally:
        client.close()


async def restock_aioarango(sku: str, amount: int) -> int:
    """aioarango: the same with the asyncio fork of python-arango."""
    from aioarango import ArangoClient

    client = ArangoClient(hosts=HOSTS)
    try:
        db = await client.db("inventory", username="root", password="")
        cursor = await db.aql.execute(_UPSERT, bind_vars={"sku": sku, "amount": amount})
        return int(await cursor.next())
    finally:
        await client.close()


_UPSERT = """
UPSERT {_key: @sku} INSERT {_key: @sku, stock: @amount} UPDATE {stock: OLD.stock + @amount}
IN stock RETURN NEW.stock
"""
