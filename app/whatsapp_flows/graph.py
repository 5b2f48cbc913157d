"""A thin client of Meta's Flows API (reference §7): list, create, update metadata, upload Flow
JSON, publish.

Like `app.bot.client.GraphClient` it takes a shared `httpx.AsyncClient` (tests inject the fake
Graph API's transport), sends the Bearer token on every call and turns Meta's error answers into
`GraphError` and transport failures into `GraphNetworkError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from app.bot.errors import GraphError, GraphNetworkError
from app.config import Settings

# Meta's categories (reference §7.1); a government application form fits none better.
CATEGORIES = ("OTHER",)
MAX_LIST_PAGES = 20


@dataclass(frozen=True)
class RemoteFlow:
    """A Flow as `GET /{WABA_ID}/flows` lists it."""

    id: str
    name: str
    status: str


class FlowsApi:
    """The Flows API of one WhatsApp Business Account."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient) -> None:
        token = settings.whatsapp_access_token
        waba = settings.whatsapp_business_account_id
        if token is None or not waba:
            raise ValueError("the Flows API needs WHATSAPP_ACCESS_TOKEN and the business account")
        self._http = http
        self._root = f"{settings.whatsapp_api_base_url}/{settings.whatsapp_api_version}"
        self._waba = waba
        self._auth = {"Authorization": f"Bearer {token.get_secret_value()}"}

    async def list_flows(self) -> dict[str, RemoteFlow]:
        """The account's Flows by name, following Meta's pages."""
        found: dict[str, RemoteFlow] = {}
        url: str | None = f"{self._root}/{self._waba}/flows"
        for _ in range(MAX_LIST_PAGES):
            if url is None:
                break
            page = await self._json("GET", url)
            for item in page.get("data") or []:
                if isinstance(item, dict) and item.get("id") and item.get("name"):
                    flow = RemoteFlow(str(item["id"]), str(item["name"]), str(item.get("status")))
                    found[flow.name] = flow
            paging = page.get("paging")
            url = paging.get("next") if isinstance(paging, dict) else None
        return found

    async def create(self, name: str, *, endpoint_uri: str | None = None) -> str:
        """Create an empty draft Flow called `name` (with the data endpoint's address when the
        Flow uses one); its id."""
        body: dict[str, Any] = {"name": name, "categories": list(CATEGORIES)}
        if endpoint_uri is not None:
            body["endpoint_uri"] = endpoint_uri
        answer = await self._json("POST", f"{self._root}/{self._waba}/flows", json=body)
        if not answer.get("id"):
            raise GraphError(code=None, message=f"creating {name}: answer without an id")
        return str(answer["id"])

    async def set_endpoint(self, flow_id: str, endpoint_uri: str) -> None:
        """Point the Flow at the data endpoint (`POST /{FLOW_ID}`, its metadata): Meta refuses
        to publish a Flow with `data_api_version` whose `endpoint_uri` is not set."""
        answer = await self._json(
            "POST", f"{self._root}/{flow_id}", json={"endpoint_uri": endpoint_uri}
        )
        if answer.get("success") is not True:
            raise GraphError(code=None, message=f"setting the endpoint of {flow_id}: {answer}")

    async def upload(self, flow_id: str, flow_json: str) -> list[dict[str, Any]]:
        """Upload the Flow JSON as the draft's asset; Meta's `validation_errors` (empty: valid)."""
        answer = await self._json(
            "POST",
            f"{self._root}/{flow_id}/assets",
            files={"file": ("flow.json", flow_json.encode("utf-8"), "application/json")},
            data={"name": "flow.json", "asset_type": "FLOW_JSON"},
        )
        errors = answer.get("validation_errors") or []
        return [error for error in errors if isinstance(error, dict)]

    async def publish(self, flow_id: str) -> None:
        """Publish the draft (Meta refuses while it has validation errors)."""
        answer = await self._json("POST", f"{self._root}/{flow_id}/publish")
        if answer.get("success") is not True:
            raise GraphError(code=None, message=f"publishing {flow_id}: {answer}")

    async def _json(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self._http.request(method, url, headers=self._auth, **kwargs)
        except httpx.TransportError as exc:
            raise GraphNetworkError(f"{method} {url}: {exc!r}") from exc
        if response.is_error:
            raise GraphError.from_response(response.status_code, response.content)
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise GraphError(
                code=None,
                http_status=response.status_code,
                message=f"{method} {url}: answer is not a JSON object",
            )
        return payload


def describe_validation_error(error: dict[str, Any]) -> str:
    """One of Meta's `validation_errors` as one readable line."""
    kind = error.get("error_type") or error.get("error") or "error"
    line = f"{kind}: {error.get('message') or 'no message'}"
    if error.get("line_start") is not None:
        line += f" (line {error['line_start']}, column {error.get('column_start', '?')})"
    pointers = error.get("pointers")
    paths = [p.get("path") for p in pointers or [] if isinstance(p, dict) and p.get("path")]
    if paths:
        line += " at " + ", ".join(str(path) for path in paths)
    return line
