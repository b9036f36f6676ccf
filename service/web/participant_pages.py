"""The caseworker's participant registry: find, register (from typed text or a CV file),
edit, change consent and sensitive data, record outcomes, and erase a person.

Every form becomes the API's own input model and goes through the API's operations, so
the rules, the audit rows and the index updates are the same; errors come back next to
their field in the page's language."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile  # what request.form() gives (not fastapi's)

from matching.domain.catalogue import NICHE_CODES
from matching.domain.geography import PLACE_NAMES
from matching.domain.records import PROFILE_TEXT_MAX, SensitiveAttributes
from matching.domain.results import Placements
from matching.domain.vocabulary import EVENTS
from service.controls import RecommendationsPausedError, recommending
from service.cv_files import CvFileError, cv_text
from service.deps import RowId
from service.errors import FieldError, NotFoundError
from service.operations import outcomes as outcome_ops
from service.operations import participants as participant_ops
from service.operations import placements as placement_ops
from service.operations.common import count
from service.operations.participant_search import STATUSES, ParticipantQuery, participant_query
from service.runtime import Runtime
from service.schemas import OutcomeIn, ParticipantCreate
from service.tables import ChallengeRow, EditionRow, ParticipantRow
from service.web import forms
from service.web import participant_form as pform
from service.web.history import history
from service.web.i18n import N_, Words, request_words
from service.web.rendering import (
    BAD_REQUEST,
    CaseworkerPage,
    Db,
    Rt,
    Viewer,
    check_csrf,
    error_page,
    render,
)

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
NAME_MISMATCH = N_("Type the person's name exactly as shown to confirm.")


def _editions(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(select(EditionRow.id, EditionRow.name).order_by(EditionRow.id))
    return [(i, name or f"#{i}") for i, name in rows.all()]


def _niche_names(runtime: Runtime, w: Words) -> dict[str, str]:
    return {n.code: n.name[w.language] for n in runtime.matcher.catalogue.niches}


@router.get("/app/participants")
def participant_list(
    request: Request,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    q: Annotated[str, Query(max_length=100)] = "",
    edition: Annotated[str, Query(max_length=12)] = "",
    niche: Annotated[str, Query(max_length=40)] = "",
    consent: Annotated[str, Query(max_length=5)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    erased: Annotated[str, Query(max_length=5)] = "",
) -> Response:
    """Everyone registered, found by words and filters, a page at a time."""
    w = request_words(request)
    find = ParticipantQuery(
        words=q,
        edition_id=int(edition) if edition.isdigit() else None,
        niche=niche if niche in NICHE_CODES else None,
        consent={"yes": True, "no": False}.get(consent),
        status=status if status in STATUSES else None,  # type: ignore[arg-type]
    )
    query = participant_query(find)
    total = count(session, query)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(page, pages)
    rows = session.scalars(
        query.order_by(ParticipantRow.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    niche_names = _niche_names(runtime, w)
    return render(
        request,
        "participants.html",
        viewer,
        people=[_listed(row, niche_names) for row in rows],
        total=total,
        page=page,
        pages=pages,
        filters={"q": q, "edition": edition, "niche": niche, "consent": consent, "status": status},
        editions=_editions(session),
        niche_names=niche_names,
        statuses=STATUSES,
        notice=w.gettext("The person's record has been erased.") if erased else None,
    )


def _listed(row: ParticipantRow, niche_names: dict[str, str]) -> dict:
    """What a list row says of a person: enough to tell people apart without a click."""
    return {
        "row": row,
        "worked": [
            (niche_names.get(e["niche"], ""), e["years"])
            for e in row.experience
            if e["niche"] in niche_names
        ],
        "likes": [niche_names[n] for n in row.niche_preferences if n in niche_names],
    }


def _form_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    values: dict,
    errors: dict,
    person: ParticipantRow | None,
    status: int = 200,
) -> Response:
    w = request_words(request)
    names = pform.labels(w)
    errors = forms.labelled(errors, [*names, "form"])
    return render(
        request,
        "participant_form.html",
        viewer,
        status,
        person=person,
        values=values,
        errors=errors,
        labels=names,
        editions=_editions(session),
        options=pform.choices(w, _niche_names(runtime, w), list(PLACE_NAMES)),
        language_rows=pform.LANGUAGE_ROWS,
        experience_rows=pform.EXPERIENCE_ROWS,
        cv_mb=w.number(runtime.settings.max_cv_bytes / 1e6),
        min_share=w.percent(runtime.matcher.rules.composition.min_share),
    )


@router.get("/app/participants/new")
def new_participant(
    request: Request,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    edition: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    defaults = ParticipantCreate.model_construct()
    values = {name: getattr(defaults, name, "") for name in pform.PROFILE_FIELDS}
    # people join the edition being recruited for, the newest, unless a page asked
    newest = session.scalar(
        select(EditionRow.id).order_by(EditionRow.start_date.desc(), EditionRow.id.desc())
    )
    values.update(edition_id=edition or newest or "", skills_text="", induction="", migrant="")
    return _form_page(request, viewer, session, runtime, values, {}, None)


@router.post("/app/participants/new")
async def create_participant(
    request: Request, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    """Register a person from the form, with the text of a CV file if one is given: the
    CV is read first, so a file that cannot be read stores nothing."""
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    w = request_words(request)
    data = pform.profile_from_form(form)
    errors: dict[str, str] = {}
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        limit = runtime.settings.max_cv_bytes
        try:
            read = await run_in_threadpool(cv_text, await upload.read(limit + 1), limit)
            typed = data.get("profile_text", "")
            data["profile_text"] = f"{typed}\n\n{read.text}".strip()[:PROFILE_TEXT_MAX]
        except CvFileError as exc:
            coded = FieldError("file", str(exc), exc.reason)
            errors["file"] = forms.field_errors(coded, w)["file"]
    try:
        body = ParticipantCreate.model_validate(
            {**data, "sensitive": pform.sensitive_from_form(form)}
        )
    except ValidationError as exc:
        errors = {**forms.field_errors(exc, w), **errors}
    if errors:
        values = {**pform.form_values(form), **pform.sensitive_values(form)}
        return _form_page(request, viewer, session, runtime, values, errors, None, 422)
    try:
        row = participant_ops.create_participant(runtime, session, body, viewer.principal)
    except (FieldError, RequestValidationError) as exc:
        values = {**pform.form_values(form), **pform.sensitive_values(form)}
        errors = forms.field_errors(exc, w)
        return _form_page(request, viewer, session, runtime, values, errors, None, 422)
    return RedirectResponse(f"/app/participants/{row.id}?created=1", status_code=303)


@router.get("/app/participants/{participant_id}/edit")
def edit_participant(
    request: Request, participant_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    row = participant_ops.get_participant(session, participant_id)
    return _form_page(request, viewer, session, runtime, pform.values_of(row), {}, row)


@router.post("/app/participants/{participant_id}/edit")
async def update_participant(
    request: Request, participant_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    row = participant_ops.get_participant(session, participant_id)
    patch = pform.profile_from_form(form)
    if patch.get("consent_share") == row.consent_share:
        patch.pop("consent_version", None)  # consent unchanged: its version stays
    try:
        participant_ops.update_participant(
            runtime, session, participant_id, patch, viewer.principal
        )
    except (FieldError, RequestValidationError, ValidationError) as exc:
        session.rollback()
        errors = forms.field_errors(exc, request_words(request))
        return _form_page(
            request, viewer, session, runtime, pform.form_values(form), errors, row, 422
        )
    return RedirectResponse(f"/app/participants/{participant_id}?saved=1", status_code=303)


def participant_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    participant_id: int,
    errors: dict,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    """A person's record, what was read in their text, their niches, outcomes and the
    actions a caseworker may take."""
    row = participant_ops.get_participant(session, participant_id)
    w = request_words(request)
    skills = runtime.matcher.participant_skills(participant_id, w.language)
    try:
        recommending(session, runtime)
        niches, paused = runtime.matcher.niches(participant_id, w.language, row.profile_text), None
    except RecommendationsPausedError as exc:
        niches, paused = None, exc.reason
    try:
        placements, placements_paused = (
            placement_ops.placements(
                runtime, session, participant_id, 5, viewer.principal, w.language
            ),
            None,
        )
    except RecommendationsPausedError as exc:
        placements, placements_paused = None, exc.reason
    challenges = session.execute(
        select(ChallengeRow.id, ChallengeRow.title)
        .where(ChallengeRow.edition_id == row.edition_id)
        .order_by(ChallengeRow.id)
    ).all()
    return render(
        request,
        "participant.html",
        viewer,
        status,
        person=participant_ops.participant_out(row),
        edition_name=dict(_editions(session)).get(row.edition_id, ""),
        skills=skills,
        own_words=list(row.skills_text),
        concepts=runtime.matcher.text_concepts(row.profile_text, w.language),
        niche_names=_niche_names(runtime, w),
        niches=niches,
        paused=paused,
        placements=placements,
        placements_paused=placements_paused,
        placement_titles=_titles(placements),
        history=history(session, participant_id=participant_id),
        challenges=challenges,
        events=EVENTS,
        errors=errors,
        notice=notice,
        cv_mb=w.number(runtime.settings.max_cv_bytes / 1e6),
    )


def _titles(placements: Placements | None) -> list[str]:
    """The challenge titles the placements' sentences may quote."""
    if placements is None:
        return []
    titles = [p.title for p in placements.placements]
    return [*titles, placements.plan.title] if placements.plan and placements.plan.title else titles


NOTICES = {
    "created": N_("The person is registered."),
    "saved": N_("Saved."),
    "cv": N_("The CV was read into the profile text."),
    "consent": N_("Consent recorded."),
    "outcome": N_("The outcome is recorded."),
    "already": N_(
        "That outcome was already recorded for this person and challenge; it was not stored again."
    ),
}


@router.get("/app/participants/{participant_id}")
def participant(
    request: Request,
    participant_id: RowId,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    created: str | None = None,
    saved: str | None = None,
    cv: str | None = None,
    consent: str | None = None,
    outcome: str | None = None,
    already: str | None = None,
) -> Response:
    w = request_words(request)
    asked = {"created": created, "saved": saved, "cv": cv, "consent": consent}
    asked.update(outcome=outcome, already=already)
    notice = next((w.gettext(NOTICES[k]) for k, v in asked.items() if v), None)
    return participant_page(request, viewer, session, runtime, participant_id, {}, notice)


@router.post("/app/participants/{participant_id}/cv")
async def upload_cv(
    request: Request, participant_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    """A CV file from the participant page: its text joins the profile text."""
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    upload = form.get("file")
    try:  # the API's path: the record checked first, the file read within its budgets
        await run_in_threadpool(
            participant_ops.add_cv_file,
            runtime,
            session,
            participant_id,
            upload.file if isinstance(upload, UploadFile) else None,
            forms.flag(form, "replace"),
            viewer.principal,
        )
    except FieldError as exc:
        errors = {"cv": forms.field_errors(exc, request_words(request))[exc.field]}
        return participant_page(
            request, viewer, session, runtime, participant_id, errors, None, 422
        )
    return RedirectResponse(f"/app/participants/{participant_id}?cv=1#profile-h", status_code=303)


@router.post("/app/participants/{participant_id}/consent")
async def change_consent(
    request: Request, participant_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    answer = forms.text(form, "granted")
    if answer not in ("yes", "no"):  # the page's two buttons send nothing else
        return error_page(request, 400, BAD_REQUEST)
    participant_ops.set_consent(
        runtime,
        session,
        participant_id,
        answer == "yes",
        pform.CONSENT_TEXT_VERSION,
        viewer.principal,
    )
    return RedirectResponse(
        f"/app/participants/{participant_id}?consent=1#consent-h", status_code=303
    )


@router.get("/app/participants/{participant_id}/sensitive")
def sensitive_form(
    request: Request, participant_id: RowId, viewer: CaseworkerPage, session: Db
) -> Response:
    row = participant_ops.get_participant(session, participant_id)
    stored = row.sensitive
    values = {f: getattr(stored, f) if stored else "" for f in SensitiveAttributes.model_fields}
    values["migrant"] = "yes" if stored and stored.migrant else ("no" if stored else "")
    return _sensitive_page(request, viewer, row, values, {})


def _sensitive_page(request, viewer, row, values, errors, status=200) -> Response:
    w = request_words(request)
    names = pform.labels(w)
    return render(
        request,
        "participant_sensitive.html",
        viewer,
        status,
        person=row,
        values=values,
        errors=forms.labelled(errors, [*names, "form"]),
        labels=names,
        genders=pform.choices(w, {c: c for c in NICHE_CODES}, [])["gender"],
    )


@router.post("/app/participants/{participant_id}/sensitive")
async def save_sensitive(
    request: Request, participant_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    row = participant_ops.get_participant(session, participant_id)
    try:
        body = SensitiveAttributes.model_validate(pform.sensitive_from_form(form))
    except ValidationError as exc:
        errors = forms.field_errors(exc, request_words(request))
        return _sensitive_page(request, viewer, row, pform.sensitive_values(form), errors, 422)
    participant_ops.set_sensitive(runtime, session, participant_id, body, viewer.principal)
    return RedirectResponse(f"/app/participants/{participant_id}?saved=1", status_code=303)


@router.get("/app/participants/{participant_id}/erase")
def erase_form(request: Request, participant_id: RowId, viewer: CaseworkerPage, session: Db):
    row = participant_ops.get_participant(session, participant_id)
    return render(request, "participant_erase.html", viewer, person=row, errors={})


@router.post("/app/participants/{participant_id}/erase")
async def erase(
    request: Request, participant_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    """Erase a person everywhere, once the caseworker has typed their name."""
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    row = participant_ops.get_participant(session, participant_id)
    typed = " ".join(forms.text(form, "confirm_name").split())
    if typed.casefold() != " ".join(row.display_name.split()).casefold():
        errors = {"confirm_name": request_words(request).gettext(NAME_MISMATCH)}
        return render(request, "participant_erase.html", viewer, 422, person=row, errors=errors)
    participant_ops.erase_participant(runtime, session, participant_id, viewer.principal)
    return RedirectResponse("/app/participants?erased=1", status_code=303)


@router.post("/app/participants/{participant_id}/outcomes")
async def record_outcome(
    request: Request, participant_id: RowId, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    """An outcome from the person's page; the page comes back at its history."""
    form = await request.form()
    check_csrf(viewer, forms.text(form, "csrf"))
    participant_ops.get_participant(session, participant_id)
    w = request_words(request)
    try:
        body = OutcomeIn(
            challenge_id=forms.number(form, "challenge_id") or 0,
            participant_id=participant_id,
            event=forms.text(form, "event"),
            reason=forms.text(form, "reason"),
            client_key=forms.text(form, "client_key") or None,
        )
        created = record_once(runtime, session, body, viewer)
    except (ValidationError, FieldError, RequestValidationError, NotFoundError) as exc:
        errors = {f"outcome-{k}": v for k, v in forms.field_errors(exc, w).items()}
        return participant_page(
            request, viewer, session, runtime, participant_id, errors, None, 422
        )
    said = "outcome" if created else "already"
    return RedirectResponse(
        f"/app/participants/{participant_id}?{said}=1#history-h", status_code=303
    )


def record_once(runtime: Runtime, session: Session, body: OutcomeIn, viewer: Viewer) -> bool:
    """Record an outcome from a page unless the same event is already on record for the
    pair (a page never stores a duplicate in silence); True when it was stored."""
    person = outcome_ops.person_of(session, body, viewer.principal)
    if outcome_ops.same_event(session, person.id, body.challenge_id, body.event) is not None:
        return False
    _, created = outcome_ops.record_outcome(runtime, session, body, viewer.principal)
    return created
