"""Assisted intake: an operator takes down a request at the counter.

Step 1 (`GET /counter`) picks the service (and variant) and names the resident by phone number
and/or NIK; it redirects to step 2 (`GET /counter/{service}?variant=&phone=&nik=`), the service's
form, which is posted back to the same URL (multipart, CSRF-checked). A form error re-renders it
with every value kept and each reason next to its input (422); success redirects to the new
request's page (PRG). The checks and writes live in `app.counter`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.counter import repository
from app.counter.forms import (
    CounterForm,
    FieldError,
    build_form,
    parse_pick,
)
from app.counter.identity import Applicant, Lookup, find_applicant, prefill
from app.counter.service import UploadNotKept, check_posted, take_down
from app.counter.uploads import MAX_TOTAL_BYTES, TOTAL
from app.dashboard.auth_routes import checked_form
from app.dashboard.deps import (
    PREFIX,
    DbDep,
    LanguageDep,
    PageNotFound,
    RuntimeDep,
    ViewerDep,
    client_ip,
    render,
)
from app.dashboard.i18n import translate
from app.dashboard.security import CsrfFailed
from app.dashboard.texts import MESSAGES
from app.db import utcnow
from app.deps import writes_on_get
from app.flows.catalog import Service
from app.locker import human_size
from app.operators.service import Viewer
from app.requests import queries
from app.requests.masking import mask_name
from app.runtime import Runtime

router = APIRouter()

_TICKET = re.compile(r"^[A-Z0-9-]{1,40}$")

# The files' cap plus room for the answers and the multipart framing around them.
MAX_BODY_BYTES = MAX_TOTAL_BYTES + 2 * 1024 * 1024


def _param(request: Request, name: str, limit: int = 200) -> str:
    return (request.query_params.get(name) or "").strip()[:limit]


def _today(runtime: Runtime) -> date:
    return datetime.now(runtime.settings.tz).date()


def _lookup(request: Request, viewer: Viewer) -> Lookup:
    """The operator looking a resident up: their scope, and who the audit log names."""
    office_id = viewer.operator.office_id
    return Lookup(viewer.actor, viewer.scope, office_id, client_ip(request), utcnow())


def error_text(error: FieldError, lang: str) -> str:
    """The operator's sentence for a form error, in `lang`."""
    key = f"counter_err_{error.code}"
    params = dict(error.params)
    if "kinds" in params:
        params["kinds"] = translate(f"counter_kinds_{params['kinds']}", lang)
    return translate(key if key in MESSAGES else "counter_err_invalid", lang).format(**params)


def _errors_out(errors: Mapping[str, FieldError], lang: str) -> dict[str, dict[str, str]]:
    return {key: {"code": e.code, "text": error_text(e, lang)} for key, e in errors.items()}


def _start_page(
    request: Request,
    viewer: Viewer,
    runtime: Runtime,
    lang: str,
    values: dict[str, str],
    errors: Mapping[str, FieldError],
) -> Response:
    recorded = _param(request, "recorded", 40)
    context = {
        "operator": viewer.operator,
        "services": runtime.catalog.ordered,
        "values": values,
        "errors": _errors_out(errors, lang),
        "recorded": recorded if _TICKET.match(recorded) else None,
    }
    return render(request, "counter.html", lang, context, status_code=422 if errors else 200)


@router.get("/counter")
@writes_on_get  # looking a resident up is audited
async def counter_start(
    request: Request, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep, lang: LanguageDep
) -> Response:
    """Step 1: the service and the resident; once both check out, on to the service's form."""
    values = {
        "service": _param(request, "service", 100),
        "phone": _param(request, "phone", 40),
        "nik": _param(request, "nik", 40),
    }
    if not any(values.values()):
        return _start_page(request, viewer, runtime, lang, values, {})
    errors: dict[str, FieldError] = {}
    picked = parse_pick(runtime.catalog, values["service"])
    if picked is None:
        known = values["service"].partition(":")[0] in runtime.catalog.services
        errors["service"] = FieldError("variant" if known else "service")
    applicant, found = await find_applicant(
        db,
        runtime.catalog,
        phone=values["phone"],
        nik=values["nik"],
        today=_today(runtime),
        by=_lookup(request, viewer),
    )
    errors |= found
    if picked is None or applicant is None:
        return _start_page(request, viewer, runtime, lang, values, errors)
    return RedirectResponse(_form_url(picked[0].code, picked[1], applicant), status_code=303)


def _form_url(code: str, variant: str | None, applicant: Applicant) -> str:
    query = {"variant": variant or "", "phone": applicant.phone, "nik": applicant.nik or ""}
    kept = {name: value for name, value in query.items() if value}
    return f"{PREFIX}/counter/{code}" + (f"?{urlencode(kept)}" if kept else "")


async def _resolve(
    request: Request, viewer: Viewer, db: AsyncSession, runtime: Runtime, code: str, lang: str
) -> tuple[Service, str | None, Applicant] | Response:
    """The service, variant and applicant the step-2 URL names, or step 1 with the errors."""
    service = runtime.catalog.services.get(code)
    if service is None:
        raise PageNotFound
    variant = _param(request, "variant", 64) or None
    phone, nik = _param(request, "phone", 40), _param(request, "nik", 40)
    pick = f"{code}:{variant}" if variant else code
    values = {"service": pick, "phone": phone, "nik": nik}
    errors: dict[str, FieldError] = {}
    if parse_pick(runtime.catalog, pick) is None:
        errors["service"] = FieldError("variant")
    applicant, found = await find_applicant(
        db,
        runtime.catalog,
        phone=phone,
        nik=nik,
        today=_today(runtime),
        by=_lookup(request, viewer),
    )
    errors |= found
    if errors or applicant is None:
        return _start_page(request, viewer, runtime, lang, values, errors)
    return service, variant, applicant


async def _form_page(
    request: Request,
    viewer: Viewer,
    db: AsyncSession,
    lang: str,
    form: CounterForm,
    applicant: Applicant,
    *,
    values: dict[str, str],
    errors: Mapping[str, FieldError] | None = None,
    warnings: Mapping[str, list[str]] | None = None,
    office_id: str = "",
    status_code: int = 200,
) -> Response:
    offices = []
    if viewer.operator.office_id is None:
        offices = [
            {"id": str(office.id), "name": office.name, "depth": depth}
            for office, depth in await repository.offices_in_tree_order(db)
        ]
    service = form.service
    pick = f"{service.code}:{form.variant}" if form.variant else service.code
    context = {
        "operator": viewer.operator,
        "form": form,
        "service": service,
        "variant": service.variant(form.variant),
        "applicant": applicant,
        "applicant_name": mask_name(applicant.resident.name or "") if applicant.resident else "",
        "values": values,
        "errors": _errors_out(errors or {}, lang),
        "warnings": {
            key: [translate(f"counter_warn_{code}", lang) for code in codes]
            for key, codes in (warnings or {}).items()
        },
        "offices": offices,
        "office_id": office_id,
        "action": _form_url(service.code, form.variant, applicant),
        "restart": f"{PREFIX}/counter?" + urlencode({"service": pick}),
    }
    return render(request, "counter_form.html", lang, context, status_code=status_code)


@router.get("/counter/{code}")
@writes_on_get  # looking a resident up is audited
async def counter_form(
    request: Request,
    code: str,
    viewer: ViewerDep,
    db: DbDep,
    runtime: RuntimeDep,
    lang: LanguageDep,
) -> Response:
    """Step 2: the service's questions and one file input per document."""
    resolved = await _resolve(request, viewer, db, runtime, code, lang)
    if isinstance(resolved, Response):
        return resolved
    service, variant, applicant = resolved
    form = build_form(service, variant)
    return await _form_page(
        request, viewer, db, lang, form, applicant, values=prefill(form, applicant)
    )


@router.post("/counter/{code}")
async def counter_submit(
    request: Request,
    code: str,
    viewer: ViewerDep,
    db: DbDep,
    runtime: RuntimeDep,
    lang: LanguageDep,
) -> Response:
    """Check everything (answers, office, files); take the request down or show what is wrong."""
    resolved = await _resolve(request, viewer, db, runtime, code, lang)
    if isinstance(resolved, Response):
        return resolved
    service, variant, applicant = resolved
    form = build_form(service, variant)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        # Refused before reading: the answers are lost, but nothing this large is spooled.
        errors = {TOTAL: FieldError("total_size", {"limit": human_size(MAX_TOTAL_BYTES)})}
        return await _form_page(
            request,
            viewer,
            db,
            lang,
            form,
            applicant,
            values=prefill(form, applicant),
            errors=errors,
            status_code=413,
        )
    try:
        posted = await checked_form(request)
    except CsrfFailed:
        # The files were spooled before the token was read: close them (the parsed form is
        # cached on the request) before the error page.
        await (await request.form()).close()
        raise
    checked = None
    try:
        checked = await check_posted(
            db,
            runtime.catalog,
            form,
            applicant,
            posted,
            own_office_id=viewer.operator.office_id,
            today=_today(runtime),
        )
        values = {field.key: str(posted.get(field.input_name) or "") for field in form.fields}
        office_choice = str(posted.get("office") or "")
        if checked.intake is None:
            return await _form_page(
                request,
                viewer,
                db,
                lang,
                form,
                applicant,
                values=values,
                errors=checked.errors,
                warnings=checked.answers.warnings,
                office_id=office_choice,
                status_code=422,
            )
        try:
            made = await take_down(
                db,
                checked.intake,
                catalog=runtime.catalog,
                settings=runtime.settings,
                store=runtime.store,
                actor=viewer.actor,
                ip=client_ip(request),
                now=utcnow(),
            )
        except UploadNotKept as exc:
            await db.rollback()  # drop what the failed intake wrote; loaded rows are expired
            await db.refresh(viewer.operator)
            again = await _resolve(request, viewer, db, runtime, code, lang)
            if isinstance(again, Response):
                return again
            return await _form_page(
                request,
                viewer,
                db,
                lang,
                form,
                again[2],
                values=values,
                errors={f"doc_{exc.requirement}": FieldError(f"doc_{exc.reason}")},
                warnings=checked.answers.warnings,
                office_id=office_choice,
                status_code=422,
            )
    finally:
        if checked is not None:
            await checked.discard()
        await posted.close()
    if await queries.find_request(db, viewer.scope, made.ticket) is None:
        # Routed to an office above this operator's (a regency service taken at a district):
        # say where it went instead of sending them to a page they may not open.
        done = {"recorded": made.ticket}
        return RedirectResponse(f"{PREFIX}/counter?{urlencode(done)}", status_code=303)
    return RedirectResponse(f"{PREFIX}/requests/{made.ticket}?done=counter", status_code=303)
