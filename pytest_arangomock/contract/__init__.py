"""The contract suite: ArangoDB behaviour every backend must reproduce exactly.

Run it with ``pytest --pyargs pytest_arangomock.contract``. Each test goes through
python-arango-async, the way users call ArangoDB, and asserts exact values (fixed keys,
sorted results) so the emulator in-process, the emulator served over loopback to the
driver's aiohttp client and to the httpx and aiosonic clients, a replay of the suite's own
recording, and a real server (``--arango-url URL`` or ``ARANGO_URL``) must all agree.

To check a backend of your own, set ``ARANGOMOCK_CONTRACT_BACKEND=package.module:factory``
(``factory()`` returns a :class:`~pytest_arangomock.backend.Backend`); it runs as the
``custom`` parameter, in-process.
"""
