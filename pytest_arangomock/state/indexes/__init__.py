"""Index data structures and the index-type registry.

Each index type lives in its own module, which defines its index class and registers its
:class:`~.registry.IndexType` (name, aliases, definition rules); importing that module below
is what makes the type known, one import line per type. :func:`create_index` normalizes a
user definition the way ArangoDB's IndexFactory does (defaults, aliases, validation errors)
by asking the registry, and builds the index over the existing documents.
"""

from __future__ import annotations

from .base import DescribedIndex, Doc, Index, Lookup, NearLookup, vpack_sorted
from .fulltext import FulltextIndex
from .geo import GeoIndex
from .inverted import InvertedIndex
from .mdi import MdiIndex, MdiPrefixedIndex
from .persistent import UNBOUNDED, PersistentIndex
from .registry import (
    Definition,
    IndexType,
    create_index,
    find_index,
    index_type,
    normalize_definition,
    register,
    unregister,
)
from .system import EdgeIndex, PrimaryIndex
from .ttl import TtlIndex
from .vector import VectorIndex

__all__ = [
    "UNBOUNDED",
    "Definition",
    "DescribedIndex",
    "Doc",
    "EdgeIndex",
    "FulltextIndex",
    "GeoIndex",
    "Index",
    "IndexType",
    "InvertedIndex",
    "Lookup",
    "MdiIndex",
    "MdiPrefixedIndex",
    "NearLookup",
    "PersistentIndex",
    "PrimaryIndex",
    "TtlIndex",
    "VectorIndex",
    "create_index",
    "find_index",
    "index_type",
    "normalize_definition",
    "register",
    "unregister",
    "vpack_sorted",
]
