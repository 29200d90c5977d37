"""Emulator state: databases, collections, documents, indexes, users. No HTTP, no JSON."""

from .model import Collection, Database
from .server import Server

__all__ = ["Collection", "Database", "Server"]
