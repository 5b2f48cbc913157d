"""The resident actions of bench/actions_bench.py, pinned: a cooperative resident walks every
catalog service by chat, and the count of messages, files and taps is exactly what bench/README.md
reports. A change that makes anyone type or tap once more fails here."""

from __future__ import annotations

import pytest

from app.flows.catalog import shipped_catalog
from tests.support.engine_data import START
from tests.support.resident_walk import SCENARIOS, services_without_scenario, walk

TODAY = START.date()
SHIPPED = {  # (messages, files, taps)
    "ktp": (5, 2, 2),
    "kk": (4, 2, 1),
    "akta_kelahiran": (8, 4, 7),
    "akta_kematian": (8, 5, 4),
    "kia": (4, 4, 4),
    "pindah": (6, 2, 6),
    "sipi_perpanjangan": (8, 6, 7),
}
# The same residents letting "Ada foto lain?" pass in silence: (actions, minutes waited).
WAITING = {
    "ktp": (8, 1),
    "kk": (7, 0),
    "akta_kelahiran": (16, 3),
    "akta_kematian": (15, 2),
    "kia": (9, 3),
    "pindah": (12, 2),
    "sipi_perpanjangan": (17, 4),
}
CODES = [scenario.service for scenario in SCENARIOS]


def test_every_shipped_service_has_a_walk() -> None:
    assert services_without_scenario(shipped_catalog()) == []
    assert sorted(SHIPPED) == sorted(CODES)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=CODES)
def test_actions_with_the_shipped_catalog(scenario, make_engine) -> None:
    catalog = shipped_catalog()
    done = walk(make_engine(catalog), catalog, scenario, today=TODAY)
    assert done.submitted is not None and done.submitted.service == scenario.service
    assert (done.messages, done.files, done.taps) == SHIPPED[scenario.service]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=CODES)
def test_actions_when_the_resident_waits_instead_of_sudah_semua(
    scenario, make_engine, clock
) -> None:
    catalog = shipped_catalog()
    done = walk(
        make_engine(catalog),
        catalog,
        scenario,
        today=TODAY,
        pause=lambda: clock.advance(minutes=1),
    )
    assert done.submitted is not None and done.submitted.service == scenario.service
    assert "tap done" not in done.transcript
    assert (done.actions, done.waits) == WAITING[scenario.service]


def test_a_lost_ktp_takes_nine_actions_when_the_nik_gives_birth_date_and_sex(make_engine) -> None:
    catalog = shipped_catalog()
    done = walk(make_engine(catalog), catalog, SCENARIOS[0], today=TODAY)
    assert done.transcript == [
        "type 'ktp saya hilang'",
        "type '7307011708650001'",
        "type 'Andi Baso'",
        "type '7307012010150001'",
        "type 'Dusun Mawar RT 02/RW 01, Desa Contoh'",
        "photo 1",
        "tap done",  # the KK may come in two photos
        "photo 2",  # the police letter is one sheet: no "Sudah semua"
        "tap yes:pickup",  # the yes that also chooses how the result comes
    ]
    assert done.actions == 9  # issue 13: <= 9 by chat; issue 12: <= 10
    assert done.submitted is not None
    assert done.submitted.fields["tanggal_lahir"] == "1965-08-17"
    assert done.submitted.fields["jenis_kelamin"] == "laki_laki"
