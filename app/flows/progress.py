"""Moving a draft forward: which question comes next, starting a service, submitting.

The walk over a service's items is where a looping definition would spin (an item whose `next`
points back while every item on the loop is skipped); every visited item costs one step of the
turn's budget, so such a definition ends in a `Failure` instead of a hang.
"""

from __future__ import annotations

from app.flows import derived, form_offer, recall
from app.flows.catalog import DocumentSpec, FieldSpec, Service
from app.flows.events import CancelRequest, SubmitRequest
from app.flows.locker_reuse import reusable_document
from app.flows.prompts import applies, ask
from app.flows.reach import SUMMARY
from app.flows.session import DocProgress, Draft
from app.flows.textmatch import Option, pick_option
from app.flows.turn import Turn


def start_service(turn: Turn, code: str, text: str | None = None) -> None:
    """Begin a request for `code`, or offer to continue or drop a different unfinished one."""
    session = turn.session
    service = turn.service(code)
    if session.draft is not None and session.draft.ticket is None:
        if session.draft.service == code:
            advance(turn)
            return
        turn.wait_for("resume", target=code)
        ask(turn)
        return
    session.draft = Draft(id=turn.setup.new_id(), service=code)
    session.draft.variant = variant_in(service, text) if text else None
    session.draft.subject = recall.subject_in(turn, service, text)
    lines = [turn.t("service.intro", service=service.names.get(turn.lang))]
    lines.append(service.fee.note.get(turn.lang))
    lines.append(turn.t("service.days", days=service.service_days))
    lines.append(turn.t("memory.privacy" if turn.context.memory.consent else "service.privacy"))
    turn.send_text("\n".join(lines))
    form_offer.offer(turn, service)  # the form beside the chat, when the service has one
    advance(turn)


def variant_in(service: Service, text: str) -> str | None:
    """The variant a first message already names ("ktp saya hilang" → hilang)."""
    options = [
        Option(variant.code, (variant.title.id, variant.title.en), variant.keywords)
        for variant in service.variants
    ]
    if text.strip().isdigit():
        return None
    found = pick_option(text, options)
    return found.id if found else None


def advance(turn: Turn) -> None:
    """Ask the next open question of the draft, or show the summary, or submit a correction."""
    draft, service = turn.draft(), turn.service()
    turn.session.tries = 0
    derived.fill(turn)  # what the NIK and the birth date give is not asked
    if draft.correction is not None:
        item = _next_correction(turn, service, draft)
        if item is None:
            submit(turn)
            return
    elif service.variants and draft.variant is None and not derived.variant_later(service, draft):
        turn.wait_for("variant")
        ask(turn)
        return
    elif recall.pending(turn):
        ask(turn)
        return
    else:
        item = next_item(turn, service, draft)
    if item is None:
        draft.doc = None
        turn.wait_for("confirm")
    elif isinstance(item, FieldSpec):
        draft.doc = None
        turn.wait_for("field", item.key)
    elif item.key not in draft.declined_reuse and reusable_document(turn, item) is not None:
        turn.wait_for("reuse", item.key)
    else:
        if draft.doc is None or draft.doc.key != item.key:
            draft.doc = DocProgress(key=item.key)
        turn.wait_for("document", item.key)
    ask(turn)


def next_item(turn: Turn, service: Service, draft: Draft) -> FieldSpec | DocumentSpec | None:
    """The first item that applies and is not answered yet, following `next` jumps."""
    items = service.items
    positions = {item.key: index for index, item in enumerate(items)}
    index = 0
    while index < len(items):
        turn.step()
        item = items[index]
        if applies(item, draft) and not is_done(item, draft):
            return item
        if item.next is None:
            index += 1
        elif item.next == SUMMARY:
            return None
        else:
            index = positions.get(item.next, len(items))
    return None


def _next_correction(turn: Turn, service: Service, draft: Draft) -> FieldSpec | DocumentSpec | None:
    assert draft.correction is not None
    for section, key in draft.correction.items:
        turn.step()
        item = service.field(key) if section == "field" else service.document(key)
        if item is not None and not is_done(item, draft):
            return item
    return None


def is_done(item: FieldSpec | DocumentSpec, draft: Draft) -> bool:
    """True when a field is answered or skipped, or a document complete."""
    if isinstance(item, FieldSpec):
        return item.key in draft.fields or item.key in draft.skipped
    return item.key in draft.done_documents


def submit(turn: Turn) -> None:
    """Hand the draft to the caller to persist; the answer comes as SubmissionAccepted."""
    draft, service = turn.draft(), turn.service()
    fields = {
        spec.key: draft.fields[spec.key]
        for spec in service.fields
        if applies(spec, draft) and spec.key in draft.fields
    }
    documents = {
        spec.key: list(draft.documents.get(spec.key, []))
        for spec in service.documents
        if applies(spec, draft)
        and spec.key in draft.done_documents
        and draft.documents.get(spec.key)
    }
    warnings = {key: list(codes) for key, codes in draft.warnings.items() if key in fields}
    turn.emit(
        SubmitRequest(
            service=service.code,
            variant=draft.variant,
            fields=fields,
            documents=documents,
            language=turn.lang,
            ticket=draft.ticket,
            warnings=warnings,
            draft_id=draft.id,
            delivery=draft.delivery or service.delivery.ways[0],
            delivery_address=draft.delivery_address if draft.delivery == "home" else None,
        )
    )
    turn.wait_for("submitting")


def drop_draft(turn: Turn) -> None:
    """Forget the unsubmitted draft and tell the caller it is cancelled."""
    turn.session.draft = None
    turn.session.awaiting = None
    turn.emit(CancelRequest(None))
