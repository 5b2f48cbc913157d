"""The operator's HTTP clients: the app in sandbox mode behind httpx, for the JSON API (`Api`) and
the dashboard (`Dashboard`, signed in through its form), and the office tree (`world`).

`world` and `dash` are fixtures: a conftest imports them to offer them to its tests."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.main import create_app
from app.runtime import Runtime
from tests.support.factories import PASSWORD, World, build_world


@dataclass
class Api:
    """The running app, a client for it, and the database it writes to."""

    app: FastAPI
    client: httpx.AsyncClient
    sessionmaker: async_sessionmaker[AsyncSession]

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.state.runtime
        return runtime


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app (no workers) with its lifespan run, behind an in-process client."""
    app = create_app(settings, run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://loket.test") as client:
            yield app, client


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    return await build_world(sessionmaker)


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
