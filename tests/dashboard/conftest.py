"""The app in sandbox mode behind an httpx client, the office tree, and a dashboard sign-in.

`world` (the office tree and its operators) is the API tests' fixture, re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from tests.api.conftest import Api, running, world
from tests.support.factories import PASSWORD

__all__ = ["Dashboard", "csrf_of", "dash", "world"]

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form in a page."""
    found = CSRF_INPUT.search(html)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


class Dashboard(Api):
    """The running app, a browser-like client (cookies kept), and the database."""

    async def login_token(self) -> str:
        page = await self.client.get("/dashboard/login")
        assert page.status_code == 200
        return csrf_of(page.text)

    async def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        token = await self.login_token()
        return await self.client.post(
            "/dashboard/login",
            data={"csrf_token": token, "username": username, "password": password},
        )

    async def sign_in(self, username: str) -> str:
        """Sign in and return the session's CSRF token (from the queue page)."""
        answer = await self.login(username)
        assert answer.status_code == 303, answer.text
        queue = await self.client.get("/dashboard/")
        assert queue.status_code == 200
        return csrf_of(queue.text)


@pytest.fixture
async def dash(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Dashboard]:
    async with running(settings) as (app, client):
        yield Dashboard(app, client, sessionmaker)
