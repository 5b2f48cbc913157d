"""Siti's KTP-el request up to its ticket, and what she reads once a correction arrived; and a
counter request an operator sends back for its address."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.support.clients import Dashboard
from tests.support.counter import as_form, ktp_baru_answers, photo
from tests.support.loket import Loket
from tests.support.resident import WA_ID, Resident, sharp_photo, texts


def corrected(ticket: str) -> str:
    return f"Perbaikan untuk permohonan {ticket} sudah kami terima ✅"


def assert_corrected(replies: list[dict[str, Any]], ticket: str) -> None:
    """The resident's whole reply to the last answer of a correction: it arrived, and when."""
    lines = texts(replies).splitlines()
    assert len(lines) == 3, lines
    assert lines[0] == corrected(ticket)
    assert re.fullmatch(r"Perkiraan selesai: \d{1,2} [A-Z][a-z]+ \d{4}", lines[1])
    assert lines[2] == "Ketik *status* kapan saja untuk melihat perkembangannya."


async def apply_ktp_hilang(siti: Resident, *, first: bool = True) -> str:
    """Siti's KTP-el "hilang" request, photos included, up to its ticket."""
    replies = []
    # The birth date and sex come from the NIK: not asked.
    for message in ["ktp sy ilang min", "3201014508900003", "Siti Aminah"]:
        replies = await siti.text(message)
    await siti.text("3201012208150007")
    replies = await siti.text("Jl. Melati 3 RT 01 RW 02, Sukamaju")
    if first:
        replies = await siti.photo("media-kk-1", sharp_photo(1))
        replies = await siti.tap(replies, "Sudah semua")
    else:  # the Kartu Keluarga of the first request is still in the locker
        assert "Kami masih menyimpan Kartu Keluarga Anda" in texts(replies)
        replies = await siti.tap(replies, "Pakai yang ada")
    # The police letter is one sheet: its photo goes straight on to the summary.
    replies = await siti.photo(f"media-hilang-{int(first)}", sharp_photo(2 + int(first)))
    replies = await siti.tap(replies, "Ya, ambil di kantor")
    ticket = next(
        line.split(": ")[1]
        for line in texts(replies).splitlines()
        if line.startswith("Nomor permohonan: ")
    )
    return ticket


async def counter_request_needing_an_address(loket: Loket, sessionmaker: Any) -> str:
    """A district operator takes a KTP-el down for a new number, reviews it and asks to
    correct the address, all through the dashboard; the resident has never written. Returns
    the ticket."""
    # Live mode: the session cookie is Secure, so the operator's browser speaks HTTPS.
    transport = httpx.ASGITransport(app=loket.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://loket.test") as browser:
        dash = Dashboard(loket.app, browser, sessionmaker)
        token = await dash.sign_in("kec_a")
        url = f"/dashboard/counter/ktp?variant=baru&phone={WA_ID}"
        data = as_form(ktp_baru_answers(), csrf_token=token)
        files = [("doc_kk", ("kk.jpg", photo(1), "image/jpeg"))]
        taken = await browser.post(url, data=data, files=files)
        assert taken.status_code == 303, taken.text
        ticket = taken.headers["location"].split("/requests/")[1].split("?")[0]
        for form in (
            {"to": "in_review"},
            {"to": "needs_correction", "fields": "alamat", "note": "Alamat kurang lengkap."},
        ):
            moved = await browser.post(
                f"/dashboard/requests/{ticket}/transitions", data={"csrf_token": token, **form}
            )
            assert moved.status_code == 303, moved.text
    await loket.drain()
    return ticket
