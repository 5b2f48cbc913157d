"""Publishing with the Flows data endpoint configured: Meta must know each Flow's `endpoint_uri`
(error 139002 at publish otherwise), so a new Flow is created with it and an existing one gets
it through its metadata; without the endpoint nothing about it is sent."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.bot.errors import GraphError
from app.config import Settings
from app.flows.catalog import shipped_catalog
from app.whatsapp_flows.forms import endpoint_uri, flow_for
from app.whatsapp_flows.graph import FlowsApi
from app.whatsapp_flows.publish import Outcome, flow_text, publish_flows
from app.whatsapp_flows.registry import FlowRegistry
from tests.fakes.graph import FakeGraphAPI
from tests.support.flow_vectors import PYWA_PASSPHRASE, PYWA_PRIVATE_KEY
from tests.support.flows_publishing import WABA_ID

TODAY = date(2026, 11, 22)
KTP = shipped_catalog().get("ktp")
ROOT = "http://graph.test/v25.0"
URI = "https://loket.example.go.id/webhooks/whatsapp/flows"
REFUSED = (
    "Graph error 139002 (HTTP 400): (#139002) Publishing failed: the Flow uses a data endpoint "
    "(data_api_version) but its endpoint_uri is not set [fbtrace_id=AFakeTrace139002]"
)


async def publish(
    settings: Settings,
    graph: FakeGraphAPI,
    uri: str | None,
    languages: tuple[str, ...] = ("id",),
    api: type[FlowsApi] = FlowsApi,
) -> list[Outcome]:
    async with graph.client() as http:
        return await publish_flows(
            api(settings, http),
            FlowRegistry.for_settings(settings),
            [KTP],
            languages,
            today=TODAY,
            endpoint_uri=uri,
        )


class ClientThatNeverSetsTheEndpoint(FlowsApi):
    """The Flows client as it was before `endpoint_uri` was sent: what Meta refuses."""

    async def create(self, name: str, *, endpoint_uri: str | None = None) -> str:
        return await super().create(name)

    async def set_endpoint(self, flow_id: str, endpoint_uri: str) -> None:
        return None


def test_the_endpoint_uri_is_the_public_base_url_and_the_endpoints_path(
    flows_settings: Settings,
) -> None:
    assert endpoint_uri(flows_settings) is None  # no private key: no endpoint
    configured = Settings(
        LOKET_VAR_DIR=flows_settings.var_dir,
        LOKET_LOG_JSON=False,
        LOKET_PUBLIC_BASE_URL="https://loket.example.go.id/",  # the trailing slash goes
        WHATSAPP_FLOWS_PRIVATE_KEY=PYWA_PRIVATE_KEY,
        WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE=PYWA_PASSPHRASE,
    )
    assert endpoint_uri(configured) == URI


async def test_a_new_flow_is_created_with_the_endpoint_uri(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    outcomes = await publish(flows_settings, graph, URI)
    flow = graph.flows.by_name("loket_ktp_id")
    assert [o.lines() for o in outcomes] == [[f"ktp id: created loket_ktp_id (flow {flow.id})"]]
    assert [(r.method, r.url) for r in graph.requests] == [
        ("GET", f"{ROOT}/{WABA_ID}/flows"),
        ("POST", f"{ROOT}/{WABA_ID}/flows"),
        ("POST", f"{ROOT}/{flow.id}/assets"),
        ("POST", f"{ROOT}/{flow.id}/publish"),
    ]
    assert graph.requests[1].json == {
        "name": "loket_ktp_id",
        "categories": ["OTHER"],
        "endpoint_uri": URI,
    }
    uploaded = flow_text(flow_for(KTP, "id", today=TODAY, endpoint=True))
    assert json.loads(uploaded)["data_api_version"] == "3.0"
    assert (flow.flow_json, flow.endpoint_uri, flow.status) == (uploaded, URI, "PUBLISHED")
    recorded = FlowRegistry.for_settings(flows_settings).get("ktp", "id")
    assert recorded is not None and recorded.endpoint_uri == URI


async def test_an_existing_flow_gets_the_endpoint_before_the_upload(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    existing = graph.flows.add("loket_ktp_id", flow_json='{"version": "7.3"}')
    outcomes = await publish(flows_settings, graph, URI)
    assert [o.lines() for o in outcomes] == [[f"ktp id: updated loket_ktp_id (flow {existing.id})"]]
    assert [(r.method, r.url) for r in graph.requests] == [
        ("GET", f"{ROOT}/{WABA_ID}/flows"),
        ("POST", f"{ROOT}/{existing.id}"),
        ("POST", f"{ROOT}/{existing.id}/assets"),
        ("POST", f"{ROOT}/{existing.id}/publish"),
    ]
    assert graph.requests[1].json == {"endpoint_uri": URI}
    assert existing.metadata_updates == [{"endpoint_uri": URI}]
    assert (existing.endpoint_uri, existing.publications, existing.status) == (
        URI,
        1,
        "PUBLISHED",
    )


async def test_a_new_or_moved_endpoint_publishes_again_the_same_endpoint_does_not(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    await publish(flows_settings, graph, URI)
    flow = graph.flows.by_name("loket_ktp_id")
    graph.requests.clear()
    again = await publish(flows_settings, graph, URI)
    assert [o.status for o in again] == ["unchanged"]
    assert [r.route for r in graph.requests] == ["flows_list"]
    moved = "https://layanan.example.go.id/webhooks/whatsapp/flows"
    outcomes = await publish(flows_settings, graph, moved)
    assert [o.lines() for o in outcomes] == [[f"ktp id: updated loket_ktp_id (flow {flow.id})"]]
    assert flow.metadata_updates == [{"endpoint_uri": moved}]
    assert flow.endpoint_uri == moved


async def test_without_the_endpoint_nothing_about_it_is_sent(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    existing = graph.flows.add("loket_ktp_id", flow_json='{"version": "7.3"}')
    outcomes = await publish(flows_settings, graph, None, ("id", "en"))
    english = graph.flows.by_name("loket_ktp_en")
    assert [o.lines() for o in outcomes] == [
        [f"ktp id: updated loket_ktp_id (flow {existing.id})"],
        [f"ktp en: created loket_ktp_en (flow {english.id})"],
    ]
    assert [r.route for r in graph.requests] == [
        "flows_list",
        "flow_assets",
        "flow_publish",
        "flows_create",
        "flow_assets",
        "flow_publish",
    ]
    assert graph.requests[3].json == {"name": "loket_ktp_en", "categories": ["OTHER"]}
    for flow in (existing, english):
        assert flow.flow_json is not None
        assert "data_api_version" not in json.loads(flow.flow_json)
        assert "data_exchange" not in flow.flow_json
        assert (flow.endpoint_uri, flow.metadata_updates, flow.status) == (None, [], "PUBLISHED")


async def test_the_fake_refuses_to_publish_an_endpoint_flow_without_endpoint_uri(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    async with graph.client() as http:
        api = FlowsApi(flows_settings, http)
        flow_id = await api.create("loket_ktp_id")
        assert (
            await api.upload(flow_id, flow_text(flow_for(KTP, "id", today=TODAY, endpoint=True)))
            == []
        )
        with pytest.raises(GraphError) as refused:
            await api.publish(flow_id)
    assert (refused.value.code, refused.value.http_status) == (139002, 400)
    assert refused.value.describe() == REFUSED
    assert graph.flows.flows[flow_id].status == "DRAFT"


async def test_metas_refusal_without_endpoint_uri_is_a_readable_failed_outcome(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    existing = graph.flows.add("loket_ktp_id", flow_json='{"version": "7.3"}')
    outcomes = await publish(
        flows_settings, graph, URI, ("id", "en"), api=ClientThatNeverSetsTheEndpoint
    )
    assert outcomes == [
        Outcome("ktp", "id", "failed", None, [REFUSED]),
        Outcome("ktp", "en", "failed", None, [REFUSED]),
    ]
    assert outcomes[0].lines() == ["ktp id: failed loket_ktp_id", f"  {REFUSED}"]
    assert (existing.status, existing.publications) == ("DRAFT", 0)
    assert FlowRegistry.for_settings(flows_settings).get("ktp", "id") is None


async def test_an_endpoint_that_is_not_https_fails_every_flow_before_meta_is_called(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    uri = "http://localhost:8000/webhooks/whatsapp/flows"  # LOKET_PUBLIC_BASE_URL's default
    outcomes = await publish(flows_settings, graph, uri, ("id", "en"))
    reason = (
        "the data endpoint http://localhost:8000/webhooks/whatsapp/flows is not an https URL, "
        "and Meta only calls https endpoints: set LOKET_PUBLIC_BASE_URL to this server's "
        "public https address"
    )
    assert outcomes == [
        Outcome("ktp", "id", "failed", None, [reason]),
        Outcome("ktp", "en", "failed", None, [reason]),
    ]
    assert outcomes[1].lines() == ["ktp en: failed loket_ktp_en", f"  {reason}"]
    assert graph.requests == []
