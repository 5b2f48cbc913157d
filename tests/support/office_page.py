"""An operator of the demo offices in a browser tab: signing in and moving a request."""

from __future__ import annotations

from typing import Any

from app.config import Settings
from app.db import unit_of_work, utcnow
from app.operators.demo import seed_demo


async def demo_password(settings: Settings, sessionmaker: Any, username: str) -> str:
    """Seed the demo offices and operators; the password of `username`."""
    async with unit_of_work(sessionmaker) as session:
        demo = await seed_demo(session, secret=settings.session_secret(), now=utcnow())
    password = next(c.password for c in demo.credentials if c.username == username)
    assert password is not None
    return password


async def sign_in(office: Any, base: str, username: str, password: str) -> None:
    """Sign in on the dashboard's login page and wait for the queue."""
    await office.goto(f"{base}/dashboard/login")
    await office.fill("#username", username)
    await office.fill("#password", password)
    await office.click("#login-form button[type=submit]")
    await office.locator("#nav-queue").wait_for(timeout=10_000)


async def move(office: Any, target: str) -> None:
    """Press the request page's button that moves it to `target`; wait for the notice."""
    await office.click(f"#action-{target} button[type=submit]")
    await office.locator(".notice").wait_for(timeout=10_000)
