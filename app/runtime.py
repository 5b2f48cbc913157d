"""The process's long-lived parts, built once from settings, shared by routes and workers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.bot.body_budget import BodyBudget
from app.bot.client import GraphClient
from app.bot.sandbox import SandboxSink
from app.bot.sandbox_media import SandboxMedia
from app.bot.sender import MessageSender
from app.config import Settings
from app.db import create_engine, create_read_sessionmaker, create_sessionmaker
from app.flows.catalog import Catalog, load_catalog
from app.flows.intents import use_catalog
from app.inbox.ingest import IngestBatcher
from app.locker import BlobStore, MediaSource, store_from_settings


@dataclass
class Runtime:
    """Everything a request handler or worker needs; tests build one with their own transport."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    sender: MessageSender
    graph: GraphClient | None
    sandbox: SandboxSink | None
    sandbox_media: SandboxMedia | None
    media_source: MediaSource
    store: BlobStore
    catalog: Catalog
    ingest: IngestBatcher
    worker_id: str = field(default="")
    # Webhook body bytes held at once (LOKET_WEBHOOK_INFLIGHT_BYTES, at least one whole body).
    webhook_budget: BodyBudget = field(default_factory=lambda: BodyBudget(16 * 1024 * 1024))

    @cached_property
    def read_sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        """Sessions that only read (pages, listings, exports): no write lock on SQLite."""
        return create_read_sessionmaker(self.engine)

    async def aclose(self) -> None:
        await self.ingest.aclose()
        await self.store.aclose()
        await self.http.aclose()
        await self.engine.dispose()


def build_runtime(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    engine: AsyncEngine | None = None,
    worker_id: str = "",
) -> Runtime:
    """Wire the parts: database, catalog, locker, and the Graph client (live) or the sandbox."""
    import os
    import socket

    engine = engine or create_engine(settings.database_url)
    catalog = load_catalog(settings.catalog_dir)
    # `classify` (contract §7) answers from the catalog this process serves.
    use_catalog(catalog)
    sessionmaker = create_sessionmaker(engine)
    http = httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(
            settings.whatsapp_api_timeout_seconds,
            connect=min(10.0, settings.whatsapp_api_timeout_seconds),
        ),
        follow_redirects=True,
    )
    graph: GraphClient | None = None
    sandbox: SandboxSink | None = None
    sandbox_media: SandboxMedia | None = None
    sender: MessageSender
    media_source: MediaSource
    if settings.sandbox:
        sandbox = SandboxSink()
        # Under the var dir: uploads outlive a restart and reach a `loket worker` beside `serve`.
        sandbox_media = SandboxMedia(settings.var_dir / "sandbox-media")
        sender, media_source = sandbox, sandbox_media
    else:
        graph = GraphClient(settings, http)
        sender, media_source = graph, graph
    return Runtime(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        http=http,
        sender=sender,
        graph=graph,
        sandbox=sandbox,
        sandbox_media=sandbox_media,
        media_source=media_source,
        store=store_from_settings(settings),
        catalog=catalog,
        ingest=IngestBatcher(
            sessionmaker,
            max_wait_ms=settings.ingest_batch_wait_ms,
            max_batch=settings.ingest_batch_max,
            max_in_flight=(
                settings.ingest_batches_in_flight if engine.dialect.name == "postgresql" else 1
            ),
        ),
        worker_id=worker_id or f"{socket.gethostname()}:{os.getpid()}",
        webhook_budget=BodyBudget(
            max(settings.webhook_inflight_bytes, settings.webhook_max_body_bytes)
        ),
    )
