"""Counter intake pages: pick the service and resident, fill the form, take the request down."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.bot import messages
from app.db import unit_of_work, utcnow
from app.locker.models import Document
from app.outbox.models import OutboundMessage
from app.requests.calendar import due_date
from app.requests.models import Request, RequestDocument, RequestEvent
from app.residents.models import Resident
from app.workers.runner import WorkerSet
from tests.support.clients import Dashboard, csrf_of
from tests.support.counter import (
    NIK,
    PHONE_TYPED,
    STORED_KTP_BARU,
    WA_ID,
    as_form,
    blank_jpeg,
    ktp_baru_answers,
    photo,
    text_as_pdf,
)
from tests.support.factories import World, add_request, add_resident

FORM_URL = f"/dashboard/counter/ktp?variant=baru&phone={WA_ID}"
_COUNTER_AUDIT = select(AuditEvent).where(AuditEvent.action == "counter_intake")
JPEG = "image/jpeg"


def _photos(*seeds: int, name: str = "doc_kk") -> list[tuple[str, tuple[str, bytes, str]]]:
    return [(name, (f"kk-{seed}.jpg", photo(seed), JPEG)) for seed in seeds]


async def _post_form(
    dash: Dashboard,
    token: str,
    answers: dict[str, str] | None = None,
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
    url: str = FORM_URL,
    **extra: str,
) -> httpx.Response:
    data = as_form(answers if answers is not None else ktp_baru_answers(), csrf_token=token)
    return await dash.client.post(url, data=data | extra, files=files or _photos(1, 2))


async def _count(dash: Dashboard, model: Any) -> int:
    async with dash.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _only_request(dash: Dashboard) -> Request:
    async with dash.sessionmaker() as session:
        return (await session.execute(select(Request))).scalar_one()


def _error(page: str, key: str) -> str:
    """The error code shown next to input `key`."""
    marker = f'<p class="field-error" id="error-{key}" data-error="'
    assert marker in page, f"no error next to {key}"
    return page.split(marker, 1)[1].split('"', 1)[0]


async def test_step_one_lists_every_service_and_variant(dash: Dashboard, world: World) -> None:
    await dash.sign_in("kec_a")
    page = await dash.client.get("/dashboard/counter")
    assert page.status_code == 200
    assert '<option value="ktp:hilang" >KTP-el — KTP-el hilang</option>' in page.text
    assert '<option value="akta_kelahiran" >Akta Kelahiran</option>' in page.text
    assert 'id="counter-phone"' in page.text and 'id="counter-nik"' in page.text


async def test_step_one_goes_on_with_the_number_as_whatsapp_sends_it(
    dash: Dashboard, world: World
) -> None:
    await dash.sign_in("kec_a")
    query = {"service": "ktp:baru", "phone": PHONE_TYPED, "nik": ""}
    answer = await dash.client.get("/dashboard/counter", params=query)
    assert answer.status_code == 303
    assert answer.headers["location"] == FORM_URL


async def test_step_one_finds_a_returning_resident_by_nik(dash: Dashboard, world: World) -> None:
    async with unit_of_work(dash.sessionmaker) as session:
        siti = await add_resident(session, WA_ID, "Siti Aminah")
        await add_request(
            session, ticket="KK-261120-0001", resident=siti, office_id=world.offices["DESA-A1"]
        )
    await dash.sign_in("kec_a")
    query = {"service": "ktp:hilang", "nik": "3201-0145-0890-0003"}
    answer = await dash.client.get("/dashboard/counter", params=query)
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location == f"/dashboard/counter/ktp?variant=hilang&phone={WA_ID}&nik={NIK}"
    form = await dash.client.get(location)
    assert form.status_code == 200
    assert f"<strong>S*** A*****</strong> ({WA_ID}) · sudah terdaftar" in form.text
    assert f'id="field_nik" value="{NIK}"' in form.text


async def test_step_one_errors_stay_next_to_their_inputs(dash: Dashboard, world: World) -> None:
    await dash.sign_in("kec_a")
    page = await dash.client.get("/dashboard/counter", params={"service": "ktp", "nik": NIK})
    assert page.status_code == 422
    assert _error(page.text, "service") == "variant"
    assert _error(page.text, "phone") == "nik_unknown"
    assert (
        "Belum ada permohonan dengan NIK ini di wilayah kerja Anda. Isi nomor HP warga."
        in page.text
    )
    assert f'value="{NIK}"' in page.text
    bad = await dash.client.get("/dashboard/counter", params={"service": "x", "phone": "021 555"})
    assert bad.status_code == 422
    assert (_error(bad.text, "service"), _error(bad.text, "phone")) == ("service", "phone")


async def test_step_two_shows_each_kind_of_input(dash: Dashboard, world: World) -> None:
    await dash.sign_in("kec_a")
    page = await dash.client.get(FORM_URL)
    assert page.status_code == 200
    text = page.text
    assert f"<strong>{WA_ID}</strong> · warga baru" in text
    assert '<select name="field_jenis_kelamin" id="field_jenis_kelamin" required>' in text
    assert '<option value="perempuan" >Perempuan</option>' in text
    assert 'placeholder="hh-bb-tttt"' in text and "Contoh: 17-08-1990 atau 17 Agustus" in text
    assert (
        '<input type="file" name="doc_kk" id="doc_kk" '
        'accept="image/jpeg,image/png,.jpg,.jpeg,.png,application/pdf,.pdf"' in text
    )
    assert "1 sampai 2 file, masing-masing paling besar 10 MB" in text
    assert 'enctype="multipart/form-data"' in text and 'name="office"' not in text


async def test_inputs_that_depend_on_an_answer_say_which(dash: Dashboard, world: World) -> None:
    await dash.sign_in("kec_a")
    page = await dash.client.get(f"/dashboard/counter/akta_kelahiran?phone={WA_ID}&lang=en")
    assert page.status_code == 200
    assert '<small class="hint condition">Only when Birth letter: Yes</small>' in page.text
    assert '<input type="file" name="doc_surat_lahir" id="doc_surat_lahir"' in page.text


async def test_step_two_of_an_unknown_service_or_variant(dash: Dashboard, world: World) -> None:
    await dash.sign_in("kec_a")
    assert (await dash.client.get(f"/dashboard/counter/paspor?phone={WA_ID}")).status_code == 404
    page = await dash.client.get(f"/dashboard/counter/ktp?variant=lama&phone={WA_ID}")
    assert page.status_code == 422 and _error(page.text, "service") == "variant"


async def test_a_district_operator_takes_down_a_ktp_for_a_new_resident(
    dash: Dashboard, world: World
) -> None:
    token = await dash.sign_in("kec_a")
    answer = await _post_form(dash, token)
    assert answer.status_code == 303, answer.text
    request = await _only_request(dash)
    assert answer.headers["location"] == f"/dashboard/requests/{request.ticket}?done=counter"
    settings = dash.runtime.settings
    assert request.submitted_at is not None
    expected_due = due_date(
        request.submitted_at, 14, settings.tz, settings.opening_hours[1], settings.extra_holidays
    )
    local_day = request.submitted_at.astimezone(settings.tz).strftime("%y%m%d")
    assert (
        request.ticket,
        request.service_code,
        request.variant,
        request.status,
        request.channel,
        request.fields,
        request.warnings,
        request.language,
        request.office_id,
        request.precheck_office_id,
        request.due_date,
    ) == (
        f"KTP-{local_day}-0001",
        "ktp",
        "baru",
        "submitted",
        "counter",
        STORED_KTP_BARU,
        [],
        "id",
        world.offices["KEC-A"],
        None,
        expected_due,
    )
    async with dash.sessionmaker() as session:
        resident = await session.get(Resident, request.resident_id)
        assert resident is not None
        assert (resident.wa_id, resident.name, resident.language, resident.user_id) == (
            WA_ID,
            "Siti Aminah",
            "id",
            None,
        )
        events = (await session.execute(select(RequestEvent))).scalars().all()
        assert [(e.actor, e.from_status, e.to_status) for e in events] == [
            ("operator:kec_a", None, "submitted")
        ]
        attached = (await session.execute(select(RequestDocument))).scalars().all()
        assert [(a.requirement, a.reused) for a in attached] == [("kk", False), ("kk", False)]
        documents = (await session.execute(select(Document).order_by(Document.id))).scalars()
        assert [
            (d.id, d.resident_id, d.requirement, d.status, d.request_ref, d.mime_type)
            for d in documents
        ] == [
            (a.document_id, resident.id, "kk", "accepted", request.ticket, JPEG) for a in attached
        ]
        [outbox] = (await session.execute(select(OutboundMessage))).scalars().all()
        assert (outbox.resident_id, outbox.origin, outbox.state) == (
            resident.id,
            "template:counter",
            "pending",
        )
        assert outbox.body == messages.template(
            "loket_permohonan_dicatat",
            "id",
            body_params=["KTP-el", request.ticket, "Kantor KEC-A"],
        )
        [audit] = (await session.execute(_COUNTER_AUDIT)).scalars().all()
        assert (audit.actor, audit.action, audit.target, audit.office_id, audit.detail) == (
            "operator:kec_a",
            "counter_intake",
            request.ticket,
            world.offices["KEC-A"],
            {"service": "ktp", "resident_id": resident.id, "new_resident": True, "documents": 2},
        )
    page = await dash.client.get(answer.headers["location"])
    assert page.status_code == 200
    assert f'<h1 id="ticket">{request.ticket}</h1>' in page.text
    assert '<dd data-field="nik">3201014508900003</dd>' in page.text


async def test_a_resident_inside_the_window_gets_the_text(dash: Dashboard, world: World) -> None:
    async with unit_of_work(dash.sessionmaker) as session:
        known = await add_resident(
            session, WA_ID, "Siti", last_inbound_at=utcnow() - timedelta(hours=2)
        )
    token = await dash.sign_in("kec_a")
    answer = await _post_form(dash, token)
    assert answer.status_code == 303
    request = await _only_request(dash)
    assert request.resident_id == known.id
    async with dash.sessionmaker() as session:
        [outbox] = (await session.execute(select(OutboundMessage))).scalars().all()
        resident = await session.get(Resident, known.id)
        assert resident is not None and resident.name == "Siti"  # a known name is not replaced
    assert outbox.origin == "counter"
    assert (
        outbox.body
        == messages.text(
            f"Permohonan KTP-el Anda sudah dicatat petugas di Kantor KEC-A dengan nomor "
            f"{request.ticket}. Kabar selanjutnya kami kirim lewat WhatsApp ini."
        )[0]
    )
    assert outbox.fallback == messages.template(
        "loket_permohonan_dicatat", "id", body_params=["KTP-el", request.ticket, "Kantor KEC-A"]
    )


async def test_form_errors_keep_every_value_and_create_nothing(
    dash: Dashboard, world: World
) -> None:
    token = await dash.sign_in("kec_a")
    answers = ktp_baru_answers(nik="3201 0145 0890", tanggal_lahir="31-02-1990", status_kawin="")
    files = [
        ("doc_kk", ("kk.jpg", blank_jpeg(), JPEG)),
        ("doc_kk", ("kk-2.jpg", photo(2), JPEG)),
    ]
    page = await _post_form(dash, token, answers, files)
    assert page.status_code == 422
    text = page.text
    assert _error(text, "nik") == "nik_length"
    assert "NIK berisi 12 angka; NIK harus 16 angka." in text
    assert _error(text, "tanggal_lahir") == "date_impossible"  # 31 February
    assert _error(text, "status_kawin") == "empty"
    assert _error(text, "doc_kk") == "doc_blurred"
    assert 'value="3201 0145 0890"' in text and 'value="31-02-1990"' in text
    assert 'value="Siti  Aminah"' in text and 'value="Jl. Melati 3 RT 01/RW 02, Sukamaju"' in text
    assert '<option value="perempuan" selected>Perempuan</option>' in text
    assert "Permohonan belum dikirim. Periksa isian yang ditandai." in text
    for model in (Request, Resident, Document, OutboundMessage):
        assert await _count(dash, model) == 0, model
    async with dash.sessionmaker() as session:
        assert (await session.execute(_COUNTER_AUDIT)).first() is None


async def test_control_characters_never_reach_the_database(dash: Dashboard, world: World) -> None:
    token = await dash.sign_in("kec_a")
    odd = [("doc_kk", ("kk\x00.jpg", photo(1), 'image/jpeg\x00; x="y"'))]
    page = await _post_form(dash, token, ktp_baru_answers(alamat="Jl. Melati\x00 3"), odd)
    assert page.status_code == 422
    assert _error(page.text, "alamat") == "invalid"
    assert 'id="error-doc_kk"' not in page.text
    answer = await _post_form(dash, token, files=odd)
    assert answer.status_code == 303
    async with dash.sessionmaker() as session:
        document = (await session.execute(select(Document))).scalar_one()
    assert (document.declared_mime, document.mime_type) == (None, JPEG)


async def test_refused_files_are_named_for_their_requirement(dash: Dashboard, world: World) -> None:
    token = await dash.sign_in("kec_a")
    cases = [
        ([("doc_kk", ("kk.pdf", text_as_pdf(), "application/pdf"))], "doc_wrong_type"),
        ([("doc_kk", ("kk.jpg", photo() + b"\0" * (10 * 1024 * 1024), JPEG))], "doc_too_large"),
        (_photos(1, 2, 3), "doc_too_many"),
        ([("doc_kk", ("", b"", "application/octet-stream"))], "doc_missing"),
    ]
    for files, code in cases:
        page = await _post_form(dash, token, files=files)
        assert page.status_code == 422, code
        assert _error(page.text, "doc_kk") == code
    page = await _post_form(dash, token, files=cases[0][0])
    assert "Jenis file tidak sesuai. Yang diterima: foto (JPG atau PNG) atau PDF." in page.text
    english = await dash.client.post(
        FORM_URL + "&lang=en", data=as_form(ktp_baru_answers(), csrf_token=token), files=cases[1][0]
    )
    assert "The file is too large (at most 10 MB)." in english.text
    assert await _count(dash, Request) == 0 and await _count(dash, Document) == 0


async def test_the_total_upload_is_capped(dash: Dashboard, world: World) -> None:
    token = await dash.sign_in("kec_a")
    url = f"/dashboard/counter/ktp?variant=perubahan&phone={WA_ID}"
    answers = ktp_baru_answers(data_berubah="alamat")
    big = b"\0" * (9 * 1024 * 1024)
    files = [
        ("doc_kk", ("kk.jpg", big, JPEG)),
        ("doc_kk", ("kk2.jpg", big, JPEG)),
        ("doc_ktp_lama", ("ktp.jpg", big, JPEG)),
        ("doc_bukti_perubahan", ("a.pdf", big, "application/pdf")),
        ("doc_bukti_perubahan", ("b.pdf", b"\0" * (5 * 1024 * 1024), "application/pdf")),
    ]
    page = await _post_form(dash, token, answers, files, url=url)
    assert page.status_code == 422
    assert _error(page.text, "documents") == "total_size"
    assert "Semua file bersama-sama melebihi 40 MB." in page.text
    assert 'value="Jl. Melati 3 RT 01/RW 02, Sukamaju"' in page.text
    huge = [*files, ("doc_bukti_perubahan", ("c.pdf", big, "application/pdf"))]
    refused = await _post_form(dash, token, answers, huge, url=url)
    assert refused.status_code == 413
    assert _error(refused.text, "documents") == "total_size"
    assert await _count(dash, Request) == 0 and await _count(dash, Document) == 0


async def test_a_nik_mismatch_is_kept_as_the_chat_keeps_it(dash: Dashboard, world: World) -> None:
    token = await dash.sign_in("kec_a")
    answers = ktp_baru_answers(tanggal_lahir="06-08-1990")
    shown = await _post_form(dash, token, answers | {"alamat": ""})
    assert shown.status_code == 422
    assert 'data-warning="nik">Tanggal lahir berbeda dengan tanggal di NIK.' in shown.text
    answer = await _post_form(dash, token, answers)
    assert answer.status_code == 303
    assert (await _only_request(dash)).warnings == ["nik: nik_birth_date_mismatch"]


async def test_a_village_operator_takes_it_down_at_their_village(
    dash: Dashboard, world: World
) -> None:
    token = await dash.sign_in("desa_a1")
    answer = await _post_form(dash, token)
    assert answer.status_code == 303
    request = await _only_request(dash)
    assert answer.headers["location"] == f"/dashboard/requests/{request.ticket}?done=counter"
    # A district's service taken at a village: the district handles it, the village checks first.
    assert (request.office_id, request.precheck_office_id) == (
        world.offices["KEC-A"],
        world.offices["DESA-A1"],
    )
    async with dash.sessionmaker() as session:
        audit = (await session.execute(_COUNTER_AUDIT)).scalar_one()
    assert audit.office_id == world.offices["DESA-A1"]
    assert (await dash.client.get(answer.headers["location"])).status_code == 200
    await dash.client.post("/dashboard/logout", data={"csrf_token": token})
    await dash.sign_in("desa_b1")
    assert (await dash.client.get(answer.headers["location"])).status_code == 404


async def test_an_admin_without_an_office_picks_one(dash: Dashboard, world: World) -> None:
    token = await dash.sign_in("root")
    form = await dash.client.get(FORM_URL)
    assert f'<option value="{world.offices["DESA-A2"]}" >· · Kantor DESA-A2</option>' in form.text
    missing = await _post_form(dash, token)
    assert missing.status_code == 422 and _error(missing.text, "office") == "office"
    answer = await _post_form(dash, token, office=str(world.offices["KEC-B"]))
    assert answer.status_code == 303
    request = await _only_request(dash)
    assert request.office_id == world.offices["KEC-B"]


async def test_a_regency_service_taken_at_a_district_says_where_it_went(
    dash: Dashboard, world: World
) -> None:
    token = await dash.sign_in("kec_a")
    url = f"/dashboard/counter/akta_kematian?phone={WA_ID}"
    answers = {
        "nik_almarhum": "3201011203500001",
        "nama_almarhum": "Ahmad Subagyo",
        "tanggal_kematian": "01-11-2026",
        "tempat_kematian": "Rumah",
        "nik_pelapor": NIK,
        "hubungan_pelapor": "anak",
        "no_kk": "3201012208150007",
    }
    files = [
        *_photos(1, name="doc_surat_kematian"),
        *_photos(2, name="doc_kk"),
        *_photos(3, name="doc_ktp_almarhum"),
        *_photos(4, 5, name="doc_ktp_saksi"),
    ]
    answer = await _post_form(dash, token, answers, files, url=url)
    assert answer.status_code == 303, answer.text
    request = await _only_request(dash)
    assert request.office_id == world.offices["KAB"]
    assert answer.headers["location"] == f"/dashboard/counter?recorded={request.ticket}"
    page = await dash.client.get(answer.headers["location"])
    assert f"Permohonan {request.ticket} sudah dicatat dan diteruskan" in page.text


async def test_the_form_needs_its_csrf_token(dash: Dashboard, world: World) -> None:
    await dash.sign_in("kec_a")
    answer = await _post_form(dash, "wrong-token")
    assert answer.status_code == 403
    assert await _count(dash, Request) == 0


async def test_the_resident_then_follows_it_on_whatsapp(dash: Dashboard, world: World) -> None:
    token = await dash.sign_in("kec_a")
    assert (await _post_form(dash, token)).status_code == 303
    request = await _only_request(dash)
    sent = await dash.client.post(
        "/simulator/api/messages", json={"wa_id": WA_ID, "name": "Siti", "text": "status"}
    )
    assert sent.status_code == 200
    workers = WorkerSet(dash.runtime)
    assert await workers.inbound.run_once() == 1
    async with dash.sessionmaker() as session:
        rows = (
            await session.execute(
                select(OutboundMessage)
                .where(OutboundMessage.origin == "conversation")
                .order_by(OutboundMessage.id)
            )
        ).scalars()
        bodies = [row.body for row in rows]
        [resident] = (await session.execute(select(Resident))).scalars().all()
    updated = request.updated_at.astimezone(dash.runtime.settings.tz)
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus"]
    months += ["September", "Oktober", "November", "Desember"]
    day = f"{updated.day} {months[updated.month - 1]} {updated.year}"
    due = request.due_date
    assert due is not None
    assert bodies == messages.text(
        "Permohonan Anda:\n"
        f"• {request.ticket} (KTP-el): sudah diterima, menunggu diperiksa petugas. "
        f"Diperbarui {day}.\n"
        "Berikutnya petugas memeriksa berkas Anda. "
        f"Perkiraan selesai: {due.day} {months[due.month - 1]} {due.year}."
    )
    assert resident.id == request.resident_id


async def test_step_two_page_has_a_fresh_csrf_token(dash: Dashboard, world: World) -> None:
    token = await dash.sign_in("kec_a")
    page = await dash.client.get(FORM_URL)
    assert csrf_of(page.text) == token


def test_every_answer_the_bot_refuses_has_a_sentence_for_the_operator() -> None:
    from app.counter.forms import FieldError
    from app.dashboard.counter_routes import error_text
    from app.dashboard.texts import MESSAGES
    from app.flows.messages import load_messages

    keys = load_messages().tables["id"]
    codes = [key.removeprefix("invalid.") for key in keys if key.startswith("invalid.")]
    missing = [c for c in codes if c != "example" and f"counter_err_{c}" not in MESSAGES]
    assert missing == []
    assert error_text(FieldError("phone_chars"), "id") == (
        "Nomor HP hanya boleh berisi angka. Contoh: 0812 3456 7890."
    )


async def test_each_file_is_checked_once_and_no_copy_is_left(
    dash: Dashboard, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counter checked every file when the form came in and again while keeping it."""
    import tempfile

    from app.locker import checks

    inspected: list[str] = []
    real = checks.inspect_file

    def counting(path: Path, *args: Any, **kwargs: Any) -> checks.Inspection:
        inspected.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(checks, "inspect_file", counting)
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    token = await dash.sign_in("kec_a")
    refused = await _post_form(
        dash, token, files=[*_photos(1), ("doc_kk", ("b.jpg", blank_jpeg(), JPEG))]
    )
    assert refused.status_code == 422
    assert len(inspected) == 2 and list(spool.glob("loket-media-*")) == []
    answer = await _post_form(dash, token, files=_photos(1, 2))
    assert answer.status_code == 303
    assert len(inspected) == 4  # two more files, each checked once
    assert await _count(dash, Document) == 2
    assert list(spool.glob("loket-media-*")) == []
