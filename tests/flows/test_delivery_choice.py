"""How the result reaches the resident (issue 15.1), as residents answer: chosen with the yes at
the summary, named inside a chatty yes, or changed in a sentence until processing starts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.flows.context import RequestSummary, ResidentContext
from app.flows.events import ChangeDelivery, SubmitRequest
from app.flows.inputs import DocumentChecked, SubmissionAccepted
from tests.support.chat import Chat, ktp_until_documents

KTP_WAYS = ["yes:pickup", "yes:home", "edit"]
ACCEPTED = (
    "Permohonan Anda sudah kami terima ✅\nNomor permohonan: KTP-261204-0001\n"
    "Perkiraan selesai: 11 Desember 2026\n"
    "Ketik *status* kapan saja untuk melihat perkembangannya."
)


def at_summary(chat: Chat) -> None:
    ktp_until_documents(chat)
    for requirement, media in (("kk", "m1"), ("surat_kehilangan", "m2")):
        chat.photo(media)
        chat.send(DocumentChecked(requirement, f"doc-{media}", True, None))
        if requirement == "kk":
            chat.send("udah itu aja")
    assert chat.awaiting["kind"] == "confirm"


def test_the_summary_offers_one_yes_per_way_and_the_fee_note(make_engine) -> None:
    chat = Chat(make_engine())
    at_summary(chat)
    assert chat.choices() == KTP_WAYS
    assert chat.texts()[-1].splitlines()[-2:] == [
        "Sudah benar? Bila ya, pilih cara menerima hasilnya: ambil di kantor atau antar ke rumah.",
        "Ongkos antar dibayar pemohon kepada kurir, sesuai tarif setempat.",
    ]
    chat.tap("yes:home", "Ya, antar ke rumah")
    [submit] = chat.of_type(SubmitRequest)
    assert submit.delivery == "home"
    chat.send(SubmissionAccepted("KTP-261204-0001", date(2026, 12, 11)))
    assert chat.texts()[0] == ACCEPTED  # tapped: nothing more to say about the way


@pytest.mark.parametrize(
    ("said", "way"),
    [
        ("iya bener semua, diantar aja ya pak", "home"),
        ("YA ANTAR KE RUMAH", "home"),
        ("nggih leres, dianter mawon", "home"),
        ("ya saya ambil sendiri di kantor", "pickup"),
        ("yes that's correct, deliver it please", "home"),
        ("diantar aja", "home"),
        ("Ya, ambil di kantor", "pickup"),
    ],
)
def test_a_typed_yes_that_names_the_way_takes_it(make_engine, said: str, way: str) -> None:
    chat = Chat(make_engine())
    at_summary(chat)
    chat.send(said)
    [submit] = chat.of_type(SubmitRequest)
    assert submit.delivery == way
    chat.send(SubmissionAccepted("KTP-261204-0001", date(2026, 12, 11)))
    assert chat.texts()[0] == ACCEPTED


def test_a_plain_typed_yes_takes_the_usual_way_and_says_how_to_change(make_engine) -> None:
    chat = Chat(make_engine())
    at_summary(chat)
    chat.send("iya nak sudah benar semua, terima kasih")
    [submit] = chat.of_type(SubmitRequest)
    assert submit.delivery == "pickup"
    chat.send(SubmissionAccepted("KTP-261204-0001", date(2026, 12, 11)))
    assert chat.texts()[0] == (
        f"{ACCEPTED}\nHasilnya nanti diambil di kantor. Bila ingin antar ke rumah, balas saja "
        "sebelum permohonan diproses."
    )


def test_a_way_the_card_cannot_take_is_refused_and_the_choice_asked_again(make_engine) -> None:
    chat = Chat(make_engine())
    at_summary(chat)
    chat.send("ya kirim lewat wa aja")
    assert chat.of_type(SubmitRequest) == []
    assert chat.texts() == [
        "Mohon maaf, KTP-el tidak bisa dikirim lewat WhatsApp. "
        "Pilihannya: ambil di kantor atau antar ke rumah."
    ]
    assert chat.choices() == KTP_WAYS


def _after(status: str, service: str = "kk", delivery: str = "pickup") -> ResidentContext:
    ticket = f"{service.upper()}-261204-0001"
    when = datetime(2026, 12, 4, 9, tzinfo=UTC)
    request = RequestSummary(ticket, service, status, when, delivery=delivery)
    return ResidentContext(open_requests=[request])


@pytest.mark.parametrize(
    ("said", "way"),
    [
        ("kirim lewat WA aja ya", "digital"),
        ("mbak, KK nya dikirim di sini saja", "digital"),
        ("send it here please, as a pdf", "digital"),
    ],
)
def test_before_processing_a_sentence_changes_the_way(make_engine, said: str, way: str) -> None:
    chat = Chat(make_engine(), _after("in_review"))
    chat.send(said)
    assert chat.of_type(ChangeDelivery) == [ChangeDelivery("KK-261204-0001", way)]
    assert chat.texts() == [
        "Baik, Kartu Keluarga (KK) nomor KK-261204-0001 nanti dikirim lewat WhatsApp."
    ]


def test_home_delivery_of_a_kk_asks_where_to_first(make_engine) -> None:
    """A KK's answers hold no address: the courier's destination is asked, once."""
    chat = Chat(make_engine(), _after("submitted"))
    chat.send("tolong diantar ke rumah")
    assert chat.of_type(ChangeDelivery) == []
    assert chat.texts() == [
        "Ke alamat mana Kartu Keluarga (KK) nomor KK-261204-0001 diantar? Tulis alamat "
        "lengkap: jalan/dusun, RT/RW, "
        "desa/kelurahan, dan patokan bila ada."
    ]
    chat.send("di rumah")  # too little for a courier
    assert chat.texts() == [
        "Alamat itu belum cukup untuk kurir.\nKe alamat mana Kartu Keluarga (KK) nomor "
        "KK-261204-0001 diantar? Tulis alamat lengkap: jalan/dusun, RT/RW, desa/kelurahan, dan "
        "patokan bila ada."
    ]
    chat.send("Dusun Mawar RT 02/RW 01, Desa Sukamaju, depan masjid. makasih")
    address = "Dusun Mawar RT 02/RW 01, Desa Sukamaju, depan masjid"
    assert chat.of_type(ChangeDelivery) == [ChangeDelivery("KK-261204-0001", "home", address)]
    assert chat.texts() == [f"Baik, KK-261204-0001 nanti diantar ke {address}."]


@pytest.mark.parametrize(
    ("context", "said", "reply"),
    [
        (
            _after("processing"),
            "diantar aja ke rumah",
            "Mohon maaf, Kartu Keluarga (KK) nomor KK-261204-0001 sudah diproses, jadi cara "
            "menerimanya tidak bisa diubah lagi di sini. Ketik *petugas* bila perlu bantuan.",
        ),
        (
            _after("submitted", delivery="digital"),
            "kirim lewat wa aja",
            "Kartu Keluarga (KK) nomor KK-261204-0001 memang akan dikirim lewat WhatsApp.",
        ),
        (
            _after("submitted", service="ktp"),
            "kirim lewat wa aja",
            "Mohon maaf, KTP-el tidak bisa dikirim lewat WhatsApp. "
            "Pilihannya: ambil di kantor atau antar ke rumah.",
        ),
    ],
)
def test_a_change_that_cannot_be_made_is_explained(
    make_engine, context: ResidentContext, said: str, reply: str
) -> None:
    chat = Chat(make_engine(), context)
    chat.send(said)
    assert chat.of_type(ChangeDelivery) == []
    assert chat.texts() == [reply]


@pytest.mark.parametrize(
    "said", ["bisa diantar ke rumah?", "saya lagi di jalan ke rumah", "pdf nya sudah jadi?"]
)
def test_a_question_or_a_passing_mention_changes_nothing(make_engine, said: str) -> None:
    chat = Chat(make_engine(), _after("submitted"))
    chat.send(said)
    assert chat.of_type(ChangeDelivery) == []
