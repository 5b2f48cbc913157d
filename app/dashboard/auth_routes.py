"""Signing in and out of the dashboard, with CSRF checks, login throttling and server sessions.

Every attempt leaves an audit row with the client's address: LOGIN, LOGIN_FAILED (the username
as typed, never the password; `{"throttled": true}` when refused by the throttle) and LOGOUT.
The throttle counts failures per (username, address) in the database (app.operators.throttle);
a sign-in opens a session row that signing out ends for every copy of the cookie.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from app.audit.service import AuditAction, record
from app.dashboard.deps import (
    PREFIX,
    SESSION_LANGUAGE,
    SESSION_LIFETIME,
    SESSION_OPERATOR,
    SESSION_TOKEN,
    DbDep,
    LanguageDep,
    client_ip,
    render,
    signed_in_operator,
)
from app.dashboard.security import CSRF_FIELD, check_csrf, csrf_token
from app.db import utcnow
from app.operators import service as operators
from app.operators import sessions, throttle
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


def _client_ip(request: Request) -> str:
    return client_ip(request) or "unknown"  # the throttle needs a key even without an address


def storable(text: str) -> str:
    """`text` as every database can store it: NUL (PostgreSQL refuses it) and unpaired
    surrogates become visible replacement characters."""
    return text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


async def _record_failure(db: AsyncSession, username: str, ip: str, *, throttled: bool) -> None:
    """Log a refused sign-in (never the password) and commit it with the throttle's count.

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
async def login_page(request: Request, db: DbDep, lang: LanguageDep) -> Response:
    """The sign-in form; an operator already signed in goes to the queue."""
    if await signed_in_operator(request, db) is not None:
        return RedirectResponse(f"{PREFIX}/", status_code=303)
    return render(request, "login.html", lang, {"error": None, "username": ""})


@router.post("/login")
async def login(request: Request, db: DbDep, lang: LanguageDep) -> Response:
    """Check the password; refuse while this username has too many recent failures from this
    address (other addresses are not affected)."""
    form = await checked_form(request)
    typed = str(form.get("username") or "")[:MAX_CREDENTIAL_LENGTH]
    password = str(form.get("password") or "")[:MAX_CREDENTIAL_LENGTH]
    ip = _client_ip(request)
    # A username no database can store names nobody: a failed sign-in like any other.
    username = storable(typed)
    now = utcnow()
    until = await throttle.blocked_until(db, username, ip, now=now)
    if until is not None:
        await _record_failure(db, username, ip, throttled=True)
        context = {"error": "login_throttled", "username": username}
        wait = str(max(1, math.ceil((until - now).total_seconds())))
        answer = render(request, "login.html", lang, context, status_code=429)
        answer.headers["Retry-After"] = wait
        return answer
    operator: Operator | None = None
    if username and username == typed:
        operator = await operators.authenticate(db, username, password, now=now)
    if operator is None:
        await throttle.record_failure(db, username, ip, now=now)
        await _record_failure(db, username, ip, throttled=False)
        context = {"error": "login_failed", "username": username}
        return render(request, "login.html", lang, context, status_code=401)
    await throttle.record_success(db, username, ip)
    record(
        db,
        actor=operator.actor,
        action=AuditAction.LOGIN,
        target=operator.username,
        office_id=operator.office_id,
        ip=ip,
    )
    token = await sessions.start_session(db, operator, lifetime=SESSION_LIFETIME, ip=ip, now=now)
    # A fresh session (new CSRF token) on sign-in; only the language choice carries over.
    request.session.clear()
    request.session[SESSION_LANGUAGE] = lang
    request.session[SESSION_OPERATOR] = operator.id
    request.session[SESSION_TOKEN] = token
    csrf_token(request.session)
    return RedirectResponse(f"{PREFIX}/", status_code=303)


@router.post("/logout")
async def logout(request: Request, db: DbDep, lang: LanguageDep) -> Response:
    """End the session on the server, so every copy of the cookie is signed out too (logged
    with the address); the language choice stays."""
    await checked_form(request)
    token = request.session.get(SESSION_TOKEN)
    operator_id = await sessions.end_session(db, token) if isinstance(token, str) else None
    operator = await db.get(Operator, operator_id) if operator_id is not None else None
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
