"""Request dependencies: the runtime, a database session, and who may call a route.

Every route declares its roles with :func:`require_role`; a route without one is
refused by the app factory (deny by default). Credentials come from ``X-API-Key`` or
``Authorization: Bearer`` (the web pages' session cookie is for the pages only, so a
cross-site request can never act through the API).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from service.runtime import Runtime
from service.security import Principal, authenticate

PUBLIC_PATHS = frozenset(
    {"/health", "/ready", "/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"}
)


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.runtime.sessions() as session:
        yield session


api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
bearer = HTTPBearer(auto_error=False)


def current_principal(
    request: Request,
    session: Session = Depends(get_session),
    header_key: str | None = Depends(api_key_header),
    bearer_key: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    key = header_key or (bearer_key.credentials if bearer_key else None)
    principal = authenticate(session, key) if key else None
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid API key is required (X-API-Key or Authorization: Bearer)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.principal = principal
    return principal


def require_role(*roles: str) -> Callable[..., Principal]:
    """Dependency that lets only the given roles through (403 otherwise)."""

    def dependency(principal: Principal = Depends(current_principal)) -> Principal:
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
