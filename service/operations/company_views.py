"""What a company sees: blind, consenting trainees matched to its own challenges,
and the audited release of a trainee's contact once an interview is agreed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from matching.domain.records import (
    STORED,
    Company,
)
from matching.domain.results import COMPANY_REASON_FACTORS, Shortlist
from service import audit
from service.controls import recommending
from service.errors import FieldError
from service.operations import overrides as override_ops
from service.operations.challenges import challenge_out
from service.operations.common import now, require_same_edition
from service.operations.participants import get_participant
from service.runtime import Runtime
from service.schemas import (
    ChallengeMatches,
    CompanyMatch,
    CompanyMatches,
    CompanyTrainee,
)
from service.security import Principal
from service.tables import (
    ChallengeRow,
    CompanyRow,
    ContactReleaseRow,
    ParticipantRow,
    ShownTraineeRow,
    TeamMemberRow,
    TeamRow,
)


def team_members(session: Session, challenge_id: int) -> set[int]:
    rows = session.execute(
        select(TeamMemberRow.participant_id)
        .join(TeamRow, TeamRow.id == TeamMemberRow.team_id)
        .where(TeamRow.challenge_id == challenge_id)
    ).scalars()
    return set(rows)


def company_view(
    runtime: Runtime, session: Session, challenge: ChallengeRow, k: int, language: str = "en"
) -> tuple[list[CompanyMatch], list[str], list[int], Shortlist]:
    """A company's matched trainees for one of its challenges: consenting trainees only,
    blind unless a caseworker released their contact to this company. Returns the
    matches, their trainee ids, their participant ids and the engine's shortlist."""
    recommending(session, runtime)
    corrections = override_ops.kept_corrections(runtime.feed, session, challenge.id)
    size = min(runtime.matcher.max_k, k + len(corrections))
    result = runtime.matcher.shortlist(challenge.id, k=size, consent_only=True, language=language)
    result = override_ops.apply_overrides(result, None, corrections, k)
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
    matches, shown_ids = [], []
    for c in result.candidates:
        row = rows.get(c.participant_id)
        if row is None or not row.consent_share:  # consent withdrawn since indexing
            continue
        shown_ids.append(row.id)
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
                p_join=c.p_join,
                p_complete=c.p_complete,
                p_hire=c.p_hire,
                matched_skills=c.matched_skills,
                missing_taught=c.missing_taught,
                missing_untaught=c.missing_untaught,
                reasons=[r for r in c.reasons if r.factor in COMPANY_REASON_FACTORS],
                in_team=row.id in team,
            )
        )
    return matches, [m.trainee.trainee_id for m in matches], shown_ids, result


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
    blocks, shown, seen = [], [], []
    for challenge in session.scalars(query.order_by(ChallengeRow.id)):
        found, names, ids, result = company_view(runtime, session, challenge, k, language)
        shown += names
        seen += [(challenge.id, pid) for pid in ids]
        blocks.append(
            ChallengeMatches(
                challenge=challenge_out(challenge),
                matches=found,
                empty_reason=result.empty_reason,
                note=result.note,
            )
        )
    if who.role == "company":
        remember_shown(session, seen)
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
        company=Company.model_validate(
            {
                "company_id": company.id,
                "name": company.name,
                "size": company.size,
                "sector": company.sector,
            },
            context=STORED,
        ),
        challenges=blocks,
    )


def remember_shown(session: Session, pairs: list[tuple[int, int]]) -> None:
    """Note the (challenge, participant) pairs a company was shown, once each: the
    trainees it may then record outcomes about (committed with the view's audit row)."""
    if not pairs:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    rows = [{"challenge_id": c, "participant_id": p, "first_shown_at": now()} for c, p in pairs]
    session.execute(insert(ShownTraineeRow).values(rows).on_conflict_do_nothing())


def release_contact(
    session: Session, challenge: ChallengeRow, participant_id: int, who: Principal
) -> ContactReleaseRow:
    row = get_participant(session, participant_id)
    require_same_edition(row, challenge, "participant_id")
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
