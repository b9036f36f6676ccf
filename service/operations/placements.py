"""A person's placements through the service: the engine's answer with the edition's
confirmed teams and the companies' names read from the database, behind the stop
switch, with an audit row."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.domain.results import Placements
from matching.placements import ConfirmedTeams
from service import audit
from service.controls import recommending
from service.operations.participants import get_participant
from service.runtime import Runtime
from service.security import Principal
from service.tables import CompanyRow, TeamMemberRow, TeamRow


def confirmed_teams(session: Session) -> ConfirmedTeams:
    """Reads an edition's confirmed teams (challenge id -> member ids) for the engine,
    which holds none."""

    def read(edition_id: int) -> dict[int, list[int]]:
        rows = session.execute(
            select(TeamRow.challenge_id, TeamMemberRow.participant_id)
            .join(TeamMemberRow, TeamMemberRow.team_id == TeamRow.id)
            .where(TeamRow.edition_id == edition_id)
        ).all()
        teams: dict[int, list[int]] = defaultdict(list)
        for challenge_id, participant_id in rows:
            teams[challenge_id].append(participant_id)
        return dict(teams)

    return read


def with_company_names(session: Session, result: Placements) -> Placements:
    """The answer with each challenge's company named, as its record has it."""
    ids = {p.company_id for p in result.placements}
    if not ids:
        return result
    names = dict(
        session.execute(select(CompanyRow.id, CompanyRow.name).where(CompanyRow.id.in_(ids))).all()
    )
    return result.model_copy(
        update={
            "placements": [
                p.model_copy(update={"company_name": names.get(p.company_id)})
                for p in result.placements
            ]
        }
    )


def named_placements(
    runtime: Runtime, session: Session, participant_id: int, k: int, language: str
) -> Placements:
    """The engine's placements with the confirmed teams and the companies' names."""
    result = runtime.matcher.placements(
        participant_id,
        k,
        language,
        confirmed_teams(session),
    )
    return with_company_names(session, result)


def placements(
    runtime: Runtime,
    session: Session,
    participant_id: int,
    k: int,
    who: Principal,
    language: str = "en",
) -> Placements:
    """The caseworker's placements for a person: refused while recommendations are
    paused, audited with the person's pseudonym (an empty answer too: their record was
    read)."""
    row = get_participant(session, participant_id)
    recommending(session, runtime)
    result = named_placements(runtime, session, participant_id, k, language)
    audit.record(
        session,
        who,
        "participant.placements",
        f"participant:{row.pseudonym}",
        {"k": k, "language": language, "state": result.state},
        [row.pseudonym],
        result.model_version,
        result.index_version,
    )
    return result
