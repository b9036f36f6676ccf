"""Business Challenges in the caseworker's pages: the list, a new challenge read from its
description (niche and skills suggested, then confirmed), editing, and a challenge's
shortlist with the outcome form on each candidate.

Forms become the API's ``ChallengeIn`` and go through the API's operations."""

from __future__ import annotations

import math
from typing import Annotated, get_args

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from matching.domain.catalogue import NICHE_CODES
from matching.domain.geography import PLACE_NAMES
from matching.domain.records import ChallengeIn
from matching.domain.vocabulary import CEFR_LEVELS, EVENTS, SCHEDULES
from service.controls import RecommendationsPausedError
from service.deps import RowId
from service.errors import FieldError, NotFoundError
from service.operations import challenges as challenge_ops
from service.operations.common import count
from service.oversight_schemas import OverrideReason
from service.runtime import Runtime
from service.schemas import OutcomeIn
from service.tables import (
    ChallengeRow,
    CompanyRow,
    EditionRow,
    OutcomeRow,
    ParticipantRow,
    TeamMemberRow,
    TeamRow,
)
from service.web import forms
from service.web.history import history
from service.web.i18n import N_, Words, request_words
from service.web.participant_pages import record_once
from service.web.rendering import CaseworkerPage, Db, Rt, Viewer, check_csrf, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
DEFAULT_K = 10
LABELS: dict[str, str] = {
    "company_id": N_("Company"),
    "edition_id": N_("Edition"),
    "title": N_("Title"),
    "description": N_("What the company needs, in its words"),
    "niche": N_("Niche"),
    "seats": N_("Seats"),
    "schedule": N_("Schedule"),
    "location": N_("Where"),
    "min_spanish": N_("Lowest Spanish level"),
    "remote": N_("Training online"),
}
BASIC_FIELDS = tuple(k for k in LABELS if k != "niche")
NOTICES = {
    "created": N_("The challenge is saved."),
    "saved": N_("Saved."),
    "already": N_(
        "That outcome was already recorded for this person and challenge; it was not stored again."
    ),
}


def _labels(w: Words) -> dict[str, str]:
    return {k: w.gettext(v) for k, v in LABELS.items()}


def _options(session: Session, runtime: Runtime, w: Words) -> dict:
    names = {n.code: n.name[w.language] for n in runtime.matcher.catalogue.niches}
    return {
        "company_id": session.execute(
            select(CompanyRow.id, CompanyRow.name).order_by(CompanyRow.name)
        ).all(),
        "edition_id": [
            (i, name or f"#{i}")
            for i, name in session.execute(
                select(EditionRow.id, EditionRow.name).order_by(EditionRow.id)
            ).all()
        ],
        "niche": [(c, names[c]) for c in NICHE_CODES],
        "schedule": [(c, w.label("schedule", c)) for c in SCHEDULES],
        "location": [(p, p) for p in PLACE_NAMES],
        "min_spanish": [(c, c) for c in CEFR_LEVELS],
    }


def _from_form(form: FormData) -> dict:
    return forms.without_empty(
        {
            "company_id": forms.number(form, "company_id"),
            "edition_id": forms.number(form, "edition_id"),
            "title": forms.text(form, "title"),
            "description": forms.text(form, "description"),
            "niche": forms.text(form, "niche") or None,
            "seats": forms.number(form, "seats"),
            "schedule": forms.text(form, "schedule") or None,
            "location": forms.text(form, "location") or None,
            "min_spanish": forms.text(form, "min_spanish") or None,
            "remote": forms.flag(form, "remote"),
        }
    )


# -------------------------------------------------------------------- the list
@router.get("/app/challenges")
def challenge_list(
    request: Request,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    edition: Annotated[str, Query(max_length=12)] = "",
    company: Annotated[str, Query(max_length=12)] = "",
    niche: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    w = request_words(request)
    query = select(ChallengeRow, CompanyRow.name).join(
        CompanyRow, CompanyRow.id == ChallengeRow.company_id
    )
    if edition.isdigit():
        query = query.where(ChallengeRow.edition_id == int(edition))
    if company.isdigit():
        query = query.where(ChallengeRow.company_id == int(company))
    if niche in NICHE_CODES:
        query = query.where(ChallengeRow.niche == niche)
    total = count(session, query)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(page, pages)
    rows = session.execute(
        query.order_by(ChallengeRow.edition_id.desc(), ChallengeRow.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    options = _options(session, runtime, w)
    teams = team_sizes(session, [c.id for c, _ in rows])
    return render(
        request,
        "challenges.html",
        viewer,
        challenges=[(c, name, teams.get(c.id)) for c, name in rows],
        total=total,
        page=page,
        pages=pages,
        filters={"edition": edition, "company": company, "niche": niche},
        options=options,
        niche_names=dict(options["niche"]),
        editions=dict(options["edition_id"]),
    )


def team_sizes(session: Session, challenge_ids: list[int]) -> dict[int, int]:
    """Members of each confirmed team, by challenge."""
    return dict(
        session.execute(
            select(TeamRow.challenge_id, func.count(TeamMemberRow.participant_id))
            .join(TeamMemberRow, TeamMemberRow.team_id == TeamRow.id)
            .where(TeamRow.challenge_id.in_(challenge_ids))
            .group_by(TeamRow.challenge_id)
        ).all()
    )


# -------------------------------------------------------------------- new and edit
def _form_page(request, viewer, session, runtime, values, errors, challenge=None, status=200):
    w = request_words(request)
    labels = _labels(w)
    return render(
        request,
        "challenge_form.html",
        viewer,
        status,
        challenge=challenge,
        values=values,
        errors=forms.labelled(errors, [*labels, "form"]),
        labels=labels,
        options=_options(session, runtime, w),
    )


@router.get("/app/challenges/new")
def new_challenge(
    request: Request,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    edition: Annotated[str, Query(max_length=12)] = "",
    company: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    defaults = {f: info.default for f, info in ChallengeIn.model_fields.items()}
    values = {**defaults, "edition_id": edition, "company_id": company, "title": ""}
    return _form_page(request, viewer, session, runtime, values, {})


@router.post("/app/challenges/new")
async def read_new_challenge(
    request: Request, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    """Step one: the company's words are read for a niche and skills, which the next
    page offers to confirm; nothing is stored yet."""
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    w = request_words(request)
    data = _from_form(form)
    suggestion = runtime.matcher.suggest_challenge(
        data.get("title", ""), data.get("description", ""), w.language
    )
    try:
        ChallengeIn.model_validate({**data, "niche": suggestion.niche or NICHE_CODES[0]})
    except ValidationError as exc:
        errors = forms.field_errors(exc, w)
        return _form_page(request, viewer, session, runtime, data, errors, None, 422)
    return _confirm_page(request, viewer, session, runtime, data, suggestion, [])


def _confirm_page(request, viewer, session, runtime, data, suggestion, current, status=200):
    w = request_words(request)
    options = _options(session, runtime, w)
    return render(
        request,
        "challenge_suggestion.html",
        viewer,
        status,
        challenge=None,
        basics={k: v for k, v in data.items() if k in BASIC_FIELDS},
        suggestion=suggestion,
        current=current,
        niches=options["niche"],
        chosen_niche=data.get("niche") or suggestion.niche,
        company=dict(options["company_id"]).get(data.get("company_id"), ""),
        edition=dict(options["edition_id"]).get(data.get("edition_id"), ""),
        action="/app/challenges/new/confirm",
        cancel="/app/challenges",
        errors={},
    )


def chosen_skills(form: FormData) -> dict[str, list[str]]:
    """The skills a confirmation form kept, by the choice made for each."""
    chosen: dict[str, list[str]] = {"essential": [], "optional": []}
    for key, value in form.multi_items():
        if key.startswith("skill:") and value in chosen:
            chosen[value].append(key.removeprefix("skill:"))
    return chosen


@router.post("/app/challenges/new/confirm")
async def create_challenge(
    request: Request, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    """Step two: the confirmed niche and skills, with the first step's fields, saved."""
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    w = request_words(request)
    chosen = chosen_skills(form)
    data = {
        **_from_form(form),
        "essential_skills": chosen["essential"],
        "optional_skills": chosen["optional"],
        "taught_skills": chosen["essential"] + chosen["optional"],
    }
    try:
        body = ChallengeIn.model_validate(data)
        row = challenge_ops.save_challenge(runtime, session, body, None, viewer.principal)
    except (ValidationError, FieldError) as exc:
        errors = forms.field_errors(exc, w)
        return _form_page(request, viewer, session, runtime, data, errors, None, 422)
    return RedirectResponse(f"/app/challenges/{row.id}?created=1", status_code=303)


@router.get("/app/challenges/{challenge_id}/edit")
def edit_challenge(
    request: Request, challenge_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    row = challenge_ops.get_challenge(session, challenge_id, viewer.principal)
    values = challenge_ops.challenge_fields(row)
    return _form_page(request, viewer, session, runtime, values, {}, row)


@router.post("/app/challenges/{challenge_id}/edit")
async def update_challenge(
    request: Request, challenge_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    row = challenge_ops.get_challenge(session, challenge_id, viewer.principal)
    patch = _from_form(form)
    try:
        merged = challenge_ops.merge_challenge(row, patch)
        challenge_ops.save_challenge(runtime, session, merged, row, viewer.principal)
    except (RequestValidationError, FieldError) as exc:
        session.rollback()
        errors = forms.field_errors(exc, request_words(request))
        values = {**challenge_ops.challenge_fields(row), **patch}
        return _form_page(request, viewer, session, runtime, values, errors, row, 422)
    return RedirectResponse(f"/app/challenges/{challenge_id}?saved=1", status_code=303)


# -------------------------------------------------------------------- the shortlist
def _people(session: Session, ids: list[int]) -> dict[int, ParticipantRow]:
    if not ids:
        return {}
    return {
        r.id: r for r in session.scalars(select(ParticipantRow).where(ParticipantRow.id.in_(ids)))
    }


def short_name(name: str) -> str:
    """First name and the initial of the rest ("Fatima E."): enough to tell people
    apart on a list, less than the whole name."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return f"{parts[0]} {parts[1][0]}."


def challenge_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    challenge_id: int,
    k_text: str | None,
    consent: bool,
    fairness: bool,
    errors: dict,
    notice: str | None,
    status: int = 200,
    typed: dict | None = None,
) -> Response:
    """The challenge and its shortlist; ``errors`` by form (a candidate's card, or
    ``form``), with what was ``typed`` in the form that failed, so it comes back filled."""
    challenge = challenge_ops.get_challenge(session, challenge_id, viewer.principal)
    w = request_words(request)
    rules = runtime.matcher.rules
    max_k = rules.max_shortlist_k
    k = min(DEFAULT_K, max_k)
    if k_text not in (None, ""):
        try:
            k = rules.shortlist_k(int(k_text) if k_text.strip().isdigit() else 0)
        except FieldError:
            errors["k"] = w.gettext("Choose a number from 1 to %(max)s.", max=max_k)
            status = 422
    try:
        result, paused = (
            challenge_ops.shortlist(
                runtime,
                session,
                challenge_id,
                k,
                viewer.principal,
                w.language,
                consent_only=consent,
                fairness=fairness,
            ),
            None,
        )
    except RecommendationsPausedError as exc:
        result, paused = None, exc.reason
    shown = [c.participant_id for c in result.candidates] if result else []
    people = _people(session, shown)
    members = [
        (pid, short_name(display_name))
        for pid, display_name in session.execute(
            select(ParticipantRow.id, ParticipantRow.display_name)
            .join(TeamMemberRow, TeamMemberRow.participant_id == ParticipantRow.id)
            .join(TeamRow, TeamRow.id == TeamMemberRow.team_id)
            .where(TeamRow.challenge_id == challenge_id)
            .order_by(ParticipantRow.display_name, ParticipantRow.id)
        )
    ]
    # what is already on record for this challenge about each person shown, latest last
    latest = {
        pid: (event, at)
        for pid, event, at in session.execute(
            select(OutcomeRow.participant_id, OutcomeRow.event, OutcomeRow.at)
            .where(OutcomeRow.challenge_id == challenge_id, OutcomeRow.participant_id.in_(shown))
            .order_by(OutcomeRow.at, OutcomeRow.id)
        )
    }
    company = session.get(CompanyRow, challenge.company_id)
    edition = session.get(EditionRow, challenge.edition_id)
    return render(
        request,
        "challenge.html",
        viewer,
        status,
        challenge=challenge_ops.challenge_out(challenge),
        company=company.name if company else "",
        edition=edition,
        shortlist=result,
        people={i: (short_name(p.display_name), p) for i, p in people.items()},
        latest=latest,
        members=members,
        typed=typed or {},
        paused=paused,
        k=k,
        max_k=max_k,
        niche=runtime.matcher.catalogue.niche(challenge.niche).name[w.language],
        consent=consent,
        fairness=fairness,
        errors=errors,
        notice=notice,
        events=EVENTS,
        history=history(session, challenge_id=challenge_id),
        override_actions=("pin", "move", "exclude"),
        override_reasons=get_args(OverrideReason),
        team=len(members) or None,
    )


@router.get("/app/challenges/{challenge_id}")
def challenge(
    request: Request,
    challenge_id: RowId,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    k: Annotated[str | None, Query(max_length=12)] = None,
    consent: str | None = None,
    fairness: str | None = None,
    filtered: str | None = None,
    created: str | None = None,
    saved: str | None = None,
    already: str | None = None,
) -> Response:
    w = request_words(request)
    use_fairness = bool(fairness) if filtered else runtime.matcher.fairness_rerank
    asked = {"created": created, "saved": saved, "already": already}
    notice = next((w.gettext(NOTICES[key]) for key, v in asked.items() if v), None)
    return challenge_page(
        request, viewer, session, runtime, challenge_id, k, bool(consent), use_fairness, {}, notice
    )


def challenge_form_error(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    challenge_id: int,
    key: int | str,
    exc: Exception,
    typed: dict | None = None,
) -> Response:
    """The challenge page again (422), with a form's error beside the candidate ``key``
    and what was ``typed`` in it."""
    found = forms.field_errors(exc, request_words(request))
    message = next(iter(found.values()))
    fairness = runtime.matcher.fairness_rerank
    return challenge_page(
        request,
        viewer,
        session,
        runtime,
        challenge_id,
        None,
        False,
        fairness,
        {key: message},
        None,
        422,
        typed,
    )


@router.post("/app/challenges/{challenge_id}/outcomes")
async def record_outcome(
    request: Request, challenge_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    """An outcome from a candidate's card; the page comes back at that card."""
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    person = forms.number(form, "participant_id")
    try:
        body = OutcomeIn(
            challenge_id=challenge_id,
            participant_id=person if isinstance(person, int) else 0,
            event=forms.text(form, "event"),
            reason=forms.text(form, "reason"),
        )
        created = record_once(runtime, session, body, viewer)
    except (ValidationError, FieldError, NotFoundError) as exc:
        key = person if isinstance(person, int) else "form"
        return challenge_form_error(request, viewer, session, runtime, challenge_id, key, exc)
    said = "saved" if created else "already"
    return RedirectResponse(f"/app/challenges/{challenge_id}?{said}=1#p-{person}", status_code=303)
