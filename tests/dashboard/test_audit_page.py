"""GET /dashboard/audit: admins only, three logs within the admin's offices, filters, pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from sqlalchemy import delete, update

from app.audit.models import AuditEvent
from app.audit.service import AuditAction, record
from app.db import unit_of_work
from app.operators.models import Operator
from app.requests import queries
from tests.support.audit_trail import AuditTrail, at, seed_audit_trail
from tests.support.clients import Dashboard
from tests.support.factories import World


class AuditTable(HTMLParser):
    """The rows of the page's table: (data-id, [cell text, …]) with whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[int, list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("class") == "audit-row":
            self.rows.append((int(found["data-id"] or 0), []))
        elif tag == "td" and self.rows:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(html: str) -> list[tuple[int, list[str]]]:
    parser = AuditTable()
    parser.feed(html)
    return parser.rows


def next_link(html: str) -> str | None:
    found = re.search(r'id="next-page" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


async def admin_with_trail(dash: Dashboard, world: World, username: str) -> AuditTrail:
    """Sign `username` in, forget that sign-in's own audit row, then seed the trail; two
    operators get display names (the page shows those, not `operator:<username>`)."""
    await dash.sign_in(username)
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(delete(AuditEvent))
        for who, name in (("kec_a", "Rahmat Hidayat"), ("desa_a1", "Nur Aini")):
            await session.execute(
                update(Operator).where(Operator.username == who).values(display_name=name)
            )
    return await seed_audit_trail(dash.sessionmaker, world)


@pytest.mark.parametrize("username", ["kec_a", "desa_a1"])
async def test_only_admins_see_the_audit_log(dash: Dashboard, world: World, username: str) -> None:
    assert (await dash.client.get("/dashboard/audit")).headers["location"] == "/dashboard/login"
    await dash.sign_in(username)
    for tab in ("actions", "documents", "history"):
        answer = await dash.client.get(f"/dashboard/audit?tab={tab}")
        assert answer.status_code == 404
        assert "Tidak ditemukan" in answer.text


# Times in the office's timezone, operators by display name (an unknown one by username), details
# in words.
A8 = ["21 November 2026, 08.00.00", "Rahmat Hidayat", "Diteruskan", "KK-261120-0001", "KEC-A",
      "10.0.0.1", ""]  # fmt: skip
A7 = ["21 November 2026, 01.30.00", "tidak dikenal", "Gagal masuk", "kab", "KAB", "10.0.0.7",
      "Diblokir sementara: ya"]  # fmt: skip
A6 = ["20 November 2026, 23.59.59", "lain", "Masuk", "lain", "LAIN", "10.0.0.6", ""]
A5 = ["20 November 2026, 13.00.00", "perintah loket (server)", "Token API dibuat", "root", "", "",
      "Awalan token: lkt_ab12"]  # fmt: skip
A4 = ["20 November 2026, 12.00.00", "Nur Aini", "Selesai tanpa kode pengambilan",
      "KTP-261120-0001", "DESA-A1", "", "Catatan: kode hilang"]  # fmt: skip
A3 = ["20 November 2026, 11.00.00", "kab", "Ekspor", "requests.csv", "KAB", "10.0.0.3",
      "Baris: 7"]  # fmt: skip
A2 = ["20 November 2026, 10.00.00", "tidak dikenal", "Gagal masuk", "desa_b1", "DESA-B1",
      "10.0.0.2", ""]  # fmt: skip
A1 = ["20 November 2026, 09.00.00", "Rahmat Hidayat", "Masuk", "kec_a", "KEC-A", "10.0.0.1", ""]


async def test_actions_tab_shows_the_rows_of_the_admins_offices(
    dash: Dashboard, world: World
) -> None:
    trail = await admin_with_trail(dash, world, "kab")
    answer = await dash.client.get("/dashboard/audit")
    assert answer.status_code == 200
    ids = [trail.actions[n] for n in ("A8", "A7", "A4", "A3", "A2", "A1")]
    assert table(answer.text) == list(zip(ids, [A8, A7, A4, A3, A2, A1], strict=True))
    # Targets that are tickets link to the request page; other targets are plain text.
    assert 'href="/dashboard/requests/KK-261120-0001"' in answer.text
    assert 'href="/dashboard/requests/requests.csv"' not in answer.text
    assert next_link(answer.text) is None


async def test_an_admin_without_an_office_sees_every_row(dash: Dashboard, world: World) -> None:
    trail = await admin_with_trail(dash, world, "root")
    answer = await dash.client.get("/dashboard/audit?tab=actions")
    names = ("A8", "A7", "A6", "A5", "A4", "A3", "A2", "A1")
    expected = [A8, A7, A6, A5, A4, A3, A2, A1]
    assert table(answer.text) == list(zip([trail.actions[n] for n in names], expected, strict=True))


async def test_documents_tab(dash: Dashboard, world: World) -> None:
    trail = await admin_with_trail(dash, world, "kab")
    answer = await dash.client.get("/dashboard/audit?tab=documents")
    assert answer.status_code == 200
    docs = trail.documents
    assert table(answer.text) == [
        (trail.reads["D2"], ["20 November 2026, 10.00.00", "kab", "Diunduh",
                             str(docs["desa_b1"]), "KTP-261120-0003", "diunduh lewat API"]),
        (trail.reads["D1"], ["20 November 2026, 09.00.00", "Nur Aini", "Dilihat",
                             str(docs["shared"]), "KK-261120-0001 KTP-261120-0001",
                             "dibuka di dasbor"]),
    ]  # fmt: skip
    for ticket in ("KTP-261120-0003", "KK-261120-0001", "KTP-261120-0001"):
        assert f'href="/dashboard/requests/{ticket}"' in answer.text


async def test_history_tab(dash: Dashboard, world: World) -> None:
    trail = await admin_with_trail(dash, world, "kab")
    answer = await dash.client.get("/dashboard/audit?tab=history&lang=en")
    assert answer.status_code == 200
    assert table(answer.text) == [
        (trail.history["H3"], ["20 November 2026, 11:00:00", "desa_b1", "KTP-261120-0003",
                               "In review → Processing", ""]),
        (trail.history["H2"], ["20 November 2026, 10:00:00", "Rahmat Hidayat", "KK-261120-0001",
                               "Internal note", "cek berkas"]),
        (trail.history["H1"], ["20 November 2026, 09:00:00", "Nur Aini", "KTP-261120-0001",
                               "Submitted → In review", ""]),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=login_failed", ["A7", "A2"]),
        (f"actor={quote('operator:k*')}", ["A8", "A3", "A1"]),
        ("actor=anonymous&q=KAB", ["A7"]),
        ("q=ktp-261120", ["A4"]),
        # Local (Asia/Jakarta) days: 01:30 on the 21st belongs to the 21st, 23:59:59 to the 20th.
        ("from=2026-11-21", ["A8", "A7"]),
        ("from=2026-11-21&to=2026-11-21", ["A8", "A7"]),
        ("to=2026-11-20", ["A6", "A5", "A4", "A3", "A2", "A1"]),
        ("from=2026-11-20&to=2026-11-20&actor=cli", ["A5"]),
    ],
)
async def test_action_filters(
    dash: Dashboard, world: World, query: str, expected: list[str]
) -> None:
    trail = await admin_with_trail(dash, world, "root")
    answer = await dash.client.get(f"/dashboard/audit?{query}")
    assert answer.status_code == 200
    assert [row_id for row_id, _ in table(answer.text)] == [trail.actions[n] for n in expected]


async def test_ticket_filter_on_the_documents_and_history_tabs(
    dash: Dashboard, world: World
) -> None:
    trail = await admin_with_trail(dash, world, "root")
    documents = await dash.client.get("/dashboard/audit?tab=documents&q=kk-261120")
    assert [row_id for row_id, _ in table(documents.text)] == [trail.reads["D1"]]
    history = await dash.client.get("/dashboard/audit?tab=history&q=AKTA")
    assert [row_id for row_id, _ in table(history.text)] == [trail.history["H6"]]


async def test_next_page_holds_exactly_the_next_rows(dash: Dashboard, world: World) -> None:
    await dash.sign_in("kab")
    kab = world.offices["KAB"]
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(delete(AuditEvent))
        exports = []
        for i in range(55):
            # Pairs share a moment, so the page boundary must break ties by id.
            exports.append(
                record(session, actor="operator:kab", action=AuditAction.EXPORT,
                       target=f"export-{i}", office_id=kab, at=at(20, 2, i // 2))
            )  # fmt: skip
            record(session, actor="operator:kab", action=AuditAction.LOGIN, office_id=kab,
                   at=at(20, 2, i // 2))  # fmt: skip
    newest_first = [e.id for e in reversed(exports)]
    first = await dash.client.get("/dashboard/audit?action=export")
    assert [row_id for row_id, _ in table(first.text)] == newest_first[:50]
    url = next_link(first.text)
    assert url is not None and "action=export" in url and "tab=actions" in url
    second = await dash.client.get(url)
    assert second.status_code == 200
    assert [row_id for row_id, _ in table(second.text)] == newest_first[50:]
    assert next_link(second.text) is None
    assert 'id="first-page" href="/dashboard/audit?tab=actions&amp;action=export"' in second.text


# Well-formed cursors whose id PostgreSQL could not compare with a BIGINT, or no row can have.
HUGE_ID_CURSOR = queries.encode_cursor((at(20, 2), 10**21))
ZERO_ID_CURSOR = queries.encode_cursor((at(20, 2), 0))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01", "Tanggal tidak valid"),
        ("to=20-11-2026", "Tanggal tidak valid"),
        ("from=2026-02-30", "Tanggal tidak valid"),
        ("to=9999-12-31", "Tanggal tidak valid"),
        ("from=0001-01-01", "Tanggal tidak valid"),
        ("from=2026-11-21&to=2026-11-20", "Tanggal awal harus sebelum"),
        ("action=delete_everything", "Tindakan tidak dikenal."),
        ("tab=secrets", "Tab tidak dikenal."),
        ("cursor=not-a-cursor", "Tautan halaman tidak valid"),
        (f"cursor={HUGE_ID_CURSOR}", "Tautan halaman tidak valid"),
        (f"cursor={ZERO_ID_CURSOR}", "Tautan halaman tidak valid"),
        ("actor=%00", "Isian filter tidak valid."),
        ("q=" + "x" * 201, "Isian filter tidak valid."),
    ],
)  # fmt: skip
async def test_bad_filters_re_render_the_page_with_the_reason(
    dash: Dashboard, world: World, query: str, message: str
) -> None:
    await admin_with_trail(dash, world, "root")
    answer = await dash.client.get(f"/dashboard/audit?{query}")
    assert answer.status_code == 422
    assert message in answer.text
    assert table(answer.text) == []
    assert 'id="audit-filters"' in answer.text
