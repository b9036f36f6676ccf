"""Caseworkers' corrections of a shortlist from the challenge page: pin, move or
exclude a candidate with a reason, and withdraw a correction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.deps import RowId
from service.errors import FieldError, NotFoundError
from service.operations import challenges as challenge_ops
from service.operations import overrides as override_ops
from service.oversight_schemas import OverrideIn
from service.web.challenge_pages import challenge_form_error
from service.web.rendering import CaseworkerPage, Db, Rt, check_csrf

router = APIRouter(include_in_schema=False)


@router.post("/app/challenges/{challenge_id}/overrides")
def add_override(
    request: Request,
    challenge_id: RowId,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    participant_id: Annotated[str, Form(max_length=12)] = "",
    action: Annotated[str, Form(max_length=10)] = "",
    position: Annotated[str, Form(max_length=4)] = "",
    reason: Annotated[str, Form(max_length=30)] = "",
    note: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Pin, move or exclude a candidate from the challenge page (as the API does)."""
    check_csrf(viewer, csrf)
    challenge_ops.get_challenge(session, challenge_id, viewer.principal)
    try:
        body = OverrideIn(
            participant_id=int(participant_id),
            action=action,
            position=int(position) if action == "move" and position.isdigit() else None,
            reason=reason,
            note=note,
        )
        override_ops.add_override(session, challenge_id, body, viewer.principal)
    except (ValueError, ValidationError, NotFoundError, FieldError) as exc:
        key = f"o{participant_id}" if participant_id.isdigit() else "form"
        typed = {"action": action, "position": position, "reason": reason, "note": note}
        return challenge_form_error(
            request, viewer, session, runtime, challenge_id, key, exc, typed
        )
    return RedirectResponse(f"/app/challenges/{challenge_id}?saved=1", status_code=303)


@router.post("/app/challenges/{challenge_id}/overrides/{override_id}/withdraw")
def withdraw_override(
    challenge_id: RowId,
    override_id: RowId,
    viewer: CaseworkerPage,
    session: Db,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(viewer, csrf)
    challenge_ops.get_challenge(session, challenge_id, viewer.principal)
    override_ops.withdraw_override(session, challenge_id, override_id, viewer.principal)
    return RedirectResponse(f"/app/challenges/{challenge_id}?saved=1", status_code=303)
