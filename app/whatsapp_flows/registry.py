"""The record of published Flows: which Flow id serves which service and language.

`loket flows publish` writes it to `<LOKET_VAR_DIR>/whatsapp_flows.json`; the code that sends a
form reads `FlowRegistry.for_settings(settings).flow_id("ktp", "id")`. A file, not a table: it
changes only when an administrator publishes, and it can be read and diffed by people. Without
it a sender can still name the Flow (`flow_name`, Cloud API only): names are
`flow_name(code, language)`.

    {"ktp": {"id": {"flow_id": "1234", "name": "loket_ktp_id", "sha256": "…",
                    "published_at": "2026-11-22T01:00:00+00:00",
                    "endpoint_uri": "https://loket.example/webhooks/whatsapp/flows"}}}

`endpoint_uri` is null for a Flow published without the data endpoint (and absent from records
written before it was kept).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.config import Settings

REGISTRY_FILE = "whatsapp_flows.json"


def flow_name(code: str, language: str) -> str:
    """The Flow's name at Meta (unique per business account)."""
    return f"loket_{code}_{language}"


class RegistryError(ValueError):
    """The registry file exists but cannot be read."""


@dataclass(frozen=True)
class PublishedFlow:
    """One published Flow: its id and name at Meta, the SHA-256 of the JSON published, and the
    data endpoint it was pointed at (None: none)."""

    flow_id: str
    name: str
    sha256: str
    published_at: str
    endpoint_uri: str | None = None


class FlowRegistry:
    """Published Flows by service code and language, kept in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries = self._load()

    @classmethod
    def for_settings(cls, settings: Settings) -> FlowRegistry:
        return cls(settings.var_dir / REGISTRY_FILE)

    def get(self, code: str, language: str) -> PublishedFlow | None:
        """The Flow published for this service and language, if any."""
        return self._entries.get(code, {}).get(language)

    def flow_id(self, code: str, language: str) -> str | None:
        """The Flow id to send for this service and language, if it was published."""
        found = self.get(code, language)
        return found.flow_id if found is not None else None

    def record(self, code: str, language: str, flow: PublishedFlow) -> None:
        """Remember a publication and write the file (atomically: a reader never sees half)."""
        self._entries.setdefault(code, {})[language] = flow
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            service: {lang: asdict(entry) for lang, entry in sorted(languages.items())}
            for service, languages in sorted(self._entries.items())
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        os.replace(temporary, self.path)

    def _load(self) -> dict[str, dict[str, PublishedFlow]]:
        if not self.path.exists():
            return {}
        try:
            raw: Any = json.loads(self.path.read_text("utf-8"))
            return {
                code: {lang: PublishedFlow(**entry) for lang, entry in languages.items()}
                for code, languages in raw.items()
            }
        except (ValueError, TypeError, AttributeError) as exc:
            raise RegistryError(f"{self.path}: not a record of published Flows ({exc})") from exc
