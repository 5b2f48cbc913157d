"""Create or update the catalog's Flows at Meta and publish them (`loket flows publish`).

For each service and language: build the Flow JSON and check it offline, find the Flow named
`loket_<code>_<lang>` in the business account (create it as a draft if there is none), upload
the JSON, stop with Meta's `validation_errors` if it has any, publish, and record the Flow id.
A Flow whose JSON and endpoint are the ones already published is left alone. One Flow failing
does not stop the others; the caller reports every outcome.

With the data endpoint configured the Flows use `data_exchange`, and Meta publishes such a Flow
only once its `endpoint_uri` is set (error 139002 otherwise): a new Flow is created with it, an
existing one gets it through its metadata before the upload. Meta calls only https endpoints, so
an address that is not https fails every Flow before anything is sent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

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


def endpoint_problem(endpoint_uri: str) -> str | None:
    """Why Meta would not call this data endpoint address (None: it would)."""
    parts = urlsplit(endpoint_uri)
    if parts.scheme == "https" and parts.hostname:
        return None
    return (
        f"the data endpoint {endpoint_uri} is not an https URL, and Meta only calls https "
        "endpoints: set LOKET_PUBLIC_BASE_URL to this server's public https address"
    )


async def publish_flows(
    api: FlowsApi,
    registry: FlowRegistry,
    services: Sequence[Service],
    languages: Sequence[str],
    *,
    today: date,
    endpoint_uri: str | None = None,
) -> list[Outcome]:
    """Publish every (service, language) Flow; one outcome each, in order. `endpoint_uri`: the
    data endpoint's address when it is configured (`forms.endpoint_uri`), so the Flows check
    the NIK inside the form and Meta is told where to send their requests."""
    pairs = [(service, language) for service in services for language in languages]
    problem = endpoint_problem(endpoint_uri) if endpoint_uri is not None else None
    if problem is not None:
        return [Outcome(s.code, language, "failed", reasons=[problem]) for s, language in pairs]
    remote = await api.list_flows()
    return [
        await _publish_one(api, registry, remote, service, language, today, endpoint_uri)
        for service, language in pairs
    ]


async def _publish_one(
    api: FlowsApi,
    registry: FlowRegistry,
    remote: dict[str, RemoteFlow],
    service: Service,
    language: str,
    today: date,
    endpoint_uri: str | None,
) -> Outcome:
    code = service.code
    try:
        flow = flow_for(service, language, today=today, endpoint=endpoint_uri is not None)
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
        and known.endpoint_uri == endpoint_uri
    ):
        return Outcome(code, language, "unchanged", existing.id)
    try:
        if existing is None:
            flow_id = await api.create(name, endpoint_uri=endpoint_uri)
        else:
            flow_id = existing.id
            # The listing does not say where an existing Flow points: set it every time.
            if endpoint_uri is not None:
                await api.set_endpoint(flow_id, endpoint_uri)
        errors = await api.upload(flow_id, text)
        if errors:
            reasons = ["Meta refused the Flow JSON:"]
            reasons += [describe_validation_error(error) for error in errors]
            return Outcome(code, language, "failed", flow_id, reasons)
        await api.publish(flow_id)
    except GraphError as exc:
        return Outcome(code, language, "failed", reasons=[exc.describe()])
    published = datetime.now(UTC).isoformat(timespec="seconds")
    registry.record(code, language, PublishedFlow(flow_id, name, digest, published, endpoint_uri))
    return Outcome(code, language, "updated" if existing is not None else "created", flow_id)
