"""What a switch of service keeps from the old draft besides the shared answers: the documents.

A file the resident already sent lives in the locker; the draft only holds its document ids per
document key (`Draft.documents`), and the submission hands those ids to the caller, which checks
they are the resident's accepted files. So carrying a document over is a matter of the snapshot:
the new draft takes the ids, pages and progress of every document key the new service also asks
for (same key, for example "kk" in a KTP-el and a KIA request). Nothing in the locker changes.
"""

from __future__ import annotations

from app.flows.catalog import DocumentSpec, Service
from app.flows.reach import condition_holds
from app.flows.session import Draft


def shared_documents(old: Draft, service: Service) -> list[DocumentSpec]:
    """The new service's documents that `old` already holds files for, in the service's order."""
    return [spec for spec in service.documents if old.documents.get(spec.key)]


def _complete(old: Draft, spec: DocumentSpec) -> bool:
    """Done in the old draft, or with as many pages as the new service asks for at least (the
    resident may have been at "Ada foto lain?" when she changed her mind)."""
    return spec.key in old.done_documents or old.pages.get(spec.key, 0) >= max(spec.min, 1)


def carried_documents(old: Draft, new: Draft, service: Service) -> None:
    """Give `new` the files of `old` for the document keys `service` also asks for."""
    shared = shared_documents(old, service)
    keys = {spec.key for spec in shared}
    for key in keys:
        new.documents[key] = list(old.documents[key])
        if key in old.pages:
            new.pages[key] = old.pages[key]
        if key in old.images_only:
            new.images_only[key] = old.images_only[key]
    new.received = [received for received in old.received if received.requirement in keys]
    new.reused = [key for key in old.reused if key in keys]
    new.done_documents = [spec.key for spec in shared if _complete(old, spec)]


def kept_documents(old: Draft, service: Service, variant: str | None) -> list[DocumentSpec]:
    """The carried documents the new service surely needs, given what is known before the
    switch (its variant, the shared answers): the ones worth naming in the switch question."""
    keys = {spec.key for spec in service.fields}
    answers = {key: value for key, value in old.fields.items() if key in keys}
    return [
        spec
        for spec in shared_documents(old, service)
        if _complete(old, spec) and condition_holds(spec, variant, answers)
    ]
