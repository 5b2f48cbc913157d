"""Chromium for the browser tests: a served Loket, a browser context that collects page errors,
and where screenshots go."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import uvicorn

from app.config import Settings
from app.main import create_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A microphone for the simulator's voice notes: a generated tone, allowed without a prompt.
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(settings: Settings, port: int | None = None) -> Iterator[str]:
    """Loket (sandbox mode, workers on) served by uvicorn in a thread; yields its base URL.

    Leaving the block stops it; serving again on the same `port` is a restart.
    """
    fast = settings.model_copy(update={"worker_poll_seconds": 0.05})
    port = port or _free_port()
    # A page's long poll keeps a connection open: cap the graceful wait so the server (and its
    # workers, which share the test database) is gone before the next test starts.
    config = uvicorn.Config(
        create_app(fast), host="127.0.0.1", port=port, log_config=None, timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        assert not thread.is_alive(), "the test server did not stop"


@asynccontextmanager
async def browser_context(
    chromium_path: str,
    extra_args: tuple[str, ...] = (),
    viewport: tuple[int, int] = (480, 860),
) -> AsyncIterator[tuple[object, list[str]]]:
    """A fresh Chromium context, and the errors its pages report: script errors and server
    errors (a 4xx the page handles is behaviour). `extra_args` go to Chromium (a fake camera's
    video file)."""
    from playwright.async_api import async_playwright

    errors: list[str] = []

    def watch(page) -> None:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "response",
            lambda response: (
                errors.append(f"{response.status} {response.url}")
                if response.status >= 500
                else None
            ),
        )

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path, args=[*CHROMIUM_FLAGS, *extra_args]
        )
        try:
            size = {"width": viewport[0], "height": viewport[1]}
            context = await browser.new_context(viewport=size)
            context.on("page", watch)
            yield context, errors
        finally:
            await browser.close()


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
