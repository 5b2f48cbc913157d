"""The village pre-check on the request page: the village's form, forwarding, and what others see.

KTP-261120-0101 is a lost-KTP request handled by KEC-A that DESA-A1 pre-checks; its KK is
attached, the police report is not (it is still on the checklist: the variant requires it).
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.api.router import PRECHECK_ONLY
from app.audit.models import AuditEvent
from app.db import unit_of_work
from app.operators.models import Operator
from app.requests.models import Request, RequestEvent
from tests.support.clients import Dashboard
from tests.support.factories import World, add_document, add_request, add_resident, seed_requests

TICKET = "KTP-261120-0101"
PAGE = f"/dashboard/requests/{TICKET}"
JPEG = b"\xff\xd8\xff\xe0" + b"synthetic-jpeg-bytes" * 10
CHECKED = {
    "result:doc:kk": "ok",
    "note:doc:kk": "",
    "result:doc:surat_kehilangan": "problem",
    "note:doc:surat_kehilangan": "Surat polisi belum dikirim",
    "result:fields": "problem",
    "note:fields": "Tanggal lahir beda dengan KK",
    "note": "Warga sudah dihubungi",
}
_ITEM = re.compile(r'<li class="(ok|problem)" data-item="([^"]+)"[^>]*>(.*?)</li>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _rows(page: str) -> list[tuple[str, str, str]]:
    """The read-only result: (class, item key, visible text) per checklist item."""
    return [
        (kind, key, " ".join(html.unescape(_TAG.sub(" ", body)).split()))
        for kind, key, body in _ITEM.findall(page)
    ]


MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")  # fmt: skip


def _in_words(at: datetime) -> str:
    """A local time as the page writes it: "20 November 2026, 08.01"."""
    return f"{at.day} {MONTHS[at.month - 1]} {at.year}, {at:%H.%M}"


async def _seed(dash: Dashboard, world: World, *, office: str = "KEC-A") -> None:
    await seed_requests(dash.sessionmaker, world)
    async with unit_of_work(dash.sessionmaker) as session:
        resident = await add_resident(session, "6289900000009", "Rahmat Hidayat")
        request = await add_request(
            session,
            ticket=TICKET,
            resident=resident,
            office_id=world.offices[office],
            variant="hilang",
            minutes=20,
        )
        request.precheck_office_id = world.offices["DESA-A1"]
        await add_document(
            session,
            dash.runtime.store,
            resident=resident,
            requirement="kk",
            content=JPEG,
            attach_to=request,
        )


async def _post(dash: Dashboard, token: str, action: str, **form: Any) -> Any:
    return await dash.client.post(f"{PAGE}/{action}", data={"csrf_token": token, **form})


async def _request(dash: Dashboard) -> Request:
    async with dash.sessionmaker() as session:
        stmt = select(Request).where(Request.ticket == TICKET)
        return (await session.execute(stmt)).scalar_one()


async def _events(dash: Dashboard) -> int:
    async with dash.sessionmaker() as session:
        return int((await session.execute(select(func.count(RequestEvent.id)))).scalar_one())


async def test_the_village_sees_the_checklist_form(dash: Dashboard, world: World) -> None:
    await _seed(dash, world)
    await dash.sign_in("desa_a1")
    page = await dash.client.get(PAGE)
    assert page.status_code == 200
    assert 'id="precheck-form"' in page.text
    assert re.findall(r'<fieldset class="precheck-item" data-item="([^"]+)">', page.text) == [
        "doc:kk",
        "doc:surat_kehilangan",
        "fields",
    ]
    for legend in (
        "Kartu Keluarga: terbaca dan sesuai",
        "Surat kehilangan dari polisi: terbaca dan sesuai",
        "Data isian sesuai dokumen",
    ):
        assert f"<legend>{legend}</legend>" in page.text
    assert 'name="result:doc:kk" value="ok" required' in page.text
    assert 'name="result:doc:kk" value="problem"' in page.text
    assert 'action="/dashboard/requests/KTP-261120-0101/forward"' in page.text
    assert 'id="precheck-forward-button" disabled>Teruskan ke kecamatan</button>' in page.text
    assert "Simpan hasil pra-periksa dulu, lalu teruskan." in page.text
    assert 'id="precheck-waiting"' not in page.text
    english = await dash.client.get(f"{PAGE}?lang=en")
    assert "<legend>Family card (KK): readable and correct</legend>" in english.text
    assert ">Forward to the district</button>" in english.text


async def test_the_village_saves_forwards_and_the_district_reads_exactly_that(
    dash: Dashboard, world: World
) -> None:
    await _seed(dash, world)
    token = await dash.sign_in("desa_a1")
    saved = await _post(dash, token, "precheck", **CHECKED)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{PAGE}?done=prechecked"
    page = await dash.client.get(PAGE)
    # The form keeps the saved answers, and forwarding is now possible.
    assert 'name="result:doc:surat_kehilangan" value="problem" checked' in page.text
    assert 'value="Tanggal lahir beda dengan KK"' in page.text
    assert 'id="precheck-forward-button">Teruskan ke kecamatan</button>' in page.text
    forwarded = await _post(dash, token, "forward")
    assert forwarded.status_code == 303
    assert forwarded.headers["location"] == f"{PAGE}?done=forwarded"
    request = await _request(dash)
    assert request.prechecked_at is not None
    async with dash.sessionmaker() as session:
        audit = (await session.execute(select(AuditEvent))).scalars().all()
        stmt = select(RequestEvent).where(RequestEvent.request_id == request.id)
        events = (await session.execute(stmt.order_by(RequestEvent.id))).scalars().all()
    assert [(a.actor, a.action, a.target, a.office_id) for a in audit if a.action != "login"] == [
        ("operator:desa_a1", "forwarded", TICKET, world.offices["KEC-A"])
    ]
    saved_at = _in_words(events[-2].at.astimezone(dash.runtime.settings.tz))
    sent_at = _in_words(events[-1].at.astimezone(dash.runtime.settings.tz))

    await dash.client.post("/dashboard/logout", data={"csrf_token": token})
    await dash.sign_in("kec_a")
    page = await dash.client.get(PAGE)
    assert page.status_code == 200
    assert 'id="precheck-form"' not in page.text and 'id="precheck-waiting"' not in page.text
    assert _rows(page.text) == [
        ("ok", "doc:kk", "OK Kartu Keluarga: terbaca dan sesuai"),
        (
            "problem",
            "doc:surat_kehilangan",
            "Masalah Surat kehilangan dari polisi: terbaca dan sesuai Surat polisi belum dikirim",
        ),
        ("problem", "fields", "Masalah Data isian sesuai dokumen Tanggal lahir beda dengan KK"),
    ]
    meta = re.search(r'<p class="precheck-meta">(.*?)</p>', page.text, re.S)
    assert meta is not None
    assert " ".join(_TAG.sub(" ", meta.group(1)).split()) == (
        f"Diperiksa oleh desa_a1 · {saved_at} · 1 sesuai, 2 masalah"
    )
    assert '<q id="precheck-general-note">Warga sudah dihubungi</q>' in page.text
    forwarded_line = re.search(r'<p class="precheck-forwarded"[^>]*>(.*?)</p>', page.text, re.S)
    assert forwarded_line is not None
    assert " ".join(_TAG.sub(" ", forwarded_line.group(1)).split()) == (
        f"Diteruskan oleh desa_a1 · {sent_at}"
    )


async def test_the_district_waits_and_cannot_pre_check_for_the_village(
    dash: Dashboard, world: World
) -> None:
    await _seed(dash, world)
    token = await dash.sign_in("kec_a")
    page = await dash.client.get(PAGE)
    assert '<span class="badge precheck-waiting" id="precheck-waiting">' in page.text
    assert "menunggu pra-periksa desa" in page.text
    assert 'id="precheck-form"' not in page.text and 'id="precheck-forward"' not in page.text
    before = await _events(dash)
    for action in ("precheck", "forward"):
        refused = await _post(dash, token, action, **CHECKED)
        assert refused.status_code == 403, action
        assert "Hanya petugas desa pemeriksa yang dapat melakukan pra-periksa ini." in refused.text
    assert await _events(dash) == before
    assert (await _request(dash)).prechecked_at is None


async def _add_desa_a2(dash: Dashboard, world: World) -> None:
    """A village operator at DESA-A2 (the shared world has none), with the shared password."""
    async with unit_of_work(dash.sessionmaker) as session:
        stmt = select(Operator.password_hash).where(Operator.username == "desa_a1")
        session.add(
            Operator(
                username="desa_a2",
                display_name="desa_a2",
                role="village",
                office_id=world.offices["DESA-A2"],
                password_hash=(await session.execute(stmt)).scalar_one(),
            )
        )


async def test_other_villages_get_404(dash: Dashboard, world: World) -> None:
    await _seed(dash, world)
    await _add_desa_a2(dash, world)
    for username in ("desa_a2", "desa_b1"):
        token = await dash.sign_in(username)
        assert (await dash.client.get(PAGE)).status_code == 404, username
        for action in ("precheck", "forward"):
            answer = await _post(dash, token, action, **CHECKED)
            assert answer.status_code == 404, (username, action)
        await dash.client.post("/dashboard/logout", data={"csrf_token": token})
    assert (await _request(dash)).prechecked_at is None
    assert await _events(dash) == 8  # the seeded requests' and this request's first entries


def _form(page: str, name: str) -> str:
    """The HTML of the pre-check's `form` or `forward` form."""
    found = re.search(rf'<form [^>]*id="precheck-{name}".*?</form>', page, re.S)
    assert found is not None, name
    return found.group(0)


async def test_form_errors_re_render_the_page(dash: Dashboard, world: World) -> None:
    await _seed(dash, world)
    token = await dash.sign_in("desa_a1")
    early = await _post(dash, token, "forward")
    assert early.status_code == 409
    # Each reason stands in the form it is about, not at the top of the page.
    assert "Simpan hasil pra-periksa dulu sebelum meneruskan." in _form(early.text, "forward")
    missing = {k: v for k, v in CHECKED.items() if k != "result:fields"}
    incomplete = await _post(dash, token, "precheck", **missing)
    assert incomplete.status_code == 422
    assert (
        '<p class="error form-error" id="form-error" data-for="precheck-form" role="alert" '
        'tabindex="-1" autofocus>Pilih OK atau Masalah untuk setiap butir.</p>'
    ) in _form(incomplete.text, "form")
    silent = await _post(dash, token, "precheck", **{**CHECKED, "note:fields": " "})
    assert silent.status_code == 422
    assert "Tulis catatan untuk setiap butir yang bermasalah." in silent.text
    # What the village typed comes back, not the (empty) saved result.
    assert 'name="result:fields" value="problem" checked' in silent.text
    assert 'name="note:doc:surat_kehilangan" value="Surat polisi belum dikirim"' in silent.text
    assert ">Warga sudah dihubungi</textarea>" in silent.text
    stale = await _post(dash, token, "precheck", **{**CHECKED, "result:doc:akta": "ok"})
    assert stale.status_code == 422
    assert "Daftar periksa sudah berubah." in stale.text
    assert (await _post(dash, token, "precheck", **CHECKED)).status_code == 303
    assert (await _post(dash, token, "forward")).status_code == 303
    again = await _post(dash, token, "forward")
    assert again.status_code == 409
    # The form is gone once forwarded: the reason stands at the top.
    assert (
        '<p class="error" id="form-error" role="alert">'
        "Berkas ini sudah diteruskan; pra-periksa tidak dapat diubah lagi.</p>"
    ) in again.text
    resaved = await _post(dash, token, "precheck", **CHECKED)
    assert resaved.status_code == 409
    no_csrf = await dash.client.post(f"{PAGE}/forward", data={})
    assert no_csrf.status_code == 403


async def test_a_regency_request_is_forwarded_to_the_regency(dash: Dashboard, world: World) -> None:
    await _seed(dash, world, office="KAB")
    await dash.sign_in("desa_a1")
    page = await dash.client.get(PAGE)
    assert ">Teruskan ke kabupaten</button>" in page.text


async def test_a_request_without_pre_check_shows_no_panel(dash: Dashboard, world: World) -> None:
    await _seed(dash, world)
    token = await dash.sign_in("desa_a1")
    page = await dash.client.get("/dashboard/requests/KTP-261120-0001")
    assert page.status_code == 200
    assert 'id="precheck"' not in page.text and "pra-periksa" not in page.text
    refused = await dash.client.post(
        "/dashboard/requests/KTP-261120-0001/precheck", data={"csrf_token": token, **CHECKED}
    )
    assert refused.status_code == 409
    assert "Permohonan ini tidak melalui pra-periksa desa." in refused.text


async def test_the_api_refuses_moves_and_messages_from_the_pre_checking_village(
    dash: Dashboard, world: World
) -> None:
    await _seed(dash, world)
    auth = world.auth("desa_a1")
    url = f"/api/v1/requests/{TICKET}"
    assert (await dash.client.get(url, headers=auth)).status_code == 200
    moved = await dash.client.post(f"{url}/transitions", json={"to": "in_review"}, headers=auth)
    assert (moved.status_code, moved.json()) == (403, {"detail": PRECHECK_ONLY})
    wrote = await dash.client.post(f"{url}/messages", json={"text": "Halo"}, headers=auth)
    assert (wrote.status_code, wrote.json()) == (403, {"detail": PRECHECK_ONLY})
    assert (await _request(dash)).status == "submitted"
    district = await dash.client.post(
        f"{url}/transitions", json={"to": "in_review"}, headers=world.auth("kec_a")
    )
    assert district.status_code == 200


async def test_the_ready_form_offers_the_pre_checking_village_as_the_pickup_place(
    dash: Dashboard, world: World
) -> None:
    """The village that pre-checked it is nearer the resident: offered beside the district."""
    await _seed(dash, world)
    async with unit_of_work(dash.sessionmaker) as session:
        request = (
            await session.execute(select(Request).where(Request.ticket == TICKET))
        ).scalar_one()
        request.status = "processing"
    await dash.sign_in("kec_a")
    page = (await dash.client.get(PAGE)).text
    datalist = re.search(r'<datalist id="pickup-places">(.*?)</datalist>', page, re.S)
    assert datalist is not None
    assert re.findall(r'<option value="([^"]*)">', datalist.group(1)) == [
        "Kantor KEC-A",
        "Kantor DESA-A1",
    ]
