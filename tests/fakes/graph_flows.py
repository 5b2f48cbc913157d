"""The Flows API part of the fake Graph API (reference §7.1), used by `FakeGraphAPI`.

- `GET /{version}/{waba_id}/flows` lists the account's Flows, `page_size` per page with
  `paging.next` (Meta's cursor pagination);
- `POST /{version}/{waba_id}/flows` (JSON `{name, categories, endpoint_uri?}`) creates a DRAFT;
  names are unique;
- `POST /{version}/{flow_id}` (JSON `{name?, categories?, endpoint_uri?, application_id?}`)
  updates the Flow's metadata and answers `{"success": true}`;
- `POST /{version}/{flow_id}/assets` takes the multipart upload (`file` as application/json,
  `name=flow.json`, `asset_type=FLOW_JSON`): an edit of a published Flow makes it a DRAFT again
  and the answer carries the `validation_errors` queued with `refuse_next_upload`;
- `POST /{version}/{flow_id}/publish` publishes a draft without validation errors whose JSON,
  if it has a `data_api_version`, has an `endpoint_uri` to call (139002 else, as Meta).

An `endpoint_uri` that is not an https URL gets error 100, as Meta answers an invalid one. Each
Flow keeps the `endpoint_uri` it was given and, in `metadata_updates`, every update's body.

The multipart body is parsed into `RecordedRequest.form`: `{field: str}` for plain fields and
`{field: (filename, content_type, bytes)}` for files, so tests assert the exact upload.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

DEFAULT_WABA_ID = "102290129340398"
FLOW_ROUTES = frozenset(
    {"flows_list", "flows_create", "flow_update", "flow_assets", "flow_publish"}
)
METADATA_FIELDS = frozenset({"name", "categories", "endpoint_uri", "application_id"})


@dataclass
class FakeFlow:
    """A Flow the fake knows: its name, categories, endpoint, status and last uploaded JSON."""

    id: str
    name: str
    categories: list[str]
    status: str = "DRAFT"
    flow_json: str | None = None
    validation_errors: list[dict[str, Any]] = field(default_factory=list)
    uploads: int = 0
    publications: int = 0
    endpoint_uri: str | None = None
    metadata_updates: list[dict[str, Any]] = field(default_factory=list)


class FakeFlows:
    """The state and answers of the Flows API for one business account."""

    def __init__(
        self,
        version: str,
        waba_id: str,
        error: Callable[[int, str], httpx.Response],
        page_size: int = 2,
    ) -> None:
        self._error = error  # Meta's error answer (tests/fakes/graph.py: meta_error)
        self.version = version
        self.waba_id = waba_id
        self.page_size = page_size
        self.flows: dict[str, FakeFlow] = {}
        self._ids = itertools.count(1_900_000_000_000_001)
        self._refusals: list[list[dict[str, Any]]] = []

    def add(
        self,
        name: str,
        *,
        status: str = "PUBLISHED",
        flow_json: str | None = None,
        endpoint_uri: str | None = None,
    ) -> FakeFlow:
        """A Flow that already exists in the account."""
        flow = FakeFlow(str(next(self._ids)), name, ["OTHER"], status, flow_json)
        flow.endpoint_uri = endpoint_uri
        self.flows[flow.id] = flow
        return flow

    def by_name(self, name: str) -> FakeFlow:
        return next(flow for flow in self.flows.values() if flow.name == name)

    def refuse_next_upload(self, errors: list[dict[str, Any]]) -> None:
        """Answer the next upload with these `validation_errors`."""
        self._refusals.append(errors)

    def route(self, method: str, path: str) -> str | None:
        """Which Flows API route a request is, if any."""
        prefix = f"/{self.version}/"
        if not path.startswith(prefix):
            return None
        parts = path.removeprefix(prefix).split("/")
        if len(parts) == 2 and parts[1] == "flows":
            return "flows_list" if method == "GET" else "flows_create"
        if len(parts) == 1 and parts[0] and method == "POST":
            return "flow_update"
        if len(parts) == 2 and parts[1] in ("assets", "publish") and method == "POST":
            return "flow_assets" if parts[1] == "assets" else "flow_publish"
        return None

    def answer(
        self, route: str, request: httpx.Request, form: dict[str, Any] | None
    ) -> httpx.Response:
        owner = request.url.path.removeprefix(f"/{self.version}/").split("/")[0]
        if route in ("flows_list", "flows_create") and owner != self.waba_id:
            return self._error(100, f"Unsupported request. Object with ID '{owner}' does not exist")
        if route == "flows_list":
            return self._list(request)
        if route == "flows_create":
            return self._create(request)
        flow = self.flows.get(owner)
        if flow is None:
            return self._error(100, f"Unsupported post request. Object '{owner}' does not exist")
        if route == "flow_update":
            return self._update(flow, request)
        if route == "flow_assets":
            return self._upload(flow, form or {})
        return self._publish(flow)

    def _list(self, request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("after", "0"))
        flows = list(self.flows.values())
        page = flows[start : start + self.page_size]
        body: dict[str, Any] = {
            "data": [
                {"id": f.id, "name": f.name, "status": f.status, "categories": f.categories}
                for f in page
            ],
            "paging": {"cursors": {"before": str(start), "after": str(start + len(page))}},
        }
        if start + self.page_size < len(flows):
            body["paging"]["next"] = str(request.url.copy_set_param("after", start + len(page)))
        return httpx.Response(200, json=body)

    def _create(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        name, categories = body.get("name"), body.get("categories")
        if not isinstance(name, str) or not isinstance(categories, list) or not categories:
            return self._error(100, "(#100) The parameters name and categories are required.")
        if any(flow.name == name for flow in self.flows.values()):
            return self._error(100, "(#100) Flow name is not unique")
        endpoint_uri = body.get("endpoint_uri")
        if endpoint_uri is not None and not _https_url(endpoint_uri):
            return self._error(100, f"(#100) Invalid endpoint URI: {endpoint_uri}")
        flow = FakeFlow(str(next(self._ids)), name, list(categories))
        flow.endpoint_uri = endpoint_uri
        self.flows[flow.id] = flow
        return httpx.Response(200, json={"id": flow.id, "success": True, "validation_errors": []})

    def _update(self, flow: FakeFlow, request: httpx.Request) -> httpx.Response:
        try:
            body = json.loads(request.content or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body:
            return self._error(100, "(#100) No metadata to update")
        unknown = sorted(set(body) - METADATA_FIELDS)
        if unknown:
            return self._error(100, f"(#100) Param {unknown[0]} is not a Flow metadata field")
        endpoint_uri = body.get("endpoint_uri")
        if "endpoint_uri" in body and not _https_url(endpoint_uri):
            return self._error(100, f"(#100) Invalid endpoint URI: {endpoint_uri}")
        flow.metadata_updates.append(body)
        flow.name = body.get("name", flow.name)
        flow.categories = body.get("categories", flow.categories)
        flow.endpoint_uri = body.get("endpoint_uri", flow.endpoint_uri)
        return httpx.Response(200, json={"success": True})

    def _upload(self, flow: FakeFlow, form: dict[str, Any]) -> httpx.Response:
        upload = form.get("file")
        if form.get("asset_type") != "FLOW_JSON" or form.get("name") != "flow.json":
            return self._error(100, "(#100) asset_type FLOW_JSON and name flow.json are required")
        if not isinstance(upload, tuple) or upload[1] != "application/json":
            return self._error(100, "(#100) file must be a JSON file")
        try:
            json.loads(upload[2])
        except ValueError:
            return self._error(100, "(#100) Invalid Flow JSON: not JSON")
        flow.flow_json = upload[2].decode("utf-8")
        flow.uploads += 1
        flow.status = "DRAFT"
        flow.validation_errors = self._refusals.pop(0) if self._refusals else []
        return httpx.Response(
            200, json={"success": True, "validation_errors": flow.validation_errors}
        )

    def _publish(self, flow: FakeFlow) -> httpx.Response:
        if flow.flow_json is None or flow.validation_errors:
            return self._error(139002, "(#139002) Publishing failed: the Flow JSON has errors")
        if "data_api_version" in json.loads(flow.flow_json) and flow.endpoint_uri is None:
            return self._error(
                139002,
                "(#139002) Publishing failed: the Flow uses a data endpoint "
                "(data_api_version) but its endpoint_uri is not set",
            )
        flow.status = "PUBLISHED"
        flow.publications += 1
        return httpx.Response(200, json={"success": True})


def _https_url(value: object) -> bool:
    """Whether Meta would take this as an `endpoint_uri`."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.hostname)


def parse_multipart(request: httpx.Request) -> dict[str, Any]:
    """A multipart/form-data body as {field: text} and {field: (filename, type, bytes)}."""
    content_type = request.headers.get("content-type", "")
    if not re.match(r"multipart/form-data", content_type):
        return {}
    raw = f"Content-Type: {content_type}\r\n\r\n".encode() + request.read()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    form: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            form[str(name)] = payload.decode("utf-8")
        else:
            form[str(name)] = (filename, part.get_content_type(), payload)
    return form
