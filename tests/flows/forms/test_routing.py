"""The Footers' routing: a document that applies is never skipped, and the usual requests see
no screen they do not need."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from app.flows.catalog import Service, shipped_catalog
from app.flows.forms import build_flow, keys
from app.flows.forms.conditions import Applicability
from app.flows.forms.routing import Case, holds, skip_targets
from tests.support.form_walk import evaluate, walk

TODAY = date(2026, 11, 22)
CODES = list(shipped_catalog().services)


def every_case(service: Service) -> list[tuple[dict[str, str], frozenset[str]]]:
    """Each variant × each value a condition names (or another) × every mix of held papers."""
    axes: dict[str, set[str]] = {}
    for document in service.documents:
        for name, values in (document.when or {}).items():
            axes.setdefault(name, {"lainnya"}).update(values)
    if service.variants:
        axes["variant"] = {variant.code for variant in service.variants}
    reusable = [document.key for document in service.documents if document.reusable]
    found = []
    for values in itertools.product(*(sorted(axis) for axis in axes.values())):
        for flags in itertools.product((False, True), repeat=len(reusable)):
            held = frozenset(key for key, flag in zip(reusable, flags, strict=True) if flag)
            found.append((dict(zip(axes, values, strict=True)), held))
    return found


def needed(service: Service, answers: dict[str, str], held: frozenset[str]) -> list[str]:
    """The document screens the chat's rule says this resident needs, in order."""
    screens = []
    for document in service.documents:
        when = document.when or {}
        applies = all(answers.get(name) in values for name, values in when.items())
        if applies and document.key not in held:
            for page in range(keys.picker_pages(document)):
                screens.append(keys.screen_id(f"doc_{document.key}", page))
    return screens


@pytest.mark.parametrize("code", CODES)
def test_no_needed_document_screen_is_ever_skipped(code: str) -> None:
    service = shipped_catalog().get(code)
    flow = build_flow(service, "id", today=TODAY)
    for answers, held in every_case(service):
        path = walk(flow, answers, held)
        missing = [screen for screen in needed(service, answers, held) if screen not in path]
        assert missing == [], (answers, sorted(held), path)


@pytest.mark.parametrize(
    ("code", "answers", "held", "path"),
    [
        # A lost KTP-el, first request: the KK and the police report, nothing else.
        (
            "ktp",
            {"variant": "hilang"},
            (),
            ["VARIANT", "DATA", "DOC_KK", "DOC_SURAT_KEHILANGAN", "SUMMARY"],
        ),
        (
            "ktp",
            {"variant": "rusak"},
            (),
            ["VARIANT", "DATA", "DOC_KK", "DOC_KTP_RUSAK", "SUMMARY"],
        ),
        (
            "kk",
            {"variant": "hilang"},
            (),
            [
                "VARIANT",
                "DATA",
                "DOC_BUKTI_PERUBAHAN",
                "DOC_SURAT_KEHILANGAN",
                "DOC_KTP",
                "SUMMARY",
            ],
        ),
        (
            "kk",
            {"variant": "hilang"},
            ("ktp",),
            ["VARIANT", "DATA", "DOC_BUKTI_PERUBAHAN", "DOC_SURAT_KEHILANGAN", "SUMMARY"],
        ),
        # A second SIPI renewal with the boat's papers in the locker: only the old SIPI and the
        # logbook are asked.
        (
            "sipi_perpanjangan",
            {"ada_perubahan": "tidak"},
            ("bkp", "pas_kapal", "nib", "ktp_pemilik"),
            ["DATA", "DATA_B", "DOC_SIPI_LAMA", "DOC_LOGBOOK", "SUMMARY"],
        ),
        (
            "akta_kematian",
            {},
            ("kk",),
            [
                "DATA",
                "DOC_SURAT_KEMATIAN",
                "DOC_KTP_ALMARHUM",
                "DOC_KTP_SAKSI",
                "DOC_KTP_SAKSI_B",
                "SUMMARY",
            ],
        ),
    ],
)
def test_usual_requests_see_the_screens_they_need(
    code: str, answers: dict[str, str], held: tuple[str, ...], path: list[str]
) -> None:
    flow = build_flow(shipped_catalog().get(code), "en", today=TODAY)
    assert walk(flow, answers, held) == path


def test_a_screen_landed_on_without_need_hides_its_picker_and_says_so() -> None:
    """A lost KK: the proof-of-change screen is passed through (one If per Footer cannot skip
    it), its picker is hidden and the not-needed line shows."""
    flow = build_flow(shipped_catalog().get("kk"), "id", today=TODAY)
    screen = next(s for s in flow["screens"] if s["id"] == "DOC_BUKTI_PERUBAHAN")
    note, picker = screen["layout"]["children"][0], screen["layout"]["children"][1]
    answers = {"variant": "hilang"}
    assert evaluate(note["condition"], answers, ()) is True
    assert note["then"][0]["text"] == (
        "Dokumen ini tidak diperlukan untuk pilihan Anda. Silakan tekan Lanjut."
    )
    assert picker["type"] == "DocumentPicker"
    assert evaluate(picker["visible"], answers, ()) is False
    assert evaluate(picker["visible"], {"variant": "perubahan"}, ()) is True


def test_conditional_questions_show_only_for_their_answers() -> None:
    flow = build_flow(shipped_catalog().get("kk"), "id", today=TODAY)
    data = next(s for s in flow["screens"] if s["id"] == "DATA")
    shown: dict[str, Any] = {}
    for component in data["layout"]["children"]:
        if component["type"] == "If" and component["then"][0]["type"] != "Footer":
            shown[component["then"][0]["name"]] = component["condition"]
    assert sorted(shown) == [
        "alasan_kurang",
        "alasan_tambah",
        "data_berubah",
        "nama_anggota",
        "tanggal_nikah",
    ]
    assert evaluate(shown["nama_anggota"], {"variant": "kurang"}, ()) is True
    assert evaluate(shown["nama_anggota"], {"variant": "baru"}, ()) is False
    assert shown["alasan_tambah"] == "${screen.VARIANT.form.variant} == 'tambah'"


def test_holds_follows_the_chats_rule() -> None:
    lost = Applicability({"variant": ["hilang"]}, "held_ktp")
    assert holds(lost, Case({"variant": "hilang"}, frozenset())) is True
    assert holds(lost, Case({"variant": "hilang"}, frozenset({"held_ktp"}))) is False
    assert holds(lost, Case({"variant": "rusak"}, frozenset())) is False
    assert holds(Applicability(), Case({}, frozenset())) is True


def test_too_many_cases_fall_back_to_skipping_one_screen_at_a_time() -> None:
    screens = [
        Applicability(),
        Applicability({"a": ["x"]}),
        Applicability({"b": ["y"]}),
        Applicability(),
    ]
    assert skip_targets(screens, None) == [2, 3, 3, 4]
