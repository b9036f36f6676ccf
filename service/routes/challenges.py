"""Business Challenges, their shortlists, and releasing a trainee's contact."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.domain.records import BusinessChallenge, ChallengeIn
from matching.domain.results import ChallengeSuggestion
from service.deps import RowId, get_runtime, get_session, require_role
from service.errors import FieldError, query_error
from service.operations import challenges as challenge_ops
from service.operations import company_views as company_ops
from service.operations import overrides as override_ops
from service.operations.common import paginate
from service.oversight_schemas import OverrideIn, OverrideOut, ReviewedShortlist
from service.runtime import Runtime
from service.schemas import ChallengePatch, ChallengeText, ContactReleaseIn, Page
from service.security import Principal
from service.tables import ChallengeRow

router = APIRouter(prefix="/challenges", tags=["challenges"])
Caseworker = Annotated[Principal, Depends(require_role("caseworker"))]
Viewer = Annotated[Principal, Depends(require_role("caseworker", "company"))]
Db = Annotated[Session, Depends(get_session)]
Rt = Annotated[Runtime, Depends(get_runtime)]
BigId = Annotated[int | None, Query(ge=1, le=2_147_483_647)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=BusinessChallenge)
def create(body: ChallengeIn, who: Caseworker, session: Db, runtime: Rt) -> BusinessChallenge:
    return challenge_ops.challenge_out(
        challenge_ops.save_challenge(runtime, session, body, None, who)
    )


@router.get("", response_model=Page[BusinessChallenge])
def list_challenges(
    who: Viewer,
    session: Db,
    edition_id: BigId = None,
    company_id: BigId = None,
    niche: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[BusinessChallenge]:
    """Challenges; a company key lists (and counts) only its own."""
    query = select(ChallengeRow)
    if who.role == "company":
        query = query.where(ChallengeRow.company_id == who.company_id)
    if company_id is not None:
        query = query.where(ChallengeRow.company_id == company_id)
    if edition_id is not None:
        query = query.where(ChallengeRow.edition_id == edition_id)
    if niche:
        query = query.where(ChallengeRow.niche == niche)
    return paginate(session, query, [ChallengeRow.id], limit, offset, challenge_ops.challenge_out)


@router.post("/suggestions", response_model=ChallengeSuggestion)
def suggest(
    body: ChallengeText,
    who: Caseworker,
    runtime: Rt,
    language: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> ChallengeSuggestion:
    """A niche and ESCO essential and optional skills read from a challenge's free-text
    description, each skill marked with where it came from. Nothing is stored: confirm
    or edit it, then create or update the challenge."""
    return runtime.matcher.suggest_challenge(body.title, body.description, language)


@router.get("/{challenge_id}", response_model=BusinessChallenge)
def read(challenge_id: RowId, who: Viewer, session: Db) -> BusinessChallenge:
    return challenge_ops.challenge_out(challenge_ops.get_challenge(session, challenge_id, who))


@router.patch("/{challenge_id}", response_model=BusinessChallenge)
def update(
    challenge_id: RowId,
    body: ChallengePatch,
    who: Caseworker,  # type: ignore[valid-type]
    session: Db,
    runtime: Rt,
) -> BusinessChallenge:
    row = challenge_ops.get_challenge(session, challenge_id, who)
    merged = challenge_ops.merge_challenge(row, body.model_dump(exclude_unset=True))
    return challenge_ops.challenge_out(
        challenge_ops.save_challenge(runtime, session, merged, row, who)
    )


@router.get("/{challenge_id}/shortlist", response_model=ReviewedShortlist)
async def shortlist(
    challenge_id: RowId,
    who: Caseworker,
    runtime: Rt,
    k: Annotated[int, Query(description="How many candidates (up to MILMA_MAX_SHORTLIST_K)")] = 10,
    language: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> Response:
    """Ranked candidates from the challenge's edition with scores and reasons, and the
    caseworkers' corrections (pins, moves, exclusions) applied and shown."""
    try:
        runtime.matcher.rules.shortlist_k(k)
    except FieldError as exc:
        raise query_error(exc) from None
    # The busiest route. When the worker already holds what the answer needs, the
    # event loop makes it itself: a thread-pool hop would cost more than the work.
    # Otherwise (see service.without_waiting) one hop opens a session and computes the
    # shortlist and its JSON. Returning a model from a plain ``def`` with a session
    # dependency would add that dependency's set-up and tear-down, and a second hop
    # only to check a model the route has just built.
    body = challenge_ops.shortlist_json_without_waiting(runtime, challenge_id, k, who, language)
    if body is None:
        body = await run_in_threadpool(_shortlist_json, runtime, challenge_id, k, who, language)
    return Response(body, media_type="application/json")


def _shortlist_json(
    runtime: Runtime, challenge_id: int, k: int, who: Principal, language: str
) -> bytes:
    with runtime.sessions() as session:
        return challenge_ops.shortlist_json(runtime, session, challenge_id, k, who, language)


@router.post(
    "/{challenge_id}/overrides", status_code=status.HTTP_201_CREATED, response_model=OverrideOut
)
def add_override(
    challenge_id: RowId, body: OverrideIn, who: Caseworker, session: Db
) -> OverrideOut:
    """Pin, move or exclude a candidate with a reason; audited, shown to every caseworker
    who opens the shortlist, and (exclusions because the person says no or the match is
    wrong) a label for the next training."""
    challenge_ops.get_challenge(session, challenge_id, who)
    return override_ops.override_out(override_ops.add_override(session, challenge_id, body, who))


@router.get("/{challenge_id}/overrides", response_model=list[OverrideOut])
def list_overrides(challenge_id: RowId, who: Caseworker, session: Db) -> list[OverrideOut]:
    """The corrections in force on this challenge's shortlist, oldest first."""
    challenge_ops.get_challenge(session, challenge_id, who)
    return [
        override_ops.override_out(r) for r in override_ops.active_overrides(session, challenge_id)
    ]


@router.delete("/{challenge_id}/overrides/{override_id}", status_code=status.HTTP_204_NO_CONTENT)
def withdraw_override(
    challenge_id: RowId,
    override_id: RowId,
    who: Caseworker,
    session: Db,
) -> Response:
    """Withdraw a correction (it stays in the record, marked withdrawn)."""
    challenge_ops.get_challenge(session, challenge_id, who)
    override_ops.withdraw_override(session, challenge_id, override_id, who)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{challenge_id}/contact-releases", status_code=status.HTTP_201_CREATED)
def release_contact(
    challenge_id: RowId, body: ContactReleaseIn, who: Caseworker, session: Db
) -> dict:
    """Release a consenting trainee's name and contact to this challenge's company, once an
    interview is agreed (audited)."""
    challenge = challenge_ops.get_challenge(session, challenge_id, who)
    release = company_ops.release_contact(session, challenge, body.participant_id, who)
    return {
        "participant_id": release.participant_id,
        "company_id": release.company_id,
        "released_at": release.at.isoformat(),
    }
