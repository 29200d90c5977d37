"""The in-memory ArangoDB 3.12 emulator."""

from ..base.errors import ArangoError
from .core import Emulator

__all__ = ["ArangoError", "Emulator"]
