"""Request dependencies: the runtime, a database session, and who may call a route.

Every route declares its roles with :func:`require_role`; a route without one is
refused by the app factory (deny by default). Credentials come from ``X-API-Key`` or
``Authorization: Bearer`` (the web pages' session cookie is for the pages only, so a
cross-site request can never act through the API).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from service.kept_reads import KeptReads
from service.runtime import Runtime
from service.security import (
    Principal,
    StoredKey,
    authenticate,
    kept_keys,
    key_prefix,
    verified,
)

# A row id in a path, within the database's integer range: a larger one is refused
# with a message naming it, before any query could overflow.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]

PUBLIC_PATHS = frozenset(
    {"/health", "/ready", "/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"}
)


# The dependencies below that touch no database are ``async``: FastAPI runs a plain
# ``def`` dependency on the thread pool, and each such hop costs a request more than
# the work it wraps.
async def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the request. Opening one touches no database; closing one that
    still holds a connection (a read that did not commit) goes to the thread pool, so
    the event loop never waits on the database."""
    session = request.app.state.runtime.sessions()
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    header_key: str | None = Depends(api_key_header),
    bearer_key: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> Principal:
    """The caller. A key this worker has verified before is checked in memory (see
    :func:`service.security.kept_keys`); only a new one is looked up, on the thread pool
    with a session of its own, so a route that needs no database opens none."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    key = header_key or (bearer_key.credentials if bearer_key else None)
    prefix = key_prefix(key) if key else None
    principal = None
    if key and prefix:
        kept = kept_keys(request.app.state.runtime.feed)
        stored = kept.peek(prefix)
        if stored is not None:
            principal = verified(stored, key)
        else:
            principal = await run_in_threadpool(_look_up, request.app.state.runtime, key, kept)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid API key is required (X-API-Key or Authorization: Bearer)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.principal = principal
    return principal


def _look_up(runtime: Runtime, key: str, kept: KeptReads[str, StoredKey]) -> Principal | None:
    with runtime.sessions() as session:
        return authenticate(session, key, kept)


def require_role(*roles: str) -> Callable[..., Principal]:
    """Dependency that lets only the given roles through (403 otherwise)."""

    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this route is for: {', '.join(roles)}")
        return principal

    dependency.roles = roles  # type: ignore[attr-defined]
    return dependency


def route_roles(route) -> tuple[str, ...] | None:
    """The roles a route was declared with, or None if it declared none."""
    for dep in route.dependant.dependencies:
        roles = getattr(dep.call, "roles", None)
        if roles is not None:
            return roles
    return None
