"""The locker: residents' documents, stored once, checked at intake, encrypted, audited, purged.

Public surface (import from here):

- store: `BlobStore`, `open_store`, `store_from_settings`, `KeyRing`, `PutResult`
- fetching: `MediaSource`, `MediaInfo` / `MediaInfoLike`, `MediaUrlExpired`, `MediaGone`
- policy: `LockerPolicy`, `DocumentRequirement`, `META_MEDIA_LIMITS`, `MiB`, `Reason`,
  `reason_message`, `human_size`, `megapixels`
- counter uploads: `check_upload`, `CheckedUpload`, `store_upload`, `UPLOAD_MAX_BYTES`,
  `UploadedFile` (what an upload must offer), `Downloaded` (a checked upload's spooled copy)
- service: `ingest_media`, `ingest_checked` (a file already spooled and checked),
  `read_document`, `read_thumbnail`, `resident_locker`, `get_document`,
  `attach_documents`, `release_documents`, `release_request`, `set_keep_for_reuse`, `purge`,
  `PurgeReport`, `reencrypt`, `reencrypt_locker`
- reading: `open_visible` (a document for a reader allowed to see it), `MaySee`
- errors: `LockerError` and its kinds

Other modules import these names from `app.locker`, never from its modules (a test checks it);
only the `loket` command mounts the locker's own commands from `app.locker.cli`.
- models: `Document`, `DocumentStatus`, `Blob`, `DocumentAccess`, `AccessAction`
"""

from __future__ import annotations

from app.locker.crypto import KeyRing
from app.locker.errors import (
    BlobIntegrityError,
    BlobNotFound,
    DocumentNotAvailable,
    DocumentNotFound,
    KeyConfigError,
    LockerError,
    MissingKeyError,
)
from app.locker.factory import open_store, store_from_settings
from app.locker.fetch import (
    Downloaded,
    MediaGone,
    MediaInfo,
    MediaInfoLike,
    MediaSource,
    MediaUrlExpired,
)
from app.locker.models import AccessAction, Blob, Document, DocumentAccess, DocumentStatus
from app.locker.policy import META_MEDIA_LIMITS, DocumentRequirement, LockerPolicy, MiB
from app.locker.purge import PurgeReport, purge
from app.locker.reading import MaySee, open_visible
from app.locker.reasons import Reason, human_size, megapixels
from app.locker.reasons import message as reason_message
from app.locker.repository import get_document
from app.locker.rotation import ReencryptReport, reencrypt, reencrypt_locker
from app.locker.service import (
    attach_documents,
    ingest_checked,
    ingest_media,
    read_document,
    read_thumbnail,
    release_documents,
    release_request,
    resident_locker,
    set_keep_for_reuse,
)
from app.locker.store import BlobStore, PutResult
from app.locker.upload import (
    UPLOAD_MAX_BYTES,
    CheckedUpload,
    UploadedFile,
    check_upload,
    store_upload,
)

__all__ = [
    "META_MEDIA_LIMITS",
    "UPLOAD_MAX_BYTES",
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
