"""Which forms are offered beside the chat, and which Flow a form message opens."""

from __future__ import annotations

from app.config import Settings
from app.flows.catalog import shipped_catalog
from app.whatsapp_flows.offer import available_forms, flow_to_open
from app.whatsapp_flows.registry import REGISTRY_FILE, FlowRegistry, PublishedFlow

EVERY_FORM = frozenset(
    {"ktp", "kk", "akta_kelahiran", "akta_kematian", "kia", "pindah", "sipi_perpanjangan"}
)


def _publish_ktp_in_indonesian(settings: Settings) -> None:
    FlowRegistry.for_settings(settings).record(
        "ktp", "id", PublishedFlow("111", "loket_ktp_id", "0" * 64, "2026-11-22T01:00:00+00:00")
    )


def test_by_default_only_published_forms_are_offered_in_their_language(flows_settings) -> None:
    catalog = shipped_catalog()
    assert available_forms(flows_settings, catalog, "id") == frozenset()
    _publish_ktp_in_indonesian(flows_settings)
    assert available_forms(flows_settings, catalog, "id") == frozenset({"ktp"})
    assert available_forms(flows_settings, catalog, "en") == frozenset()
    assert flow_to_open(flows_settings, "ktp", "id") == {"flow_id": "111"}
    assert flow_to_open(flows_settings, "ktp", "en") is None


def test_catalog_mode_offers_every_form_by_its_flow_name(flows_settings) -> None:
    settings = flows_settings.model_copy(update={"flow_forms": "catalog"})
    _publish_ktp_in_indonesian(settings)
    assert available_forms(settings, shipped_catalog(), "en") == EVERY_FORM
    assert flow_to_open(settings, "ktp", "id") == {"flow_id": "111"}  # published wins
    assert flow_to_open(settings, "kk", "en") == {"flow_name": "loket_kk_en"}


def test_off_offers_none_and_a_broken_record_does_not_stop_the_chat(flows_settings) -> None:
    _publish_ktp_in_indonesian(flows_settings)
    off = flows_settings.model_copy(update={"flow_forms": "off"})
    assert available_forms(off, shipped_catalog(), "id") == frozenset()
    assert flow_to_open(off, "ktp", "id") is None
    (flows_settings.var_dir / REGISTRY_FILE).write_text("[not a record", "utf-8")
    assert available_forms(flows_settings, shipped_catalog(), "id") == frozenset()
    assert flow_to_open(flows_settings, "ktp", "id") is None


def test_the_setting_is_read_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("LOKET_FLOW_FORMS", "catalog")
    assert Settings().flow_forms == "catalog"
