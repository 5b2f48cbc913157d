"""What the Flows data endpoint answers, once a request is decrypted (reference §5.6–§5.8).

- `ping`: `{"data": {"status": "active"}}` (the health check; no token needed).
- an error notification (`data.error`): `{"data": {"acknowledged": true}}`, logged.
- a token that does not verify or has expired, or names a resident or a form that is gone:
  427 with `{"error_msg": …}`, which WhatsApp shows to the resident.
- `INIT`: the form's entry screen, pre-filled (`prefill.form_prefill`).
- `BACK`: the screen returned to, with its data.
- `data_exchange`: the screen's answers and files checked; every problem in one
  `error_message` on the same screen (nothing stored), else the next screen; after the last
  screen, `SUCCESS` with the answers and the stored files' document ids. From the NIK screen
  of a generated form (`app.flows.forms.identity_check`): the problems also under each input
  (`errors`), else `NIK_CHECK` with the birth date and sex the NIK encodes and, for a NIK
  first registered outside LOKET_OFFICE_REGION, a note (never a refusal, as in chat).

In-form checks, the same as in chat: NIK and KK numbers through the chat's validators (format,
province, date, serial); files (picker keys `doc_<key>`, `doc_<key>__<n>`) downloaded, verified,
decrypted and put through the locker's intake checks (`flow_media`). A request with any problem
stores nothing; a clean one keeps its files in the resident's locker before moving on. The file
work has a budget (LOKET_FLOWS_FILE_BUDGET_SECONDS, 7 s) inside WhatsApp's 10 seconds; past it the
resident is asked to tap again and nothing is kept.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

import httpx
import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.flow_endpoint.endpoint_texts import chat_text, field_text, text
from app.flow_endpoint.prefill import form_prefill
from app.flows.catalog import Catalog, Service
from app.flows.forms import entry_screen, picker_key
from app.flows.forms.identity_check import (
    CHECK_SCREEN,
    CHECKED_VALIDATORS,
    ERRORS_KEY,
    OTHER_REGION_KEY,
    REGION_NOTE_KEY,
    identity_check,
)
from app.flows.forms.keys import picker_pages
from app.flows.forms.question_screens import nik_screen
from app.flows.identity import IdentityError, parse_nik
from app.flows.messages import Messages
from app.flows.validators import validate
from app.intake.service import requirement_for
from app.locker import BlobStore, DocumentStatus, LockerPolicy
from app.whatsapp_flows.flow_media import CheckedFile, FlowFile, fetch_and_check, keep
from app.whatsapp_flows.flow_tokens import FlowToken, TokenRefused, check_flow_token
from app.whatsapp_flows.forms import flow_for

log = structlog.get_logger(__name__)

# Answers checked inside the form: the identity numbers, where a typo costs a whole round trip.
IN_FORM_VALIDATORS = CHECKED_VALIDATORS
SUCCESS_SCREEN = "SUCCESS"


class EndpointParts(Protocol):
    """What the endpoint uses of the running application."""

    @property
    def settings(self) -> Settings: ...
    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]: ...
    @property
    def store(self) -> BlobStore: ...
    @property
    def http(self) -> httpx.AsyncClient: ...
    @property
    def catalog(self) -> Catalog: ...


@dataclass(frozen=True)
class Answer:
    """The HTTP status and the body to encrypt."""

    status: int
    body: dict[str, Any]


@dataclass
class _Exchange:
    token: FlowToken
    raw_token: str
    service: Service
    version: str
    today: date
    now: datetime
    errors: list[str] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)  # key -> short reason


async def answer(parts: EndpointParts, payload: dict[str, Any], *, now: datetime) -> Answer:
    """The answer to one decrypted request (see the module's list)."""
    action = payload.get("action")
    version = str(payload.get("version") or "3.0")
    raw_data = payload.get("data")
    data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    if action == "ping":
        return Answer(200, {"data": {"status": "active"}})
    if "error" in data:
        log.warning(
            "flows endpoint error notification",
            error=str(data.get("error"))[:200],
            message=str(data.get("error_message"))[:500],
            screen=payload.get("screen"),
        )
        return Answer(200, {"data": {"acknowledged": True}})
    settings = parts.settings
    raw_token = payload.get("flow_token")
    try:
        token = check_flow_token(settings, raw_token, now=now)
    except TokenRefused as exc:
        log.info("flows endpoint token refused", reason=str(exc))
        return _gone("id", expired=exc.expired)
    service = parts.catalog.services.get(token.service)
    if service is None or not service.flow:
        return _gone(token.language, expired=False)
    async with parts.sessionmaker() as session:  # a read, ended before any network use
        prefill = await form_prefill(session, service, token.resident_id, now=now)
    if prefill is None:
        return _gone(token.language, expired=False)
    today = now.astimezone(settings.tz).date()
    exchange = _Exchange(token, str(raw_token), service, version, today, now)
    with structlog.contextvars.bound_contextvars(resident_id=token.resident_id):
        if action == "INIT":
            return _screen(exchange, entry_screen(service), prefill)
        if action == "BACK":
            screen = payload.get("screen") or entry_screen(service)
            return _screen(exchange, str(screen), prefill)
        if action == "data_exchange":
            return await _data_exchange(
                parts, exchange, str(payload.get("screen") or ""), data, prefill
            )
    return Answer(400, {"error_msg": f"unknown action {str(action)[:40]!r}"})


def _gone(language: str, *, expired: bool) -> Answer:
    key = "token_expired" if expired else "token_unknown"
    return Answer(427, {"error_msg": text(language, key)})


def _screen(exchange: _Exchange, screen: str, prefill: dict[str, Any], **extra: Any) -> Answer:
    """A screen with the data it declares: the prefill on the entry screen, nothing elsewhere."""
    data = dict(prefill) if screen == entry_screen(exchange.service) else {}
    data.update(extra)
    return Answer(200, {"version": exchange.version, "screen": screen, "data": data})


async def _data_exchange(
    parts: EndpointParts,
    exchange: _Exchange,
    screen: str,
    values: dict[str, Any],
    prefill: dict[str, Any],
) -> Answer:
    service, language = exchange.service, exchange.token.language
    screen = screen or entry_screen(service)
    typed = {k: v for k, v in values.items() if k in prefill and isinstance(v, str | bool)}
    shown = {**prefill, **typed}
    _check_answers(exchange, values)
    if screen == nik_screen(service):
        return _identity_answer(parts.settings, exchange, screen, values, shown)
    files = await _check_files(parts, exchange, values)
    if files is None:  # out of time: nothing was kept
        return _screen(exchange, screen, shown, error_message=text(language, "too_slow"))
    if exchange.errors:
        for _key, _document, checked in files:
            await checked.discard()
        message = "\n".join([text(language, "check_answers"), *exchange.errors])
        log.info("flows endpoint refused", screen=screen, problems=len(exchange.errors))
        return _screen(exchange, screen, shown, error_message=message)
    stored = await _keep_files(parts, exchange, files)
    if exchange.errors:  # the store failed: what was kept stays, the rest is asked again
        message = "\n".join(exchange.errors)
        return _screen(exchange, screen, shown, error_message=message)
    following = _next_screen(service, language, exchange.today, screen)
    if following is None:
        params = {
            "flow_token": exchange.raw_token,
            **{k: v for k, v in values.items() if k not in stored},
            **stored,
        }
        body = {"extension_message_response": {"params": params}}
        return Answer(200, {"version": exchange.version, "screen": SUCCESS_SCREEN, "data": body})
    return _screen(exchange, following, shown)


def _check_answers(exchange: _Exchange, values: dict[str, Any]) -> None:
    """The chat's validators on the identity numbers typed in this screen."""
    service, language = exchange.service, exchange.token.language
    answers = {k: v for k, v in values.items() if isinstance(v, str)}
    for spec in service.fields:
        value = values.get(spec.key)
        if spec.validator not in IN_FORM_VALIDATORS or not isinstance(value, str):
            continue
        if not value.strip():
            continue  # an empty optional answer: the form's own `required` covers the rest
        others = {k: v for k, v in answers.items() if k != spec.key}
        verdict = validate(spec, value, today=exchange.today, answers=others, service=service)
        if verdict.ok:
            continue
        params = {
            name: Messages.date(language, item) if isinstance(item, date) else item
            for name, item in verdict.params.items()
        }
        label = spec.label.get(language)
        exchange.field_errors[spec.key] = field_text(language, verdict.error or "")
        exchange.errors.append(
            f"{label}: {chat_text(language, f'invalid.{verdict.error}', **params)}"
        )


def _identity_answer(
    settings: Settings,
    exchange: _Exchange,
    screen: str,
    values: dict[str, Any],
    shown: dict[str, Any],
) -> Answer:
    """The NIK screen again with its errors, else NIK_CHECK with what the NIK encodes."""
    language, check = exchange.token.language, identity_check(exchange.service)
    nik = values.get(check.nik.key) if check is not None else None
    try:
        info = parse_nik(str(nik), today=exchange.today) if nik is not None else None
    except IdentityError:
        info = None
    if check is None or info is None or exchange.errors:
        if not exchange.errors and check is not None:  # an empty NIK: the form requires one
            exchange.field_errors[check.nik.key] = field_text(language, "")
            exchange.errors.append(check.nik.label.get(language))
        message = "\n".join([text(language, "check_answers"), *exchange.errors])
        log.info("flows endpoint refused", screen=screen, problems=len(exchange.errors))
        extra = {ERRORS_KEY: exchange.field_errors, "error_message": message}
        return _screen(exchange, screen, shown, **extra)
    data: dict[str, Any] = {}
    for spec in check.derived:
        if spec.derive == "nik_birth_date":
            data[spec.key] = Messages.date(language, info.birth_date)
        else:
            sex = "perempuan" if info.female else "laki_laki"
            choice = next((c for c in spec.choices if c.id == sex), None)
            data[spec.key] = choice.title.get(language) if choice is not None else sex
    region = settings.office_region
    data[OTHER_REGION_KEY] = bool(region) and not str(nik).startswith(str(region))
    data[REGION_NOTE_KEY] = text(language, "other_region")
    return Answer(200, {"version": exchange.version, "screen": CHECK_SCREEN, "data": data})


def _picker_files(service: Service, values: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(picker key, document key, raw file) for every file in the request."""
    found = []
    for spec in service.documents:
        for page in range(1, picker_pages(spec) + 1):
            key = picker_key(spec.key, page)
            items = values.get(key)
            for item in items if isinstance(items, list) else []:
                found.append((key, spec.key, item))
    return found


Checked = tuple[str, str, CheckedFile]  # picker key, document key, the file


async def _check_files(
    parts: EndpointParts, exchange: _Exchange, values: dict[str, Any]
) -> list[Checked] | None:
    """Every file fetched and checked within the budget; None when the budget ran out."""
    language = exchange.token.language
    policy = LockerPolicy()
    done: list[Checked] = []
    try:
        async with asyncio.timeout(parts.settings.flows_file_budget_seconds):
            for key, document, raw in _picker_files(exchange.service, values):
                spec = exchange.service.document(document)
                label = spec.label.get(language) if spec is not None else document
                file = FlowFile.parse(raw)
                if file is None:
                    exchange.errors.append(text(language, "file_damaged", label=label))
                    continue
                requirement = requirement_for(parts.catalog, exchange.service.code, document)
                checked = await fetch_and_check(
                    file,
                    http=parts.http,
                    requirement=requirement,
                    policy=policy,
                    live=not parts.settings.sandbox,
                )
                done.append((key, document, checked))
                if checked.problem is not None:
                    exchange.errors.append(_file_problem(language, label, checked))
                    log.info(
                        "flows endpoint file refused", problem=checked.problem, step=checked.step
                    )
    except TimeoutError:
        for _key, _document, checked in done:
            await checked.discard()
        log.warning("flows endpoint file checks out of time", files=len(done))
        return None
    return done


def _file_problem(language: str, label: str, checked: CheckedFile) -> str:
    if checked.problem == "damaged":
        return text(language, "file_damaged", label=label)
    if checked.problem == "unavailable":
        return text(language, "file_unavailable", label=label)
    return chat_text(language, f"reject.{checked.problem}", label=label)


async def _keep_files(
    parts: EndpointParts, exchange: _Exchange, files: list[Checked]
) -> dict[str, list[dict[str, str]]]:
    """Store the checked files in the resident's locker; picker key -> [{document_id}]."""
    stored: dict[str, list[dict[str, str]]] = {}
    for key, document, checked in files:
        requirement = requirement_for(parts.catalog, exchange.service.code, document)
        async with parts.sessionmaker() as session:
            kept = await keep(
                session,
                parts.store,
                checked,
                resident_id=exchange.token.resident_id,
                requirement=requirement,
                policy=LockerPolicy(),
                now=exchange.now,
            )
        if kept.status != DocumentStatus.ACCEPTED:  # the store was unavailable
            spec = exchange.service.document(document)
            label = spec.label.get(exchange.token.language) if spec is not None else document
            exchange.errors.append(text(exchange.token.language, "file_unavailable", label=label))
            continue
        stored.setdefault(key, []).append({"document_id": str(kept.id)})
    return stored


def _next_screen(service: Service, language: str, today: date, screen: str) -> str | None:
    """The screen after `screen` in the form; None after the last one."""
    flow = flow_for(service, language, today=today, endpoint=True)
    ids = [item["id"] for item in flow["screens"]]
    if screen not in ids:  # not a screen of this form: start it again
        return ids[0] if ids else None
    position = ids.index(screen)
    return ids[position + 1] if position + 1 < len(ids) else None
