"""Taking a request down at the counter: the resident, their files, the request, the message.

`check_posted` runs every check on a posted form (`forms`, `uploads`) and writes nothing;
`take_down` then writes. The files are stored as the locker stores any file (each ingest
commits on its own, as it does for chat media), then the request is submitted on the counter's
channel with the operator as the actor, the resident is told on WhatsApp how to follow it, and
the intake is audited. Those last steps commit together with the page's unit of work.

Where the request goes is the requests domain's routing: the counter's office is the origin (a
village counter makes that village the pre-checking office of a district's request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from app.audit.service import AuditAction, record
from app.bot import messages
from app.config import Settings
from app.counter.forms import CheckedAnswers, CounterForm, FieldError, check_answers
from app.counter.identity import Applicant
from app.counter.uploads import CheckedFiles, FileChecks, check_files, files_of
from app.db import commit_keeping_loaded
from app.flows.catalog import Catalog, Service
from app.intake import service as intake_service
from app.intake.service import requirement_for
from app.locker import BlobStore, DocumentStatus, store_upload
from app.notifications.catalog import text
from app.offices.models import Office
from app.outbox import delivery
from app.requests import service as requests
from app.requests.calendar import promised_date
from app.requests.models import Request
from app.requests.service import AttachedDocument
from app.residents.models import Resident
from app.residents.repository import resolve_residents

CHANNEL = "counter"
TEMPLATE = "loket_permohonan_dicatat"
# The applicant's own name in the catalog ("nama"); other name fields are a child's, a parent's.
NAME_FIELD = "nama"


@dataclass(frozen=True)
class CounterIntake:
    """A checked counter form, ready to be taken down at `office`."""

    service: Service
    variant: str | None
    answers: dict[str, Any]
    warnings: dict[str, list[str]]
    files: CheckedFiles  # checked copies by requirement, only requirements that apply
    applicant: Applicant
    office: Office


@dataclass(frozen=True)
class Checked:
    """A posted counter form after every check: the intake to take down, or the errors.

    `files` holds the spooled copies the checks ran on; `discard` drops whatever was not kept.
    """

    intake: CounterIntake | None
    errors: dict[str, FieldError]
    answers: CheckedAnswers
    files: FileChecks

    async def discard(self) -> None:
        await self.files.discard()


async def check_posted(
    session: AsyncSession,
    catalog: Catalog,
    form: CounterForm,
    applicant: Applicant,
    posted: FormData,
    *,
    own_office_id: int | None,
    today: date,
) -> Checked:
    """Answers, office and files of a posted form, all checked; nothing is written.

    The office is the operator's own; an administrator without one names it (`office`). The
    caller calls `Checked.discard` when done (the checked copies of the files are spooled).
    """
    raw = {field.key: str(posted.get(field.input_name) or "") for field in form.fields}
    answers = check_answers(form, raw, today=today)
    errors = dict(answers.errors)
    office = await _office(session, own_office_id, str(posted.get("office") or "").strip())
    if office is None:
        errors["office"] = FieldError("office")
    # Nothing is written yet: end the page's read transaction before the checks, which take
    # seconds (on SQLite an open transaction holds the database's write lock).
    await commit_keeping_loaded(session)
    files = files_of(posted, form.documents)
    service = form.service
    checks = await check_files(catalog, service.code, form.documents, answers.documents, files)
    errors |= checks.errors
    if errors or office is None:
        return Checked(None, errors, answers, checks)
    wanted = [spec.key for spec in answers.documents if spec.key in files]
    ready = CounterIntake(
        service=service,
        variant=form.variant,
        answers=answers.values,
        warnings=answers.warnings,
        files={key: checks.checked[key] for key in wanted},
        applicant=applicant,
        office=office,
    )
    return Checked(ready, {}, answers, checks)


async def _office(session: AsyncSession, own_office_id: int | None, chosen: str) -> Office | None:
    office_id = own_office_id
    if office_id is None and chosen.isdigit() and len(chosen) < 12:
        office_id = int(chosen)
    return await session.get(Office, office_id) if office_id is not None else None


class UploadNotKept(Exception):
    """A file that passed the checks could not be kept after all (the store failed)."""

    def __init__(self, requirement: str, reason: str) -> None:
        super().__init__(f"{requirement}: {reason}")
        self.requirement = requirement
        self.reason = reason


@dataclass(frozen=True)
class _Identity:
    """A phone number as `resolve_residents` takes an inbound update's sender."""

    wa_id: str
    user_id: str | None = None
    profile_name: str | None = None
    username: str | None = None


async def take_down(
    session: AsyncSession,
    intake: CounterIntake,
    *,
    catalog: Catalog,
    settings: Settings,
    store: BlobStore,
    actor: str,
    ip: str | None,
    now: datetime,
) -> Request:
    """Create the resident if new, keep the files, submit the request, tell and audit it.

    Raises `UploadNotKept` when the store refuses a file; files kept before it stay in the
    locker unattached, where retention removes them like any abandoned upload.
    """
    service = intake.service
    resident = intake.applicant.resident or await _new_resident(session, intake)
    attached = await _keep_files(session, catalog, store, intake, resident)
    warnings = [f"{key}: {code}" for key, codes in intake.warnings.items() for code in codes]
    request = await requests.submit(
        session,
        resident_id=resident.id,
        service_code=service.code,
        variant=intake.variant,
        fields=intake.answers,
        documents=attached,
        language=resident.language,
        office_level=service.office_level,
        ticket_prefix_override=service.ticket_prefix,
        due_date=promised_date(settings, now, service.service_days),
        now=now,
        local_today=now.astimezone(settings.tz).date(),
        warnings=warnings,
        channel=CHANNEL,
        origin_office_id=intake.office.id,
        actor=actor,
    )
    await intake_service.bind_to_request(session, documents=attached, ticket=request.ticket)
    await _tell_resident(session, settings, resident, request, service, intake.office, now)
    record(
        session,
        actor=actor,
        action=AuditAction.COUNTER_INTAKE,
        target=request.ticket,
        office_id=intake.office.id,
        ip=ip,
        detail={
            "service": service.code,
            "resident_id": resident.id,
            "new_resident": intake.applicant.resident is None,
            "documents": len(attached),
        },
        at=now,
    )
    return request


async def _new_resident(session: AsyncSession, intake: CounterIntake) -> Resident:
    """The resident for a number Loket has not seen (or one that wrote in the meantime)."""
    wa_id = intake.applicant.wa_id
    assert wa_id is not None  # an applicant found by NIK alone is always a known resident
    ids = await resolve_residents(session, [_Identity(wa_id)])
    resident = await session.get(Resident, ids[(None, wa_id)])
    assert resident is not None
    name = intake.answers.get(NAME_FIELD)
    if resident.name is None and isinstance(name, str):
        resident.name = name
    return resident


async def _keep_files(
    session: AsyncSession,
    catalog: Catalog,
    store: BlobStore,
    intake: CounterIntake,
    resident: Resident,
) -> list[AttachedDocument]:
    attached: list[AttachedDocument] = []
    for key, uploads in intake.files.items():
        requirement = requirement_for(catalog, intake.service.code, key)
        for checked in uploads:
            document = await store_upload(
                session, store, checked, resident_id=resident.id, requirement=requirement
            )
            if document.status != DocumentStatus.ACCEPTED:
                raise UploadNotKept(key, document.reason or document.status)
            attached.append(AttachedDocument(key, document.id))
    return attached


async def _tell_resident(
    session: AsyncSession,
    settings: Settings,
    resident: Resident,
    request: Request,
    service: Service,
    office: Office,
    now: datetime,
) -> None:
    """Where and under which number the request was recorded: free-form inside the 24-hour
    window, else the approved template (a new resident has never written: always a template)."""
    language = resident.language
    values = {
        "service": service.names.get(language),
        "ticket": request.ticket,
        "office": office.name,
    }
    await delivery.deliver(
        session,
        settings=settings,
        resident=resident,
        bodies=messages.text(text("counter_created", language, **values)),
        ticket=request.ticket,
        now=now,
        origin=CHANNEL,
        template=(TEMPLATE, values),
    )
