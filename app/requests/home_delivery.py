"""Home delivery: the courier who carries the document, and the code that confirms it arrived.

Sending a request `out_for_delivery` names the courier, a tracking number, or both (one is
required, so the resident and the office know whom to expect and what to ask about). The
resident is told them, the delivery address when the request has one, and a one-time code to
give the courier on receipt (`app.requests.handover`, the same kind of code as a pickup). The
courier passes the code to the office, or the operator types it in, to complete the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.flows.catalog import Service
from app.notifications.catalog import text
from app.requests import handover
from app.requests.models import DELIVERY_ADDRESS_KEY, Request

NAME_MAX = 200
TRACKING_MAX = 100


@dataclass(frozen=True)
class Courier:
    """Who delivers: the courier's name, the parcel's tracking number, or both."""

    name: str | None = None
    tracking: str | None = None

    @classmethod
    def of(cls, name: str | None, tracking: str | None) -> Courier:
        """Blank parts count as missing."""
        return cls(name=(name or "").strip() or None, tracking=(tracking or "").strip() or None)

    def __bool__(self) -> bool:
        return bool(self.name or self.tracking)


def send_out(request: Request, courier: Courier | None) -> tuple[str, dict[str, object]]:
    """Record the courier on `request` and make its one-time code: (the code, the history data)."""
    if not courier:
        raise handover.InvalidTransitionInput(
            "say who delivers: the courier's `courier.name` or a `courier.tracking` number"
        )
    if len(courier.name or "") > NAME_MAX or len(courier.tracking or "") > TRACKING_MAX:
        raise handover.InvalidTransitionInput(
            f"`courier.name` is at most {NAME_MAX} characters, `courier.tracking` {TRACKING_MAX}"
        )
    request.courier_name = courier.name
    request.courier_tracking = courier.tracking
    code = handover.new_code(request)
    return code, {"courier": {"name": courier.name, "tracking": courier.tracking}}


def confirm(request: Request, code: str | None, override: bool) -> dict[str, object]:
    """The history data of a delivered request's completion: how the handover was confirmed."""
    return {"delivery_code": handover.check_code(request, code, override, what="delivery")}


def delivery_address(request: Request, service: Service | None) -> str | None:
    """The address the request gave (the answer the service keeps as the person's address)."""
    person = service.memory.person if service and service.memory else {}
    keys = [key for key, attribute in person.items() if attribute == "address"]
    for key in [DELIVERY_ADDRESS_KEY, *keys]:  # the one given for the delivery first
        answer = (request.fields or {}).get(key)
        if isinstance(answer, str) and answer.strip():
            return re.sub(r"\s+", " ", answer).strip()  # one line: templates take no newlines
    return None


def courier_words(language: str, name: str | None, tracking: str | None) -> str:
    """The courier in the resident's words: "Kurir: Budi, nomor resi: JX123"."""
    if name and tracking:
        return text("courier_both", language, name=name, tracking=tracking)
    if name:
        return text("courier_name", language, name=name)
    return text("courier_tracking", language, tracking=tracking or "")


def resident_values(
    request: Request, service: Service | None, language: str, code: str
) -> dict[str, str]:
    """What the `out_for_delivery` message and its template fill in besides service and ticket."""
    address = delivery_address(request, service)
    return {
        "address": address or text("your_address", language),
        "courier": courier_words(language, request.courier_name, request.courier_tracking),
        "code": code,
    }
