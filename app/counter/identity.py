"""Who the request is for: the resident behind a phone number, or behind an NIK.

The phone number is what the resident will follow the request on, so it becomes the WhatsApp id
Meta sends for that number (`62812…`: country code and number, digits only). An NIK finds the
resident through their earlier requests; when it names nobody, or several people, the operator is
asked for the phone number instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import phonenumbers
from sqlalchemy.ext.asyncio import AsyncSession

from app.counter import repository
from app.counter.forms import CounterForm, FieldError
from app.flows.catalog import Catalog
from app.flows.identity import IdentityError, parse_nik
from app.residents.models import Resident

DEFAULT_REGION = "ID"
MAX_INPUT = 40
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


async def find_applicant(
    session: AsyncSession, catalog: Catalog, *, phone: str, nik: str, today: date
) -> tuple[Applicant | None, dict[str, FieldError]]:
    """The applicant named by `phone` and/or `nik`, or errors by input ("phone", "nik").

    The phone number decides when both are given; an NIK alone must lead to exactly one
    resident who already applied with it.
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
        return Applicant(wa_id, await repository.resident_by_wa_id(session, wa_id), number), {}
    if errors:
        return None, errors
    if number is None:
        return None, {"phone": FieldError("identity_missing")}
    found = await repository.residents_with_nik(session, number, catalog.nik_field_keys())
    if not found:
        return None, {"phone": FieldError("nik_unknown")}
    if len(found) > 1:
        return None, {"phone": FieldError("nik_ambiguous")}
    resident = await session.get(Resident, found[0])
    assert resident is not None  # its request refers to it (ON DELETE RESTRICT)
    return Applicant(resident.wa_id, resident, number), {}


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
