"""Who sees which request, as SQL: the one rule every list, page, figure and export applies.

A request is seen by the operators of its handling office (and the offices above it, whose
scope includes it) and by those of the village that pre-checks it. A scope of None (an admin
without an office) sees everything; an empty scope sees nothing.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false

from app.operators.service import Scope
from app.requests.models import Request
from app.requests.precheck import AWAITING


def visible(scope: Scope) -> ColumnElement[bool]:
    """The handling office's operators see a request, and so does its pre-checking village."""
    if scope is None:
        return Request.id.is_not(None)
    if not scope:
        return false()
    offices = sorted(scope)
    return Request.office_id.in_(offices) | Request.precheck_office_id.in_(offices)


def awaiting_precheck(scope: Scope) -> ColumnElement[bool]:
    """Not yet forwarded by a village the scope covers, and still before processing."""
    village = (
        Request.precheck_office_id.is_not(None)
        if scope is None
        else Request.precheck_office_id.in_(sorted(scope))
    )
    early = Request.status.in_(sorted(AWAITING))
    return and_(village, Request.prechecked_at.is_(None), early)
