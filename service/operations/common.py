"""Helpers every operation shares: time, edition lookup, pagination, validation errors."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.errors import FieldError, NotFoundError, validation_details
from service.schemas import (
    Page,
)
from service.tables import ChallengeRow, EditionRow, ParticipantRow


def now() -> datetime:
    return datetime.now(UTC)


def get_edition(session: Session, edition_id: int) -> EditionRow:
    row = session.get(EditionRow, edition_id)
    if row is None:
        raise NotFoundError(f"edition {edition_id} not found")
    return row


def count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery()))


def paginate(session: Session, query, order, limit: int, offset: int, convert) -> Page:
    """One page of ``query`` (ordered by ``order``) with the total the filters allow;
    ``convert`` turns each result row into its response model."""
    total = count(session, query)
    rows = session.execute(query.order_by(*order).limit(limit).offset(offset)).all()
    return Page(items=[convert(*row) for row in rows], total=total, limit=limit, offset=offset)


def as_request_error(exc: ValidationError) -> Exception:
    from fastapi.exceptions import RequestValidationError

    return RequestValidationError(validation_details(exc))


def require_edition(session: Session, edition_id: int) -> None:
    if session.get(EditionRow, edition_id) is None:
        raise FieldError("edition_id", f"edition {edition_id} does not exist")


def require_same_edition(person: ParticipantRow, challenge: ChallengeRow, field: str) -> None:
    """Refuse a write about a person for a challenge of another edition."""
    if person.edition_id != challenge.edition_id:
        raise FieldError(
            field,
            f"participant {person.id} is in edition {person.edition_id}; challenge "
            f"{challenge.id} is in edition {challenge.edition_id}",
        )
