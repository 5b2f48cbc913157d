"""The locker's public face is the names `app.locker` exports; the rest of the application goes
through it, so the locker's modules can be rearranged without touching anyone else."""

from __future__ import annotations

import ast
from pathlib import Path

import app
import app.locker

ROOT = Path(app.__file__).parent
# The `loket` command mounts every package's sub-commands from that package's cli module.
MOUNTS = {("app/cli.py", "app.locker.cli")}


def test_the_exported_names_are_pinned() -> None:
    assert sorted(app.locker.__all__) == [
        "AccessAction",
        "Blob",
        "BlobIntegrityError",
        "BlobNotFound",
        "BlobStore",
        "CheckedUpload",
        "Document",
        "DocumentAccess",
        "DocumentNotAvailable",
        "DocumentNotFound",
        "DocumentRequirement",
        "DocumentStatus",
        "Downloaded",
        "KeyConfigError",
        "KeyRing",
        "LockerError",
        "LockerPolicy",
        "META_MEDIA_LIMITS",
        "MaySee",
        "MediaGone",
        "MediaInfo",
        "MediaInfoLike",
        "MediaSource",
        "MediaUrlExpired",
        "MiB",
        "MissingKeyError",
        "PurgeReport",
        "PutResult",
        "Reason",
        "ReencryptReport",
        "UPLOAD_MAX_BYTES",
        "UploadedFile",
        "attach_documents",
        "check_upload",
        "get_document",
        "human_size",
        "ingest_checked",
        "ingest_media",
        "megapixels",
        "open_store",
        "open_visible",
        "purge",
        "read_document",
        "read_thumbnail",
        "reason_message",
        "reencrypt",
        "reencrypt_locker",
        "release_documents",
        "release_request",
        "resident_locker",
        "set_keep_for_reuse",
        "store_from_settings",
        "store_upload",
    ]
    assert [name for name in app.locker.__all__ if not hasattr(app.locker, name)] == []


def _locker_imports(path: Path) -> list[str]:
    """What `path` takes from the locker: `app.locker.<module>` or `app.locker:<name>`."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("app.locker.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("app.locker."):
                found.append(node.module)
            elif node.module == "app.locker":
                found += [f"app.locker:{a.name}" for a in node.names]
    return found


def test_other_modules_use_only_the_exported_names() -> None:
    exported = set(app.locker.__all__)
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent).as_posix()
        if relative.startswith("app/locker/"):
            continue
        for name in _locker_imports(path):
            if (relative, name) in MOUNTS:
                continue
            if name.startswith("app.locker:") and name.partition(":")[2] in exported:
                continue
            offenders.append(f"{relative} imports {name}")
    assert offenders == []
