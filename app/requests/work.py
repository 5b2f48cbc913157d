"""Working a request inside the office: who has it (assignment) and internal notes.

Neither reaches the resident. Both are written to the request's history so the next operator
sees who did what; an assignment is also audited, because it decides who sees "mine".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import AuditAction, record
from app.offices.models import Office
from app.operators import service as operators
from app.operators.models import Operator, OperatorRole
from app.requests.models import EVENT_ASSIGNED, EVENT_NOTE, Request, RequestEvent

MAX_NOTE = 2000


class WorkRefused(ValueError):
    """The note or assignment cannot be made; `key` names the reason for the operator."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


async def add_note(
    session: AsyncSession, request: Request, *, actor: str, text: str, now: datetime
) -> RequestEvent:
    """An internal note in the history; empty, over-long or NUL-bearing text is refused."""
    body = text.strip()
    if not body:
        raise WorkRefused("err_note_empty", "a note needs some text")
    if len(body) > MAX_NOTE or "\x00" in body:
        raise WorkRefused("err_note_long", f"a note holds at most {MAX_NOTE} characters")
    event = RequestEvent(
        request_id=request.id, at=now, actor=actor, note=body, data={"kind": EVENT_NOTE}
    )
    session.add(event)
    request.updated_at = now
    return event


async def assign(
    session: AsyncSession,
    request: Request,
    *,
    assignee: Operator | None,
    actor: str,
    now: datetime,
    ip: str | None = None,
) -> None:
    """Give the request to `assignee` (None: back to the office's pool).

    The assignee must be active and work at the handling office (or above it); assigning to the
    current holder again changes nothing and writes nothing.
    """
    if assignee is not None:
        if not assignee.active:
            raise WorkRefused("err_assignee", f"{assignee.username} is no longer active")
        scope = await operators.scope_of(session, assignee)
        if not operators.in_scope(scope, request.office_id):
            raise WorkRefused(
                "err_assignee", f"{assignee.username} does not work at the handling office"
            )
    new_id = assignee.id if assignee is not None else None
    if new_id == request.assigned_operator_id:
        return
    request.assigned_operator_id = new_id
    request.updated_at = now
    username = assignee.username if assignee is not None else None
    session.add(
        RequestEvent(
            request_id=request.id,
            at=now,
            actor=actor,
            data={"kind": EVENT_ASSIGNED, "assignee": username},
        )
    )
    record(
        session,
        actor=actor,
        action=AuditAction.ASSIGNED,
        target=request.ticket,
        office_id=request.office_id,
        ip=ip,
        detail={"assignee": username},
        at=now,
    )


async def assignable(session: AsyncSession, request: Request) -> list[Operator]:
    """Active operators who may hold the request: at its office or an office above it, and
    admins without an office."""
    offices: list[int] = []
    office_id = request.office_id
    while office_id is not None and office_id not in offices:  # a cycle cannot loop forever
        offices.append(office_id)
        office = await session.get(Office, office_id)
        office_id = office.parent_id if office is not None else None
    at_office = Operator.office_id.in_(offices) if offices else false()
    everywhere = and_(Operator.office_id.is_(None), Operator.role == OperatorRole.ADMIN.value)
    stmt = (
        select(Operator)
        .where(Operator.active.is_(True), or_(at_office, everywhere))
        .order_by(Operator.display_name, Operator.id)
    )
    return list((await session.execute(stmt)).scalars())
