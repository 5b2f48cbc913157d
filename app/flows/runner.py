"""Try a service in the terminal: `python -m app.flows.runner SERVICE [--catalog DIR] [--en]`.

Type answers as a resident would. Lines starting with "/" stand for what the rest of Loket does:
/photo and /pdf send a file, /ok and /reject REASON are the locker's verdict on the oldest file
waiting, /timeout is an idle timeout, /quit leaves. Submissions are accepted at once with a made
up ticket, so a catalog author can walk a service from start to finish.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from app.flows.catalog import load_catalog
from app.flows.context import ResidentContext
from app.flows.engine import Engine
from app.flows.events import Event, SendButtons, SendList, SendText, StoreMedia, SubmitRequest
from app.flows.inputs import (
    ChoiceInput,
    DocumentChecked,
    Input,
    MediaInput,
    SubmissionAccepted,
    TextInput,
    TimeoutInput,
)


def describe(event: Event) -> str:
    """One event as a line or two of text for the terminal."""
    if isinstance(event, SendText):
        return f"bot: {event.text}"
    if isinstance(event, SendButtons):
        buttons = "  ".join(f"[{b.id}] {b.title}" for b in event.buttons)
        return f"bot: {event.body}\n     {buttons}"
    if isinstance(event, SendList):
        rows = "\n".join(f"     [{r.id}] {r.title}" for r in event.rows)
        return f"bot: {event.body}\n{rows}"
    return f"  ({event.to_dict()})"


def run(
    service: str,
    lines: Iterable[str],
    out: TextIO,
    *,
    catalog_dir: Path | None = None,
    language: str = "id",
) -> int:
    """Play a conversation from `lines`; returns the number of requests submitted."""
    counter = itertools.count(1)
    now = [datetime(2026, 1, 5, 1, tzinfo=UTC)]
    engine = Engine(
        load_catalog(catalog_dir), clock=lambda: now[0], new_id=lambda: f"id-{next(counter)}"
    )
    context = ResidentContext(language=language)
    snapshot = None
    waiting: list[StoreMedia] = []
    submitted = 0
    pending: list[Input] = [ChoiceInput(f"svc:{service}", service)]
    lines = iter(lines)
    while True:
        if not pending:
            line = next(lines, "/quit").strip()
            if line == "/quit":
                return submitted
            pending = [_input_for(line, waiting)]
            now[0] += timedelta(minutes=1)
        item = pending.pop(0)
        step = engine.handle(snapshot, item, context)
        snapshot = step.snapshot
        for event in step.events:
            out.write(describe(event) + "\n")
            if isinstance(event, StoreMedia):
                waiting.append(event)
            if isinstance(event, SubmitRequest):
                submitted += 1
                ticket = event.ticket or f"TEST-{submitted:04d}"
                pending.append(SubmissionAccepted(ticket, date(2026, 1, 9)))


def _input_for(line: str, waiting: list[StoreMedia]) -> Input:
    command, _, rest = line.partition(" ")
    if command == "/photo":
        return MediaInput("image", f"photo-{len(waiting)}", "image/jpeg")
    if command == "/pdf":
        return MediaInput("document", f"pdf-{len(waiting)}", "application/pdf", filename="f.pdf")
    if command in {"/ok", "/reject"} and waiting:
        stored = waiting.pop(0)
        accepted = command == "/ok"
        reason = None if accepted else (rest or "blurred")
        return DocumentChecked(stored.requirement, f"doc-{stored.media_id}", accepted, reason)
    if command == "/timeout":
        return TimeoutInput()
    if line.startswith("[") and line.endswith("]"):
        return ChoiceInput(line[1:-1], line[1:-1])
    return TextInput(line)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m app.flows.runner", description=__doc__)
    parser.add_argument("service", help="service code, for example ktp")
    parser.add_argument("--catalog", type=Path, default=None, help="catalog folder")
    parser.add_argument("--en", action="store_true", help="talk in English")
    args = parser.parse_args(argv)
    print("Type answers; [id] taps a button; /photo /pdf /ok /reject REASON /timeout /quit")
    run(
        args.service,
        sys.stdin,
        sys.stdout,
        catalog_dir=args.catalog,
        language="en" if args.en else "id",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
