"""API keys: random secrets shown once, stored only as SHA-256 hashes.

A key looks like ``milma_<prefix>_<secret>``; the prefix finds the row, the hash of the
whole key is compared in constant time. Keys are 190+ bits of randomness, so a plain
SHA-256 (not a slow password hash) is the right tool.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.tables import ApiKeyRow, CompanyRow

Role = Literal["admin", "caseworker", "analyst", "company"]
ROLES: tuple[str, ...] = ("admin", "caseworker", "analyst", "company")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, its role and, for company keys, the company."""

    key_id: int | None
    role: str
    company_id: int | None = None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    session: Session, role: str, company_id: int | None = None, label: str = ""
) -> tuple[str, ApiKeyRow]:
    """Store a new key and return (the key in clear, its row); the clear key is not kept."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if (role == "company") != (company_id is not None):
        raise ValueError("a company key needs --company, and only a company key may have one")
    if company_id is not None and session.get(CompanyRow, company_id) is None:
        raise ValueError(f"company {company_id} does not exist")
    prefix = secrets.token_hex(4)
    key = f"milma_{prefix}_{secrets.token_urlsafe(24)}"
    row = ApiKeyRow(prefix=prefix, hash=_hash(key), role=role, company_id=company_id, label=label)
    session.add(row)
    session.commit()
    return key, row


def authenticate(session: Session, key: str) -> Principal | None:
    """The principal for a presented key, or None if it is unknown, revoked or malformed."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "milma" or len(key) > 200:
        return None
    # the columns, not the ORM object: every request is authenticated
    row = session.execute(
        select(
            ApiKeyRow.id, ApiKeyRow.role, ApiKeyRow.company_id, ApiKeyRow.hash, ApiKeyRow.revoked_at
        ).where(ApiKeyRow.prefix == parts[1])
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.hash, _hash(key)):
        return None
    return Principal(row.id, row.role, row.company_id)


def revoke_key(session: Session, key_id: int) -> bool:
    row = session.get(ApiKeyRow, key_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = datetime.now(UTC)
    session.commit()
    return True
