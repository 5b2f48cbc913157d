"""A Flow form through the outbox: the `flow` message inside the window, its FLOW-button template
outside it (or when Meta answers 131047), and the token read back from the message a completion
names in `context.id`."""

from __future__ import annotations

from datetime import timedelta

from app.bot.flow_messages import flow_message, flow_template
from app.db import unit_of_work
from app.outbox import delivery, service
from app.residents.models import Resident
from app.whatsapp_flows.offer import form_template_for_meta
from tests.support.outbox import START, create_resident, outbox_rows

TOKEN = "9f2c41d7a0b84e3c8d6f1a2b3c4d5e6f"
DATA = {"variant": "hilang", "nik": "", "held_kk": False}
FORM = flow_message(
    "Lebih cepat: isi semua data sekaligus di formulir ini. Atau jawab saja di chat.",
    cta="Isi formulir",
    token=TOKEN,
    flow={"flow_id": "1234567890"},
    screen="VARIANT",
    data=DATA,
)
TEMPLATE = flow_template(
    "loket_formulir_ktp", "id", body_params=["KTP-261123-0001"], token=TOKEN, data=DATA
)


async def _deliver(sessionmaker, person: Resident, live_settings) -> str:
    async with unit_of_work(sessionmaker) as session:
        resident = await session.get(Resident, person.id)
        assert resident is not None
        return await delivery.deliver_form(
            session,
            settings=live_settings,
            resident=resident,
            body=FORM,
            template=TEMPLATE,
            now=START,
        )


async def _token_of(sessionmaker, person: Resident, wamid: str) -> str | None:
    async with unit_of_work(sessionmaker) as session:
        return await service.flow_token_answered(session, resident_id=person.id, wamid=wamid)


def test_the_flow_message_and_the_template_have_metas_shape() -> None:
    assert FORM == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "type": "interactive",
        "interactive": {
            "type": "flow",
            "body": {
                "text": "Lebih cepat: isi semua data sekaligus di formulir ini. "
                "Atau jawab saja di chat."
            },
            "action": {
                "name": "flow",
                "parameters": {
                    "flow_message_version": "3",
                    "flow_token": TOKEN,
                    "flow_id": "1234567890",
                    "flow_cta": "Isi formulir",
                    "flow_action": "navigate",
                    "flow_action_payload": {"screen": "VARIANT", "data": DATA},
                },
            },
        },
    }
    assert TEMPLATE["template"]["components"] == [
        {"type": "body", "parameters": [{"type": "text", "text": "KTP-261123-0001"}]},
        {
            "type": "button",
            "sub_type": "flow",
            "index": "0",
            "parameters": [
                {"type": "action", "action": {"flow_token": TOKEN, "flow_action_data": DATA}}
            ],
        },
    ]


async def test_inside_the_window_the_flow_message_goes_with_its_template_in_reserve(
    sessionmaker, fake_graph, make_worker, live_settings
) -> None:
    person = await create_resident(sessionmaker, last_inbound_at=START - timedelta(minutes=5))

    assert await _deliver(sessionmaker, person, live_settings) == "sent"
    assert await make_worker().run_once() == 1

    [row] = await outbox_rows(sessionmaker)
    assert (row.kind, row.state, row.origin, row.fallback) == (
        "flow",
        "sent",
        "conversation",
        TEMPLATE,
    )
    assert fake_graph.accepted_bodies == [{**FORM, "to": f"+{person.wa_id}"}]
    assert row.wamid is not None
    assert await _token_of(sessionmaker, person, row.wamid) == TOKEN
    assert await _token_of(sessionmaker, person, "wamid.unknown") is None


async def test_when_meta_says_the_window_closed_the_flow_template_goes_instead(
    sessionmaker, fake_graph, make_worker, live_settings
) -> None:
    person = await create_resident(sessionmaker, last_inbound_at=START - timedelta(hours=23))
    await _deliver(sessionmaker, person, live_settings)
    fake_graph.fail_next(131047)

    await make_worker().run_once()

    rows = await outbox_rows(sessionmaker)
    assert [(r.origin, r.state, r.body) for r in rows] == [
        ("conversation", "cancelled", FORM),
        ("template:fallback", "sent", TEMPLATE),
    ]
    assert await _token_of(sessionmaker, person, str(rows[1].wamid)) == TOKEN


async def test_outside_the_window_the_template_with_the_flow_button_opens_the_form(
    sessionmaker, fake_graph, make_worker, live_settings
) -> None:
    fake_graph.flow_templates.add("loket_formulir_ktp")
    person = await create_resident(sessionmaker, last_inbound_at=START - timedelta(hours=30))

    assert await _deliver(sessionmaker, person, live_settings) == "template"
    await make_worker().run_once()

    [row] = await outbox_rows(sessionmaker)
    # It is the invitation for what the same turn holds: no second "message waiting" template.
    assert (row.origin, row.state, row.body) == ("template:waiting", "sent", TEMPLATE)
    assert fake_graph.accepted_bodies == [{**TEMPLATE, "to": f"+{person.wa_id}"}]
    assert await _token_of(sessionmaker, person, str(row.wamid)) == TOKEN


async def test_the_fake_refuses_what_meta_refuses(
    sessionmaker, fake_graph, make_worker, live_settings
) -> None:
    """A FLOW-button template without its button (131009) and a flow message without a CTA."""
    fake_graph.flow_templates.add("loket_formulir_ktp")
    person = await create_resident(sessionmaker, last_inbound_at=START - timedelta(minutes=5))
    bare = {
        **TEMPLATE,
        "template": {**TEMPLATE["template"], "components": TEMPLATE["template"]["components"][:1]},
    }
    parameters = dict(FORM["interactive"]["action"]["parameters"])
    del parameters["flow_cta"]
    no_cta = {
        **FORM,
        "interactive": {
            **FORM["interactive"],
            "action": {"name": "flow", "parameters": parameters},
        },
    }
    async with unit_of_work(sessionmaker) as session:
        resident = await session.get(Resident, person.id)
        await service.enqueue(session, resident=resident, bodies=[bare, no_cta], now=START)

    await make_worker().run_once()

    rows = await outbox_rows(sessionmaker)
    assert [(r.state, r.last_error_code) for r in rows] == [("given_up", 131009), ("given_up", 100)]
    assert fake_graph.accepted_bodies == []


def test_the_per_service_form_template_for_meta_names_its_flow() -> None:
    shape = form_template_for_meta("ktp", "en", "1234567890", "VARIANT")
    assert shape["name"] == "loket_formulir_ktp"
    assert shape["components"][-1] == {
        "type": "BUTTONS",
        "buttons": [
            {
                "type": "FLOW",
                "text": "Fill in the form",
                "flow_action": "navigate",
                "flow_id": "1234567890",
                "navigate_screen": "VARIANT",
            }
        ],
    }
