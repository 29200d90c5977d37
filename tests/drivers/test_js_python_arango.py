"""Server-side JavaScript through python-arango: transactions, user functions, tasks, Foxx."""

from __future__ import annotations

import time
from typing import Any

import pytest
from arango.exceptions import AQLFunctionCreateError, TransactionExecuteError

pytest.importorskip("quickjs")
# the drivers warn that ArangoDB deprecates JavaScript transactions (removed in 4.0)
pytestmark = pytest.mark.filterwarnings("ignore:JavaScript Transactions:DeprecationWarning")


def test_transaction_commits_or_rolls_back(pa_db: Any) -> None:
    pa_db.create_collection("orders")
    action = """function (params) {
      const db = require('@arangodb').db;
      db.orders.save({_key: params.key});
      if (params.fail) { throw new Error('rollback please'); }
      return db.orders.count();
    }"""
    assert pa_db.execute_transaction(action, params={"key": "a"}, write=["orders"]) == 1
    with pytest.raises(TransactionExecuteError) as exc:
        pa_db.execute_transaction(action, params={"key": "b", "fail": True}, write=["orders"])
    assert (exc.value.http_code, exc.value.error_code) == (500, 1650)
    assert pa_db.collection("orders").count() == 1


def test_user_function_lifecycle(pa_db: Any) -> None:
    with pytest.raises(AQLFunctionCreateError) as exc:
        pa_db.aql.create_function("temp::bad", "function (x) { invalid syntax }")
    assert exc.value.error_code == 1581
    pa_db.aql.create_function("temp::c2f", "function (c) { return c * 1.8 + 32; }")
    assert list(pa_db.aql.execute("RETURN temp::c2f(100)")) == [212]
    cursor = pa_db.aql.execute("RETURN temp::c2f(@x)", bind_vars={"x": [1]})
    assert list(cursor) == [33.8]
    assert pa_db.aql.delete_function("temp", group=True) == {"deleted": 1}


def test_task_lifecycle(pa_db: Any) -> None:
    pa_db.create_collection("ticks")
    task = pa_db.create_task(
        name="ticker",
        command="require('@arangodb').db.ticks.save({});",
        period=0.05,
        task_id="ticker",
    )
    assert (task["id"], task["type"]) == ("ticker", "periodic")
    assert pa_db.task("ticker") == task
    deadline = time.monotonic() + 10
    while pa_db.collection("ticks").count() < 3:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert pa_db.delete_task("ticker") is True
    assert pa_db.tasks() == []


def test_small_foxx_service_answers(pa_db: Any, raw: Any, tmp_path: Any) -> None:
    source = tmp_path / "greeter.js"
    source.write_text(
        "const router = require('@arangodb/foxx/router')();"
        "router.get('/hello/:name', (req, res) => res.json({hi: req.pathParams.name}));"
        "module.context.use(router);"
    )
    info = pa_db.foxx.create_service(mount="/greeter", source=str(source))
    assert info["mount"] == "/greeter"
    assert [s["mount"] for s in pa_db.foxx.services()] == ["/greeter"]
    assert raw("GET", "/_db/shop/greeter/hello/ada")[:2] == (200, {"hi": "ada"})
    assert pa_db.foxx.delete_service("/greeter") is True
    assert raw("GET", "/_db/shop/greeter/hello/ada")[0] == 404


def test_admin_execute(pa_sys: Any, arango_emulator: Any) -> None:
    arango_emulator.javascript.allow_admin_execute = True
    assert pa_sys.execute("return require('@arangodb').db._name();") == "_system"
