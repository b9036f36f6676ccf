"""Database tables (SQLAlchemy 2). Portable SQL only: SQLite by default, PostgreSQL by URL.

Sensitive attributes have their own table, joined only by the team planner and the
fairness audit, never by anything that serves a company. Deleting a participant
cascades to every row that names them, except the audit log, which holds only their
pseudonym.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def name_key(text: str) -> str:
    """A name as it is searched: without accents and case, so that "alvarez" typed on
    a phone finds "Álvarez" (SQLite's LIKE folds the case of ASCII letters only)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class UTCDateTime(TypeDecorator):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class EditionRow(Base):
    __tablename__ = "editions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    remote: Mapped[bool] = mapped_column(Boolean, default=False)


class CompanyRow(Base):
    __tablename__ = "companies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    size: Mapped[str] = mapped_column(String(20))
    sector: Mapped[str] = mapped_column(String(40))


class ChallengeRow(Base):
    __tablename__ = "challenges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    niche: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    essential_skills: Mapped[list] = mapped_column(JSON, default=list)
    optional_skills: Mapped[list] = mapped_column(JSON, default=list)
    taught_skills: Mapped[list] = mapped_column(JSON, default=list)
    min_spanish: Mapped[str] = mapped_column(String(2))
    seats: Mapped[int] = mapped_column(Integer)
    schedule: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(80))
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ParticipantRow(Base):
    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    # the name folded for search (:func:`name_key`), kept with every change of the name
    search_name: Mapped[str] = mapped_column(Text, default="", server_default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    profile_text: Mapped[str] = mapped_column(Text, default="")
    text_language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    skills_text: Mapped[list] = mapped_column(JSON, default=list)
    spanish_level: Mapped[str] = mapped_column(String(2))
    other_languages: Mapped[list] = mapped_column(JSON, default=list)
    education: Mapped[str] = mapped_column(String(20))
    experience: Mapped[list] = mapped_column(JSON, default=list)
    availability: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(80))
    max_commute_minutes: Mapped[int] = mapped_column(Integer)
    niche_preferences: Mapped[list] = mapped_column(JSON, default=list)
    months_unemployed: Mapped[int] = mapped_column(Integer, default=0)
    digital_access: Mapped[bool] = mapped_column(Boolean, default=True)
    driving_licence: Mapped[bool] = mapped_column(Boolean, default=False)
    induction: Mapped[str | None] = mapped_column(String(10), nullable=True)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    consent_share: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_version: Mapped[str] = mapped_column(String(60), default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sensitive: Mapped[SensitiveRow | None] = relationship(
        back_populates="participant",
        cascade="all, delete-orphan",
        passive_deletes=True,
        uselist=False,
    )

    @validates("display_name")
    def _keep_search_name(self, _key: str, value: str) -> str:
        self.search_name = name_key(value)
        return value


class SensitiveRow(Base):
    __tablename__ = "sensitive_attributes"
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    migrant: Mapped[bool] = mapped_column(Boolean, default=False)
    origin_group: Mapped[str] = mapped_column(String(60), default="")
    nationality: Mapped[str] = mapped_column(String(60), default="")
    gender: Mapped[str] = mapped_column(String(1), default="")
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    participant: Mapped[ParticipantRow] = relationship(back_populates="sensitive")


class ConsentRow(Base):
    """History of consent decisions (the participant row holds the current one)."""

    __tablename__ = "consent_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    granted: Mapped[bool] = mapped_column(Boolean)
    text_version: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TeamRow(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("challenge_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TeamMemberRow(Base):
    __tablename__ = "team_members"
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    locked: Mapped[bool] = mapped_column(Boolean, default=False)


class OutcomeRow(Base):
    """An outcome event. ``client_key`` (idempotency) is unique within ``client_scope``,
    the key's owner (see :mod:`service.operations.outcomes`): one owner's keys neither
    block nor reveal another's."""

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("client_scope", "client_key", name="uq_outcomes_client_scope_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(300), default="")
    rating: Mapped[float | None] = mapped_column(Float, nullable=True)
    client_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    client_scope: Mapped[str] = mapped_column(String(40), default="", server_default="")
    recorded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ShownTraineeRow(Base):
    """A trainee a company was shown for one of its challenges: the only people it may
    record outcomes about for that challenge. Goes with the participant on erasure."""

    __tablename__ = "shown_trainees"
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    first_shown_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContactReleaseRow(Base):
    """A caseworker released a trainee's name and contact to one company."""

    __tablename__ = "contact_releases"
    __table_args__ = (UniqueConstraint("participant_id", "company_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    released_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), nullable=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditRow(Base):
    """Append-only: the API offers no way to change or delete these rows."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    key_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(120), default="")
    request: Mapped[dict] = mapped_column(JSON, default=dict)
    model_version: Mapped[str | None] = mapped_column(String(80), nullable=True)
    index_version: Mapped[str | None] = mapped_column(String(80), nullable=True)
    participants: Mapped[list] = mapped_column(JSON, default=list)


class ControlRow(Base):
    """The stop switch, one row shared by every worker: how recommendations are made
    now (``learned``, ``rules`` or ``paused``), why, and who said so."""

    __tablename__ = "service_controls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mode: Mapped[str] = mapped_column(String(10), default="learned")
    reason: Mapped[str] = mapped_column(String(500), default="")
    changed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OverrideRow(Base):
    """A caseworker's correction of a challenge's shortlist: pin, move or exclude one
    participant, with a reason. Withdrawn corrections stay, marked, for the record."""

    __tablename__ = "shortlist_overrides"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(10))
    position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ChangeRow(Base):
    """The change feed: one row per write that changes what a shortlist may return,
    added in that write's transaction. Engines apply the rows in ``version`` order
    (see :mod:`service.change_feed`). It names what changed (a kind and an id), never
    its content, so an erased participant leaves only a number here."""

    __tablename__ = "change_feed"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
