"""A lost KTP-el by WhatsApp Flow in real Chromium on a phone-sized screen: Loket's flow message
shows its button, the form opens full-screen, the resident fills it, picks photos of the family
card and the police letter, and submits; the simulator delivers the nfm_reply WhatsApp would.

The bot's answer to the completion is not asserted here: only that the webhook arrived in the
inbox with WhatsApp's shape, naming the flow message."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from app.flows.catalog import shipped_catalog
from app.flows.forms import prefill_data
from app.inbox.models import InboundEvent
from app.whatsapp_flows.forms import flow_for, form_services
from tests.support.browser import screenshot_path
from tests.support.flow_messages import LOST_KTP_ANSWERS, flow_message, send_flow, wamid_of
from tests.support.phone import SimPhone, jpeg
from tests.support.photos import photo_jpeg

pytestmark = pytest.mark.browser

WA_ID = "6281299990202"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# A photo picker no condition hides: screenshot it in the render test.
SHOWN_PICKER = ("sipi_perpanjangan", "en", "DOC_KTP_PEMILIK")
TIMEOUT = 20_000


async def _shot(page, name: str) -> None:
    await page.screenshot(path=str(screenshot_path(name)))


async def test_a_lost_ktp_by_flow_delivers_whatsapps_nfm_reply(
    page, live_server: str, sessionmaker
) -> None:
    await page.set_viewport_size(PHONE)
    phone = SimPhone(page, live_server, WA_ID)
    await phone.open("Siti Aminah")
    await phone.said("Silakan pilih layanan", after=await phone.type("halo"))

    data = prefill_data(shipped_catalog().get("ktp"), variant="hilang")
    body = flow_message("ktp", token="tok-browser", screen="VARIANT", data=data)
    row = await send_flow(sessionmaker, WA_ID, body)
    open_form = page.locator(".row-bot .flow-open", has_text="Isi formulir")
    await open_form.wait_for(timeout=TIMEOUT)
    await _shot(page, "simulator-flow-0-message")
    flow_wamid = await wamid_of(sessionmaker, row)
    assert flow_wamid is not None
    await open_form.click()

    flow = page.locator(".flow")
    await flow.locator('.flow-screen[data-screen="VARIANT"]').wait_for(timeout=TIMEOUT)
    assert await flow.locator(".flow-title").inner_text() == "KTP-el"
    assert await flow.locator('input[name="variant"][value="hilang"]').is_checked()
    await _shot(page, "simulator-flow-1-variant")
    await page.set_viewport_size(DESKTOP)  # the form stays inside the phone frame
    await _shot(page, "simulator-flow-1-variant-desktop")
    await page.set_viewport_size(PHONE)
    await page.click("#flow-footer")

    await flow.locator('.flow-screen[data-screen="DATA"]').wait_for(timeout=TIMEOUT)
    await page.fill('input[name="nik"]', "32010145")
    await page.click("#flow-footer")  # the phone refuses: too short, and the rest is empty
    nik_error = flow.locator('.flow-field[data-name="nik"] .flow-invalid')
    assert await nik_error.inner_text() == "Paling sedikit 16 karakter."
    name_error = flow.locator('.flow-field[data-name="nama"] .flow-invalid')
    assert await name_error.inner_text() == "Wajib diisi."
    await _shot(page, "simulator-flow-2-data-refused")
    await page.fill('input[name="nik"]', "3201014508900003")
    await page.fill('input[name="nama"]', "Siti Aminah")
    await page.fill('input[name="no_kk"]', "3201012208150007")
    await page.fill('textarea[name="alamat"]', "Dusun Mawar RT 02/RW 01, Desa Sukamaju")
    assert await flow.locator('.flow-field[data-name="status_kawin"]').count() == 0  # baru only
    await _shot(page, "simulator-flow-3-data")
    await page.click("#flow-footer")

    photos = {"DOC_KK": "kk.jpg", "DOC_SURAT_KEHILANGAN": "surat-polisi.jpg"}
    contents = {"kk.jpg": photo_jpeg(5), "surat-polisi.jpg": photo_jpeg(6)}
    for screen, name in photos.items():
        await flow.locator(f'.flow-screen[data-screen="{screen}"]').wait_for(timeout=TIMEOUT)
        if screen == "DOC_KK":
            await _shot(page, "simulator-flow-4-picker-empty")
        async with page.expect_file_chooser() as chooser:
            await flow.locator(".flow-pick").click()
        await (await chooser.value).set_files([jpeg(name, contents[name])])
        await flow.locator(".flow-file-name", has_text=name).wait_for(timeout=TIMEOUT)
        await _shot(page, f"simulator-flow-4-{screen.lower()}")
        await page.click("#flow-footer")

    await flow.locator('.flow-screen[data-screen="SUMMARY"]').wait_for(timeout=TIMEOUT)
    summary = await flow.locator(".flow-screen").inner_text()
    for line in (
        "Jenis permohonan: KTP-el hilang",
        "NIK: 3201014508900003",
        "Nama lengkap: Siti Aminah",
    ):
        assert line in summary
    await page.click("#flow-footer")  # the declaration is not ticked yet
    consent_error = flow.locator('.flow-field[data-name="consent"] .flow-invalid')
    assert await consent_error.inner_text() == "Centang untuk melanjutkan."
    await flow.locator(".flow-optin").click()
    await _shot(page, "simulator-flow-5-summary")
    assert await page.locator("#flow-footer").inner_text() == "Kirim permohonan"
    await page.click("#flow-footer")

    await flow.wait_for(state="detached", timeout=TIMEOUT)
    sent = page.locator(".msg.me .flow-sent", has_text="Sent")
    await sent.last.wait_for(timeout=TIMEOUT)
    await _shot(page, "simulator-flow-6-sent")

    async with sessionmaker() as session:
        events = (await session.execute(select(InboundEvent))).scalars().all()
    (message,) = [
        e.payload["message"]
        for e in events
        if (e.payload.get("message") or {}).get("interactive", {}).get("type") == "nfm_reply"
    ]
    assert message["context"] == {"from": "628000000000", "id": flow_wamid}
    assert message["type"] == "interactive"
    nfm = message["interactive"]["nfm_reply"]
    assert (nfm["name"], nfm["body"]) == ("flow", "Sent")
    response = json.loads(nfm["response_json"])
    files = {key: response.pop(key) for key in ("doc_kk", "doc_surat_kehilangan")}
    assert response == {"flow_token": "tok-browser", **LOST_KTP_ANSWERS}
    for key, name in (("doc_kk", "kk.jpg"), ("doc_surat_kehilangan", "surat-polisi.jpg")):
        (picked,) = files[key]
        digest = base64.b64encode(hashlib.sha256(contents[name]).digest()).decode()
        assert {k: v for k, v in picked.items() if k != "id"} == {
            "file_name": name,
            "mime_type": "image/jpeg",
            "sha256": digest,
        }
        assert picked["id"].startswith("sandbox-")


def _conditions(flow: dict[str, Any]) -> list[str]:
    """Every If condition and backticked value of a generated Flow, in order."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "If":
                found.append(node["condition"])
            for value in node.values():
                if isinstance(value, str) and value.startswith("`"):
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(flow)
    return found


async def test_the_generated_conditions_read_as_whatsapp_reads_them(page, live_server: str) -> None:
    """The page's evaluator on every condition of the KTP-el form, for a lost KTP-el by a
    resident whose family card the locker holds (the values a phone would have)."""
    await page.goto(f"{live_server}/simulator?wa={WA_ID}")
    catalog = shipped_catalog()
    flow = flow_for(catalog.get("ktp"), "id", today=datetime(2026, 12, 3).date())
    bindings = {
        "screen.VARIANT.form.variant": "hilang",
        "screen.VARIANT.data.held_kk": True,
        "screen.VARIANT.data.held_ktp_lama": False,
        "screen.VARIANT.data.held_ktp_asal": False,
        "screen.DATA.form.nik": "3201014508900003",
    }
    results = await page.evaluate(
        """([conditions, bindings]) => conditions.map((c) => window.LoketFlowExpr.evaluate(
               c.startsWith("`") ? c.slice(1, -1) : c, (path) => bindings[path]))""",
        [_conditions(flow), bindings],
    )
    assert dict(zip(_conditions(flow), results, strict=True)) == {
        "${screen.VARIANT.form.variant} == 'baru'": False,
        "${screen.VARIANT.form.variant} == 'perubahan'": False,
        "(!${screen.VARIANT.data.held_kk}) || (${screen.VARIANT.form.variant} == 'hilang') || "
        "(${screen.VARIANT.form.variant} == 'rusak') || (${screen.VARIANT.form.variant} == "
        "'perubahan' && !${screen.VARIANT.data.held_ktp_lama})": True,
        "${screen.VARIANT.data.held_kk}": True,
        "${screen.VARIANT.form.variant} == 'hilang'": True,
        "!(${screen.VARIANT.form.variant} == 'hilang')": False,
        "`${screen.VARIANT.form.variant} == 'hilang'`": True,
        "(${screen.VARIANT.form.variant} == 'rusak') || (${screen.VARIANT.form.variant} == "
        "'perubahan') || (${screen.VARIANT.form.variant} == 'pindah_datang')": False,
        "!(${screen.VARIANT.form.variant} == 'rusak')": True,
        "`${screen.VARIANT.form.variant} == 'rusak'`": False,
        "(${screen.VARIANT.form.variant} == 'perubahan') || (${screen.VARIANT.form.variant} == "
        "'pindah_datang')": False,
        "!(${screen.VARIANT.form.variant} == 'perubahan')": True,
        "${screen.VARIANT.data.held_ktp_lama}": False,
        "`${screen.VARIANT.form.variant} == 'perubahan'`": False,
        "${screen.VARIANT.form.variant} == 'pindah_datang'": False,
        "!(${screen.VARIANT.form.variant} == 'pindah_datang')": True,
        "`${screen.VARIANT.form.variant} == 'pindah_datang'`": False,
        "${screen.VARIANT.form.variant} == 'pindah_datang' && "
        "!${screen.VARIANT.data.held_ktp_asal}": False,
        "${screen.VARIANT.data.held_ktp_asal}": False,
        "`'NIK: ' ${screen.DATA.form.nik}`": "NIK: 3201014508900003",
        "`'Nama lengkap: ' ${screen.DATA.form.nama}`": "Nama lengkap: ",
        "`'Nomor KK: ' ${screen.DATA.form.no_kk}`": "Nomor KK: ",
        "`'Alamat: ' ${screen.DATA.form.alamat}`": "Alamat: ",
    }


async def test_every_screen_of_every_generated_form_renders(page, live_server: str) -> None:
    """Each screen of each service's Flow, in both languages, opened on the phone: every
    component is drawn (none left as an unknown type) and the screen has its Footer button."""
    await page.set_viewport_size(PHONE)
    await page.goto(f"{live_server}/simulator?wa={WA_ID}")
    catalog = shipped_catalog()
    today = datetime(2026, 12, 3).date()
    opened: dict[str, object] = {}

    async def answer(route) -> None:
        await route.fulfill(json=opened)

    await page.route("**/simulator/api/flows/wamid.RENDER*", answer)
    drawn = []
    for service in form_services(catalog):
        for language in ("id", "en"):
            flow = flow_for(service, language, today=today)
            for screen in flow["screens"]:
                opened.clear()
                opened.update(
                    service=service.code,
                    language=language,
                    flow=flow,
                    screen=screen["id"],
                    data={},
                    flow_token="t",
                )
                await page.evaluate(
                    """() => window.LoketFlow.open(document.getElementById("phone").dataset.api,
                        {wamid: "wamid.RENDER"}, {frame: document.getElementById("phone"),
                        office: "Loket", wa: () => "6281299990202", name: () => "Warga",
                        sent: () => {}})"""
                )
                rendered = page.locator(f'.flow .flow-screen[data-screen="{screen["id"]}"]')
                await rendered.wait_for(timeout=TIMEOUT)
                unknown = await page.locator(".flow .flow-field .meta").count()
                footer = await page.locator("#flow-footer").inner_text()
                drawn.append((service.code, language, screen["id"], unknown, bool(footer)))
                if (service.code, language, screen["id"]) == SHOWN_PICKER:
                    await _shot(page, "simulator-flow-7-photo-picker-en")
                await page.click(".flow .flow-back")
                await page.locator(".flow").wait_for(state="detached", timeout=TIMEOUT)
    assert [d for d in drawn if d[3:] != (0, True)] == []


# Components the catalog's forms do not use today, as Meta documents them (reference §2).
OTHER_COMPONENTS = {
    "version": "7.3",
    "screens": [
        {
            "id": "ONLY",
            "title": "Survei",
            "terminal": True,
            "data": {"greeting": {"type": "string", "__example__": "Halo"}},
            "layout": {
                "type": "SingleColumnLayout",
                "children": [
                    {"type": "TextHeading", "text": "${data.greeting}"},
                    {
                        "type": "Dropdown",
                        "name": "kantor",
                        "label": "Kantor",
                        "required": True,
                        "data-source": [
                            {"id": "kec_a", "title": "Kecamatan A"},
                            {"id": "kec_b", "title": "Kecamatan B"},
                        ],
                    },
                    {
                        "type": "CheckboxGroup",
                        "name": "topik",
                        "label": "Topik",
                        "min-selected-items": 2,
                        "data-source": [
                            {"id": "antre", "title": "Antrean"},
                            {"id": "biaya", "title": "Biaya"},
                            {"id": "ramah", "title": "Keramahan"},
                        ],
                    },
                    {"type": "TextInput", "name": "email", "label": "Email", "input-type": "email"},
                    {
                        "type": "If",
                        "condition": "${form.kantor} == 'kec_b'",
                        "then": [{"type": "TextCaption", "text": "Kecamatan B buka Sabtu."}],
                    },
                    {
                        "type": "Footer",
                        "label": "Kirim",
                        "on-click-action": {
                            "name": "complete",
                            "payload": {
                                "kantor": "${form.kantor}",
                                "topik": "${form.topik}",
                                "email": "${form.email}",
                                "sapaan": "`${data.greeting} ', ' ${form.kantor}`",
                            },
                        },
                    },
                ],
            },
        }
    ],
}


async def test_dropdown_checkboxes_and_email_are_checked_and_sent(page, live_server: str) -> None:
    await page.set_viewport_size(PHONE)
    await page.goto(f"{live_server}/simulator?wa={WA_ID}")
    opened = {
        "service": "x",
        "language": "id",
        "flow": OTHER_COMPONENTS,
        "screen": "ONLY",
        "data": {"greeting": "Halo"},
        "flow_token": "t",
    }
    posted: list[str] = []

    async def answer(route) -> None:
        if route.request.method == "POST":
            posted.append(route.request.post_data or "")
            await route.fulfill(json={"wamid": "wamid.SIMDONE"})
        else:
            await route.fulfill(
                json={**opened, "service": "x", "language": "id", "flow_token": "t"}
            )

    await page.route("**/simulator/api/flows/wamid.OTHER**", answer)
    await page.evaluate(
        """() => window.LoketFlow.open(document.getElementById("phone").dataset.api,
            {wamid: "wamid.OTHER"}, {frame: document.getElementById("phone"), office: "Loket",
            wa: () => "6281299990202", name: () => "Warga", sent: () => {}})"""
    )
    flow = page.locator(".flow")
    assert await flow.locator(".flow-heading").inner_text() == "Halo"
    await page.fill('input[name="email"]', "bukan-email")
    await flow.locator('.flow-option:has(input[value="biaya"])').click()
    await page.click("#flow-footer")
    errors = {
        name: await flow.locator(f'.flow-field[data-name="{name}"] .flow-invalid').inner_text()
        for name in ("kantor", "topik", "email")
    }
    assert errors == {
        "kantor": "Pilih salah satu.",
        "topik": "Pilih paling sedikit 2.",
        "email": "Alamat email belum benar.",
    }
    await page.select_option('select[name="kantor"]', "kec_b")
    assert await flow.locator(".flow-caption").inner_text() == "Kecamatan B buka Sabtu."
    await flow.locator('.flow-option:has(input[value="antre"])').click()
    await page.fill('input[name="email"]', "warga@contoh.id")
    await _shot(page, "simulator-flow-8-other-components")
    await page.click("#flow-footer")
    await flow.wait_for(state="detached", timeout=TIMEOUT)
    (body,) = posted
    values = json.loads(body.split('name="values"\r\n\r\n')[1].split("\r\n--")[0])
    assert values == {
        "kantor": "kec_b",
        "topik": ["biaya", "antre"],
        "email": "warga@contoh.id",
        "sapaan": "Halo, kec_b",
    }
