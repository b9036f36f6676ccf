"""A challenge read from its description: the caseworker asks for a suggested niche and
ESCO skills on the challenge page, then confirms or edits them here before saving."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from service.deps import RowId
from service.errors import FieldError
from service.operations import challenges as challenge_ops
from service.web import forms
from service.web.challenge_pages import challenge_form_error, chosen_skills
from service.web.i18n import request_words
from service.web.rendering import CaseworkerPage, Db, Rt, check_csrf, render

router = APIRouter(include_in_schema=False)


@router.post("/app/challenges/{challenge_id}/suggestion")
def suggest(
    request: Request,
    challenge_id: RowId,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    check_csrf(viewer, csrf)
    row = challenge_ops.get_challenge(session, challenge_id, viewer.principal)
    lang = request_words(request).language
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
        basics=None,
        suggestion=suggestion,
        current=current,
        niches=[(n.code, n.name[lang]) for n in catalogue.niches],
        chosen_niche=suggestion.niche or row.niche,
        action=f"/app/challenges/{challenge_id}/skills",
        cancel=f"/app/challenges/{challenge_id}",
        errors={},
    )


def _choices_cover(form: FormData, kept: list[str]) -> None:
    """The confirmation form asks essential, optional or leave out for every skill the
    challenge has; a post that answers for none of them would silently leave it with
    none."""
    answered = {key.removeprefix("skill:") for key in form if key.startswith("skill:")}
    if kept and not answered & set(kept):
        raise FieldError("essential_skills", "no choice for any of the challenge's skills")


@router.post("/app/challenges/{challenge_id}/skills")
async def save_skills(
    request: Request, challenge_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    """Save the confirmed niche and skills: each skill came with a choice of essential,
    optional or leave out."""
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    row = challenge_ops.get_challenge(session, challenge_id, viewer.principal)
    chosen = chosen_skills(form)
    patch = {
        "niche": forms.text(form, "niche") or row.niche,
        "essential_skills": chosen["essential"],
        "optional_skills": chosen["optional"],
    }
    try:
        _choices_cover(form, row.essential_skills + row.optional_skills)
        merged = challenge_ops.merge_challenge(row, patch)
    except (RequestValidationError, FieldError) as exc:
        return challenge_form_error(request, viewer, session, runtime, challenge_id, "form", exc)
    challenge_ops.save_challenge(runtime, session, merged, row, viewer.principal)
    return RedirectResponse(f"/app/challenges/{challenge_id}?saved=1", status_code=303)
