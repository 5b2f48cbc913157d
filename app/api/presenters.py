"""Turn the domain's rows into the API's JSON shapes (contract §5).

The rows come from `app.requests.queries` already masked where a list shows them: a list item
hides what `app.requests.masking` says a list must not show, the single request shows it all.
"""

from __future__ import annotations

from typing import Any

from app.api.schemas import (
    CollectorOut,
    CourierOut,
    DocumentOut,
    FieldOut,
    HistoryEntryOut,
    LocalTextOut,
    RequestOut,
    RequestPageOut,
    RequestSummaryOut,
    RequirementOut,
    ResidentOut,
    ServiceOut,
    VariantOut,
)
from app.flows.catalog import Service
from app.locker import Document
from app.requests.masking import mask_identity_number
from app.requests.models import Request, RequestDocument, RequestEvent
from app.requests.queries import ListedRequest, RequestInFull, RequestPage


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


def _courier(request: Request) -> CourierOut | None:
    if not (request.courier_name or request.courier_tracking):
        return None
    return CourierOut(name=request.courier_name, tracking=request.courier_tracking)


def _summary_values(item: ListedRequest) -> dict[str, Any]:
    request, resident = item.request, item.resident
    return {
        "ticket": request.ticket,
        "service": request.service_code,
        "variant": request.variant,
        "status": request.status,
        "resident": ResidentOut(wa_id=resident.wa_id, user_id=resident.user_id, name=resident.name),
        "fields": item.fields,
        "warnings": list(request.warnings or []),
        "documents": [_document(link, document) for link, document in item.documents],
        "office": item.office,
        "channel": request.channel,
        "delivery": request.delivery,
        "assigned_to": item.assignee,
        "courier": _courier(request),
        "due_date": request.due_date,
        "submitted_at": request.submitted_at,
        "completed_at": request.completed_at,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
    }


def _collector(request: Request, *, masked: bool) -> CollectorOut | None:
    if not request.proxy_name:
        return None
    nik = request.proxy_nik
    return CollectorOut(
        name=request.proxy_name, nik=mask_identity_number(nik) if nik and masked else nik
    )


def request_summary(item: ListedRequest) -> RequestSummaryOut:
    """A list item: every field of the request but its history, personal data masked."""
    return RequestSummaryOut(
        **_summary_values(item), collector=_collector(item.request, masked=True)
    )


def request_page(page: RequestPage) -> RequestPageOut:
    """A page of list items and the cursor to the next one."""
    return RequestPageOut(
        items=[request_summary(item) for item in page.items], next_cursor=page.next_cursor
    )


def _history_kind(event: RequestEvent) -> str | None:
    data = event.data or {}
    if "kind" in data:
        return str(data["kind"])
    return "message" if "message" in data else None


def request_detail(item: RequestInFull) -> RequestOut:
    """One request in full, with its history (internal notes included: this is for operators)."""
    return RequestOut(
        **_summary_values(item),
        collector=_collector(item.request, masked=False),
        history=[
            HistoryEntryOut(
                at=event.at,
                actor=event.actor,
                from_=event.from_status,
                to=event.to_status,
                note=event.note,
                kind=_history_kind(event),
            )
            for event in item.history
        ],
    )
