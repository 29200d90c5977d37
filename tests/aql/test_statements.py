"""AQL statements on an in-memory database: FOR/FILTER/SORT/LIMIT/LET/COLLECT/WINDOW/RETURN
and data modification with OLD/NEW, options, rules and rollback."""

from __future__ import annotations

import time
from typing import Any

import pytest

from pytest_arangomock.aql import api

from ._engine import err, fill, fresh_db, q


@pytest.fixture
def db() -> Any:
    db = fresh_db()
    fill(
        db,
        "users",
        [
            {"_key": "a", "name": "Ann", "age": 31, "city": "Bonn"},
            {"_key": "b", "name": "Bob", "age": 25, "city": "Köln"},
            {"_key": "c", "name": "Cid", "age": 40, "city": "Bonn"},
            {"_key": "d", "name": "Dee", "age": 25, "city": None},
        ],
    )
    return db


def test_for_filter_sort_limit(db: Any) -> None:
    rows = q(
        db, "FOR u IN users FILTER u.age >= 25 SORT u.age DESC, u.name LIMIT 1, 2 RETURN u.name"
    )
    assert rows == ["Ann", "Bob"]
    assert q(db, "FOR i IN 1..10 LIMIT 8, null RETURN i") == [9, 10]
    assert q(db, "FOR x IN [3, 1, 2] SORT x @dir RETURN x", {"dir": "DESC"}) == [3, 2, 1]


def test_sort_uses_aql_type_order(db: Any) -> None:
    rows = q(db, "FOR x IN [[], 'a', 1, null, {}, true, 'B'] SORT x RETURN x")
    assert rows == [None, True, 1, "a", "B", [], {}]


def test_for_over_non_array_is_1563(db: Any) -> None:
    e = err(db, "FOR x IN {a: 1} RETURN x")
    assert e.num == 1563
    assert e.message.endswith("you provided a value of type 'object'")


def test_let_subquery_and_destructuring(db: Any) -> None:
    rows = q(db, "LET names = (FOR u IN users SORT u._key RETURN u.name) RETURN LENGTH(names)")
    assert rows == [4]
    assert q(db, "LET [a, , c] = [1, 2, 3] LET {x, y: z} = {x: 4, y: 5} RETURN [a, c, x, z]") == [
        [1, 3, 4, 5]
    ]
    assert q(db, "FOR [k, v] IN [['a', 1], ['b', 2]] RETURN CONCAT(k, v)") == ["a1", "b2"]


def test_return_distinct_keeps_first_occurrence_order(db: Any) -> None:
    assert q(db, "FOR x IN [3, 1, 3, 2, 1] RETURN DISTINCT x") == [3, 1, 2]


def test_collect_groups_sorted_with_into_and_count(db: Any) -> None:
    rows = q(
        db,
        "FOR u IN users COLLECT city = u.city INTO g KEEP u RETURN {city, n: LENGTH(g), "
        "names: g[*].u.name}",
    )
    assert [r["city"] for r in rows] == [None, "Bonn", "Köln"]
    assert rows[1]["names"] == ["Ann", "Cid"]
    rows = q(db, "FOR u IN users COLLECT age = u.age WITH COUNT INTO n RETURN [age, n]")
    assert rows == [[25, 2], [31, 1], [40, 1]]
    assert q(db, "FOR u IN users COLLECT WITH COUNT INTO n RETURN n") == [4]
    assert q(db, "FOR u IN [] COLLECT WITH COUNT INTO n RETURN n") == [0]
    rows = q(db, "FOR u IN users COLLECT c = u.city INTO names = u.name SORT null RETURN names")
    assert sorted(map(len, rows)) == [1, 1, 2]


def test_collect_aggregates(db: Any) -> None:
    rows = q(
        db,
        "FOR u IN users COLLECT AGGREGATE n = COUNT(1), lo = MIN(u.age), hi = MAX(u.age), "
        "s = SUM(u.age), avg = AVERAGE(u.age), cities = UNIQUE(u.city), "
        "sc = SORTED_UNIQUE(u.city), d = COUNT_DISTINCT(u.age), pushed = PUSH(u.city), "
        "v = VARIANCE(u.age), o = BIT_OR(u.age) "
        "RETURN [n, lo, hi, s, avg, cities, sc, d, pushed, v, o]",
    )
    n, lo, hi, s, avg, cities, sc, d, all_, v, o = rows[0]
    assert (n, lo, hi, s, avg, d, o) == (4, 25, 40, 121, 30.25, 3, 31 | 25 | 40)
    assert sorted(cities) == ["Bonn", "Köln"] and sc == ["Bonn", "Köln"]
    assert all_ == ["Bonn", "Köln", "Bonn", None]
    assert v == pytest.approx(37.6875)
    # ArangoDB's SUM aggregator answers null until a row reaches it; 0 over null values
    assert q(db, "FOR u IN [] COLLECT AGGREGATE s = SUM(u), m = MAX(u) RETURN [s, m]") == [
        [None, None]
    ]
    assert q(db, "FOR u IN [null, null] COLLECT AGGREGATE s = SUM(u) RETURN s") == [0]
    assert q(db, "RETURN SUM([])") == [0]


def test_collect_variable_scope_and_errors(db: Any) -> None:
    assert (
        err(db, "FOR u IN users COLLECT a = u.age AGGREGATE m = NOPE(u.age) RETURN a").num == 1540
    )
    assert err(db, "FOR u IN users COLLECT AGGREGATE m = CONCAT(u.age) RETURN m").num == 1574
    # after COLLECT the loop variable is gone: the name now means a collection
    assert err(db, "FOR u IN users COLLECT a = u.age RETURN u").num == 1203


def test_window_rows_and_range(db: Any) -> None:
    rows = q(db, "FOR i IN 1..5 WINDOW {preceding: 1, following: 1} AGGREGATE s = SUM(i) RETURN s")
    assert rows == [3, 6, 9, 12, 9]
    rows = q(
        db,
        "FOR x IN [{t: 1, v: 1}, {t: 2, v: 2}, {t: 5, v: 3}] WINDOW x.t WITH {preceding: 1} "
        "AGGREGATE s = SUM(x.v) RETURN s",
    )
    assert rows == [1, 3, 3]
    rows = q(db, "FOR i IN 1..3 WINDOW {preceding: 'unbounded'} AGGREGATE s = SUM(i) RETURN s")
    assert rows == [1, 3, 6]


def test_search_is_reported_as_not_emulated(db: Any) -> None:
    e = err(db, "FOR d IN users SEARCH d.name == 'x' RETURN d")
    assert (e.num, e.status) == (9, 501)


def test_variable_assigned_twice(db: Any) -> None:
    e = err(db, "LET a = 1 FOR a IN [2] RETURN a")
    assert (e.num, e.message) == (1511, "variable 'a' is assigned multiple times")


def test_insert_update_replace_remove_with_old_new(db: Any) -> None:
    new = q(db, "INSERT {_key: 'e', name: 'Eve'} INTO users RETURN NEW")[0]
    assert (new["_key"], new["_id"], new["name"]) == ("e", "users/e", "Eve")
    rows = q(
        db,
        "UPDATE 'e' WITH {age: 7, name: null} IN users OPTIONS {keepNull: false} "
        "RETURN [OLD.name, NEW]",
    )
    assert rows[0][0] == "Eve" and "name" not in rows[0][1] and rows[0][1]["age"] == 7
    rows = q(db, "REPLACE {_key: 'e', z: 1} IN users RETURN NEW")
    assert "age" not in rows[0] and rows[0]["z"] == 1
    assert q(db, "REMOVE 'e' IN users RETURN OLD._key") == ["e"]
    res = api.execute(
        db, "FOR u IN users FILTER u.age == 25 UPDATE u WITH {young: true} IN users", None, {}
    )
    assert res.rows == [] and res.stats["writesExecuted"] == 2
    assert q(db, "FOR u IN users FILTER u.young RETURN u._key") == ["b", "d"]


def test_upsert_both_forms(db: Any) -> None:
    q(db, "UPSERT {name: 'Zed'} INSERT {name: 'Zed', n: 1} UPDATE {n: OLD.n + 1} IN users")
    q(db, "UPSERT {name: 'Zed'} INSERT {name: 'Zed', n: 1} UPDATE {n: OLD.n + 1} IN users")
    assert q(db, "FOR u IN users FILTER u.name == 'Zed' RETURN u.n") == [2]
    rows = q(
        db,
        "UPSERT FILTER CURRENT.age > 35 INSERT {} REPLACE {name: 'Old'} IN users "
        "RETURN [OLD._key, NEW.name]",
    )
    assert rows == [["c", "Old"]]


def test_modification_errors_and_ignore_errors(db: Any) -> None:
    e = err(db, "INSERT {_key: 'a'} INTO users")
    assert (e.num, e.status) == (1210, 409)
    res = api.execute(
        db,
        "FOR k IN ['a', 'new'] INSERT {_key: k} INTO users OPTIONS {ignoreErrors: true}",
        None,
        {},
    )
    assert (res.stats["writesExecuted"], res.stats["writesIgnored"]) == (1, 1)
    e = err(db, "REMOVE 'missing' IN users")
    assert (e.num, e.status) == (1202, 404)


def test_failed_query_rolls_back_its_writes(db: Any) -> None:
    before = {k: dict(v) for k, v in db.collection("users").docs.items()}
    e = err(db, "FOR k IN ['x1', 'x2', 'a'] INSERT {_key: k} INTO users")
    assert e.num == 1210
    e = err(
        db,
        "FOR u IN users UPDATE u WITH {age: 1} IN users FILTER u._key == 'c' RETURN FAIL('stop')",
    )
    assert e.num == 1569
    assert db.collection("users").docs == before


def test_access_after_modification_is_rejected(db: Any) -> None:
    assert err(db, "INSERT {} INTO users FOR u IN users RETURN u").num == 1579


def test_warnings_and_fail_on_warning(db: Any) -> None:
    res = api.execute(db, "FOR i IN 1..20 RETURN i / 0", None, {})
    assert res.rows == [None] * 20
    assert len(res.warnings) == 10
    assert res.warnings[0] == {"code": 1562, "message": "division by zero"}
    assert api.execute(db, "RETURN 1/0", None, {"maxWarningCount": 1}).warnings[0]["code"] == 1562
    e = err_opts(db, "RETURN 1 / 0", {"failOnWarning": True})
    assert (e.num, e.status) == (1562, 400)


def err_opts(db: Any, query: str, options: dict[str, Any]) -> Any:
    from pytest_arangomock import ArangoError

    with pytest.raises(ArangoError) as exc:
        api.execute(db, query, None, options)
    return exc.value


def test_full_count(db: Any) -> None:
    res = api.execute(db, "FOR u IN users LIMIT 1 RETURN u", None, {"fullCount": True})
    assert len(res.rows) == 1 and res.full_count == 4 and res.stats["fullCount"] == 4


def test_primary_and_persistent_index_lookups_do_not_scan() -> None:
    from pytest_arangomock.state.indexes import PersistentIndex

    db = fresh_db()
    col = db.create_collection("big")
    for i in range(100_000):
        col.store({"_key": str(i), "_id": f"big/{i}", "_rev": "x", "n": i, "m": i % 7}, None)
    index = PersistentIndex(col, "9", "idx_n", ["n"])
    index.build(list(col.docs.values()))
    col.indexes.append(index)
    res = api.execute(db, "FOR d IN big FILTER d._key == @k RETURN d.n", {"k": "4242"}, {})
    assert res.rows == [4242] and res.stats["scannedFull"] == 0 and res.stats["scannedIndex"] == 1
    query = "FOR d IN big FILTER d.n == 99999 RETURN d._key"
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        res = api.execute(db, query, None, {})
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.005  # a full scan of 100k documents takes far longer
    assert res.rows == ["99999"] and res.stats["scannedFull"] == 0
    res = api.execute(db, "FOR d IN big FILTER d._key IN ['1', '2', 'zz'] RETURN d.n", None, {})
    assert sorted(res.rows) == [1, 2]
