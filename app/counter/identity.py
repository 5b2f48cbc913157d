"""Who the request is for: the resident behind a phone number, or behind an NIK.

The phone number is what the resident will follow the request on, so it becomes the WhatsApp id
Meta sends for that number (`62812…`: country code and number, digits only). An NIK finds the
resident through their earlier requests; when it names nobody, or several people, the operator is
asked for the phone number instead.

A lookup reveals only what the counter needs. An NIK finds a resident only through requests the
operator may see (their offices' requests): an NIK known only to another office gets the same
answer as an unknown one, so the counter cannot be used to learn another office's residents or
their numbers. A phone number the operator typed says whether Loket knows it (the page shows the
name masked). Every lookup is audited (`resident_lookup`: by what, the masked number, the result).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import phonenumbers
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import AuditAction, record
from app.counter import repository
from app.counter.forms import CounterForm, FieldError
from app.flows import IdentityError, parse_nik
from app.flows.catalog import Catalog
from app.operators.service import Scope
from app.requests.masking import mask_identity_number
from app.residents.models import Resident

DEFAULT_REGION = "ID"
MAX_INPUT = 40
# Step 2 looks the same number up again on every view and post: one audit row per half hour.
AUDIT_AGAIN_AFTER = timedelta(minutes=30)
_MOBILE = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def wa_id_of(text: str) -> str | None:
    """`0812…`, `+62 812…` or `62812…` as the WhatsApp id `62812…`; None if not a mobile number.

    A landline cannot receive the resident's WhatsApp messages, so it is refused here.
    """
    text = text.strip()[:MAX_INPUT]
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in _MOBILE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


@dataclass(frozen=True)
class Applicant:
    """The resident a counter request is for.

    `resident` is None for someone Loket has not met: they are created, with `wa_id`, when the
    request is taken down. `nik` is the NIK the operator typed to find them, if any.
    """

    wa_id: str | None
    resident: Resident | None
    nik: str | None = None

    @property
    def phone(self) -> str:
        """The number as carried from one step to the next (the WhatsApp id, or empty)."""
        return self.wa_id or ""


@dataclass(frozen=True)
class Lookup:
    """Who looks a resident up: what they may see (`scope`) and what the audit log records."""

    actor: str
    scope: Scope
    office_id: int | None
    ip: str | None
    now: datetime


async def find_applicant(
    session: AsyncSession, catalog: Catalog, *, phone: str, nik: str, today: date, by: Lookup
) -> tuple[Applicant | None, dict[str, FieldError]]:
    """The applicant named by `phone` and/or `nik`, or errors by input ("phone", "nik").

    The phone number decides when both are given; an NIK alone must lead to exactly one
    resident who already applied with it at an office `by.scope` covers.
    """
    phone, nik = phone.strip()[:MAX_INPUT], nik.strip()[:MAX_INPUT]
    errors: dict[str, FieldError] = {}
    number: str | None = None
    if nik:
        try:
            number = parse_nik(nik, today=today).number
        except IdentityError as exc:
            errors["nik"] = FieldError(f"nik_{exc.code}", dict(exc.params))
    if phone:
        wa_id = wa_id_of(phone)
        if wa_id is None:
            errors["phone"] = FieldError("phone")
        if errors or wa_id is None:
            return None, errors
        resident = await repository.resident_by_wa_id(session, wa_id)
        await _audit(session, by, "phone", wa_id, "known" if resident else "new", resident)
        return Applicant(wa_id, resident, number), {}
    if errors:
        return None, errors
    if number is None:
        return None, {"phone": FieldError("identity_missing")}
    keys = catalog.nik_field_keys()
    found = await repository.residents_with_nik(session, number, keys, scope=by.scope)
    if len(found) != 1:
        result = "ambiguous" if found else await _unknown_here(session, number, keys)
        await _audit(session, by, "nik", number, result, None)
        return None, {"phone": FieldError("nik_ambiguous" if found else "nik_unknown")}
    resident = await session.get(Resident, found[0])
    assert resident is not None  # its request refers to it (ON DELETE RESTRICT)
    await _audit(session, by, "nik", number, "found", resident)
    return Applicant(resident.wa_id, resident, number), {}


async def _unknown_here(session: AsyncSession, nik: str, keys: tuple[str, ...]) -> str:
    """For the audit log only: "other_office" when requests outside the scope hold the NIK."""
    elsewhere = await repository.residents_with_nik(session, nik, keys, scope=None, limit=1)
    return "other_office" if elsewhere else "unknown"


async def _audit(
    session: AsyncSession,
    by: Lookup,
    kind: str,
    value: str,
    result: str,
    resident: Resident | None,
) -> None:
    """One `resident_lookup` row, unless this operator looked the same number up just now."""
    target = f"{kind}:{mask_identity_number(value)}"
    since = by.now - AUDIT_AGAIN_AFTER
    if await repository.looked_up_since(session, by.actor, target, result, since):
        return
    detail: dict[str, object] = {"by": kind, "result": result}
    if resident is not None:
        detail["resident_id"] = resident.id
    record(
        session,
        actor=by.actor,
        action=AuditAction.RESIDENT_LOOKUP,
        target=target,
        office_id=by.office_id,
        ip=by.ip,
        detail=detail,
        at=by.now,
    )


def prefill(form: CounterForm, applicant: Applicant) -> dict[str, str]:
    """What step 1 already told, as answers: the NIK into the form's first NIK question, the
    number into its first phone question (written as in Indonesia, 0812…)."""
    values: dict[str, str] = {}
    nik_field = next((f for f in form.fields if f.spec.validator == "nik"), None)
    if nik_field is not None and applicant.nik:
        values[nik_field.key] = applicant.nik
    phone_field = next((f for f in form.fields if f.spec.validator == "phone"), None)
    if phone_field is not None and applicant.wa_id:
        wa_id = applicant.wa_id
        values[phone_field.key] = "0" + wa_id[2:] if wa_id.startswith("62") else "+" + wa_id
    return values
