"""The question that shows an album's photos assigned to requirements (app/flows/album.py)."""

from __future__ import annotations

from app.flows.turn import Option, Turn


def ask_confirmation(turn: Turn) -> None:
    """ "Foto 1: KK, Foto 2: Akta kelahiran — benar?" with yes and no buttons."""
    draft = turn.draft()
    album = draft.album
    if album is None:
        return
    service = turn.service()

    def label(key: str) -> str:
        spec = service.document(key)
        return spec.label.get(turn.lang) if spec else key

    lines = [turn.t("album.intro", count=album.first_count + len(album.photos))]
    refused_from = album.first_count - album.first_refused
    for number in range(1, album.first_count + 1):
        line = "album.line_refused" if number > refused_from else "album.line"
        lines.append(turn.t(line, number=number, label=label(album.first)))
    for number, photo in enumerate(album.photos, start=album.first_count + 1):
        line = "album.line" if photo.state == "accepted" else "album.line_refused"
        lines.append(turn.t(line, number=number, label=label(photo.requirement)))
    if album.extras:
        lines.append(turn.t("album.extras", count=album.extras))
    lines.append(turn.t("album.ask"))
    options = [Option("yes", turn.t("album.yes")), Option("no", turn.t("album.no"))]
    turn.offer("\n".join(lines), options)
