"""The question that offers to switch the open draft to another service (app/flows/switching.py)."""

from __future__ import annotations

from app.flows.catalog import Service
from app.flows.switch_transfer import kept_documents
from app.flows.turn import Option, Turn


def service_title(turn: Turn, service: Service, variant: str | None) -> str:
    """The service with its variant as the catalog names them: "KK hilang", "KIA – Baru"."""
    name = service.names.get(turn.lang)
    found = next((v for v in service.variants if v.code == variant), None)
    if found is None:
        return name
    title = found.title.get(turn.lang)
    # A title that already names the service ("KK hilang", "Lost KK") reads better on its own.
    keywords = {keyword.lower() for keyword in service.keywords}
    named = any(word in keywords for word in title.lower().split())
    return title if named else f"{name} – {title}"


def _listed(turn: Turn, labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} {turn.t('switch.and')} {labels[-1]}"


def _label(text: str) -> str:
    # "Nama lengkap" reads "nama lengkap" inside a sentence; "NIK" and "KK" stay as they are.
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def ask_switch(turn: Turn) -> None:
    """ "Ganti ke KK hilang? Data NIK dan nama lengkap Anda tetap dipakai." with yes and no.

    Documents already sent that the new service also needs are named too: "..., juga Kartu
    Keluarga yang sudah Anda kirim."
    """
    awaiting = turn.session.awaiting
    if awaiting is None or awaiting.target is None:
        return
    target = turn.service(awaiting.target)
    lines = [turn.t("switch.ask", service=service_title(turn, target, awaiting.key))]
    kept = [
        _label(spec.label.get(turn.lang))
        for spec in target.fields
        if spec.key in turn.draft().fields
    ]
    documents = [
        spec.label.get(turn.lang) for spec in kept_documents(turn.draft(), target, awaiting.key)
    ]
    if kept and documents:
        lines.append(
            turn.t(
                "switch.kept_with_documents",
                fields=_listed(turn, kept),
                documents=_listed(turn, documents),
            )
        )
    elif kept:
        lines.append(turn.t("switch.kept", fields=_listed(turn, kept)))
    elif documents:
        lines.append(turn.t("switch.kept_documents", documents=_listed(turn, documents)))
    options = [Option("yes", turn.t("switch.yes")), Option("no", turn.t("switch.no"))]
    turn.offer(" ".join(lines), options)
