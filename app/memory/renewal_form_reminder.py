"""The expiry reminder with a FLOW button: the renewal form opens pre-filled for the subject.

When the service's form can be sent to the resident (`app.whatsapp_flows.offer.flow_to_open`),
the reminder carries the form itself: inside Meta's window an interactive `flow` message,
outside it the approved `loket_pengingat_perpanjang_formulir_<service>` template, whose quick
reply still renews in the chat and whose FLOW button opens the form. Either way the form opens
with what the chat's "Pakai data ini?" would offer (`app.flows.renewal_form.prefill`) and a
signed renewal token naming the resident, the service and the subject (a boat), valid as long
as a bare "perpanjang" still answers the reminder. Its completion starts the renewal
(`app.conversations.renewal_forms`); the fisher adds what is new (the old SIPI's photo, the
logbook) and confirms the summary.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.flow_messages import flow_message, flow_template
from app.config import Settings
from app.flows.catalog import Service
from app.flows.forms import entry_screen, opening_data
from app.flows.recall_reply import RENEW_CHOICE
from app.flows.renewal_form import prefill
from app.intake import service as intake
from app.memory import service as memory
from app.memory.models import RememberedSubject
from app.notifications.catalog import templates, text
from app.outbox import delivery
from app.residents.models import Resident
from app.whatsapp_flows.flow_tokens import new_flow_token
from app.whatsapp_flows.forms import endpoint_configured
from app.whatsapp_flows.offer import flow_to_open

TEMPLATE = "loket_pengingat_perpanjang_formulir"
# The quick reply "Perpanjang" is button 0; the FLOW button follows it.
FLOW_BUTTON_INDEX = 1


def renewal_template_name(code: str) -> str:
    """The approved reminder template of one service (Meta keeps the Flow with it)."""
    return f"{TEMPLATE}_{code}"


async def send_renewal_form(
    session: AsyncSession,
    *,
    settings: Settings,
    resident: Resident,
    service: Service,
    subject: RememberedSubject,
    values: dict[str, str],
    now: datetime,
    origin: str,
) -> bool:
    """Queue the reminder with the renewal form; False (nothing queued) when no form can go."""
    language = resident.language if resident.language in ("id", "en") else "id"
    flow = flow_to_open(settings, service.code, language) if service.flow else None
    if flow is None:
        return False
    locker = await intake.reusable_documents(session, resident_id=resident.id, now=now)
    kept = await memory.remembered(session, resident.id, now=now, stored=locker)
    data = opening_data(
        service,
        prefill(service, kept, locker, subject.subject_key, now=now),
        endpoint=endpoint_configured(settings),
    )
    token = new_flow_token(
        settings,
        resident_id=resident.id,
        service=service.code,
        language=language,
        now=now,
        subject=subject.subject_key,
        lifetime=timedelta(days=memory.RENEWAL_REPLY_DAYS),
    )
    template = flow_template(
        renewal_template_name(service.code),
        language,
        body_params=[values["service"], values["subject"], values["date"]],
        token=token,
        data=data,
        button_index=FLOW_BUTTON_INDEX,
        quick_reply_payloads=[RENEW_CHOICE],
    )
    body = flow_message(
        text("permit_expiring_form", language, **values),
        cta=text("renew_form_button", language),
        token=token,
        flow=flow,
        screen=entry_screen(service),
        data=data,
    )
    await delivery.deliver_form(
        session,
        settings=settings,
        resident=resident,
        body=body,
        template=template,
        now=now,
        origin=origin,
    )
    return True


def renewal_template_for_meta(
    code: str, language: str, flow_id: str, screen: str
) -> dict[str, Any]:
    """The service's reminder template in the shape Meta's template API takes: the FLOW button
    names the published Flow and its entry screen."""
    shape = templates()[TEMPLATE].for_meta(language)
    for component in shape["components"]:
        for button in component.get("buttons", []):
            if button.get("type") == "FLOW":
                button.update({"flow_id": flow_id, "navigate_screen": screen})
    return {**shape, "name": renewal_template_name(code)}
