"""The village pre-check in the domain: the checklist, saving, forwarding, and who may do it.

The request is a KTP-el (handled by KEC-A) that DESA-A1 pre-checks, with a KK attached.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.models import AuditEvent
from app.db import unit_of_work
from app.flows.catalog import shipped_catalog
from app.requests import precheck
from app.requests.models import Request, RequestDocument, RequestEvent
from app.requests.precheck import PrecheckError
from tests.support.factories import World, add_request, add_resident, build_world

TICKET = "KTP-261120-0101"
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
KTP = shipped_catalog().services["ktp"]
GOOD = {"doc:kk": ("ok", None), "fields": ("ok", "")}


@pytest.fixture
def sessionmaker(
    rolling_sessionmaker: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    """Nothing here needs a second connection: every commit is rolled back after the test."""
    return rolling_sessionmaker


def _labels(items: list[precheck.CheckItem]) -> list[tuple[str, str, str]]:
    return [(item.key, item.label.id, item.label.en) for item in items]


def _request(variant: str | None, fields: dict[str, Any] | None = None) -> Request:
    return Request(
        variant=variant, fields={"nik": "3201014508900003"} if fields is None else fields
    )


def test_the_ktp_checklist_is_each_required_document_then_the_answers() -> None:
    assert _labels(precheck.checklist(KTP, _request("baru"), ["kk"])) == [
        ("doc:kk", "Kartu Keluarga: terbaca dan sesuai", "Family card (KK): readable and correct"),
        ("fields", "Data isian sesuai dokumen", "Answers match the documents"),
    ]
    assert [i.key for i in precheck.checklist(KTP, _request("hilang"), [])] == [
        "doc:kk",
        "doc:surat_kehilangan",
        "fields",
    ]
    assert [i.key for i in precheck.checklist(KTP, _request("perubahan", {}), ["kk"])] == [
        "doc:kk",
        "doc:ktp_lama",
        "doc:bukti_perubahan",
    ]


def test_attached_documents_count_even_when_optional_or_unknown() -> None:
    pindah = shipped_catalog().services["pindah"]
    keys = [i.key for i in precheck.checklist(pindah, _request("keluar"), ["kk"])]
    assert keys == ["doc:kk", "fields"]
    attached = ["kk", "surat_tidak_keberatan", "foto_lama", "foto_lama"]
    items = precheck.checklist(pindah, _request("keluar"), attached)
    assert _labels(items)[1:] == [
        (
            "doc:surat_tidak_keberatan",
            "Surat tidak keberatan: terbaca dan sesuai",
            "Owner's consent letter: readable and correct",
        ),
        ("doc:foto_lama", "foto_lama: terbaca dan sesuai", "foto_lama: readable and correct"),
        ("fields", "Data isian sesuai dokumen", "Answers match the documents"),
    ]
    assert [i.key for i in precheck.checklist(None, _request(None), ["kk"])] == [
        "doc:kk",
        "fields",
    ]


def test_documents_required_by_an_answer_follow_the_answers() -> None:
    akta = shipped_catalog().services["akta_kelahiran"]
    request = _request(None, {"ada_surat_lahir": "tidak", "nikah_tercatat": "ya"})
    assert [i.key for i in precheck.checklist(akta, request, [])] == [
        "doc:sptjm_kelahiran",
        "doc:buku_nikah",
        "doc:kk",
        "doc:ktp_orang_tua",
        "fields",
    ]


async def _world(sm: async_sessionmaker[AsyncSession], **values: Any) -> World:
    world = await build_world(sm)
    async with unit_of_work(sm) as session:
        resident = await add_resident(session, "6289900000001", "Siti Aminah")
        request = await add_request(
            session, ticket=TICKET, resident=resident, office_id=world.offices["KEC-A"]
        )
        request.precheck_office_id = world.offices["DESA-A1"]
        for name, value in values.items():
            setattr(request, name, value)
        session.add(RequestDocument(request_id=request.id, document_id=9001, requirement="kk"))
    return world


async def _load(session: AsyncSession) -> Request:
    return (await session.execute(select(Request).where(Request.ticket == TICKET))).scalar_one()


async def _save(
    sm: async_sessionmaker[AsyncSession], scope: frozenset[int] | None, items: Any, note: Any = None
) -> RequestEvent:
    async with unit_of_work(sm) as session:
        return await precheck.save_precheck(
            session,
            await _load(session),
            service=KTP,
            scope=scope,
            actor="operator:desa_a1",
            items=items,
            note=note,
            now=NOW,
        )


async def _forward(sm: async_sessionmaker[AsyncSession], scope: frozenset[int] | None) -> None:
    async with unit_of_work(sm) as session:
        await precheck.forward(
            session,
            await _load(session),
            scope=scope,
            actor="operator:desa_a1",
            now=NOW,
            ip="10.0.0.9",
        )


async def _count(sm: async_sessionmaker[AsyncSession], model: Any) -> int:
    async with sm() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_save_then_forward_records_the_check_the_summary_and_an_audit_row(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await _world(sessionmaker)
    village = frozenset({world.offices["DESA-A1"]})
    items = {"doc:kk": ("problem", "  Foto KK buram  "), "fields": ("ok", "")}
    await _save(sessionmaker, village, items, note=" Alamat sudah dicek ")
    async with sessionmaker() as session:
        request = await _load(session)
        assert precheck.awaiting(request)
        event = (
            (await session.execute(select(RequestEvent).order_by(RequestEvent.id.desc())))
            .scalars()
            .first()
        )
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        "operator:desa_a1",
        None,
        None,
        "Alamat sudah dicek",
    )
    assert event.data == {
        "kind": "precheck",
        "items": [
            {
                "key": "doc:kk",
                "label": {
                    "id": "Kartu Keluarga: terbaca dan sesuai",
                    "en": "Family card (KK): readable and correct",
                },
                "result": "problem",
                "note": "Foto KK buram",
            },
            {
                "key": "fields",
                "label": {"id": "Data isian sesuai dokumen", "en": "Answers match the documents"},
                "result": "ok",
                "note": None,
            },
        ],
        "ok": 1,
        "problems": 1,
        "office_id": world.offices["DESA-A1"],
    }
    await _forward(sessionmaker, village)
    async with sessionmaker() as session:
        request = await _load(session)
        assert (request.prechecked_at, precheck.awaiting(request)) == (NOW, False)
        forwarded = (await precheck.state_of(session, request)).forwarded
        audit = (await session.execute(select(AuditEvent))).scalars().all()
    assert forwarded is not None
    assert (forwarded.actor, forwarded.at, forwarded.data) == (
        "operator:desa_a1",
        NOW,
        {"kind": "forwarded", "ok": 1, "problems": 1, "office_id": world.offices["KEC-A"]},
    )
    assert [(a.actor, a.action, a.target, a.office_id, a.ip, a.detail) for a in audit] == [
        (
            "operator:desa_a1",
            "forwarded",
            TICKET,
            world.offices["KEC-A"],
            "10.0.0.9",
            {"ok": 1, "problems": 1, "precheck_office_id": world.offices["DESA-A1"]},
        )
    ]
    with pytest.raises(PrecheckError, match="already forwarded") as twice:
        await _forward(sessionmaker, village)
    assert twice.value.code == "forwarded"
    with pytest.raises(PrecheckError) as late:
        await _save(sessionmaker, village, GOOD)
    assert late.value.code == "forwarded"
    assert await _count(sessionmaker, AuditEvent) == 1


async def test_a_later_save_replaces_the_earlier_one(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await _world(sessionmaker)
    village = frozenset({world.offices["DESA-A1"]})
    await _save(sessionmaker, village, {"doc:kk": ("problem", "buram"), "fields": ("ok", None)})
    await _save(sessionmaker, village, GOOD, note="foto baru sudah dikirim")
    async with sessionmaker() as session:
        saved = (await precheck.state_of(session, await _load(session))).saved
    assert saved is not None
    assert [(i.key, i.result, i.note) for i in saved.items] == [
        ("doc:kk", "ok", None),
        ("fields", "ok", None),
    ]
    assert (saved.actor, saved.at, saved.note, saved.ok_count, saved.problem_count) == (
        "operator:desa_a1",
        NOW,
        "foto baru sudah dikirim",
        2,
        0,
    )


@pytest.mark.parametrize(
    ("items", "note", "code"),
    [
        ({"doc:kk": ("ok", None)}, None, "incomplete"),
        ({"doc:kk": ("ok", None), "fields": ("maybe", None)}, None, "incomplete"),
        ({**GOOD, "doc:akta": ("ok", None)}, None, "unknown_item"),
        ({"doc:kk": ("problem", "   "), "fields": ("ok", None)}, None, "problem_note"),
        ({"doc:kk": ("problem", "x" * 501), "fields": ("ok", None)}, None, "bad_note"),
        (GOOD, "x" * 2001, "bad_note"),
        (GOOD, "nul\x00", "bad_note"),
    ],
)
async def test_a_bad_checklist_is_refused_and_writes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], items: Any, note: Any, code: str
) -> None:
    world = await _world(sessionmaker)
    before = await _count(sessionmaker, RequestEvent)
    with pytest.raises(PrecheckError) as refused:
        await _save(sessionmaker, frozenset({world.offices["DESA-A1"]}), items, note)
    assert refused.value.code == code
    assert await _count(sessionmaker, RequestEvent) == before


async def test_forwarding_needs_a_saved_pre_check(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await _world(sessionmaker)
    with pytest.raises(PrecheckError, match="save the pre-check") as refused:
        await _forward(sessionmaker, frozenset({world.offices["DESA-A1"]}))
    assert refused.value.code == "not_saved"
    async with sessionmaker() as session:
        assert (await _load(session)).prechecked_at is None


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"precheck_office_id": None}, "none"),
        ({"status": "processing"}, "closed"),
        ({"status": "needs_correction"}, "closed"),
        ({"prechecked_at": NOW}, "forwarded"),
    ],
)
async def test_only_a_request_awaiting_its_pre_check_takes_one(
    sessionmaker: async_sessionmaker[AsyncSession], values: dict[str, Any], code: str
) -> None:
    await _world(sessionmaker, **values)
    with pytest.raises(PrecheckError) as refused:
        await _save(sessionmaker, None, GOOD)
    assert refused.value.code == code


async def test_only_the_village_side_may_pre_check(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await _world(sessionmaker)
    o = world.offices
    scopes = {
        "desa_a1": frozenset({o["DESA-A1"]}),
        "desa_a2": frozenset({o["DESA-A2"]}),
        "kec_a": frozenset({o["KEC-A"], o["DESA-A1"], o["DESA-A2"]}),
        "kab": frozenset(o.values()),
        "root": None,
    }
    async with sessionmaker() as session:
        request = await _load(session)
    allowed = {name for name, scope in scopes.items() if precheck.may_precheck(scope, request)}
    assert allowed == {"desa_a1", "root"}
    for name in ("kec_a", "kab", "desa_a2"):
        with pytest.raises(PrecheckError) as refused:
            await _save(sessionmaker, scopes[name], GOOD)
        assert refused.value.code == "forbidden", name
        with pytest.raises(PrecheckError) as refused:
            await _forward(sessionmaker, scopes[name])
        assert refused.value.code == "forbidden", name
    await _save(sessionmaker, None, GOOD)
    await _forward(sessionmaker, None)
