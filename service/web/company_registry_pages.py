"""Companies in the pages: caseworkers and admins list, register and edit them; an admin
also gives a company its access keys (each shown once) and revokes them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from starlette.datastructures import FormData

from matching.domain.catalogue import NICHE_CODES
from matching.domain.records import CompanyIn
from service.deps import RowId
from service.operations import registry
from service.tables import ApiKeyRow, ChallengeRow, CompanyRow
from service.web import forms
from service.web.i18n import N_, Words, request_words
from service.web.rendering import Db, Rt, Viewer, check_csrf, page_role, render

router = APIRouter(include_in_schema=False)
ManagerPage = Annotated[Viewer, Depends(page_role("caseworker", "admin"))]
SIZES = ("micro", "small", "medium", "large")
LABELS = {"name": N_("Name"), "size": N_("Size"), "sector": N_("Sector (niche)")}


def _options(runtime, w: Words) -> dict:
    names = {n.code: n.name[w.language] for n in runtime.matcher.catalogue.niches}
    return {
        "size": [(s, w.label("size", s)) for s in SIZES],
        "sector": [(c, names[c]) for c in NICHE_CODES],
    }


@router.get("/app/companies")
def companies(request: Request, viewer: ManagerPage, session: Db, runtime: Rt) -> Response:
    counts = dict(
        session.execute(
            select(ChallengeRow.company_id, func.count()).group_by(ChallengeRow.company_id)
        ).all()
    )
    rows = session.scalars(select(CompanyRow).order_by(CompanyRow.name)).all()
    w = request_words(request)
    return render(
        request,
        "companies.html",
        viewer,
        companies=[(c, counts.get(c.id, 0)) for c in rows],
        sectors=dict(_options(runtime, w)["sector"]),
    )


def _form_page(request, viewer, runtime, values, errors, company=None, status=200) -> Response:
    w = request_words(request)
    labels = {k: w.gettext(v) for k, v in LABELS.items()}
    return render(
        request,
        "company_form.html",
        viewer,
        status,
        company=company,
        values=values,
        errors=forms.labelled(errors, [*labels, "form"]),
        labels=labels,
        options=_options(runtime, w),
    )


def _from_form(form: FormData) -> dict:
    return forms.without_empty(
        {
            "name": forms.text(form, "name"),
            "size": forms.text(form, "size") or None,
            "sector": forms.text(form, "sector") or None,
        }
    )


@router.get("/app/companies/new")
def new_company(request: Request, viewer: ManagerPage, runtime: Rt) -> Response:
    return _form_page(request, viewer, runtime, {"name": "", "size": "small", "sector": ""}, {})


@router.post("/app/companies/new")
async def create_company(request: Request, viewer: ManagerPage, session: Db, runtime: Rt):
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    data = _from_form(form)
    try:
        row = registry.create_company(session, CompanyIn.model_validate(data), viewer.principal)
    except ValidationError as exc:
        errors = forms.field_errors(exc, request_words(request))
        return _form_page(request, viewer, runtime, data, errors, None, 422)
    return RedirectResponse(f"/app/companies/{row.id}?saved=1", status_code=303)


@router.get("/app/companies/{company_id}")
def company(
    request: Request, company_id: RowId, viewer: ManagerPage, session: Db, runtime: Rt
) -> Response:
    row = registry.visible_company(session, company_id, viewer.principal)
    challenges = session.scalars(
        select(ChallengeRow)
        .where(ChallengeRow.company_id == company_id)
        .order_by(ChallengeRow.edition_id.desc(), ChallengeRow.id)
    ).all()
    keys = []
    if viewer.principal.role == "admin":
        keys = session.scalars(
            select(ApiKeyRow).where(ApiKeyRow.company_id == company_id).order_by(ApiKeyRow.id)
        ).all()
    w = request_words(request)
    return render(
        request,
        "company_record.html",
        viewer,
        company=row,
        challenges=challenges,
        keys=keys,
        sectors=dict(_options(runtime, w)["sector"]),
        saved=request.query_params.get("saved"),
    )


@router.get("/app/companies/{company_id}/edit")
def edit_company(
    request: Request, company_id: RowId, viewer: ManagerPage, session: Db, runtime: Rt
):
    row = registry.visible_company(session, company_id, viewer.principal)
    values = {"name": row.name, "size": row.size, "sector": row.sector}
    return _form_page(request, viewer, runtime, values, {}, row)


@router.post("/app/companies/{company_id}/edit")
async def update_company(
    request: Request, company_id: RowId, viewer: ManagerPage, session: Db, runtime: Rt
) -> Response:
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    row = registry.visible_company(session, company_id, viewer.principal)
    data = _from_form(form)
    try:
        registry.update_company(session, company_id, data, viewer.principal)
    except RequestValidationError as exc:
        session.rollback()
        errors = forms.field_errors(exc, request_words(request))
        return _form_page(request, viewer, runtime, data, errors, row, 422)
    return RedirectResponse(f"/app/companies/{company_id}?saved=1", status_code=303)
