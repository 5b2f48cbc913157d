"""/dashboard/inbox: admins see set-aside events in words and retry one, once, audited."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.inbox.models import InboundEvent
from app.inbox.processor import InboundProcessor
from tests.support.clients import Dashboard
from tests.support.factories import World
from tests.support.inbox_failures import (
    load_event,
    run_until_set_aside,
    seed_internal,
    seed_messages,
)


def _card(html: str, event_id: int) -> dict[str, str]:
    """The visible text of an event's card, by part (what, who, when, …), whitespace collapsed."""
    card = html.split(f'id="event-{event_id}"', 1)[1].split("</li>", 1)[0]
    parts = re.findall(r'<(dd|p|details) class="([\w -]+)"[^>]*>(.*?)</\1>', card, flags=re.S)
    return {
        name.split()[-1]: " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())
        for _, name, text in parts
    }


async def _set_aside(dash: Dashboard) -> tuple[int, int]:
    """A photo whose turn hit a database conflict, and a correction request that broke."""
    (photo,) = await seed_messages(dash.sessionmaker, ["foto"])
    resident_id = (await load_event(dash.sessionmaker, photo)).resident_id
    correction = await seed_internal(
        dash.sessionmaker,
        resident_id,
        {"type": "operator", "kind": "correction_needed", "ticket": "KTP-261202-0003"},
        "correction:KTP-261202-0003",
    )
    async with dash.sessionmaker.begin() as session:
        event = await session.get(InboundEvent, photo)
        assert event is not None
        event.payload = {"message": {"type": "image", "image": {"id": "media-1"}}}

    async def broken(session: AsyncSession, event: InboundEvent) -> None:
        if event.id == photo:  # what SQLAlchemy raised for the duplicated attachment
            raise type("IntegrityError", (Exception,), {})(
                "UNIQUE constraint failed: request_document"
            )
        raise KeyError("fields")

    worker = InboundProcessor(dash.sessionmaker, broken)
    await run_until_set_aside(worker)
    await run_until_set_aside(worker)
    return photo, correction


async def test_an_admin_sees_what_failed_for_whom_when_and_why(
    dash: Dashboard, world: World
) -> None:
    photo, correction = await _set_aside(dash)
    await dash.sign_in("root")

    page = await dash.client.get("/dashboard/inbox")

    assert page.status_code == 200
    assert 'id="nav-inbox" href="/dashboard/inbox"' in page.text
    assert page.text.index(f'id="event-{correction}"') < page.text.index(f'id="event-{photo}"')
    card = _card(page.text, photo)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", card["when"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", card["received"])
    assert {k: card[k] for k in ("what", "who", "attempts", "error-words", "technical")} == {
        "what": "Foto",
        "who": "+6281*****0077",
        "attempts": "3",
        "error-words": "Data bentrok dengan data yang sudah tersimpan. Perlu perbaikan program.",
        "technical": "Rincian teknis IntegrityError: UNIQUE constraint failed: request_document",
    }
    card = _card(page.text, correction)
    assert {k: card[k] for k in ("what", "who", "attempts", "error-words", "technical")} == {
        "what": "Permintaan perbaikan dari petugas · KTP-261202-0003",
        "who": "+6281*****0077",
        "attempts": "3",
        "error-words": "Isi pesan membuat program gagal. Perlu perbaikan program.",
        "technical": "Rincian teknis KeyError: 'fields'",
    }
    english = await dash.client.get("/dashboard/inbox?lang=en")
    assert _card(english.text, photo)["what"] == "Photo"
    assert "6281234500077" not in page.text + english.text  # the number is masked


async def test_retry_queues_the_event_once_and_is_audited(dash: Dashboard, world: World) -> None:
    photo, correction = await _set_aside(dash)
    token = await dash.sign_in("kab")  # an admin of an office
    before = await load_event(dash.sessionmaker, photo)

    done = await dash.client.post(f"/dashboard/inbox/{photo}/retry", data={"csrf_token": token})

    assert (done.status_code, done.headers["location"]) == (303, "/dashboard/inbox?done=retried")
    after = await load_event(dash.sessionmaker, photo)
    assert (after.processed_at, after.failed_at, after.attempts) == (None, None, 0)
    page = await dash.client.get(done.headers["location"])
    assert "Pesan dimasukkan lagi ke antrean" in page.text
    assert f'id="event-{photo}"' not in page.text and f'id="event-{correction}"' in page.text
    async with dash.sessionmaker() as session:
        audit = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "inbox_retry"))
        ).scalar_one()
    assert (audit.actor, audit.target, audit.detail["error"]) == (
        "operator:kab",
        f"inbound_event:{photo}",
        before.last_error,
    )

    again = await dash.client.post(f"/dashboard/inbox/{photo}/retry", data={"csrf_token": token})
    assert again.status_code == 409
    assert 'id="form-error"' in again.text
    assert "Pesan itu tidak bisa diulang" in again.text

    runs: list[int] = []

    async def fixed(session: AsyncSession, event: InboundEvent) -> None:
        runs.append(event.id)

    worker = InboundProcessor(dash.sessionmaker, fixed)
    await worker.run_once()
    await worker.run_once()
    assert runs == [photo]


async def test_retry_needs_the_csrf_token(dash: Dashboard, world: World) -> None:
    photo, _ = await _set_aside(dash)
    await dash.sign_in("root")

    refused = await dash.client.post(f"/dashboard/inbox/{photo}/retry", data={})

    assert refused.status_code == 403
    assert (await load_event(dash.sessionmaker, photo)).failed_at is not None


async def test_operators_who_are_not_admins_are_refused(dash: Dashboard, world: World) -> None:
    photo, _ = await _set_aside(dash)
    token = await dash.sign_in("kec_a")

    queue = await dash.client.get("/dashboard/")
    assert 'id="nav-inbox"' not in queue.text
    page = await dash.client.get("/dashboard/inbox")
    assert page.status_code == 404
    retry = await dash.client.post(f"/dashboard/inbox/{photo}/retry", data={"csrf_token": token})
    assert retry.status_code == 404
    assert (await load_event(dash.sessionmaker, photo)).failed_at is not None


async def test_an_unknown_event_is_not_found_and_an_empty_list_says_so(
    dash: Dashboard, world: World
) -> None:
    token = await dash.sign_in("root")
    page = await dash.client.get("/dashboard/inbox")
    assert 'id="inbox-empty"' in page.text
    assert "Tidak ada pesan yang gagal diproses." in page.text
    missing = await dash.client.post("/dashboard/inbox/424242/retry", data={"csrf_token": token})
    assert missing.status_code == 404
    huge = await dash.client.post(f"/dashboard/inbox/{2**64}/retry", data={"csrf_token": token})
    assert huge.status_code == 404
