"""Status: a named ticket answers for that ticket only if it is the asker's; every reply gives the
expected date and what happens next."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.flows.context import OfficeInfo, RequestSummary, ResidentContext
from app.flows.inputs import OperatorEvent
from tests.support.chat import Chat

UPDATED = datetime(2026, 11, 20, 2, tzinfo=UTC)
OFFICE = OfficeInfo(
    name="Kantor Camat Sangir",
    address="Jl. Raya Sangir 1",
    hours_text="Senin–Jumat 08.00–15.00 WIB",
)


def request(ticket: str, code: str, status: str, due: date | None = date(2026, 12, 4)):
    return RequestSummary(ticket, code, status, UPDATED, due_date=due)


def test_every_status_says_when_and_what_happens_next(make_engine):
    context = ResidentContext(
        office=OFFICE,
        open_requests=[
            request("KTP-261101-0042", "ktp", "submitted"),
            request("KK-261102-0007", "kk", "in_review"),
            request("KIA-261103-0003", "kia", "needs_correction"),
            request("KTP-261104-0011", "ktp", "processing", due=None),
            request("KTP-261105-0012", "ktp", "ready_for_pickup"),
            request("KK-261106-0013", "kk", "out_for_delivery"),
        ],
    )
    chat = Chat(make_engine(), context)
    chat.send("status")
    assert chat.texts() == [
        "Permohonan Anda:\n"
        "• KTP-261101-0042 (KTP-el): sudah diterima, menunggu diperiksa petugas. "
        "Diperbarui 20 November 2026.\n"
        "Berikutnya petugas memeriksa berkas Anda. Perkiraan selesai: 4 Desember 2026.\n"
        "• KK-261102-0007 (Kartu Keluarga (KK)): sedang diperiksa petugas. "
        "Diperbarui 20 November 2026.\n"
        "Petugas sedang memeriksa berkas Anda; kami kabari bila ada yang perlu diperbaiki. "
        "Perkiraan selesai: 4 Desember 2026.\n"
        "• KIA-261103-0003 (Kartu Identitas Anak): perlu perbaikan dari Anda. "
        "Diperbarui 20 November 2026.\n"
        "Mohon kirim perbaikan yang diminta petugas di chat ini, lalu berkas diperiksa lagi. "
        "Perkiraan selesai: 4 Desember 2026.\n"
        "• KTP-261104-0011 (KTP-el): sedang diproses. Diperbarui 20 November 2026.\n"
        "Dokumen Anda sedang dibuat. Perkiraan selesai: segera kami kabari.\n"
        "• KTP-261105-0012 (KTP-el): siap diambil. Diperbarui 20 November 2026.\n"
        "Silakan ambil di Kantor Camat Sangir, Jl. Raya Sangir 1, Senin–Jumat 08.00–15.00 WIB.\n"
        "• KK-261106-0013 (Kartu Keluarga (KK)): sedang diantar. Diperbarui 20 November 2026.\n"
        "Dokumen sedang diantar ke alamat Anda; petugas akan menghubungi Anda."
    ]


def test_a_named_ticket_of_the_asker_answers_for_that_ticket_only(make_engine):
    context = ResidentContext(
        open_requests=[
            request("KTP-261101-0042", "ktp", "in_review"),
            request("KK-261102-0007", "kk", "submitted"),
        ]
    )
    chat = Chat(make_engine(), context)
    chat.send("status ktp - 261101 - 0042")
    assert chat.texts() == [
        "• KTP-261101-0042 (KTP-el): sedang diperiksa petugas. Diperbarui 20 November 2026.\n"
        "Petugas sedang memeriksa berkas Anda; kami kabari bila ada yang perlu diperbaiki. "
        "Perkiraan selesai: 4 Desember 2026."
    ]


def test_someone_else_s_ticket_is_not_found_and_nothing_is_listed(make_engine):
    context = ResidentContext(open_requests=[request("KTP-261101-0042", "ktp", "in_review")])
    chat = Chat(make_engine(), context)
    chat.send("status KTP-20261201-0099")
    assert chat.texts() == [
        "Permohonan nomor KTP-20261201-0099 tidak kami temukan untuk nomor WhatsApp ini. "
        "Mohon periksa lagi nomornya."
    ]
    chat.send("KK-261120-0005")
    assert chat.texts() == [
        "Permohonan nomor KK-261120-0005 tidak kami temukan untuk nomor WhatsApp ini. "
        "Mohon periksa lagi nomornya."
    ]


def test_a_named_ticket_in_the_middle_of_a_question_asks_the_question_again(make_engine):
    context = ResidentContext(open_requests=[request("KTP-261101-0042", "ktp", "submitted")])
    chat = Chat(make_engine(), context)
    chat.send("kk hilang")
    chat.send("cek status KTP-261101-0042")
    assert chat.texts() == [
        "• KTP-261101-0042 (KTP-el): sudah diterima, menunggu diperiksa petugas. "
        "Diperbarui 20 November 2026.\n"
        "Berikutnya petugas memeriksa berkas Anda. Perkiraan selesai: 4 Desember 2026.",
        "Silakan ketik NIK Anda (16 angka).",
    ]


def test_kapan_jadi_with_a_pending_request_gives_the_date(make_engine):
    context = ResidentContext(open_requests=[request("KTP-261101-0042", "ktp", "processing")])
    chat = Chat(make_engine(), context)
    chat.send("kapan jadi?")
    assert chat.texts() == [
        "Permohonan Anda:\n"
        "• KTP-261101-0042 (KTP-el): sedang diproses. Diperbarui 20 November 2026.\n"
        "Dokumen Anda sedang dibuat. Perkiraan selesai: 4 Desember 2026."
    ]


def test_a_correction_says_what_to_send(make_engine):
    context = ResidentContext(open_requests=[request("KTP-261122-0001", "ktp", "needs_correction")])
    chat = Chat(make_engine(), context)
    chat.send(
        OperatorEvent(
            "correction_needed", documents=["kk"], ticket="KTP-261122-0001", service="ktp"
        )
    )
    chat.send("status KTP-261122-0001")
    assert chat.texts()[0] == (
        "• KTP-261122-0001 (KTP-el): perlu perbaikan dari Anda. Diperbarui 20 November 2026.\n"
        "Mohon kirim perbaikan di chat ini: Kartu Keluarga. Setelah itu berkas diperiksa lagi. "
        "Perkiraan selesai: 4 Desember 2026."
    )


def test_status_in_english(make_engine):
    context = ResidentContext(
        language="en", open_requests=[request("KTP-261101-0042", "ktp", "submitted")]
    )
    chat = Chat(make_engine(), context)
    chat.send("status KTP-261101-0099")
    assert chat.texts() == [
        "We could not find request KTP-261101-0099 for this WhatsApp number. "
        "Please check the number again."
    ]
    chat.send("status")
    assert chat.texts() == [
        "Your requests:\n"
        "• KTP-261101-0042 (ID card (KTP-el)): received, waiting for an officer. "
        "Updated 20 November 2026.\n"
        "Next, an officer checks your papers. Expected to be ready: 4 December 2026."
    ]
