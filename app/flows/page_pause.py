""" "Ada foto lain?" needs no answer: after a minute with no further file the bot moves on.

A document that may have more pages asks "Ada foto lain?" once it has enough. Tapping "Sudah
semua" ends it at once; saying nothing ends it too, once `PAGE_PAUSE` has passed: while the
question waits with every file checked, the engine asks its caller for a `TimeoutInput` after
the pause instead of after the usual reminder delay (`pausing`), and the timeout completes the
document (`move_on_after_pause`). A resident who says more is coming is waited for as usual
(documents.py), and a page that comes after the summary joins the document completed last
(`late_page`).
"""

from __future__ import annotations

from datetime import timedelta

from app.flows.documents import complete, current, receive
from app.flows.inputs import MediaInput
from app.flows.session import DocProgress, Session
from app.flows.turn import Turn

# Long enough to photograph a further page; a file or a message meanwhile starts it again.
PAGE_PAUSE = timedelta(minutes=1)


def pausing(session: Session) -> bool:
    """True while "Ada foto lain?" waits with every file checked: the engine then asks for a
    `TimeoutInput` after `PAGE_PAUSE` instead of after the usual reminder delay."""
    awaiting, draft = session.awaiting, session.draft
    if awaiting is None or awaiting.kind != "document" or draft is None or draft.doc is None:
        return False
    return draft.doc.more_offered and draft.doc.pending == 0 and draft.doc.key == awaiting.key


def move_on_after_pause(turn: Turn) -> bool:
    """True (and handled) when the pause after "Ada foto lain?" ended with no further file:
    the document is complete and the next question (or the summary) follows."""
    if not pausing(turn.session):
        return False
    spec, progress = current(turn)
    if turn.draft().pages.get(spec.key, 0) < max(spec.min, 1):
        return False
    complete(turn, spec, progress)
    return True


def late_page(turn: Turn, item: MediaInput) -> bool:
    """True (and handled) when a file comes at the summary and the document completed last
    can take more pages: it is one more page of that document ("ada satu lagi"), checked, and
    the summary follows again."""
    session, draft = turn.session, turn.session.draft
    awaiting = session.awaiting
    if draft is None or awaiting is None or awaiting.kind != "confirm" or item.kind == "sticker":
        return False
    if draft.correction is not None or draft.last_group_key is None:
        return False
    spec = turn.service().document(draft.last_group_key)
    if spec is None or spec.key in draft.reused or draft.pages.get(spec.key, 0) >= spec.max:
        return False
    draft.done_documents = [key for key in draft.done_documents if key != spec.key]
    draft.doc = DocProgress(key=spec.key)
    turn.wait_for("document", spec.key)
    receive(turn, spec, draft.doc, item)
    return True
