"""Running JavaScript on the server: ``POST /_admin/execute`` (when the server allows it).

The transaction, user-function, task and Foxx routes live with their API areas; the engine
and everything scripts see are in ``emulator/js/``.
"""

from __future__ import annotations

from ...backend import BackendResponse
from ..context import Context
from ..js import programs
from ..router import AUTH, route

AREA = "javascript"


@route("POST", "/_admin/execute", area=AREA, access=AUTH)
def execute(ctx: Context) -> BackendResponse:
    """Execute a script (``--javascript.allow-admin-execute``)."""
    return programs.admin_execute(ctx)
