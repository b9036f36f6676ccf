"""Editions (BC Lab rounds)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.domain.records import Edition, EditionIn
from matching.domain.results import TeamPlan
from service.deps import RowId, get_runtime, get_session, require_role
from service.operations import registry
from service.operations import teams as team_ops
from service.operations.common import get_edition, paginate
from service.operations.registry import edition_out
from service.runtime import Runtime
from service.schemas import ConfirmedTeam, EditionPatch, Page, TeamPlanRequest, TeamsConfirm
from service.security import Principal
from service.tables import EditionRow

router = APIRouter(prefix="/editions", tags=["editions"])
Caseworker = Annotated[Principal, Depends(require_role("caseworker"))]
Reader = Annotated[Principal, Depends(require_role("caseworker", "admin", "analyst"))]
Db = Annotated[Session, Depends(get_session)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Edition)
def create(body: EditionIn, who: Caseworker, session: Db) -> Edition:
    return edition_out(registry.create_edition(session, body, who))


@router.get("", response_model=Page[Edition])
def list_editions(
    who: Reader,
    session: Db,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[Edition]:
    query = select(EditionRow)
    return paginate(session, query, [EditionRow.id], limit, offset, edition_out)


@router.get("/{edition_id}", response_model=Edition)
def read(edition_id: RowId, who: Reader, session: Db) -> Edition:
    return edition_out(get_edition(session, edition_id))


@router.patch("/{edition_id}", response_model=Edition)
def update(
    edition_id: RowId,
    body: EditionPatch,
    who: Caseworker,  # type: ignore[valid-type]
    session: Db,
) -> Edition:
    patch = body.model_dump(exclude_unset=True)
    return edition_out(registry.update_edition(session, edition_id, patch, who))


@router.post("/{edition_id}/team-plan", response_model=TeamPlan)
def team_plan(
    edition_id: RowId,
    body: TeamPlanRequest,
    who: Caseworker,
    session: Db,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    language: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> TeamPlan:
    """Propose Experimental Teams for the edition (optimal; stores nothing, audited).
    Infeasible requests get a 422 naming the constraint that cannot be met."""
    get_edition(session, edition_id)
    return team_ops.propose(runtime, session, edition_id, body, who, language)


@router.put("/{edition_id}/teams", response_model=list[ConfirmedTeam])
def confirm_teams(
    edition_id: RowId,
    body: TeamsConfirm,
    who: Caseworker,
    session: Db,
    runtime: Annotated[Runtime, Depends(get_runtime)],
) -> list[ConfirmedTeam]:
    """Confirm a plan, possibly edited: seats and the programme's composition rule are
    checked as the planner checks them (migrants counted against the team's seats)."""
    get_edition(session, edition_id)
    return team_ops.confirm(runtime, session, edition_id, body, who)


@router.get("/{edition_id}/teams", response_model=list[ConfirmedTeam])
def read_teams(edition_id: RowId, who: Caseworker, session: Db) -> list[ConfirmedTeam]:
    get_edition(session, edition_id)
    return team_ops.confirmed_teams(session, edition_id)
