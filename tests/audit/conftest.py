"""The dashboard's fixtures (the app behind a client, the office tree) for the audit tests."""

from __future__ import annotations

from tests.support.clients import dash, world

__all__ = ["dash", "world"]
