"""Answers about remembered data: the subject picked, "Pakai data ini?", the consent, and the
commands "hapus data saya" (forget), "simpan data saya" (agree later) and "perpanjang" after an
expiry reminder."""

from __future__ import annotations

import re
from collections.abc import Callable

from app.flows import form_offer, recall, recall_reading
from app.flows.events import ForgetMemory, MemoryConsent, ReuseDocument
from app.flows.inputs import ChoiceInput, MediaInput, ResidentInput, text_of
from app.flows.progress import advance, start_service
from app.flows.prompts import ask
from app.flows.session import Draft
from app.flows.textmatch import is_no, is_yes, normalize
from app.flows.turn import Turn

Handler = Callable[[Turn, ResidentInput], None]

_MINE = r"(data\s*(saya|sy|ku|aku|sya)|dataku|my\s+(data|details))"
FORGET = re.compile(rf"\b(hapus|hapuskan|lupakan|lupain|delete|forget|erase)\b.*\b{_MINE}\b")
KEEP = re.compile(rf"\b(simpan|ingat|remember|keep|save)\b.*\b{_MINE}\b")
RENEW_WORDS = frozenset({"perpanjang", "perpanjangan", "renew", "panjangkan", "extend"})
RENEW_CHOICE = "renew"
EDIT_WORDS = frozenset({"ubah", "ganti", "edit", "change", "beda", "lain", "berubah"})
NEW_WORDS = frozenset({"baru", "lain", "new", "other", "another"})


def intercept(turn: Turn, item: ResidentInput) -> bool:
    """True (and handled) for "hapus data saya", "simpan data saya", or a renewal reply."""
    text = text_of(item)
    said = normalize(text) if text else ""
    if said and FORGET.search(said):
        _forget(turn)
        return True
    if said and KEEP.search(said) and turn.context.memory.consent is not True:
        turn.emit(MemoryConsent(True))
        _remember_last(turn)
        _tell(turn, "memory.kept")
        return True
    renewal = turn.context.memory.renewal
    tapped = isinstance(item, ChoiceInput) and item.id == RENEW_CHOICE
    typed = bool(said) and said.split()[0] in RENEW_WORDS and len(said.split()) <= 2
    if renewal is None or not (tapped or typed) or turn.session.draft is not None:
        return False
    code, _kind, key = renewal
    if code not in turn.catalog.services:
        return False
    label = next((s.label for s in turn.context.memory.subjects if s.key == key), key)
    start_service(turn, code, label)
    return True


def _forget(turn: Turn) -> None:
    turn.emit(ForgetMemory())
    draft = turn.session.draft
    if draft is not None and turn.session.awaiting and turn.session.awaiting.kind == "recall":
        draft.recall_done = True  # nothing kept to offer any more: ask the questions
        turn.note(turn.t("memory.forgotten"))
        advance(turn)
        return
    _tell(turn, "memory.forgotten")


def _tell(turn: Turn, key: str) -> None:
    """Say `key`, then ask the open question again (if any)."""
    awaiting = turn.session.awaiting
    if awaiting is None or awaiting.kind in ("consent", "menu"):
        turn.session.awaiting = None
        turn.say(key)
        return
    turn.note(turn.t(key))
    ask(turn)


def on_subject(turn: Turn, item: ResidentInput) -> None:
    """Which subject (boat) this request is about: a remembered one, or a new one."""
    draft, service = turn.draft(), turn.service()
    spec = service.memory.subject if service.memory else None
    if spec is None:
        draft.recall_done = True
        advance(turn)
        return
    text = text_of(item) or ""
    choice = item.id if isinstance(item, ChoiceInput) else None
    known = {s.key for s in recall.subjects(turn, spec)}
    if choice is not None and choice.startswith("subj:"):
        picked = choice[5:]
        draft.subject = picked if picked in known else recall.NEW_SUBJECT
    elif (named := recall.subject_in(turn, service, text)) is not None:
        draft.subject = named
    elif text and set(normalize(text).split()) & NEW_WORDS:
        draft.subject = recall.NEW_SUBJECT
    else:
        turn.note(turn.t("memory.subject_unclear"))
        ask(turn)
        return
    advance(turn)


def on_recall(turn: Turn, item: ResidentInput) -> None:
    """ "Pakai data ini?": yes reuses everything offered; "Ubah" asks the questions as before."""
    draft, service = turn.draft(), turn.service()
    text = text_of(item) or ""
    choice = item.id if isinstance(item, ChoiceInput) else None
    memory = service.memory
    if memory is None:
        draft.recall_done = True
        advance(turn)
        return
    if isinstance(item, MediaInput) and item.kind != "sticker":
        # The old SIPI's photo instead of "Ya": what is kept is reused, the photo taken.
        _reuse(turn, draft, recall.offer(turn, memory, draft))
        draft.recall_done = True
        turn.note(turn.t("memory.reused_by_file"))
        if not recall_reading.file_for_first_document(turn, item):
            advance(turn)
        return
    if choice == "yes" or (choice is None and recall_reading.says_reuse(text)):
        _reuse(turn, draft, recall.offer(turn, memory, draft))
    elif choice == "edit" or is_no(text) or set(normalize(text).split()) & EDIT_WORDS:
        form_offer.offer_to_change(turn, service, recall.offer(turn, memory, draft))
        if draft.subject:  # a changed boat is asked as a new one: its old papers are not offered
            draft.subject = recall.NEW_SUBJECT
        draft.recall_done = True
        advance(turn)
        return
    else:
        turn.note(turn.t("confirm.unclear"))
        ask(turn)
        return
    draft.recall_done = True
    advance(turn)


def reuse_for_form(turn: Turn, draft: Draft) -> None:
    """A submitted form that opened with the remembered data stands for "Ya": reuse what is
    kept (the answers the form sends back win), and offer it no more for this draft."""
    memory = turn.service().memory
    if draft.recall_done or memory is None or turn.context.memory.consent is not True:
        return
    _reuse(turn, draft, recall.offer(turn, memory, draft))
    draft.recall_done = True


def _reuse(turn: Turn, draft: Draft, offer: recall.Offer) -> None:
    draft.fields.update(offer.fields)
    for key in offer.skipped:
        if key not in draft.skipped:
            draft.skipped.append(key)
    for key, ids in offer.documents.items():
        for document_id in ids:
            turn.emit(ReuseDocument(key, document_id))
        draft.documents[key] = list(ids)
        draft.pages[key] = len(ids)
        draft.reused.append(key)
        draft.done_documents.append(key)


def after_submission(turn: Turn, ticket: str) -> bool:
    """After a new request is stored: keep its data (consent given) or ask for consent once.

    True when the consent question was asked.
    """
    draft = turn.session.submitted.get(ticket)
    service = turn.catalog.services.get(draft.service) if draft is not None else None
    if draft is None or service is None or service.memory is None:
        return False
    consent = turn.context.memory.consent
    if consent:
        event = recall.remember_event(turn, draft)
        if event is not None:
            turn.emit(event)
        return False
    if consent is None and turn.session.draft is None and turn.session.parked is None:
        turn.wait_for("consent", target=ticket)
        ask(turn)
        return True
    return False


def on_consent(turn: Turn, item: ResidentInput, as_usual: Handler) -> None:
    """Yes keeps the data of the request just sent; no keeps nothing. Anything else is read as
    usual (the resident moved on)."""
    text = text_of(item) or ""
    choice = item.id if isinstance(item, ChoiceInput) else None
    if choice == "yes" or (choice is None and is_yes(text)):
        turn.session.awaiting = None
        turn.emit(MemoryConsent(True))
        _remember_last(turn)
        turn.say("memory.kept")
    elif choice == "no" or (choice is None and is_no(text)):
        turn.session.awaiting = None
        turn.emit(MemoryConsent(False))
        turn.say("memory.not_kept")
    else:
        turn.session.awaiting = None
        as_usual(turn, item)


def _remember_last(turn: Turn) -> None:
    """Keep the data of the newest submitted request."""
    if not turn.session.submitted:
        return
    last = list(turn.session.submitted.values())[-1]
    event = recall.remember_event(turn, last)
    if event is not None:
        turn.emit(event)
