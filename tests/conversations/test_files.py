"""Files through the whole path (signed webhook, inbox, media worker, locker, engine): the same
bytes sent twice count once, and an album sent at once is spread over the requirements."""

from __future__ import annotations

import base64
import hashlib
import itertools
import time
from typing import Any

from sqlalchemy import select

from app.intake.models import MediaJob
from app.requests.models import Request, RequestDocument
from tests.support.loket import Loket
from tests.support.resident import NUMBER, Resident, sharp_photo, texts

WA_ID = "6281234500077"
_ids = itertools.count(1)


def _envelope(messages: list[dict[str, Any]]) -> dict[str, Any]:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER},
        "contacts": [{"profile": {"name": "Siti"}, "wa_id": WA_ID}],
        "messages": [{"from": WA_ID, "id": f"wamid.FILES{next(_ids)}", **m} for m in messages],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
    }


class Phone(Resident):
    """A resident whose messages carry Meta's timestamps and, for photos, Meta's checksum."""

    def __init__(self, loket: Loket) -> None:
        super().__init__(loket)
        self.clock = int(time.time()) - 600  # Meta's timestamps, in seconds; in the past

    async def send(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return await self.send_all([message])

    async def send_all(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One webhook delivery holding `messages`, a second apart; then the workers run."""
        stamped = []
        for message in messages:
            self.clock += 1
            stamped.append({"timestamp": str(self.clock), **message})
        response = await self.loket.post_webhook(_envelope(stamped))
        assert response.status_code == 200
        await self.loket.drain()
        return self.unread()

    def wait(self, seconds: int) -> None:
        self.clock += seconds

    def image(self, media_id: str, content: bytes) -> dict[str, Any]:
        """A photo message as Meta sends it: the checksum is base64 of the SHA-256."""
        self.loket.graph.add_media(media_id, content, mime_type="image/jpeg", sha256_as="base64")
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
        return {
            "type": "image",
            "image": {"id": media_id, "mime_type": "image/jpeg", "sha256": digest},
        }


async def up_to_the_family_card(siti: Phone) -> None:
    """A lost KTP-el up to its first document; two documents remain (KK, police letter)."""
    await siti.text("ktp sy ilang min")
    await siti.text("3201 0145 0890 0003")
    await siti.text("Siti Aminah")  # the birth date and sex come from the NIK
    await siti.text("3201012208150007")
    assert "foto Kartu Keluarga" in texts(await siti.text("Jl. Melati 3 RT 01 RW 02, Sukamaju"))


async def test_the_same_photo_sent_twice_is_one_page(loket: Loket, sessionmaker) -> None:
    siti = Phone(loket)
    await up_to_the_family_card(siti)
    first = await siti.send(siti.image("media-kk-1", sharp_photo(1)))
    assert texts(first).startswith("Kami terima 1 foto untuk Kartu Keluarga. ✅")
    siti.wait(60)
    again = await siti.send(siti.image("media-kk-2", sharp_photo(1)))
    assert texts(again) == "Foto ini sudah kami terima, tidak perlu dikirim dua kali. 🙏"
    async with sessionmaker() as session:
        jobs = (await session.execute(select(MediaJob))).scalars().all()
    assert [job.media_id for job in jobs] == ["media-kk-1"]  # the copy was never fetched
    replies = await siti.tap(first, "Sudah semua")
    assert "kehilangan" in texts(replies).lower()


async def test_an_album_goes_to_the_requirements_in_order(loket: Loket, sessionmaker) -> None:
    siti = Phone(loket)
    await up_to_the_family_card(siti)
    album = [siti.image("media-a-1", sharp_photo(11)), siti.image("media-a-2", sharp_photo(12))]
    replies = await siti.send_all(album)
    assert texts(replies) == (
        "Kami terima 2 foto sekaligus:\n"
        "Foto 1: Kartu Keluarga\n"
        "Foto 2: Surat kehilangan dari polisi\n"
        "Benar begitu?"
    )
    replies = await siti.tap(replies, "Ya, benar")
    assert texts(replies).startswith("Baik, sudah kami catat. ✅\nMohon periksa data permohonan")
    await siti.tap(replies, "Ya, ambil di kantor")
    async with sessionmaker() as session:
        request = (await session.execute(select(Request))).scalar_one()
        links = (await session.execute(select(RequestDocument))).scalars().all()
    assert request.status == "submitted"
    assert sorted(link.requirement for link in links) == ["kk", "surat_kehilangan"]


async def test_no_to_an_album_asks_the_documents_one_by_one(loket: Loket) -> None:
    siti = Phone(loket)
    await up_to_the_family_card(siti)
    album = [siti.image("media-b-1", sharp_photo(21)), siti.image("media-b-2", sharp_photo(22))]
    replies = await siti.send_all(album)
    replies = await siti.tap(replies, "Bukan")
    assert texts(replies).startswith(
        "Baik, kita kirim satu per satu, ya.\nSilakan kirim foto Kartu Keluarga."
    )
    siti.wait(60)
    replies = await siti.send(siti.image("media-b-3", sharp_photo(21)))
    assert texts(replies).startswith("Kami terima 1 foto untuk Kartu Keluarga. ✅")
