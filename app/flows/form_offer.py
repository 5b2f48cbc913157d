"""Offering the service's WhatsApp Flow form beside the chat questions: offered, never forced.

When a request starts (or an operator asks for a correction) and the caller says the service's
form can be sent (`ResidentContext.forms`), the engine emits one `OfferForm` before the first
chat question. A resident who ignores it answers in chat exactly as without it; one who fills
it in is answered by `form_completion`. The token binds the form to this draft: a completion
carrying another token (an older form, another draft) is refused with a clear word.
"""

from __future__ import annotations

from app.flows import recall
from app.flows.catalog import Service
from app.flows.events import OfferForm
from app.flows.forms import entry_screen, prefill_data
from app.flows.locker_reuse import reusable_document
from app.flows.session import FormState
from app.flows.turn import Turn


def can_offer(turn: Turn, service: Service) -> bool:
    """True when the form of `service` may be offered to this resident now."""
    return service.flow and service.code in turn.context.forms


def offer(turn: Turn, service: Service) -> None:
    """Emit the form offer for the draft of `service` (nothing when no form is available).

    The form opens pre-filled with what the draft already holds (the variant a first message
    named, a correction's earlier answers, what memory keeps for a resident who agreed) and
    marks the documents the locker already has.
    """
    if not can_offer(turn, service):
        return
    draft = turn.draft()
    held = _held(turn, service)
    correcting = draft.correction is not None
    answers = dict(draft.fields)
    remembered = turn.context.memory.consent is True and not draft.recall_done
    if service.memory is not None and remembered and not correcting:
        kept = recall.offer(turn, service.memory, draft)  # what the chat would offer as kept
        answers = {**kept.fields, **answers}
        held += [key for key in kept.documents if key not in held]
    key = "form_reply.offer_correction" if correcting else "form_reply.offer"
    _emit(turn, service, answers, held, key)


def offer_to_change(turn: Turn, service: Service, kept: recall.Offer) -> None:
    """After "Ubah" at "Pakai data ini?": the form again (when one was offered for this draft),
    opened with the remembered values `kept` to change rather than empty. The remembered
    papers are not marked as held: a changed subject is asked as a new one, as in chat. The new
    token replaces the earlier form's."""
    draft = turn.draft()
    if not can_offer(turn, service) or draft.form is None or draft.form.submitted:
        return
    answers = {**kept.fields, **draft.fields}
    _emit(turn, service, answers, _held(turn, service), "form_reply.offer_edit")


def _held(turn: Turn, service: Service) -> list[str]:
    """The reusable documents the locker holds that the resident has not declined."""
    draft = turn.draft()
    return [
        spec.key
        for spec in service.documents
        if spec.key not in draft.declined_reuse and reusable_document(turn, spec) is not None
    ]


def _emit(
    turn: Turn, service: Service, answers: dict[str, object], held: list[str], body: str
) -> None:
    draft = turn.draft()
    token = turn.setup.new_id()
    draft.form = FormState(token=token)
    turn.emit(
        OfferForm(
            service=service.code,
            language=turn.lang,
            token=token,
            body=turn.t(body),
            cta=turn.t("form_reply.cta"),
            screen=entry_screen(service),
            data=prefill_data(service, answers, variant=draft.variant, held=held),
            ticket=draft.ticket,
        )
    )
