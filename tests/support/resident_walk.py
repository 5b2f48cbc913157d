"""A cooperative resident walked through one catalog service by chat, counting their actions.

The resident answers every question right the first time, the way people do in a chat: the
first message names the service in their own words ("ktp saya hilang"), choices are tapped,
data is typed, each document is one photo (more only when the service needs more), "Sudah
semua" is tapped when the bot asks for it (or, given `pause`, the resident says nothing and the
bot moves on a minute later), and the summary is confirmed with a tap. The walk
goes through the real `Engine.handle`, as the golden tests do: snapshots pass through JSON, and
the locker's and the request store's answers (`DocumentChecked`, `SubmissionAccepted`) are fed
back as the caller would. Those are not the resident's doing and are not counted.

Used by bench/actions_bench.py (the figures in bench/README.md) and by the test that pins them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.flows.catalog import Catalog, FieldSpec, Service
from app.flows.context import ResidentContext
from app.flows.engine import Engine
from app.flows.events import OfferForm, StoreMedia, SubmitRequest
from app.flows.inputs import (
    ChoiceInput,
    DocumentChecked,
    Input,
    MediaInput,
    SubmissionAccepted,
    TextInput,
    TimeoutInput,
)

MAX_ACTIONS = 60  # a walk that needs more has lost its way: an error, not a figure


@dataclass(frozen=True)
class Scenario:
    """What one resident wants and answers: the opening message, the variant to tap when
    asked, and the answers that differ from the defaults (choice ids or typed texts)."""

    service: str
    opening: str
    variant: str | None = None
    answers: dict[str, str] = field(default_factory=dict)


# One cooperative resident per shipped service: the request most people make.
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("ktp", "ktp saya hilang", answers={"nik": "7307011708650001"}),
    Scenario("kk", "mau urus kk, kk saya hilang", answers={"nik": "7307011708650001"}),
    Scenario(
        "akta_kelahiran",
        "mau buat akta kelahiran anak saya",
        answers={"nik_pelapor": "7307011708850001", "tanggal_lahir_anak": "03-11-2026"},
    ),
    Scenario(
        "akta_kematian",
        "mau lapor kematian bapak saya",
        answers={"nik_almarhum": "7307011708400001", "nik_pelapor": "7307011708650001"},
    ),
    Scenario(
        "kia",
        "mau buat kia untuk anak saya",
        variant="usia_5_17",
        answers={"nik_anak": "7307015503190002", "tanggal_lahir_anak": "15-03-2019"},
    ),
    Scenario("pindah", "mau urus surat pindah", answers={"nik": "7307011708650001"}),
    Scenario(
        "sipi_perpanjangan",
        "mau perpanjang sipi kapal saya",
        answers={"nik": "7307011708650001", "ada_perubahan": "tidak"},
    ),
)


@dataclass
class Walk:
    """What the resident did: messages typed, files sent, buttons tapped, and the ticket."""

    service: str
    messages: int = 0
    files: int = 0
    taps: int = 0
    waits: int = 0  # "Ada foto lain?" left unanswered until the bot moved on
    ticket: str | None = None
    submitted: SubmitRequest | None = None
    transcript: list[str] = field(default_factory=list)

    @property
    def actions(self) -> int:
        """Every message, file and tap of the resident."""
        return self.messages + self.files + self.taps


class WalkError(RuntimeError):
    """The resident could not go on: the engine asked something the walk cannot answer."""


def walk(
    engine: Engine,
    catalog: Catalog,
    scenario: Scenario,
    *,
    today: date,
    pause: Callable[[], None] | None = None,
) -> Walk:
    """Walk `scenario` from its opening message to a submitted request. With `pause` (which
    moves the engine's clock on by a minute), the resident waits instead of "Sudah semua"."""
    service = catalog.services[scenario.service]
    result = Walk(service=service.code)
    resident = Resident(engine, result, pause=pause)
    resident.type(scenario.opening)
    return finish(resident, service, scenario, today=today)


def finish(resident: Resident, service: Service, scenario: Scenario, *, today: date) -> Walk:
    """Answer in chat whatever the engine still asks, up to the submitted request."""
    result = resident.result
    files = sum(resident.pages.values())
    while resident.snapshot is not None and len(result.transcript) < MAX_ACTIONS:
        awaiting = resident.snapshot.get("awaiting") or {}
        kind, key, prompt = awaiting.get("kind"), awaiting.get("key"), awaiting.get("prompt")
        if kind == "variant":
            resident.tap(f"var:{scenario.variant or service.variants[0].code}", prompt)
        elif kind == "field":
            spec = service.field(str(key))
            if spec is None:
                raise WalkError(f"{service.code}: asked for unknown field {key}")
            _answer(resident, spec, scenario, prompt, today)
        elif kind == "document":
            document = service.document(str(key))
            sent = resident.pages_of(str(key))
            if document is not None and sent >= max(document.min, 1) and resident.pause:
                resident.wait()
            elif document is not None and sent >= max(document.min, 1):
                resident.tap("done", prompt)
            else:
                files += 1
                resident.send_file(files)
        elif kind == "confirm":  # the summary: yes, with the usual way to receive the result
            ways = service.delivery.ways
            resident.tap(f"yes:{ways[0]}" if len(ways) > 1 else "yes", prompt)
        elif kind == "recall":  # the data remembered from before
            resident.tap("yes", prompt)
        elif kind == "submitting":
            resident.accept_submission(today)
            return result
        else:
            raise WalkError(f"{service.code}: stuck at {kind!r} after {result.transcript}")
    raise WalkError(f"{service.code}: not submitted after {MAX_ACTIONS} actions")


def _answer(
    resident: Resident, spec: FieldSpec, scenario: Scenario, prompt: str | None, today: date
) -> None:
    given = scenario.answers.get(spec.key)
    if spec.validator == "choice":
        resident.tap(f"opt:{given or spec.choices[0].id}", prompt)
        return
    resident.type(given or typed_answer(spec, today))


def typed_answer(spec: FieldSpec, today: date) -> str:
    """A right answer to a typed question, as a resident would write it."""
    match spec.validator:
        case "nik":
            return "7307011708650001"
        case "kk":
            return "7307012010150001"
        case "phone":
            return "0812 3456 7890"
        case "name":
            return "Andi Baso"
        case "number":
            low = spec.min_value if spec.min_value is not None else 1
            return str(int(low) + 1)
        case "date":
            shift = timedelta(days=180 if spec.dates == "future" else -10)
            return (today + shift).strftime("%d-%m-%Y")
    return spec.example.id if spec.example is not None else "Dusun Mawar RT 02/RW 01, Desa Contoh"


class Resident:
    """Sends the resident's inputs and carries out what the engine asks of the caller.

    `context` is what the caller tells the engine (the forms it may offer, what is
    remembered); the form offers the engine made are kept in `offers`, the latest last."""

    def __init__(
        self,
        engine: Engine,
        result: Walk,
        context: ResidentContext | None = None,
        pause: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.pause = pause
        self.result = result
        self.snapshot: dict[str, Any] | None = None
        self.pages: dict[str, int] = {}
        self.context = context or ResidentContext(language="id")
        self.offers: list[OfferForm] = []

    def type(self, text: str) -> None:
        self.result.messages += 1
        self.result.transcript.append(f"type {text!r}")
        self.send(TextInput(text))

    def tap(self, choice: str, prompt: str | None) -> None:
        self.result.taps += 1
        self.result.transcript.append(f"tap {choice}")
        self.send(ChoiceInput(choice, prompt=prompt))

    def wait(self) -> None:
        """Say nothing to "Ada foto lain?": a minute later the caller's timeout comes."""
        assert self.pause is not None
        self.result.waits += 1
        self.result.transcript.append("wait")
        self.pause()
        self.send(TimeoutInput())

    def send_file(self, number: int) -> None:
        self.result.files += 1
        self.result.transcript.append(f"photo {number}")
        digest = f"{number:064x}"
        self.send(MediaInput("image", f"media-{number}", "image/jpeg", sha256=digest))

    def pages_of(self, key: str) -> int:
        return self.pages.get(key, 0)

    def accept_submission(self, today: date) -> None:
        ticket = f"T-{self.result.service.upper()}-0001"
        self.result.ticket = ticket
        self.send(SubmissionAccepted(ticket, today + timedelta(days=14)))

    def send(self, item: Input) -> None:
        """Hand `item` to the engine, then the locker's verdicts on what it asked to store."""
        queue: list[Input] = [item]
        while queue:
            step = self.engine.handle(self.snapshot, queue.pop(0), self.context)
            self.snapshot = json.loads(json.dumps(step.snapshot))
            for event in step.events:
                if isinstance(event, StoreMedia):
                    queue.append(self._checked(event))
                elif isinstance(event, SubmitRequest):
                    self.result.submitted = event
                elif isinstance(event, OfferForm):
                    self.offers.append(event)

    def _checked(self, event: StoreMedia) -> DocumentChecked:
        self.pages[event.requirement] = self.pages.get(event.requirement, 0) + 1
        number = sum(self.pages.values())
        return DocumentChecked(
            event.requirement, f"doc-{number}", accepted=True, sha256=event.sha256
        )


def walk_all(
    catalog: Catalog,
    make_engine: Callable[[], Engine],
    *,
    today: date,
    pause: Callable[[], None] | None = None,
) -> dict[str, Walk]:
    """Every scenario's walk, keyed by service code, each on a fresh engine."""
    return {
        scenario.service: walk(make_engine(), catalog, scenario, today=today, pause=pause)
        for scenario in SCENARIOS
        if scenario.service in catalog.services
    }


def services_without_scenario(catalog: Catalog) -> list[str]:
    """Catalog services no scenario walks through (each needs one)."""
    walked = {scenario.service for scenario in SCENARIOS}
    return sorted(code for code in catalog.services if code not in walked)


def service_name(service: Service) -> str:
    """The service's Indonesian name, for tables."""
    return service.names.id
