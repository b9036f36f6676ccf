"""The team planner: propose an edition's teams with locks, then confirm them."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from service.errors import FieldError
from service.operations import teams as team_ops
from service.operations.common import get_edition
from service.schemas import TeamPlanRequest, TeamsConfirm
from service.tables import (
    ChallengeRow,
)
from service.web.i18n import pick_language
from service.web.rendering import (
    CaseworkerPage,
    Db,
    Rt,
    check_csrf,
    render,
)

router = APIRouter(include_in_schema=False)


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


@router.get("/app/editions/{edition_id}/planner")
def planner(
    request: Request, edition_id: int, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    row = get_edition(session, edition_id)
    return render(
        request,
        "planner.html",
        viewer,
        edition=row,
        plan=None,
        error=None,
        errors={},
        min_share=runtime.matcher.rules.composition.min_share,
        titles={},
    )


@router.post("/app/editions/{edition_id}/planner")
def run_planner(
    request: Request,
    edition_id: int,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    min_share: Annotated[str, Form(max_length=12)] = "",
    lock: Annotated[list[str] | None, Form()] = None,
) -> Response:
    check_csrf(viewer, csrf)
    row = get_edition(session, edition_id)
    errors: dict = {}
    share = runtime.matcher.rules.composition.min_share
    if min_share:
        try:
            share = float(min_share) / 100.0  # the form asks for a percentage
            if not 0 <= share <= 1:
                raise ValueError
        except ValueError:
            errors["min_share"] = "0–100"
    plan, error = None, None
    if not errors:
        try:
            body = TeamPlanRequest(min_migrant_share=share, locks=_locks(lock or []))
            plan = team_ops.propose(
                runtime, session, edition_id, body, viewer.principal, pick_language(request)
            )
        except FieldError as exc:
            error = exc.message
    titles = dict(
        session.execute(
            select(ChallengeRow.id, ChallengeRow.title).where(ChallengeRow.edition_id == edition_id)
        ).all()
    )
    return render(
        request,
        "planner.html",
        viewer,
        422 if (errors or error) else 200,
        edition=row,
        plan=plan,
        error=error,
        errors=errors,
        min_share=share,
        titles=titles,
    )


@router.post("/app/editions/{edition_id}/planner/confirm")
def confirm_plan(
    request: Request,
    edition_id: int,
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
        message = exc.message if isinstance(exc, FieldError) else str(exc)
        return render(
            request,
            "planner.html",
            viewer,
            422,
            edition=get_edition(session, edition_id),
            plan=None,
            error=message,
            errors={},
            min_share=runtime.matcher.rules.composition.min_share,
            titles={},
        )
    return RedirectResponse(f"/app/editions/{edition_id}", status_code=303)
