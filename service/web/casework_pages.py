"""Caseworker pages: editions, challenge shortlists with outcome forms, participants.

Every page calls the same operations as the API (``service.operations``), so rules and
audit rows are identical."""

from __future__ import annotations

from typing import Annotated, get_args

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.domain.vocabulary import EVENTS
from service.controls import RecommendationsPausedError, recommending
from service.errors import FieldError
from service.operations import challenges as challenge_ops
from service.operations import outcomes as outcome_ops
from service.operations import participants as participant_ops
from service.operations.common import get_edition
from service.oversight_schemas import OverrideReason
from service.runtime import Runtime
from service.schemas import OutcomeIn
from service.tables import (
    ChallengeRow,
    CompanyRow,
    EditionRow,
    OutcomeRow,
    ParticipantRow,
    SensitiveRow,
    TeamMemberRow,
    TeamRow,
)
from service.web.i18n import pick_language, translator
from service.web.rendering import (
    CaseworkerPage,
    Db,
    Rt,
    Viewer,
    check_csrf,
    render,
)

router = APIRouter(include_in_schema=False)


@router.get("/app/editions")
def editions(request: Request, viewer: CaseworkerPage, session: Db) -> Response:
    challenge_counts = dict(
        session.execute(
            select(ChallengeRow.edition_id, func.count()).group_by(ChallengeRow.edition_id)
        ).all()
    )
    people_counts = dict(
        session.execute(
            select(ParticipantRow.edition_id, func.count()).group_by(ParticipantRow.edition_id)
        ).all()
    )
    rows = [
        {
            "id": e.id,
            "name": e.name,
            "start_date": e.start_date,
            "end_date": e.end_date,
            "remote": e.remote,
            "challenges": challenge_counts.get(e.id, 0),
            "participants": people_counts.get(e.id, 0),
        }
        for e in session.scalars(select(EditionRow).order_by(EditionRow.id))
    ]
    return render(request, "editions.html", viewer, editions=rows)


@router.get("/app/editions/{edition_id}")
def edition(
    request: Request, edition_id: int, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    row = get_edition(session, edition_id)
    companies = dict(session.execute(select(CompanyRow.id, CompanyRow.name)).all())
    team_sizes = dict(
        session.execute(
            select(TeamRow.challenge_id, func.count(TeamMemberRow.participant_id))
            .join(TeamMemberRow, TeamMemberRow.team_id == TeamRow.id)
            .group_by(TeamRow.challenge_id)
        ).all()
    )
    catalogue = runtime.matcher.catalogue
    lang = pick_language(request)
    challenges = [
        {
            "id": c.id,
            "title": c.title,
            "company": companies.get(c.company_id, ""),
            "niche": catalogue.niche(c.niche).name[lang],
            "seats": c.seats,
            "team": team_sizes.get(c.id),
        }
        for c in session.scalars(
            select(ChallengeRow)
            .where(ChallengeRow.edition_id == edition_id)
            .order_by(ChallengeRow.id)
        )
    ]
    participants = session.scalar(
        select(func.count())
        .select_from(ParticipantRow)
        .where(ParticipantRow.edition_id == edition_id)
    )
    migrants = session.scalar(
        select(func.count())
        .select_from(SensitiveRow)
        .join(ParticipantRow, ParticipantRow.id == SensitiveRow.participant_id)
        .where(ParticipantRow.edition_id == edition_id, SensitiveRow.migrant.is_(True))
    )
    return render(
        request,
        "edition.html",
        viewer,
        edition=row,
        challenges=challenges,
        participants=participants,
        migrants=migrants,
    )


def _history(session: Session, **where) -> list[dict]:
    query = select(OutcomeRow, ParticipantRow.id).join(
        ParticipantRow, ParticipantRow.id == OutcomeRow.participant_id
    )
    if "challenge_id" in where:
        query = query.where(OutcomeRow.challenge_id == where["challenge_id"])
    if "participant_id" in where:
        query = query.where(OutcomeRow.participant_id == where["participant_id"])
    rows = session.execute(query.order_by(OutcomeRow.at.desc(), OutcomeRow.id.desc()).limit(50))
    return [
        {
            "at": o.at,
            "who": pid,
            "challenge_id": o.challenge_id,
            "event": o.event,
            "reason": o.reason,
        }
        for o, pid in rows.all()
    ]


def challenge_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    challenge_id: int,
    k_text: str | None,
    consent: bool,
    fairness: bool,
    errors: dict,
    notice: str | None,
    status: int = 200,
) -> Response:
    challenge = challenge_ops.get_challenge(session, challenge_id, viewer.principal)
    lang = pick_language(request)
    rules = runtime.matcher.rules
    max_k = rules.max_shortlist_k
    k = min(10, max_k)
    if k_text not in (None, ""):
        try:
            k = rules.shortlist_k(int(k_text) if k_text.strip().isdigit() else 0)
        except FieldError as exc:
            errors["k"], status = exc.message, 422
    try:
        result, paused = (
            challenge_ops.shortlist(
                runtime,
                session,
                challenge_id,
                k,
                viewer.principal,
                lang,
                consent_only=consent,
                fairness=fairness,
            ),
            None,
        )
    except RecommendationsPausedError as exc:
        result, paused = None, exc.reason
    company = session.get(CompanyRow, challenge.company_id)
    return render(
        request,
        "challenge.html",
        viewer,
        status,
        challenge=challenge_ops.challenge_out(challenge),
        company=company.name if company else "",
        shortlist=result,
        paused=paused,
        k=k,
        max_k=max_k,
        niche=runtime.matcher.catalogue.niche(challenge.niche).name[lang],
        consent=consent,
        fairness=fairness,
        errors=errors,
        notice=notice,
        events=EVENTS,
        history=_history(session, challenge_id=challenge_id),
        override_actions=("pin", "move", "exclude"),
        override_reasons=get_args(OverrideReason),
    )


@router.get("/app/challenges/{challenge_id}")
def challenge(
    request: Request,
    challenge_id: int,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    k: Annotated[str | None, Query(max_length=12)] = None,
    consent: str | None = None,
    fairness: str | None = None,
    filtered: str | None = None,
    saved: str | None = None,
) -> Response:
    use_fairness = bool(fairness) if filtered else runtime.matcher.fairness_rerank
    notice = translator(pick_language(request))("saved") if saved else None
    return challenge_page(
        request, viewer, session, runtime, challenge_id, k, bool(consent), use_fairness, {}, notice
    )


def challenge_form_error(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    challenge_id: int,
    key: int | str,
    exc: Exception,
) -> Response:
    """The challenge page again (422), with a form's error beside the field ``key``."""
    message = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
    fairness = runtime.matcher.fairness_rerank
    errors = {key: message}
    return challenge_page(
        request, viewer, session, runtime, challenge_id, None, False, fairness, errors, None, 422
    )


@router.post("/app/challenges/{challenge_id}/outcomes")
def record_outcome(
    request: Request,
    challenge_id: int,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    participant_id: Annotated[str, Form(max_length=12)] = "",
    event: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(viewer, csrf)
    try:
        body = OutcomeIn(
            challenge_id=challenge_id,
            participant_id=int(participant_id),
            event=event,
            reason=reason,
        )
        outcome_ops.record_outcome(runtime, session, body, viewer.principal)
    except (ValueError, ValidationError, FieldError) as exc:
        key = int(participant_id) if participant_id.isdigit() else "form"
        return challenge_form_error(request, viewer, session, runtime, challenge_id, key, exc)
    return RedirectResponse(f"/app/challenges/{challenge_id}?saved=1", status_code=303)


def _participant_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    participant_id: int,
    errors: dict,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    row = participant_ops.get_participant(session, participant_id)
    lang = pick_language(request)
    catalogue = runtime.matcher.catalogue
    skills = [
        {"uri": u, "label": catalogue.label(u, lang)}
        for u in row.skills
        if u in catalogue.skill_index
    ]
    try:
        recommending(session, runtime)
        niches, paused = runtime.matcher.niches(participant_id, lang, row.profile_text), None
    except RecommendationsPausedError as exc:
        niches, paused = None, exc.reason
    return render(
        request,
        "participant.html",
        viewer,
        status,
        person=participant_ops.participant_out(row),
        skills=skills,
        own_words=list(row.skills_text),
        concepts=runtime.matcher.text_concepts(row.profile_text, lang),
        niche_names={n.code: n.name[lang] for n in catalogue.niches},
        niches=niches,
        paused=paused,
        history=_history(session, participant_id=participant_id),
        errors=errors,
        notice=notice,
        cv_mb=round(runtime.settings.max_cv_bytes / 1e6, 1),
    )


@router.get("/app/participants/{participant_id}")
def participant(
    request: Request,
    participant_id: int,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    cv: int = 0,
) -> Response:
    notice = translator(pick_language(request))("cv_read") if cv else None
    return _participant_page(request, viewer, session, runtime, participant_id, {}, notice)


@router.post("/app/participants/{participant_id}/cv")
def upload_cv(
    request: Request,
    participant_id: int,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    file: Annotated[UploadFile | None, File()] = None,
    csrf: Annotated[str, Form()] = "",
    replace: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """A CV file from the participant page: its text joins the profile text."""
    check_csrf(viewer, csrf)
    try:
        participant_ops.add_cv_file(
            runtime,
            session,
            participant_id,
            file.file if file else None,
            bool(replace),
            viewer.principal,
        )
    except FieldError as exc:
        errors = {"cv": exc.message}
        return _participant_page(
            request, viewer, session, runtime, participant_id, errors, None, 422
        )
    return RedirectResponse(f"/app/participants/{participant_id}?cv=1", status_code=303)
