"""The figures page: exact numbers per table cell on a known set, scope, filters, bad filters.

The seeded requests and surveys, and the local times the numbers come from, are listed in
tests/reports/seed.py; each expectation below says how it follows from that table.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from html import unescape

from app.db import unit_of_work
from tests.support.clients import Dashboard
from tests.support.factories import World, add_request, add_resident
from tests.support.figures_seed import PERIOD, WIB, seed_figures
from tests.support.html_tables import table_rows

KTP, KK, AKTA = "KTP-el", "Kartu Keluarga (KK)", "Akta Kelahiran"
DAYS = [f"2026-11-0{day}" for day in range(1, 8)]


async def sign_in(dash: Dashboard, username: str) -> None:
    """Sign in without opening the queue (this page must not depend on it)."""
    answer = await dash.login(username)
    assert answer.status_code == 303


async def _page(dash: Dashboard, username: str, **params: str) -> tuple[int, str]:
    await sign_in(dash, username)
    page = await dash.client.get("/dashboard/figures", params=params)
    return page.status_code, page.text


def _per_day(counts: dict[str, list[int]]) -> list[list[str]]:
    """Body rows of the per-day table: each day's count per service, then the day's total."""
    rows = []
    for index, day in enumerate(DAYS):
        cells = [counts[service][index] for service in counts]
        rows.append([day, *map(str, cells), str(sum(cells))])
    return rows


async def test_a_district_operator_sees_exact_figures_for_its_offices(
    dash: Dashboard, world: World
) -> None:
    await seed_figures(dash.sessionmaker, world)
    status, html = await _page(dash, "kec_a", **PERIOD)
    assert status == 200
    # Submitted 11-01..11-07 in KEC-A and its villages; KTP-A1-0002 (11-02 06:00 WIB) is
    # 11-01 in UTC and counts on the local day; KTP-A1-0000 (10-31 23:59) is before the period.
    assert table_rows(html, "fig-per-day") == [
        ["Tanggal", KTP, KK, "Jumlah"],
        *_per_day({"ktp": [1, 1, 1, 1, 0, 0, 1], "kk": [0, 1, 0, 1, 0, 0, 0]}),
        ["Jumlah", "5", "2", "7"],
    ]
    # Completed 11-01..11-07: A1-0000 2.0, A1-0001 2.0, A2-0001 3.0, A1-0002 4.5 days → 2.5;
    # KTP-A2-0002 was completed on 11-08 00:30 WIB, after the period.
    assert table_rows(html, "fig-turnaround") == [
        ["Layanan", "Selesai", "Median (hari)"],
        [KTP, "4", "2,5"],
    ]
    # Of those four, only KTP-A1-0002 (done 11-06, due 11-05) was late.
    assert table_rows(html, "fig-on-time") == [
        ["Layanan", "Tepat waktu", "Selesai", "Persentase"],
        [KTP, "3", "4", "75,0%"],
    ]
    # Reached review: KTP A1-0001, A1-0002 (corrected), A2-0001, A2-0002; KK-0001, KK-0002
    # (corrected). KTP-A1-0003 was never reviewed; KTP-A1-0000 was submitted before the period.
    assert table_rows(html, "fig-first-review") == [
        ["Layanan", "Diterima langsung", "Sudah diperiksa", "Persentase"],
        [KTP, "3", "4", "75,0%"],
        [KK, "1", "2", "50,0%"],
    ]
    # Surveys answered in the period: DESA-A1 36 + 31 points over 2 → 67/18×25 = 93.06 (A);
    # DESA-A2 27 points → 75.00 (C); all three: 94/27×25 = 87.04 (B). The 11-08 one is out.
    assert table_rows(html, "fig-ikm-office") == [
        ["Kantor", "Responden", "IKM", "Mutu"],
        ["DESA-A1 — Kantor DESA-A1", "2", "93,06", "A"],
        ["DESA-A2 — Kantor DESA-A2", "1", "75,00", "C"],
        ["Semua", "3", "87,04", "B"],
    ]
    assert table_rows(html, "fig-ikm-service") == [
        ["Layanan", "Responden", "IKM", "Mutu"],
        [KTP, "3", "87,04", "B"],
        ["Semua", "3", "87,04", "B"],
    ]


async def test_a_village_operator_sees_only_its_village(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    status, html = await _page(dash, "desa_a1", **PERIOD)
    assert status == 200
    assert table_rows(html, "fig-per-day")[1:] == [
        *_per_day({"ktp": [1, 1, 0, 1, 0, 0, 0]}),
        ["Jumlah", "3", "3"],
    ]
    # A1-0000 2.0, A1-0001 2.0, A1-0002 4.5 → median 2.0; A1-0002 was late.
    assert table_rows(html, "fig-turnaround")[1:] == [[KTP, "3", "2,0"]]
    assert table_rows(html, "fig-on-time")[1:] == [[KTP, "2", "3", "66,7%"]]
    assert table_rows(html, "fig-first-review")[1:] == [[KTP, "1", "2", "50,0%"]]
    assert table_rows(html, "fig-ikm-office")[1:] == [
        ["DESA-A1 — Kantor DESA-A1", "2", "93,06", "A"],
        ["Semua", "2", "93,06", "A"],
    ]
    assert re.findall(r'<option value="([A-Z0-9-]+)"', html) == ["DESA-A1"]


async def test_the_other_district_sees_none_of_kec_a(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    status, html = await _page(dash, "kec_b", **PERIOD)
    assert status == 200
    assert table_rows(html, "fig-per-day")[0] == ["Tanggal", KTP, AKTA, "Jumlah"]
    assert table_rows(html, "fig-per-day")[-1] == ["Jumlah", "1", "1", "2"]
    assert table_rows(html, "fig-turnaround")[1:] == [[KTP, "1", "1,0"]]
    assert table_rows(html, "fig-on-time")[1:] == [[KTP, "1", "1", "100,0%"]]
    assert table_rows(html, "fig-first-review")[1:] == [
        [KTP, "1", "1", "100,0%"],
        [AKTA, "1", "1", "100,0%"],
    ]
    assert table_rows(html, "fig-ikm-office")[1:] == [
        ["DESA-B1 — Kantor DESA-B1", "1", "50,00", "D"],
        ["Semua", "1", "50,00", "D"],
    ]
    # Its office filter offers only its own offices.
    offices = re.findall(r'<option value="([A-Z0-9-]+)"', html)
    assert offices == ["KEC-B", "DESA-B1"]


async def test_an_admin_without_an_office_sees_everything(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    status, html = await _page(dash, "root", **PERIOD)
    assert status == 200
    # Seven KEC-A requests, two KEC-B, and the regency's own rejected KTP on 11-03.
    assert table_rows(html, "fig-per-day")[-1] == ["Jumlah", "7", "2", "1", "10"]
    # KTP durations 2.0, 2.0, 4.5, 3.0 and KEC-B's 1.0 → 2.0.
    assert table_rows(html, "fig-turnaround")[1:] == [[KTP, "5", "2,0"]]
    # 112 points over 4 responses → 77.78 (B).
    assert table_rows(html, "fig-ikm-office")[1:] == [
        ["DESA-A1 — Kantor DESA-A1", "2", "93,06", "A"],
        ["DESA-A2 — Kantor DESA-A2", "1", "75,00", "C"],
        ["DESA-B1 — Kantor DESA-B1", "1", "50,00", "D"],
        ["Semua", "4", "77,78", "B"],
    ]


async def test_office_and_service_filters_narrow_every_figure(
    dash: Dashboard, world: World
) -> None:
    await seed_figures(dash.sessionmaker, world)
    status, html = await _page(dash, "kec_a", office="DESA-A2", **PERIOD)
    assert status == 200
    assert table_rows(html, "fig-per-day")[-1] == ["Jumlah", "2", "2"]
    assert table_rows(html, "fig-turnaround")[1:] == [[KTP, "1", "3,0"]]
    assert table_rows(html, "fig-first-review")[1:] == [[KTP, "2", "2", "100,0%"]]
    assert table_rows(html, "fig-ikm-office")[1:] == [
        ["DESA-A2 — Kantor DESA-A2", "1", "75,00", "C"],
        ["Semua", "1", "75,00", "C"],
    ]
    page = await dash.client.get("/dashboard/figures", params={"service": "kk", **PERIOD})
    assert page.status_code == 200
    assert table_rows(page.text, "fig-per-day")[-1] == ["Jumlah", "2", "2"]
    assert table_rows(page.text, "fig-first-review")[1:] == [[KK, "1", "2", "50,0%"]]
    # No KK request was completed and no KK survey answered: said in words, no chart.
    assert table_rows(page.text, "fig-turnaround") == []
    assert table_rows(page.text, "fig-ikm-service") == []
    assert table_rows(page.text, "fig-trips-service") == []
    assert page.text.count("Tidak ada data pada periode ini.") == 5
    assert 'id="chart-turnaround"' not in page.text
    assert 'href="/dashboard/export.csv?from=2026-11-01&amp;to=2026-11-07&amp;service=kk"' in (
        page.text
    )


async def test_english_labels_and_decimal_points(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    status, html = await _page(dash, "kec_a", lang="en", **PERIOD)
    assert status == 200
    assert table_rows(html, "fig-turnaround") == [
        ["Service", "Completed", "Median (days)"],
        ["ID card (KTP-el)", "4", "2.5"],
    ]
    assert table_rows(html, "fig-trips-service") == [
        ["Service", "Completed", "No visit to the office", "One visit", "Two visits"],
        ["ID card (KTP-el)", "4", "50.0% (2)", "25.0% (1)", "25.0% (1)"],
        ["All", "4", "50.0% (2)", "25.0% (1)", "25.0% (1)"],
    ]
    assert "A document delivered home or sent by WhatsApp needs no visit." in html


TRIPS_HEAD = ["Selesai", "Tanpa datang ke kantor", "Sekali datang", "Dua kali datang"]


async def test_trips_to_the_office_per_service_and_office(dash: Dashboard, world: World) -> None:
    """Completed 11-01..11-07 in KEC-A (tests/support/figures_seed.py): KTP-A1-0000 applied at
    the counter and was collected (2 trips), A1-0001 applied by chat and was collected (1),
    A1-0002 was delivered home (0), A2-0001's PDF reached the chat (0)."""
    await seed_figures(dash.sessionmaker, world)
    status, html = await _page(dash, "kec_a", **PERIOD)
    assert status == 200
    assert table_rows(html, "fig-trips-service") == [
        ["Layanan", *TRIPS_HEAD],
        [KTP, "4", "50,0% (2)", "25,0% (1)", "25,0% (1)"],
        ["Semua", "4", "50,0% (2)", "25,0% (1)", "25,0% (1)"],
    ]
    assert table_rows(html, "fig-trips-office") == [
        ["Kantor", *TRIPS_HEAD],
        ["DESA-A1 — Kantor DESA-A1", "3", "33,3% (1)", "33,3% (1)", "33,3% (1)"],
        ["DESA-A2 — Kantor DESA-A2", "1", "100,0% (1)", "0,0% (0)", "0,0% (0)"],
        ["Semua", "4", "50,0% (2)", "25,0% (1)", "25,0% (1)"],
    ]
    assert "Mengambil dokumen di kantor, termasuk di kantor desa, dihitung sekali datang lagi." in (
        html
    )
    # KEC-B sees only KTP-B1-0001: taken down at the counter, completed digitally (1 trip).
    dash.client.cookies.clear()  # signed out: the next operator signs in
    _, html = await _page(dash, "kec_b", **PERIOD)
    assert table_rows(html, "fig-trips-office")[1:] == [
        ["DESA-B1 — Kantor DESA-B1", "1", "0,0% (0)", "100,0% (1)", "0,0% (0)"],
        ["Semua", "1", "0,0% (0)", "100,0% (1)", "0,0% (0)"],
    ]
    # An admin sees all five; the rejected KTP-KAB-0001 and KTP-A2-0002 (done 11-08) are out.
    dash.client.cookies.clear()  # signed out: the next operator signs in
    _, html = await _page(dash, "root", **PERIOD)
    assert table_rows(html, "fig-trips-service")[1:] == [
        [KTP, "5", "40,0% (2)", "40,0% (2)", "20,0% (1)"],
        ["Semua", "5", "40,0% (2)", "40,0% (2)", "20,0% (1)"],
    ]
    # The office filter narrows it like every other figure.
    dash.client.cookies.clear()  # signed out: the next operator signs in
    _, html = await _page(dash, "kec_a", office="DESA-A2", **PERIOD)
    assert table_rows(html, "fig-trips-office")[1:] == [
        ["DESA-A2 — Kantor DESA-A2", "1", "100,0% (1)", "0,0% (0)", "0,0% (0)"],
        ["Semua", "1", "100,0% (1)", "0,0% (0)", "0,0% (0)"],
    ]


async def test_the_default_period_is_the_last_30_days(dash: Dashboard, world: World) -> None:
    async with unit_of_work(dash.sessionmaker) as session:
        resident = await add_resident(session, "6289900000021", "Rina")
        request = await add_request(
            session, ticket="KTP-NOW-0001", resident=resident, office_id=world.offices["KEC-A"]
        )
        request.submitted_at = request.created_at = datetime.now(WIB) - timedelta(minutes=1)
    status, html = await _page(dash, "kec_a")
    assert status == 200
    today = datetime.now(WIB).date()
    first = today - timedelta(days=29)
    assert f'name="from" id="filter-from" value="{first.isoformat()}"' in html
    assert f'name="to" id="filter-to" value="{today.isoformat()}"' in html
    rows = table_rows(html, "fig-per-day")
    assert len(rows) == 1 + 30 + 1
    assert rows[-1] == ["Jumlah", "1", "1"]


async def test_the_chart_data_is_json_in_a_data_block(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    status, html = await _page(dash, "kec_a", **PERIOD)
    assert status == 200
    block = re.search(r'<script type="application/json" id="figures-data">(.*?)</script>', html)
    assert block is not None
    data = json.loads(unescape(block.group(1)))
    assert data["stacked"]["labels"] == DAYS
    assert data["stacked"]["series"] == [
        {"label": KTP, "values": [1, 1, 1, 1, 0, 0, 1]},
        {"label": KK, "values": [0, 1, 0, 1, 0, 0, 0]},
    ]
    bars = {bar["canvas"]: (bar["labels"], bar["values"]) for bar in data["bars"]}
    assert bars["chart-turnaround"] == ([KTP], [2.5])
    assert bars["chart-first-review"] == ([KTP, KK], [75.0, 50.0])
    assert bars["chart-ikm-office"] == (["DESA-A1", "DESA-A2"], [93.06, 75.0])
    trips = ["Tanpa datang ke kantor", "Sekali datang", "Dua kali datang"]
    assert data["shares"] == [
        {
            "canvas": "chart-trips-service",
            "labels": [KTP],
            "series": [
                {"label": trips[0], "values": [50.0]},
                {"label": trips[1], "values": [25.0]},
                {"label": trips[2], "values": [25.0]},
            ],
        },
        {
            "canvas": "chart-trips-office",
            "labels": ["DESA-A1", "DESA-A2"],
            "series": [
                {"label": trips[0], "values": [33.3, 100.0]},
                {"label": trips[1], "values": [33.3, 0.0]},
                {"label": trips[2], "values": [33.3, 0.0]},
            ],
        },
    ]
    # Scripts come from files only (CSP: script-src 'self').
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))", html) == []
    assert '<script src="/dashboard/static/vendor/chart.umd.min.js" defer>' in html


async def test_text_that_looks_like_markup_cannot_break_out_of_the_data_block(
    dash: Dashboard, world: World
) -> None:
    """An office name is shown in the page; the JSON block escapes what ends a script."""
    async with unit_of_work(dash.sessionmaker) as session:
        resident = await add_resident(session, "6289900000022", "Rina")
        await add_request(
            session,
            ticket="KTP-X-0001",
            resident=resident,
            office_id=world.offices["KEC-A"],
            service="</script><script>alert(1)</script>",
        )
    status, html = await _page(dash, "root", **{"from": "2026-11-20", "to": "2026-11-20"})
    assert status == 200
    block = html.split('id="figures-data">')[1].split("</script>")[0]
    assert "<" not in block
    assert json.loads(block)["stacked"]["series"][0]["label"] == (
        "</script><script>alert(1)</script>"
    )


async def test_bad_filters_give_the_page_again_with_the_reason(
    dash: Dashboard, world: World
) -> None:
    await seed_figures(dash.sessionmaker, world)
    await sign_in(dash, "kec_a")
    cases = [
        ({"from": "2026-13-01"}, "Tanggal tidak valid."),
        ({"to": "20261107"}, "Tanggal tidak valid."),
        ({"from": "0001-01-01", "to": "0001-01-02"}, "Tanggal tidak valid."),
        ({"from": "2026-11-07", "to": "2026-11-01"}, "Tanggal awal harus sebelum"),
        ({"from": "2025-01-01", "to": "2026-11-07"}, "Periode paling lama 366 hari."),
        ({"office": "DESA-B1"}, "Kantor tidak dikenal atau di luar wilayah kerja Anda."),
        ({"office": "NOPE"}, "Kantor tidak dikenal atau di luar wilayah kerja Anda."),
        ({"service": "sim"}, "Layanan tidak dikenal."),
        ({"office": "KEC\x00A"}, "Filter tidak valid."),  # PostgreSQL cannot compare a NUL
    ]
    for params, reason in cases:
        page = await dash.client.get("/dashboard/figures", params=params)
        assert page.status_code == 422, params
        error = re.search(
            r'<p class="error" role="alert" id="figures-error">([^<]*)</p>', page.text
        )
        assert error is not None and error.group(1).startswith(reason), params
        assert table_rows(page.text, "fig-per-day") == []
        assert 'id="figures-filters"' in page.text


async def test_signed_out_visitors_go_to_the_login_page(dash: Dashboard, world: World) -> None:
    for path in ("/dashboard/figures", "/dashboard/export.csv", "/dashboard/export.xlsx"):
        page = await dash.client.get(path)
        assert page.status_code == 303
        assert page.headers["location"] == "/dashboard/login"
