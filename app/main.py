"""The FastAPI application: webhook, health, API, dashboard and simulator in one process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import structlog
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import health
from app.api import issued as issued_api
from app.api import router as operator_api
from app.bot import router as webhook
from app.config import Settings, load_settings
from app.dashboard.app import create_dashboard
from app.flow_endpoint import endpoint_router as flows_endpoint
from app.runtime import build_runtime
from app.simulator import router as simulator
from app.verification import router as verification
from app.workers.runner import WorkerSet

log = structlog.get_logger(__name__)


class LoketApp(FastAPI):
    """FastAPI with Meta's webhook POST answered ahead of the middleware stack.

    The webhook is the one path that takes Meta's whole message rate, and a bare ASGI handler
    answers it for a fraction of what Starlette's layers cost (`webhook.serve_delivery`). Every
    other request, the webhook's GET handshake included, goes through FastAPI as usual."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == scope.get("root_path", "") + webhook.WEBHOOK_PATH
        ):
            scope["app"] = self
            await webhook.serve_delivery(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    *,
    run_workers: bool = True,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the application.

    Args:
        settings: configuration; read from the environment when omitted.
        run_workers: also run the background workers in this process (`serve` without
            `--no-workers`).
        transport: an httpx transport for Graph API calls; tests pass a fake.
    """
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = build_runtime(settings, transport=transport)
        app.state.runtime = runtime
        workers = WorkerSet(runtime) if run_workers else None
        if workers is not None:
            await workers.start()
        log.info("loket started", sandbox=settings.sandbox, workers=run_workers)
        try:
            yield
        finally:
            if workers is not None:
                await workers.stop()
            await runtime.aclose()
            log.info("loket stopped")

    docs = settings.api_docs_enabled  # LOKET_API_DOCS: off by default in live mode
    app = LoketApp(
        title="Loket",
        summary="WhatsApp service counter for Indonesian local government",
        version="0.1.0",
        lifespan=lifespan,
        openapi_url="/openapi.json" if docs else None,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
    )
    app.state.settings = settings
    # The client's real address (audit rows, login throttle) from X-Forwarded-For, believed only
    # from LOKET_FORWARDED_ALLOW_IPS. Here rather than in uvicorn, so every way of serving the app
    # applies the same rule.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    app.include_router(health.router)
    app.include_router(webhook.router)
    app.include_router(flows_endpoint.router)
    app.include_router(operator_api.router)
    app.include_router(issued_api.router)
    app.include_router(verification.router)
    app.mount("/dashboard", create_dashboard(app))
    if settings.sandbox:
        app.include_router(simulator.router)
    return app
