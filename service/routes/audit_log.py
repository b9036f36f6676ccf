"""Reading the audit log (nobody can change it through the API)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.deps import get_session, require_role
from service.operations.common import paginate
from service.schemas import AuditOut, Page
from service.security import Principal
from service.tables import AuditRow

router = APIRouter(prefix="/audit", tags=["audit"])
Reader = Annotated[Principal, Depends(require_role("admin", "analyst"))]


@router.get("", response_model=Page[AuditOut])
def read_log(
    who: Reader,
    session: Annotated[Session, Depends(get_session)],
    action: Annotated[str | None, Query(max_length=60)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[AuditOut]:
    """Audit rows, newest first, optionally for one action (e.g. ``shortlist``)."""
    query = select(AuditRow)
    if action:
        query = query.where(AuditRow.action == action)
    return paginate(
        session,
        query,
        [AuditRow.id.desc()],
        limit,
        offset,
        lambda r: AuditOut.model_validate(r, from_attributes=True),
    )
