"""Answers to the draft's own questions: the variant, a field, the summary, the edit list."""

from __future__ import annotations

from app.flows.inputs import ChoiceInput, MediaInput, ResidentInput, TextInput, UnsupportedInput
from app.flows.progress import advance, submit
from app.flows.prompts import ask, raise_missing
from app.flows.textmatch import Option, is_no, is_skip, is_yes, pick_option
from app.flows.turn import Turn
from app.flows.validators import nik_warnings, validate

MAX_TRIES = 3


def text_of(item: ResidentInput) -> str | None:
    """What the resident typed, or the title of what they tapped; None for anything else."""
    if isinstance(item, TextInput):
        return item.text
    if isinstance(item, ChoiceInput):
        return item.title or None
    return None


def fail(turn: Turn, message: str) -> bool:
    """Count a failed try and explain it; after 3 offer an operator. True when offered."""
    session = turn.session
    session.tries += 1
    if session.tries >= MAX_TRIES:
        session.tries = 0
        session.resume_to = session.awaiting
        turn.send_text(message)
        turn.wait_for("operator_offer")
        ask(turn)
        return True
    turn.send_text(message)
    return False


def unsupported(turn: Turn, item: ResidentInput) -> None:
    """A short, friendly word about a message we cannot read here, with the question again."""
    turn.note(unsupported_text(turn, item))
    ask(turn)


def unsupported_text(turn: Turn, item: ResidentInput, *, at_menu: bool = False) -> str:
    """The word about a message of a kind this step cannot read (a sticker, a voice note...).

    At the menu a photo or a file is most likely a document sent too early: say when to send it.
    """
    kind = "other"
    if isinstance(item, MediaInput | UnsupportedInput):
        kind = {
            "sticker": "sticker",
            "audio": "voice",
            "voice": "voice",
            "reaction": "reaction",
            "image": "media",
            "document": "media",
            "video": "media",
        }.get(item.kind, "other")
    elif not isinstance(item, TextInput | ChoiceInput):
        kind = "location"
    if at_menu and kind == "media":
        return turn.t("menu.media_first")
    return turn.t(f"unsupported.{kind}")


def on_variant(turn: Turn, item: ResidentInput) -> None:
    """The resident picked the kind of request."""
    service, draft = turn.service(), turn.draft()
    codes = {variant.code for variant in service.variants}
    code = None
    if isinstance(item, ChoiceInput) and item.id.removeprefix("var:") in codes:
        code = item.id.removeprefix("var:")
    text = text_of(item)
    if code is None and text is not None:
        options = [
            Option(variant.code, (variant.title.id, variant.title.en), variant.keywords)
            for variant in service.variants
        ]
        found = pick_option(text, options)
        code = found.id if found else None
    if code is None:
        if text is None:
            unsupported(turn, item)
        elif not fail(turn, turn.t("invalid.choice")):
            ask(turn)
        return
    draft.variant = code
    advance(turn)


def on_field(turn: Turn, item: ResidentInput) -> None:
    """The resident answered a question: validate, store, go on; or say what was wrong."""
    service, draft = turn.service(), turn.draft()
    awaiting = turn.session.awaiting
    spec = service.field(awaiting.key or "") if awaiting else None
    if spec is None:
        raise_missing(turn)
    if isinstance(item, ChoiceInput):
        choice = item.id.removeprefix("opt:")
        if item.id.startswith("opt:") and any(c.id == choice for c in spec.choices):
            _store(turn, spec.key, choice)
            return
    text = text_of(item)
    if text is None:
        unsupported(turn, item)
        return
    if not spec.required and is_skip(text):
        draft.fields.pop(spec.key, None)
        if spec.key not in draft.skipped:
            draft.skipped.append(spec.key)
        advance(turn)
        return
    verdict = validate(spec, text, today=turn.today, answers=draft.fields, service=service)
    if verdict.ok:
        _store(turn, spec.key, verdict.value)
        return
    message = turn.t(f"invalid.{verdict.error}", **verdict.params)
    if spec.example is not None and spec.validator in {"text", "name"}:
        message = f"{message}\n{turn.t('invalid.example', example=spec.example.get(turn.lang))}"
    if not fail(turn, message) and spec.validator == "choice":
        ask(turn)


def _store(turn: Turn, key: str, value: object) -> None:
    draft, service = turn.draft(), turn.service()
    draft.fields[key] = value
    if key in draft.skipped:
        draft.skipped.remove(key)
    draft.warnings = nik_warnings(service, draft.fields, today=turn.today)
    advance(turn)


def on_confirm(turn: Turn, item: ResidentInput) -> None:
    """ "Ya, kirim" submits; "Ubah data" opens the list of answers to change."""
    text = text_of(item) or ""
    options = [
        Option("yes", (turn.t("confirm.accept"), "kirim", "send")),
        Option("edit", (turn.t("confirm.edit"), "ubah", "edit", "ganti", "change")),
    ]
    chosen = item.id if isinstance(item, ChoiceInput) and item.id in {"yes", "edit"} else None
    if chosen is None and text:
        found = pick_option(text, options)
        chosen = found.id if found else ("yes" if is_yes(text) else "edit" if is_no(text) else None)
    if chosen == "yes":
        submit(turn)
    elif chosen == "edit":
        turn.wait_for("edit")
        ask(turn)
    elif text_of(item) is None:
        unsupported(turn, item)
    elif not fail(turn, turn.t("confirm.unclear")):
        ask(turn)


def on_edit(turn: Turn, item: ResidentInput) -> None:
    """The resident picked an answer or a document to change."""
    service, draft = turn.service(), turn.draft()
    choice = item.id if isinstance(item, ChoiceInput) else None
    text = text_of(item)
    if choice is None and text is not None:
        options = [Option("var", (turn.t("confirm.variant"),))]
        options += [Option(f"fld:{s.key}", (s.label.id, s.label.en)) for s in service.fields]
        options += [Option(f"doc:{s.key}", (s.label.id, s.label.en)) for s in service.documents]
        found = pick_option(text, options)
        choice = found.id if found else None
    if choice == "var" and service.variants:
        draft.variant = None
        advance(turn)
    elif choice and choice.startswith("fld:") and service.field(choice[4:]):
        turn.wait_for("field", choice[4:])
        ask(turn)
    elif choice and choice.startswith("doc:") and service.document(choice[4:]):
        _forget_document(turn, choice[4:])
        advance(turn)
    elif text is None:
        unsupported(turn, item)
    elif not fail(turn, turn.t("edit.unclear")):
        ask(turn)


def _forget_document(turn: Turn, key: str) -> None:
    draft = turn.draft()
    for collection in (draft.done_documents, draft.reused):
        if key in collection:
            collection.remove(key)
    draft.documents.pop(key, None)
    draft.pages.pop(key, None)
    draft.images_only.pop(key, None)
    if key not in draft.declined_reuse:
        draft.declined_reuse.append(key)
    draft.doc = None
