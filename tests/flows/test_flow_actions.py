"""The resident actions of bench/flow_actions_bench.py, pinned: a cooperative resident completes
every catalog service by its WhatsApp Flow form, and the counts are exactly what bench/README.md
reports (issue 13, "Figures to reach": lost KTP ≤ 4, every service ≤ 5 by form)."""

from __future__ import annotations

import pytest

from app.flows.catalog import shipped_catalog
from tests.support.engine_data import START
from tests.support.resident_form import REMEMBERED_BOAT, remembered_boat_context, walk_by_form
from tests.support.resident_walk import SCENARIOS

TODAY = START.date()
# (messages, taps, files in chat, entries filled in the form)
SHIPPED = {
    "ktp": (1, 3, 0, 6),
    "kk": (1, 3, 0, 5),
    "akta_kelahiran": (1, 3, 0, 14),
    "akta_kematian": (1, 3, 0, 12),
    "kia": (1, 3, 0, 8),
    "pindah": (1, 3, 0, 10),
    "sipi_perpanjangan": (1, 3, 0, 15),
}
CODES = [scenario.service for scenario in SCENARIOS]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=CODES)
def test_every_service_by_form_takes_four_actions(scenario, make_engine) -> None:
    catalog = shipped_catalog()
    done = walk_by_form(make_engine(catalog), catalog, scenario, today=TODAY)
    assert done.submitted is not None and done.submitted.service == scenario.service
    assert (done.messages, done.taps, done.files, done.entries) == SHIPPED[scenario.service]
    assert done.transcript == [
        f"type {scenario.opening!r}",
        "open form",
        "submit form",
        "tap yes:pickup",  # the yes that also chooses how the result comes
    ]
    assert done.actions == 4


def test_a_lost_ktp_by_form_sends_both_files_to_the_locker(make_engine) -> None:
    catalog = shipped_catalog()
    done = walk_by_form(make_engine(catalog), catalog, SCENARIOS[0], today=TODAY)
    assert done.submitted is not None
    assert (done.submitted.variant, sorted(done.submitted.documents)) == (
        "hilang",
        ["kk", "surat_kehilangan"],
    )


def test_a_renewal_by_form_with_the_boat_remembered_takes_four_actions(make_engine) -> None:
    """The form opens with the boat, the owner and the date kept; the boat's papers and the
    locker's are used without a picker; submitting it stands for "Pakai data ini?". Left to fill
    in: the old SIPI's number and its photo, and the logbook. Not the target of 3: the summary is
    still confirmed in chat."""
    catalog = shipped_catalog()
    context = remembered_boat_context()
    done = walk_by_form(
        make_engine(catalog), catalog, REMEMBERED_BOAT, today=TODAY, context=context
    )
    assert done.transcript == [
        "type 'perpanjang sipi KM Bintang Laut'",
        "open form",
        "submit form",
        "tap yes:pickup",
    ]
    assert (done.actions, done.entries) == (4, 3)
    assert done.prefilled == [
        "nik",
        "nama",
        "no_hp",
        "nama_kapal",
        "gt",
        "alat_tangkap",
        "sipi_berlaku_sampai",
        "ada_perubahan",
    ]
    assert done.submitted is not None
    assert (done.submitted.fields["nik"], done.submitted.fields["nama_kapal"]) == (
        "7307011203850002",
        "KM Bintang Laut",
    )
    assert done.submitted.documents == {
        "sipi_lama": ["doc-1"],
        "bkp": ["bkp-bintang"],
        "pas_kapal": ["pas-bintang"],
        "nib": ["stored-nib"],
        "ktp_pemilik": ["stored-ktp"],
        "logbook": ["doc-2"],
    }
