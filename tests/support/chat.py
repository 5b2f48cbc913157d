"""A small driver for engine tests: send inputs, keep the snapshot, read what came back."""

from __future__ import annotations

import json
from typing import Any

from app.flows.context import ResidentContext
from app.flows.engine import Engine
from app.flows.events import Event, SendButtons, SendList, SendText
from app.flows.inputs import ChoiceInput, Input, MediaInput, TextInput

NIK = "1303015708900001"  # synthetic: province 13, woman born 17-08-1990
KK = "7307012010150001"  # synthetic: issued 20-10-2015


class Chat:
    """One resident talking to an engine; snapshots go through JSON like in production."""

    def __init__(self, engine: Engine, context: ResidentContext | None = None) -> None:
        self.engine = engine
        self.context = context or ResidentContext()
        self.stored: dict[str, Any] | None = None
        self.events: list[Event] = []

    @property
    def snapshot(self) -> dict[str, Any]:
        """The stored snapshot (after at least one message)."""
        assert self.stored is not None, "nothing sent yet"
        return self.stored

    def send(self, item: Input | str) -> list[Event]:
        """Hand one input (a str is typed text) to the engine; return its events."""
        if isinstance(item, str):
            item = TextInput(item)
        step = self.engine.handle(self.stored, item, self.context)
        self.stored = json.loads(json.dumps(step.snapshot))
        self.events = step.events
        return step.events

    def tap(self, id: str, title: str = "", prompt: str | None = None) -> list[Event]:
        """Tap a button or list row (of the message that carried prompt id `prompt`, if given)."""
        return self.send(ChoiceInput(id, title or id, prompt))

    def prompts(self) -> list[str | None]:
        """The prompt ids carried by the interactive messages of the last call."""
        return [e.prompt for e in self.events if isinstance(e, SendButtons | SendList)]

    def photo(self, media_id: str, group: str | None = None) -> list[Event]:
        """Send a JPEG photo."""
        return self.send(MediaInput("image", media_id, "image/jpeg", group_hint=group))

    def texts(self) -> list[str]:
        """The message texts of the last call (bodies for interactive messages)."""
        found = []
        for event in self.events:
            if isinstance(event, SendText):
                found.append(event.text)
            elif isinstance(event, SendButtons | SendList):
                found.append(event.body)
        return found

    def of_type(self, kind: type) -> list[Any]:
        """Events of one type from the last call."""
        return [event for event in self.events if isinstance(event, kind)]

    def choices(self) -> list[str]:
        """Ids of the buttons or rows offered in the last call."""
        ids: list[str] = []
        for event in self.events:
            if isinstance(event, SendButtons):
                ids += [button.id for button in event.buttons]
            elif isinstance(event, SendList):
                ids += [row.id for row in event.rows]
        return ids

    @property
    def awaiting(self) -> dict[str, Any]:
        """What the engine waits for, from the snapshot (something must be awaited)."""
        value: dict[str, Any] | None = self.snapshot["awaiting"]
        assert value is not None, "the engine waits for nothing"
        return value


def ktp_until_documents(chat: Chat, variant: str = "hilang") -> None:
    """Walk a KTP-el request up to its first document (the KK)."""
    chat.send("halo")
    chat.tap("svc:ktp")
    chat.tap(f"var:{variant}")
    # The birth date and sex come from the NIK: not asked.
    answers = [NIK, "Siti Aminah", KK, "Dusun Mawar RT 02/RW 01"]
    if variant == "baru":  # a first KTP-el also asks the marital status, before the address
        answers.insert(3, "belum kawin")
    for answer in answers:
        chat.send(answer)
