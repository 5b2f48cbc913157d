"""Signing in and out of the dashboard, with CSRF checks and login throttling."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from app.dashboard.deps import (
    PREFIX,
    SESSION_LANGUAGE,
    SESSION_OPERATOR,
    DbDep,
    LanguageDep,
    render,
)
from app.dashboard.security import CSRF_FIELD, LoginThrottle, check_csrf, csrf_token
from app.operators import service as operators

router = APIRouter()

MAX_CREDENTIAL_LENGTH = 256


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token matched the session's (CsrfFailed otherwise)."""
    form = await request.form()
    check_csrf(request.session, form.get(CSRF_FIELD))
    return form


def _throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.throttle
    return throttle


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
        context = {"error": "login_throttled", "username": username}
        return render(request, "login.html", lang, context, status_code=429)
    operator = await operators.authenticate(db, username, password) if username else None
    if operator is None:
        throttle.failed(username, ip)
        context = {"error": "login_failed", "username": username}
        return render(request, "login.html", lang, context, status_code=401)
    throttle.succeeded(username)
    # A fresh session (new CSRF token) on sign-in; only the language choice carries over.
    request.session.clear()
    request.session[SESSION_LANGUAGE] = lang
    request.session[SESSION_OPERATOR] = operator.id
    csrf_token(request.session)
    return RedirectResponse(f"{PREFIX}/", status_code=303)


@router.post("/logout")
async def logout(request: Request, lang: LanguageDep) -> Response:
    """Forget the operator; the language choice stays."""
    await checked_form(request)
    request.session.clear()
    request.session[SESSION_LANGUAGE] = lang
    return RedirectResponse(f"{PREFIX}/login", status_code=303)
