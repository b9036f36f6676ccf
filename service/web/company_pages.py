"""The company portal: the trainees matched to the company's own challenges (blind and
consenting only), feedback on them, and the contacts a caseworker released to it.

A company reaching another company's challenge gets the same 404 page as for one that
does not exist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.controls import RecommendationsPausedError
from service.deps import RowId
from service.errors import FieldError, NotFoundError
from service.operations import challenges as challenge_ops
from service.operations import company_views as company_ops
from service.operations import outcomes as outcome_ops
from service.runtime import Runtime
from service.schemas import OutcomeIn
from service.tables import ChallengeRow, CompanyRow, ContactReleaseRow, ParticipantRow
from service.web import forms
from service.web.i18n import N_, request_words
from service.web.participant_pages import record_once
from service.web.rendering import CompanyPage, Db, Rt, Viewer, check_csrf, render

router = APIRouter(include_in_schema=False)
TRAINEES_SHOWN = 10
NOTICES = {
    "saved": N_("Thank you: your feedback is recorded."),
    "already": N_("You had already given this feedback for this trainee; it was not stored again."),
}


def _released(session: Session, company_id: int) -> list[ParticipantRow]:
    """Trainees whose name and contact a caseworker released to this company, who still
    share their profile."""
    return list(
        session.scalars(
            select(ParticipantRow)
            .join(ContactReleaseRow, ContactReleaseRow.participant_id == ParticipantRow.id)
            .where(
                ContactReleaseRow.company_id == company_id,
                ParticipantRow.consent_share.is_(True),
            )
            .order_by(ParticipantRow.display_name)
        )
    )


def _company_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    challenge_id: int | None,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
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
    blocks, paused = [], None
    if own:
        try:
            view = company_ops.company_matches(
                runtime,
                session,
                company,
                principal,
                edition_id=edition_id,
                k=TRAINEES_SHOWN,
                language=request_words(request).language,
                challenge_id=challenge_id,
            )
            blocks = view.challenges
        except RecommendationsPausedError as exc:
            paused = exc.reason
    shown = {b.challenge.challenge_id for b in blocks}
    current = [
        c
        for c in own
        if c.id == challenge_id or (challenge_id is None and c.edition_id == edition_id)
    ]
    earlier = [c for c in own if c.id not in shown and c not in current]
    return render(
        request,
        "company.html",
        viewer,
        status,
        company=company,
        blocks=blocks,
        current=current,
        earlier=earlier,
        released=_released(session, principal.company_id),
        paused=paused,
        notice=notice,
        error=error,
    )


@router.get("/app/company")
def company_home(
    request: Request,
    viewer: CompanyPage,
    session: Db,
    runtime: Rt,
    saved: str | None = None,
    already: str | None = None,
) -> Response:
    notice = _feedback_notice(request, saved, already)
    return _company_page(request, viewer, session, runtime, None, notice)


@router.get("/app/company/challenges/{challenge_id}")
def company_challenge(
    request: Request,
    challenge_id: RowId,
    viewer: CompanyPage,
    session: Db,
    runtime: Rt,
    saved: str | None = None,
    already: str | None = None,
) -> Response:
    notice = _feedback_notice(request, saved, already)
    return _company_page(request, viewer, session, runtime, challenge_id, notice)


def _feedback_notice(request: Request, saved: str | None, already: str | None) -> str | None:
    said = "saved" if saved else "already" if already else None
    return request_words(request).gettext(NOTICES[said]) if said else None


@router.post("/app/company/challenges/{challenge_id}/feedback")
def company_feedback(
    request: Request,
    challenge_id: RowId,
    viewer: CompanyPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    trainee_id: Annotated[str, Form(max_length=20)] = "",
    event: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Feedback on a trainee shown to the company; the page comes back at that trainee."""
    check_csrf(viewer, csrf)
    w = request_words(request)
    try:
        if event not in outcome_ops.COMPANY_EVENTS:
            raise FieldError("event", "companies record only interviews, hires and rejections")
        body = OutcomeIn(
            challenge_id=challenge_id, trainee_id=trainee_id, event=event, reason=reason
        )
        created = record_once(runtime, session, body, viewer)
    except (ValidationError, FieldError, NotFoundError) as exc:
        message = next(iter(forms.field_errors(exc, w).values()))
        return _company_page(request, viewer, session, runtime, challenge_id, None, message, 422)
    said = "saved" if created else "already"
    return RedirectResponse(
        f"/app/company/challenges/{challenge_id}?{said}=1#t-{trainee_id}", status_code=303
    )
