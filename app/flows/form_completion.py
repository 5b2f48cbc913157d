"""A submitted WhatsApp Flow form (`nfm_reply`): the same checks as chat, then the summary.

The completion is matched to the draft by the token of the form offered for it (the caller
looks it up from `context.id`, the message that carried the form, and reads the one in the
payload); an unknown or stale token gets a clear word and nothing is stored. Answers go through
the chat's validators; files become `StoreMedia` like photos sent in chat, so the media worker,
the locker and the intake checks judge them, and the verdicts come back as `DocumentChecked`.
Once every file is judged the resident hears, in one message, what was taken and what failed;
`advance` then asks only what is still missing (the failed items, in the form's order) and
shows the summary to confirm, as in chat.
"""

from __future__ import annotations

from app.flows import renewal_form
from app.flows.answers import refusal
from app.flows.catalog import DocumentSpec, Service
from app.flows.events import StoreMedia
from app.flows.files import copy_of, media_kind, remember
from app.flows.forms import split_payload
from app.flows.inputs import DocumentChecked, FormSubmitted, MediaInput
from app.flows.progress import advance
from app.flows.prompts import applies, ask
from app.flows.recall_reply import reuse_for_form
from app.flows.session import Draft, FormState, Received
from app.flows.turn import Turn
from app.flows.validators import nik_warnings, validate

# Tokens of completed forms remembered to recognise a second submission of the same form.
MAX_FORMS_DONE = 10


def on_submitted(turn: Turn, item: FormSubmitted) -> None:
    """Take in a completed form, or say why it cannot be taken."""
    session = turn.session
    session.reminded = False
    token = renewal_form.token_of(item)
    if item.renewal is not None and not renewal_form.opens(turn, item, token):
        _refuse(turn, None)
        return
    draft = session.draft
    form = draft.form if draft is not None else None
    if token is not None and token in session.forms_done:
        _refuse(turn, "form_reply.duplicate")
        return
    if draft is None or form is None or token != form.token or form.submitted:
        _refuse(turn, "form_reply.stale")
        return
    form.submitted = True
    session.forms_done = [*session.forms_done, token][-MAX_FORMS_DONE:]
    service = turn.service()
    if draft.correction is None:
        reuse_for_form(turn, draft)  # the form showed what is kept: it is not asked again
    _take_answers(turn, service, draft, form, item)
    if form.pending:
        form.checked = True  # the resident hears back once the locker judged every file
        turn.say("form_reply.checking")
        return
    _conclude(turn)


def on_checked(turn: Turn, checked: DocumentChecked) -> bool:
    """The locker's verdict on a file of the form; False when it is not about one."""
    draft = turn.session.draft
    form = draft.form if draft is not None else None
    if draft is None or form is None or not form.submitted:
        return False
    entry = next((p for p in form.pending if p.split(":", 1)[0] == checked.requirement), None)
    if entry is None:
        return False
    form.pending.remove(entry)
    key, kind = entry.split(":", 1)
    spec = turn.service().document(key)
    label = spec.label.get(turn.lang) if spec is not None else key
    if not checked.accepted:
        reason = checked.reason or "unknown"
        known = turn.setup.messages.has(f"reject.{reason}")
        _problem(
            form, ("document", key), turn.t(f"reject.{reason if known else 'unknown'}", label=label)
        )
    elif copy_of(draft, checked.sha256) is None:
        remember(
            draft,
            Received(
                requirement=key,
                document_id=checked.document_id,
                pages=max(1, checked.pages),
                kind=kind,
                sha256=checked.sha256,
            ),
        )
    if not form.pending:
        _conclude(turn)
    return True


def _take_answers(
    turn: Turn, service: Service, draft: Draft, form: FormState, item: FormSubmitted
) -> None:
    answers = split_payload(service, item.payload)
    wanted = set(draft.correction.items) if draft.correction is not None else None
    codes = {variant.code for variant in service.variants}
    if wanted is None and answers.variant in codes:
        draft.variant = answers.variant
    for spec in service.fields:  # in order: a condition may depend on an earlier answer
        if not applies(spec, draft) or (wanted is not None and ("field", spec.key) not in wanted):
            continue
        value = answers.fields.get(spec.key)
        if value is None or isinstance(value, dict | list):
            if not spec.required and spec.key not in draft.fields:
                draft.skipped = [*dict.fromkeys([*draft.skipped, spec.key])]
            continue
        verdict = validate(
            spec, str(value), today=turn.today, answers=draft.fields, service=service
        )
        if verdict.ok:
            draft.fields[spec.key] = verdict.value
            draft.skipped = [key for key in draft.skipped if key != spec.key]
        else:
            draft.fields.pop(spec.key, None)
            line, label = refusal(turn, spec, verdict), spec.label.get(turn.lang)
            # The line must name the answer it is about: "NIK yang Anda kirim ..." does.
            named = label.lower() in line.lower()
            _problem(form, ("field", spec.key), line if named else f"{label}: {line}")
    draft.warnings = nik_warnings(service, draft.fields, today=turn.today)
    for document in service.documents:
        if not applies(document, draft) or (
            wanted is not None and ("document", document.key) not in wanted
        ):
            continue
        files = answers.documents.get(document.key, [])
        if not files and document.min == 0 and document.key not in draft.done_documents:
            draft.done_documents.append(document.key)
        _store_files(turn, service, document, form, files)


def _store_files(
    turn: Turn, service: Service, spec: DocumentSpec, form: FormState, files: list[object]
) -> None:
    """Ask the locker to store each picked file that can be this document."""
    label = spec.label.get(turn.lang)
    for file in files[: spec.max]:
        media = _media_of(file)
        kind = media_kind(media) if media is not None else None
        if media is None or kind is None or kind not in spec.kinds:
            accepted = "image_pdf" if len(spec.kinds) > 1 else spec.kinds[0]
            line = turn.t("document.wrong_kind", label=label, kinds=turn.t(f"kinds.{accepted}"))
            _problem(form, ("document", spec.key), line)
            continue
        turn.emit(
            StoreMedia(
                spec.key,
                media.media_id,
                media.mime_type,
                media.sha256,
                media.filename,
                service.code,
            )
        )
        form.pending.append(f"{spec.key}:{kind}")


def _media_of(file: object) -> MediaInput | None:
    """A picker's file (`{file_name, mime_type, sha256, id}`) as the media the chat receives."""
    if not isinstance(file, dict) or not isinstance(file.get("id"), str) or not file["id"]:
        return None
    mime = str(file.get("mime_type") or "application/octet-stream")
    sha256 = file.get("sha256")
    name = file.get("file_name")
    return MediaInput(
        kind="image" if mime.startswith("image/") else "document",
        media_id=file["id"],
        mime_type=mime,
        sha256=sha256 if isinstance(sha256, str) and sha256 else None,
        filename=name if isinstance(name, str) and name else None,
    )


def _problem(form: FormState, item: tuple[str, str], line: str) -> None:
    """Remember one failed item (once per item: the first reason is the one to fix)."""
    if all(tuple(known[:2]) != item for known in form.problems):
        form.problems.append((*item, line))


def _conclude(turn: Turn) -> None:
    """Every answer and file is judged: say what failed, then ask only that (or the summary)."""
    draft = turn.draft()
    service = turn.service()
    form = draft.form
    assert form is not None
    failed_documents = {key for kind, key, _ in form.problems if kind == "document"}
    for spec in service.documents:
        enough = draft.pages.get(spec.key, 0) >= max(spec.min, 1)
        if enough and spec.key not in failed_documents and spec.key not in draft.done_documents:
            draft.done_documents.append(spec.key)
    lines = [turn.t("form_reply.checked" if form.checked else "form_reply.received")]
    if form.problems:
        lines.append(turn.t("form_reply.problems"))
        lines += [f"• {line}" for _, _, line in form.problems]
        lines.append(turn.t("form_reply.ask_again"))
    form.problems = []
    turn.note("\n".join(lines))
    draft.doc = None
    advance(turn)


def _refuse(turn: Turn, key: str | None) -> None:
    """A form that is not taken: one line (already noted when `key` is None), then the open
    question again (or the menu)."""
    session = turn.session
    if key is not None:
        turn.note(turn.t(key))
    if session.awaiting is None or session.awaiting.kind == "submitting":
        if session.awaiting is None:
            turn.wait_for("resume" if session.draft is not None else "menu")
        else:
            turn.flush_note()
            return
    ask(turn)
