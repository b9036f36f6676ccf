"""Administration: engine status, retraining, re-indexing and API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audit
from service.controls import read_controls, set_controls
from service.deps import RowId, get_runtime, get_session, require_role
from service.errors import FieldError
from service.operations import keys as key_ops
from service.operations.common import paginate
from service.oversight_schemas import ControlsIn, ControlsOut
from service.runtime import Runtime, reindex, retrain, serving_version
from service.schemas import KeyCreated, KeyIn, KeyOut, Page, Status
from service.security import Principal
from service.tables import ApiKeyRow

router = APIRouter(prefix="/admin", tags=["admin"])
Admin = Annotated[Principal, Depends(require_role("admin"))]
Operator = Annotated[Principal, Depends(require_role("admin", "analyst"))]
Db = Annotated[Session, Depends(get_session)]
Rt = Annotated[Runtime, Depends(get_runtime)]


def key_out(row: ApiKeyRow) -> KeyOut:
    return KeyOut(
        id=row.id,
        role=row.role,
        company_id=row.company_id,
        label=row.label,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


@router.get("/status", response_model=Status)
def engine_status(who: Operator, runtime: Rt) -> Status:
    """Model and index versions and sizes."""
    return Status(**runtime.matcher.status(), feed_version=runtime.feed.applied)


@router.get("/controls", response_model=ControlsOut)
def read_switch(who: Operator, session: Db) -> ControlsOut:
    """The stop switch as it stands."""
    return ControlsOut(**vars(read_controls(session)))


@router.put("/controls", response_model=ControlsOut)
def turn_switch(body: ControlsIn, who: Admin, session: Db, runtime: Rt) -> ControlsOut:
    """Switch the learned ranker off or on, or pause recommendations; audited, and
    obeyed by every worker from its next request."""
    controls = set_controls(session, runtime, who, body.mode, body.reason.strip())
    return ControlsOut(**vars(controls))


@router.post("/retrain")
def retrain_ranker(who: Operator, session: Db, runtime: Rt) -> dict:
    """Train the ranker on all recorded outcomes; it serves if the promotion gate lets
    it (``promotion``: the decision, its reason and figures)."""
    try:
        result = retrain(runtime)
    except ValueError as exc:
        raise FieldError("outcomes", str(exc)) from None
    version = serving_version(runtime)
    audit.record(session, who, "admin.retrain", model_version=version)
    return {
        "model_version": version,
        "promotion": result.metrics["promotion"],
        "metrics": result.metrics,
    }


@router.post("/reindex")
def rebuild_index(who: Admin, session: Db, runtime: Rt) -> dict:
    """Rebuild the participant index from the database."""
    report = reindex(runtime)
    audit.record(session, who, "admin.reindex", index_version=runtime.matcher.index.version)
    return {"index_version": runtime.matcher.index.version, "participants": report.added}


@router.post("/keys", status_code=status.HTTP_201_CREATED, response_model=KeyCreated)
def new_key(body: KeyIn, who: Admin, session: Db) -> KeyCreated:
    """Create an API key; the key is in this response only."""
    key, row = key_ops.new_key(session, body, who)
    return KeyCreated(**key_out(row).model_dump(), key=key)


@router.get("/keys", response_model=Page[KeyOut])
def list_keys(
    who: Admin,
    session: Db,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[KeyOut]:
    return paginate(session, select(ApiKeyRow), [ApiKeyRow.id], limit, offset, key_out)


@router.delete("/keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_key(key_id: RowId, who: Admin, session: Db, runtime: Rt) -> Response:
    """Revoke a key: it stops working at once in this worker, and within the change
    feed's poll interval in any other."""
    key_ops.withdraw_key(runtime, session, key_id, who)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
