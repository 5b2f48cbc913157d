"""Dependencies of the operator API: the runtime, one transaction per call, the signed-in operator.

The session dependency commits when the route returns and rolls back when it raises, and it does
so *before* the response is sent (`scope="function"`): a client that got a 2xx knows its change is
durable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, NoReturn

from fastapi import Depends, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import request_session
from app.operators import service as operators
from app.operators.service import Viewer
from app.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(request: Request, runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """One unit of work per API call that changes something; a GET reads in a read-only
    session, which takes no write lock (`app.deps.request_session`)."""
    async with request_session(request, runtime) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    description="An operator's API token, from `loket token create --username U`.",
)


def unauthorized(reason: str) -> NoReturn:
    raise HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=reason, headers={"WWW-Authenticate": "Bearer"}
    )


def not_found(what: str) -> NoReturn:
    raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{what} not found")


def forbidden(reason: str) -> NoReturn:
    raise HTTPException(status.HTTP_403_FORBIDDEN, detail=reason)


def conflict(reason: str) -> NoReturn:
    raise HTTPException(status.HTTP_409_CONFLICT, detail=reason)


def invalid(location: tuple[str, ...], message: str, value: Any = None) -> NoReturn:
    """A 422 shaped like FastAPI's own validation errors, so clients parse one format."""
    raise RequestValidationError(
        [{"type": "value_error", "loc": location, "msg": message, "input": value}]
    )


async def get_viewer(
    session: SessionDep,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Viewer:
    """The operator holding the bearer token; 401 when it is missing, unknown or revoked."""
    if credentials is None:
        unauthorized("missing bearer token: send `Authorization: Bearer <token>`")
    operator = await operators.operator_for_token(
        session, credentials.credentials, writer=runtime.sessionmaker
    )
    if operator is None:
        unauthorized("invalid or revoked token")
    return Viewer(operator, await operators.scope_of(session, operator))


ViewerDep = Annotated[Viewer, Depends(get_viewer)]
