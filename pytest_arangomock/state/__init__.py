"""Emulator state: databases, collections, documents, indexes, users and the server-wide
stores (cursors, jobs, transactions...). No HTTP, no JSON; imports nothing above ``base``.

``model`` holds databases and collections; ``server`` builds the Server from the stores
below it, so imports inside this package go one way at run time (a few type hints
refer back under ``TYPE_CHECKING``)."""

from .model import Collection, Database
from .server import Server

__all__ = ["Collection", "Database", "Server"]
