"""The village pre-check (Cari Besi): check a file against the service's checklist, forward it.

The village office where the resident lives checks the file before the district (or regency)
sees it: is each document readable and right, do the answers match the documents. It notes
what is wrong and forwards the file; the handling office reads exactly what was checked. The
result lives in the request's history (EVENT_PRECHECK, the latest one counts) so it keeps the
labels the village saw even if the catalog changes later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import AuditAction, record
from app.flows.catalog.schema import LocalText, Service
from app.operators.service import Scope
from app.requests import repository
from app.requests.models import EVENT_FORWARDED, EVENT_PRECHECK, Request, RequestEvent
from app.requests.status import RequestStatus

OK, PROBLEM = "ok", "problem"
VERDICTS = (OK, PROBLEM)
# The village checks a file before the handling office starts on it, not while it is worked on.
AWAITING = frozenset({RequestStatus.SUBMITTED.value, RequestStatus.IN_REVIEW.value})
FIELDS_KEY = "fields"
DOCUMENT_PREFIX = "doc:"
MAX_ITEM_NOTE = 500
MAX_NOTE = 2000
FIELDS_LABEL = LocalText(id="Data isian sesuai dokumen", en="Answers match the documents")


class PrecheckError(Exception):
    """The pre-check cannot be saved or forwarded; `code` names why (the dashboard's key)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CheckItem:
    """One thing the village checks."""

    key: str
    label: LocalText


@dataclass(frozen=True)
class CheckedItem:
    """One checklist item as the village answered it."""

    key: str
    label: LocalText
    result: str
    note: str | None

    @property
    def problem(self) -> bool:
        return self.result == PROBLEM


@dataclass(frozen=True)
class PrecheckResult:
    """A saved pre-check: who, when, each item, and the general note."""

    actor: str
    at: datetime
    items: list[CheckedItem]
    note: str | None

    @property
    def ok_count(self) -> int:
        return sum(1 for item in self.items if not item.problem)

    @property
    def problem_count(self) -> int:
        return sum(1 for item in self.items if item.problem)


@dataclass(frozen=True)
class PrecheckState:
    """What the history says: the latest saved pre-check and the forwarding, if any."""

    saved: PrecheckResult | None
    forwarded: RequestEvent | None


def _applies(when: Mapping[str, list[str]] | None, request: Request) -> bool:
    if not when:
        return True
    for name, values in when.items():
        value = request.variant if name == "variant" else request.fields.get(name)
        if value not in values:
            return False
    return True


def _document_label(label: LocalText) -> LocalText:
    return LocalText(id=f"{label.id}: terbaca dan sesuai", en=f"{label.en}: readable and correct")


def checklist(
    service: Service | None, request: Request, attached: Iterable[str]
) -> list[CheckItem]:
    """The items to check, in order: each document attached or required, then the answers.

    A document counts when it is attached, or required (min ≥ 1) for the request's variant and
    answers. A requirement attached but no longer in the catalog is checked under its key.
    """
    present = list(dict.fromkeys(attached))
    items: list[CheckItem] = []
    specs = service.documents if service else []
    for spec in specs:
        if spec.key in present or (spec.min >= 1 and _applies(spec.when, request)):
            items.append(CheckItem(DOCUMENT_PREFIX + spec.key, _document_label(spec.label)))
    known = {spec.key for spec in specs}
    for key in present:
        if key not in known:
            label = _document_label(LocalText(id=key, en=key))
            items.append(CheckItem(DOCUMENT_PREFIX + key, label))
    if any(value not in (None, "") for value in request.fields.values()):
        items.append(CheckItem(FIELDS_KEY, FIELDS_LABEL))
    return items


async def checklist_of(
    session: AsyncSession, service: Service | None, request: Request
) -> list[CheckItem]:
    """The checklist for `request`, reading which documents are attached."""
    attached = await repository.documents_of(session, request.id)
    return checklist(service, request, [link.requirement for link in attached])


def awaiting(request: Request) -> bool:
    """The request has a village pre-check that is not forwarded yet, and is still open for it."""
    return (
        request.precheck_office_id is not None
        and request.prechecked_at is None
        and request.status in AWAITING
    )


def may_precheck(scope: Scope, request: Request) -> bool:
    """The village's side: the scope covers the pre-checking office but not the handling one.

    The handling office (a district, whose scope includes its villages) reads the result but
    does not pre-check for the village. An admin without an office may do both.
    """
    if scope is None:
        return True
    return request.precheck_office_id in scope and request.office_id not in scope


def _result_of(event: RequestEvent) -> PrecheckResult:
    items = [
        CheckedItem(
            key=str(raw.get("key", "")),
            label=LocalText.model_validate(raw.get("label") or {"id": "?", "en": "?"}),
            result=str(raw.get("result", "")),
            note=raw.get("note"),
        )
        for raw in event.data.get("items") or []
    ]
    return PrecheckResult(event.actor, event.at, items, event.note)


async def state_of(session: AsyncSession, request: Request) -> PrecheckState:
    """The latest saved pre-check and the forwarding of `request`, from its history."""
    saved: RequestEvent | None = None
    forwarded: RequestEvent | None = None
    for event in await repository.history_of(session, request.id):
        kind = (event.data or {}).get("kind")
        if kind == EVENT_PRECHECK:
            saved = event
        elif kind == EVENT_FORWARDED:
            forwarded = event
    return PrecheckState(_result_of(saved) if saved else None, forwarded)


def _check_open(scope: Scope, request: Request) -> None:
    if request.precheck_office_id is None:
        raise PrecheckError("none", "this request has no village pre-check")
    if not may_precheck(scope, request):
        raise PrecheckError("forbidden", "only the pre-checking village may do this")
    if request.prechecked_at is not None:
        raise PrecheckError("forwarded", "the pre-check was already forwarded")
    if request.status not in AWAITING:
        raise PrecheckError("closed", f"a {request.status} request is no longer pre-checked")


def _clean_note(raw: str | None, limit: int) -> str | None:
    note = (raw or "").strip()
    if len(note) > limit or "\x00" in note:
        raise PrecheckError("bad_note", f"a note is longer than {limit} characters or unreadable")
    return note or None


def _answers(
    items: Sequence[CheckItem], given: Mapping[str, tuple[str, str | None]]
) -> list[dict[str, Any]]:
    unknown = sorted(set(given) - {item.key for item in items})
    if unknown:
        raise PrecheckError("unknown_item", f"{unknown[0]!r} is not on the checklist")
    answered: list[dict[str, Any]] = []
    for item in items:
        if item.key not in given or given[item.key][0] not in VERDICTS:
            raise PrecheckError("incomplete", f"{item.key!r} is not answered ok or problem")
        result, raw_note = given[item.key]
        note = _clean_note(raw_note, MAX_ITEM_NOTE)
        if result == PROBLEM and note is None:
            raise PrecheckError("problem_note", f"say what is wrong with {item.key!r}")
        answered.append(
            {"key": item.key, "label": item.label.model_dump(), "result": result, "note": note}
        )
    return answered


async def save_precheck(
    session: AsyncSession,
    request: Request,
    *,
    service: Service | None,
    scope: Scope,
    actor: str,
    items: Mapping[str, tuple[str, str | None]],
    note: str | None,
    now: datetime,
) -> RequestEvent:
    """Record the village's check of every checklist item; a later save replaces an earlier one.

    Raises PrecheckError before writing anything when the request does not await this
    village's pre-check, or an item is unanswered, unknown, or a problem without a note.
    """
    _check_open(scope, request)
    answered = _answers(await checklist_of(session, service, request), items)
    general = _clean_note(note, MAX_NOTE)
    problems = sum(1 for item in answered if item["result"] == PROBLEM)
    event = RequestEvent(
        request_id=request.id,
        at=now,
        actor=actor,
        from_status=None,
        to_status=None,
        note=general,
        data={
            "kind": EVENT_PRECHECK,
            "items": answered,
            "ok": len(answered) - problems,
            "problems": problems,
            "office_id": request.precheck_office_id,
        },
    )
    session.add(event)
    await session.flush()
    return event


async def forward(
    session: AsyncSession,
    request: Request,
    *,
    scope: Scope,
    actor: str,
    now: datetime,
    ip: str | None = None,
) -> RequestEvent:
    """Forward the saved pre-check to the handling office, once; summary and audit row."""
    _check_open(scope, request)
    saved = (await state_of(session, request)).saved
    if saved is None:
        raise PrecheckError("not_saved", "save the pre-check before forwarding it")
    request.prechecked_at = now
    request.updated_at = now
    summary = {"ok": saved.ok_count, "problems": saved.problem_count}
    event = RequestEvent(
        request_id=request.id,
        at=now,
        actor=actor,
        from_status=None,
        to_status=None,
        data={"kind": EVENT_FORWARDED, **summary, "office_id": request.office_id},
    )
    session.add(event)
    record(
        session,
        actor=actor,
        action=AuditAction.FORWARDED,
        target=request.ticket,
        office_id=request.office_id,
        ip=ip,
        detail={**summary, "precheck_office_id": request.precheck_office_id},
        at=now,
    )
    await session.flush()
    return event
