"""The complaints page: its own queue by scope, closing with a resolution, telling the resident."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.db import unit_of_work, utcnow
from app.feedback.models import Complaint
from app.outbox.models import OutboundMessage
from app.residents.models import Resident
from tests.support.clients import Dashboard
from tests.support.factories import BUDI, SITI, WATI, World, add_resident, seed_requests

LISTED = re.compile(r'id="complaint-(\d+)"')
TONO = ("6289900000009", "Tono Sugiarto")


async def _complaints(dash: Dashboard, world: World) -> dict[str, int]:
    """One complaint per way of finding its office, filed `days` ago (oldest first)."""
    await seed_requests(dash.sessionmaker, world)
    async with unit_of_work(dash.sessionmaker) as session:
        people = {r.wa_id: r.id for r in (await session.execute(select(Resident))).scalars()}
        tono = await add_resident(session, *TONO)
        plan = [
            # name, resident, ticket, days ago: the office it belongs to
            ("siti_ktp", people[SITI[0]], "KTP-261120-0001", 5),  # DESA-A1 (its ticket)
            ("wati", people[WATI[0]], None, 4),  # latest request AKTA: not routed → admins
            ("budi", people[BUDI[0]], None, 3),  # latest request KTP-…-0004: DESA-A1
            ("tono", tono.id, None, 2),  # no request at all → admins
            ("siti_kk", people[SITI[0]], "KK-261120-0001", 1),  # KEC-A
        ]
        made: dict[str, int] = {}
        for name, resident_id, ticket, days in plan:
            row = Complaint(
                resident_id=resident_id,
                ticket=ticket,
                text=f"Keluhan {name}: antre terlalu lama",
                status="open",
                created_at=utcnow() - timedelta(days=days, minutes=5),
            )
            session.add(row)
            await session.flush()
            made[name] = row.id
    return made


async def _listed(dash: Dashboard, query: str = "") -> list[int]:
    page = await dash.client.get(f"/dashboard/complaints{query}")
    assert page.status_code == 200
    return [int(found) for found in LISTED.findall(page.text)]


async def test_each_operator_sees_the_complaints_of_their_offices_oldest_first(
    dash: Dashboard, world: World
) -> None:
    ids = await _complaints(dash, world)
    seen = {}
    for username in ("root", "kab", "kec_a", "desa_a1", "desa_b1"):
        dash.client.cookies.clear()
        await dash.sign_in(username)
        seen[username] = await _listed(dash)
    order = ["siti_ktp", "wati", "budi", "tono", "siti_kk"]
    assert seen == {
        "root": [ids[name] for name in order],
        "kab": [ids["siti_ktp"], ids["budi"], ids["siti_kk"]],
        "kec_a": [ids["siti_ktp"], ids["budi"], ids["siti_kk"]],
        "desa_a1": [ids["siti_ktp"], ids["budi"]],
        "desa_b1": [],
    }
    page = await dash.client.get("/dashboard/complaints")  # desa_b1
    assert "Tidak ada pengaduan terbuka." in page.text
    dash.client.cookies.clear()
    await dash.sign_in("desa_a1")
    page = await dash.client.get("/dashboard/complaints")
    assert 'href="/dashboard/requests/KTP-261120-0001"' in page.text
    assert "Keluhan siti_ktp: antre terlalu lama" in page.text
    assert '<span class="age">5 hari</span>' in page.text
    assert "Umum (bukan soal permohonan)" in page.text  # Budi's is general


async def _close(dash: Dashboard, token: str, complaint_id: int, resolution: str) -> httpx.Response:
    return await dash.client.post(
        f"/dashboard/complaints/{complaint_id}/close",
        data={"csrf_token": token, "resolution": resolution},
    )


async def _stored(dash: Dashboard, complaint_id: int) -> Complaint:
    async with dash.sessionmaker() as session:
        row = await session.get(Complaint, complaint_id)
        assert row is not None
        return row


async def _outbox(dash: Dashboard) -> list[OutboundMessage]:
    async with dash.sessionmaker() as session:
        stmt = select(OutboundMessage).order_by(OutboundMessage.id)
        return list((await session.execute(stmt)).scalars())


async def test_closing_outside_the_window_holds_the_news_behind_the_invitation(
    dash: Dashboard, world: World
) -> None:
    ids = await _complaints(dash, world)
    token = await dash.sign_in("desa_a1")
    answer = await _close(dash, token, ids["siti_ktp"], "  Petugas loket sudah ditegur. ")
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        "/dashboard/complaints?done=held",
    )
    stored = await _stored(dash, ids["siti_ktp"])
    assert (stored.status, stored.closed_by, stored.resolution) == (
        "closed",
        "operator:desa_a1",
        "Petugas loket sudah ditegur.",
    )
    assert stored.closed_at is not None
    async with dash.sessionmaker() as session:
        stmt = select(AuditEvent).where(AuditEvent.action == "complaint_closed")
        audit = (await session.execute(stmt)).scalars().all()
    assert [(a.actor, a.target, a.office_id, a.detail) for a in audit] == [
        (
            "operator:desa_a1",
            f"complaint:{ids['siti_ktp']}",
            world.offices["DESA-A1"],
            {"ticket": "KTP-261120-0001", "resident_id": stored.resident_id},
        )
    ]
    held, invitation = await _outbox(dash)
    assert (held.state, held.origin, held.body["text"]["body"]) == (
        "held",
        "complaint_closed",
        "Keluhan Anda tentang permohonan KTP-261120-0001 sudah ditindaklanjuti petugas:\n"
        "Petugas loket sudah ditegur.\nTerima kasih atas masukan Anda.",
    )
    assert invitation.body["template"]["name"] == "loket_pesan_menunggu"
    assert invitation.body["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "KTP-261120-0001"}
    ]
    page = await dash.client.get(answer.headers["location"])
    assert "Pengaduan ditutup; pesan untuk warga ditahan" in page.text
    assert LISTED.findall(page.text) == [str(ids["budi"])]


async def test_closing_inside_the_window_sends_the_news_in_english(
    dash: Dashboard, world: World
) -> None:
    ids = await _complaints(dash, world)
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(
            update(Resident)
            .where(Resident.wa_id == BUDI[0])
            .values(language="en", last_inbound_at=utcnow() - timedelta(hours=1))
        )
    token = await dash.sign_in("desa_a1")
    answer = await _close(dash, token, ids["budi"], "A second counter opens at 08:00.")
    assert answer.headers["location"] == "/dashboard/complaints?done=closed"
    (sent,) = await _outbox(dash)
    assert (sent.state, sent.body["text"]["body"]) == (
        "pending",
        "Your complaint has been followed up by the office:\n"
        "A second counter opens at 08:00.\nThank you for your feedback.",
    )
    # Should Meta say the window closed after all, the invitation names Budi's latest request.
    assert sent.fallback is not None and sent.hold_on_fallback is True
    assert sent.fallback["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "KTP-261120-0004"}
    ]
    page = await dash.client.get(answer.headers["location"])
    assert "Pengaduan ditutup; warga sudah diberi tahu." in page.text


async def test_closing_needs_a_resolution_and_happens_once(dash: Dashboard, world: World) -> None:
    ids = await _complaints(dash, world)
    token = await dash.sign_in("desa_a1")
    for resolution in ("", "   "):
        answer = await _close(dash, token, ids["budi"], resolution)
        assert answer.status_code == 422
        assert "Tulis tindak lanjutnya sebelum menutup pengaduan." in answer.text
        assert f'class="card complaint has-error" id="complaint-{ids["budi"]}"' in answer.text
    for resolution in ("x" * 2001, "a\x00b"):
        answer = await _close(dash, token, ids["budi"], resolution)
        assert answer.status_code == 422
        assert "Isian formulir tidak valid." in answer.text
    assert (await _stored(dash, ids["budi"])).status == "open"

    assert (await _close(dash, token, ids["budi"], "Sudah dibantu.")).status_code == 303
    again = await _close(dash, token, ids["budi"], "Lagi")
    assert again.status_code == 409
    assert "Pengaduan ini sudah ditutup." in again.text
    stored = await _stored(dash, ids["budi"])
    assert (stored.closed_by, stored.resolution) == ("operator:desa_a1", "Sudah dibantu.")
    assert len(await _outbox(dash)) == 2  # one held message and its invitation, once


async def test_complaints_outside_the_scope_or_unknown_are_not_found(
    dash: Dashboard, world: World
) -> None:
    ids = await _complaints(dash, world)
    token = await dash.sign_in("desa_a1")
    for complaint_id in (ids["siti_kk"], ids["tono"], ids["wati"], 999999, 2**64):
        answer = await _close(dash, token, complaint_id, "Selesai")
        assert answer.status_code == 404, complaint_id
    bad = await dash.client.post("/dashboard/complaints/abc/close", data={"csrf_token": token})
    assert bad.status_code == 404
    no_csrf = await dash.client.post(
        f"/dashboard/complaints/{ids['budi']}/close", data={"resolution": "x"}
    )
    assert no_csrf.status_code == 403
    assert (await _stored(dash, ids["budi"])).status == "open"


async def test_the_closed_view_shows_who_closed_and_how(dash: Dashboard, world: World) -> None:
    ids = await _complaints(dash, world)
    token = await dash.sign_in("kec_a")
    await _close(dash, token, ids["siti_kk"], "Berkas KK sudah dipercepat.")
    await _close(dash, token, ids["siti_ktp"], "Sudah diproses.")
    assert await _listed(dash) == [ids["budi"]]
    page = await dash.client.get("/dashboard/complaints?closed=1")
    assert LISTED.findall(page.text) == [str(ids["siti_ktp"]), str(ids["siti_kk"])]
    assert '<dd class="closed-by" title="operator:kec_a">kec_a</dd>' in page.text
    assert '<dd class="resolution">Berkas KK sudah dipercepat.</dd>' in page.text
    assert 'id="show-open"' in page.text and 'name="resolution"' not in page.text
    dash.client.cookies.clear()
    await dash.sign_in("desa_b1")
    assert await _listed(dash, "?closed=1") == []


async def test_signed_out_visitors_go_to_the_login(dash: Dashboard) -> None:
    for path in ("/dashboard/complaints", "/dashboard/handoffs"):
        answer = await dash.client.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, "/dashboard/login")
