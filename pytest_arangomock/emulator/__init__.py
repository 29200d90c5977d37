"""The in-memory ArangoDB 3.12 emulator."""

from .core import Emulator
from .errors import ArangoError

__all__ = ["ArangoError", "Emulator"]
