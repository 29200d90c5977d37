"""An order repository on python-arango-async, tested with the ``arango_db`` fixture.

Run with ``pytest examples/test_arangoasync_repository.py``: each test gets a fresh database
on an in-memory ArangoDB 3.12, no server needed.
"""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import DocumentInsertError


class OrderRepository:
    """Orders keyed by number, one unique index on the customer's reference."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def setup(self) -> None:
        if not await self.db.has_collection("orders"):
            orders = await self.db.create_collection("orders")
            await orders.add_index(type="persistent", fields=["ref"], options={"unique": True})

    async def place(self, number: str, ref: str, total: float) -> None:
        await self.db.collection("orders").insert({"_key": number, "ref": ref, "total": total})

    async def revenue(self, minimum: float = 0) -> float:
        cursor = await self.db.aql.execute(
            "RETURN SUM(FOR o IN orders FILTER o.total >= @min RETURN o.total)",
            bind_vars={"min": minimum},
        )
        return float(await cursor.next())


@pytest.fixture
async def orders(arango_db: Any) -> OrderRepository:
    repo = OrderRepository(arango_db)
    await repo.setup()
    return repo


async def test_revenue_sums_the_orders(orders: OrderRepository) -> None:
    await orders.place("1", "A-1", 10.5)
    await orders.place("2", "A-2", 4.5)
    assert await orders.revenue() == 15.0
    assert await orders.revenue(minimum=5) == 10.5


async def test_a_reference_is_used_once(orders: OrderRepository) -> None:
    await orders.place("1", "A-1", 1)
    with pytest.raises(DocumentInsertError) as exc:
        await orders.place("2", "A-1", 2)
    assert exc.value.error_code == 1210  # unique constraint violated
