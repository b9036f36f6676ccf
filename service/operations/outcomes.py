"""Outcome events (idempotent by client key), from caseworkers and companies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audit
from service.change_feed import OUTCOME
from service.db import outcome_frame
from service.errors import ConflictError, FieldError, NotFoundError
from service.operations.challenges import get_challenge
from service.operations.common import (
    now,
)
from service.operations.participants import get_participant
from service.runtime import Runtime
from service.schemas import (
    OutcomeIn,
)
from service.security import Principal
from service.tables import (
    OutcomeRow,
    ParticipantRow,
)

COMPANY_EVENTS = frozenset({"interviewed", "hired", "rejected"})


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


def person_of(session: Session, body: OutcomeIn, who: Principal) -> ParticipantRow:
    """The participant an outcome names, as ``who`` may name them (404 otherwise)."""
    get_challenge(session, body.challenge_id, who)
    return _resolve_person(session, body, who)


def same_event(
    session: Session, participant_id: int, challenge_id: int, event: str
) -> OutcomeRow | None:
    """The earliest record of ``event`` for the pair, if there is one."""
    return session.scalar(
        select(OutcomeRow)
        .where(
            OutcomeRow.participant_id == participant_id,
            OutcomeRow.challenge_id == challenge_id,
            OutcomeRow.event == event,
        )
        .order_by(OutcomeRow.at)
        .limit(1)
    )


def record_outcome(
    runtime: Runtime, session: Session, body: OutcomeIn, who: Principal
) -> tuple[OutcomeRow, bool]:
    """Store an outcome and add it to the engine's history; returns (row, created). A
    repeated client_key returns the first."""
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
    session.flush()
    with runtime.feed.local_change(session, OUTCOME, [row.id]):
        session.commit()
        runtime.matcher.add_outcomes(outcome_frame(session, [row.id]))
    return row, True
