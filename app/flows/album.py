"""Several photos sent at once while one requirement is asked.

The caller ties media items sent together (one webhook batch, or a few seconds apart) with the
same `group_hint`. Once the requirement asked has the photos it needs from such a group, and
more requirements remain, each further photo of the group goes to the next requirement in the
order the service asks them: photo 1 → KK, photo 2 → surat kehilangan... When every photo has
been checked, the resident sees the assignment and answers yes (it stands) or no (the photos
are forgotten and the requirements are asked one by one again).
"""

from __future__ import annotations

from app.flows.answers import fail, unsupported
from app.flows.catalog import DocumentSpec
from app.flows.events import StoreMedia
from app.flows.files import forget, media_kind, remember
from app.flows.inputs import ChoiceInput, DocumentChecked, MediaInput, ResidentInput, text_of
from app.flows.progress import advance, is_done
from app.flows.prompts import applies, ask
from app.flows.session import Album, AlbumPhoto, DocProgress, Received
from app.flows.textmatch import is_no, is_yes
from app.flows.turn import Turn


def takes(turn: Turn, spec: DocumentSpec, progress: DocProgress, item: MediaInput) -> bool:
    """True (and handled) when `item` is a further photo of an album sent at `spec`'s step."""
    draft = turn.draft()
    group = item.group_hint
    if group is None or draft.correction is not None:
        return False
    album = draft.album
    if album is None:
        if group != progress.group or progress.group_count < max(spec.min, 1):
            return False
        plan = _plan(turn, spec)
        if not plan:
            return False  # nothing else to send: more photos are more pages of this one
        album = Album(group=group, first=spec.key, first_count=progress.group_count, plan=plan)
        draft.album = album
    elif album.group != group:
        return False
    index = len(album.photos)
    if index >= len(album.plan):
        album.extras += 1
        return True
    requirement = album.plan[index]
    target = turn.service().document(requirement)
    kind = media_kind(item)
    photo = AlbumPhoto(requirement=requirement, kind=kind or "image", sha256=item.sha256)
    album.photos.append(photo)
    if target is None or kind is None or kind not in target.kinds:
        photo.state, photo.reason = "rejected", "wrong_kind"
        confirm_when_checked(turn)
        return True
    turn.emit(
        StoreMedia(
            requirement, item.media_id, item.mime_type, item.sha256, item.filename, draft.service
        )
    )
    return True


def _plan(turn: Turn, spec: DocumentSpec) -> list[str]:
    """The requirements after `spec` still to send, each as often as its minimum asks."""
    draft, service = turn.draft(), turn.service()
    keys = [item.key for item in service.items]
    plan: list[str] = []
    for item in service.items[keys.index(spec.key) + 1 :]:
        if isinstance(item, DocumentSpec) and applies(item, draft) and not is_done(item, draft):
            plan += [item.key] * max(item.min, 1)
    return plan


def on_checked(turn: Turn, checked: DocumentChecked) -> bool:
    """True (and handled) when `checked` is the verdict on a photo assigned by an album."""
    draft = turn.session.draft
    album = draft.album if draft is not None else None
    if draft is None or album is None:
        return False
    photo = next(
        (p for p in album.photos if p.state == "pending" and p.requirement == checked.requirement),
        None,
    )
    if photo is None:
        return False
    photo.document_id, photo.pages = checked.document_id, max(1, checked.pages)
    photo.sha256 = checked.sha256 or photo.sha256
    if not checked.accepted:
        photo.state, photo.reason = "rejected", checked.reason or "unknown"
    elif checked.sha256 and any(r.sha256 == checked.sha256 for r in draft.received):
        photo.state, photo.reason = "rejected", "duplicate"
    else:
        photo.state = "accepted"
    confirm_when_checked(turn)
    return True


def confirm_when_checked(turn: Turn) -> None:
    """Once every photo of the album is checked, show the assignment and ask yes or no."""
    draft = turn.draft()
    album, progress = draft.album, draft.doc
    awaiting = turn.session.awaiting
    if album is None or any(p.state == "pending" for p in album.photos):
        return
    if progress is not None and progress.key == album.first and progress.pending > 0:
        return
    if awaiting is None or awaiting.kind not in {"document", "album"}:
        return  # the resident is busy elsewhere; asked when they come back to the documents
    turn.wait_for("album")
    ask(turn)


def on_answer(turn: Turn, item: ResidentInput) -> None:
    """Yes keeps the assignment, no asks the requirements one by one."""
    draft = turn.draft()
    text = text_of(item) or ""
    choice = item.id if isinstance(item, ChoiceInput) else None
    if choice == "yes" or (choice is None and is_yes(text)):
        accept(turn)
    elif choice == "no" or (choice is None and is_no(text)):
        decline(turn)
    elif isinstance(item, MediaInput) and draft.album and item.group_hint == draft.album.group:
        spec = turn.service().document(draft.album.first)
        if spec is not None and draft.doc is not None:
            takes(turn, spec, draft.doc, item)
    elif text:
        if not fail(turn, turn.t("confirm.unclear")):
            ask(turn)
    else:
        unsupported(turn, item)


def accept(turn: Turn) -> None:
    """Count every accepted photo for its requirement and go on with what is still missing."""
    draft, service = turn.draft(), turn.service()
    album = draft.album
    if album is None:
        return
    for photo in album.photos:
        if photo.state == "accepted" and photo.document_id:
            remember(
                draft,
                Received(
                    requirement=photo.requirement,
                    document_id=photo.document_id,
                    pages=photo.pages,
                    kind=photo.kind,
                    sha256=photo.sha256,
                    group=album.group,
                ),
            )
    for key in dict.fromkeys([album.first, *album.plan]):
        spec = service.document(key)
        enough = spec is not None and draft.pages.get(key, 0) >= max(spec.min, 1)
        if enough and key not in draft.done_documents:
            draft.done_documents.append(key)
    draft.last_group, draft.last_group_key = album.group, album.first
    draft.last_group_noted = True  # a late photo of this album is not a new document
    draft.album, draft.doc = None, None
    turn.note(turn.t("album.noted"))
    advance(turn)


def decline(turn: Turn) -> None:
    """Forget the album's photos and ask for the first requirement again, on its own."""
    draft = turn.draft()
    album = draft.album
    if album is None:
        return
    for received in [r for r in draft.received if r.group == album.group]:
        forget(draft, received)
    draft.album = None
    draft.doc = _restart(draft.doc, album.first)
    draft.last_group, draft.last_group_key = album.group, album.first
    draft.last_group_noted = True
    turn.note(turn.t("album.one_by_one"))
    turn.wait_for("document", album.first)
    ask(turn)


def _restart(old: DocProgress | None, key: str) -> DocProgress:
    """A fresh start at `key`; a photo of the album still being checked is dropped when its
    verdict comes back."""
    progress = DocProgress(key=key)
    if old is not None and old.key == key and old.pending:
        progress.pending = progress.discard = old.pending
        progress.pending_kinds = list(old.pending_kinds)
        progress.pending_hashes = [""] * old.pending  # forgotten: a copy of it is welcome
    return progress
