"""Participants: caseworkers register, read, update, list and erase them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status
from sqlalchemy.orm import Session

from matching.domain.records import STORED, NicheCode, SensitiveAttributes
from matching.domain.results import NicheRanking, Placements, SkillRef, TextConcepts
from service import audit
from service.controls import recommending
from service.deps import RowId, get_runtime, get_session, require_role
from service.errors import FieldError, query_error
from service.operations import participants as participant_ops
from service.operations import placements as placement_ops
from service.operations.common import paginate
from service.operations.participant_search import ParticipantQuery, Status, participant_query
from service.runtime import Runtime
from service.schemas import (
    ConsentIn,
    CvRead,
    Page,
    ParticipantCreate,
    ParticipantOut,
    ParticipantPatch,
)
from service.security import Principal
from service.tables import ParticipantRow

router = APIRouter(prefix="/participants", tags=["participants"])
Caseworker = Annotated[Principal, Depends(require_role("caseworker"))]
Db = Annotated[Session, Depends(get_session)]
Rt = Annotated[Runtime, Depends(get_runtime)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ParticipantOut)
def create(body: ParticipantCreate, who: Caseworker, session: Db, runtime: Rt) -> ParticipantOut:
    """Register a participant; their profile is embedded and indexed at once."""
    return participant_ops.participant_out(
        participant_ops.create_participant(runtime, session, body, who)
    )


@router.get("", response_model=Page[ParticipantOut])
def list_participants(
    who: Caseworker,
    session: Db,
    q: Annotated[str, Query(max_length=100, description="Words of the name or profile text")] = "",
    edition_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    niche: Annotated[NicheCode | None, Query(description="Preferred or worked in")] = None,
    consent: bool | None = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[ParticipantOut]:
    """Participants, found and paginated (ordered by id)."""
    query = participant_query(ParticipantQuery(q, edition_id, niche, consent, status))
    return paginate(
        session, query, [ParticipantRow.id], limit, offset, participant_ops.participant_out
    )


@router.get("/{participant_id}", response_model=ParticipantOut)
def read(participant_id: RowId, who: Caseworker, session: Db) -> ParticipantOut:
    return participant_ops.participant_out(participant_ops.get_participant(session, participant_id))


@router.patch("/{participant_id}", response_model=ParticipantOut)
def update(
    participant_id: RowId,
    body: ParticipantPatch,
    who: Caseworker,  # type: ignore[valid-type]
    session: Db,
    runtime: Rt,
) -> ParticipantOut:
    """Change some fields; the whole record must still be valid."""
    patch = body.model_dump(exclude_unset=True)
    return participant_ops.participant_out(
        participant_ops.update_participant(runtime, session, participant_id, patch, who)
    )


@router.delete("/{participant_id}", status_code=status.HTTP_204_NO_CONTENT)
def erase(participant_id: RowId, who: Caseworker, session: Db, runtime: Rt) -> Response:
    """Erase a participant from the database, the index and every cache."""
    participant_ops.erase_participant(runtime, session, participant_id, who)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{participant_id}/consent", response_model=ParticipantOut)
def consent(
    participant_id: RowId, body: ConsentIn, who: Caseworker, session: Db, runtime: Rt
) -> ParticipantOut:
    """Grant or withdraw consent to share with companies (applies to the next request)."""
    row = participant_ops.set_consent(
        runtime, session, participant_id, body.granted, body.text_version, who
    )
    return participant_ops.participant_out(row)


@router.get("/{participant_id}/sensitive", response_model=SensitiveAttributes)
def read_sensitive(participant_id: RowId, who: Caseworker, session: Db) -> SensitiveAttributes:
    """Sensitive attributes (for team quotas and fairness audits only)."""
    row = participant_ops.get_participant(session, participant_id)
    if row.sensitive is None:
        return SensitiveAttributes()
    return SensitiveAttributes.model_validate(
        {f: getattr(row.sensitive, f) for f in SensitiveAttributes.model_fields}, context=STORED
    )


@router.put("/{participant_id}/sensitive", response_model=SensitiveAttributes)
def write_sensitive(
    participant_id: RowId,
    body: SensitiveAttributes,
    who: Caseworker,
    session: Db,
    runtime: Rt,
) -> SensitiveAttributes:
    participant_ops.set_sensitive(runtime, session, participant_id, body, who)
    return body


@router.get("/{participant_id}/niches", response_model=NicheRanking)
def niches(
    participant_id: RowId,
    who: Caseworker,
    session: Db,
    runtime: Rt,
    language: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> NicheRanking:
    """The 13 market niches ranked for this participant, each with its reasons."""
    row = participant_ops.get_participant(session, participant_id)
    recommending(session, runtime)
    result = runtime.matcher.niches(participant_id, language, row.profile_text)
    audit.record(
        session,
        who,
        "participant.niches",
        f"participant:{row.pseudonym}",
        participants=[row.pseudonym],
        model_version=result.model_version,
    )
    return result


@router.get("/{participant_id}/skills", response_model=list[SkillRef])
def skills(
    participant_id: RowId,
    who: Caseworker,
    session: Db,
    runtime: Rt,
    language: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> list[SkillRef]:
    """Every skill the service holds for this participant: those on record, those only
    their profile text or CV names (``from_text``), and those their stated experience
    implies (``implied``)."""
    participant_ops.get_participant(session, participant_id)
    runtime.feed.catch_up(session)
    return runtime.matcher.participant_skills(participant_id, language)


@router.get("/{participant_id}/placements", response_model=Placements)
def placements(
    participant_id: RowId,
    who: Caseworker,
    session: Db,
    runtime: Rt,
    k: Annotated[int, Query(description="How many challenges, 1 to the shortlist limit")] = 5,
    language: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> Placements:
    """The challenges of this person's edition that suit them best, each with their
    chances, their place on its shortlist, how contested its seats are, the skills
    matched and missing and the reasons; and where the edition's team plan (confirmed,
    else proposed) puts them, and why. An empty answer says why: no consent to share
    with companies, marked unavailable, a profile too thin to score, no open
    challenge. While recommendations are paused: 503 with the reason."""
    try:
        return placement_ops.placements(runtime, session, participant_id, k, who, language)
    except FieldError as exc:  # the programme's shortlist limit
        raise query_error(exc) from None


@router.get("/{participant_id}/concepts", response_model=TextConcepts)
def concepts(
    participant_id: RowId,
    who: Caseworker,
    session: Db,
    runtime: Rt,
    language: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> TextConcepts:
    """What the service reads in this participant's profile text: skills and jobs (each
    with the words it came from), years of experience and the niches it points to."""
    row = participant_ops.get_participant(session, participant_id)
    return runtime.matcher.text_concepts(row.profile_text, language)


@router.post("/{participant_id}/cv", response_model=CvRead)
def upload_cv(
    participant_id: RowId,
    who: Caseworker,
    session: Db,
    runtime: Rt,
    file: Annotated[UploadFile, File(description="The CV as a PDF or DOCX file")],
    replace: Annotated[
        bool, Form(description="Replace the profile text instead of adding")
    ] = False,
    language: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> CvRead:
    """Read a CV file into the participant's profile text (the same reading as any
    text); only the text is kept, never the file. The participant is checked first; the
    file is read within CPU, memory and time budgets (a file that exceeds them is
    refused, naming ``file``), and at most 20 pages or 20,000 characters of it."""
    row, cv, truncated = participant_ops.add_cv_file(
        runtime, session, participant_id, file.file, replace, who
    )
    return CvRead(
        participant=participant_ops.participant_out(row),
        characters_read=len(cv.text),
        stopped_early=cv.stopped_early,
        truncated=truncated,
        concepts=runtime.matcher.text_concepts(cv.text, language),
    )
