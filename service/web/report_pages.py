"""The analyst's evaluation report and the admin's status page."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from markdown_it import MarkdownIt
from sqlalchemy import select

from service.errors import NotFoundError
from service.runtime import Runtime
from service.tables import (
    ApiKeyRow,
)
from service.web.rendering import (
    AdminPage,
    Db,
    ReportPage,
    Rt,
    render,
)

router = APIRouter(include_in_schema=False)


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


@router.get("/app/reports")
def reports(request: Request, viewer: ReportPage, runtime: Rt) -> Response:
    folder = _latest_report(runtime)
    html = None
    if folder is not None:
        text = (folder / "report.md").read_text(encoding="utf-8")
        text = re.sub(
            r"!\[([^\]]*)\]\(([\w.-]+\.png)\)", rf"![\1](/app/reports/files/{folder.name}/\2)", text
        )
        html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return render(request, "report.html", viewer, html=html)


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


@router.get("/app/admin")
def admin(request: Request, viewer: AdminPage, session: Db, runtime: Rt) -> Response:
    keys = list(session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id)))
    return render(request, "admin.html", viewer, status=runtime.matcher.status(), keys=keys)
