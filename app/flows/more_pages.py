""" "Kami terima 1 foto untuk KK. Ada foto lain?": the question a document with room for more
pages asks once it has enough, after its files are checked and again whenever the document is
asked anew (a reminder, an answered side question) while it has pages in.

Outside a correction the question says that a minute of silence will do (page_pause.py); in a
correction only "Sudah semua" ends the document, because that sends the correction at once.
"""

from __future__ import annotations

from app.flows.catalog import DocumentSpec
from app.flows.session import DocProgress
from app.flows.turn import Option, Turn


def received_line(turn: Turn, spec: DocumentSpec) -> str:
    """ "Kami terima 2 foto untuk Kartu Keluarga. ✅" """
    draft = turn.draft()
    count = draft.pages.get(spec.key, 0)
    unit = turn.t("document.photos" if draft.images_only.get(spec.key, True) else "document.pages")
    return turn.t("document.received", count=count, unit=unit, label=spec.label.get(turn.lang))


def offer_more(turn: Turn, spec: DocumentSpec, progress: DocProgress, lead: str = "") -> None:
    """Ask "Ada foto lain?" with the "Sudah semua" button, and arm the pause when it applies;
    `lead` (an answer to a side question) comes first in the same message."""
    paused = turn.draft().correction is None
    label = spec.label.get(turn.lang)
    more = turn.t("document.more" if paused else "document.more_or_done", label=label)
    body = "\n".join(part for part in (lead, received_line(turn, spec), more) if part)
    turn.offer(body, [Option("done", turn.t("document.done_button"))])
    progress.more_offered = paused


def open_for_more(turn: Turn, spec: DocumentSpec) -> DocProgress | None:
    """The progress of `spec` when it has enough pages, room for more and none in flight."""
    draft = turn.draft()
    progress = draft.doc
    if progress is None or progress.key != spec.key or progress.pending:
        return None
    count = draft.pages.get(spec.key, 0)
    return progress if max(spec.min, 1) <= count < spec.max else None
