"""The app behind an httpx client with the office tree; settings varied per test module."""

from __future__ import annotations

from tests.support.clients import dash, world  # noqa: F401  (fixtures)
