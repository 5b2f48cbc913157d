"""Collecting documents: photos and PDFs, albums, the locker's verdicts, and reuse.

Every accepted media item becomes a `StoreMedia`; the resident hears back once the locker has
answered for all items in flight, so an album of 2 photos gets one "Kami terima 2 foto ..."
instead of two messages. A document is complete at its maximum count, or when the resident
says "selesai" / "udah itu aja" / taps "Sudah semua" after the minimum (or answers "Ada foto
lain?" with a no), or when a minute passes after "Ada foto lain?" with no further file
(page_pause.py).
"""

from __future__ import annotations

from app.flows import album
from app.flows.answers import fail, unsupported
from app.flows.catalog import DocumentSpec
from app.flows.events import ReuseDocument, StoreMedia
from app.flows.files import copy_of, media_kind, remember, thing_key
from app.flows.inputs import ChoiceInput, DocumentChecked, MediaInput, ResidentInput, text_of
from app.flows.locker_reuse import reusable_document
from app.flows.more_pages import offer_more, open_for_more, received_line
from app.flows.not_yet import says_not_yet
from app.flows.progress import advance
from app.flows.prompts import ask, raise_missing
from app.flows.session import DocProgress, Received
from app.flows.textmatch import is_done, is_no, is_skip, is_yes, tokens
from app.flows.turn import Turn


def current(turn: Turn) -> tuple[DocumentSpec, DocProgress]:
    """The document asked now and its progress (a fresh one when it is a new document)."""
    draft = turn.draft()
    awaiting = turn.session.awaiting
    spec = turn.service().document(awaiting.key or "") if awaiting else None
    if spec is None:
        raise_missing(turn)
    if draft.doc is None or draft.doc.key != spec.key:
        draft.doc = DocProgress(key=spec.key)
    return spec, draft.doc


def on_document(turn: Turn, item: ResidentInput) -> None:
    """A message while the engine waits for a document."""
    spec, progress = current(turn)
    if isinstance(item, MediaInput) and item.kind != "sticker":
        receive(turn, spec, progress, item)
        return
    text = text_of(item)
    tapped_done = isinstance(item, ChoiceInput) and item.id == "done"
    if tapped_done or (text and (is_done(text) or _no_more(turn, spec, text))):
        _finish(turn, spec, progress)
    elif text is not None and _more_coming(turn, spec, text):
        progress.more_offered = False  # no pause: the usual reminder comes if nothing does
        turn.say("document.waiting", label=spec.label.get(turn.lang))
    elif spec.min == 0 and text is not None and is_skip(text):
        complete(turn, spec, progress)
    elif text is not None and open_for_more(turn, spec) is not None:
        offer_more(turn, spec, progress)  # a page is in: the open question is "any other?"
    elif text is not None:
        label = spec.label.get(turn.lang)
        fail(turn, turn.t("document.expected", label=label))
    else:
        unsupported(turn, item)


# "No" words that do not mean "no more files": "belum" is "not yet (more to come)".
_NOT_YET_WORDS = frozenset({"belum", "nanti", "jangan", "batal"})


def _no_more(turn: Turn, spec: DocumentSpec, text: str) -> bool:
    """A no to "Ada foto lain?" ("tidak", "ga ada", "mboten") once enough files are in."""
    words = tokens(text)
    enough = turn.draft().pages.get(spec.key, 0) >= max(spec.min, 1)
    return enough and is_no(text) and words[0] not in _NOT_YET_WORDS


# Words that answer "Ada foto lain?" with "yes, wait": "sebentar, halaman 2 lagi saya foto".
_MORE_WORDS = frozenset(
    [
        "sebentar",
        "bentar",
        "bntar",
        "tunggu",
        "tggu",
        "sek",
        "sik",
        "masih",
        "lagi",
        "ada",
        "wait",
        "more",
    ]
)


def _more_coming(turn: Turn, spec: DocumentSpec, text: str) -> bool:
    """A yes to "Ada foto lain?" (or "wait, one more") once enough files are in."""
    if turn.draft().pages.get(spec.key, 0) < max(spec.min, 1) or "?" in text:
        return False  # "masih ada yang kurang?" is a question, not "wait"
    if is_yes(text) or set(tokens(text)) & _MORE_WORDS:
        return True
    return says_not_yet(turn, text)


def receive(turn: Turn, spec: DocumentSpec, progress: DocProgress, item: MediaInput) -> None:
    """Ask the locker to store a fitting media item; explain when it does not fit."""
    draft = turn.draft()
    label = spec.label.get(turn.lang)
    kind = media_kind(item)
    if kind is None or kind not in spec.kinds:
        accepted = "image_pdf" if len(spec.kinds) > 1 else spec.kinds[0]
        fail(turn, turn.t("document.wrong_kind", label=label, kinds=turn.t(f"kinds.{accepted}")))
        return
    sent_for = copy_of(draft, item.sha256)
    if sent_for is not None:
        _say_copy(turn, spec, kind, sent_for)
        return
    if album.takes(turn, spec, progress, item):
        return
    if draft.pages.get(spec.key, 0) + progress.pending >= spec.max:
        if not progress.extras_noted:
            progress.extras_noted = True
            turn.say("document.enough", label=label, max=spec.max)
        return
    turn.emit(
        StoreMedia(
            spec.key, item.media_id, item.mime_type, item.sha256, item.filename, draft.service
        )
    )
    progress.pending += 1
    progress.pending_kinds.append(kind)
    progress.pending_hashes.append(item.sha256 or "")
    if item.group_hint is not None and item.group_hint == progress.group:
        progress.group_count += 1
    elif item.group_hint is not None:
        progress.group, progress.group_count = item.group_hint, 1


def _say_copy(turn: Turn, spec: DocumentSpec, kind: str, sent_for: str) -> None:
    """The same bytes again: one short line, and the file is not counted twice."""
    thing = turn.t(thing_key(kind))
    if sent_for == spec.key:
        turn.say("document.copy", thing=thing)
        return
    other = turn.service().document(sent_for)
    other_label = other.label.get(turn.lang) if other else sent_for
    turn.say("document.copy_other", thing=thing, other=other_label, label=spec.label.get(turn.lang))


def straggler(turn: Turn, item: MediaInput) -> bool:
    """True (and handled) when `item` belongs to the album of the document just completed."""
    draft = turn.session.draft
    if draft is None or not item.group_hint or item.group_hint != draft.last_group:
        return False
    if not draft.last_group_noted:
        draft.last_group_noted = True
        spec = turn.service().document(draft.last_group_key or "")
        label = spec.label.get(turn.lang) if spec else ""
        turn.say("document.enough", label=label, max=spec.max if spec else 1)
    return True


def on_checked(turn: Turn, checked: DocumentChecked) -> None:
    """The locker's verdict on one item; silent for verdicts about an earlier question."""
    draft = turn.session.draft
    awaiting = turn.session.awaiting
    if album.on_checked(turn, checked):
        return
    if draft is None or draft.doc is None or draft.doc.key != checked.requirement:
        return
    progress = draft.doc
    spec = turn.service().document(progress.key)
    if spec is None:
        raise_missing(turn)
    progress.pending = max(0, progress.pending - 1)
    # Verdicts come back in the order the items were sent; that tells photo from PDF.
    kind = progress.pending_kinds.pop(0) if progress.pending_kinds else "image"
    if progress.pending_hashes:
        progress.pending_hashes.pop(0)
    if progress.discard > 0:  # withdrawn ("salah kirim") while it was being checked
        progress.discard -= 1
        return
    label = spec.label.get(turn.lang)
    in_album = draft.album is not None and draft.album.first == spec.key
    if not checked.accepted:
        reason = checked.reason or "unknown"
        key = (
            f"reject.{reason}" if turn.setup.messages.has(f"reject.{reason}") else "reject.unknown"
        )
        if in_album and draft.album is not None:
            draft.album.first_refused += 1
            album.confirm_when_checked(turn)
        elif awaiting is not None and awaiting.kind == "document":
            fail(turn, turn.t(key, label=label))
        else:  # the resident is answering something else meanwhile: tell, do not count a try
            turn.say(key, label=label)
        return
    if copy_of(draft, checked.sha256) is not None:
        progress.duplicates += 1
    else:
        received = Received(
            requirement=spec.key,
            document_id=checked.document_id,
            pages=max(1, checked.pages),
            kind=kind,
            sha256=checked.sha256,
            group=progress.group,
        )
        remember(draft, received)
        progress.fresh += 1
    if in_album:
        album.confirm_when_checked(turn)
        return
    if progress.pending > 0 or awaiting is None or awaiting.kind != "document":
        return
    _tell(turn, spec, progress)


def _tell(turn: Turn, spec: DocumentSpec, progress: DocProgress) -> None:
    """What the resident hears once every file in flight is checked."""
    draft = turn.draft()
    copies, fresh = progress.duplicates, progress.fresh
    progress.duplicates = progress.fresh = 0
    if copies and not fresh:
        turn.say("document.copy", thing=turn.t("document.thing_photo"))
        return
    if copies:
        turn.note(turn.t("document.copies_ignored"))
    count = draft.pages.get(spec.key, 0)
    received = received_line(turn, spec)
    if count >= spec.max or (progress.done_requested and count >= spec.min):
        turn.send_text(received)
        complete(turn, spec, progress)
    elif count >= spec.min:
        offer_more(turn, spec, progress)
    else:
        turn.send_text(f"{received}\n{turn.t('document.need_more', count=spec.min - count)}")


def _finish(turn: Turn, spec: DocumentSpec, progress: DocProgress) -> None:
    count = turn.draft().pages.get(spec.key, 0)
    if progress.pending > 0:
        progress.done_requested = True
        turn.say("document.checking")
    elif count >= max(spec.min, 1) or spec.min == 0:
        complete(turn, spec, progress)
    else:
        needed = spec.min - count if spec.min > count else 1
        turn.say("document.need_more", count=needed)


def complete(turn: Turn, spec: DocumentSpec, progress: DocProgress) -> None:
    """`spec` has all its files: remember the album it came in and ask the next question."""
    draft = turn.draft()
    if spec.key not in draft.done_documents:
        draft.done_documents.append(spec.key)
    draft.last_group, draft.last_group_key = progress.group, spec.key
    draft.last_group_noted = False
    draft.doc = None
    advance(turn)


def on_reuse(turn: Turn, item: ResidentInput) -> None:
    """Yes: reuse the stored document. No (or a new photo): collect a new one."""
    draft = turn.draft()
    awaiting = turn.session.awaiting
    spec = turn.service().document(awaiting.key or "") if awaiting else None
    if spec is None:
        raise_missing(turn)
    stored = reusable_document(turn, spec)
    text = text_of(item) or ""
    choice = item.id if isinstance(item, ChoiceInput) else None
    if stored is not None and (choice == "yes" or (choice is None and is_yes(text))):
        turn.emit(ReuseDocument(spec.key, stored.document_id))
        draft.documents[spec.key] = [stored.document_id]
        draft.reused.append(spec.key)
        draft.done_documents.append(spec.key)
        turn.say("document.reused", label=spec.label.get(turn.lang))
        advance(turn)
        return
    if stored is None or choice == "no" or is_no(text) or isinstance(item, MediaInput):
        draft.declined_reuse.append(spec.key)
        if isinstance(item, MediaInput) and item.kind != "sticker":
            draft.doc = DocProgress(key=spec.key)
            turn.wait_for("document", spec.key)
            receive(turn, spec, draft.doc, item)
            return
        advance(turn)
    elif text:
        if not fail(turn, turn.t("confirm.unclear")):
            ask(turn)
    else:
        unsupported(turn, item)
