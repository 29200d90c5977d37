"""databases API (routes beside handlers)."""

from __future__ import annotations
