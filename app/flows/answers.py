"""Answers to the draft's own questions: the variant, a field, the summary, the edit list.

A refused answer gets one short line saying what is wrong (and the buttons of the question when
it has some), never the whole prompt again; see `reask`.
"""

from __future__ import annotations

from datetime import date

from app.flows import delivery_address, delivery_choice
from app.flows.catalog import FieldSpec
from app.flows.inputs import (
    ChoiceInput,
    MediaInput,
    ResidentInput,
    TextInput,
    UnsupportedInput,
    text_of,
)
from app.flows.nonanswers import COURTESY, non_answer
from app.flows.progress import advance, submit
from app.flows.prompts import ask, raise_missing
from app.flows.reask import MAX_TRIES, reask, retry
from app.flows.summary_reply import read_summary_reply
from app.flows.textmatch import Option, is_no, is_skip, pick_option
from app.flows.turn import Turn
from app.flows.validators import Verdict, nik_warnings, validate


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
        else:
            kind = non_answer(text)
            line = not_answer_line(turn, kind, None) if kind else turn.t("invalid.choice")
            retry(turn, line, count=kind not in COURTESY)
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
    if not spec.required and (is_skip(text) or is_no(text) or non_answer(text) == "not_yet"):
        draft.fields.pop(spec.key, None)
        if spec.key not in draft.skipped:
            draft.skipped.append(spec.key)
        advance(turn)
        return
    verdict = validate(spec, text, today=turn.today, answers=draft.fields, service=service)
    if verdict.ok:
        if "read" in verdict.params:  # "kemarin": say which day we understood
            read = turn.date_text(date.fromisoformat(str(verdict.params["read"])))
            turn.note(turn.t("answer.date_read", date=read))
        _store(turn, spec.key, verdict.value)
        return
    retry(turn, refusal(turn, spec, verdict), count=verdict.kind not in COURTESY)


def refusal(turn: Turn, spec: FieldSpec, verdict: Verdict) -> str:
    """The one line that says what is wrong with a refused answer (with an example)."""
    if verdict.not_an_answer:
        return not_answer_line(turn, verdict.kind, spec)
    params = {
        name: turn.date_text(value) if isinstance(value, date) else value
        for name, value in verdict.params.items()
    }
    message = turn.t(f"invalid.{verdict.error}", **params)
    if spec.example is not None and spec.validator in {"text", "name"}:
        message = f"{message}\n{turn.t('invalid.example', example=spec.example.get(turn.lang))}"
    return message


def not_answer_line(turn: Turn, kind: str | None, spec: FieldSpec | None) -> str:
    """A fitting word on a message that is not an answer, then what the step needs.

    `spec` is the field asked for; None for a question answered with buttons or a list.
    """
    lead = turn.t(f"not_answer.{kind}") if kind else ""
    if spec is None or spec.validator == "choice":
        need = turn.t("not_answer.pick")
    else:
        need = turn.t("not_answer.type", label=label_phrase(spec.label.get(turn.lang)))
    return f"{lead} {need}".strip()


def label_phrase(label: str) -> str:
    """A field label inside a sentence: "Nama lengkap" is "nama lengkap", "NIK" stays."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _store(turn: Turn, key: str, value: object) -> None:
    draft, service = turn.draft(), turn.service()
    draft.fields[key] = value
    if key in draft.skipped:
        draft.skipped.remove(key)
    draft.warnings = nik_warnings(service, draft.fields, today=turn.today)
    advance(turn)


def on_confirm(turn: Turn, item: ResidentInput) -> None:
    """ "Ya, kirim" submits; "Ubah data" opens the list of answers to change.

    Typed replies are read as a whole (`summary_reply`): a chatty yes submits, a question or a
    hesitation is answered in one line with the buttons (the summary is not sent again), "gak
    jadi" asks to confirm the cancellation, "namanya salah" opens the name straight away.
    """
    text = text_of(item)
    kind: str | None
    target: str | None = None
    if isinstance(item, ChoiceInput) and (item.id in {"yes", "edit"} or item.id.startswith("yes:")):
        kind = "edit" if item.id == "edit" else "yes"
    elif text is None:
        unsupported(turn, item)
        return
    else:
        kind, target = _summary_reply(turn, text)
    if kind == "yes":
        choice = item.id if isinstance(item, ChoiceInput) else None
        refused = delivery_choice.choose(turn, choice, text)
        if refused is not None:
            reask(turn, refused)
        elif not delivery_address.ask_for_draft(turn):  # home, and no address yet: ask it
            submit(turn)
    elif kind == "edit" and target is not None:
        open_edit(turn, target)
    elif kind == "edit":
        turn.wait_for("edit")
        ask(turn)
    elif kind == "cancel":
        session = turn.session
        session.resume_to = session.awaiting
        turn.wait_for("cancel", target=turn.draft().ticket)
        ask(turn)
    elif kind in {"complete", "asked", "wait"}:
        leads = {"complete": "confirm.complete", "asked": "not_answer.question"}
        line = f"{turn.t(leads.get(kind, 'confirm.take_time'))} {delivery_choice.short(turn)}"
        reask(turn, line)
    else:
        courtesy = non_answer(text or "")
        lead = f"{turn.t(f'not_answer.{courtesy}')} " if courtesy in COURTESY else ""
        retry(turn, f"{lead}{turn.t('confirm.unclear')}", count=courtesy not in COURTESY)


def _summary_reply(turn: Turn, text: str) -> tuple[str | None, str | None]:
    options = [
        Option("yes", (turn.t("confirm.accept"), "kirim", "send")),
        *(
            Option(option.id, (option.title,))
            for option in delivery_choice.confirm_options(turn)
            if option.id.startswith("yes:")
        ),
        Option("edit", (turn.t("confirm.edit"), "ubah", "edit", "ganti", "change")),
    ]
    reply = read_summary_reply(text, turn.service(), turn.draft())
    if reply.kind is not None:
        return reply.kind, reply.target
    found = pick_option(text, options)  # a button title typed out
    if (found is not None and found.id.startswith("yes:")) or (
        found is None and delivery_choice.way_named(text) in delivery_choice.ways_of(turn.service())
    ):
        return "yes", None  # "Ya, antar ke rumah" typed out, or just "diantar aja"
    return (found.id if found else None), None


def on_edit(turn: Turn, item: ResidentInput) -> None:
    """The resident picked an answer or a document to change."""
    service = turn.service()
    choice = item.id if isinstance(item, ChoiceInput) else None
    text = text_of(item)
    if choice is None and text is not None:
        options = [Option("var", (turn.t("confirm.variant"),))]
        options += [Option(f"fld:{s.key}", (s.label.id, s.label.en)) for s in service.fields]
        options += [Option(f"doc:{s.key}", (s.label.id, s.label.en)) for s in service.documents]
        found = pick_option(text, options)
        choice = found.id if found else None
    if choice is not None and open_edit(turn, choice):
        return
    if text is None:
        unsupported(turn, item)
    else:
        retry(turn, turn.t("edit.unclear"))


def open_edit(turn: Turn, choice: str) -> bool:
    """Open one item of the edit list ("var", "fld:KEY", "doc:KEY"); False when unknown."""
    service, draft = turn.service(), turn.draft()
    if choice == "var" and service.variants:
        draft.variant = None
        advance(turn)
    elif choice.startswith("fld:") and service.field(choice[4:]):
        turn.wait_for("field", choice[4:])
        ask(turn)
    elif choice.startswith("doc:") and service.document(choice[4:]):
        _forget_document(turn, choice[4:])
        advance(turn)
    else:
        return False
    return True


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
