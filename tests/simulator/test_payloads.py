"""What the simulated phone sends has Meta's exact shape, and reaches the engine as live input."""

from __future__ import annotations

import io
from pathlib import Path
from unittest import mock

from app.bot.inbound import to_engine_input
from app.bot.payloads import parse_updates
from app.bot.sandbox_media import SandboxMedia
from app.flows.inputs import ChoiceInput, LocationInput, MediaInput, UnsupportedInput
from app.simulator import payloads
from tests.support.photos import photo_jpeg

WA_ID = "6281299990001"


def _delivered(messages: list[dict]) -> list[dict]:
    with mock.patch("app.simulator.payloads.time.time", return_value=1_800_000_000.5):
        body = payloads.webhook_body(WA_ID, "Siti Aminah", messages)
    return body["entry"][0]["changes"][0]["value"]["messages"]


def test_the_envelope_is_a_whatsapp_business_account_delivery() -> None:
    with mock.patch("app.simulator.payloads.time.time", return_value=1_800_000_000.5):
        body = payloads.webhook_body(WA_ID, "Siti Aminah", [payloads.text_message("halo")])
    (wamid,) = payloads.wamids(body)
    assert wamid.startswith("wamid.SIM")
    assert body == {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "sandbox",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "628000000000",
                                "phone_number_id": "sandbox",
                            },
                            "contacts": [{"profile": {"name": "Siti Aminah"}, "wa_id": WA_ID}],
                            "messages": [
                                {
                                    "from": WA_ID,
                                    "id": wamid,
                                    "timestamp": "1800000000",
                                    "type": "text",
                                    "text": {"body": "halo"},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    (update,) = parse_updates(body, phone_number_id=None)
    assert (update.wa_id, update.profile_name, update.external_id) == (WA_ID, "Siti Aminah", wamid)


def test_an_album_is_several_image_messages_in_one_delivery(tmp_path: Path) -> None:
    store = SandboxMedia(tmp_path)
    first, second = (store.add(io.BytesIO(photo_jpeg(s)), want="photo") for s in (1, 2))
    messages = _delivered(
        [payloads.media_message(first, "KK depan"), payloads.media_message(second)]
    )
    assert [m["image"] for m in messages] == [
        {
            "caption": "KK depan",
            "mime_type": "image/jpeg",
            "sha256": first.sha256_base64,
            "id": first.media_id,
        },
        {"mime_type": "image/jpeg", "sha256": second.sha256_base64, "id": second.media_id},
    ]
    assert [to_engine_input(m) for m in messages] == [
        MediaInput(
            kind="image",
            media_id=first.media_id,
            mime_type="image/jpeg",
            sha256=first.sha256,  # read as hex, as the locker hashes
            caption="KK depan",
        ),
        MediaInput(
            kind="image",
            media_id=second.media_id,
            mime_type="image/jpeg",
            sha256=second.sha256,
        ),
    ]


def test_documents_carry_their_filename_and_voice_notes_say_so(tmp_path: Path) -> None:
    store = SandboxMedia(tmp_path)
    note = store.add(
        io.BytesIO(b"catatan"), want="document", declared_mime="text/plain", filename="c.txt"
    )
    voice = store.add(io.BytesIO(b"OggS" + b"\x00" * 60), want="voice", declared_mime="audio/ogg")
    document, audio = _delivered(
        [payloads.media_message(note, "ini KK"), payloads.media_message(voice, "ignored")]
    )
    assert document["document"] == {
        "caption": "ini KK",
        "filename": "c.txt",
        "mime_type": "text/plain",
        "sha256": note.sha256_base64,
        "id": note.media_id,
    }
    assert audio["audio"] == {
        "mime_type": "audio/ogg",
        "sha256": voice.sha256_base64,
        "id": voice.media_id,
        "voice": True,
    }
    assert to_engine_input(audio) == UnsupportedInput(kind="voice")


def test_taps_name_the_message_they_answer() -> None:
    button, row, template = _delivered(
        [
            payloads.reply_message("button_reply", "opt:perempuan", "Perempuan", "wamid.OUT1"),
            payloads.reply_message("list_reply", "svc:ktp", "KTP-el", "wamid.OUT2"),
            payloads.template_button_message("held:read", "Baca pesan", "wamid.OUT3"),
        ]
    )
    context = {"from": "628000000000"}
    assert button["context"] == {**context, "id": "wamid.OUT1"}
    assert button["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "opt:perempuan", "title": "Perempuan"},
    }
    assert row["context"] == {**context, "id": "wamid.OUT2"}
    assert row["interactive"] == {
        "type": "list_reply",
        "list_reply": {"id": "svc:ktp", "title": "KTP-el"},
    }
    assert (template["type"], template["button"], template["context"]) == (
        "button",
        {"payload": "held:read", "text": "Baca pesan"},
        {**context, "id": "wamid.OUT3"},
    )
    assert [to_engine_input(m) for m in (button, row, template)] == [
        ChoiceInput(id="opt:perempuan", title="Perempuan"),
        ChoiceInput(id="svc:ktp", title="KTP-el"),
        ChoiceInput(id="held:read", title="Baca pesan"),
    ]
    assert "context" not in payloads.reply_message("button_reply", "yes", "Ya", None)


def test_a_location_has_its_coordinates_name_and_address() -> None:
    (message,) = _delivered(
        [payloads.location_message(-5.2245, 120.2612, "Rumah", "Dusun Mawar, Desa Sukamaju")]
    )
    assert message["location"] == {
        "latitude": -5.2245,
        "longitude": 120.2612,
        "name": "Rumah",
        "address": "Dusun Mawar, Desa Sukamaju",
    }
    assert to_engine_input(message) == LocationInput(
        latitude=-5.2245, longitude=120.2612, name="Rumah", address="Dusun Mawar, Desa Sukamaju"
    )
