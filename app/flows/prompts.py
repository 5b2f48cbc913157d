"""Asking the question the engine is waiting for (`ask`), including the menu and the summary."""

from __future__ import annotations

from datetime import date
from typing import NoReturn

from app.flows import delivery_choice, proxy_pickup, recall, survey
from app.flows.album_prompt import ask_confirmation
from app.flows.catalog import DocumentSpec, FieldSpec
from app.flows.context import RequestSummary
from app.flows.identity import mask_number
from app.flows.locker_reuse import reusable_document
from app.flows.more_pages import offer_more, open_for_more
from app.flows.reach import condition_holds
from app.flows.session import Draft
from app.flows.switch_prompt import ask_switch
from app.flows.turn import DefinitionError, Option, Turn

# Statuses in which a resident may still cancel a submitted request (contract §6).
CANCELLABLE = frozenset({"submitted", "in_review", "needs_correction"})
# Answers the summary shows masked: the NIK and the KK number.
IDENTITY_NUMBERS = frozenset({"nik", "kk"})


def ask(turn: Turn) -> None:
    """Send the prompt for whatever `session.awaiting` says (nothing when it is None)."""
    awaiting = turn.session.awaiting
    if awaiting is None:
        return
    match awaiting.kind:
        case "menu":
            menu(turn)
        case "variant":
            _variant(turn)
        case "field":
            _field(turn, turn.service().field(awaiting.key or ""))
        case "document":
            _document(turn, turn.service().document(awaiting.key or ""))
        case "reuse":
            _reuse(turn)
        case "album":
            ask_confirmation(turn)
        case "confirm":
            _confirm(turn)
        case "edit":
            _edit(turn)
        case "submitting":
            turn.say("submit.wait")
        case "resume":
            name = turn.service().names.get(turn.lang)
            yes, no = turn.t("resume.continue"), turn.t("resume.restart")
            turn.offer(turn.t("resume.ask", service=name), [Option("yes", yes), Option("no", no)])
        case "cancel":
            yes, no = turn.t("cancel.accept"), turn.t("cancel.decline")
            turn.offer(_cancel_question(turn), [Option("yes", yes), Option("no", no)])
        case "cancel_pick":
            _cancel_pick(turn)
        case "operator_offer":
            options = [
                Option("agent", turn.t("operator.call")),
                Option("retry", turn.t("operator.retry")),
            ]
            turn.offer(turn.t("operator.offer"), options)
        case "language":
            options = [Option("lang:id", "Bahasa Indonesia"), Option("lang:en", "English")]
            turn.offer(turn.t("language.ask"), options)
        case "survey":
            survey.ask_element(turn)
        case "switch":
            ask_switch(turn)
        case "subject" | "recall" | "consent":
            recall.ask(turn)
        case "proxy_name" | "proxy_nik" | "proxy_confirm":
            proxy_pickup.ask(turn)
        case "delivery_address":
            _delivery_address(turn)


def _delivery_address(turn: Turn) -> None:
    """Where to deliver: for the draft at its summary, or for a submitted request (its ticket)."""
    awaiting, draft = turn.session.awaiting, turn.session.draft
    ticket = awaiting.key if awaiting else None
    if ticket is None:
        code = draft.service if draft else None
    else:
        code = next(
            (r.service_code for r in turn.context.open_requests if r.ticket == ticket), None
        )
    service = turn.catalog.services.get(code) if code else None
    name = service.names.get(turn.lang) if service else ""
    if ticket is not None:
        name = turn.t("delivery.numbered", service=name, ticket=ticket)
    turn.send_text(turn.t("delivery.address_ask", service=name))


def menu(turn: Turn, *, greet: bool = False) -> None:
    """The list of services (after a hello when `greet`), with a row to continue a draft."""
    options: list[Option] = []
    draft = turn.session.draft
    if draft is not None and draft.ticket is None:
        name = turn.service(draft.service).names.get(turn.lang)
        options.append(Option("resume", turn.t("menu.resume", service=name)))
    for service in turn.catalog.ordered:
        options.append(
            Option(
                f"svc:{service.code}", service.names.get(turn.lang), service.summary.get(turn.lang)
            )
        )
    options.append(Option("cmd:status", turn.t("menu.status"), turn.t("menu.status_hint")))
    options.append(Option("cmd:agent", turn.t("menu.agent"), turn.t("menu.agent_hint")))
    page = turn.session.awaiting.page if turn.session.awaiting else 0
    body = turn.t("menu.body")
    if greet:
        body = f"{greeting(turn)}\n{body}"
    turn.offer(body, options, label_key="menu.button", page=page)


def greeting(turn: Turn) -> str:
    """The opening line, with the resident's name when we know it."""
    name = turn.context.name or turn.t("common.sir_madam")
    return turn.t("menu.greeting", name=name, office=turn.setup.office_name)


def _variant(turn: Turn) -> None:
    service = turn.service()
    options = [
        Option(
            f"var:{variant.code}",
            variant.title.get(turn.lang),
            variant.description.get(turn.lang) if variant.description else "",
        )
        for variant in service.variants
    ]
    page = turn.session.awaiting.page if turn.session.awaiting else 0
    turn.offer(turn.t("ask.variant", service=service.names.get(turn.lang)), options, page=page)


def _field(turn: Turn, spec: FieldSpec | None) -> None:
    if spec is None:
        raise_missing(turn)
        return
    body = spec.prompt.get(turn.lang)
    if not spec.required:
        body = f"{body}\n{turn.t('ask.optional')}"
    if spec.validator != "choice":
        turn.send_text(body)
        return
    options = [Option(f"opt:{choice.id}", choice.title.get(turn.lang)) for choice in spec.choices]
    page = turn.session.awaiting.page if turn.session.awaiting else 0
    turn.offer(body, options, page=page)


def _document(turn: Turn, spec: DocumentSpec | None) -> None:
    if spec is None:
        raise_missing(turn)
        return
    progress = open_for_more(turn, spec)
    if progress is not None:  # pages are in: not "send the KK" again, but "any other page?"
        offer_more(turn, spec, progress)
        return
    label = spec.label.get(turn.lang)
    lines = [spec.prompt.get(turn.lang) if spec.prompt else turn.t("document.ask", label=label)]
    if spec.note is not None:
        lines.append(spec.note.get(turn.lang))
    kinds = "image_pdf" if len(spec.kinds) > 1 else spec.kinds[0]
    lines.append(turn.t(f"document.kinds_{kinds}"))
    if spec.min > 1:
        lines.append(turn.t("document.count", count=spec.min))
    if spec.min == 0:
        lines.append(turn.t("document.optional"))
    turn.send_text("\n".join(lines))


def _reuse(turn: Turn) -> None:
    awaiting = turn.session.awaiting
    spec = turn.service().document(awaiting.key or "") if awaiting else None
    if spec is None:
        raise_missing(turn)
    stored = reusable_document(turn, spec)
    if stored is None:  # the locker changed since the offer: ask for the document instead
        turn.wait_for("document", spec.key)
        _document(turn, spec)
        return
    body = turn.t(
        "document.reuse_ask",
        label=spec.label.get(turn.lang),
        date=turn.date_text(turn.local_date(stored.accepted_at)),
    )
    yes, no = turn.t("document.reuse_yes"), turn.t("document.reuse_no")
    turn.offer(body, [Option("yes", yes), Option("no", no)])


def _confirm(turn: Turn) -> None:
    turn.offer(summary(turn), delivery_choice.confirm_options(turn))


def summary(turn: Turn) -> str:
    """The answers and documents of the draft, for the resident to check."""
    draft, service = turn.draft(), turn.service()
    lines = [turn.t("confirm.title", service=service.names.get(turn.lang))]
    variant = service.variant(draft.variant)
    if variant is not None:
        lines.append(f"• {turn.t('confirm.variant')}: {variant.title.get(turn.lang)}")
    for spec in service.fields:
        if applies(spec, draft) and spec.key in draft.fields:
            shown = show_answer(turn, spec, draft)
            if spec.key in draft.derived:  # taken from the NIK, not typed: say so
                shown = f"{shown} ({turn.t('confirm.derived')})"
            lines.append(f"• {spec.label.get(turn.lang)}: {shown}")
    for doc in service.documents:
        if applies(doc, draft) and doc.key in draft.done_documents and draft.documents.get(doc.key):
            lines.append(f"📄 {doc.label.get(turn.lang)}: {_document_status(turn, doc, draft)}")
    if any(code.endswith("_mismatch") for codes in draft.warnings.values() for code in codes):
        lines.append(turn.t("confirm.warning"))  # a NIK from another region was told already
    lines.append(delivery_choice.question(turn))
    return "\n".join(lines)


def show_answer(turn: Turn, spec: FieldSpec, draft: Draft) -> str:
    """An answer as the resident reads it (choice titles, dates in words, identity numbers
    masked: the summary stays in the chat, on a phone that others pick up, and in our outbox).
    """
    value = draft.fields[spec.key]
    if spec.validator in IDENTITY_NUMBERS and isinstance(value, str):
        return mask_number(value)
    if spec.validator == "choice":
        choice = next((c for c in spec.choices if c.id == value), None)
        return choice.title.get(turn.lang) if choice else str(value)
    if spec.validator == "date":
        return turn.date_text(date.fromisoformat(str(value)))
    return str(value)


def _document_status(turn: Turn, spec: DocumentSpec, draft: Draft) -> str:
    if spec.key in draft.reused:
        return turn.t("confirm.reused")
    count = draft.pages.get(spec.key, 0)
    unit = turn.t("document.photos" if draft.images_only.get(spec.key, True) else "document.pages")
    return f"{count} {unit} ✅"


def _edit(turn: Turn) -> None:
    draft, service = turn.draft(), turn.service()
    options: list[Option] = []
    if service.variants:
        options.append(Option("var", turn.t("confirm.variant")))
    options += [
        Option(f"fld:{spec.key}", spec.label.get(turn.lang))
        for spec in service.fields
        if applies(spec, draft) and (spec.key in draft.fields or spec.key in draft.skipped)
    ]
    options += [
        Option(f"doc:{spec.key}", f"📄 {spec.label.get(turn.lang)}")
        for spec in service.documents
        if applies(spec, draft) and spec.key in draft.done_documents
    ]
    page = turn.session.awaiting.page if turn.session.awaiting else 0
    turn.offer(turn.t("edit.ask"), options, page=page)


def _cancel_question(turn: Turn) -> str:
    awaiting = turn.session.awaiting
    if awaiting is not None and awaiting.target:
        return turn.t("cancel.ask_ticket", ticket=awaiting.target)
    name = turn.service().names.get(turn.lang)
    return turn.t("cancel.ask_draft", service=name)


def _cancel_pick(turn: Turn) -> None:
    options = [
        Option(f"tkt:{request.ticket}", request.ticket, _service_name(turn, request.service_code))
        for request in cancellable(turn)
    ]
    turn.offer(turn.t("cancel.pick"), options)


def cancellable(turn: Turn) -> list[RequestSummary]:
    """Open requests a resident may still cancel (before processing starts)."""
    return [r for r in turn.context.open_requests if r.status in CANCELLABLE]


def _service_name(turn: Turn, code: str) -> str:
    service = turn.catalog.services.get(code)
    return service.names.get(turn.lang) if service else code


def applies(item: FieldSpec | DocumentSpec, draft: Draft) -> bool:
    """True when the item's condition holds for the draft's answers so far."""
    return condition_holds(item, draft.variant, draft.fields)


def raise_missing(turn: Turn) -> NoReturn:
    """The snapshot points at an item the service no longer has."""
    awaiting = turn.session.awaiting
    raise DefinitionError(f"the service has no item {awaiting.key if awaiting else None!r}")
