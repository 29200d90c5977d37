"""Foxx services: installed from a zip or one JavaScript file, managed, and answering."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from arangoasync.exceptions import FoxxServiceCreateError, FoxxServiceGetError

pytest.importorskip("quickjs")

MAIN = """
'use strict';
const createRouter = require('@arangodb/foxx/router');
const joi = require('joi');
const router = createRouter();
module.context.use('/items', router);
const items = module.context.collection('items');

router.get('/', (req, res) => res.send(items.all().toArray().map((d) => d.name)), 'list');
router.post('/', (req, res) => {
  const meta = items.save(req.body);
  res.status(201);
  res.set('location', req.reverse('one', {key: meta._key}));
  res.send(meta);
}).body(joi.object({name: joi.string().required()}).required());
router.get('/:key', (req, res) => {
  try {
    res.json(items.document(req.pathParams.key));
  } catch (e) {
    if (e.isArangoError && e.errorNum === 1202) { res.throw(404, 'no such item'); }
    throw e;
  }
}, 'one').pathParam('key', joi.string());
router.get('/echo/config', (req, res) => {
  res.json({greeting: module.context.configuration.greeting, times: req.queryParams.times});
}).queryParam('times', joi.number().default(1));
"""
SETUP = """
const db = require('@arangodb').db;
const name = module.context.collectionName('items');
if (!db._collection(name)) { db._createDocumentCollection(name); }
"""
TEARDOWN = "require('@arangodb').db._drop(module.context.collectionName('items'));"
MANIFEST = {
    "name": "shop",
    "version": "1.2.3",
    "main": "main.js",
    "scripts": {"setup": "scripts/setup.js", "teardown": "scripts/teardown.js"},
    "configuration": {"greeting": {"type": "string", "default": "hello"}},
}


def bundle(manifest: dict[str, Any] = MANIFEST) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("main.js", MAIN)
        archive.writestr("scripts/setup.js", SETUP)
        archive.writestr("scripts/teardown.js", TEARDOWN)
        archive.writestr("README.md", "# Shop\n")
    return buffer.getvalue()


ZIP = {"content-type": "application/zip"}


async def test_install_serve_and_uninstall(db: Any, raw: Any) -> None:
    info = await db.foxx.create_service(mount="/shop", service=bundle(), headers=ZIP)
    assert (info["mount"], info["name"], info["version"]) == ("/shop", "shop", "1.2.3")
    assert await db.has_collection("shop_items")  # the setup script ran
    status, body, headers = raw("POST", "/_db/testdb/shop/items", {"name": "pen"})
    assert status == 201 and headers["location"] == f"/shop/items/{body['_key']}"
    status, body, _ = raw("GET", "/_db/testdb/shop/items")
    assert (status, body) == (200, ["pen"])
    status, body, _ = raw("GET", "/_db/testdb/shop/items/nothere")
    assert (status, body["errorNum"], body["errorMessage"]) == (404, 404, "no such item")
    status, body, _ = raw("POST", "/_db/testdb/shop/items", {"colour": "red"})
    assert (status, body["errorNum"]) == (400, 400)
    status, body, _ = raw("GET", "/_db/testdb/shop/items/echo/config?times=3")
    assert body == {"greeting": "hello", "times": 3}
    status, body, _ = raw("GET", "/_db/testdb/shop/missing")
    assert status == 404
    assert [s["mount"] for s in await db.foxx.services()] == ["/shop"]
    await db.foxx.delete_service("/shop")
    assert not await db.has_collection("shop_items")  # the teardown script ran
    with pytest.raises(FoxxServiceGetError):
        await db.foxx.service("/shop")
    status, _, _ = raw("GET", "/_db/testdb/shop/items")
    assert status == 404


async def test_configuration_dependencies_and_development(db: Any, raw: Any) -> None:
    await db.foxx.create_service(mount="/shop", service=bundle(), headers=ZIP)
    assert await db.foxx.config("/shop") == {"greeting": "hello"}
    assert await db.foxx.update_config("/shop", {"greeting": "hi"}) == {"greeting": "hi"}
    assert raw("GET", "/_db/testdb/shop/items/echo/config")[1]["greeting"] == "hi"
    assert await db.foxx.replace_dependencies("/shop", {"auth": "/auth"}) == {"auth": "/auth"}
    assert await db.foxx.dependencies("/shop") == {"auth": "/auth"}
    assert (await db.foxx.enable_development("/shop"))["development"] is True
    assert (await db.foxx.disable_development("/shop"))["development"] is False
    assert await db.foxx.readme("/shop") == "# Shop\n"
    swagger = await db.foxx.swagger("/shop")
    assert set(swagger["paths"]) >= {"/items", "/items/{key}"}
    assert await db.foxx.scripts("/shop") == {"setup": "Setup", "teardown": "Teardown"}
    assert zipfile.ZipFile(io.BytesIO(await db.foxx.download("/shop"))).namelist()


async def test_settings_patch_merges_and_put_replaces(db: Any) -> None:
    await db.foxx.create_service(mount="/shop", service=bundle(), headers=ZIP)
    await db.foxx.update_dependencies("/shop", {"auth": "/auth"})
    both = {"auth": "/auth", "mail": "/mail"}
    assert await db.foxx.update_dependencies("/shop", {"mail": "/mail"}) == both
    assert await db.foxx.replace_dependencies("/shop", {"mail": "/m"}) == {"mail": "/m"}
    await db.foxx.update_config("/shop", {"greeting": "hi"})
    assert await db.foxx.replace_config("/shop", {}) == {"greeting": "hello"}


async def test_replace_and_upgrade(db: Any) -> None:
    await db.foxx.create_service(mount="/shop", service=bundle(), headers=ZIP)
    await db.foxx.update_config("/shop", {"greeting": "kept"})
    newer = dict(MANIFEST, version="2.0.0")
    info = await db.foxx.update_service("/shop", bundle(newer), headers=ZIP)
    assert (info["version"], info["options"]["configuration"]["greeting"]) == ("2.0.0", "kept")
    info = await db.foxx.replace_service("/shop", bundle(), headers=ZIP)
    assert (info["version"], info["options"]["configuration"]["greeting"]) == ("1.2.3", "hello")


async def test_install_errors(db: Any) -> None:
    await db.foxx.create_service(mount="/shop", service=bundle(), headers=ZIP)
    with pytest.raises(FoxxServiceCreateError) as exc:
        await db.foxx.create_service(mount="/shop", service=bundle(), headers=ZIP)
    assert exc.value.error_code == 3011
    with pytest.raises(FoxxServiceCreateError) as exc:
        await db.foxx.create_service(mount="/_system", service=bundle(), headers=ZIP)
    assert exc.value.error_code == 3007
    no_manifest = io.BytesIO()
    with zipfile.ZipFile(no_manifest, "w") as archive:
        archive.writestr("a/main.js", "")
        archive.writestr("b/other.js", "")
    with pytest.raises(FoxxServiceCreateError) as exc:
        await db.foxx.create_service(mount="/x", service=no_manifest.getvalue(), headers=ZIP)
    assert exc.value.error_code == 3012


def test_single_file_service_and_thrown_errors(raw: Any) -> None:
    source = b"""
    const router = require('@arangodb/foxx/router')();
    router.get('/hello/:name', (req, res) => res.send({hi: req.pathParams.name}));
    router.get('/boom', () => { throw new Error('kaput'); });
    router.get('/arango', () => require('@arangodb').db._document('nope/nope'));
    module.context.use(router);
    """
    status, _, _ = raw(
        "POST", "/_api/foxx?mount=/one", raw=source,
        headers={"content-type": "application/javascript"},
    )  # fmt: skip
    assert status == 201
    assert raw("GET", "/one/hello/ada")[:2] == (200, {"hi": "ada"})
    status, body, _ = raw("GET", "/one/boom")
    assert (status, body["errorMessage"]) == (500, "kaput")
    status, body, _ = raw("GET", "/one/arango")
    assert (status, body["errorNum"]) == (404, 1203)


def test_without_javascript_foxx_names_the_extra(raw: Any, arango_emulator: Any) -> None:
    arango_emulator.server.javascript = None
    status, body, _ = raw("GET", "/_api/foxx")
    assert (status, body["errorNum"]) == (501, 9)
    assert "pytest-arangomock[js]" in body["errorMessage"]
