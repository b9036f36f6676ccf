"""Liveness and readiness (public: no personal data)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from service.deps import get_runtime
from service.runtime import Runtime

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict:
    """The process is up."""
    return {"status": "ok"}


@router.get("/ready")
def ready(runtime: Runtime = Depends(get_runtime)) -> JSONResponse:
    """The database answers and the index matches the participant records."""
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = True
    except Exception:  # any driver error means not ready
        database = False
    status = runtime.matcher.status()
    vectors = runtime.matcher.index.reachable()
    ok = database and vectors and status["indexed_participants"] == status["pool_participants"]
    body = {
        "ready": ok,
        "database": database,
        "vector_store": vectors,
        "index": status["index_version"],
        "indexed_participants": status["indexed_participants"],
        "feed_version": runtime.feed.applied,
    }
    return JSONResponse(body, status_code=200 if ok else 503)
