"""What every page shares: templates, the signed-in viewer, roles, CSRF and error pages.

Pages need a signed session (see ``service.web.session``); forms carry a CSRF token.
Error pages live here too, so the API's error handlers can render them without
importing any page.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from service.deps import get_runtime, get_session
from service.runtime import Runtime
from service.security import Principal
from service.web import session as web_session
from service.web.i18n import pick_language, translator

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
HOME = {
    "caseworker": "/app/editions",
    "company": "/app/company",
    "analyst": "/app/reports",
    "admin": "/app/admin",
}
Db = Annotated[Session, Depends(get_session)]
Rt = Annotated[Runtime, Depends(get_runtime)]


class LoginRequiredError(Exception):
    """No valid session: the page redirects to the sign-in form."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageForbiddenError(Exception):
    """Signed in, but this role may not open the page (or the form token is wrong)."""


@dataclass(frozen=True)
class Viewer:
    principal: Principal
    csrf: str


def page_role(*roles: str):
    """Dependency for a page: a signed-in user with one of ``roles``."""

    def dependency(request: Request, session: Db) -> Viewer:
        found = web_session.read(request, session)
        if found is None:
            raise LoginRequiredError(request.url.path)
        principal, csrf = found
        if principal.role not in roles:
            raise PageForbiddenError
        return Viewer(principal, csrf)

    dependency.roles = roles  # type: ignore[attr-defined]
    return dependency


def public_page(request: Request) -> None:
    """Marker for pages anyone may open (sign-in, language switch)."""


public_page.roles = ("public",)  # type: ignore[attr-defined]

CaseworkerPage = Annotated[Viewer, Depends(page_role("caseworker"))]
CompanyPage = Annotated[Viewer, Depends(page_role("company"))]
AnyPage = Annotated[Viewer, Depends(page_role("caseworker", "company", "analyst", "admin"))]
ReportPage = Annotated[Viewer, Depends(page_role("analyst", "admin"))]
AdminPage = Annotated[Viewer, Depends(page_role("admin"))]
Public = Depends(public_page)


def render(
    request: Request, template: str, viewer: Viewer | None = None, status: int = 200, **context
) -> Response:
    lang = pick_language(request)
    context.update(
        request=request,
        lang=lang,
        _=translator(lang),
        user=viewer.principal if viewer else None,
        csrf=viewer.csrf if viewer else "",
    )
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)


def error_page(
    request: Request,
    status: int,
    title_key: str,
    text_key: str,
    viewer: Viewer | None = None,
    detail: str = "",
) -> Response:
    t = translator(pick_language(request))
    return render(
        request, "error.html", viewer, status, title=t(title_key), text=t(text_key), detail=detail
    )


def check_csrf(viewer: Viewer, token: str) -> None:
    if not hmac.compare_digest(viewer.csrf, token or ""):
        raise PageForbiddenError


def safe_next(path: str | None) -> str:
    """Only same-site paths are followed after sign-in or a language switch."""
    if path and path.startswith("/") and not path.startswith("//"):
        return path
    return "/app"
