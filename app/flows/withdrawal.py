""" "Salah kirim": the resident takes back the last file they sent.

The last accepted file is forgotten (it no longer counts for its requirement and is not
submitted), the resident is told which file that was, and the requirement is asked again. This
works at the document step the file was sent for and right after it, while nothing else has been
answered since (the next document, a reuse offer, the summary). A file still being checked is
dropped when its verdict comes back. During an album's confirmation it means "no".
"""

from __future__ import annotations

from app.flows import album
from app.flows.files import files_of, forget, thing_key
from app.flows.inputs import ResidentInput, TextInput
from app.flows.progress import next_item
from app.flows.session import DocProgress, Draft
from app.flows.textmatch import tokens
from app.flows.turn import Turn

# Where "salah kirim" can be about a file just sent.
STEPS = frozenset({"document", "reuse", "confirm", "album"})
MISTAKE_WORDS = frozenset({"salah", "keliru", "wrong", "silap", "slh", "klru"})
FILE_WORDS = frozenset(
    {
        "kirim", "krm", "kirm", "foto", "poto", "fto", "photo", "pic", "picture", "image",
        "gambar", "file", "fail", "dokumen", "upload", "send", "sent", "attachment",
    }
)  # fmt: skip
SLIP_WORDS = frozenset({"kepencet", "kepecet", "kepencet2"})


def means_withdrawal(turn: Turn, text: str, *, at_document: bool) -> bool:
    """True when `text` takes back a file ("eh maaf salah kirim", "sorry wrong photo").

    Words of a mistake next to words of a file always count. At a document step the intent
    model's "withdraw" act counts too; elsewhere it does not, so "nama saya salah" at the summary
    stays a correction of the name.
    """
    words = set(tokens(text))
    if (words & MISTAKE_WORDS and words & FILE_WORDS) or words & SLIP_WORDS:
        return True
    if not at_document:
        return False
    understood = turn.setup.classifier.understand(text)
    return understood.label is None and understood.act == "withdraw"


def intercept(turn: Turn, item: ResidentInput) -> bool:
    """True (and handled) when `item` takes back the last file sent."""
    session = turn.session
    awaiting, draft = session.awaiting, session.draft
    if not isinstance(item, TextInput) or draft is None or awaiting is None:
        return False
    if awaiting.kind not in STEPS:
        return False
    at_document = awaiting.kind in {"document", "album"}
    if not means_withdrawal(turn, item.text, at_document=at_document):
        return False
    if draft.album is not None:
        album.decline(turn)
        return True
    return _withdraw(turn, draft)


def _withdraw(turn: Turn, draft: Draft) -> bool:
    awaiting = turn.session.awaiting
    current = awaiting.key if awaiting is not None and awaiting.kind == "document" else None
    progress = draft.doc
    in_flight = progress is not None and progress.pending > progress.discard
    if current is not None and progress is not None and progress.key == current and in_flight:
        progress.discard += 1  # the file in flight is dropped when its verdict comes
        _tell(turn, current, "image", len(files_of(draft, progress)) + 1)
        return True
    last = draft.received[-1] if draft.received else None
    if last is None or not _reopenable(turn, draft, last.requirement, current):
        if current is None:
            return False
        spec = turn.service().document(current)
        label = spec.label.get(turn.lang) if spec else current
        turn.say("document.nothing_to_withdraw", label=label)
        return True
    number = len([r for r in draft.received if r.requirement == last.requirement])
    forget(draft, last)
    if last.requirement in draft.done_documents:
        draft.done_documents.remove(last.requirement)
    if progress is None or progress.key != last.requirement:
        draft.doc = DocProgress(key=last.requirement)
    else:
        progress.done_requested = progress.extras_noted = False
    draft.last_group = None
    _tell(turn, last.requirement, last.kind, number)
    turn.wait_for("document", last.requirement)
    return True


def _reopenable(turn: Turn, draft: Draft, key: str, current: str | None) -> bool:
    """True when `key` is the step being asked, or the one just finished with nothing since."""
    if key == current:
        return True
    if key not in draft.done_documents or draft.correction is not None:
        return False
    draft.done_documents.remove(key)
    try:
        following = next_item(turn, turn.service(), draft)
    finally:
        draft.done_documents.append(key)
    return following is not None and following.key == key


def _tell(turn: Turn, key: str, kind: str, number: int) -> None:
    """ "Baik, foto ke-2 Kartu Keluarga sudah kami hapus. Silakan kirim ... yang benar." """
    spec = turn.service().document(key)
    label = spec.label.get(turn.lang) if spec else key
    thing = turn.t(thing_key(kind)).lower()
    which = (
        turn.t("document.which_one", thing=thing, label=label)
        if number <= 1
        else turn.t("document.which_nth", thing=thing, number=number, label=label)
    )
    turn.say("document.withdrawn", which=which, thing=thing, label=label)
