"""A challenge read from its description: the caseworker asks for a suggested niche and
ESCO skills on the challenge page, then confirms or edits them here before saving."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from service.operations import challenges as challenge_ops
from service.web.i18n import pick_language
from service.web.rendering import CaseworkerPage, Db, Rt, check_csrf, render

router = APIRouter(include_in_schema=False)
CHOICES = ("essential", "optional", "leave")


@router.post("/app/challenges/{challenge_id}/suggestion")
def suggest(
    request: Request,
    challenge_id: int,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    check_csrf(viewer, csrf)
    row = challenge_ops.get_challenge(session, challenge_id, viewer.principal)
    lang = pick_language(request)
    catalogue = runtime.matcher.catalogue
    suggestion = runtime.matcher.suggest_challenge(title or row.title, description, lang)
    suggested = {s.uri for s in suggestion.essential_skills + suggestion.optional_skills}
    current = [
        {"uri": u, "label": catalogue.label(u, lang), "choice": kind}
        for kind, uris in (("essential", row.essential_skills), ("optional", row.optional_skills))
        for u in uris
        if u not in suggested and u in catalogue.skill_index
    ]
    return render(
        request,
        "challenge_suggestion.html",
        viewer,
        challenge=challenge_ops.challenge_out(row),
        suggestion=suggestion,
        current=current,
        niches=[(n.code, n.name[lang]) for n in catalogue.niches],
        errors={},
    )


@router.post("/app/challenges/{challenge_id}/skills")
async def save_skills(
    request: Request, challenge_id: int, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    """Save the confirmed niche and skills: each skill came with a choice of essential,
    optional or leave out."""
    form = await request.form()
    check_csrf(viewer, str(form.get("csrf", "")))
    row = challenge_ops.get_challenge(session, challenge_id, viewer.principal)
    chosen: dict[str, list[str]] = {"essential": [], "optional": []}
    for key, value in form.multi_items():
        if key.startswith("skill:") and value in chosen:
            chosen[value].append(key.removeprefix("skill:"))
    patch = {
        "niche": str(form.get("niche", row.niche)),
        "essential_skills": chosen["essential"],
        "optional_skills": chosen["optional"],
    }
    try:
        merged = challenge_ops.merge_challenge(row, patch)
    except RequestValidationError as exc:
        message = "; ".join(str(e["msg"]) for e in exc.errors())
        return render(request, "error.html", viewer, 422, title=message, text=message)
    challenge_ops.save_challenge(runtime, session, merged, row, viewer.principal)
    return RedirectResponse(f"/app/challenges/{challenge_id}?saved=1", status_code=303)
