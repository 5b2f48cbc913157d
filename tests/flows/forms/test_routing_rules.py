"""An endpoint Flow's routing_model and data_api_version (routing_rules.py): the generated KTP-el
endpoint Flow passes, and each broken rule is caught with the rule id `routing-model` or
`data-api-version` and a reason that names what is wrong."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from app.flows.catalog import shipped_catalog
from app.flows.forms import build_flow, validate_flow

Flow = dict[str, Any]


def endpoint_flow() -> Flow:
    return build_flow(shipped_catalog().get("ktp"), "id", today=date(2026, 12, 3), endpoint=True)


def test_the_generated_endpoint_flow_is_valid_with_every_edge_listed() -> None:
    flow = endpoint_flow()
    assert validate_flow(flow) == []
    assert flow["data_api_version"] == "3.0"
    assert flow["routing_model"]["VARIANT"] == ["DATA"]
    assert flow["routing_model"]["DATA"] == ["NIK_CHECK"]  # the endpoint's answer
    assert flow["routing_model"]["NIK_CHECK"] == ["DOC_KK", "DOC_BUKTI_PERUBAHAN"]
    assert flow["routing_model"]["SUMMARY"] == []


def _drop_model(flow: Flow) -> None:
    del flow["routing_model"]
    del flow["data_api_version"]


def _back_edge(flow: Flow) -> None:
    flow["routing_model"]["DATA"].append("VARIANT")


def _missing_navigate(flow: Flow) -> None:
    flow["routing_model"]["NIK_CHECK"] = ["DOC_KK"]


def _unknown_target(flow: Flow) -> None:
    flow["routing_model"]["DOC_KTP_ASAL"].append("NOWHERE")


def _self_loop(flow: Flow) -> None:
    flow["routing_model"]["DOC_KK"].append("DOC_KK")


def _missing_screen(flow: Flow) -> None:
    del flow["routing_model"]["SUMMARY"]


def _dead_end(flow: Flow) -> None:
    flow["routing_model"]["DOC_KTP_ASAL"] = []


CASES: list[tuple[Callable[[Flow], None], str, str]] = [
    (
        _drop_model,
        "routing-model",
        "$: a Flow using data_exchange needs routing_model and data_api_version",
    ),
    (_back_edge, "routing-model", "routing_model.DATA: back edge to 'VARIANT'"),
    (
        _missing_navigate,
        "routing-model",
        "routing_model.NIK_CHECK: the navigate to 'DOC_BUKTI_PERUBAHAN' is missing",
    ),
    (_unknown_target, "routing-model", "routing_model.DOC_KTP_ASAL: 'NOWHERE' is not a screen"),
    (_self_loop, "routing-model", "routing_model.DOC_KK: a screen may not route to itself"),
    (_missing_screen, "routing-model", "routing_model: screen 'SUMMARY' is missing"),
    (
        _dead_end,
        "routing-model",
        "routing_model.DOC_KTP_ASAL: a route ends at a non-terminal screen",
    ),
    (
        lambda flow: flow.update(data_api_version="2.0"),
        "data-api-version",
        "data_api_version: data_api_version must be one of 3.0, 4.0",
    ),
]


@pytest.mark.parametrize(("breaks", "rule", "issue"), CASES)
def test_each_routing_rule_is_caught(breaks: Callable[[Flow], None], rule: str, issue: str) -> None:
    flow = copy.deepcopy(endpoint_flow())
    breaks(flow)
    found = [(i.rule, str(i)) for i in validate_flow(flow) if i.rule in (rule, "unreachable")]
    assert (rule, issue) in found


def test_a_loop_through_the_model_is_caught() -> None:
    flow = copy.deepcopy(endpoint_flow())
    flow["routing_model"]["SUMMARY"] = ["DOC_KK"]
    flow["routing_model"]["DOC_KK"] = ["DOC_SURAT_KEHILANGAN", "DOC_KTP_RUSAK"]
    issues = [str(i) for i in validate_flow(flow) if i.rule == "routing-model"]
    assert "routing_model: the routes loop" in issues
