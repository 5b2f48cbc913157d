"""Replaying golden conversation files through `Engine.handle`.

A golden file holds a resident context, a list of steps (an input, optionally minutes the clock
moves first and a context change) and, per step, the events the engine must produce. Snapshots
are passed from step to step as JSON, exactly as the caller stores them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from app.flows.context import (
    Holiday,
    OfficeInfo,
    Remembered,
    RememberedSubject,
    RequestSummary,
    ResidentContext,
    StoredDocument,
)
from app.flows.engine import Engine
from app.flows.inputs import parse_input


def build_context(data: dict[str, Any] | None) -> ResidentContext:
    """A resident context from plain data (datetimes as ISO strings)."""
    data = dict(data or {})
    requests = [
        RequestSummary(
            ticket=item["ticket"],
            service_code=item["service_code"],
            status=item["status"],
            updated_at=datetime.fromisoformat(item["updated_at"]),
            due_date=date.fromisoformat(item["due_date"]) if item.get("due_date") else None,
            pickup_place=item.get("pickup_place"),
            pickup_hours=item.get("pickup_hours"),
            delivery=item.get("delivery", "pickup"),
        )
        for item in data.get("open_requests", [])
    ]
    office = data.get("office")
    locker = [
        StoredDocument(
            document_id=item["document_id"],
            kind=item["kind"],
            accepted_at=datetime.fromisoformat(item["accepted_at"]),
            expires_at=datetime.fromisoformat(item["expires_at"])
            if item.get("expires_at")
            else None,
        )
        for item in data.get("locker", [])
    ]
    return ResidentContext(
        language=data.get("language", "id"),
        name=data.get("name"),
        open_requests=requests,
        locker=locker,
        office=_office(office) if office else None,
        forms=frozenset(data.get("forms", [])),
        memory=_memory(data.get("memory")),
    )


def _memory(data: dict[str, Any] | None) -> Remembered:
    """Remembered data: consent, the person's answers, subjects (expiry as an ISO date)."""
    if not data:
        return Remembered()
    subjects = tuple(
        RememberedSubject(
            kind=item["kind"],
            key=item["key"],
            label=item["label"],
            fields=dict(item.get("fields") or {}),
            documents={k: list(v) for k, v in (item.get("documents") or {}).items()},
            expires_on=date.fromisoformat(item["expires_on"]) if item.get("expires_on") else None,
        )
        for item in data.get("subjects", [])
    )
    renewal = data.get("renewal")
    return Remembered(
        consent=data.get("consent"),
        person=dict(data.get("person") or {}),
        subjects=subjects,
        renewal=tuple(renewal) if renewal else None,  # type: ignore[arg-type]
    )


def _office(data: dict[str, Any]) -> OfficeInfo:
    """The office, with whether it is open now and when it opens next (ISO datetime), and its
    days off (ISO dates) with the holidays' names (`holidays`: date, name_id, name_en)."""
    opens_next = data.get("opens_next")
    holidays = [
        Holiday(day=date.fromisoformat(item["date"]), name_id=item["id"], name_en=item["en"])
        for item in data.get("holidays", [])
    ]
    return OfficeInfo(
        name=data["name"],
        region=data.get("region"),
        address=data.get("address"),
        hours_text=data.get("hours_text"),
        closing=time.fromisoformat(data.get("closing", "16:00")),
        days_off=tuple(date.fromisoformat(day) for day in data.get("days_off", [])),
        holidays=tuple(holidays),
        open_now=bool(data.get("open_now", False)),
        opens_next=datetime.fromisoformat(opens_next) if opens_next else None,
    )


@dataclass
class Replay:
    """What a replay produced: events per step and the last snapshot."""

    events: list[list[dict[str, Any]]] = field(default_factory=list)
    snapshot: dict[str, Any] | None = None


def replay(engine: Engine, clock: Any, golden: dict[str, Any]) -> Replay:
    """Run every step of a golden file; snapshots go through JSON between steps."""
    result = Replay()
    context_data = golden.get("context") or {}
    for step in golden["steps"]:
        if "after_minutes" in step:
            clock.advance(minutes=step["after_minutes"])
        if "context" in step:
            context_data = step["context"]
        out = engine.handle(
            result.snapshot, parse_input(step["input"]), build_context(context_data)
        )
        result.snapshot = json.loads(json.dumps(out.snapshot))
        result.events.append([event.to_dict() for event in out.events])
    return result


def load(path: Path) -> dict[str, Any]:
    """A golden file's data."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def save(path: Path, golden: dict[str, Any], events: list[list[dict[str, Any]]]) -> None:
    """Write the replayed events back as the expected ones."""
    for step, produced in zip(golden["steps"], events, strict=True):
        step["expect"] = produced
    text = yaml.safe_dump(golden, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
