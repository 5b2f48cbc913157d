"""Liveness, readiness and metrics endpoints (contract §4)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import SecretStr

from app.db.migrate import is_at_head
from app.observability import REGISTRY

router = APIRouter(tags=["health"])


@router.get("/healthz", response_class=PlainTextResponse)
async def healthz() -> str:
    """200 while the process lives."""
    return "ok"


@router.get("/readyz", response_class=PlainTextResponse)
async def readyz(request: Request, response: Response) -> str:
    """200 when the database answers and is migrated to head; 503 otherwise."""
    try:
        ready = await is_at_head(request.app.state.runtime.engine)
    except Exception as exc:  # any database failure means "not ready", never a 500
        response.status_code = 503
        return f"database unavailable: {type(exc).__name__}"
    if not ready:
        response.status_code = 503
        return "database is not migrated to the newest schema: run `loket migrate`"
    return "ready"


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus text format; with LOKET_METRICS_TOKEN set, only for `Authorization: Bearer`
    with that token (401 otherwise)."""
    token = request.app.state.settings.metrics_token
    if token is not None and not _bearer_matches(request.headers.get("authorization"), token):
        return PlainTextResponse(
            "metrics need `Authorization: Bearer <LOKET_METRICS_TOKEN>`",
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def _bearer_matches(header: str | None, token: SecretStr) -> bool:
    scheme, _, given = (header or "").partition(" ")
    expected = token.get_secret_value().encode()
    # Constant time: the comparison must not tell how much of a guess was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)
