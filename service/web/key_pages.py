"""Access keys in the admin's pages: every key listed, a new one created (shown once,
never again) and a key revoked, each audited as through the API."""

from __future__ import annotations

from contextlib import suppress

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from service.deps import RowId
from service.errors import FieldError, NotFoundError
from service.operations import keys as key_ops
from service.schemas import KeyIn
from service.tables import ApiKeyRow, CompanyRow
from service.web import forms
from service.web.i18n import N_, request_words
from service.web.rendering import AdminPage, Db, Rt, check_csrf, render

router = APIRouter(include_in_schema=False)
ROLES = ("caseworker", "company", "analyst", "admin")
LABELS = {"role": N_("Role"), "company_id": N_("Company"), "label": N_("Who uses it")}


def _keys_page(request, viewer, session, values, errors, status=200, created=None) -> Response:
    w = request_words(request)
    labels = {k: w.gettext(v) for k, v in LABELS.items()}
    companies = session.execute(select(CompanyRow.id, CompanyRow.name).order_by(CompanyRow.name))
    response = render(
        request,
        "keys.html",
        viewer,
        status,
        keys=session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id.desc())).all(),
        companies=companies.all(),
        roles=ROLES,
        values=values,
        errors=forms.labelled(errors, [*labels, "form"]),
        labels=labels,
        created=created,
        revoked=request.query_params.get("revoked"),
    )
    if created:
        response.headers["Cache-Control"] = "no-store"  # the key is in this page only
    return response


@router.get("/app/admin/keys")
def keys(request: Request, viewer: AdminPage, session: Db) -> Response:
    company = request.query_params.get("company", "")
    values = {"role": "company" if company else "caseworker", "company_id": company, "label": ""}
    return _keys_page(request, viewer, session, values, {})


@router.post("/app/admin/keys")
async def create_key(request: Request, viewer: AdminPage, session: Db) -> Response:
    """A new key, shown on the answer page once; only its hash is kept."""
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    role = forms.text(form, "role")
    values = {
        "role": role,
        "company_id": forms.number(form, "company_id") if role == "company" else None,
        "label": forms.text(form, "label"),
    }
    try:
        key, row = key_ops.new_key(session, KeyIn.model_validate(values), viewer.principal)
    except (ValidationError, FieldError) as exc:
        errors = forms.field_errors(exc, request_words(request))
        return _keys_page(request, viewer, session, values, errors, 422)
    fresh = {"role": "caseworker", "company_id": "", "label": ""}
    return _keys_page(request, viewer, session, fresh, {}, created=(key, row))


@router.post("/app/admin/keys/{key_id}/revoke")
async def revoke_key(
    request: Request, key_id: RowId, viewer: AdminPage, session: Db, runtime: Rt
) -> Response:
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    with suppress(NotFoundError):  # already revoked: the page shows it so
        key_ops.withdraw_key(runtime, session, key_id, viewer.principal)
    back = forms.text(form, "back")
    target = back if back.startswith("/app/") else "/app/admin/keys"
    return RedirectResponse(f"{target}?revoked={key_id}", status_code=303)
