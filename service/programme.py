"""Operations on programme records that keep the database and the engine in step.

The API routes and the web pages both call these, so a participant created, edited,
erased or re-consented anywhere reaches the index the same way: the database change is
flushed (constraints checked), the engine is updated in memory, the transaction is
committed, and only then is the index file written. If the commit fails the engine is
put back; if the process dies between commit and index write, the start-up repair
brings the index back in line with the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.domain import (
    BusinessChallenge,
    ChallengeIn,
    Company,
    ParticipantProfile,
    SensitiveAttributes,
)
from service import audit
from service.db import challenge_frame, new_pseudonym, participant_frame
from service.errors import ConflictError, FieldError, NotFoundError, validation_details
from service.runtime import Runtime
from service.schemas import (
    ChallengeMatches,
    CompanyMatch,
    CompanyMatches,
    CompanyTrainee,
    OutcomeIn,
    Page,
    ParticipantCreate,
    ParticipantOut,
)
from service.security import Principal
from service.tables import (
    ChallengeRow,
    CompanyRow,
    ConsentRow,
    ContactReleaseRow,
    EditionRow,
    OutcomeRow,
    ParticipantRow,
    SensitiveRow,
    TeamMemberRow,
    TeamRow,
)

PROFILE_FIELDS = tuple(ParticipantProfile.model_fields)
COMPANY_EVENTS = frozenset({"interviewed", "hired", "rejected"})


def now() -> datetime:
    return datetime.now(UTC)


# ------------------------------------------------------------------- participants
def get_participant(session: Session, participant_id: int) -> ParticipantRow:
    row = session.get(ParticipantRow, participant_id)
    if row is None:
        raise NotFoundError(f"participant {participant_id} not found")
    return row


def participant_out(row: ParticipantRow) -> ParticipantOut:
    data = {f: getattr(row, f) for f in PROFILE_FIELDS}
    return ParticipantOut.model_validate(
        {
            **data,
            "participant_id": row.id,
            "pseudonym": row.pseudonym,
            "consent_at": row.consent_at,
            "version": row.version,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
    )


def _require_edition(session: Session, edition_id: int) -> None:
    if session.get(EditionRow, edition_id) is None:
        raise FieldError("edition_id", f"edition {edition_id} does not exist")


def _sensitive_frame(row: ParticipantRow) -> pd.DataFrame:
    migrant = bool(row.sensitive.migrant) if row.sensitive is not None else False
    return pd.DataFrame({"participant_id": [row.id], "migrant": [migrant]})


def _sync_and_commit(
    runtime: Runtime, session: Session, row: ParticipantRow, previous: pd.DataFrame | None
) -> None:
    """Engine update in memory, database commit, then the index file."""
    matcher = runtime.matcher
    matcher.upsert_participants(participant_frame([row]), _sensitive_frame(row), persist=False)
    try:
        session.commit()
    except Exception:
        session.rollback()
        if previous is None:
            matcher.remove_participant(row.id, persist=False)
        else:
            matcher.upsert_participants(previous, persist=False)
        raise
    matcher.save()


def create_participant(
    runtime: Runtime, session: Session, body: ParticipantCreate, who: Principal
) -> ParticipantRow:
    _require_edition(session, body.edition_id)
    data = body.model_dump(exclude={"sensitive"})
    data["experience"] = [e.model_dump() for e in body.experience]
    row = ParticipantRow(
        **data, pseudonym=new_pseudonym(), consent_at=now() if body.consent_share else None
    )
    session.add(row)
    session.flush()
    sensitive = body.sensitive or SensitiveAttributes()
    row.sensitive = SensitiveRow(participant_id=row.id, **sensitive.model_dump())
    if body.consent_share:
        _record_consent(session, row, True, body.consent_version, who)
    audit.record(
        session,
        who,
        "participant.create",
        f"participant:{row.pseudonym}",
        participants=[row.pseudonym],
        commit=False,
    )
    _sync_and_commit(runtime, session, row, None)
    return row


def _record_consent(
    session: Session, row: ParticipantRow, granted: bool, text_version: str, who: Principal
) -> None:
    """Keep the consent history: when, which text, who recorded it."""
    row.consent_at = now()
    session.add(
        ConsentRow(
            participant_id=row.id,
            granted=granted,
            text_version=text_version or "unspecified",
            recorded_by=who.key_id,
        )
    )


def update_participant(
    runtime: Runtime, session: Session, participant_id: int, patch: dict, who: Principal
) -> ParticipantRow:
    """Merge ``patch`` into the record and validate the result as a whole."""
    row = get_participant(session, participant_id)
    current = {f: getattr(row, f) for f in PROFILE_FIELDS}
    try:
        merged = ParticipantProfile.model_validate({**current, **patch})
    except ValidationError as exc:
        raise as_request_error(exc) from None
    if merged.edition_id != row.edition_id:
        _require_edition(session, merged.edition_id)
    previous = participant_frame([row])
    consent_changed = merged.consent_share != row.consent_share
    for field in PROFILE_FIELDS:
        value = getattr(merged, field)
        if field == "experience":
            value = [e.model_dump() for e in value]
        setattr(row, field, value)
    row.version += 1
    if consent_changed:
        _record_consent(session, row, merged.consent_share, merged.consent_version, who)
    audit.record(
        session,
        who,
        "participant.update",
        f"participant:{row.pseudonym}",
        {"fields": sorted(patch)},
        [row.pseudonym],
        commit=False,
    )
    _sync_and_commit(runtime, session, row, previous)
    return row


def as_request_error(exc: ValidationError) -> Exception:
    from fastapi.exceptions import RequestValidationError

    return RequestValidationError(validation_details(exc))


def set_consent(
    runtime: Runtime,
    session: Session,
    participant_id: int,
    granted: bool,
    text_version: str,
    who: Principal,
) -> ParticipantRow:
    """Record a consent decision; it applies to the very next request."""
    row = get_participant(session, participant_id)
    row.consent_share = granted
    row.consent_version = text_version
    _record_consent(session, row, granted, text_version, who)
    audit.record(
        session,
        who,
        "participant.consent",
        f"participant:{row.pseudonym}",
        {"granted": granted, "text_version": text_version},
        [row.pseudonym],
        commit=False,
    )
    session.commit()
    runtime.matcher.set_participant_flags(row.id, consent=granted)
    return row


def set_sensitive(
    runtime: Runtime,
    session: Session,
    participant_id: int,
    body: SensitiveAttributes,
    who: Principal,
) -> SensitiveRow:
    row = get_participant(session, participant_id)
    if row.sensitive is None:
        row.sensitive = SensitiveRow(participant_id=row.id)
    for field, value in body.model_dump().items():
        setattr(row.sensitive, field, value)
    audit.record(
        session,
        who,
        "participant.sensitive.update",
        f"participant:{row.pseudonym}",
        participants=[row.pseudonym],
        commit=False,
    )
    session.commit()
    runtime.matcher.set_participant_flags(row.id, migrant=body.migrant, persist=False)
    return row.sensitive


def erase_participant(
    runtime: Runtime, session: Session, participant_id: int, who: Principal
) -> str:
    """Delete a participant everywhere; the audit log keeps only the pseudonym."""
    row = get_participant(session, participant_id)
    pseudonym = row.pseudonym
    session.delete(row)
    audit.record(
        session,
        who,
        "participant.erase",
        f"participant:{pseudonym}",
        participants=[pseudonym],
        commit=False,
    )
    session.commit()
    runtime.matcher.remove_participant(participant_id)
    return pseudonym


# --------------------------------------------------------------------- challenges
def get_challenge(session: Session, challenge_id: int, who: Principal) -> ChallengeRow:
    """A challenge the caller may see; a company's view of another's is "not found"."""
    row = session.get(ChallengeRow, challenge_id)
    if row is None or (who.role == "company" and row.company_id != who.company_id):
        raise NotFoundError(f"challenge {challenge_id} not found")
    return row


def challenge_fields(row: ChallengeRow) -> dict:
    """The ``ChallengeIn`` fields of a row."""
    return {f: getattr(row, f) for f in ChallengeIn.model_fields}


def challenge_out(row: ChallengeRow) -> BusinessChallenge:
    return BusinessChallenge(challenge_id=row.id, **challenge_fields(row))


def save_challenge(
    runtime: Runtime, session: Session, data: ChallengeIn, row: ChallengeRow | None, who: Principal
) -> ChallengeRow:
    _require_edition(session, data.edition_id)
    if session.get(CompanyRow, data.company_id) is None:
        raise FieldError("company_id", f"company {data.company_id} does not exist")
    if row is None:
        row = ChallengeRow(**data.model_dump())
        session.add(row)
    else:
        for field, value in data.model_dump().items():
            setattr(row, field, value)
    session.flush()
    audit.record(session, who, "challenge.save", f"challenge:{row.id}", commit=False)
    session.commit()
    runtime.matcher.add_challenges(challenge_frame([row]))
    return row


def merge_challenge(row: ChallengeRow, patch: dict) -> ChallengeIn:
    try:
        return ChallengeIn.model_validate({**challenge_fields(row), **patch})
    except ValidationError as exc:
        raise as_request_error(exc) from None


# -------------------------------------------------------------------- shortlists
def shortlist(
    runtime: Runtime,
    session: Session,
    challenge_id: int,
    k: int,
    who: Principal,
    language: str = "en",
    consent_only: bool = False,
    fairness: bool | None = None,
):
    """The caseworker's shortlist, audited with the pseudonyms it returned."""
    get_challenge(session, challenge_id, who)
    result = runtime.matcher.shortlist(
        challenge_id, k=k, consent_only=consent_only, fairness=fairness, language=language
    )
    ids = [c.participant_id for c in result.candidates]
    names = pseudonyms(session, ids)
    audit.record(
        session,
        who,
        "shortlist",
        f"challenge:{challenge_id}",
        {"k": k, "consent_only": consent_only, "fairness": fairness},
        [names[i] for i in ids],
        result.model_version,
        result.index_version,
    )
    return result


def pseudonyms(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(ParticipantRow.id, ParticipantRow.pseudonym).where(ParticipantRow.id.in_(ids))
    ).all()
    return dict(rows)


def team_members(session: Session, challenge_id: int) -> set[int]:
    rows = session.execute(
        select(TeamMemberRow.participant_id)
        .join(TeamRow, TeamRow.id == TeamMemberRow.team_id)
        .where(TeamRow.challenge_id == challenge_id)
    ).scalars()
    return set(rows)


def company_view(
    runtime: Runtime, session: Session, challenge: ChallengeRow, k: int, language: str = "en"
) -> tuple[list[CompanyMatch], list[str]]:
    """A company's matched trainees for one of its challenges: consenting trainees only,
    blind unless a caseworker released their contact to this company."""
    result = runtime.matcher.shortlist(challenge.id, k=k, consent_only=True, language=language)
    ids = [c.participant_id for c in result.candidates]
    rows = {
        r.id: r for r in session.scalars(select(ParticipantRow).where(ParticipantRow.id.in_(ids)))
    }
    released = set(
        session.scalars(
            select(ContactReleaseRow.participant_id).where(
                ContactReleaseRow.company_id == challenge.company_id,
                ContactReleaseRow.participant_id.in_(ids),
            )
        )
    )
    team = team_members(session, challenge.id)
    catalogue = runtime.matcher.catalogue
    matches = []
    for c in result.candidates:
        row = rows.get(c.participant_id)
        if row is None or not row.consent_share:  # consent withdrawn since indexing
            continue
        open_contact = row.id in released
        trainee = CompanyTrainee(
            trainee_id=row.pseudonym,
            skills=[catalogue.label(u, language) for u in row.skills if u in catalogue.skill_index],
            experience=row.experience,
            spanish_level=row.spanish_level,
            other_languages=row.other_languages,
            availability=row.availability,
            name=row.display_name if open_contact else None,
            email=row.email if open_contact else None,
            phone=row.phone if open_contact else None,
        )
        matches.append(
            CompanyMatch(
                trainee=trainee,
                rank=len(matches) + 1,
                score=c.score,
                p_complete=c.p_complete,
                p_hire=c.p_hire,
                matched_skills=c.matched_skills,
                missing_taught=c.missing_taught,
                missing_untaught=c.missing_untaught,
                reasons=c.reasons,
                in_team=row.id in team,
            )
        )
    return matches, [m.trainee.trainee_id for m in matches]


def company_matches(
    runtime: Runtime,
    session: Session,
    company: CompanyRow,
    who: Principal,
    edition_id: int | None = None,
    k: int = 10,
    language: str = "en",
    challenge_id: int | None = None,
) -> CompanyMatches:
    """Matched trainees per challenge of one company (all, one edition, or one challenge),
    audited with the trainee ids shown."""
    query = select(ChallengeRow).where(ChallengeRow.company_id == company.id)
    if edition_id is not None:
        query = query.where(ChallengeRow.edition_id == edition_id)
    if challenge_id is not None:
        query = query.where(ChallengeRow.id == challenge_id)
    blocks, shown = [], []
    for challenge in session.scalars(query.order_by(ChallengeRow.id)):
        found, names = company_view(runtime, session, challenge, k, language)
        shown += names
        blocks.append(ChallengeMatches(challenge=challenge_out(challenge), matches=found))
    audit.record(
        session,
        who,
        "company.matches",
        f"company:{company.id}",
        {"edition_id": edition_id, "challenge_id": challenge_id, "k": k},
        shown,
        runtime.matcher.scorer.version,
        runtime.matcher.index.version,
    )
    return CompanyMatches(
        company=Company(
            company_id=company.id, name=company.name, size=company.size, sector=company.sector
        ),
        challenges=blocks,
    )


def release_contact(
    session: Session, challenge: ChallengeRow, participant_id: int, who: Principal
) -> ContactReleaseRow:
    row = get_participant(session, participant_id)
    if not row.consent_share:
        raise FieldError(
            "participant_id", "the participant has not consented to share with companies"
        )
    existing = session.scalar(
        select(ContactReleaseRow).where(
            ContactReleaseRow.participant_id == participant_id,
            ContactReleaseRow.company_id == challenge.company_id,
        )
    )
    if existing is not None:
        return existing
    release = ContactReleaseRow(
        participant_id=participant_id, company_id=challenge.company_id, released_by=who.key_id
    )
    session.add(release)
    audit.record(
        session,
        who,
        "contact.release",
        f"company:{challenge.company_id}",
        {"challenge_id": challenge.id},
        [row.pseudonym],
        commit=False,
    )
    session.commit()
    return release


# ----------------------------------------------------------------------- outcomes
def _resolve_person(session: Session, body: OutcomeIn, who: Principal) -> ParticipantRow:
    if who.role == "company":
        if body.trainee_id is None:
            raise FieldError("trainee_id", "companies name trainees by their trainee_id")
        row = session.scalar(
            select(ParticipantRow).where(ParticipantRow.pseudonym == body.trainee_id)
        )
        if row is None or not row.consent_share:
            raise NotFoundError(f"trainee {body.trainee_id} not found")
        return row
    if body.participant_id is not None:
        return get_participant(session, body.participant_id)
    row = session.scalar(select(ParticipantRow).where(ParticipantRow.pseudonym == body.trainee_id))
    if row is None:
        raise NotFoundError(f"trainee {body.trainee_id} not found")
    return row


def record_outcome(session: Session, body: OutcomeIn, who: Principal) -> tuple[OutcomeRow, bool]:
    """Store an outcome; returns (row, created). A repeated client_key returns the first."""
    challenge = get_challenge(session, body.challenge_id, who)
    if who.role == "company" and body.event not in COMPANY_EVENTS:
        raise FieldError("event", f"companies record only: {', '.join(sorted(COMPANY_EVENTS))}")
    person = _resolve_person(session, body, who)
    if body.client_key is not None:
        existing = session.scalar(
            select(OutcomeRow).where(OutcomeRow.client_key == body.client_key)
        )
        if existing is not None:
            same = (existing.participant_id, existing.challenge_id, existing.event) == (
                person.id,
                challenge.id,
                body.event,
            )
            if not same:
                raise ConflictError(
                    f"client_key {body.client_key!r} was already used for a different outcome"
                )
            return existing, False
    row = OutcomeRow(
        participant_id=person.id,
        challenge_id=challenge.id,
        event=body.event,
        at=body.at or now(),
        reason=body.reason,
        rating=body.rating,
        client_key=body.client_key,
        recorded_by=who.key_id,
    )
    session.add(row)
    audit.record(
        session,
        who,
        "outcome.record",
        f"challenge:{challenge.id}",
        {"event": body.event},
        [person.pseudonym],
        commit=False,
    )
    session.commit()
    return row, True


def count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery()))


def paginate(session: Session, query, order, limit: int, offset: int, convert) -> Page:
    """One page of ``query`` (ordered by ``order``) with the total the filters allow;
    ``convert`` turns each result row into its response model."""
    total = count(session, query)
    rows = session.execute(query.order_by(*order).limit(limit).offset(offset)).all()
    return Page(items=[convert(*row) for row in rows], total=total, limit=limit, offset=offset)
