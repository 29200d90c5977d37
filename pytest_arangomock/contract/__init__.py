"""The contract suite: ArangoDB behaviour every backend and every driver must reproduce.

Run it with ``pytest --pyargs pytest_arangomock.contract``. Each behaviour is written once,
against the driver-neutral facade of :mod:`.facade`, and runs through python-arango-async,
python-arango and aioarango (skipped when it cannot be imported), each in-process and over
loopback HTTP with its usual clients, plus a replay of the suite's own recording and a real
server (``--arango-url URL`` or ``ARANGO_URL``) through every driver. Tests assert exact
values (fixed keys, sorted results), so every driver on every backend must agree.

To check a backend of your own, set ``ARANGOMOCK_CONTRACT_BACKEND=package.module:factory``
(``factory()`` returns a :class:`~pytest_arangomock.backend.Backend`); it runs as the
``custom`` parameters, in-process, through each driver.
"""
