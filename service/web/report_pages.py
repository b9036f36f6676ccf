"""The analyst's evaluation report (with its model card and datasheet) and the admin's
status page with the stop switch."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from markdown_it import MarkdownIt
from markupsafe import Markup

from service import audit
from service.controls import read_controls, set_controls
from service.errors import NotFoundError
from service.runtime import Runtime, retrain, serving_version
from service.web.i18n import N_, request_words
from service.web.rendering import (
    AdminPage,
    Db,
    ReportPage,
    Rt,
    check_csrf,
    render,
)

router = APIRouter(include_in_schema=False)


NOT_ENOUGH_OUTCOMES = N_(
    "There are not yet enough recorded outcomes to train on; the current models keep serving."
)
REPORT_FILE = re.compile(r"^[\w.-]{1,80}\.png$")


def _latest_report(runtime: Runtime) -> Path | None:
    root = runtime.settings.reports_dir
    if not root.is_dir():
        return None
    folders = sorted(
        (p for p in root.iterdir() if (p / "report.md").is_file()),
        key=lambda p: p.name,
        reverse=True,
    )
    return folders[0] if folders else None


REPORT_DOCUMENTS = {
    "report": "report.md",
    "model-card": "model_card.md",
    "datasheet": "datasheet.md",
}
PAGE_OF_DOCUMENT = {file: name for name, file in REPORT_DOCUMENTS.items()}


def document_html(folder: Path, text: str) -> str:
    """The Markdown of a report document, with its images and sibling documents linked
    to the pages that serve them. Code (commands, file names, digests) is marked as not
    to be translated: it is in no language."""
    text = re.sub(
        r"!\[([^\]]*)\]\(([\w.-]+\.png)\)", rf"![\1](/app/reports/files/{folder.name}/\2)", text
    )
    text = re.sub(
        r"\]\(([\w.-]+\.md)\)",
        lambda m: f"](/app/reports/{PAGE_OF_DOCUMENT[m[1]]})" if m[1] in PAGE_OF_DOCUMENT else m[0],
        text,
    )
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return html.replace("<code>", '<code translate="no">')


def _document(request: Request, viewer, runtime: Runtime, name: str) -> Response:
    folder = _latest_report(runtime)
    html = None
    if folder is not None:
        path = folder / REPORT_DOCUMENTS[name]
        if not path.is_file():
            raise NotFoundError(f"the latest evaluation has no {REPORT_DOCUMENTS[name]}")
        html = document_html(folder, path.read_text(encoding="utf-8"))
    command = Markup('<code translate="no">milma evaluate</code>')
    return render(request, "report.html", viewer, html=html, command=command)


@router.get("/app/reports")
def reports(request: Request, viewer: ReportPage, runtime: Rt) -> Response:
    return _document(request, viewer, runtime, "report")


@router.get("/app/reports/{name}")
def report_document(name: str, request: Request, viewer: ReportPage, runtime: Rt) -> Response:
    """The model card and the datasheet written next to the latest report."""
    if name not in REPORT_DOCUMENTS:
        raise NotFoundError("no such report document")
    return _document(request, viewer, runtime, name)


@router.get("/app/reports/files/{folder}/{name}")
def report_file(folder: str, name: str, viewer: ReportPage, runtime: Rt) -> Response:
    root = runtime.settings.reports_dir
    path = root / folder / name
    if (
        not REPORT_FILE.match(name)
        or not re.fullmatch(r"[\w.-]{1,80}", folder)
        or not path.is_file()
        or path.resolve().parent.parent != root.resolve()
    ):
        raise NotFoundError("no such report file")
    return FileResponse(path, media_type="image/png")


def _admin_page(
    request: Request,
    viewer,
    session,
    runtime: Runtime,
    errors: dict,
    status: int = 200,
    retrained: bool = False,
) -> Response:
    return render(
        request,
        "admin.html",
        viewer,
        status,
        engine=runtime.matcher.status(),
        controls=read_controls(session),
        modes=("learned", "rules", "paused"),
        errors=errors,
        retrained=retrained,
    )


@router.get("/app/admin")
def admin(request: Request, viewer: AdminPage, session: Db, runtime: Rt) -> Response:
    return _admin_page(request, viewer, session, runtime, {})


@router.post("/app/admin/controls")
def turn_switch(
    request: Request,
    viewer: AdminPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    mode: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """The stop switch from the admin page (the same rule as ``PUT /admin/controls``)."""
    check_csrf(viewer, csrf)
    w = request_words(request)
    errors = {}
    if mode not in ("learned", "rules", "paused"):
        errors["mode"] = w.gettext("Choose one of the options.")
    if len(reason.strip()) < 3:
        errors["reason"] = w.gettext("Say why in a few words (at least 3 characters).")
    if errors:
        return _admin_page(request, viewer, session, runtime, errors, 422)
    set_controls(session, runtime, viewer.principal, mode, reason.strip())  # type: ignore[arg-type]
    return RedirectResponse("/app/admin", status_code=303)


@router.post("/app/admin/retrain")
def retrain_models(
    request: Request,
    viewer: AdminPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Retrain from the admin page (as ``POST /admin/retrain``)."""
    check_csrf(viewer, csrf)
    try:
        retrain(runtime)
    except ValueError:
        errors = {"retrain": request_words(request).gettext(NOT_ENOUGH_OUTCOMES)}
        return _admin_page(request, viewer, session, runtime, errors, 422)
    version = serving_version(runtime)
    audit.record(session, viewer.principal, "admin.retrain", model_version=version)
    return _admin_page(request, viewer, session, runtime, {}, retrained=True)
