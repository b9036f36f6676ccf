"""Outcomes: caseworkers and a challenge's own company record what happened."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.deps import get_runtime, get_session, require_role
from service.operations import outcomes as outcome_ops
from service.operations.common import paginate
from service.runtime import Runtime
from service.schemas import OutcomeIn, OutcomeOut, Page
from service.security import Principal
from service.tables import ChallengeRow, OutcomeRow, ParticipantRow

router = APIRouter(prefix="/outcomes", tags=["outcomes"])
Recorder = Annotated[Principal, Depends(require_role("caseworker", "company"))]
Db = Annotated[Session, Depends(get_session)]
Rt = Annotated[Runtime, Depends(get_runtime)]


def outcome_out(row: OutcomeRow, pseudonym: str, who: Principal) -> OutcomeOut:
    return OutcomeOut(
        id=row.id,
        challenge_id=row.challenge_id,
        trainee_id=pseudonym,
        participant_id=row.participant_id if who.role != "company" else None,
        event=row.event,
        at=row.at,
        reason=row.reason,
        rating=row.rating,
        client_key=row.client_key,
    )


@router.post(
    "",
    response_model=OutcomeOut,
    status_code=201,
    responses={
        200: {
            "model": OutcomeOut,
            "description": "Repeated client_key: the outcome recorded the first time",
        },
        409: {"description": "client_key already used for a different outcome"},
    },
)
def record(body: OutcomeIn, who: Recorder, session: Db, runtime: Rt) -> JSONResponse:
    """Record joined / completed / interviewed / hired / rejected (+ reason). Idempotent
    with ``client_key``."""
    row, created = outcome_ops.record_outcome(runtime, session, body, who)
    person = session.get(ParticipantRow, row.participant_id)
    out = outcome_out(row, person.pseudonym, who)
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)


@router.get("", response_model=Page[OutcomeOut])
def list_outcomes(
    who: Recorder,
    session: Db,
    challenge_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    participant_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[OutcomeOut]:
    """Outcomes, newest first. A company sees only what its own keys recorded, for its
    own challenges' consenting trainees: what caseworkers recorded (and their reasons)
    stays with the programme, as does what another company recorded before a challenge
    changed hands."""
    query = select(OutcomeRow, ParticipantRow.pseudonym).join(
        ParticipantRow, ParticipantRow.id == OutcomeRow.participant_id
    )
    if who.role == "company":
        query = query.join(ChallengeRow, ChallengeRow.id == OutcomeRow.challenge_id).where(
            ChallengeRow.company_id == who.company_id,
            OutcomeRow.client_scope == outcome_ops.client_scope(who),
            ParticipantRow.consent_share.is_(True),
        )
        participant_id = None
    if challenge_id is not None:
        query = query.where(OutcomeRow.challenge_id == challenge_id)
    if participant_id is not None:
        query = query.where(OutcomeRow.participant_id == participant_id)
    return paginate(
        session,
        query,
        [OutcomeRow.at.desc(), OutcomeRow.id.desc()],
        limit,
        offset,
        lambda row, pseudonym: outcome_out(row, pseudonym, who),
    )
