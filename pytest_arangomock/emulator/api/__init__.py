"""One module per API area; importing this package registers every route."""

from . import (  # noqa: F401
    admin,
    analyzers,
    aqlfunctions,
    collections,
    cursor,
    databases,
    documents,
    edges,
    gharial,
    imports,
    indexes,
    server,
    tasks,
    users,
    views,
)
