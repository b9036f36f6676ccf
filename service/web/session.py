"""Web sessions: a signed, expiring, httponly cookie that names an API key.

Signing in with an API key sets the cookie; every page re-checks that the key still
exists and is not revoked, so revoking a key ends its sessions at once. Forms carry a
per-session CSRF token, and the cookie is ``SameSite=Strict``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from matching.settings import Settings
from service.security import Principal
from service.tables import ApiKeyRow

COOKIE = "milma_session"


def _secret(settings: Settings) -> str:
    if settings.session_secret:
        return settings.session_secret
    path = Path(settings.data_dir) / "session.key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(settings), salt="milma-web-session")


def start(response: Response, request: Request, key_id: int) -> None:
    settings: Settings = request.app.state.settings
    token = request.app.state.web_signer.dumps({"k": key_id, "c": secrets.token_urlsafe(16)})
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.session_minutes * 60,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def end(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def read(request: Request, session: Session) -> tuple[Principal, str] | None:
    """(principal, csrf token) for a valid session cookie, else None."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    settings: Settings = request.app.state.settings
    try:
        data = request.app.state.web_signer.loads(raw, max_age=settings.session_minutes * 60)
    except BadSignature:
        return None
    row = session.get(ApiKeyRow, data.get("k"))
    if row is None or row.revoked_at is not None:
        return None
    return Principal(row.id, row.role, row.company_id), str(data.get("c", ""))
