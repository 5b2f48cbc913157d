"""The files an operator uploaded, per document requirement, checked before anything is kept.

Every file goes through the locker's intake checks (type by magic bytes, size, image sharpness
and light, PDF sanity) without being stored; only when the whole form is right are they stored
for real (`app.counter.service`). The first problem of a requirement is reported next to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from starlette.datastructures import FormData, UploadFile

from app.counter.forms import FieldError, FormDocument
from app.flows.catalog import Catalog, DocumentSpec
from app.intake.service import requirement_for
from app.locker.policy import LockerPolicy, MiB
from app.locker.reasons import Reason, human_size, megapixels
from app.locker.upload import UPLOAD_MAX_BYTES, check_upload

# All files of one request together; a single file is capped by the locker (10 MB).
MAX_TOTAL_BYTES = 40 * MiB
TOTAL = "documents"  # the error key of the whole upload (too much at once)

Files = dict[str, list[UploadFile]]


def files_of(form: FormData, documents: Iterable[FormDocument]) -> Files:
    """The chosen files by requirement key; an input left empty sends a nameless, empty part."""
    files: Files = {}
    for document in documents:
        chosen = [
            item
            for item in form.getlist(document.input_name)
            if isinstance(item, UploadFile) and (item.filename or item.size)
        ]
        if chosen:
            files[document.key] = chosen
    return files


def total_size(files: Mapping[str, Sequence[UploadFile]]) -> int:
    return sum(item.size or 0 for items in files.values() for item in items)


async def check_files(
    catalog: Catalog,
    service_code: str,
    shown: Iterable[FormDocument],
    applicable: Sequence[DocumentSpec],
    files: Files,
    *,
    policy: LockerPolicy | None = None,
) -> dict[str, FieldError]:
    """Errors by file input name (`doc_<key>`, or `TOTAL`); empty when every file may be kept.

    `shown` are the form's file inputs, `applicable` the requirements the answers call for: a
    file for a requirement that does not apply is refused rather than silently dropped.
    """
    if total_size(files) > MAX_TOTAL_BYTES:
        return {TOTAL: FieldError("total_size", {"limit": human_size(MAX_TOTAL_BYTES)})}
    wanted = {spec.key for spec in applicable}
    errors: dict[str, FieldError] = {}
    for document in shown:
        spec, chosen, name = document.spec, files.get(document.key, []), document.input_name
        if spec.key not in wanted:
            if chosen:
                errors[name] = FieldError("doc_not_needed")
            continue
        if len(chosen) < spec.min:
            errors[name] = FieldError("doc_missing", {"min": spec.min})
        elif len(chosen) > spec.max:
            errors[name] = FieldError("doc_too_many", {"max": spec.max})
        else:
            requirement = requirement_for(catalog, service_code, spec.key)
            for item in chosen:
                verdict = await check_upload(item, requirement, policy=policy)
                if verdict.reason is not None:
                    errors[name] = refusal(verdict.reason, verdict.detail, document.kinds)
                    break
    return errors


def refusal(reason: Reason, detail: Mapping[str, object], kinds: str) -> FieldError:
    """The locker's reason as a form error, with what its sentence needs."""
    params: dict[str, object] = {"kinds": kinds}
    if reason is Reason.TOO_LARGE:
        params["limit"] = human_size(int(str(detail.get("limit") or UPLOAD_MAX_BYTES)))
    if reason is Reason.TOO_MANY_PIXELS:
        params["megapixels"] = megapixels(int(str(detail.get("limit_pixels") or 0)))
    if reason is Reason.PDF_TOO_MANY_PAGES:
        params["max_pages"] = detail.get("max_pages", "")
    return FieldError(f"doc_{reason.value}", params)
