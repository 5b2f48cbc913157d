"""The document screens of a form: one picker per screen, one file per picker.

A document that needs several files (`min` > 1) gets one screen per file (`DOC_<KEY>`,
`DOC_<KEY>_B`, …). A conditional document's picker binds `visible` to its condition (pickers
cannot sit in an `If`) and, like a reusable one the locker may hold, is optional: the server
checks completeness when the form comes back and asks in the chat for what is missing. A screen
a resident lands on without needing it says so in one line.
"""

from __future__ import annotations

from typing import Any

from app.flows.catalog.schema import DocumentSpec, Service
from app.flows.forms import keys
from app.flows.forms.conditions import Applicability, clauses, expression, negation
from app.flows.forms.limits import SCREEN_TITLE, TEXT_LIMITS
from app.flows.forms.model import FormContext, Screen

ACCEPTED_MIME_TYPES = {"pdf": ["application/pdf"], "image": ["image/jpeg", "image/png"]}


def document_screens(service: Service, form: FormContext) -> list[Screen]:
    """Every document's screens, in catalog order."""
    screens = []
    for index, spec in enumerate(service.documents):
        pages = keys.picker_pages(spec)
        for page in range(1, pages + 1):
            screens.append(_document_screen(form, index, spec, page, pages))
    return screens


def _document_screen(
    form: FormContext, index: int, spec: DocumentSpec, page: int, pages: int
) -> Screen:
    screen_id = keys.screen_id(f"doc_{spec.key}", page - 1)
    applies = Applicability(spec.when, keys.held_key(spec.key) if spec.reusable else None)
    label = spec.label.get(form.language)
    title = label if len(label) <= SCREEN_TITLE else form.texts("form.document_title")
    screen = Screen(screen_id, title, applies=applies)
    if spec.when is not None:
        hidden = negation(clauses(spec.when, form.locate, screen_id))
        not_needed = {"type": "TextBody", "text": form.texts("form.not_needed")}
        screen.children.append({"type": "If", "condition": hidden, "then": [not_needed]})
    if spec.reusable:
        held = form.prefill(keys.held_key(spec.key), screen_id)
        held_text = {"type": "TextBody", "text": form.texts("form.held")}
        screen.children.append({"type": "If", "condition": held, "then": [held_text]})
    if pages > 1:
        label = form.texts("form.page", label=label, page=page, pages=pages)
    screen.children.append(_picker(form, index, spec, page, label, screen_id))
    return screen


def _picker(
    form: FormContext, index: int, spec: DocumentSpec, page: int, label: str, screen: str
) -> dict[str, Any]:
    photo = "pdf" not in spec.kinds
    kind = "PhotoPicker" if photo else "DocumentPicker"
    required = spec.min >= 1 and spec.when is None and not spec.reusable
    picker: dict[str, Any] = {
        "type": kind,
        "name": keys.picker_key(spec.key, page),
        "label": label,
        "description": _description(form, spec, kind),
    }
    if photo:
        picker["photo-source"] = "camera_gallery"
        picker["min-uploaded-photos"] = 1 if required else 0
        picker["max-uploaded-photos"] = 1
        picker["max-file-size-kb"] = form.limits.photo_max_kb
    else:
        accepted = [kind_ for kind_ in ("pdf", "image") if kind_ in spec.kinds]
        picker["allowed-mime-types"] = [m for k in accepted for m in ACCEPTED_MIME_TYPES[k]]
        picker["min-uploaded-documents"] = 1 if required else 0
        picker["max-uploaded-documents"] = 1
        picker["max-file-size-kb"] = form.limits.document_max_kb
    if spec.when is not None:
        picker["visible"] = expression(clauses(spec.when, form.locate, screen))
    if len(label) > TEXT_LIMITS[kind]["label"]:
        reason = f"document label '{label}' is longer than a picker label may be (80)"
        form.problem(("documents", index, "label", form.language), reason)
    return picker


def _description(form: FormContext, spec: DocumentSpec, kind: str) -> str:
    """The catalog's note and prompt, then how to take the photo; the first parts give way
    when it is longer than a picker description may be."""
    notes = [text.get(form.language) for text in (spec.note, spec.prompt) if text is not None]
    notes.append(form.texts("form.photo_hint" if kind == "PhotoPicker" else "form.file_hint"))
    if spec.min == 0:
        notes.append(form.texts("form.optional"))
    while len(" ".join(notes)) > TEXT_LIMITS[kind]["description"] and len(notes) > 1:
        notes.pop(0)
    return " ".join(notes)
