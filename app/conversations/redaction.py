"""What retention leaves of a stored message, a conversation snapshot and a request's history.

After a request's retention period the personal data kept beside its files goes too: what the
resident wrote (NIK, KK number, names, address, birth date, shared contacts and locations), what
Loket wrote back (the summary repeats the answers), the engine's memory of the answers and the
operators' notes. These functions only compute the redacted copy; `retention.py` decides which
rows and writes them.

A stored message keeps its shape, so the transcript still reads it: Meta's structural values
(types, ids, timestamps, template names) stay; every other text becomes `REDACTED`, followed by
the tickets it named, so the chat of a request still knows which messages were about it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

REDACTED = "[dihapus: masa simpan berakhir]"

# Values that are structure, not what a person wrote or what was written about them.
_STRUCTURAL_KEYS = frozenset(
    {
        "type", "id", "timestamp", "mime_type", "sha256", "messaging_product", "recipient_type",
        "status", "format", "sub_type", "index", "kind", "animated", "voice", "preview_url",
        "message_id", "phone_number_id", "prompt", "service", "requirement", "reason",
    }
)  # fmt: skip
# A template's name and language are structure; its parameters are not.
_STRUCTURAL_PAIRS = frozenset({("template", "name"), ("language", "code"), ("language", "policy")})
# The answers and the drafts: what a stale conversation's snapshot no longer needs.
_SNAPSHOT_KEPT = ("version", "language", "prompts")
# Free text in a request's history: an operator's note, a pickup or delivery place.
_HISTORY_TEXT = frozenset({"note", "place"})

Named = Callable[[str], Collection[str]]


def redacted_text(text: str, named: Named) -> str:
    """`REDACTED` with the tickets `text` named; a bare ticket stays as it is."""
    if not text.strip():
        return text
    tickets = sorted(named(text))
    if tickets == [text.strip()] or text.startswith(REDACTED):
        return text
    return " ".join([REDACTED, *tickets])


def redact_json(value: Any, named: Named, path: tuple[str, ...] = ()) -> Any:
    """A message payload or body with everything but its structure redacted (`REDACTED`).

    Numbers outside structural keys go too: a shared location's coordinates are an address.
    """
    if isinstance(value, dict):
        return {key: redact_json(item, named, (*path, str(key))) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_json(item, named, path) for item in value]
    if value is None or isinstance(value, bool):
        return value
    structural = bool(path) and (path[-1] in _STRUCTURAL_KEYS or path[-2:] in _STRUCTURAL_PAIRS)
    if structural:
        return value
    if isinstance(value, str):
        return redacted_text(value, named)
    return None


def redact_history_data(data: dict[str, Any], named: Named) -> dict[str, Any]:
    """A history entry's data with its free text (notes, places) redacted, its codes kept."""

    def walk(value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if key in _HISTORY_TEXT and isinstance(value, str):
            return redacted_text(value, named)
        return value

    result: dict[str, Any] = walk(data, None)
    return result


def prune_snapshot(
    snapshot: dict[str, Any], expired: Collection[str], kept: Collection[str], *, stale: bool
) -> dict[str, Any]:
    """The snapshot without the answers of expired requests.

    `submitted` keeps a submitted draft per ticket to answer a later correction: those of
    `expired` tickets go. A `stale` conversation (untouched for the whole retention period) also
    loses its unfinished draft, parked draft, held messages and survey, unless a draft is the
    correction of a request still `kept`: the resident starts afresh, as their draft files are
    purged after the same period.
    """
    pruned = dict(snapshot)
    submitted = snapshot.get("submitted")
    if isinstance(submitted, dict):
        pruned["submitted"] = {t: d for t, d in submitted.items() if t not in expired}
    if not stale:
        return pruned
    drafts = [snapshot.get("draft"), snapshot.get("parked")]
    if any(isinstance(d, dict) and d.get("ticket") in kept for d in drafts):
        return pruned
    fresh = {key: pruned[key] for key in _SNAPSHOT_KEPT if key in pruned}
    if pruned.get("submitted"):
        fresh["submitted"] = pruned["submitted"]
    return fresh
