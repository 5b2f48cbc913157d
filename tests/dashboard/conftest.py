"""The dashboard tests' fixtures: `dash` (a signed-in dashboard client) and `world` (the office
tree and its operators), both from tests/support/clients.py."""

from tests.support.clients import dash, world

__all__ = ["dash", "world"]
