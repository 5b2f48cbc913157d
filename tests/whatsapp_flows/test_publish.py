"""Publishing the catalog's Flows through the Flows API, against the fake Graph API: the exact
requests (names, categories, the multipart upload), updates instead of duplicates, and Meta's
validation errors reported readably."""

from __future__ import annotations

import json
from datetime import date

from app.config import Settings
from app.flows.catalog import shipped_catalog
from app.whatsapp_flows.forms import flow_for
from app.whatsapp_flows.graph import FlowsApi
from app.whatsapp_flows.publish import Outcome, flow_text, publish_flows
from app.whatsapp_flows.registry import FlowRegistry, PublishedFlow
from tests.fakes.graph import FakeGraphAPI
from tests.support.flows_publishing import WABA_ID

TODAY = date(2026, 11, 22)
KTP = shipped_catalog().get("ktp")
ROOT = "http://graph.test/v25.0"


async def publish(
    settings: Settings, graph: FakeGraphAPI, languages: tuple[str, ...] = ("id", "en")
) -> list[Outcome]:
    async with graph.client() as http:
        return await publish_flows(
            FlowsApi(settings, http),
            FlowRegistry.for_settings(settings),
            [KTP],
            languages,
            today=TODAY,
        )


async def test_a_new_flow_is_created_uploaded_and_published(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    outcomes = await publish(flows_settings, graph)
    flow_id = graph.flows.by_name("loket_ktp_id").id
    english_id = graph.flows.by_name("loket_ktp_en").id
    assert [o.lines() for o in outcomes] == [
        [f"ktp id: created loket_ktp_id (flow {flow_id})"],
        [f"ktp en: created loket_ktp_en (flow {english_id})"],
    ]
    assert [(r.method, r.url) for r in graph.requests] == [
        ("GET", f"{ROOT}/{WABA_ID}/flows"),
        ("POST", f"{ROOT}/{WABA_ID}/flows"),
        ("POST", f"{ROOT}/{flow_id}/assets"),
        ("POST", f"{ROOT}/{flow_id}/publish"),
        ("POST", f"{ROOT}/{WABA_ID}/flows"),
        ("POST", f"{ROOT}/{english_id}/assets"),
        ("POST", f"{ROOT}/{english_id}/publish"),
    ]
    create, upload = graph.requests[1], graph.requests[2]
    assert create.json == {"name": "loket_ktp_id", "categories": ["OTHER"]}
    expected = flow_text(flow_for(KTP, "id", today=TODAY)).encode("utf-8")
    assert upload.form == {
        "file": ("flow.json", "application/json", expected),
        "name": "flow.json",
        "asset_type": "FLOW_JSON",
    }
    assert all(r.headers["authorization"] == "Bearer test-access-token" for r in graph.requests)
    assert graph.flows.by_name("loket_ktp_id").status == "PUBLISHED"
    record = json.loads((flows_settings.var_dir / "whatsapp_flows.json").read_text("utf-8"))
    assert record["ktp"]["id"]["flow_id"] == flow_id
    assert record["ktp"]["id"]["name"] == "loket_ktp_id"
    assert FlowRegistry.for_settings(flows_settings).flow_id("ktp", "en") == english_id


async def test_an_existing_flow_is_updated_not_duplicated(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    for name in ("other_a", "other_b", "other_c"):  # the list takes two pages
        graph.flows.add(name)
    existing = graph.flows.add("loket_ktp_id", flow_json='{"version": "7.1"}')
    outcomes = await publish(flows_settings, graph, ("id",))
    assert [o.lines() for o in outcomes] == [[f"ktp id: updated loket_ktp_id (flow {existing.id})"]]
    assert [(r.method, r.url) for r in graph.requests] == [
        ("GET", f"{ROOT}/{WABA_ID}/flows"),
        ("GET", f"{ROOT}/{WABA_ID}/flows?after=2"),
        ("POST", f"{ROOT}/{existing.id}/assets"),
        ("POST", f"{ROOT}/{existing.id}/publish"),
    ]
    assert [flow.name for flow in graph.flows.flows.values()].count("loket_ktp_id") == 1
    assert (existing.uploads, existing.publications, existing.status) == (1, 1, "PUBLISHED")


async def test_a_flow_already_published_as_is_is_left_alone(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    await publish(flows_settings, graph, ("id",))
    graph.requests.clear()
    flow_id = graph.flows.by_name("loket_ktp_id").id
    outcomes = await publish(flows_settings, graph, ("id",))
    assert [o.lines() for o in outcomes] == [[f"ktp id: unchanged loket_ktp_id (flow {flow_id})"]]
    assert [r.route for r in graph.requests] == ["flows_list"]


async def test_metas_validation_errors_are_reported_and_nothing_is_published(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    graph.flows.refuse_next_upload(
        [
            {
                "error": "INVALID_PROPERTY_VALUE",
                "error_type": "FLOW_JSON_ERROR",
                "message": "Invalid value found for property 'type'.",
                "line_start": 10,
                "line_end": 10,
                "column_start": 21,
                "column_end": 34,
                "pointers": [{"path": "screens[0].layout.children[0].type"}],
            }
        ]
    )
    outcomes = await publish(flows_settings, graph)
    flow_id = graph.flows.by_name("loket_ktp_id").id
    assert outcomes[0] == Outcome(
        "ktp",
        "id",
        "failed",
        flow_id,
        [
            "Meta refused the Flow JSON:",
            "FLOW_JSON_ERROR: Invalid value found for property 'type'. (line 10, column 21) "
            "at screens[0].layout.children[0].type",
        ],
    )
    assert outcomes[0].lines()[0] == "ktp id: failed loket_ktp_id"
    assert outcomes[1].status == "created"  # one refusal does not stop the others
    assert [r.url for r in graph.requests if r.route == "flow_publish"] == [
        f"{ROOT}/{graph.flows.by_name('loket_ktp_en').id}/publish"
    ]
    assert FlowRegistry.for_settings(flows_settings).get("ktp", "id") is None


async def test_a_graph_error_is_one_readable_reason(
    flows_settings: Settings, graph: FakeGraphAPI
) -> None:
    graph.fail_next(190, http_status=401, route="flows_create")
    outcomes = await publish(flows_settings, graph, ("id",))
    assert outcomes == [
        Outcome(
            "ktp",
            "id",
            "failed",
            None,
            [
                "Graph error 190 (HTTP 401): (#190) Invalid OAuth access token - Cannot parse "
                "access token [fbtrace_id=AFakeTrace190]"
            ],
        )
    ]


def test_the_registry_keeps_what_was_published(flows_settings: Settings) -> None:
    registry = FlowRegistry.for_settings(flows_settings)
    assert registry.flow_id("ktp", "id") is None
    registry.record(
        "ktp", "id", PublishedFlow("17", "loket_ktp_id", "ab", "2026-11-22T01:00:00+00:00")
    )
    again = FlowRegistry.for_settings(flows_settings)
    assert again.get("ktp", "id") == PublishedFlow(
        "17", "loket_ktp_id", "ab", "2026-11-22T01:00:00+00:00"
    )
