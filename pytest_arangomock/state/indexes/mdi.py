"""The ``mdi`` (alias ``zkd``) and ``mdi-prefixed`` indexes: described; queries scan."""

from __future__ import annotations

import math
from typing import Any

from .base import DescribedIndex
from .registry import (
    Definition,
    IndexType,
    bad,
    check_expansion,
    flag,
    register,
    validate_fields,
)


class MdiIndex(DescribedIndex):
    """A multi-dimensional index over number attributes."""

    type = "mdi"

    def selectivity(self) -> float | None:
        return 1 if self.options.get("estimates") else None


class MdiPrefixedIndex(MdiIndex):
    """An mdi index whose entries are grouped by the values of ``prefixFields``."""

    type = "mdi-prefixed"


class _MdiType(IndexType[MdiIndex]):
    name = MdiIndex.type
    aliases: tuple[str, ...] = ("zkd",)
    index_class = MdiIndex

    def define(self, body: dict[str, Any]) -> Definition:
        if body.get("fieldValueTypes") != "double":
            raise bad(
                "mdi index requires `fieldValueTypes` to be set to `double` - future "
                "releases might lift this requirement"
            )
        fields = validate_fields(body, "fields", 1, math.inf)
        check_expansion(fields, False)
        if body.get("sparse") is True:
            raise bad("mdi index does not support sparse property")
        options: dict[str, Any] = {
            "fieldValueTypes": "double",
            "estimates": flag(body, "estimates", True),
        }
        self.add_prefix(body, options)
        stored = body.get("storedValues")
        if isinstance(stored, list) and stored:
            options["storedValues"] = validate_fields(body, "storedValues", 1, 32)
        return Definition(self.name, fields, flag(body, "unique", False), False, options)

    def add_prefix(self, body: dict[str, Any], options: dict[str, Any]) -> None:
        """Nothing for plain mdi; the prefixed type reads its ``prefixFields`` here."""


class _MdiPrefixedType(_MdiType):
    name = MdiPrefixedIndex.type
    aliases = ()
    index_class = MdiPrefixedIndex

    def add_prefix(self, body: dict[str, Any], options: dict[str, Any]) -> None:
        options["prefixFields"] = validate_fields(body, "prefixFields", 1, math.inf)


register(_MdiType())
register(_MdiPrefixedType())
