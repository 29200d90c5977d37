"""Fixtures for code that builds its own ArangoDB clients: interception and coordinators.

* ``arango_intercept``: every request the test makes to the intercepted URLs (by default
  the drivers' own default, ``http://127.0.0.1:8529`` and ``http://localhost:8529``) is
  answered by the test's backend (``arango_emulator`` in the default mode), whichever
  driver and HTTP library send it. Choose the URLs with
  ``@pytest.mark.arango(intercept="http://db.internal:8529")`` (a string or a list) or
  the ini option ``arango_intercept`` (one URL per line).
* ``arango_coordinators``: loopback servers sharing that backend (two, or
  ``@pytest.mark.arango(coordinators=3)``); ``.urls`` goes to ``hosts=[...]`` and
  ``arango_faults`` stops or degrades each of them.

Both answer through ``arango_faults``, the test's backend behind its fault switch.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .backends.faults import FaultsBackend
    from .coordinators import Coordinators
    from .intercept import Interception

__all__ = ["DEFAULT_INTERCEPT", "arango_coordinators", "arango_intercept"]

DEFAULT_INTERCEPT = ("http://127.0.0.1:8529", "http://localhost:8529")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "arango_intercept",
        "ArangoDB URLs the arango_intercept fixture routes to the emulator (one per line)",
        type="linelist",
        default=[],
    )


def _marker_option(request: pytest.FixtureRequest, name: str) -> Any:
    marker = request.node.get_closest_marker("arango")
    return None if marker is None else marker.kwargs.get(name)


def _intercepted_urls(request: pytest.FixtureRequest) -> list[str]:
    chosen = _marker_option(request, "intercept")
    if chosen is None:
        chosen = request.config.getini("arango_intercept") or list(DEFAULT_INTERCEPT)
    return [chosen] if isinstance(chosen, str) else list(chosen)


@pytest.fixture
def arango_intercept(
    request: pytest.FixtureRequest, arango_faults: FaultsBackend
) -> Iterator[Interception]:
    """Requests to the intercepted ArangoDB URLs reach the test's backend, no injection."""
    from .intercept import intercept  # patching machinery and aiohttp load when a test asks

    with intercept(_intercepted_urls(request), arango_faults) as routes:
        yield routes


@pytest.fixture
def arango_coordinators(
    request: pytest.FixtureRequest, arango_faults: FaultsBackend
) -> Iterator[Coordinators]:
    """Loopback coordinators in front of the test's backend (``.urls`` for ``hosts=``)."""
    from .coordinators import serving_coordinators  # aiohttp's server loads when a test asks

    count = _marker_option(request, "coordinators") or 2
    with serving_coordinators(arango_faults, int(count)) as coordinators:
        yield coordinators
