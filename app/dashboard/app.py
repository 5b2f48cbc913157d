"""The dashboard sub-application: sessions, security headers, error pages and its routes.

Mounted at `/dashboard` on the main app, so its session cookie, its middleware and its error
pages apply to the dashboard alone and never to the webhook or the JSON API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from app.dashboard import (
    audit_routes,
    auth_routes,
    counter_routes,
    figures_routes,
    inbox_routes,
    issued_routes,
    live,
    precheck_routes,
    router,
    support_routes,
    work_routes,
)
from app.dashboard.deps import (
    PREFIX,
    SESSION_LANGUAGE,
    SESSION_LIFETIME,
    FormRefused,
    LoginRequired,
    PageNotFound,
    render,
    show_refused_form,
)
from app.dashboard.i18n import language_of
from app.dashboard.security import CsrfFailed, SecurityHeadersMiddleware

SESSION_COOKIE = "loket_dashboard"
SESSION_MAX_AGE = int(SESSION_LIFETIME.total_seconds())


def _lang(request: Request) -> str:
    return language_of(request.session.get(SESSION_LANGUAGE))


async def _login_required(request: Request, exc: Exception) -> Response:
    return RedirectResponse(f"{PREFIX}/login", status_code=303)


async def _not_found(request: Request, exc: Exception) -> Response:
    context = {"title": "not_found_title", "body": "not_found_body"}
    return render(request, "message.html", _lang(request), context, status_code=404)


async def _csrf_failed(request: Request, exc: Exception) -> Response:
    context = {"title": "csrf_title", "body": "csrf_body"}
    return render(request, "message.html", _lang(request), context, status_code=403)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return await _not_found(request, exc)
    context = {"title": "err_invalid", "body": "err_invalid"}
    return render(request, "message.html", _lang(request), context, status_code=exc.status_code)


def create_dashboard(host: FastAPI) -> FastAPI:
    """The dashboard app; `host` is the main app, whose lifespan builds the shared runtime."""
    settings = host.state.settings
    dashboard = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    dashboard.state.host = host
    dashboard.include_router(auth_routes.router)
    for part in (
        router,
        work_routes,
        precheck_routes,
        counter_routes,
        support_routes,
        figures_routes,
        audit_routes,
        inbox_routes,
        issued_routes,
        live,
    ):
        dashboard.include_router(part.router)
    dashboard.mount(
        "/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"
    )
    dashboard.add_exception_handler(LoginRequired, _login_required)
    dashboard.add_exception_handler(PageNotFound, _not_found)
    dashboard.add_exception_handler(CsrfFailed, _csrf_failed)
    dashboard.add_exception_handler(FormRefused, show_refused_form)
    dashboard.add_exception_handler(StarletteHTTPException, _http_error)
    # A malformed path parameter (a document id that is not a number) names nothing.
    dashboard.add_exception_handler(RequestValidationError, _not_found)
    dashboard.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        path=PREFIX,
        same_site="lax",
        https_only=not settings.sandbox,
    )
    # Added last, so it is outermost: error pages and redirects get the headers too.
    dashboard.add_middleware(SecurityHeadersMiddleware)
    return dashboard
