"""Outside the 24-hour window, an operator's correction opens the same form (issue 13: 4).

A request taken down at the counter (the resident never wrote) is sent back for its address.
The office's FLOW-button template goes out, and it is the only invitation: the correction's
words wait behind it. The resident fills in the form from the template; the completion names
the template's message, only the address asked for is taken, and the request is back in review.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.outbox.models import OutboundMessage
from app.whatsapp_flows.registry import FlowRegistry, PublishedFlow
from tests.support.clients import world  # noqa: F401  (offices and operators for the dashboard)
from tests.support.corrections import counter_request_needing_an_address
from tests.support.form_reply import completion
from tests.support.loket import Loket
from tests.support.operator import filed
from tests.support.resident import Resident, texts

ADDRESS = "Jl. Melati 3 RT 01/RW 02, Sukamaju"
NEW_ADDRESS = "Dusun Mawar RT 02/RW 01, Desa Sukamaju"


@pytest.mark.usefixtures("world")
async def test_a_correction_outside_the_window_opens_the_form_from_a_template(
    loket: Loket, sessionmaker
) -> None:
    FlowRegistry.for_settings(loket.settings).record(
        "ktp", "id", PublishedFlow("flow-ktp-id", "loket_ktp_id", "0" * 64, "2026-11-22")
    )
    loket.graph.flow_templates.add("loket_formulir_ktp")
    siti = Resident(loket)
    ticket = await counter_request_needing_an_address(loket, sessionmaker)

    templates = [r["template"] for r in siti.unread() if r["type"] == "template"]
    assert [t["name"] for t in templates] == [
        "loket_permohonan_dicatat",
        "loket_pesan_menunggu",  # for the "in review" notice
        "loket_formulir_ktp",  # the correction: its form, and the invitation to its words
    ]
    body, button = templates[-1]["components"]
    assert body == {"type": "body", "parameters": [{"type": "text", "text": ticket}]}
    action = button["parameters"][0]["action"]
    assert (button["sub_type"], button["index"]) == ("flow", "0")
    # The request was taken at the counter: the conversation holds no answers to pre-fill.
    assert action["flow_action_data"]["alamat"] == ""
    async with sessionmaker() as session:
        stmt = select(OutboundMessage.wamid).where(OutboundMessage.origin == "template:waiting")
        wamid = list((await session.execute(stmt)).scalars())[-1]

    # Every answer comes back from the form; only the address was asked for.
    answers = {
        "nik": "3201014508900003",
        "nama": "Someone Else",
        "tanggal_lahir": "1990-08-05",
        "jenis_kelamin": "perempuan",
        "no_kk": "3201012208150007",
        "status_kawin": "belum_kawin",
        "alamat": NEW_ADDRESS,
        "consent": True,
    }
    replies = await siti.send(completion(answers, context_id=wamid, flow_token=None))

    said = texts(replies).splitlines()
    assert said[:4] == [
        f"Permohonan {ticket} (KTP-el) sedang diperiksa petugas.",
        f"Petugas meminta perbaikan untuk permohonan {ticket}.",
        "Catatan petugas: Alamat kurang lengkap.",
        "Yang perlu diperbaiki: Alamat.",
    ]
    assert f"Perbaikan untuk permohonan {ticket} sudah kami terima ✅" in said
    done = await filed(loket, ticket)
    assert (done.status, done.fields["alamat"], done.fields["nama"]) == (
        "in_review",
        NEW_ADDRESS,
        "Siti Aminah",
    )
