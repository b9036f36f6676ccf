"""Sign-in, sign-out, the language switch and each role's home page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from service.security import authenticate
from service.web import session as web_session
from service.web.i18n import LANGUAGES, N_, request_words
from service.web.rendering import (
    HOME,
    AnyPage,
    Db,
    Public,
    check_csrf,
    render,
    safe_next,
)

router = APIRouter(include_in_schema=False)
BAD_KEY = N_("This key is not valid or has been withdrawn.")


@router.get("/", dependencies=[Public])
def root() -> RedirectResponse:
    return RedirectResponse("/app", status_code=303)


@router.get("/app/login", dependencies=[Public])
def login_form(request: Request, next: str = "/app") -> Response:
    return render(request, "login.html", next=safe_next(next), error=None)


@router.post("/app/login", dependencies=[Public])
def login(
    request: Request,
    session: Db,
    api_key: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/app",
) -> Response:
    principal = authenticate(session, api_key.strip()) if api_key else None
    if principal is None:
        error = request_words(request).gettext(BAD_KEY)
        return render(request, "login.html", status=401, next=safe_next(next), error=error)
    target = safe_next(next)
    response = RedirectResponse(
        target if target != "/app" else HOME[principal.role], status_code=303
    )
    web_session.start(response, request, principal.key_id)
    return response


@router.post("/app/logout")
def logout(viewer: AnyPage, csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(viewer, csrf)
    response = RedirectResponse("/app/login", status_code=303)
    web_session.end(response)
    return response


@router.get("/app/lang/{code}", dependencies=[Public])
def switch_language(code: str, next: str = "/app") -> RedirectResponse:
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


@router.get("/app")
def home(viewer: AnyPage) -> RedirectResponse:
    return RedirectResponse(HOME[viewer.principal.role], status_code=303)
