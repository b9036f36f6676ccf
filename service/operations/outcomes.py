"""Outcome events from caseworkers and companies.

Outcomes are the labels the ranker learns from, so only writes that can be trusted are
stored:

- a company writes only about trainees it was shown for that challenge (and who still
  consent); any other trainee id gets the same 404 as one that does not exist, so the
  answer tells a company nothing about which pseudonyms exist;
- the person belongs to the challenge's edition;
- a date given falls within the edition's span, from :data:`DAYS_BEFORE_EDITION` days
  before it starts (candidates are shortlisted and interviewed first) to
  :data:`DAYS_AFTER_EDITION` days after it ends (placements after the training count),
  and not in the future; without one, the time of recording is stored;
- ``client_key`` makes a request idempotent within its owner's scope
  (:func:`client_scope`), so one company's keys neither block nor reveal another's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audit
from service.change_feed import OUTCOME
from service.db import outcome_frame
from service.errors import ConflictError, FieldError, NotFoundError
from service.operations.challenges import get_challenge
from service.operations.common import get_edition, now, require_same_edition
from service.operations.participants import get_participant
from service.runtime import Runtime
from service.schemas import OutcomeIn
from service.security import Principal
from service.tables import ChallengeRow, OutcomeRow, ParticipantRow, ShownTraineeRow

COMPANY_EVENTS = frozenset({"interviewed", "hired", "rejected"})
DAYS_BEFORE_EDITION = 90
DAYS_AFTER_EDITION = 365
CLOCK_SKEW = timedelta(days=1)  # a client's clock a little ahead of the server's


def client_scope(who: Principal) -> str:
    """Whose idempotency keys a key shares: a company's keys share the company's (a
    retry from another of its keys is the same request); caseworkers share the
    programme's."""
    return f"company:{who.company_id}" if who.role == "company" else "programme"


def _resolve_person(
    session: Session, body: OutcomeIn, challenge: ChallengeRow, who: Principal
) -> ParticipantRow:
    if who.role == "company":
        return _shown_trainee(session, body, challenge, who)
    return _edition_participant(session, body, challenge)


def _shown_trainee(
    session: Session, body: OutcomeIn, challenge: ChallengeRow, who: Principal
) -> ParticipantRow:
    """The consenting trainee of the challenge's edition this company was shown for this
    challenge under ``body.trainee_id``; anything else is not found."""
    if body.trainee_id is None:
        raise FieldError("trainee_id", "companies name trainees by their trainee_id")
    row = session.scalar(
        select(ParticipantRow)
        .join(ShownTraineeRow, ShownTraineeRow.participant_id == ParticipantRow.id)
        .where(
            ParticipantRow.pseudonym == body.trainee_id,
            ShownTraineeRow.challenge_id == challenge.id,
        )
    )
    if row is None or not row.consent_share or row.edition_id != challenge.edition_id:
        raise NotFoundError(f"trainee {body.trainee_id} not found")
    return row


def _edition_participant(
    session: Session, body: OutcomeIn, challenge: ChallengeRow
) -> ParticipantRow:
    """The participant a caseworker names, who must be of the challenge's edition."""
    if body.participant_id is not None:
        row, field = get_participant(session, body.participant_id), "participant_id"
    else:
        field = "trainee_id"
        row = session.scalar(
            select(ParticipantRow).where(ParticipantRow.pseudonym == body.trainee_id)
        )
        if row is None:
            raise NotFoundError(f"trainee {body.trainee_id} not found")
    require_same_edition(row, challenge, field)
    return row


def _checked_date(session: Session, at: datetime | None, challenge: ChallengeRow) -> datetime:
    """``at`` if it falls within the edition's window (see the module docstring), or the
    time of recording when none is given."""
    if at is None:
        return now()
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    edition = get_edition(session, challenge.edition_id)
    earliest = edition.start_date - timedelta(days=DAYS_BEFORE_EDITION)
    latest = edition.end_date + timedelta(days=DAYS_AFTER_EDITION)
    if not earliest <= at.date() <= latest:
        raise FieldError(
            "at",
            f"must fall between {earliest} and {latest}: edition {edition.id} runs from "
            f"{edition.start_date} to {edition.end_date}, and outcomes are taken from "
            f"{DAYS_BEFORE_EDITION} days before it to {DAYS_AFTER_EDITION} days after it",
        )
    if at > now() + CLOCK_SKEW:
        raise FieldError("at", "must not be in the future")
    return at


def person_of(session: Session, body: OutcomeIn, who: Principal) -> ParticipantRow:
    """The participant an outcome names, as ``who`` may name them: a company, a trainee
    it was shown for that challenge; anyone, a person of the challenge's edition (404 or
    422 otherwise, as :func:`record_outcome` answers)."""
    return _resolve_person(session, body, get_challenge(session, body.challenge_id, who), who)


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
    repeated client_key (of the same owner) returns the first."""
    challenge = get_challenge(session, body.challenge_id, who)
    if who.role == "company" and body.event not in COMPANY_EVENTS:
        raise FieldError("event", f"companies record only: {', '.join(sorted(COMPANY_EVENTS))}")
    person = _resolve_person(session, body, challenge, who)
    at = _checked_date(session, body.at, challenge)
    scope = client_scope(who)
    if body.client_key is not None:
        existing = session.scalar(
            select(OutcomeRow).where(
                OutcomeRow.client_scope == scope, OutcomeRow.client_key == body.client_key
            )
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
        at=at,
        reason=body.reason,
        rating=body.rating,
        client_key=body.client_key,
        client_scope=scope,
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
