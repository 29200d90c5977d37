"""Every built-in function family, imported once: after this import the registry is complete.

A new family module registers itself by one import line here.
"""

from __future__ import annotations

from . import REGISTRY, FunctionSpec
from . import array as array
from . import date as date
from . import document as document
from . import geo as geo
from . import misc as misc
from . import numeric as numeric
from . import search as search
from . import string as string
from . import types as types
from . import vector as vector

__all__ = ["REGISTRY", "load_all"]


def load_all() -> dict[str, FunctionSpec]:
    """The complete registry (every family is loaded by importing this module)."""
    return REGISTRY
