"""One module per API area; importing this package registers every route."""

from . import server  # noqa: F401
