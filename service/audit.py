"""The append-only audit log: who asked what, with which model, and who was returned.

Participants are named by pseudonym only, so the log survives an erasure without
keeping anything that points back to the person.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from service.security import Principal
from service.tables import AuditRow, utcnow

# built once: every shortlist writes a row
INSERT_ROW = insert(AuditRow.__table__)


def record(
    session: Session,
    who: Principal,
    action: str,
    target: str = "",
    request: dict | None = None,
    participants: Iterable[str] = (),
    model_version: str | None = None,
    index_version: str | None = None,
    commit: bool = True,
) -> None:
    """Append one audit row (committed unless the caller commits with its own change).

    A plain INSERT into the table rather than an ORM object: the row is never read
    back, and every shortlist writes one, so the ORM's bookkeeping would cost each
    request."""
    values = dict(
        at=utcnow(),
        key_id=who.key_id,
        role=who.role,
        action=action,
        target=target,
        request=request or {},
        participants=list(participants),
        model_version=model_version,
        index_version=index_version,
    )
    session.connection().execute(INSERT_ROW, values)
    if commit:
        session.commit()
