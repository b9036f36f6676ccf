"""The team planner: propose an edition's teams with locks, then confirm them."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.controls import RecommendationsPausedError
from service.deps import RowId
from service.errors import FieldError
from service.operations import teams as team_ops
from service.operations.common import get_edition
from service.schemas import TeamPlanRequest, TeamsConfirm
from service.tables import ChallengeRow, ParticipantRow
from service.web import forms
from service.web.challenge_pages import short_name
from service.web.i18n import N_, request_words
from service.web.rendering import CaseworkerPage, Db, Rt, Viewer, check_csrf, render

router = APIRouter(include_in_schema=False)
BAD_SHARE = N_("Give a share between 0 and 100 %%.")


def _locks(values: list[str]) -> list[dict]:
    locks = []
    for value in values:
        match = re.fullmatch(r"(\d{1,9}):(\d{1,9})", value)
        if match:
            locks.append(
                {
                    "participant_id": int(match.group(1)),
                    "challenge_id": int(match.group(2)),
                    "join": True,
                }
            )
    return locks


def _planner_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    edition_id: int,
    min_share: float,
    plan=None,
    error: str | None = None,
    errors: dict | None = None,
    paused: str | None = None,
    status: int = 200,
) -> Response:
    row = get_edition(session, edition_id)
    titles = dict(
        session.execute(
            select(ChallengeRow.id, ChallengeRow.title).where(ChallengeRow.edition_id == edition_id)
        ).all()
    )
    names = {}
    if plan is not None:
        ids = [m.participant_id for t in plan.teams for m in t.members] + list(plan.unassigned)
        names = {
            i: short_name(n)
            for i, n in session.execute(
                select(ParticipantRow.id, ParticipantRow.display_name).where(
                    ParticipantRow.id.in_(ids)
                )
            ).all()
        }
    return render(
        request,
        "planner.html",
        viewer,
        status,
        edition=row,
        plan=plan,
        error=error,
        errors=errors or {},
        paused=paused,
        min_share=min_share,
        titles=titles,
        names=names,
    )


@router.get("/app/editions/{edition_id}/planner")
def planner(
    request: Request, edition_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    share = runtime.matcher.rules.composition.min_share
    return _planner_page(request, viewer, session, edition_id, share)


@router.post("/app/editions/{edition_id}/planner")
def run_planner(
    request: Request,
    edition_id: RowId,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    min_share: Annotated[str, Form(max_length=12)] = "",
    lock: Annotated[list[str] | None, Form()] = None,
) -> Response:
    check_csrf(viewer, csrf)
    get_edition(session, edition_id)
    w = request_words(request)
    share = runtime.matcher.rules.composition.min_share
    try:
        if min_share:  # a percentage; left out, the programme's rule
            share = float(min_share.replace(",", ".")) / 100.0
        body = TeamPlanRequest(min_migrant_share=share, locks=_locks(lock or []))
    except (ValueError, ValidationError):
        errors = {"min_share": w.gettext(BAD_SHARE)}
        return _planner_page(
            request,
            viewer,
            session,
            edition_id,
            runtime.matcher.rules.composition.min_share,
            errors=errors,
            status=422,
        )
    if not session.scalar(select(ChallengeRow.id).where(ChallengeRow.edition_id == edition_id)):
        # nothing to plan: the page says so and links to the first challenge
        return _planner_page(request, viewer, session, edition_id, share, status=422)
    try:
        plan = team_ops.propose(runtime, session, edition_id, body, viewer.principal, w.language)
    except FieldError as exc:
        error = next(iter(forms.field_errors(exc, w).values()))
        return _planner_page(request, viewer, session, edition_id, share, error=error, status=422)
    except RecommendationsPausedError as exc:
        return _planner_page(request, viewer, session, edition_id, share, paused=exc.reason)
    return _planner_page(request, viewer, session, edition_id, share, plan=plan)


@router.post("/app/editions/{edition_id}/planner/confirm")
def confirm_plan(
    request: Request,
    edition_id: RowId,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    min_share: Annotated[str, Form(max_length=12)] = "",
    team: Annotated[list[str] | None, Form()] = None,
) -> Response:
    check_csrf(viewer, csrf)
    get_edition(session, edition_id)
    try:
        teams = []
        for value in team or []:
            cid, _, members = value.partition(":")
            teams.append(
                {"challenge_id": int(cid), "members": [int(m) for m in members.split(",") if m]}
            )
        body = TeamsConfirm(teams=teams, min_migrant_share=float(min_share) if min_share else None)
        team_ops.confirm(runtime, session, edition_id, body, viewer.principal)
    except (ValueError, ValidationError, FieldError) as exc:
        message = next(iter(forms.field_errors(exc, request_words(request)).values()))
        share = runtime.matcher.rules.composition.min_share
        return _planner_page(request, viewer, session, edition_id, share, error=message, status=422)
    return RedirectResponse(f"/app/editions/{edition_id}?saved=1", status_code=303)
