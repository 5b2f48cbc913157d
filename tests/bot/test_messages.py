"""Exact Graph API bodies from the builders, Meta's limits, splitting and addressing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.bot import messages
from app.bot.errors import MessageLimitError
from app.bot.messages import Button, Row, Section

ENVELOPE = {"messaging_product": "whatsapp", "recipient_type": "individual"}


def test_text_body():
    assert messages.text("Silakan ketik NIK Anda (16 angka, ada di KTP).") == [
        {
            **ENVELOPE,
            "type": "text",
            "text": {
                "preview_url": False,
                "body": "Silakan ketik NIK Anda (16 angka, ada di KTP).",
            },
        }
    ]


def test_text_reply_context_only_on_the_first_piece():
    first, second = messages.text("a " * 2100, reply_to="wamid.IN1")
    assert first["context"] == {"message_id": "wamid.IN1"}
    assert "context" not in second


def test_empty_text_is_refused():
    with pytest.raises(MessageLimitError, match="non-empty"):
        messages.text("  \n ")


def test_long_text_splits_at_paragraphs_first():
    para_a, para_b = "A" * 3000, "B" * 3000
    assert messages.split_text(f"{para_a}\n\n{para_b}") == [para_a, para_b]


def test_split_prefers_line_then_sentence_then_word():
    line = "x" * 2500 + "\n" + "y" * 2500
    assert messages.split_text(line) == ["x" * 2500, "y" * 2500]
    sentences = "Kalimat satu. " * 200 + "Kalimat dua! " * 200
    pieces = messages.split_text(sentences)
    assert all(piece.endswith((".", "!")) for piece in pieces[:-1])
    words = " ".join(["kata"] * 2000)  # 9999 characters, no sentence ends
    pieces = messages.split_text(words)
    assert [len(p) for p in pieces] == [4094, 4094, 1809]
    assert all(set(p.split(" ")) == {"kata"} for p in pieces)


def test_a_single_overlong_word_is_cut():
    assert messages.split_text("z" * 5000) == ["z" * 4096, "z" * 904]


def test_a_piece_may_be_exactly_the_limit():
    assert messages.split_text("a" * 4096 + " b") == ["a" * 4096, "b"]


@given(st.text(alphabet=st.sampled_from("ab .\n"), min_size=1, max_size=900))
def test_split_never_loses_words_nor_exceeds_the_limit(text):
    if not text.strip():
        return
    pieces = messages.split_text(text, limit=60)
    assert all(0 < len(p) <= 60 for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())
    if all(len(word) <= 60 for word in text.split()):  # then no word is ever cut
        assert " ".join(pieces).split() == text.split()


def test_reply_buttons_body():
    body = messages.buttons(
        "Apakah data ini sudah benar?",
        [Button("confirm", "Ya, kirim"), Button("edit", "Ubah data"), Button("cancel", "Batalkan")],
        header="Ringkasan permohonan",
        footer="Layanan ini gratis.",
        reply_to="wamid.IN2",
    )
    assert body == {
        **ENVELOPE,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "header": {"type": "text", "text": "Ringkasan permohonan"},
            "body": {"text": "Apakah data ini sudah benar?"},
            "footer": {"text": "Layanan ini gratis."},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": "confirm", "title": "Ya, kirim"}},
                    {"type": "reply", "reply": {"id": "edit", "title": "Ubah data"}},
                    {"type": "reply", "reply": {"id": "cancel", "title": "Batalkan"}},
                ]
            },
        },
        "context": {"message_id": "wamid.IN2"},
    }


def test_button_titles_are_truncated_cleanly():
    body = messages.buttons(
        "Pilih", [Button("a", "Akta Kelahiran Anak Baru"), Button("b", "x" * 25)]
    )
    titles = [b["reply"]["title"] for b in body["interactive"]["action"]["buttons"]]
    assert titles == ["Akta Kelahiran Anak…", "x" * 19 + "…"]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([], "1 to 3 buttons"),
        ([Button(str(i), f"Pilihan {i}") for i in range(4)], "1 to 3 buttons, got 4"),
        ([Button("a", "Sama"), Button("b", "Sama")], "unique"),
        ([Button("a", "Satu"), Button("a", "Dua")], "unique"),
        ([Button("i" * 257, "Satu")], "button id must be 1 to 256"),
        ([Button("", "Satu")], "button id must be 1 to 256"),
        ([Button("a", "   ")], "button title cannot be empty"),
    ],
)
def test_reply_button_limits(choices, message):
    with pytest.raises(MessageLimitError, match=message):
        messages.buttons("Pilih", choices)


def test_titles_equal_after_truncation_are_refused():
    with pytest.raises(MessageLimitError, match="unique"):
        messages.buttons("Pilih", [Button("a", "y" * 21), Button("b", "y" * 22)])


def test_button_body_over_1024_is_refused_not_cut():
    with pytest.raises(MessageLimitError, match="1025 characters; Meta allows 1024"):
        messages.buttons("b" * 1025, [Button("a", "Ya")])


def test_list_body():
    body = messages.list_message(
        "Layanan apa yang Anda perlukan?",
        "Pilih layanan",
        [
            Section(
                "Kependudukan",
                [Row("ktp", "KTP-el", "Baru, hilang, rusak"), Row("kk", "Kartu Keluarga")],
            ),
            Section("Pencatatan sipil", [Row("akta_kelahiran", "Akta Kelahiran")]),
        ],
        header="Disdukcapil Kabupaten Contoh",
        footer="Ketik menu kapan saja",
    )
    assert body == {
        **ENVELOPE,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "header": {"type": "text", "text": "Disdukcapil Kabupaten Contoh"},
            "body": {"text": "Layanan apa yang Anda perlukan?"},
            "footer": {"text": "Ketik menu kapan saja"},
            "action": {
                "button": "Pilih layanan",
                "sections": [
                    {
                        "title": "Kependudukan",
                        "rows": [
                            {"id": "ktp", "title": "KTP-el", "description": "Baru, hilang, rusak"},
                            {"id": "kk", "title": "Kartu Keluarga"},
                        ],
                    },
                    {
                        "title": "Pencatatan sipil",
                        "rows": [{"id": "akta_kelahiran", "title": "Akta Kelahiran"}],
                    },
                ],
            },
        },
    }


def test_list_of_plain_rows_makes_one_untitled_section():
    body = messages.list_message("Pilih", "Buka", [Row("a", "Satu"), Row("b", "Dua")])
    assert body["interactive"]["action"]["sections"] == [
        {"rows": [{"id": "a", "title": "Satu"}, {"id": "b", "title": "Dua"}]}
    ]


def test_list_labels_are_truncated():
    body = messages.list_message(
        "Pilih",
        "Pilih salah satu layanan",
        [
            Section(
                "Surat keterangan pindah datang",
                [Row("p", "Surat Pindah Antar Kabupaten", "d" * 80)],
            )
        ],
    )
    action = body["interactive"]["action"]
    assert action["button"] == "Pilih salah satu…"
    section = action["sections"][0]
    assert section["title"] == "Surat keterangan pindah…"
    assert section["rows"][0] == {
        "id": "p",
        "title": "Surat Pindah Antar…",
        "description": "d" * 71 + "…",
    }


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ([], "1 to 10 sections"),
        ([Section(f"S{i}", [Row(f"r{i}", "x")]) for i in range(11)], "1 to 10 sections, got 11"),
        ([Row(f"r{i}", "x") for i in range(11)], "1 to 10 rows in all sections, got 11"),
        (
            [
                Section("A", [Row(f"a{i}", "x") for i in range(6)]),
                Section("B", [Row(f"b{i}", "x") for i in range(5)]),
            ],
            "got 11",
        ),
        ([Section("A", [Row("a", "x")]), Section(None, [Row("b", "y")])], "needs a title"),
        ([Section("A", [Row("a", "x")]), Section("B", [])], "at least one row"),
        ([Row("r" * 201, "x")], "list row id must be 1 to 200"),
        ([Row("same", "x"), Row("same", "y")], "unique"),
        ([Section("A", [Row("a", "x")]), Row("b", "y")], "either sections or rows"),
    ],
)
def test_list_limits(sections, message):
    with pytest.raises(MessageLimitError, match=message):
        messages.list_message("Pilih", "Buka", sections)


def test_list_body_over_4096_is_refused():
    with pytest.raises(MessageLimitError, match="list body"):
        messages.list_message("b" * 4097, "Buka", [Row("a", "x")])


def test_template_body():
    body = messages.template(
        "permohonan_siap_diambil",
        "id",
        body_params=["KTP-241122-0042", "Kantor Camat Contoh\n08.00–15.00 WITA"],
        quick_reply_payloads=["pickup_ok", "pickup_later"],
    )
    assert body == {
        **ENVELOPE,
        "type": "template",
        "template": {
            "name": "permohonan_siap_diambil",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "KTP-241122-0042"},
                        # Meta refuses newlines and runs of spaces in template parameters.
                        {"type": "text", "text": "Kantor Camat Contoh 08.00–15.00 WITA"},
                    ],
                },
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": "0",
                    "parameters": [{"type": "payload", "payload": "pickup_ok"}],
                },
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": "1",
                    "parameters": [{"type": "payload", "payload": "pickup_later"}],
                },
            ],
        },
    }


def test_template_without_parameters_has_no_components():
    assert messages.template("hello_world", "en_US") == {
        **ENVELOPE,
        "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en_US"}},
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"body_params": ["  "]}, "body parameter cannot be empty"),
        ({"quick_reply_payloads": [""]}, "payload cannot be empty"),
        ({"quick_reply_payloads": [str(i) for i in range(11)]}, "at most 10"),
    ],
)
def test_template_limits(kwargs, message):
    with pytest.raises(MessageLimitError, match=message):
        messages.template("t", "id", **kwargs)


def test_image_and_document_bodies():
    assert messages.image(media_id="1234567890", caption="Contoh foto KTP yang jelas") == {
        **ENVELOPE,
        "type": "image",
        "image": {"id": "1234567890", "caption": "Contoh foto KTP yang jelas"},
    }
    assert messages.document(
        link="https://loket.example.go.id/files/formulir-f1.pdf",
        caption="Formulir F-1.01",
        filename="formulir-f1.pdf",
    ) == {
        **ENVELOPE,
        "type": "document",
        "document": {
            "link": "https://loket.example.go.id/files/formulir-f1.pdf",
            "caption": "Formulir F-1.01",
            "filename": "formulir-f1.pdf",
        },
    }
    assert messages.image(link="https://x.test/a.png") == {
        **ENVELOPE,
        "type": "image",
        "image": {"link": "https://x.test/a.png"},
    }


def test_long_caption_is_truncated_and_media_needs_one_source():
    caption = messages.image(media_id="1", caption="kata " * 300)["image"]["caption"]
    assert len(caption) <= 1024 and caption.endswith("kata…")
    with pytest.raises(MessageLimitError, match="exactly one"):
        messages.document(media_id="1", link="https://x.test/a.pdf")
    with pytest.raises(MessageLimitError, match="exactly one"):
        messages.image()


def test_read_receipt_and_typing_indicator():
    assert messages.read_receipt("wamid.IN3") == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.IN3",
    }
    assert messages.typing_indicator("wamid.IN3") == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.IN3",
        "typing_indicator": {"type": "text"},
    }


@dataclass
class _Person:
    wa_id: str | None
    user_id: str | None


def test_address_body_prefers_the_phone_number():
    body = messages.text("Halo")[0]
    assert messages.address_body(body, _Person("6289900000001", "ID.abc")) == {
        **body,
        "to": "+6289900000001",
    }
    assert "to" not in body  # the stored body is not touched


def test_address_body_falls_back_to_the_bsuid():
    body = messages.text("Halo")[0]
    assert messages.address_body(body, _Person(None, "ID.abc")) == {**body, "recipient": "ID.abc"}
    assert messages.address_body(body, _Person("", "ID.abc")) == {**body, "recipient": "ID.abc"}


def test_address_body_replaces_a_stale_address_and_leaves_receipts_alone():
    stale = {**messages.text("Halo")[0], "to": "+6280000000000"}
    assert messages.address_body(stale, _Person(None, "ID.new")) == {
        **messages.text("Halo")[0],
        "recipient": "ID.new",
    }
    receipt = messages.read_receipt("wamid.IN4")
    assert messages.address_body(receipt, _Person("6289900000001", None)) == receipt


def test_address_body_needs_an_identifier():
    with pytest.raises(ValueError, match="neither"):
        messages.address_body(messages.text("Halo")[0], _Person(None, None))


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Pendek", 20, "Pendek"),
        ("Akta Kelahiran Anak Baru", 20, "Akta Kelahiran Anak…"),
        ("Kartu Identitas Anak (KIA)", 24, "Kartu Identitas Anak…"),
        ("Perpanjangan SIPI nelayan", 20, "Perpanjangan SIPI…"),
        ("Supercalifragilistic-expialidocious", 20, "Supercalifragilistic"[:19] + "…"),
    ],
)
def test_truncate(text, limit, expected):
    assert messages.truncate(text, limit) == expected
    assert len(messages.truncate(text, limit)) <= limit
