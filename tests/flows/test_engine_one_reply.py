"""A message the engine cannot read gets exactly one reply: a word about it, with the question."""

from __future__ import annotations

import pytest

from app.flows.events import SendList, SendText, WaitUntil
from app.flows.inputs import Input, LocationInput, MediaInput, UnsupportedInput
from tests.support.chat import KK, NIK, Chat

MENU_BODY = "Silakan pilih layanan yang Anda perlukan, atau ketik pertanyaan Anda."
CHOOSE_FIRST = (
    "Silakan pilih layanan dulu, ya. Foto atau dokumen kami minta nanti, pada langkahnya."
)
VOICE = "Maaf, kami belum bisa mendengarkan pesan suara. Mohon ketik pesan Anda."
STICKER = "Terima kasih stikernya 😊 Mohon jawab dengan mengetik, ya."
LOCATION = "Terima kasih. Untuk langkah ini, mohon jawab dengan mengetik."
OTHER = "Maaf, pesan jenis ini belum bisa kami baca. Mohon ketik pesan Anda."
AT_THE_MENU = {
    "voice": (UnsupportedInput("voice"), VOICE),
    "audio": (MediaInput("audio", "a1", "audio/ogg"), VOICE),
    "sticker": (MediaInput("sticker", "s1", "image/webp"), STICKER),
    "image": (MediaInput("image", "i1", "image/jpeg"), CHOOSE_FIRST),
    "document": (MediaInput("document", "d1", "application/pdf", filename="kk.pdf"), CHOOSE_FIRST),
    "video": (MediaInput("video", "v1", "video/mp4"), CHOOSE_FIRST),
    "location": (LocationInput(-5.12, 120.25, "Rumah", None), LOCATION),
    "contacts": (UnsupportedInput("contacts"), OTHER),
    "reaction": (UnsupportedInput("reaction"), "Terima kasih 😊"),
}


@pytest.mark.parametrize(("item", "word"), AT_THE_MENU.values(), ids=AT_THE_MENU.keys())
def test_at_the_menu_one_message_holds_the_word_and_the_menu(make_engine, item: Input, word):
    chat = Chat(make_engine())
    chat.send("halo")
    menu_prompt = chat.prompts()[0]
    events = chat.send(item)
    assert [type(event) for event in events] == [SendList, WaitUntil]
    assert chat.texts() == [f"{word}\n{MENU_BODY}"]
    assert chat.prompts() == [menu_prompt]  # the same menu, so its rows stay valid
    assert "svc:ktp" in chat.choices()


@pytest.mark.parametrize(
    ("item", "word"), [AT_THE_MENU["voice"], AT_THE_MENU["audio"]], ids=["voice", "audio"]
)
def test_a_first_message_that_cannot_be_read_gets_one_menu(make_engine, item: Input, word):
    chat = Chat(make_engine())
    events = chat.send(item)
    assert [type(event) for event in events] == [SendList, WaitUntil]
    assert chat.texts() == [f"{word}\n{MENU_BODY}"]


def test_a_voice_note_at_the_menu_with_a_draft_still_gets_one_menu(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.send("menu")
    chat.send(UnsupportedInput("voice"))
    assert len(chat.of_type(SendList)) == 1
    assert chat.choices()[0] == "resume"


def test_a_voice_note_during_a_question_gets_one_message(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    events = chat.send(UnsupportedInput("voice"))
    assert events[:-1] == [
        SendText(
            "Maaf, kami belum bisa mendengarkan pesan suara. Mohon ketik pesan Anda.\n"
            "Silakan ketik NIK Anda (16 angka, ada di KK)."
        )
    ]
    chat.send(NIK)
    assert chat.snapshot["draft"]["fields"]["nik"] == NIK


def test_a_sticker_at_a_choice_puts_the_word_on_the_buttons(make_engine):
    chat = Chat(make_engine())
    chat.send("mau buat ktp baru")
    for answer in (NIK, "Siti Aminah", KK):
        chat.send(answer)
    events = chat.send(MediaInput("sticker", "s1", "image/webp"))  # at the marital status
    assert len(events) == 2
    assert chat.texts() == [
        "Terima kasih stikernya 😊 Mohon jawab dengan mengetik, ya.\nStatus perkawinan Anda?"
    ]
    assert chat.choices() == ["opt:belum_kawin", "opt:kawin", "opt:cerai_hidup", "opt:cerai_mati"]
