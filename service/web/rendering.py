"""What every page shares: templates, the signed-in viewer, roles, CSRF and error pages.

Pages need a signed session (see ``service.web.session``); forms carry a CSRF token.
Error pages live here too, so the API's error handlers can render them without
importing any page.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from matching.domain.catalogue import load_catalogue
from matching.text.language import detect_language
from service.deps import get_runtime, get_session
from service.runtime import Runtime
from service.security import Principal
from service.web import session as web_session
from service.web.i18n import LANGUAGES, N_, pick_language, translations, words

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
# (title, text) of the error pages, as catalogue messages
NOT_FOUND = (
    N_("Page not found"),
    N_("This page does not exist, or it is not yours to see."),
)
FORBIDDEN = (N_("Not allowed"), N_("Your role cannot open this page."))
BAD_REQUEST = (
    N_("Something in the request is not right"),
    N_("Go back, check what you entered and try again."),
)
PAUSED = (
    N_("Recommendations paused"),
    N_("An administrator has paused recommendations. Reason:"),
)
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


def _templates(language: str) -> Jinja2Templates:
    """One template environment per language, with that language's catalogue installed
    (``_`` and ``ngettext`` in templates, new-style: ``_("%(n)s seats", n=3)``)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(("html",)),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["w"] = words(language)
    env.globals["lang_of"] = language_of
    env.filters["quotes_in"] = quotes_in
    env.filters["phrases_in"] = phrases_in
    env.globals["label_lang"] = partial(label_language, language)
    return Jinja2Templates(env=env)


@lru_cache(maxsize=4096)
def language_of(text: str | None) -> str:
    """The language a person's text is written in, for its element's ``lang`` (empty:
    not known), so that it is read aloud and checked as what it is."""
    return detect_language(text or "") or ""


QUOTED = re.compile(r"'([^'\n]{1,200})'")


def quotes_in(reason: str, language: str | None) -> Markup:
    """A reason that quotes a person's text ('camarera' → ...), with each quote marked
    as written in ``language``, the text's own."""
    marked, last = [], 0
    for found in QUOTED.finditer(reason):
        marked.append(escape(reason[last : found.start()]))
        marked.append(Markup('<q lang="{}">{}</q>').format(language or "", found.group(1)))
        last = found.end()
    marked.append(escape(reason[last:]))
    return Markup("").join(marked)


def phrases_in(sentence: str, phrases: list[str]) -> Markup:
    """A sentence of the engine that names things people wrote (a challenge's title),
    each named phrase marked with the language it is written in."""
    marked = escape(sentence)
    for phrase in sorted(set(filter(None, phrases)), key=len, reverse=True):
        tagged = Markup('<span lang="{}">{}</span>').format(language_of(phrase), phrase)
        marked = Markup(marked.replace(escape(phrase), tagged))
    return marked


def label_language(page_language: str, uri: str) -> Markup:
    """`` lang="en"`` for an ESCO label that has no translation in the page's language
    (English is shown instead, and said to be English); nothing otherwise."""
    shown = load_catalogue().label_language(uri, page_language)
    return Markup(' lang="{}"').format(shown) if shown != page_language else Markup("")


TEMPLATES = {language: _templates(language) for language in LANGUAGES}


def render(
    request: Request, template: str, viewer: Viewer | None = None, status: int = 200, **context
) -> Response:
    lang = pick_language(request)
    context.update(
        request=request,
        lang=lang,
        user=viewer.principal if viewer else None,
        csrf=viewer.csrf if viewer else "",
    )
    return TEMPLATES[lang].TemplateResponse(request, template, context, status_code=status)


def error_page(
    request: Request,
    status: int,
    message: tuple[str, str],
    viewer: Viewer | None = None,
    detail: str = "",
) -> Response:
    """An error page in the page's language (``message``: a title and a text from the
    catalogue), with the signed-in user's menu when there is one."""
    title, text = message
    w = words(pick_language(request))
    return render(
        request,
        "error.html",
        viewer or signed_in_viewer(request),
        status,
        title=w.gettext(title),
        text=w.gettext(text),
        detail=detail,
    )


def signed_in_viewer(request: Request) -> Viewer | None:
    """The viewer of a valid session cookie, for pages that have no viewer of their own
    (error pages keep the menu)."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None or web_session.COOKIE not in request.cookies:
        return None
    with runtime.sessions() as session:
        found = web_session.read(request, session)
    return Viewer(*found) if found else None


def check_csrf(viewer: Viewer, token: str) -> None:
    """Compared as bytes: a token of any characters is refused, never an error."""
    if not hmac.compare_digest(viewer.csrf.encode(), (token or "").encode()):
        raise PageForbiddenError


def safe_next(path: str | None) -> str:
    """Only same-site paths are followed after sign-in or a language switch."""
    if path and path.startswith("/") and not path.startswith("//"):
        return path
    return "/app"
