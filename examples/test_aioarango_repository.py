"""An order repository on aioarango, tested with the ``aioarango_db`` fixture.

aioarango pins an old httpx; install it beside a current one with
``pip install --no-deps aioarango``. Run with ``pytest examples/test_aioarango_repository.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

aioarango = pytest.importorskip("aioarango")


class OrderRepository:
    """Orders with their lines as edges to products (a tiny graph)."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def setup(self) -> None:
        for name, edge in (("orders", False), ("products", False), ("lines", True)):
            if not await self.db.has_collection(name):
                await self.db.create_collection(name, edge=edge)

    async def place(self, number: str, items: dict[str, int]) -> None:
        await self.db.collection("orders").insert({"_key": number})
        for product, quantity in items.items():
            if not await self.db.collection("products").has(product):
                await self.db.collection("products").insert({"_key": product})
            await self.db.collection("lines").insert(
                {"_from": f"orders/{number}", "_to": f"products/{product}", "qty": quantity}
            )

    async def quantities(self, number: str) -> dict[str, int]:
        cursor = await self.db.aql.execute(
            "FOR p, line IN OUTBOUND @order lines RETURN [p._key, line.qty]",
            bind_vars={"order": f"orders/{number}"},
        )
        return {key: qty async for key, qty in cursor}


@pytest.fixture
async def orders(aioarango_db: Any) -> OrderRepository:
    repo = OrderRepository(aioarango_db)
    await repo.setup()
    return repo


async def test_order_lines_follow_the_edges(orders: OrderRepository) -> None:
    await orders.place("1", {"bolt": 10, "nut": 20})
    await orders.place("2", {"bolt": 1})
    assert await orders.quantities("1") == {"bolt": 10, "nut": 20}
    assert await orders.quantities("2") == {"bolt": 1}
