"""Reading an answer to "Pakai data ini?" that is more than a tap.

Fishers answer in a sentence ("iya pake yg lama", "iye pakai yang tersimpan") or skip the
question and send the old SIPI's photo straight away. A sentence that starts with a yes, or
says to use what is kept, reuses it, unless it also asks for a change ("ubah", "ganti", "yang
baru"). A photo or PDF means the same yes: what is kept is reused and the file is taken for the
first document still to send, without asking for it first.
"""

from __future__ import annotations

from app.flows.inputs import MediaInput
from app.flows.progress import is_done
from app.flows.prompts import applies
from app.flows.session import DocProgress
from app.flows.textmatch import YES_WORDS, is_yes, normalize
from app.flows.turn import Turn

# Words that ask for a change: "Ubah" rather than "Ya".
CHANGE_WORDS = frozenset(
    {"ubah", "ganti", "edit", "change", "beda", "lain", "berubah", "baru", "new", "other"}
)
_USE = frozenset({"pake", "pakai", "pakailah", "gunakan", "guna", "use", "keep"})
_KEPT = frozenset({"lama", "tersimpan", "itu", "tadi", "sama", "kemarin", "same", "old", "kept"})
MAX_WORDS = 8


def says_reuse(text: str) -> bool:
    """True for a yes to reusing what is kept, said in a short sentence."""
    if is_yes(text):
        return True
    words = normalize(text).split()
    if "?" in text or not words or len(words) > MAX_WORDS or set(words) & CHANGE_WORDS:
        return False
    return words[0] in YES_WORDS or bool(set(words) & _USE and set(words) & _KEPT)


def file_for_first_document(turn: Turn, item: MediaInput) -> bool:
    """After a yes given by sending a file: take it for the first document still to send (a
    question before it, such as a date Loket does not hold, is asked once the file is in).

    True when it was taken; False (nothing done) when no document is left to send."""
    from app.flows import documents  # documents' replies lead back here through `advance`

    draft, service = turn.draft(), turn.service()
    first = next(
        (
            spec
            for spec in service.documents
            if applies(spec, draft) and not is_done(spec, draft) and spec.min > 0
        ),
        None,
    )
    if first is None or item.kind == "sticker":
        return False
    draft.doc = DocProgress(key=first.key)
    turn.wait_for("document", first.key)
    documents.receive(turn, first, draft.doc, item)
    return True
