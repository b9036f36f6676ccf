"""Editions in the caseworker's pages: the list, a new edition, editing one, and an
edition's page with its challenges and people."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from matching.domain.records import EditionIn
from service.deps import RowId
from service.operations import registry
from service.operations.common import get_edition
from service.tables import ChallengeRow, CompanyRow, EditionRow, ParticipantRow, SensitiveRow
from service.web import forms
from service.web.challenge_pages import team_sizes
from service.web.i18n import N_, request_words
from service.web.rendering import CaseworkerPage, Db, Rt, check_csrf, render

router = APIRouter(include_in_schema=False)
LABELS = {
    "name": N_("Name"),
    "start_date": N_("Starts on"),
    "end_date": N_("Ends on"),
    "remote": N_("Training online"),
}


def _counts(session: Session, column) -> dict[int, int]:
    return dict(session.execute(select(column, func.count()).group_by(column)).all())


@router.get("/app/editions")
def editions(request: Request, viewer: CaseworkerPage, session: Db) -> Response:
    challenges = _counts(session, ChallengeRow.edition_id)
    people = _counts(session, ParticipantRow.edition_id)
    rows = [
        {
            "row": e,
            "challenges": challenges.get(e.id, 0),
            "participants": people.get(e.id, 0),
        }
        for e in session.scalars(select(EditionRow).order_by(EditionRow.id.desc()))
    ]
    return render(request, "editions.html", viewer, editions=rows)


def _from_form(form: FormData) -> dict:
    return forms.without_empty(
        {
            "name": forms.text(form, "name"),
            "start_date": forms.text(form, "start_date") or None,
            "end_date": forms.text(form, "end_date") or None,
            "remote": forms.flag(form, "remote"),
        }
    )


def _form_page(request, viewer, values, errors, edition=None, status=200) -> Response:
    w = request_words(request)
    labels = {k: w.gettext(v) for k, v in LABELS.items()}
    return render(
        request,
        "edition_form.html",
        viewer,
        status,
        edition=edition,
        values=values,
        errors=forms.labelled(errors, [*labels, "form"]),
        labels=labels,
    )


@router.get("/app/editions/new")
def new_edition(request: Request, viewer: CaseworkerPage) -> Response:
    today = date.today()
    values = {"name": "", "start_date": today.isoformat(), "end_date": "", "remote": False}
    return _form_page(request, viewer, values, {})


@router.post("/app/editions/new")
async def create_edition(request: Request, viewer: CaseworkerPage, session: Db) -> Response:
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    data = _from_form(form)
    try:
        row = registry.create_edition(session, EditionIn.model_validate(data), viewer.principal)
    except ValidationError as exc:
        errors = forms.field_errors(exc, request_words(request))
        return _form_page(request, viewer, data, errors, None, 422)
    return RedirectResponse(f"/app/editions/{row.id}?saved=1", status_code=303)


@router.get("/app/editions/{edition_id}")
def edition(
    request: Request, edition_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    row = get_edition(session, edition_id)
    lang = request_words(request).language
    catalogue = runtime.matcher.catalogue
    companies = dict(session.execute(select(CompanyRow.id, CompanyRow.name)).all())
    rows = list(
        session.scalars(
            select(ChallengeRow)
            .where(ChallengeRow.edition_id == edition_id)
            .order_by(ChallengeRow.id)
        )
    )
    teams = team_sizes(session, [c.id for c in rows])
    challenges = [
        {
            "row": c,
            "company": companies.get(c.company_id, ""),
            "niche": catalogue.niche(c.niche).name[lang],
            "team": teams.get(c.id),
        }
        for c in rows
    ]
    in_edition = ParticipantRow.edition_id == edition_id
    participants = session.scalar(
        select(func.count()).select_from(ParticipantRow).where(in_edition)
    )
    migrants = session.scalar(
        select(func.count())
        .select_from(SensitiveRow)
        .join(ParticipantRow, ParticipantRow.id == SensitiveRow.participant_id)
        .where(in_edition, SensitiveRow.migrant.is_(True))
    )
    return render(
        request,
        "edition.html",
        viewer,
        edition=row,
        challenges=challenges,
        participants=participants,
        migrants=migrants,
        saved=request.query_params.get("saved"),
    )


@router.get("/app/editions/{edition_id}/edit")
def edit_edition(request: Request, edition_id: RowId, viewer: CaseworkerPage, session: Db):
    row = get_edition(session, edition_id)
    values = {f: getattr(row, f) for f in LABELS}
    return _form_page(request, viewer, values, {}, row)


@router.post("/app/editions/{edition_id}/edit")
async def update_edition(
    request: Request, edition_id: RowId, viewer: CaseworkerPage, session: Db
) -> Response:
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    row = get_edition(session, edition_id)
    data = _from_form(form)
    try:
        registry.update_edition(session, edition_id, data, viewer.principal)
    except RequestValidationError as exc:
        session.rollback()
        errors = forms.field_errors(exc, request_words(request))
        return _form_page(request, viewer, data, errors, row, 422)
    return RedirectResponse(f"/app/editions/{edition_id}?saved=1", status_code=303)
