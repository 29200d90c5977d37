"""Building large object graphs in one step (unpickling tables, parsing cassettes)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Keep the cyclic collector off while thousands of containers are created at once.

    Every 700 new containers start a collection that walks the young objects, and the
    older generations follow; in a process that has already imported the emulator this
    walking costs ten times the unpickling or parsing itself. Nothing built here is
    garbage, so no collection is lost by waiting until the end.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
