"""Remembered data offered again: which subject (a boat), and one "Pakai data ini?" question.

A resident who agreed that Loket keeps their data is not asked again for what it holds: their
own data (the catalog's `memory.person`: NIK, name, KK number, address, phone), the documents in
the locker the service may reuse, and, per subject (`memory.subject`, a fisher's boat), that
subject's answers and papers. The offer is one short list and one question; "Ya" reuses all of
it, "Ubah" goes through the questions as before. This module decides and asks; the answers are
read in `recall_reply.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.flows.catalog import Service
from app.flows.catalog.schema import MemorySpec, SubjectSpec
from app.flows.context import RememberedSubject
from app.flows.events import Remember
from app.flows.identity import mask_number
from app.flows.locker_reuse import reusable_document
from app.flows.reach import condition_holds
from app.flows.session import Draft
from app.flows.turn import Option, Turn

NEW_SUBJECT = ""  # `Draft.subject` when the resident chose a subject not remembered yet
# Words in front of a boat's name that are not part of it ("KM Bintang Laut" is "Bintang Laut").
_PREFIXES = frozenset({"km", "kmn", "kapal", "mv", "perahu", "boat"})
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Offer:
    """What "Ya" reuses: answers, documents, and fields left to the officer."""

    fields: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def subject_key(text: str) -> str:
    """A subject's name as compared: lower case words, without "KM" or "kapal" in front."""
    words = _WORD.findall(text.lower())
    while words and words[0] in _PREFIXES:
        words = words[1:]
    return " ".join(words)


def subjects(turn: Turn, spec: SubjectSpec) -> list[RememberedSubject]:
    """The resident's remembered subjects of this kind (their consent holding)."""
    memory = turn.context.memory
    if not memory.consent:
        return []
    return [item for item in memory.subjects if item.kind == spec.kind]


def subject_in(turn: Turn, service: Service, text: str | None) -> str | None:
    """The remembered subject a first message names ("perpanjang sipi KM Bintang Laut")."""
    spec = service.memory.subject if service.memory else None
    if spec is None or not text:
        return None
    said = f" {' '.join(_WORD.findall(text.lower()))} "
    for item in subjects(turn, spec):
        if item.key and f" {item.key} " in said:
            return item.key
    return None


def pending(turn: Turn) -> bool:
    """Before the first question of a new draft: ask which subject, or offer what is kept.

    True when a question was set; False (once and for all for this draft) when there is
    nothing to offer: no consent, nothing remembered, or a correction.
    """
    draft, service = turn.draft(), turn.service()
    memory = service.memory
    if draft.recall_done or draft.ticket is not None or draft.correction is not None:
        return False
    if memory is None or not turn.context.memory.consent:
        draft.recall_done = True
        return False
    if memory.subject is not None and draft.subject is None and subjects(turn, memory.subject):
        turn.wait_for("subject")
        return True
    if offer(turn, memory, draft).lines:
        turn.wait_for("recall")
        return True
    draft.recall_done = True
    return False


def chosen(turn: Turn, spec: SubjectSpec, draft: Draft) -> RememberedSubject | None:
    """The remembered subject the draft is about, if one was chosen."""
    return next((s for s in subjects(turn, spec) if s.key and s.key == draft.subject), None)


def offer(turn: Turn, memory: MemorySpec, draft: Draft) -> Offer:
    """What may be reused for this draft, and the lines that show it."""
    service, found = turn.service(), Offer()
    answers = dict(draft.fields)
    subject = chosen(turn, memory.subject, draft) if memory.subject else None
    if subject is not None and memory.subject is not None:
        _subject_part(turn, memory.subject, subject, found, answers)
    person = turn.context.memory.person
    shown: list[str] = []
    for key, attribute in memory.person.items():
        spec = service.field(key)
        value = person.get(attribute)
        if spec is None or value is None or key in answers:
            continue
        if condition_holds(spec, draft.variant, answers):
            found.fields[key] = answers[key] = value
            shown.append(_shown(turn, spec.label.get(turn.lang), attribute, value))
    found.lines += [f"• {line}" for line in shown]
    papers = []
    for doc in service.documents:
        if doc.key in found.documents or doc.key in draft.done_documents:
            continue
        stored = reusable_document(turn, doc)
        if stored is not None and condition_holds(doc, draft.variant, answers):
            found.documents[doc.key] = [stored.document_id]
            papers.append(doc.label.get(turn.lang))
    if papers:
        found.lines.append(f"📄 {', '.join(papers)}")
    return found


def _subject_part(
    turn: Turn, spec: SubjectSpec, subject: RememberedSubject, found: Offer, answers: dict[str, Any]
) -> None:
    """The subject in one line: its answers, then its papers, then the implied answers."""
    service = turn.service()
    parts = [subject.label]
    for key in spec.fields:
        field_spec = service.field(key)
        if key in subject.fields and field_spec is not None and key not in spec.keys:
            parts.append(_choice_title(turn, key, subject.fields[key]))
        if key in subject.fields:
            found.fields[key] = answers[key] = subject.fields[key]
    for key, value in spec.kept.items():
        found.fields[key] = answers[key] = value
    if spec.expires and subject.expires_on is not None:
        found.fields[spec.expires] = answers[spec.expires] = subject.expires_on.isoformat()
        parts.append(turn.t("memory.valid_until", date=turn.date_text(subject.expires_on)))
    found.skipped += [key for key in spec.from_documents if key not in answers]
    papers = []
    for key in spec.documents:
        doc = service.document(key)
        if doc is not None and subject.documents.get(key):
            found.documents[key] = list(subject.documents[key])
            papers.append(doc.label.get(turn.lang))
    line = f"{spec.label.get(turn.lang)}: {', '.join(parts)}"
    if papers:
        line += f"; 📄 {', '.join(papers)}"
    found.lines.append(f"• {line}")


def _choice_title(turn: Turn, key: str, value: Any) -> str:
    spec = turn.service().field(key)
    if spec is not None and spec.validator == "choice":
        choice = next((c for c in spec.choices if c.id == value), None)
        return choice.title.get(turn.lang) if choice else str(value)
    if spec is not None and spec.key == "gt":
        return f"{value} GT"
    return str(value)


def _shown(turn: Turn, label: str, attribute: str, value: str) -> str:
    shown = mask_number(value) if attribute in ("nik", "kk") else value
    return f"{label}: {shown}"


def ask(turn: Turn) -> None:
    """Ask the open memory question: which subject, the offer, or the consent."""
    awaiting = turn.session.awaiting
    kind = awaiting.kind if awaiting else None
    if kind == "consent":
        yes, no = turn.t("memory.consent_yes"), turn.t("memory.consent_no")
        turn.offer(turn.t("memory.consent_ask"), [Option("yes", yes), Option("no", no)])
        return
    service = turn.service()
    memory = service.memory
    if memory is None:
        return
    if kind == "subject" and memory.subject is not None:
        spec = memory.subject
        options = [Option(f"subj:{s.key}", s.label) for s in subjects(turn, spec)][:9]
        other = turn.t("memory.subject_new", label=_lower(turn, spec))
        options.append(Option("subj:new", other[:1].upper() + other[1:]))
        turn.offer(turn.t("memory.subject_ask", label=_lower(turn, spec)), options)
        return
    found = offer(turn, memory, turn.draft())
    body = "\n".join([turn.t("memory.offer_title"), *found.lines, turn.t("memory.offer_ask")])
    yes, edit = turn.t("memory.offer_yes"), turn.t("memory.offer_edit")
    turn.offer(body, [Option("yes", yes), Option("edit", edit)])


def _lower(turn: Turn, spec: SubjectSpec) -> str:
    return spec.label.get(turn.lang).lower()


def remember_event(turn: Turn, draft: Draft) -> Remember | None:
    """What to keep of a submitted draft for next time, or None when the service keeps nothing."""
    service = turn.catalog.services.get(draft.service)
    memory = service.memory if service is not None else None
    if memory is None:
        return None
    person: dict[str, str] = {
        attribute: str(draft.fields[key])
        for key, attribute in memory.person.items()
        if draft.fields.get(key) not in (None, "")
    }
    spec = memory.subject
    names = [str(draft.fields[key]) for key in spec.keys if key in draft.fields] if spec else []
    if spec is None or len(names) != len(spec.keys):
        return Remember(service=draft.service, person=person)
    label = " ".join(names)
    documents = {
        key: list(draft.documents[key])
        for key in spec.documents
        if key in draft.done_documents and draft.documents.get(key)
    }
    return Remember(
        service=draft.service,
        person=person,
        subject=[spec.kind, subject_key(label), label],
        fields={key: draft.fields[key] for key in spec.fields if key in draft.fields},
        documents=documents,
        expires_on=_expiry(spec, draft),
    )


def _expiry(spec: SubjectSpec, draft: Draft) -> str | None:
    """The end of the renewed permit: the old one's end moved on by `renews_for_months`."""
    raw = draft.fields.get(spec.expires) if spec.expires else None
    if not raw:
        return None
    ends = date.fromisoformat(str(raw))
    month = ends.month - 1 + spec.renews_for_months
    year, month = ends.year + month // 12, month % 12 + 1
    for day in (ends.day, 30, 29, 28):  # 31 January + 1 month is the end of February
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return None
