"""The outcomes recorded in an edition, for the caseworker: what happened to whom, in
which challenge, newest first."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from matching.domain.vocabulary import EVENTS
from service.tables import ChallengeRow, EditionRow
from service.web.history import history, history_size
from service.web.rendering import CaseworkerPage, Db, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/app/outcomes")
def outcomes(
    request: Request,
    viewer: CaseworkerPage,
    session: Db,
    edition: Annotated[str, Query(max_length=12)] = "",
    challenge: Annotated[str, Query(max_length=12)] = "",
    event: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """One edition's outcomes (the latest edition unless another is chosen)."""
    editions = session.execute(select(EditionRow.id, EditionRow.name).order_by(EditionRow.id)).all()
    latest = session.scalar(select(func.max(EditionRow.id)))
    edition_id = int(edition) if edition.isdigit() else latest
    challenges = session.execute(
        select(ChallengeRow.id, ChallengeRow.title)
        .where(ChallengeRow.edition_id == edition_id)
        .order_by(ChallengeRow.id)
    ).all()
    where = {
        "edition_id": edition_id,
        "challenge_id": int(challenge) if challenge.isdigit() else None,
        "event": event if event in EVENTS else None,
    }
    total = history_size(session, **where)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(page, pages)
    return render(
        request,
        "outcomes.html",
        viewer,
        history=history(session, PAGE_SIZE, (page - 1) * PAGE_SIZE, **where),
        total=total,
        page=page,
        pages=pages,
        filters={"edition": str(edition_id or ""), "challenge": challenge, "event": event},
        editions=[(i, name or f"#{i}") for i, name in editions],
        challenges=challenges,
        events=EVENTS,
    )
