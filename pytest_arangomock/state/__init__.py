"""Emulator state: databases, collections, documents, indexes, users. No HTTP, no JSON."""

from .server import Collection, Database, Server

__all__ = ["Collection", "Database", "Server"]
