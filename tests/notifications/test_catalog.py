"""Templates and texts: complete in both languages, and exported in Meta's shape."""

from __future__ import annotations

import re

import pytest

from app.notifications.catalog import export_for_meta, template_named, templates, texts


def test_texts_have_the_same_keys_and_placeholders_in_both_languages() -> None:
    table = texts()
    assert set(table["id"]) == set(table["en"])
    for key in table["id"]:
        ids = set(re.findall(r"\{(\w+)\}", table["id"][key]))
        ens = set(re.findall(r"\{(\w+)\}", table["en"][key]))
        assert ids == ens, key


@pytest.mark.parametrize("template", list(templates().values()), ids=lambda t: t.name)
def test_each_template_numbers_its_parameters_and_has_examples(template) -> None:
    for language, text in template.languages.items():
        numbers = sorted(int(n) for n in re.findall(r"\{\{(\d+)\}\}", text["body"]))
        assert numbers == list(range(1, len(template.params) + 1)), (template.name, language)
        assert len(text["example"]) == len(template.params)
        assert "\n" not in text["body"]


def test_export_is_meta_shaped() -> None:
    exported = export_for_meta()
    waiting = next(
        t for t in exported if t["name"] == "loket_pesan_menunggu" and t["language"] == "id"
    )
    assert waiting == {
        "name": "loket_pesan_menunggu",
        "language": "id",
        "category": "UTILITY",
        "components": [
            {
                "type": "BODY",
                "text": "Ada pesan dari petugas untuk permohonan {{1}}. "
                "Ketuk tombol di bawah untuk membacanya.",
                "example": {"body_text": [["KTP-261122-0042"]]},
            },
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Baca pesan"}]},
        ],
    }
    assert len(exported) == 2 * len(templates())


def test_a_template_refuses_missing_parameters() -> None:
    with pytest.raises(ValueError, match="missing code"):
        templates()["loket_siap_diambil"].body(
            "id", {"service": "KTP-el", "place": "X", "hours": "Y", "code": "", "ticket": "T"}
        )


def test_the_form_template_has_a_flow_button_and_per_service_copies() -> None:
    exported = next(
        t for t in export_for_meta() if t["name"] == "loket_formulir" and t["language"] == "id"
    )
    assert exported["components"][-1] == {
        "type": "BUTTONS",
        "buttons": [{"type": "FLOW", "text": "Isi formulir", "flow_action": "navigate"}],
    }
    assert template_named("loket_formulir_ktp") is templates()["loket_formulir"]
    assert template_named("loket_pesan_menunggu") is templates()["loket_pesan_menunggu"]
    assert template_named("loket_unknown") is None


def test_the_renewal_reminder_for_meta_has_the_quick_reply_then_the_flow_button() -> None:
    from app.memory.renewal_form_reminder import renewal_template_for_meta

    assert renewal_template_for_meta("sipi_perpanjangan", "id", "flow-sipi-id", "DATA_1") == {
        "name": "loket_pengingat_perpanjang_formulir_sipi_perpanjangan",
        "language": "id",
        "category": "UTILITY",
        "components": [
            {
                "type": "BODY",
                "text": "Pengingat: {{1}} untuk {{2}} berakhir {{3}}. Ketuk Isi formulir: data "
                "yang tersimpan sudah terisi, cukup tambahkan yang baru. Atau ketuk Perpanjang "
                "untuk melanjutkan di chat.",
                "example": {
                    "body_text": [["Perpanjangan SIPI", "KM Bintang Laut", "31 Desember 2027"]]
                },
            },
            {
                "type": "BUTTONS",
                "buttons": [
                    {"type": "QUICK_REPLY", "text": "Perpanjang"},
                    {
                        "type": "FLOW",
                        "text": "Isi formulir",
                        "flow_action": "navigate",
                        "flow_id": "flow-sipi-id",
                        "navigate_screen": "DATA_1",
                    },
                ],
            },
        ],
    }
    name = "loket_pengingat_perpanjang_formulir_sipi_perpanjangan"
    assert template_named(name) is templates()["loket_pengingat_perpanjang_formulir"]
