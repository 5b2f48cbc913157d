"""Naming a family member (same KK) to collect: the phrases, the dialog, the refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.flows.context import RequestSummary, ResidentContext
from app.flows.events import PickupProxy
from app.flows.proxy_phrases import means_proxy, means_self
from tests.support.chat import Chat

KK = RequestSummary("KK-261110-0003", "kk", "processing", datetime(2026, 11, 21, tzinfo=UTC))
KTP = RequestSummary(
    "KTP-261111-0004", "ktp", "ready_for_pickup", datetime(2026, 11, 20, tzinfo=UTC)
)
NIK = "7307054506900002"
ASK_NAME = "Siapa nama lengkap orang yang akan mengambil? (sesuai KTP-el atau KK)"
ALLOWED = (
    "Bisa. Kartu Keluarga (KK) nomor KK-261110-0003 boleh diambil anggota keluarga yang ada"
    " dalam KK yang sama dengan Anda."
)
EXPLAIN = (
    "Yang boleh mengambil hanya anggota keluarga dalam KK yang sama dengan Anda. Petugas"
    " mencocokkan nama dan NIK-nya dengan KK asli yang dibawanya, jadi kami perlu nama lengkap"
    " dan NIK-nya."
)


@pytest.mark.parametrize(
    "text",
    [
        "yang ambil nanti adik saya",
        "boleh diwakilkan?",
        "my wife will collect it",
        "bojoku sing njupuk ya min",
        "kk nya nanti diambil ibu saya",
        "bisa orang lain yg ambil?",
        "can someone else pick it up?",
        "pake surat kuasa bisa?",
    ],
)
def test_naming_someone_else(text: str) -> None:
    assert means_proxy(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "Bu, kapan bisa saya ambil?",  # "Bu" addresses the officer
        "kapan bisa diambil",
        "saya sendiri yg ambil",
        "gak jadi diwakilkan",
        "mau buat KK baru",
    ],
)
def test_not_naming_anyone(text: str) -> None:
    assert means_proxy(text) is False


def test_taking_it_back() -> None:
    assert means_self("saya sendiri aja yg ambil") is True
    assert means_self("gak jadi diwakilkan") is True
    assert means_self("yang ambil adik saya") is False


def test_the_whole_naming(make_engine) -> None:
    chat = Chat(make_engine(), ResidentContext(open_requests=[KK]))
    chat.send("yang ambil nanti adik saya")
    assert chat.texts() == [f"{ALLOWED}\n{ASK_NAME}"]
    chat.send("rina wati")
    assert chat.texts() == ["Berapa NIK Rina Wati? NIK ada di KTP-el atau KK, 16 angka."]
    chat.send("7307 0545")
    assert chat.texts() == [
        "NIK yang Anda kirim 8 angka. NIK harus 16 angka. Contoh: 1303015708900001\n"
        "Berapa NIK Rina Wati? NIK ada di KTP-el atau KK, 16 angka."
    ]
    chat.send(NIK)
    assert chat.texts() == [
        "Mohon periksa:\nKartu Keluarga (KK) nomor KK-261110-0003 akan diambil oleh\n"
        f"*Rina Wati*, NIK {NIK}.\n\nSaat mengambil, Rina Wati membawa KK asli yang mencantumkan"
        " nama Anda dan namanya, juga kode pengambilan dari kami. Sudah benar?"
    ]
    assert chat.choices() == ["yes", "change", "no"]
    chat.tap("yes", prompt=chat.prompts()[0])
    assert chat.of_type(PickupProxy) == [PickupProxy("KK-261110-0003", "Rina Wati", NIK)]
    assert chat.texts() == [
        "Baik, sudah kami catat: Rina Wati boleh mengambil KK-261110-0003. Jangan lupa bawa KK"
        " asli yang mencantumkan nama Anda dan namanya, serta kode pengambilan yang kami kirim"
        " saat dokumen siap. Teruskan kode itu kepadanya."
    ]
    assert chat.snapshot["awaiting"] is None and chat.snapshot["proxy"] is None


def test_a_question_instead_of_a_name_is_answered(make_engine) -> None:
    chat = Chat(make_engine(), ResidentContext(open_requests=[KK]))
    chat.send("boleh diwakilkan?")
    chat.send("emang harus siapa aja yg boleh?")
    assert chat.texts() == [f"{EXPLAIN}\n{ASK_NAME}"]
    assert chat.of_type(PickupProxy) == []


def test_a_change_of_mind_drops_the_naming(make_engine) -> None:
    chat = Chat(make_engine(), ResidentContext(open_requests=[KK]))
    chat.send("yg ngambil istri sy")
    chat.send("Dewi Lestari")
    chat.send("eh gak jadi deh, saya sendiri aja")
    assert chat.texts() == [
        "Baik, tidak jadi diwakilkan. KK-261110-0003 nanti Anda ambil sendiri, ya."
    ]
    assert chat.of_type(PickupProxy) == []
    assert chat.snapshot["awaiting"] is None


def test_someone_else_at_the_confirmation_asks_the_name_again(make_engine) -> None:
    chat = Chat(make_engine(), ResidentContext(open_requests=[KK]))
    chat.send("my brother will pick it up")
    chat.send("Andi")
    chat.send(NIK)
    chat.send("ganti orang")
    assert chat.texts() == [ASK_NAME]


def test_a_ktp_is_collected_in_person(make_engine) -> None:
    chat = Chat(make_engine(), ResidentContext(open_requests=[KTP]))
    chat.send("yang ambil nanti suami saya ya")
    assert chat.texts() == [
        "Mohon maaf, KTP-el nomor KTP-261111-0004 tidak bisa diwakilkan: pemiliknya perlu datang"
        " sendiri untuk mengambilnya."
    ]
    assert chat.snapshot["awaiting"] is None


def test_english(make_engine) -> None:
    chat = Chat(make_engine(), ResidentContext(language="en", open_requests=[KK]))
    chat.send("my wife will collect it")
    assert chat.texts() == [
        "Yes. Family card (KK), ticket KK-261110-0003, may be collected by a family member on"
        " the same KK (family card) as you.\nWhat is the full name of the person who will"
        " collect it? (as on their KTP-el or the KK)"
    ]


def test_without_an_open_request(make_engine) -> None:
    chat = Chat(make_engine(), ResidentContext())
    chat.send("boleh diwakilkan?")
    assert chat.texts() == [
        "Saat ini belum ada permohonan Anda yang sedang berjalan. Setelah permohonan diajukan,"
        " Anda bisa memberi tahu kami bila anggota keluarga dalam KK yang sama yang akan"
        " mengambilnya."
    ]


def test_a_named_collector_is_taken_back(make_engine) -> None:
    named = RequestSummary(KK.ticket, "kk", "ready_for_pickup", KK.updated_at, proxy_name="Rina")
    chat = Chat(make_engine(), ResidentContext(open_requests=[named]))
    chat.send("saya sendiri aja yg ambil")
    assert chat.of_type(PickupProxy) == [PickupProxy(KK.ticket)]
    assert chat.texts() == [
        "Baik, KK-261110-0003 nanti Anda ambil sendiri. Rina tidak lagi kami catat sebagai"
        " pengambil."
    ]
