"""Facts about the emulated server that every layer may quote."""

from __future__ import annotations

__all__ = ["VERSION"]

#: the ArangoDB release the emulator answers as
VERSION = "3.12.10"
