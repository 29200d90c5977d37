"""One module per API area; importing this package registers every route."""

from . import (  # noqa: F401
    admin,
    analyzers,
    aqlfunctions,
    backup,
    batch,
    cluster,
    collections,
    cursor,
    databases,
    documents,
    edges,
    gharial,
    imports,
    indexes,
    replication,
    server,
    tasks,
    users,
    views,
    wal,
)
