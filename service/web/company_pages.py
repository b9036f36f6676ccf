"""Company pages: the trainees matched to the company's own challenges, and feedback.

A company reaching another company's challenge gets the same 404 page as for one that
does not exist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.operations import challenges as challenge_ops
from service.operations import company_views as company_ops
from service.operations import outcomes as outcome_ops
from service.runtime import Runtime
from service.schemas import OutcomeIn
from service.tables import (
    ChallengeRow,
    CompanyRow,
)
from service.web.i18n import pick_language, translator
from service.web.rendering import (
    CompanyPage,
    Db,
    PageForbiddenError,
    Rt,
    Viewer,
    check_csrf,
    render,
)

router = APIRouter(include_in_schema=False)


def _company_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    challenge_id: int | None,
    notice: str | None = None,
) -> Response:
    """One challenge, or by default the challenges of the company's latest edition (the
    earlier ones are listed as links)."""
    principal = viewer.principal
    company = session.get(CompanyRow, principal.company_id)
    own = list(
        session.scalars(
            select(ChallengeRow)
            .where(ChallengeRow.company_id == principal.company_id)
            .order_by(ChallengeRow.id)
        )
    )
    edition_id = None
    if challenge_id is not None:
        challenge_ops.get_challenge(session, challenge_id, principal)  # 404 unless it is theirs
    elif own:
        edition_id = max(c.edition_id for c in own)
    view = company_ops.company_matches(
        runtime,
        session,
        company,
        principal,
        edition_id=edition_id,
        k=10,
        language=pick_language(request),
        challenge_id=challenge_id,
    )
    shown = {b.challenge.challenge_id for b in view.challenges}
    earlier = [c for c in own if c.id not in shown]
    return render(
        request,
        "company.html",
        viewer,
        company=view.company,
        blocks=view.challenges,
        earlier=earlier,
        notice=notice,
    )


@router.get("/app/company")
def company_home(
    request: Request, viewer: CompanyPage, session: Db, runtime: Rt, saved: str | None = None
) -> Response:
    notice = translator(pick_language(request))("saved") if saved else None
    return _company_page(request, viewer, session, runtime, None, notice)


@router.get("/app/company/challenges/{challenge_id}")
def company_challenge(
    request: Request, challenge_id: int, viewer: CompanyPage, session: Db, runtime: Rt
) -> Response:
    return _company_page(request, viewer, session, runtime, challenge_id)


@router.post("/app/company/challenges/{challenge_id}/feedback")
def company_feedback(
    request: Request,
    challenge_id: int,
    viewer: CompanyPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    trainee_id: Annotated[str, Form(max_length=20)] = "",
    event: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(viewer, csrf)
    if event not in outcome_ops.COMPANY_EVENTS:
        raise PageForbiddenError
    try:
        body = OutcomeIn(
            challenge_id=challenge_id, trainee_id=trainee_id, event=event, reason=reason
        )
        outcome_ops.record_outcome(runtime, session, body, viewer.principal)
    except ValidationError as exc:
        return _company_page(request, viewer, session, runtime, None, exc.errors()[0]["msg"])
    return RedirectResponse("/app/company?saved=1", status_code=303)
