"""Documents: photos and PDFs, rejections with reasons, albums, reuse from the locker."""

from __future__ import annotations

from datetime import UTC, datetime

from app.flows.context import ResidentContext, StoredDocument
from app.flows.events import ReuseDocument, StoreMedia
from app.flows.inputs import DocumentChecked, MediaInput
from tests.support.chat import Chat, ktp_until_documents

STORED_KK = StoredDocument(
    "stored-kk",
    "kk",
    accepted_at=datetime(2026, 9, 1, 2, tzinfo=UTC),
    expires_at=datetime(2027, 9, 1, tzinfo=UTC),
)


def test_rejected_photo_is_asked_again_with_the_reason(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.photo("m1")
    assert chat.of_type(StoreMedia) == [StoreMedia("kk", "m1", "image/jpeg", None, None, "ktp")]
    chat.send(DocumentChecked("kk", "doc-1", accepted=False, reason="blurred"))
    assert chat.texts() == [
        "Foto Kartu Keluarga kurang jelas (buram). Mohon foto ulang di tempat terang, "
        "seluruh dokumen terlihat, lalu kirim lagi."
    ]
    chat.photo("m2")
    chat.send(DocumentChecked("kk", "doc-2", accepted=True))
    assert chat.texts()[0].startswith("Kami terima 1 foto untuk Kartu Keluarga. ✅")
    assert chat.snapshot["draft"]["documents"] == {"kk": ["doc-2"]}


def test_unknown_rejection_reason_still_gets_a_helpful_message(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send(DocumentChecked("kk", "doc-1", accepted=False, reason="cosmic_rays"))
    assert chat.texts() == [
        "File Kartu Keluarga belum bisa kami terima. Mohon kirim ulang fotonya."
    ]


def test_album_at_the_last_document_is_one_document_with_one_reply(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat, variant="baru")  # the KK is the only document
    chat.photo("m1", group="album")
    chat.photo("m2", group="album")
    assert [e.requirement for e in chat.of_type(StoreMedia)] == ["kk"]
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    assert chat.events == []  # one verdict still pending: no reply yet
    chat.send(DocumentChecked("kk", "doc-2", accepted=True))
    assert chat.texts()[0] == "Kami terima 2 foto untuk Kartu Keluarga. ✅"
    assert chat.awaiting["kind"] == "confirm"  # max 2 reached: the summary


def test_photos_beyond_the_maximum_are_not_stored(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat, variant="baru")
    chat.photo("m1", group="g")
    chat.photo("m2", group="g")
    chat.photo("m3", group="g")
    assert chat.texts() == ["Untuk Kartu Keluarga cukup 2 file. File tambahan tidak kami pakai."]
    assert chat.of_type(StoreMedia) == []


def test_album_straggler_after_the_document_is_complete_is_not_counted(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat, variant="baru")
    chat.photo("m1", group="album")
    chat.photo("m2", group="album")
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    chat.send(DocumentChecked("kk", "doc-2", accepted=True))
    chat.photo("m3", group="album")
    assert chat.of_type(StoreMedia) == []
    assert chat.texts() == ["Untuk Kartu Keluarga cukup 2 file. File tambahan tidak kami pakai."]
    chat.photo("m4", group="album")
    assert chat.events == []
    assert chat.snapshot["draft"]["documents"] == {"kk": ["doc-1", "doc-2"]}


def test_done_while_a_check_is_pending_completes_when_it_arrives(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send("selesai")
    assert chat.texts() == ["Sebentar, kami masih memeriksa file Anda."]
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    assert chat.texts()[0] == "Kami terima 1 foto untuk Kartu Keluarga. ✅"
    assert chat.awaiting["key"] == "surat_kehilangan"


def test_done_before_any_photo_asks_for_it(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send("sudah semua")
    assert chat.texts() == ["Silakan kirim 1 foto lagi."]


def test_minimum_of_two_photos_asks_for_the_rest(make_engine):
    chat = Chat(make_engine())
    chat.send("akta kematian")
    for answer in ("7307014101450004", "Hasnah", "02-11-2026", "rumah", "7307011203850002"):
        chat.send(answer)
    for answer in ("anak", "7307012010150001", "lewati"):
        chat.send(answer)
    for requirement in ("surat_kematian", "kk", "ktp_almarhum"):
        chat.photo(f"m-{requirement}")
        chat.send(DocumentChecked(requirement, f"doc-{requirement}", accepted=True))
        chat.tap("done")
    chat.photo("w1")
    chat.send(DocumentChecked("ktp_saksi", "doc-w1", accepted=True))
    assert chat.texts() == [
        "Kami terima 1 foto untuk KTP-el 2 saksi. ✅\nSilakan kirim 1 foto lagi."
    ]


def test_wrong_kind_of_file_is_explained(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat, variant="rusak")
    chat.photo("m1")
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    chat.tap("done")
    chat.send(MediaInput("document", "f1", "application/pdf", filename="ktp.pdf"))
    assert chat.texts() == [
        "KTP-el yang rusak harus dikirim sebagai foto (JPG atau PNG). Silakan kirim ulang."
    ]
    chat.send(MediaInput("video", "v1", "video/mp4"))
    assert chat.of_type(StoreMedia) == []
    assert chat.snapshot["tries"] == 2


def test_text_where_a_document_is_expected_says_what_to_send(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send("kk nya di rumah saudara")
    assert chat.texts() == [
        "Untuk langkah ini kami perlu foto Kartu Keluarga. Silakan kirim fotonya, "
        "atau ketik *operator* bila ada kendala."
    ]


def test_stored_document_is_offered_for_reuse(make_engine):
    chat = Chat(make_engine(), ResidentContext(locker=[STORED_KK]))
    ktp_until_documents(chat)
    assert chat.texts() == [
        "Kami masih menyimpan Kartu Keluarga Anda (diterima 1 September 2026). Pakai dokumen itu?"
    ]
    chat.tap("yes", "Pakai yang ada")
    assert chat.of_type(ReuseDocument) == [ReuseDocument("kk", "stored-kk")]
    assert chat.snapshot["draft"]["documents"] == {"kk": ["stored-kk"]}
    assert chat.awaiting["key"] == "surat_kehilangan"


def test_declining_reuse_asks_for_a_new_document(make_engine):
    chat = Chat(make_engine(), ResidentContext(locker=[STORED_KK]))
    ktp_until_documents(chat)
    chat.tap("no", "Kirim yang baru")
    assert chat.texts()[0].startswith("Silakan kirim foto Kartu Keluarga. 📄")


def test_sending_a_photo_instead_of_answering_the_reuse_question_stores_it(make_engine):
    chat = Chat(make_engine(), ResidentContext(locker=[STORED_KK]))
    ktp_until_documents(chat)
    chat.photo("m1")
    assert chat.of_type(StoreMedia) == [StoreMedia("kk", "m1", "image/jpeg", None, None, "ktp")]


def test_expired_or_other_kinds_of_stored_documents_are_not_offered(make_engine, clock):
    expired = StoredDocument(
        "old-kk", "kk", datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    )
    other = StoredDocument("some-ktp", "ktp", datetime(2026, 9, 1, tzinfo=UTC))
    chat = Chat(make_engine(), ResidentContext(locker=[expired, other]))
    ktp_until_documents(chat)
    assert chat.texts()[0].startswith("Silakan kirim foto Kartu Keluarga. 📄")
