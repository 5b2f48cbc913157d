"""Create or update the catalog's Flows at Meta and publish them (`loket flows publish`).

For each service and language: build the Flow JSON and check it offline, find the Flow named
`loket_<code>_<lang>` in the business account (create it as a draft if there is none), upload
the JSON, stop with Meta's `validation_errors` if it has any, publish, and record the Flow id.
A Flow whose JSON is the one already published is left alone. One Flow failing does not stop
the others; the caller reports every outcome.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from app.bot.errors import GraphError
from app.flows.catalog import Service
from app.flows.forms import FormError, validate_flow
from app.whatsapp_flows.forms import flow_for
from app.whatsapp_flows.graph import FlowsApi, RemoteFlow, describe_validation_error
from app.whatsapp_flows.registry import FlowRegistry, PublishedFlow, flow_name


@dataclass(frozen=True)
class Outcome:
    """What happened to one Flow: `status` is created, updated, unchanged or failed."""

    code: str
    language: str
    status: str
    flow_id: str | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def lines(self) -> list[str]:
        """How the command prints it: one line, then one per reason."""
        name = flow_name(self.code, self.language)
        if self.ok:
            return [f"{self.code} {self.language}: {self.status} {name} (flow {self.flow_id})"]
        head = f"{self.code} {self.language}: failed {name}"
        return [head, *(f"  {reason}" for reason in self.reasons)]


def flow_text(flow: dict[str, object]) -> str:
    """The Flow JSON as uploaded (indented: Meta's errors give line numbers)."""
    return json.dumps(flow, ensure_ascii=False, indent=2) + "\n"


async def publish_flows(
    api: FlowsApi,
    registry: FlowRegistry,
    services: Sequence[Service],
    languages: Sequence[str],
    *,
    today: date,
    endpoint: bool = False,
) -> list[Outcome]:
    """Publish every (service, language) Flow; one outcome each, in order (`endpoint`: the
    data endpoint is configured, so the Flows check the NIK inside the form)."""
    remote = await api.list_flows()
    outcomes = []
    for service in services:
        for language in languages:
            outcomes.append(
                await _publish_one(api, registry, remote, service, language, today, endpoint)
            )
    return outcomes


async def _publish_one(
    api: FlowsApi,
    registry: FlowRegistry,
    remote: dict[str, RemoteFlow],
    service: Service,
    language: str,
    today: date,
    endpoint: bool,
) -> Outcome:
    code = service.code
    try:
        flow = flow_for(service, language, today=today, endpoint=endpoint)
    except FormError as exc:
        return Outcome(code, language, "failed", reasons=[p.reason for p in exc.problems])
    issues = validate_flow(flow)
    if issues:
        return Outcome(code, language, "failed", reasons=[str(issue) for issue in issues])
    text = flow_text(flow)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    name = flow_name(code, language)
    existing = remote.get(name)
    known = registry.get(code, language)
    if (
        existing is not None
        and existing.status == "PUBLISHED"
        and known is not None
        and known.flow_id == existing.id
        and known.sha256 == digest
    ):
        return Outcome(code, language, "unchanged", existing.id)
    try:
        flow_id = existing.id if existing is not None else await api.create(name)
        errors = await api.upload(flow_id, text)
        if errors:
            reasons = ["Meta refused the Flow JSON:"]
            reasons += [describe_validation_error(error) for error in errors]
            return Outcome(code, language, "failed", flow_id, reasons)
        await api.publish(flow_id)
    except GraphError as exc:
        return Outcome(code, language, "failed", reasons=[exc.describe()])
    published = datetime.now(UTC).isoformat(timespec="seconds")
    registry.record(code, language, PublishedFlow(flow_id, name, digest, published))
    return Outcome(code, language, "updated" if existing is not None else "created", flow_id)
