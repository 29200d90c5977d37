"""AQL vector similarity functions (ArangoDB 3.12): APPROX_NEAR_COSINE, APPROX_NEAR_L2 and
APPROX_NEAR_INNER_PRODUCT.

They only have a meaning as the sort key of ``FOR doc IN coll SORT fn(doc.attr, query)
LIMIT k``, which the optimizer turns into a vector index search (see
:mod:`pytest_arangomock.aql.nearest`). Called anywhere else, ArangoDB's implementations
throw 1554 (failed vector search); so do these.
"""

from __future__ import annotations

from typing import Any

from ...base.errors import ArangoError
from . import FunctionContext, function

FAMILY = "vector"


def _not_applied() -> ArangoError:
    return ArangoError(1554, "failed vector search", 400)


@function("APPROX_NEAR_COSINE", 2, 3, family=FAMILY)
def approx_near_cosine(ctx: FunctionContext, *args: Any) -> Any:
    raise _not_applied()


@function("APPROX_NEAR_L2", 2, 3, family=FAMILY)
def approx_near_l2(ctx: FunctionContext, *args: Any) -> Any:
    raise _not_applied()


@function("APPROX_NEAR_INNER_PRODUCT", 2, 3, family=FAMILY)
def approx_near_inner_product(ctx: FunctionContext, *args: Any) -> Any:
    raise _not_applied()
