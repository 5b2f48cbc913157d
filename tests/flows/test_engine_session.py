"""The conversation over time: reminders, expiry and resumption, hand-off silence, parked
drafts, the step limit, paging, and snapshots that survive JSON."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from app.flows.catalog import Catalog, Service, shipped_catalog
from app.flows.context import Remembered, ResidentContext, StoredDocument
from app.flows.events import (
    ConversationExpired,
    Failure,
    SendList,
    SendText,
    SubmitRequest,
    WaitUntil,
)
from app.flows.inputs import (
    DocumentChecked,
    OperatorEvent,
    SubmissionAccepted,
    TimeoutInput,
)
from tests.support.chat import NIK, Chat, ktp_until_documents
from tests.support.engine_data import START


def service_data(code: str = "surat", **overrides: Any) -> dict[str, Any]:
    """A small valid service definition as plain data."""
    data: dict[str, Any] = {
        "code": code,
        "names": {"id": f"Layanan {code}", "en": f"Service {code}"},
        "summary": {"id": "Contoh", "en": "Example"},
        "ticket_prefix": "SRT",
        "office_level": "village",
        "service_days": 2,
        "fee": {"free": True, "note": {"id": "Gratis.", "en": "Free."}},
        "pickup": {"id": "Bawa KTP.", "en": "Bring your KTP."},
        "legal_basis": ["Perbup 1/2026"],
        "fields": [
            {
                "key": "nama",
                "label": {"id": "Nama", "en": "Name"},
                "prompt": {"id": "Nama Anda?", "en": "Your name?"},
                "validator": "name",
            }
        ],
    }
    data.update(overrides)
    return data


def test_idle_resident_gets_one_reminder_then_the_conversation_expires(make_engine, clock):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    assert chat.of_type(WaitUntil) == [WaitUntil(START + timedelta(hours=2))]
    clock.advance(hours=1)
    chat.send(TimeoutInput())  # early (stale) timeout: ignored
    assert chat.events == []
    clock.advance(hours=1)
    chat.send(TimeoutInput())
    assert chat.texts() == [
        "Bapak/Ibu masih di sana? Kami menunggu jawaban Anda.",
        "Silakan ketik NIK Anda (16 angka, ada di KK).",
    ]
    assert chat.of_type(WaitUntil) == [WaitUntil(START + timedelta(hours=22))]
    clock.advance(hours=20)
    chat.send(TimeoutInput())
    assert chat.of_type(ConversationExpired) == [ConversationExpired()]
    assert chat.of_type(WaitUntil) == [WaitUntil(None)]
    assert chat.snapshot["draft"]["service"] == "ktp"
    clock.advance(days=2)
    chat.send("halo")
    assert chat.texts() == ["Lanjutkan permohonan KTP-el yang belum selesai?"]
    chat.tap("yes", "Lanjutkan")
    assert chat.texts() == ["Silakan ketik NIK Anda (16 angka, ada di KK)."]


def test_answering_after_a_reminder_restarts_the_reminder_clock(make_engine, clock):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    clock.advance(hours=2)
    chat.send(TimeoutInput())
    chat.send(NIK)
    assert chat.snapshot["reminded"] is False
    assert chat.of_type(WaitUntil) == [WaitUntil(clock.now + timedelta(hours=2))]


def test_no_reminders_without_a_draft(make_engine):
    chat = Chat(make_engine())
    chat.send("halo")
    assert chat.of_type(WaitUntil) == [WaitUntil(None)]
    chat.send(TimeoutInput())
    assert chat.events == []


def test_bot_only_acknowledges_during_a_hand_off_until_it_ends(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send("operator")
    frozen = {**chat.snapshot, "handoff_acked": "2026-11-22T01:00:00Z"}
    promise = "Petugas akan membalas di sini secepatnya."
    replies = []
    for message in ("halo?", "ktp saya gimana", "menu"):
        chat.send(message)
        replies.append(chat.of_type(SendText))
    assert replies == [
        [SendText(f"Pesan Anda sudah kami terima. {promise}")],
        [],  # one acknowledgement is enough for a few lines in a row
        [
            SendText(
                f"Anda sedang menunggu petugas. {promise} "
                "Ketik *selesai* bila ingin kembali ke menu."
            )
        ],
    ]
    assert chat.snapshot == frozen
    chat.photo("m2")
    assert chat.events == []
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    assert chat.events == []  # recorded, message held back
    assert chat.snapshot["draft"]["documents"] == {"kk": ["doc-1"]}
    chat.send(OperatorEvent("handoff_ended"))
    assert chat.texts() == [
        "Kami terima 1 foto untuk Kartu Keluarga. ✅\nAda foto lain untuk Kartu Keluarga? "
        "Kirim sekarang. Bila tidak ada, ketuk *Sudah semua* atau tunggu 1 menit.",
        "Petugas sudah selesai membantu. Ketik *menu* bila ada yang lain.",
        # The open question again: the KK has a page, so "any other?", not "send the KK".
        "Kami terima 1 foto untuk Kartu Keluarga. ✅\nAda foto lain untuk Kartu Keluarga? "
        "Kirim sekarang. Bila tidak ada, ketuk *Sudah semua* atau tunggu 1 menit.",
    ]
    assert chat.snapshot["held"] == []


def test_correction_during_another_draft_parks_it_and_offers_it_afterwards(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.send(NIK)
    submitted = {"service": "kk", "variant": "hilang", "fields": {"nik": NIK}, "ticket": "KK-1"}
    chat.snapshot["submitted"] = {"KK-1": submitted}
    chat.send(OperatorEvent("correction_needed", fields=["nama"], ticket="KK-1"))
    assert chat.texts() == [
        "Petugas meminta perbaikan untuk permohonan KK-1.\nYang perlu diperbaiki: Nama lengkap.",
        "Silakan ketik nama lengkap Anda.",
    ]
    assert chat.snapshot["parked"]["service"] == "ktp"
    chat.send("Siti Aminah")
    [submit] = chat.of_type(SubmitRequest)
    assert (submit.ticket, submit.service, submit.fields) == (
        "KK-1",
        "kk",
        {"nik": NIK, "nama": "Siti Aminah"},
    )
    chat.send(SubmissionAccepted("KK-1", date(2026, 11, 25)))
    assert chat.texts()[-1] == "Lanjutkan permohonan KTP-el yang belum selesai?"
    chat.tap("yes")
    assert chat.texts() == ["Silakan ketik nama lengkap Anda sesuai KK."]


def test_correction_for_a_forgotten_request_uses_the_service_named(make_engine):
    chat = Chat(make_engine())
    chat.send(
        OperatorEvent(
            "correction_needed", documents=["kk"], ticket="KTP-9", service="ktp", note="Buram."
        )
    )
    assert chat.texts()[0] == (
        "Petugas meminta perbaikan untuk permohonan KTP-9.\nCatatan petugas: Buram.\n"
        "Yang perlu diperbaiki: Kartu Keluarga."
    )
    assert chat.awaiting["key"] == "kk"


def test_looping_definition_ends_in_a_failure_not_a_hang(make_engine):
    looping = service_data(
        fields=[
            {**service_data()["fields"][0], "key": "a", "when": {"b": ["x"]}, "next": "b"},
            {**service_data()["fields"][0], "key": "b", "when": {"a": ["x"]}, "next": "a"},
        ]
    )
    catalog = Catalog({"surat": Service.model_validate(looping)})
    chat = Chat(make_engine(catalog, max_steps=50))
    chat.tap("svc:surat")
    [failure] = chat.of_type(Failure)
    assert failure.reason == "more than 50 steps in one turn"
    assert chat.texts()[-1].startswith("Maaf, ada kendala pada layanan ini.")
    assert chat.snapshot["draft"] is None


def test_draft_of_a_service_removed_from_the_catalog_fails_cleanly(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.snapshot["draft"]["service"] = "gone"
    chat.send(NIK)
    assert chat.of_type(Failure) == [Failure("service 'gone' is not in the catalog")]
    assert chat.snapshot["draft"] is None


def test_more_than_ten_services_are_paged(make_engine):
    services = {f"s{i:02d}": Service.model_validate(service_data(f"s{i:02d}")) for i in range(12)}
    chat = Chat(make_engine(Catalog(services)))
    chat.send("menu")
    [first] = chat.of_type(SendList)
    assert [row.id for row in first.rows] == [*(f"svc:s{i:02d}" for i in range(9)), "page:1"]
    chat.tap("page:1")
    [second] = chat.of_type(SendList)
    assert [row.id for row in second.rows] == [
        "svc:s09", "svc:s10", "svc:s11", "cmd:status", "cmd:agent", "page:0"
    ]  # fmt: skip


def test_validity_days_limit_reuse(make_engine, clock):
    document = {
        "key": "surat_rt",
        "label": {"id": "Surat RT", "en": "RT letter"},
        "kinds": ["image"],
        "reusable": True,
        "validity_days": 14,
    }
    catalog = Catalog({"surat": Service.model_validate(service_data(documents=[document]))})
    fresh = StoredDocument("fresh", "surat_rt", START - timedelta(days=13))
    chat = Chat(make_engine(catalog), ResidentContext(locker=[fresh]))
    chat.tap("svc:surat")
    chat.send("Siti Aminah")
    assert chat.choices() == ["yes", "no"]
    stale = StoredDocument("stale", "surat_rt", START - timedelta(days=14))
    chat = Chat(make_engine(catalog), ResidentContext(locker=[stale]))
    chat.tap("svc:surat")
    chat.send("Siti Aminah")
    assert chat.texts() == [
        "Silakan kirim foto Surat RT. 📄\nKirim sebagai foto.",
    ]


def test_snapshot_is_plain_json_and_versioned(make_engine):
    chat = Chat(make_engine(shipped_catalog()))
    ktp_until_documents(chat)
    assert chat.snapshot["version"] == 1
    deadline = datetime.fromisoformat(chat.snapshot["deadline"])
    assert deadline == START + timedelta(hours=2)


def test_english_resident_gets_english_from_the_first_message(make_engine):
    chat = Chat(make_engine(), ResidentContext(language="en", name="Ani"))
    chat.send("hello")
    assert chat.texts()[0].startswith("Hello, Ani 👋 This is the official WhatsApp service of")


def test_submission_accepted_gives_ticket_and_date(make_engine):
    # A resident who declined to have their data kept is not asked again (tests/flows/test_memory*).
    chat = Chat(make_engine(), ResidentContext(memory=Remembered(consent=False)))
    ktp_until_documents(chat)
    chat.snapshot["awaiting"] = {"kind": "submitting"}
    chat.send(SubmissionAccepted("KTP-261122-0042", date(2026, 11, 26)))
    assert chat.texts() == [
        "Permohonan Anda sudah kami terima ✅\nNomor permohonan: KTP-261122-0042\n"
        "Perkiraan selesai: 26 November 2026\n"
        "Ketik *status* kapan saja untuk melihat perkembangannya."
    ]
    assert chat.snapshot["draft"] is None
    assert list(chat.snapshot["submitted"]) == ["KTP-261122-0042"]


def test_unreadable_snapshot_starts_afresh_with_a_failure_event(make_engine):
    chat = Chat(make_engine())
    chat.stored = {"version": 1, "draft": {"service": 42, "fields": "broken"}}
    chat.send("halo")
    [failure] = chat.of_type(Failure)
    assert failure.reason.startswith("unreadable snapshot (")
    assert chat.texts()[0].startswith("Halo, Bapak/Ibu 👋")


def test_reuse_offer_falls_back_to_a_new_document_when_the_locker_changed(make_engine):
    stored = StoredDocument("stored-kk", "kk", START - timedelta(days=3))
    chat = Chat(make_engine(), ResidentContext(locker=[stored]))
    ktp_until_documents(chat)
    assert chat.choices() == ["yes", "no"]
    chat.context = ResidentContext()
    chat.send("ya")
    assert chat.texts()[0].startswith("Silakan kirim foto Kartu Keluarga. 📄")
