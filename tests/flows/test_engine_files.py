"""Files: taking back a wrong file, the same bytes sent twice, an album spread over requirements."""

from __future__ import annotations

from app.flows.context import ResidentContext
from app.flows.events import StoreMedia
from app.flows.inputs import DocumentChecked, MediaInput
from tests.support.chat import Chat, ktp_until_documents

KK_ASK = (
    "Silakan kirim foto Kartu Keluarga. 📄\n"
    "Boleh foto atau file PDF. Pastikan dokumen asli, jelas, dan terlihat utuh."
)


def photo(media_id: str, sha256: str | None = None, group: str | None = None) -> MediaInput:
    return MediaInput("image", media_id, "image/jpeg", sha256=sha256, group_hint=group)


def kia_until_documents(chat: Chat) -> None:
    """A KIA for a toddler: three documents (birth certificate, KK, parent's KTP-el)."""
    for answer in ("bikin kia anak sy", "1", "Rahmat Hidayat", "7307010505230003"):
        chat.send(answer)
    for answer in ("05-05-2023", "7307012010150001"):
        chat.send(answer)
    assert chat.awaiting == {
        "kind": "document",
        "key": "akta_lahir_anak",
        "page": 0,
        "target": None,
        "prompt": chat.awaiting["prompt"],
    }


def test_salah_kirim_takes_back_the_photo_just_accepted(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send(photo("m1", "aa"))
    chat.send(DocumentChecked("kk", "doc-1", accepted=True, sha256="aa"))
    chat.send("eh salah kirim mas")
    assert chat.texts() == [
        "Baik, foto Kartu Keluarga tadi sudah kami hapus.\n"
        "Silakan kirim foto Kartu Keluarga yang benar."
    ]
    draft = chat.snapshot["draft"]
    assert (draft["documents"], draft["pages"], draft["received"]) == ({}, {}, [])
    assert (chat.awaiting["kind"], chat.awaiting["key"]) == ("document", "kk")
    chat.send(photo("m2", "bb"))  # the right photo is taken as the first again
    chat.send(DocumentChecked("kk", "doc-2", accepted=True, sha256="bb"))
    assert chat.texts()[0].startswith("Kami terima 1 foto untuk Kartu Keluarga. ✅")
    assert chat.snapshot["draft"]["documents"] == {"kk": ["doc-2"]}


def test_salah_kirim_in_capitals_reopens_the_document_just_finished(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send(photo("m1"))
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    chat.tap("done")
    assert chat.awaiting["key"] == "surat_kehilangan"
    chat.send("SALAH KIRIM")
    assert chat.texts() == [
        "Baik, foto Kartu Keluarga tadi sudah kami hapus.\n"
        "Silakan kirim foto Kartu Keluarga yang benar."
    ]
    draft = chat.snapshot["draft"]
    assert (draft["done_documents"], draft["documents"]) == ([], {})
    assert chat.awaiting["key"] == "kk"


def test_the_second_of_two_photos_is_named_when_taken_back(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    for number in (1, 2):
        chat.send(photo(f"m{number}"))
        chat.send(DocumentChecked("kk", f"doc-{number}", accepted=True))
    assert chat.awaiting["key"] == "surat_kehilangan"  # two photos: the KK is complete
    chat.send("keliru kirim foto")
    assert chat.texts() == [
        "Baik, foto ke-2 untuk Kartu Keluarga sudah kami hapus.\n"
        "Silakan kirim foto Kartu Keluarga yang benar."
    ]
    assert chat.snapshot["draft"]["documents"] == {"kk": ["doc-1"]}
    assert chat.snapshot["draft"]["pages"] == {"kk": 1}


def test_sorry_wrong_photo_in_english(make_engine):
    chat = Chat(make_engine(), ResidentContext(language="en"))
    ktp_until_documents(chat)
    chat.send(photo("m1"))
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    chat.send("sorry wrong photo")
    assert chat.texts() == [
        "Fine, we removed the photo of Family card (KK) you just sent.\n"
        "Please send the right photo of Family card (KK)."
    ]
    assert chat.snapshot["draft"]["documents"] == {}


def test_a_photo_taken_back_while_it_is_checked_is_dropped_at_its_verdict(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send(photo("m1"))
    chat.send("wrong file")
    assert chat.texts() == [
        "Baik, foto Kartu Keluarga tadi sudah kami hapus.\n"
        "Silakan kirim foto Kartu Keluarga yang benar."
    ]
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    assert chat.events == []
    assert chat.snapshot["draft"]["documents"] == {}
    assert chat.snapshot["draft"]["doc"]["pending"] == 0


def test_nothing_to_take_back_says_so(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send("salah foto")
    assert chat.texts() == [
        "Belum ada file Kartu Keluarga yang kami terima. Silakan kirim Kartu Keluarga."
    ]


def summary_after_one_kk_photo(chat: Chat) -> None:
    ktp_until_documents(chat, variant="baru")
    chat.send(photo("m1"))
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    chat.tap("done")
    assert chat.awaiting["kind"] == "confirm"


def test_a_wrong_name_at_the_summary_is_not_a_wrong_file(make_engine):
    chat = Chat(make_engine())
    summary_after_one_kk_photo(chat)
    chat.send("nama saya salah")
    assert chat.snapshot["draft"]["documents"] == {"kk": ["doc-1"]}


def test_a_wrong_photo_at_the_summary_is_taken_back(make_engine):
    chat = Chat(make_engine())
    summary_after_one_kk_photo(chat)
    chat.send("eh salah kirim foto kk nya")
    assert chat.snapshot["draft"]["documents"] == {}
    assert (chat.awaiting["kind"], chat.awaiting["key"]) == ("document", "kk")


def test_the_same_photo_twice_is_one_page(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send(photo("m1", "aa"))
    chat.send(DocumentChecked("kk", "doc-1", accepted=True, sha256="aa"))
    chat.send(photo("m2", "aa"))  # Meta's hash already tells: not even fetched
    assert chat.of_type(StoreMedia) == []
    assert chat.texts() == ["Foto ini sudah kami terima, tidak perlu dikirim dua kali. 🙏"]
    assert chat.snapshot["draft"]["pages"] == {"kk": 1}


def test_the_same_bytes_found_by_the_locker_are_one_page(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send(photo("m1"))
    chat.send(DocumentChecked("kk", "doc-1", accepted=True, sha256="aa"))
    chat.send(photo("m2"))  # no hash from Meta: the locker's hash tells
    chat.send(DocumentChecked("kk", "doc-2", accepted=True, sha256="aa"))
    assert chat.texts() == ["Foto ini sudah kami terima, tidak perlu dikirim dua kali. 🙏"]
    assert chat.snapshot["draft"]["documents"] == {"kk": ["doc-1"]}
    assert chat.awaiting["key"] == "kk"


def test_the_same_photo_for_the_next_document_says_where_it_went(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send(photo("m1", "aa"))
    chat.send(DocumentChecked("kk", "doc-1", accepted=True, sha256="aa"))
    chat.tap("done")
    chat.send(photo("m2", "aa"))
    assert chat.texts() == [
        "Foto ini sudah kami terima untuk Kartu Keluarga. "
        "Silakan kirim Surat kehilangan dari polisi."
    ]


def test_an_album_of_three_photos_goes_to_the_three_documents(make_engine):
    chat = Chat(make_engine())
    kia_until_documents(chat)
    for number in (1, 2, 3):
        chat.send(photo(f"m{number}", group="g"))
        assert [e.requirement for e in chat.of_type(StoreMedia)] == [
            ["akta_lahir_anak", "kk", "ktp_orang_tua"][number - 1]
        ]
    chat.send(DocumentChecked("akta_lahir_anak", "doc-1", accepted=True))
    chat.send(DocumentChecked("kk", "doc-2", accepted=True))
    assert chat.events == []
    chat.send(DocumentChecked("ktp_orang_tua", "doc-3", accepted=True))
    assert chat.texts() == [
        "Kami terima 3 foto sekaligus:\n"
        "Foto 1: Akta kelahiran anak\n"
        "Foto 2: Kartu Keluarga\n"
        "Foto 3: KTP-el ayah dan ibu\n"
        "Benar begitu?"
    ]
    assert chat.choices() == ["yes", "no"]
    chat.tap("yes")
    assert chat.texts()[0].startswith("Baik, sudah kami catat. ✅\nMohon periksa data permohonan")
    assert chat.snapshot["draft"]["documents"] == {
        "akta_lahir_anak": ["doc-1"],
        "kk": ["doc-2"],
        "ktp_orang_tua": ["doc-3"],
    }
    assert chat.awaiting["kind"] == "confirm"


def test_no_to_the_album_asks_one_by_one(make_engine):
    chat = Chat(make_engine())
    kia_until_documents(chat)
    chat.send(photo("m1", group="g"))
    chat.send(photo("m2", group="g"))
    chat.send(DocumentChecked("akta_lahir_anak", "doc-1", accepted=True))
    chat.send(DocumentChecked("kk", "doc-2", accepted=False, reason="blurred"))
    assert chat.texts() == [
        "Kami terima 2 foto sekaligus:\n"
        "Foto 1: Akta kelahiran anak\n"
        "Foto 2: Kartu Keluarga ❌ belum bisa kami pakai\n"
        "Benar begitu?"
    ]
    chat.send("bukan")
    assert chat.texts() == [
        "Baik, kita kirim satu per satu, ya.\n"
        "Silakan kirim foto Akta kelahiran anak. 📄\n"
        "Boleh foto atau file PDF. Pastikan dokumen asli, jelas, dan terlihat utuh."
    ]
    draft = chat.snapshot["draft"]
    assert (draft["documents"], draft["received"], draft["album"]) == ({}, [], None)
    assert (chat.awaiting["kind"], chat.awaiting["key"]) == ("document", "akta_lahir_anak")


def test_salah_kirim_during_an_album_drops_all_its_photos(make_engine):
    chat = Chat(make_engine())
    kia_until_documents(chat)
    chat.send(photo("m1", group="g"))
    chat.send(photo("m2", group="g"))
    chat.send("eh salah kirim")
    assert chat.texts() == [
        "Baik, kita kirim satu per satu, ya.\n"
        "Silakan kirim foto Akta kelahiran anak. 📄\n"
        "Boleh foto atau file PDF. Pastikan dokumen asli, jelas, dan terlihat utuh."
    ]
    chat.send(DocumentChecked("akta_lahir_anak", "doc-1", accepted=True))
    assert chat.events == []
    chat.send(DocumentChecked("kk", "doc-2", accepted=True))
    assert chat.events == []
    draft = chat.snapshot["draft"]
    assert (draft["documents"], draft["album"], draft["doc"]["pending"]) == ({}, None, 0)
