"""The locker: residents' documents, stored once, checked at intake, encrypted, audited, purged.

Public surface (import from here):

- store: `BlobStore`, `open_store`, `store_from_settings`, `KeyRing`, `PutResult`
- fetching: `MediaSource`, `MediaInfo` / `MediaInfoLike`, `MediaUrlExpired`, `MediaGone`
- policy: `LockerPolicy`, `DocumentRequirement`, `Reason`, `reason_message`
- service: `ingest_media`, `read_document`, `read_thumbnail`, `resident_locker`,
  `attach_documents`, `release_request`, `set_keep_for_reuse`, `purge`, `PurgeReport`,
  `reencrypt`, `reencrypt_locker`
- reading: `open_visible` (a document for a reader allowed to see it), `MaySee`
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
    MediaGone,
    MediaInfo,
    MediaInfoLike,
    MediaSource,
    MediaUrlExpired,
)
from app.locker.models import AccessAction, Blob, Document, DocumentAccess, DocumentStatus
from app.locker.policy import DocumentRequirement, LockerPolicy
from app.locker.purge import PurgeReport, purge
from app.locker.reading import MaySee, open_visible
from app.locker.reasons import Reason
from app.locker.reasons import message as reason_message
from app.locker.rotation import ReencryptReport, reencrypt, reencrypt_locker
from app.locker.service import (
    attach_documents,
    ingest_media,
    read_document,
    read_thumbnail,
    release_request,
    resident_locker,
    set_keep_for_reuse,
)
from app.locker.store import BlobStore, PutResult

__all__ = [
    "AccessAction",
    "Blob",
    "BlobIntegrityError",
    "BlobNotFound",
    "BlobStore",
    "Document",
    "DocumentAccess",
    "DocumentNotAvailable",
    "DocumentNotFound",
    "DocumentRequirement",
    "DocumentStatus",
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
    "MissingKeyError",
    "PurgeReport",
    "PutResult",
    "Reason",
    "ReencryptReport",
    "attach_documents",
    "ingest_media",
    "open_store",
    "open_visible",
    "purge",
    "read_document",
    "read_thumbnail",
    "reason_message",
    "reencrypt",
    "reencrypt_locker",
    "release_request",
    "resident_locker",
    "set_keep_for_reuse",
    "store_from_settings",
]
