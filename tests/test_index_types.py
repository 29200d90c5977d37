"""Index types are a registry: a type defined and registered at run time works end to end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_arangomock.state.indexes import (
    Definition,
    DescribedIndex,
    IndexType,
    index_type,
    register,
    unregister,
)
from pytest_arangomock.state.indexes.registry import validate_fields


class _SketchIndex(DescribedIndex):
    type = "sketch"


class _SketchType(IndexType[_SketchIndex]):
    """A throw-away type: one field, a ``width`` option, alias ``doodle``."""

    name = "sketch"
    aliases = ("doodle",)
    index_class = _SketchIndex

    def define(self, body: dict[str, Any]) -> Definition:
        fields = validate_fields(body, "fields", 1, 1)
        return Definition(self.name, fields, False, True, {"width": body.get("width", 3)})

    def same_options(self, existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
        return existing["width"] == wanted["width"]


@pytest.fixture
def sketch() -> Iterator[_SketchType]:
    spec = _SketchType()
    register(spec)
    try:
        yield spec
    finally:
        unregister(spec)


def test_registered_type_is_created_listed_and_compared(raw, arango_emulator, sketch):
    arango_emulator.server.create_database("r")
    raw("POST", "/_db/r/_api/collection", {"name": "c"})
    url = "/_db/r/_api/index?collection=c"
    status, body, _ = raw("POST", url, {"type": "doodle", "fields": ["a"], "width": 7})
    assert (status, body["type"], body["width"], body["isNewlyCreated"]) == (201, "sketch", 7, True)
    status, again, _ = raw("POST", url, {"type": "sketch", "fields": ["a"], "width": 7})
    assert (status, again["id"], again["isNewlyCreated"]) == (200, body["id"], False)
    status, other, _ = raw("POST", url, {"type": "sketch", "fields": ["a"], "width": 8})
    assert status == 201 and other["id"] != body["id"]
    status, listing, _ = raw("GET", "/_db/r/_api/index?collection=c")
    listed = {i["id"]: i for i in listing["indexes"] if i["type"] == "sketch"}
    assert listed[body["id"]] == {
        "fields": ["a"],
        "id": body["id"],
        "name": body["name"],
        "sparse": True,
        "type": "sketch",
        "unique": False,
        "width": 7,
    }
    with pytest.raises(ValueError, match="already registered"):
        register(_SketchType())


def test_unknown_and_unregistered_types_are_invalid(raw, arango_emulator):
    arango_emulator.server.create_database("r")
    raw("POST", "/_db/r/_api/collection", {"name": "c"})
    url = "/_db/r/_api/index?collection=c"
    for name in ("sketch", "doodle", "nope"):
        assert index_type(name) is None
        status, body, _ = raw("POST", url, {"type": name, "fields": ["a"]})
        assert (status, body["errorNum"], body["errorMessage"]) == (
            400,
            10,
            f"invalid index type '{name}'",
        )
    status, body, _ = raw("POST", url, {"type": "edge", "fields": ["_from"]})
    assert (status, body["errorNum"], body["errorMessage"]) == (
        400,
        10,
        "cannot create index of type 'edge'",
    )
