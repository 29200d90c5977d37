"""AQL through cursors: batching, count, bind variables, statistics, warnings, errors."""

from __future__ import annotations

import pytest
import pytest_asyncio

from .facade import Collection, Database, ServerError

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def items(db: Database) -> Collection:
    col = await db.create_collection("items")
    await col.insert_many(
        [{"_key": f"k{i}", "n": i, "group": "odd" if i % 2 else "even"} for i in range(1, 6)]
    )
    return col


async def test_batches_and_count(db: Database) -> None:
    cursor = await db.query("FOR i IN 1..7 RETURN i", batch_size=3, count=True)
    assert (cursor.count, cursor.has_more, cursor.batch) == (7, True, [1, 2, 3])
    assert isinstance(cursor.id, str) and cursor.id
    assert await cursor.fetch() == [4, 5, 6]
    assert cursor.has_more is True
    assert await cursor.fetch() == [7]
    assert cursor.has_more is False
    assert await cursor.rest() == [1, 2, 3, 4, 5, 6, 7]


async def test_single_batch_has_no_cursor(db: Database) -> None:
    cursor = await db.query("FOR i IN 1..3 RETURN i * 2", batch_size=10)
    assert (cursor.id, cursor.has_more, cursor.count) == (None, False, None)
    assert await cursor.rest() == [2, 4, 6]


async def test_bind_variables(db: Database, items: Collection) -> None:
    cursor = await db.query(
        "FOR d IN @@col FILTER d.n >= @min SORT d.n DESC RETURN {key: d._key, n: d.n}",
        bind_vars={"@col": "items", "min": 3},
    )
    assert await cursor.rest() == [
        {"key": "k5", "n": 5},
        {"key": "k4", "n": 4},
        {"key": "k3", "n": 3},
    ]


async def test_collect_and_full_count(db: Database, items: Collection) -> None:
    grouped = await db.query(
        "FOR d IN items COLLECT g = d.group AGGREGATE total = SUM(d.n), c = COUNT(1) "
        "SORT g RETURN {g, total, c}"
    )
    assert await grouped.rest() == [
        {"g": "even", "total": 6, "c": 2},
        {"g": "odd", "total": 9, "c": 3},
    ]
    page = await db.query("FOR d IN items SORT d._key LIMIT 1, 2 RETURN d._key", full_count=True)
    assert await page.rest() == ["k2", "k3"]
    assert page.statistics["fullCount"] == 5


async def test_writes_report_statistics(db: Database, items: Collection) -> None:
    cursor = await db.query(
        "FOR i IN 6..8 INSERT {_key: CONCAT('k', i), n: i} INTO items RETURN NEW._key"
    )
    assert await cursor.rest() == ["k6", "k7", "k8"]
    stats = cursor.statistics
    assert (stats["writesExecuted"], stats["writesIgnored"]) == (3, 0)
    removed = await db.query("FOR d IN items FILTER d.n > 6 REMOVE d IN items RETURN OLD.n")
    assert sorted(await removed.rest()) == [7, 8]
    assert await items.count() == 6


async def test_warnings(db: Database) -> None:
    cursor = await db.query("RETURN 1 / 0")
    assert await cursor.rest() == [None]
    assert cursor.warnings == [{"code": 1562, "message": "division by zero"}]


@pytest.mark.parametrize(
    ("query", "bind_vars", "code", "status", "message"),
    [
        pytest.param(
            "RETURN @x",
            None,
            1551,
            400,
            "AQL: no value specified for declared bind parameter 'x' (while parsing)",
            id="missing-bind-value",
        ),
        pytest.param(
            "RETURN @x",
            {"x": 1, "y": 2},
            1552,
            400,
            "AQL: bind parameter 'y' was not declared in the query (while parsing)",
            id="undeclared-bind-parameter",
        ),
        pytest.param(
            "FOR d IN nope RETURN d",
            None,
            1203,
            404,
            "AQL: collection or view not found: nope (while parsing)",
            id="unknown-collection",
        ),
        pytest.param("RETURN UNKNOWN_FN(1)", None, 1540, 400, None, id="unknown-function"),
        pytest.param("FOR d IN RETURN d", None, 1501, 400, None, id="syntax-error"),
    ],
)
async def test_query_errors(
    db: Database,
    query: str,
    bind_vars: dict[str, int] | None,
    code: int,
    status: int,
    message: str | None,
) -> None:
    with pytest.raises(ServerError) as exc:
        await db.query(query, bind_vars=bind_vars)
    assert (exc.value.error_code, exc.value.http_code) == (code, status)
    if message is not None:
        assert exc.value.error_message == message


async def test_closed_cursor_is_gone(db: Database) -> None:
    cursor = await db.query("FOR i IN 1..5 RETURN i", batch_size=2)
    assert await cursor.close() is True
    with pytest.raises(ServerError) as exc:
        await cursor.fetch()
    assert (exc.value.error_code, exc.value.http_code) == (1600, 404)
    assert exc.value.error_message == "cursor not found"
