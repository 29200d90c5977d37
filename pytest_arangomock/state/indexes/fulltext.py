"""The (deprecated) ``fulltext`` index: described; FULLTEXT() scans instead."""

from __future__ import annotations

from typing import Any

from ...base.errors import ArangoError
from .base import DescribedIndex
from .registry import Definition, IndexType, check_expansion, register, validate_fields


class FulltextIndex(DescribedIndex):
    """A fulltext index over one attribute, indexing words of at least ``minLength``."""

    type = "fulltext"


class _FulltextType(IndexType[FulltextIndex]):
    name = FulltextIndex.type
    ordered_fields = False
    index_class = FulltextIndex

    def define(self, body: dict[str, Any]) -> Definition:
        fields = validate_fields(body, "fields", 1, 1)
        check_expansion(fields, False)
        min_length = body.get("minLength")
        if min_length is None:
            length = 2
        elif isinstance(min_length, (int, float)) and not isinstance(min_length, bool):
            length = max(int(min_length), 1)
        else:
            raise ArangoError(10, "bad parameter", 400)
        return Definition(self.name, fields, False, True, {"minLength": length})

    def same_options(self, existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
        return existing.get("minLength") == wanted.get("minLength")


register(_FulltextType())
