"""Server-wide security settings: the server mode, the JWT signing secret and an epoch.

The epoch counts changes that can alter an access decision (server mode here; user and
grant changes advance it too), so a cache of decisions keyed by it never needs clearing.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT", "READONLY", "Security"]

DEFAULT = "default"
READONLY = "readonly"


@dataclass(slots=True)
class Security:
    """What ``PUT /_admin/server/mode`` and the JWT code change; see the module docstring."""

    #: ``default`` or ``readonly``
    mode: str = DEFAULT
    #: the secret server tokens are signed with (chosen on first use unless configured)
    jwt_signing_secret: str | None = None
    epoch: int = 0

    @property
    def read_only(self) -> bool:
        return self.mode == READONLY

    def set_mode(self, mode: str) -> None:
        """Switch mode; access decisions taken in the other mode no longer hold."""
        if mode != self.mode:
            self.mode = mode
            self.advance()

    def advance(self) -> None:
        """Something that can change an access decision changed."""
        self.epoch += 1
