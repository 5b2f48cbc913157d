"""The files an operator uploaded, per document requirement, checked before anything is kept.

Every file goes through the locker's intake checks (type by magic bytes, size, image sharpness
and light, PDF sanity) without being stored; only when the whole form is right are the checked
copies stored for real (`app.counter.service`), without being checked again. The first problem
of a requirement is reported next to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from starlette.datastructures import FormData, UploadFile

from app.counter.forms import FieldError, FormDocument
from app.flows.catalog import Catalog, DocumentSpec
from app.intake.service import requirement_for
from app.locker import (
    UPLOAD_MAX_BYTES,
    CheckedUpload,
    LockerPolicy,
    MiB,
    Reason,
    check_upload,
    human_size,
    megapixels,
)

# All files of one request together; a single file is capped by the locker (10 MB).
MAX_TOTAL_BYTES = 40 * MiB
TOTAL = "documents"  # the error key of the whole upload (too much at once)

Files = dict[str, list[UploadFile]]
CheckedFiles = dict[str, list[CheckedUpload]]


@dataclass
class FileChecks:
    """Errors by file input name (`doc_<key>`, or `TOTAL`), and the checked copies by requirement.

    The copies are spooled files: `discard` drops them once the form is answered (storing one
    deletes it already).
    """

    errors: dict[str, FieldError] = field(default_factory=dict)
    checked: CheckedFiles = field(default_factory=dict)

    async def discard(self) -> None:
        for uploads in self.checked.values():
            for upload in uploads:
                await upload.discard()


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
) -> FileChecks:
    """Check every chosen file once; no errors when every file may be kept.

    `shown` are the form's file inputs, `applicable` the requirements the answers call for: a
    file for a requirement that does not apply is refused rather than silently dropped.
    """
    result = FileChecks()
    if total_size(files) > MAX_TOTAL_BYTES:
        limit = human_size(MAX_TOTAL_BYTES)
        result.errors[TOTAL] = FieldError("total_size", {"limit": limit})
        return result
    wanted = {spec.key for spec in applicable}
    for document in shown:
        spec, chosen, name = document.spec, files.get(document.key, []), document.input_name
        if spec.key not in wanted:
            if chosen:
                result.errors[name] = FieldError("doc_not_needed")
            continue
        if len(chosen) < spec.min:
            result.errors[name] = FieldError("doc_missing", {"min": spec.min})
        elif len(chosen) > spec.max:
            result.errors[name] = FieldError("doc_too_many", {"max": spec.max})
        else:
            requirement = requirement_for(catalog, service_code, spec.key)
            for item in chosen:
                checked = await check_upload(item, requirement, policy=policy)
                result.checked.setdefault(spec.key, []).append(checked)
                verdict = checked.verdict
                if verdict.reason is not None:
                    result.errors[name] = refusal(verdict.reason, verdict.detail, document.kinds)
                    break
    return result


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
