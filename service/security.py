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

from service.change_feed import KEY, FeedFollower, record_change
from service.kept_reads import KeptReads
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


@dataclass(frozen=True)
class StoredKey:
    """What a worker keeps of an active key: its hash and whom it names."""

    hash: str
    principal: Principal


def key_prefix(key: str) -> str | None:
    """The prefix that finds a key's row, or None for something that is not a key."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "milma" or len(key) > 200:
        return None
    return parts[1]


def read_active_keys(session: Session, prefixes: list[str]) -> dict[str, StoredKey]:
    rows = session.execute(
        select(
            ApiKeyRow.prefix, ApiKeyRow.id, ApiKeyRow.role, ApiKeyRow.company_id, ApiKeyRow.hash
        ).where(ApiKeyRow.prefix.in_(prefixes), ApiKeyRow.revoked_at.is_(None))
    ).all()
    return {r.prefix: StoredKey(r.hash, Principal(r.id, r.role, r.company_id)) for r in rows}


def kept_keys(feed: FeedFollower) -> KeptReads[str, StoredKey]:
    """The active keys this worker has seen; any key change in the feed (a revocation)
    drops them all, so a revoked key stops working here as soon as the feed is read:
    at once in the worker that revoked it, within a poll interval in the others."""
    return feed.kept("api keys", KEY, read_active_keys, by_id=False)


def verified(stored: StoredKey | None, key: str) -> Principal | None:
    """The key's principal if ``key`` hashes to the stored hash (constant time)."""
    if stored is None or not hmac.compare_digest(stored.hash, _hash(key)):
        return None
    return stored.principal


def authenticate(
    session: Session, key: str, kept: KeptReads[str, StoredKey] | None = None
) -> Principal | None:
    """The principal for a presented key, or None if it is unknown, revoked or malformed."""
    prefix = key_prefix(key)
    if prefix is None:
        return None
    if kept is not None:
        return verified(kept.get(session, prefix), key)
    return verified(read_active_keys(session, [prefix]).get(prefix), key)


def revoke_key(session: Session, key_id: int) -> bool:
    row = session.get(ApiKeyRow, key_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = datetime.now(UTC)
    record_change(session, KEY, key_id)  # every worker forgets the keys it kept
    session.commit()
    return True
