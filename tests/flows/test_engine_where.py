"""Where to get a missing document: the catalog's `where` hint, asked for or after "belum ada".

The hint after "belum ada" at the police letter is in tests/flows/test_engine_switching.py.
"""

from __future__ import annotations

from app.flows.catalog import shipped_catalog
from tests.support.chat import Chat, ktp_until_documents

POLSEK = "Surat kehilangan dibuat di Polsek terdekat, tanpa biaya."
ASK_KK = "Silakan kirim foto Kartu Keluarga. 📄"


def test_the_catalog_says_where_the_police_letter_comes_from() -> None:
    spec = shipped_catalog().services["ktp"].document("surat_kehilangan")
    assert spec is not None and spec.where is not None
    assert spec.where.get("id") == POLSEK


def test_asking_where_a_document_comes_from_answers_and_keeps_the_step(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send("surat kehilangan dapatnya di mana?")
    assert chat.texts() == [f"{POLSEK}\n{ASK_KK}"]
    assert (chat.awaiting["kind"], chat.awaiting["key"]) == ("document", "kk")


def test_an_english_question_names_the_document_by_its_english_label(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send("where do I get the police loss letter?")
    assert chat.texts()[0].startswith(POLSEK)


def test_a_document_without_a_hint_gets_the_usual_line(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send("kk nya belum ada")
    assert chat.texts() == [
        "Tidak apa-apa, data Anda kami simpan. Kirim foto Kartu Keluarga kapan saja, "
        "lanjutkan dengan mengetik *lanjut*."
    ]
