"""The pure conversation engine, the service catalog and intent classification.

Nothing in this package performs I/O beyond reading its own data files: no web framework, no
database, no HTTP. The caller (app.conversations) loads a snapshot, calls `Engine.handle` and
carries out the events it gets back.

The names below are the engine's public face: code outside app/flows imports them from here
(or from the `app.flows.catalog` and `app.flows.forms` packages, which have faces of their own),
so the engine's modules can be rearranged behind it. They load on first use: importing the
catalog alone (`loket catalog check`) need not load the engine and its classifier.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.flows.context import OfficeInfo, RequestSummary, ResidentContext, StoredDocument
    from app.flows.engine import Engine
    from app.flows.identity import IdentityError, parse_nik
    from app.flows.reach import SUMMARY, condition_holds, items_reached
    from app.flows.validators import nik_warnings, validate

_HOME = {
    "Engine": "app.flows.engine",
    "IdentityError": "app.flows.identity",
    "OfficeInfo": "app.flows.context",
    "RequestSummary": "app.flows.context",
    "ResidentContext": "app.flows.context",
    "SUMMARY": "app.flows.reach",
    "StoredDocument": "app.flows.context",
    "condition_holds": "app.flows.reach",
    "items_reached": "app.flows.reach",
    "nik_warnings": "app.flows.validators",
    "parse_nik": "app.flows.identity",
    "validate": "app.flows.validators",
}

__all__ = [
    "SUMMARY",
    "Engine",
    "IdentityError",
    "OfficeInfo",
    "RequestSummary",
    "ResidentContext",
    "StoredDocument",
    "condition_holds",
    "items_reached",
    "nik_warnings",
    "parse_nik",
    "validate",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (a submodule is not one of them)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'app.flows' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
