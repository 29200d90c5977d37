"""An order repository on python-arango (synchronous), tested with ``arango_sync_db``.

Run with ``pytest examples/test_python_arango_repository.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from arango.exceptions import DocumentInsertError


class OrderRepository:
    """Orders keyed by number, one unique index on the customer's reference."""

    def __init__(self, db: Any) -> None:
        self.db = db
        if not db.has_collection("orders"):
            db.create_collection("orders").add_index(
                {"type": "persistent", "fields": ["ref"], "unique": True}
            )

    def place(self, number: str, ref: str, total: float) -> None:
        self.db.collection("orders").insert({"_key": number, "ref": ref, "total": total})

    def largest(self, count: int) -> list[str]:
        cursor = self.db.aql.execute(
            "FOR o IN orders SORT o.total DESC LIMIT @n RETURN o._key", bind_vars={"n": count}
        )
        return list(cursor)


@pytest.fixture
def orders(arango_sync_db: Any) -> OrderRepository:
    return OrderRepository(arango_sync_db)


def test_largest_orders_first(orders: OrderRepository) -> None:
    for number, total in [("1", 5), ("2", 50), ("3", 20)]:
        orders.place(number, f"ref-{number}", total)
    assert orders.largest(2) == ["2", "3"]


def test_a_reference_is_used_once(orders: OrderRepository) -> None:
    orders.place("1", "A-1", 1)
    with pytest.raises(DocumentInsertError) as exc:
        orders.place("2", "A-1", 2)
    assert (exc.value.http_code, exc.value.error_code) == (409, 1210)
