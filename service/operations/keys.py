"""Access keys: an admin creates them (each shown once) and revokes them, audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service import audit
from service.errors import FieldError, NotFoundError
from service.runtime import Runtime
from service.schemas import KeyIn
from service.security import Principal, create_key, revoke_key
from service.tables import ApiKeyRow


def new_key(session: Session, body: KeyIn, who: Principal) -> tuple[str, ApiKeyRow]:
    """A new key and its row; the key itself is never stored, only its hash."""
    try:
        key, row = create_key(session, body.role, body.company_id, body.label)
    except ValueError as exc:
        raise FieldError("company_id", str(exc)) from None
    audit.record(session, who, "admin.key.create", f"key:{row.id}", {"role": body.role})
    return key, row


def withdraw_key(runtime: Runtime, session: Session, key_id: int, who: Principal) -> None:
    """Revoke a key: it stops working at once in this worker, and within the change
    feed's poll interval in any other."""
    if not revoke_key(session, key_id):
        raise NotFoundError(f"active key {key_id} not found")
    audit.record(session, who, "admin.key.revoke", f"key:{key_id}")
    runtime.feed.catch_up()
