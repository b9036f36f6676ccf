"""Database engine, schema migration and the bridge between rows and engine tables.

SQLite (the embedded default) runs in WAL mode with foreign keys on, ``secure_delete``
and ``synchronous=NORMAL``: in WAL mode that never corrupts the file and survives an
application crash; only a power cut can lose the last transactions, which a single
machine deployment accepts in exchange for fast commits. PostgreSQL needs none of this.
The schema is created or migrated with Alembic at start.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Row, create_engine, event, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from matching.pool import PROFILE_COLUMNS
from service.bulk_reads import read_frame
from service.oversight_schemas import NEGATIVE_OVERRIDE_REASONS
from service.tables import (
    ChallengeRow,
    CompanyRow,
    EditionRow,
    OutcomeRow,
    OverrideRow,
    ParticipantRow,
    SensitiveRow,
    name_key,
)
from training_data.dataset import ProgrammeTables

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, wait_for_writers: bool = True) -> Engine:
    """An engine for ``url``; SQLite gets the pragmas described above.

    Without ``wait_for_writers`` (SQLite only) a statement that needs the write lock
    another connection holds fails at once instead of waiting up to 5 s for it: the
    event loop's own sessions (:mod:`service.without_waiting`) then hand the work to a
    thread."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # the driver's timeout is SQLite's busy timeout: how long to wait for a writer
        busy_seconds = 5.0 if wait_for_writers else 0.0
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_seconds}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # deleted content is overwritten with zeros, not left in free pages: an
            # erasure must leave nothing readable (see service.erasure)
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


# 56 random bits: a million trainees share none by chance (with the first 32-bit
# pseudonyms, about a hundred pairs of a million would, and the database refuses those)
PSEUDONYM_BYTES = 7


def new_pseudonym() -> str:
    """A random, unlinkable trainee reference shown to companies and kept in the audit log."""
    return "T-" + secrets.token_hex(PSEUDONYM_BYTES).upper()


def new_pseudonyms(count: int) -> list[str]:
    """``count`` distinct pseudonyms, for a bulk import."""
    made: set[str] = set()
    while len(made) < count:
        made.add(new_pseudonym())
    return list(made)


def is_empty(session: Session) -> bool:
    return session.scalar(select(EditionRow.id).limit(1)) is None


def _records(frame: pd.DataFrame) -> list[dict]:
    return [
        {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def import_programme(session: Session, tables: ProgrammeTables) -> int:
    """Load a generated programme into an empty database; returns participants added."""
    if not is_empty(session):
        raise ValueError("the database already holds a programme; import only into an empty one")
    editions = tables.editions.assign(
        start_date=tables.editions["start_date"].dt.date,
        end_date=tables.editions["end_date"].dt.date,
    ).rename(columns={"edition_id": "id"})
    session.execute(insert(EditionRow), _records(editions))
    session.execute(
        insert(CompanyRow), _records(tables.companies.rename(columns={"company_id": "id"}))
    )
    challenges = tables.challenges.rename(columns={"challenge_id": "id"})
    session.execute(insert(ChallengeRow), _records(challenges))
    people = tables.participants.rename(columns={"participant_id": "id"})
    people = people.assign(
        experience=[
            [{"niche": n, "years": float(y)} for n, y in zip(ns, ys, strict=True)]
            for ns, ys in zip(people["experience_niches"], people["experience_years"], strict=True)
        ],
        pseudonym=new_pseudonyms(len(people)),
        consent_at=pd.NaT,
        induction=people["induction"].where(people["induction"] != "", None),
    ).drop(columns=["experience_niches", "experience_years"])
    rows = _records(people)
    for row in rows:
        row["consent_at"] = None
        row["search_name"] = name_key(row["display_name"])
    session.execute(insert(ParticipantRow), rows)
    session.execute(insert(SensitiveRow), _records(tables.sensitive))
    outcomes = tables.outcomes.assign(
        rating=tables.outcomes["rating"]
        .astype(object)
        .where(tables.outcomes["rating"].notna(), None)
    )
    session.execute(insert(OutcomeRow), _records(outcomes))
    _advance_sequences(session)
    session.commit()
    return len(rows)


def _advance_sequences(session: Session) -> None:
    """Rows were inserted with their own ids; PostgreSQL's id sequences must move past
    them (SQLite picks max(id) + 1 by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("editions", "companies", "challenges", "participants", "outcomes"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


# what the engine reads of a participant: a start reads these columns alone, as plain
# rows, since a million ORM objects (with names, contacts and notes) would cost minutes
ENGINE_PARTICIPANT_COLUMNS = tuple(
    getattr(ParticipantRow, name)
    for name in (
        "id", "edition_id", "profile_text", "text_language", "skills", "skills_text",
        "spanish_level", "education", "experience", "availability", "district",
        "max_commute_minutes", "niche_preferences", "months_unemployed", "digital_access",
        "induction", "available", "consent_share",
    )
)  # fmt: skip


def participant_frame(rows: Sequence[ParticipantRow | Row]) -> pd.DataFrame:
    """Engine-shaped participant table (columns of ``training_data.schema``) from rows:
    ORM records, or rows of :data:`ENGINE_PARTICIPANT_COLUMNS`."""
    return _engine_shaped(
        pd.DataFrame({c.key: [getattr(r, c.key) for r in rows] for c in ENGINE_PARTICIPANT_COLUMNS})
    )


def _engine_shaped(frame: pd.DataFrame, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Database columns to the engine's (and the ``keep`` columns as they are):
    experience split in niches and years, and one string object per distinct skill URI
    or niche code (a million participants' skill lists would otherwise hold a gigabyte
    of copies of the same few thousand URIs)."""
    shared: dict[str, str] = {}

    def codes(lists) -> list[list[str]]:
        return [[shared.setdefault(v, v) for v in row] for row in lists]

    experience = frame.pop("experience")
    frame = frame.rename(columns={"id": "participant_id"})
    frame["skills"] = codes(frame["skills"])
    frame["skills_text"] = [list(v) for v in frame["skills_text"]]
    frame["niche_preferences"] = codes(frame["niche_preferences"])
    frame["experience_niches"] = codes([e["niche"] for e in row] for row in experience)
    frame["experience_years"] = [[float(e["years"]) for e in row] for row in experience]
    return frame[[*PROFILE_COLUMNS, *keep]]


CHALLENGE_COLUMNS = (
    "edition_id",
    "company_id",
    "niche",
    "title",
    "description",
    "essential_skills",
    "optional_skills",
    "taught_skills",
    "min_spanish",
    "seats",
    "schedule",
    "location",
    "remote",
)


def migrant_frame(rows: list[ParticipantRow]) -> pd.DataFrame:
    """The migrant flag of each row (for the fairness re-rank and team quotas only)."""
    return pd.DataFrame(
        {
            "participant_id": [row.id for row in rows],
            "migrant": [bool(row.sensitive.migrant) if row.sensitive else False for row in rows],
        }
    )


def challenge_frame(rows: list[ChallengeRow]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{c: getattr(r, c) for c in CHALLENGE_COLUMNS} for r in rows],
        columns=list(CHALLENGE_COLUMNS),
    )
    frame.insert(0, "challenge_id", [r.id for r in rows])
    return frame


def engine_participants(
    session: Session, ids: Sequence[int] | None = None, keep: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Engine-shaped participants (all, or those of ``ids``) in id order, with the
    ``keep`` columns of the table as they are stored."""
    columns = ENGINE_PARTICIPANT_COLUMNS + tuple(getattr(ParticipantRow, c) for c in keep)
    where = None if ids is None else ParticipantRow.id.in_(ids)
    people = read_frame(session, columns, where, order_by=ParticipantRow.id)
    return _engine_shaped(people, keep)


def engine_challenges(session: Session) -> pd.DataFrame:
    """Every challenge, in id order, as :meth:`Matcher.load_programme` takes them."""
    return challenge_frame(list(session.scalars(select(ChallengeRow).order_by(ChallengeRow.id))))


def migrant_flags(session: Session, ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Participant id and migrant flag from the sensitive table (all, or of ``ids``)."""
    where = None if ids is None else SensitiveRow.participant_id.in_(ids)
    return read_frame(session, (SensitiveRow.participant_id, SensitiveRow.migrant), where)


OUTCOME_COLUMNS = (
    OutcomeRow.participant_id,
    OutcomeRow.challenge_id,
    OutcomeRow.event,
    OutcomeRow.at,
    OutcomeRow.rating,
)


def outcome_frame(session: Session, ids: list[int] | None = None) -> pd.DataFrame:
    """Recorded outcome events for the engine's history (all, or those of ``ids``)."""
    return read_frame(session, OUTCOME_COLUMNS, None if ids is None else OutcomeRow.id.in_(ids))


def override_events(session: Session) -> pd.DataFrame:
    """Caseworkers' exclusions that are labels (the person says no, or the match is
    judged wrong), in :func:`outcome_frame`'s shape as 'declined' events."""
    rows = session.execute(
        select(OverrideRow.participant_id, OverrideRow.challenge_id, OverrideRow.created_at).where(
            OverrideRow.action == "exclude",
            OverrideRow.reason.in_(sorted(NEGATIVE_OVERRIDE_REASONS)),
            OverrideRow.withdrawn_at.is_(None),
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["participant_id", "challenge_id", "at"])
    return frame.assign(event="declined", rating=None)[
        ["participant_id", "challenge_id", "event", "at", "rating"]
    ]


def training_events(session: Session) -> pd.DataFrame:
    """What the models learn from: every recorded outcome, and the exclusions above."""
    return pd.concat([outcome_frame(session), override_events(session)], ignore_index=True)
