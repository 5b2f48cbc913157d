"""Which message belongs to which request (app/conversations/request_chat.py), and the chat as
text with the pickup code hidden (app/conversations/transcript.py). Pure: rows built in memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.conversations.request_chat import Stretch, build_timeline
from app.conversations.transcript import ChatLine, mask_codes, outbound_line
from app.notifications.catalog import templates
from app.outbox.models import OutboundMessage
from app.requests.models import Request

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _request(request_id: int, ticket: str, minutes: int, channel: str = "whatsapp") -> Request:
    return Request(id=request_id, ticket=ticket, created_at=_at(minutes), channel=channel)


def _said(minutes: int, text: str = "ok") -> ChatLine:
    return ChatLine(_at(minutes), True, text, received_at=_at(minutes))


REQUESTS = [
    _request(1, "KTP-261120-0001", 10),
    _request(2, "KK-261120-0001", 50, channel="counter"),
    _request(3, "SIPI-261120-0001", 110),
]
CHANGES = [
    (1, _at(10), "submitted"),
    (2, _at(50), "submitted"),
    (1, _at(60), "needs_correction"),
    (1, _at(62), "in_review"),
    (3, _at(110), "submitted"),
    (2, _at(150), "needs_correction"),
    (1, _at(200), "completed"),
]


def test_the_timeline_of_a_residents_requests() -> None:
    timeline = build_timeline(REQUESTS, CHANGES)
    assert timeline.corrections == [
        Stretch("KTP-261120-0001", _at(60), _at(62)),
        Stretch("KK-261120-0001", _at(150), None),
    ]
    # Only chat requests have a filling conversation; a counter request does not cut one short.
    assert timeline.fillings == {
        "KTP-261120-0001": Stretch("KTP-261120-0001", None, _at(10)),
        "SIPI-261120-0001": Stretch("SIPI-261120-0001", _at(10), _at(110)),
    }
    assert timeline.span(REQUESTS[0]) == (None, _at(200))
    assert timeline.span(REQUESTS[1]) == (_at(50) - timedelta(microseconds=1), None)
    assert timeline.span(REQUESTS[2]) == (_at(10), None)


def test_each_message_is_attributed_by_the_first_rule_that_applies() -> None:
    timeline = build_timeline(REQUESTS, CHANGES)
    ktp, kk, sipi = "KTP-261120-0001", "KK-261120-0001", "SIPI-261120-0001"
    assert timeline.owners(_said(5, "mau bikin KTP")) == {ktp}  # filling the first request
    assert timeline.owners(_said(61, "No KK 3201012208150099")) == {ktp}  # its correction round
    assert timeline.owners(_said(100, "KM Bahari Jaya")) == {sipi}  # filling the SIPI
    assert timeline.owners(_said(151, "alamat baru")) == {kk}  # the counter request's correction
    assert timeline.owners(_said(120, "halo")) == set()  # nothing going on: no request
    # A ticket named wins over time; so does a ticket named by the reply a message caused.
    assert timeline.owners(_said(100, f"status {ktp}?")) == {ktp}
    assert timeline.owners(_said(120, "kapan selesai?"), frozenset({sipi})) == {sipi}
    assert timeline.owners(_said(120, f"{ktp} dan {sipi}")) == {ktp, sipi}
    # A ticket inside a longer word is not that ticket.
    assert timeline.owners(_said(120, f"{ktp}9")) == set()


def _pickup_template(code: str) -> OutboundMessage:
    values = {
        "service": "KTP-el",
        "place": "Kantor Camat",
        "hours": "08.00-15.00",
        "code": code,
        "ticket": "KTP-261120-0001",
    }
    body = templates()["loket_siap_diambil"].body("id", values)
    return OutboundMessage(body=body, origin="template:status:ready_for_pickup", created_at=T0)


def test_the_pickup_template_reads_as_sent_but_without_the_code() -> None:
    line = outbound_line(_pickup_template("482913"), "id")
    assert line is not None
    assert line.text == (
        "KTP-el Anda siap diambil di Kantor Camat, 08.00-15.00. Tunjukkan kode pengambilan "
        "•••••• kepada petugas. Nomor permohonan: KTP-261120-0001."
    )


def test_a_code_is_hidden_wherever_it_is_recognised() -> None:
    def is_code(candidate: str) -> bool:
        return candidate == "482913"

    line = _said(0, "kodenya 482 913 atau 482913? tiket KTP-261120-0001, HP 081248291300")
    assert mask_codes(line, is_code).text == (
        "kodenya •••••• atau ••••••? tiket KTP-261120-0001, HP 081248291300"
    )
    other = _said(0, "kodenya 111222")
    assert mask_codes(other, is_code) is other
