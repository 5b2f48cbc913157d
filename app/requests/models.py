"""Requests (permohonan): what a resident asked for, its file, and its history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class Request(Base):
    """One application for one service. `fields` holds the answers; documents are linked rows."""

    __tablename__ = "request"
    __table_args__ = (
        Index("ix_request_status_created", "status", "created_at"),
        # The listings' order (newest first), overall and per service: see migration 0012q.
        Index("ix_request_created_id", "created_at", "id"),
        Index("ix_request_service_created", "service_code", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ticket: Mapped[str] = mapped_column(String(40), unique=True)
    service_code: Mapped[str] = mapped_column(String(64), index=True)
    variant: Mapped[str | None] = mapped_column(String(64))
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("resident.id", ondelete="RESTRICT"), index=True
    )
    office_id: Mapped[int | None] = mapped_column(
        ForeignKey("office.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(24))
    fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Field-level notes from intake, such as an NIK whose date part disagrees with the birth date.
    warnings: Mapped[list[str]] = mapped_column(JSONType, default=list)
    language: Mapped[str] = mapped_column(String(8), default="id")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_date: Mapped[date | None] = mapped_column(Date)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set on `ready_for_pickup`: where and when to collect, and the one-time code (hashed).
    pickup_place: Mapped[str | None] = mapped_column(Text)
    pickup_hours: Mapped[str | None] = mapped_column(String(200))
    pickup_code_hash: Mapped[str | None] = mapped_column(String(64))
    # How the result reaches the resident: "pickup", "digital" (the signed PDF in the chat) or
    # "home" (a courier); chosen at the summary, changeable until processing starts.
    delivery: Mapped[str] = mapped_column(String(16), default="pickup", server_default="pickup")
    # Set on `out_for_delivery` (at least one of them): who carries the document to the resident.
    # The one-time code is `pickup_code_hash` too; the resident gives it to the courier.
    courier_name: Mapped[str | None] = mapped_column(String(200))
    courier_tracking: Mapped[str | None] = mapped_column(String(100))
    # The family member (same KK) the resident named in the chat to collect in their place;
    # None = the resident collects it (migration 0017z, `app/requests/proxy.py`).
    proxy_name: Mapped[str | None] = mapped_column(String(120))
    proxy_nik: Mapped[str | None] = mapped_column(String(16))
    # Uncollected pickups: how many reminders went out and when the next one is due.
    pickup_reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_pickup_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Who works the request; None = unassigned (anyone in the office may take it).
    assigned_operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operator.id", ondelete="SET NULL"), index=True
    )
    # The village office that pre-checks a district/regency request before forwarding it
    # (the Cari Besi practice); `prechecked_at` is set when it forwards the file.
    precheck_office_id: Mapped[int | None] = mapped_column(
        ForeignKey("office.id", ondelete="RESTRICT"), index=True
    )
    prechecked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "whatsapp" (the resident applied by chat) or "counter" (an operator took it down).
    channel: Mapped[str] = mapped_column(String(16), default="whatsapp")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Set when retention removed the answers (`fields`, `warnings`) and the notes of the history;
    # the service, office, status and dates stay for the figures.
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RequestDocument(Base):
    """A locker document attached to a request for one requirement (reuse links a file twice)."""

    __tablename__ = "request_document"
    __table_args__ = (UniqueConstraint("request_id", "document_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("request.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(Integer, index=True)
    requirement: Mapped[str] = mapped_column(String(64))
    reused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


EVENT_NOTE = "note"
EVENT_ASSIGNED = "assigned"
EVENT_PRECHECK = "precheck"
EVENT_FORWARDED = "forwarded"
EVENT_PICKUP_REMINDER = "pickup_reminder"
EVENT_PROXY = "proxy"  # the resident named (or took back) who collects; name in the note
EVENT_DELIVERY = "delivery"  # the resident changed how the result reaches them
# The answer holding where to deliver, for a service whose answers give no address.
DELIVERY_ADDRESS_KEY = "alamat_antar"


class RequestEvent(Base):
    """The history: every status change (and note) with who, when and why.

    Rows without a status change carry `data["kind"]`: an internal note, an assignment, a
    village pre-check or its forwarding (the EVENT_* names above). Residents never see these.
    """

    __tablename__ = "request_event"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("request.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))  # "resident", "system", "operator:<username>"
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class TicketCounter(Base):
    """Per prefix and day, the last ticket serial handed out (KTP-261122-0042)."""

    __tablename__ = "ticket_counter"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[str] = mapped_column(String(6), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
