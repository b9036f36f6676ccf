"""Companies, and the trainees matched to a company's own challenges."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.domain.records import Company, CompanyIn
from service.deps import RowId, get_runtime, get_session, require_role
from service.errors import FieldError, query_error
from service.operations import company_views as company_ops
from service.operations import registry
from service.operations.common import paginate
from service.operations.registry import company_out, visible_company
from service.runtime import Runtime
from service.schemas import CompanyMatches, CompanyPatch, Page
from service.security import Principal
from service.tables import CompanyRow

router = APIRouter(prefix="/companies", tags=["companies"])
Manager = Annotated[Principal, Depends(require_role("caseworker", "admin"))]
Viewer = Annotated[Principal, Depends(require_role("caseworker", "admin", "company"))]
MatchViewer = Annotated[Principal, Depends(require_role("caseworker", "company"))]
Db = Annotated[Session, Depends(get_session)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Company)
def create(body: CompanyIn, who: Manager, session: Db) -> Company:
    return company_out(registry.create_company(session, body, who))


@router.get("", response_model=Page[Company])
def list_companies(
    who: Manager,
    session: Db,
    sector: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[Company]:
    query = select(CompanyRow)
    if sector:
        query = query.where(CompanyRow.sector == sector)
    return paginate(session, query, [CompanyRow.id], limit, offset, company_out)


@router.get("/{company_id}", response_model=Company)
def read(company_id: RowId, who: Viewer, session: Db) -> Company:
    """A company; a company key sees only its own."""
    return company_out(visible_company(session, company_id, who))


@router.patch("/{company_id}", response_model=Company)
def update(
    company_id: RowId,
    body: CompanyPatch,
    who: Manager,  # type: ignore[valid-type]
    session: Db,
) -> Company:
    patch = body.model_dump(exclude_unset=True)
    return company_out(registry.update_company(session, company_id, patch, who))


@router.get("/{company_id}/matches", response_model=CompanyMatches)
def matches(
    company_id: RowId,
    who: MatchViewer,
    session: Db,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    edition_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    k: Annotated[
        int,
        Query(
            le=50,
            description="Trainees per challenge (the programme's shortlist limit applies too)",
        ),
    ] = 10,
    language: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> CompanyMatches:
    """Matched trainees per challenge of the company: consenting trainees only, blind."""
    try:
        runtime.matcher.rules.shortlist_k(k)
    except FieldError as exc:
        raise query_error(exc) from None
    company = visible_company(session, company_id, who)
    return company_ops.company_matches(runtime, session, company, who, edition_id, k, language)
