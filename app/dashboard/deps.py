"""Dependencies of the dashboard: runtime, one transaction per page, language, the operator,
and the one way a refused form is shown again.

The dashboard is a sub-application mounted on the main app; the main app's runtime (built in
its lifespan) is reached through `state.host`, so both share one engine and one locker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncSession

from app.dashboard.i18n import language_of, status_label, translate
from app.dashboard.security import csrf_token
from app.deps import request_session, unit_of_work_session
from app.operators import service as operators
from app.operators import sessions
from app.operators.models import Operator
from app.operators.service import Viewer
from app.runtime import Runtime

PREFIX = "/dashboard"
SESSION_OPERATOR = "operator_id"
# The random token naming the server-side session row (app.operators.sessions).
SESSION_TOKEN = "session"
SESSION_LANGUAGE = "lang"
# One working day: an operator signs in each morning. The cookie and the server row both expire.
SESSION_LIFETIME = timedelta(hours=12)

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


class LoginRequired(Exception):
    """No operator is signed in (→ redirect to the login page)."""


class PageNotFound(Exception):
    """Unknown or outside the operator's scope (→ 404 page, the same for both)."""


class FormRefused(Exception):
    """A posted form the dashboard will not act on (→ its page again, the reason by the form).

    `message` is the text key of the reason; `form` names where it is shown (the form's id on
    the page, a complaint's or conversation's id; None: at the top); `kept` is what the operator
    typed, for a page that fills it in again. The route's unit of work rolls back, so a refusal
    keeps nothing; `show_refused_form` renders the page in a fresh one.
    """

    def __init__(
        self,
        message: str,
        *,
        form: str | int | None = None,
        status_code: int = 422,
        kept: object = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.form = form
        self.status_code = status_code
        self.kept = kept


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.host.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_db(request: Request, runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """One unit of work per form post, committed before the response is sent; a page (GET)
    reads in a read-only session, which takes no write lock (`app.deps.request_session`)."""
    async with request_session(request, runtime) as session:
        yield session


DbDep = Annotated[AsyncSession, Depends(get_db, scope="function")]


def client_ip(request: Request) -> str | None:
    """The caller's address, for the audit log and the login throttle. Behind a reverse proxy
    it is the client's only when the proxy is listed in LOKET_FORWARDED_ALLOW_IPS (or
    `serve --forwarded-allow-ips`); otherwise it is the proxy's."""
    return request.client.host if request.client else None


def language(request: Request) -> str:
    """The operator's language; `?lang=en` (or `id`) switches it for the session."""
    asked = request.query_params.get("lang")
    if asked is not None:
        request.session[SESSION_LANGUAGE] = language_of(asked)
    return language_of(request.session.get(SESSION_LANGUAGE))


LanguageDep = Annotated[str, Depends(language)]


async def signed_in_operator(request: Request, db: AsyncSession) -> Operator | None:
    """The operator of this cookie's session while the session is open on the server and the
    operator active; None otherwise (and the cookie forgets it)."""
    operator_id = request.session.get(SESSION_OPERATOR)
    token = request.session.get(SESSION_TOKEN)
    if not isinstance(operator_id, int) or not isinstance(token, str):
        return None
    operator = await sessions.operator_for_session(db, token)
    if operator is None or operator.id != operator_id:
        request.session.pop(SESSION_OPERATOR, None)
        request.session.pop(SESSION_TOKEN, None)
        return None
    return operator


async def get_viewer(request: Request, db: DbDep) -> Viewer:
    """The signed-in, still active operator and their scope; LoginRequired otherwise."""
    operator = await signed_in_operator(request, db)
    if operator is None:
        raise LoginRequired
    return Viewer(operator, await operators.scope_of(db, operator))


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def render(
    request: Request,
    template: str,
    lang: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A page with what every template needs: `t`, the language, the CSRF token, the prefix."""

    def t(key: str) -> str:
        return translate(key, lang)

    def status_name(status: str) -> str:
        return status_label(status, lang)

    base = {
        "t": t,
        "status_name": status_name,
        "lang": lang,
        "other_lang": "id" if lang == "en" else "en",
        "csrf_token": csrf_token(request.session),
        "prefix": PREFIX,
    }
    return templates.TemplateResponse(
        request, template, base | (context or {}), status_code=status_code
    )


# A page that shows a refused form again: (request, db, runtime, viewer, lang, refusal).
RefusalPage = Callable[
    [Request, AsyncSession, Runtime, Viewer, str, FormRefused], Awaitable[Response]
]
_REFUSAL_PAGE = "refusal_page"


def refusals_on(request: Request, page: RefusalPage) -> None:
    """Name the page a FormRefused raised while handling `request` is shown on."""
    setattr(request.state, _REFUSAL_PAGE, page)


def shown_on(page: RefusalPage) -> Any:
    """A route dependency (`dependencies=[shown_on(page)]`): its refused forms show `page`."""

    def mark(request: Request) -> None:
        refusals_on(request, page)

    return Depends(mark)


def render_refusable(
    request: Request,
    template: str,
    lang: str,
    context: dict[str, Any],
    refused: FormRefused | None,
) -> HTMLResponse:
    """A page that has forms; after a refusal, with its reason (`error`, a text key) where
    `error_for` says, and the refusal's status code."""
    context = context | {
        "error": refused.message if refused else None,
        "error_for": refused.form if refused else None,
    }
    code = refused.status_code if refused else 200
    return render(request, template, lang, context, status_code=code)


async def show_refused_form(request: Request, exc: Exception) -> Response:
    """The exception handler for FormRefused: the route's page, with the reason by its form.

    The route's own unit of work has rolled back by now; the page is read in a new one, for the
    same operator in the same language.
    """
    assert isinstance(exc, FormRefused)
    page: RefusalPage = getattr(request.state, _REFUSAL_PAGE)
    runtime = get_runtime(request)
    async with unit_of_work_session(runtime) as db:
        viewer = await get_viewer(request, db)
        return await page(request, db, runtime, viewer, language(request), exc)
