"""The outcome history a page shows: who, which challenge, what happened, when."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from service.operations.common import count
from service.tables import ChallengeRow, OutcomeRow, ParticipantRow

HISTORY_ROWS = 50


def _query(
    participant_id: int | None = None,
    challenge_id: int | None = None,
    edition_id: int | None = None,
    event: str | None = None,
) -> Select:
    query = (
        select(OutcomeRow, ParticipantRow.display_name, ChallengeRow.title)
        .join(ParticipantRow, ParticipantRow.id == OutcomeRow.participant_id)
        .join(ChallengeRow, ChallengeRow.id == OutcomeRow.challenge_id)
    )
    if participant_id is not None:
        query = query.where(OutcomeRow.participant_id == participant_id)
    if challenge_id is not None:
        query = query.where(OutcomeRow.challenge_id == challenge_id)
    if edition_id is not None:
        query = query.where(ChallengeRow.edition_id == edition_id)
    if event is not None:
        query = query.where(OutcomeRow.event == event)
    return query


def history(
    session: Session, limit: int = HISTORY_ROWS, offset: int = 0, **where: int | str | None
) -> list[dict]:
    """Outcomes, newest first, with the person's name and the challenge's title;
    ``where`` narrows them by participant_id, challenge_id, edition_id or event."""
    query = _query(**where).order_by(OutcomeRow.at.desc(), OutcomeRow.id.desc())
    rows = session.execute(query.limit(limit).offset(offset))
    return [
        {
            "id": o.id,
            "at": o.at,
            "participant_id": o.participant_id,
            "name": name,
            "challenge_id": o.challenge_id,
            "title": title,
            "event": o.event,
            "reason": o.reason,
        }
        for o, name, title in rows.all()
    ]


def history_size(session: Session, **where: int | str | None) -> int:
    return count(session, _query(**where))
