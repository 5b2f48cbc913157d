"""Sending a service's Flow form to a resident: which forms may be offered, and the message.

Which forms are offered (`LOKET_FLOW_FORMS`):

- `published` (default): only services whose Flow `loket flows publish` recorded for the
  resident's language (the registry); a fresh install offers none and chats as before.
- `catalog`: every service with a form in the catalog, published or not; a form not in the
  registry is named by its Flow name (`loket_<service>_<language>`). Meant for sandbox mode,
  where the simulator renders the catalog's form itself, and for a business whose Flows were
  published under those names by other means.
- `off`: chat only.

The form goes as an interactive `flow` message inside the 24-hour window and as the service's
FLOW-button template (`loket_formulir_<service>`) outside it (`app.outbox.delivery.deliver_form`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.flow_messages import flow_message, flow_reference, flow_template
from app.config import Settings
from app.flows.catalog import Catalog
from app.flows.events import OfferForm
from app.flows.forms import opening_data
from app.notifications.catalog import templates
from app.outbox import delivery
from app.residents.models import Resident
from app.whatsapp_flows.flow_tokens import new_flow_token
from app.whatsapp_flows.forms import endpoint_configured
from app.whatsapp_flows.registry import FlowRegistry, RegistryError, flow_name

log = structlog.get_logger(__name__)

FORM_TEMPLATE = "loket_formulir"


def form_template_name(code: str) -> str:
    """The approved FLOW-button template of one service's form (Meta keeps the Flow with it)."""
    return f"{FORM_TEMPLATE}_{code}"


def _published(settings: Settings) -> FlowRegistry | None:
    try:
        return FlowRegistry.for_settings(settings)
    except RegistryError as exc:  # a broken record must not stop the chat
        log.error("record of published Flows unreadable; forms not offered", error=str(exc))
        return None


def available_forms(settings: Settings, catalog: Catalog, language: str) -> frozenset[str]:
    """The services whose form may be offered to a resident writing in `language`."""
    if settings.flow_forms == "off":
        return frozenset()
    services = [service for service in catalog.ordered if service.flow]
    if settings.flow_forms == "catalog":
        return frozenset(service.code for service in services)
    registry = _published(settings)
    if registry is None:
        return frozenset()
    return frozenset(s.code for s in services if registry.flow_id(s.code, language) is not None)


def flow_to_open(settings: Settings, code: str, language: str) -> dict[str, str] | None:
    """`{"flow_id": …}` of the published Flow, `{"flow_name": …}` in `catalog` mode, or None."""
    if settings.flow_forms == "off":
        return None
    registry = _published(settings)
    published = registry.flow_id(code, language) if registry is not None else None
    if published is not None:
        return flow_reference(published, None)
    if settings.flow_forms == "catalog":
        return flow_reference(None, flow_name(code, language))
    return None


async def send_form(
    session: AsyncSession,
    *,
    settings: Settings,
    catalog: Catalog,
    resident: Resident,
    offer: OfferForm,
    now: datetime,
    caused_by_event_id: int | None = None,
) -> delivery.Outcome | None:
    """Write the form message (or its template) to the outbox; None when no Flow can be sent
    (unpublished since the turn began): the chat question that follows carries on alone."""
    flow = flow_to_open(settings, offer.service, offer.language)
    if flow is None:
        log.warning("form offered but no Flow to send", service=offer.service)
        return None
    token = offer.token
    endpoint = endpoint_configured(settings)
    service = catalog.services.get(offer.service)
    data = opening_data(service, offer.data, endpoint=endpoint) if service else offer.data
    if endpoint:  # the endpoint needs a signed token wrapping the form's
        token = new_flow_token(
            settings,
            resident_id=resident.id,
            service=offer.service,
            language=offer.language,
            now=now,
            form=offer.token,
        )
    body = flow_message(
        offer.body,
        cta=offer.cta,
        token=token,
        flow=flow,
        screen=offer.screen,
        data=data,
    )
    template = flow_template(
        form_template_name(offer.service),
        offer.language,
        body_params=[offer.ticket or "-"],
        token=token,
        data=data or None,
    )
    return await delivery.deliver_form(
        session,
        settings=settings,
        resident=resident,
        body=body,
        template=template,
        now=now,
        caused_by_event_id=caused_by_event_id,
    )


def form_template_for_meta(code: str, language: str, flow_id: str, screen: str) -> dict[str, Any]:
    """The service's FLOW-button template in the shape Meta's template API takes (§3.2):
    the FLOW button names the published Flow and its entry screen."""
    shape = templates()[FORM_TEMPLATE].for_meta(language)
    for component in shape["components"]:
        for button in component.get("buttons", []):
            if button.get("type") == "FLOW":
                button.update({"flow_id": flow_id, "navigate_screen": screen})
    return {**shape, "name": form_template_name(code)}
