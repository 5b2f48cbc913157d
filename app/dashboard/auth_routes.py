"""Signing in and out of the dashboard, with CSRF checks and login throttling.

Every attempt leaves an audit row with the client's address: LOGIN, LOGIN_FAILED (the username
as typed, never the password; `{"throttled": true}` when refused by the throttle) and LOGOUT.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from app.audit.service import AuditAction, record
from app.dashboard.deps import (
    PREFIX,
    SESSION_LANGUAGE,
    SESSION_OPERATOR,
    DbDep,
    LanguageDep,
    client_ip,
    render,
)
from app.dashboard.security import CSRF_FIELD, LoginThrottle, check_csrf, csrf_token
from app.operators import service as operators
from app.operators.models import Operator

router = APIRouter()

MAX_CREDENTIAL_LENGTH = 256
# A failed sign-in logs the username as typed, cut to the longest a real username can be.
MAX_LOGGED_USERNAME = 64
FAILED_LOGIN_ACTOR = "anonymous"


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token matched the session's (CsrfFailed otherwise)."""
    form = await request.form()
    check_csrf(request.session, form.get(CSRF_FIELD))
    return form


def _throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.throttle
    return throttle


def _client_ip(request: Request) -> str:
    return client_ip(request) or "unknown"  # the throttle needs a key even without an address


async def _record_failure(db: AsyncSession, username: str, ip: str, *, throttled: bool) -> None:
    """Log a refused sign-in (never the password) and commit it: nothing else is written.

    The actor is "anonymous" (whoever typed it is unknown); a username that exists lends its
    office to the row, so the admin of that office sees attempts on their operators.
    """
    known = await operators.get_operator(db, username) if username else None
    record(
        db,
        actor=FAILED_LOGIN_ACTOR,
        action=AuditAction.LOGIN_FAILED,
        target=username[:MAX_LOGGED_USERNAME],
        office_id=known.office_id if known else None,
        ip=ip,
        detail={"throttled": True} if throttled else {},
    )
    await db.commit()


@router.get("/login")
async def login_page(request: Request, lang: LanguageDep) -> Response:
    """The sign-in form; an operator already signed in goes to the queue."""
    if isinstance(request.session.get(SESSION_OPERATOR), int):
        return RedirectResponse(f"{PREFIX}/", status_code=303)
    return render(request, "login.html", lang, {"error": None, "username": ""})


@router.post("/login")
async def login(request: Request, db: DbDep, lang: LanguageDep) -> Response:
    """Check the password; refuse while the username or the IP has too many recent failures."""
    form = await checked_form(request)
    username = str(form.get("username") or "")[:MAX_CREDENTIAL_LENGTH]
    password = str(form.get("password") or "")[:MAX_CREDENTIAL_LENGTH]
    throttle, ip = _throttle(request), _client_ip(request)
    if throttle.blocked(username, ip):
        await _record_failure(db, username, ip, throttled=True)
        context = {"error": "login_throttled", "username": username}
        return render(request, "login.html", lang, context, status_code=429)
    operator = await operators.authenticate(db, username, password) if username else None
    if operator is None:
        throttle.failed(username, ip)
        await _record_failure(db, username, ip, throttled=False)
        context = {"error": "login_failed", "username": username}
        return render(request, "login.html", lang, context, status_code=401)
    throttle.succeeded(username)
    record(
        db,
        actor=operator.actor,
        action=AuditAction.LOGIN,
        target=operator.username,
        office_id=operator.office_id,
        ip=ip,
    )
    # A fresh session (new CSRF token) on sign-in; only the language choice carries over.
    request.session.clear()
    request.session[SESSION_LANGUAGE] = lang
    request.session[SESSION_OPERATOR] = operator.id
    csrf_token(request.session)
    return RedirectResponse(f"{PREFIX}/", status_code=303)


@router.post("/logout")
async def logout(request: Request, db: DbDep, lang: LanguageDep) -> Response:
    """Forget the operator (logged with the address); the language choice stays."""
    await checked_form(request)
    operator_id = request.session.get(SESSION_OPERATOR)
    operator = await db.get(Operator, operator_id) if isinstance(operator_id, int) else None
    if operator is not None:
        record(
            db,
            actor=operator.actor,
            action=AuditAction.LOGOUT,
            target=operator.username,
            office_id=operator.office_id,
            ip=_client_ip(request),
        )
    request.session.clear()
    request.session[SESSION_LANGUAGE] = lang
    return RedirectResponse(f"{PREFIX}/login", status_code=303)
