"""Turn rows into the API's JSON shapes, masking personal data where a list shows it.

The single request shows every answer in full; a list item masks what `app.requests.masking`
says a list must not show (identity numbers, and what an NIK encodes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from app.api.schemas import (
    DocumentOut,
    FieldOut,
    HistoryEntryOut,
    LocalTextOut,
    RequestOut,
    RequestSummaryOut,
    RequirementOut,
    ResidentOut,
    ServiceOut,
    VariantOut,
)
from app.flows.catalog import Catalog, Service
from app.locker import Document
from app.requests.masking import masked_fields, masked_keys
from app.requests.models import Request, RequestDocument, RequestEvent
from app.residents.models import Resident

Attached = Sequence[tuple[RequestDocument, Document | None]]


def _local(text: Any) -> LocalTextOut:
    return LocalTextOut(id=text.id, en=text.en)


def service_out(service: Service) -> ServiceOut:
    return ServiceOut(
        code=service.code,
        name=_local(service.names),
        variants=[VariantOut(code=v.code, title=_local(v.title)) for v in service.variants],
        fields=[
            FieldOut(key=f.key, label=_local(f.label), validator=f.validator, required=f.required)
            for f in service.fields
        ],
        documents=[
            RequirementOut(
                key=d.key, label=_local(d.label), kinds=list(d.kinds), min=d.min, max=d.max
            )
            for d in service.documents
        ],
    )


def _document(link: RequestDocument, document: Document | None) -> DocumentOut:
    if document is None:  # the row was erased with its resident; keep the link visible
        return DocumentOut(
            id=link.document_id,
            requirement=link.requirement,
            mime_type=None,
            size=None,
            sha256=None,
            status="missing",
        )
    return DocumentOut(
        id=document.id,
        requirement=link.requirement,
        mime_type=document.mime_type,
        size=document.size,
        sha256=document.sha256,
        status="purged" if document.purged_at is not None else document.status,
    )


def _summary_values(
    request: Request,
    resident: Resident,
    attached: Attached,
    office_code: str | None,
    fields: dict[str, Any],
    assignee: str | None,
) -> dict[str, Any]:
    return {
        "ticket": request.ticket,
        "service": request.service_code,
        "variant": request.variant,
        "status": request.status,
        "resident": ResidentOut(wa_id=resident.wa_id, user_id=resident.user_id, name=resident.name),
        "fields": fields,
        "warnings": list(request.warnings or []),
        "documents": [_document(link, document) for link, document in attached],
        "office": office_code,
        "channel": request.channel,
        "assigned_to": assignee,
        "due_date": request.due_date,
        "submitted_at": request.submitted_at,
        "completed_at": request.completed_at,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
    }


def request_summary(
    catalog: Catalog,
    request: Request,
    resident: Resident,
    attached: Attached,
    office_code: str | None,
    assignee: str | None = None,
) -> RequestSummaryOut:
    """A list item: every field of the request but its history, personal data masked."""
    fields = masked_fields(request.fields or {}, masked_keys(catalog, request.service_code))
    values = _summary_values(request, resident, attached, office_code, fields, assignee)
    return RequestSummaryOut(**values)


def _history_kind(event: RequestEvent) -> str | None:
    data = event.data or {}
    if "kind" in data:
        return str(data["kind"])
    return "message" if "message" in data else None


def request_detail(
    request: Request,
    resident: Resident,
    attached: Attached,
    office_code: str | None,
    history: Iterable[RequestEvent],
    assignee: str | None = None,
) -> RequestOut:
    """One request in full, with its history (internal notes included: this is for operators)."""
    fields = dict(request.fields or {})
    values = _summary_values(request, resident, attached, office_code, fields, assignee)
    return RequestOut(
        **values,
        history=[
            HistoryEntryOut(
                at=event.at,
                actor=event.actor,
                from_=event.from_status,
                to=event.to_status,
                note=event.note,
                kind=_history_kind(event),
            )
            for event in history
        ],
    )
