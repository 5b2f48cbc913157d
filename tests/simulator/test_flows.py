"""The simulated phone opens the Flow a flow message carries and completes it as WhatsApp does:
picked files go into the media store, and one `nfm_reply` webhook of Meta's exact shape arrives
with `context.id` naming the flow message (reference whatsapp-flows.md §2.9, §4.1, §6.6)."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.flows.catalog import shipped_catalog
from app.inbox.models import InboundEvent
from app.simulator.flow_forms import FlowNotFound, open_flow
from app.whatsapp_flows.forms import flow_for
from app.whatsapp_flows.registry import FlowRegistry, PublishedFlow
from tests.support.files import pdf
from tests.support.flow_messages import LOST_KTP_ANSWERS, flow_message, send_flow, wamid_of
from tests.support.photos import photo_jpeg, photo_png
from tests.support.simulator import Phone, Simulator

WA_ID = "6281299990021"
FIXTURE = Path(__file__).parents[1] / "fixtures/payloads/pywa/flow_completion.json"
PREFILL = {"variant": "hilang", "nik": "3201014508900003", "nama": "Siti Aminah"}


async def _flow_sent(simulator: Simulator, phone: Phone) -> str:
    """Loket's flow message for a lost KTP-el on the phone; returns its wamid."""
    await phone.text("halo")
    body = flow_message("ktp", token="tok-lost-ktp", screen="VARIANT", data=PREFILL)
    row = await send_flow(simulator.sessionmaker, WA_ID, body)
    await phone.drain()
    wamid = await wamid_of(simulator.sessionmaker, row)
    assert wamid is not None
    return wamid


def _shape(value: Any) -> Any:
    """The keys of every object, recursively: what two deliveries must share."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value[:1]]
    return type(value).__name__


async def test_the_phone_opens_the_form_the_catalog_generates(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    wamid = await _flow_sent(simulator, phone)
    answer = await simulator.client.get(f"/simulator/api/flows/{wamid}", params={"wa_id": WA_ID})
    assert answer.status_code == 200, answer.text
    runtime = simulator.runtime
    today = datetime.now(runtime.settings.tz).date()
    expected = flow_for(runtime.catalog.get("ktp"), "id", today=today)
    assert answer.json() == {
        "service": "ktp",
        "language": "id",
        "flow": expected,
        "screen": "VARIANT",
        "data": PREFILL,
        "flow_token": "tok-lost-ktp",
    }
    screen = await phone.screen()
    item = next(i for i in screen["items"] if i["wamid"] == wamid)
    assert item["message"]["interactive"]["action"]["parameters"]["flow_cta"] == "Isi formulir"


async def test_completing_delivers_an_nfm_reply_of_whatsapps_shape(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    wamid = await _flow_sent(simulator, phone)
    photo, letter = photo_jpeg(3), pdf()
    answer = await simulator.client.post(
        f"/simulator/api/flows/{wamid}/complete",
        data={"wa_id": WA_ID, "name": "Siti Aminah", "values": json.dumps(LOST_KTP_ANSWERS)},
        files=[
            ("document:doc_kk", ("kk.jpg", photo, "image/jpeg")),
            ("document:doc_surat_kehilangan", ("surat-polisi.pdf", letter, "application/pdf")),
        ],
    )
    assert answer.status_code == 200, answer.text
    reply = answer.json()["wamid"]
    async with simulator.sessionmaker() as session:
        event = (
            await session.execute(select(InboundEvent).where(InboundEvent.external_id == reply))
        ).scalar_one()
    message = event.payload["message"]
    response = json.loads(message["interactive"]["nfm_reply"]["response_json"])
    kk, surat = response.pop("doc_kk"), response.pop("doc_surat_kehilangan")
    assert response == {"flow_token": "tok-lost-ktp", **LOST_KTP_ANSWERS}
    assert [(f["file_name"], f["mime_type"]) for f in kk + surat] == [
        ("kk.jpg", "image/jpeg"),
        ("surat-polisi.pdf", "application/pdf"),
    ]
    assert [f["sha256"] for f in kk + surat] == [
        base64.b64encode(hashlib.sha256(content).digest()).decode() for content in (photo, letter)
    ]
    for picked in kk + surat:
        assert list(picked) == ["file_name", "mime_type", "sha256", "id"]
        assert simulator.runtime.sandbox_media is not None
        found = simulator.runtime.sandbox_media.find(picked["id"])
        assert found is not None and found[0].mime_type == picked["mime_type"]
    assert message["context"] == {"from": "628000000000", "id": wamid}
    assert message["interactive"]["nfm_reply"]["name"] == "flow"
    assert message["interactive"]["nfm_reply"]["body"] == "Sent"

    meta = json.loads(FIXTURE.read_text("utf-8"))["completion"]
    theirs = meta["entry"][0]["changes"][0]["value"]["messages"][0]
    assert _shape(message) == _shape(theirs)


async def test_a_form_left_with_no_files_sends_only_its_values(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    await _flow_sent(simulator, phone)
    reply = await phone.complete_flow({"variant": "hilang", "consent": True})
    screen = await phone.screen()
    mine = next(i for i in screen["items"] if i["wamid"] == reply)
    nfm = mine["message"]["interactive"]["nfm_reply"]
    assert json.loads(nfm["response_json"]) == {
        "flow_token": "tok-lost-ktp",
        "variant": "hilang",
        "consent": True,
    }


async def test_a_photo_picker_sends_the_photo_as_whatsapp_names_it(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    wamid = await _flow_sent(simulator, phone)
    png = photo_png(4)
    answer = await simulator.client.post(
        f"/simulator/api/flows/{wamid}/complete",
        data={"wa_id": WA_ID, "values": json.dumps({"variant": "rusak", "consent": True})},
        files=[("photo:doc_ktp_rusak", ("IMG_5237.png", png, "image/png"))],
    )
    assert answer.status_code == 200, answer.text
    screen = await phone.screen()
    mine = next(i for i in screen["items"] if i["wamid"] == answer.json()["wamid"])
    response = json.loads(mine["message"]["interactive"]["nfm_reply"]["response_json"])
    (picked,) = response.pop("doc_ktp_rusak")
    assert response == {"flow_token": "tok-lost-ktp", "variant": "rusak", "consent": True}
    assert picked == {
        "file_name": "IMG_5237.png",
        "mime_type": "image/png",
        "sha256": base64.b64encode(hashlib.sha256(png).digest()).decode(),
        "id": picked["id"],
    }
    media = simulator.runtime.sandbox_media
    assert media is not None
    found = media.find(picked["id"])
    assert found is not None
    assert (found[0].message_type, found[1].read_bytes()) == ("image", png)


async def test_what_no_phone_could_send_is_refused(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    wamid = await _flow_sent(simulator, phone)
    client = simulator.client
    unknown = await client.get("/simulator/api/flows/wamid.NOPE", params={"wa_id": WA_ID})
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"detail": "Loket sent this phone no such message"},
    )
    other = await client.get(f"/simulator/api/flows/{wamid}", params={"wa_id": "6281200000000"})
    assert other.status_code == 404
    many = [("document:doc_kk", (f"{n}.jpg", photo_jpeg(), "image/jpeg")) for n in range(11)]
    refused = await client.post(
        f"/simulator/api/flows/{wamid}/complete",
        data={"wa_id": WA_ID, "values": "{}"},
        files=many,
    )
    assert (refused.status_code, refused.json()) == (
        422,
        {"detail": "Satu formulir membawa paling banyak 10 berkas."},
    )
    not_object = await client.post(
        f"/simulator/api/flows/{wamid}/complete", data={"wa_id": WA_ID, "values": "[1]"}
    )
    assert (not_object.status_code, not_object.json()) == (
        422,
        {"detail": "values must be a JSON object"},
    )


def test_a_published_flow_id_opens_its_service_and_string_data_is_read(tmp_path: Path) -> None:
    catalog = shipped_catalog()
    registry = FlowRegistry(tmp_path / "whatsapp_flows.json")
    registry.record("kk", "en", PublishedFlow("99887766", "loket_kk_en", "x", "2026-12-01"))
    body = flow_message("ktp", token="t", screen="DATA", data={})
    parameters = body["interactive"]["action"]["parameters"]
    del parameters["flow_name"]
    parameters["flow_id"] = "99887766"
    parameters["flow_action_payload"] = {"screen": "FIRST_ENTRY_SCREEN", "data": '{"nik": "1"}'}
    opened = open_flow(catalog, registry, body, today=datetime(2026, 12, 3).date())
    assert (opened.service, opened.language, opened.screen, opened.data) == (
        "kk",
        "en",
        opened.flow["screens"][0]["id"],
        {"nik": "1"},
    )
    parameters["flow_id"] = "11111111"
    with pytest.raises(FlowNotFound, match=r"^no form for flow_id='11111111' flow_name=None$"):
        open_flow(catalog, registry, body, today=datetime(2026, 12, 3).date())
