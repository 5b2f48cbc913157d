"""Structured logs and Prometheus metrics, defined once so every module records the same names."""

from __future__ import annotations

import logging
import sys

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

WEBHOOK_REQUESTS = Counter(
    "loket_webhook_requests",
    "Webhook POSTs by outcome (stored, bad_signature, no_signature, too_large, busy, bad_json, "
    "error).",
    ["outcome"],
    registry=REGISTRY,
)
WEBHOOK_UPDATES = Counter(
    "loket_webhook_updates",
    "Updates in webhook bodies by kind (message, status, other) and result "
    "(stored, duplicate, ignored).",
    ["kind", "result"],
    registry=REGISTRY,
)
FLOWS_ENDPOINT_REQUESTS = Counter(
    "loket_flows_endpoint_requests",
    "WhatsApp Flows data endpoint requests by HTTP status (200, 400, 413, 421, 427, 432, 503).",
    ["status"],
    registry=REGISTRY,
)
FLOWS_ENDPOINT_SECONDS = Histogram(
    "loket_flows_endpoint_seconds",
    "Time to answer a decrypted Flows request (WhatsApp allows 10 s and alerts from 1 s at p90).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 7, 10),
    registry=REGISTRY,
)
INGEST_BATCH_SIZE = Histogram(
    "loket_ingest_batch_updates",
    "Updates written per group-commit transaction.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
    registry=REGISTRY,
)
WEBHOOK_STAGE_SECONDS = Histogram(
    "loket_webhook_stage_seconds",
    "Time spent per stage of the webhook: per request read, signature, parse, queue (waiting "
    "for its batch), store (submit to commit, queue included); per batch resolve (residents), "
    "write (inbox rows) and commit.",
    ["stage"],
    buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
    registry=REGISTRY,
)
INBOX_LAG = Histogram(
    "loket_inbox_lag_seconds",
    "Time from storing an inbound event to processing it.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
    registry=REGISTRY,
)
INBOX_PENDING = Gauge("loket_inbox_pending", "Inbound events not yet processed.", registry=REGISTRY)
INBOX_SET_ASIDE = Counter(
    "loket_inbox_set_aside",
    "Inbound events set aside after repeated failures, by kind (message, status, internal).",
    ["kind"],
    registry=REGISTRY,
)
INBOX_FAILED = Gauge(
    "loket_inbox_failed", "Inbound events set aside and not retried yet.", registry=REGISTRY
)
OUTBOX_DEPTH = Gauge(
    "loket_outbox_depth", "Outbound messages waiting to be sent.", ["state"], registry=REGISTRY
)
SEND_OUTCOMES = Counter(
    "loket_send_outcomes",
    "Graph API send attempts by outcome (sent, retry, throttled, given_up, halted) and Meta code.",
    ["outcome", "code"],
    registry=REGISTRY,
)

RETENTION_REDACTED = Counter(
    "loket_retention_redacted",
    "Rows whose personal data retention redacted, by kind (requests, inbound, outbound, "
    "conversations).",
    ["kind"],
    registry=REGISTRY,
)

VERIFY_LOOKUPS = Counter(
    "loket_verify_lookups",
    "Lookups on the public verification page by outcome (found, not_found, throttled) and "
    "file checks posted to it (file_match, file_mismatch).",
    ["outcome"],
    registry=REGISTRY,
)


def configure_logging(*, level: str = "INFO", json: bool = True) -> None:
    """JSON lines on stderr (or readable lines for a developer), with context variables merged in.

    Modules bind `resident_id`, `message_id` and `wamid` with `structlog.contextvars` so every line
    about one message carries them. Libraries that log through the standard library (Alembic,
    uvicorn and its access log, asyncio, Python warnings) go through structlog's formatter, so the
    whole stream has one format.
    """
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name, _library_fields],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
            pass_foreign_args=True,
        )
    )
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level.upper())
    migration_log = logging.getLogger("alembic.runtime.migration")
    if not any(isinstance(f, _QuietAlembicChatter) for f in migration_log.filters):
        migration_log.addFilter(_QuietAlembicChatter())
    logging.captureWarnings(True)
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def _library_fields(
    logger: object, method: str, event: structlog.types.EventDict
) -> structlog.types.EventDict:
    """Turn uvicorn's access line into fields; drop the raw arguments of every other record.

    The path is logged without its query string: a query can carry the webhook's verify token
    or a dashboard search for an NIK or a phone number.
    """
    args = event.pop("positional_args", ())
    record = event.get("_record")
    if (
        getattr(record, "name", "") == "uvicorn.access"
        and isinstance(args, tuple)
        and len(args) == 5
    ):
        client, method_name, path, http_version, status = args
        event["event"] = "http request"
        event.update(
            client=client,
            method=method_name,
            path=str(path).split("?", 1)[0],
            http=http_version,
            status=status,
        )
    return event


class _QuietAlembicChatter(logging.Filter):
    """Alembic says which dialect it uses on every connection it configures (each `/readyz`
    probe, each `migrate`): that is debugging detail, not news. Demoted to DEBUG."""

    _CHATTER = ("Context impl ", "Will assume ")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and str(record.msg).startswith(self._CHATTER):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True
