"""The engine's start-up tables, saved at a change-feed version.

At a million participants, reading the engine's tables out of the database took more
than half of a start (50 s of 91): fetching the rows is quick, decoding their JSON and
timestamps is not. So a start that had to read the database saves what it read as
Parquet files, tagged with the feed version they reflect, and the next start reads
those instead. It then reads again only the records the feed names as changed since
that version. The feed lists every write, because each write adds its change row in
its own transaction (:mod:`service.change_feed`).

The database stays the record; the files are only a faster way to read it, and are not
used when they could disagree with it: written under another schema revision, newer
than the feed (a database restored from a backup), or when, once patched, their row
counts and id sums differ from the database's (rows written around the feed, by hand).
An erasure deletes the files, which hold the person's profile; the next start then
reads the database and saves them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd
from sqlalchemy import Integer, cast, func, select, text
from sqlalchemy.orm import Session

from matching.pool import PROFILE_COLUMNS
from service.bulk_reads import read_frame
from service.change_feed import OUTCOME, PARTICIPANT
from service.db import OUTCOME_COLUMNS, engine_participants, migrant_flags
from service.saved_tables import read_saved_table, save_tables, saved_manifest
from service.tables import ChangeRow, OutcomeRow, ParticipantRow, SensitiveRow

log = logging.getLogger(__name__)

# patched files are saved anew once this share of the participants changed since
REFRESH_SHARE = 0.01
# beyond this share it is quicker to read the database than to patch the files
PATCH_LIMIT_SHARE = 0.2
IDS_PER_QUERY = 10_000  # below every database's limit on bound parameters
LAYOUT = 1  # raise when the tables' columns change: files of another layout are not read
OUTCOME_ROWS = (*OUTCOME_COLUMNS, OutcomeRow.id)  # the id tells a patched event from a kept one


@dataclass
class StartTables:
    """The tables :meth:`Matcher.load_programme` starts from, with the columns that
    check them: each participant's record ``version`` and each outcome's ``id``."""

    participants: pd.DataFrame
    sensitive: pd.DataFrame
    outcomes: pd.DataFrame

    def for_engine(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Participants, migrant flags and outcomes as the engine takes them."""
        return (
            self.participants[list(PROFILE_COLUMNS)],
            self.sensitive,
            self.outcomes.drop(columns="id"),
        )

    def tally(self) -> dict[str, list[int]]:
        """Row counts and column sums that :func:`database_tally` gives for the same rows."""
        people, outcomes = self.participants, self.outcomes
        return {
            "participants": [
                len(people),
                int(people["participant_id"].sum()),
                int(people["version"].sum()),
            ],
            "sensitive": [len(self.sensitive), int(self.sensitive["migrant"].sum())],
            "outcomes": [len(outcomes), int(outcomes["id"].sum())],
        }


def start_tables(
    session: Session, data_dir: Path, version: int, say: Callable[[str], None] = log.info
) -> StartTables:
    """The engine's tables as of feed ``version`` (read just before this call): the
    saved files brought up to date when they can be trusted, else the database's."""
    saved = _read_saved(session, data_dir, version)
    if saved is not None:
        tables, since = saved
        patched = _patched(session, tables, since, version)
        if patched is None:
            say(f"saved tables: too much changed since feed version {since}; reading the database")
        else:
            tables, changed, erased = patched
            if tables.tally() == database_tally(session):
                say(f"read the tables saved at feed version {since}, {changed} participants anew")
                if erased or changed > REFRESH_SHARE * len(tables.participants):
                    _save(data_dir, tables, version, session)
                return tables
            log.warning("saved tables disagree with the database; reading the database")
    tables = read_tables(session)
    _save(data_dir, tables, version, session)
    return tables


def read_tables(session: Session) -> StartTables:
    """The engine's tables read out of the database."""
    return StartTables(
        engine_participants(session, keep=("version",)),
        migrant_flags(session),
        read_frame(session, OUTCOME_ROWS, order_by=OutcomeRow.id),
    )


def database_tally(session: Session) -> dict[str, list[int]]:
    """Row counts and id (and record version) sums of the tables the engine reads."""

    def row(*columns) -> list[int]:
        return [int(v or 0) for v in session.execute(select(*columns)).one()]

    return {
        "participants": row(
            func.count(), func.sum(ParticipantRow.id), func.sum(ParticipantRow.version)
        ),
        "sensitive": row(func.count(), func.sum(cast(SensitiveRow.migrant, Integer))),
        "outcomes": row(func.count(), func.sum(OutcomeRow.id)),
    }


# ---------------------------------------------------------------------- patching
def _patched(
    session: Session, saved: StartTables, since: int, upto: int
) -> tuple[StartTables, int, bool] | None:
    """``saved`` with the records the feed names as changed in (since, upto] read
    anew; with how many participants changed and whether any was erased. None when so
    many changed that reading everything is quicker."""
    changes = session.execute(
        select(ChangeRow.kind, ChangeRow.entity_id).where(
            ChangeRow.version > since,
            ChangeRow.version <= upto,
            ChangeRow.kind.in_((PARTICIPANT, OUTCOME)),
        )
    ).all()
    people = sorted({e for kind, e in changes if kind == PARTICIPANT})
    events = sorted({e for kind, e in changes if kind == OUTCOME})
    if not people and not events:
        return saved, 0, False
    if len(people) > PATCH_LIMIT_SHARE * max(len(saved.participants), 1):
        return None
    fresh = _in_chunks(people, lambda ids: engine_participants(session, ids, keep=("version",)))
    flags = _in_chunks(people, lambda ids: migrant_flags(session, ids))
    old = saved.outcomes
    stale = old["participant_id"].isin(people) | old["id"].isin(events)
    tables = StartTables(
        _replaced(saved.participants, "participant_id", people, fresh),
        _replaced(saved.sensitive, "participant_id", people, flags),
        _replaced(old, "id", stale, _outcomes_of(session, people, events)),
    )
    present = set(fresh["participant_id"].tolist()) if len(fresh) else set()
    return tables, len(people), not present.issuperset(people)


def _outcomes_of(session: Session, people: list[int], events: list[int]) -> pd.DataFrame:
    """The outcome events of ``people`` and the events ``events``, each once."""
    found = [
        _in_chunks(ids, lambda chunk, key=key: read_frame(session, OUTCOME_ROWS, key.in_(chunk)))
        for ids, key in ((people, OutcomeRow.participant_id), (events, OutcomeRow.id))
    ]
    found = [frame for frame in found if len(frame)]
    return pd.concat(found).drop_duplicates("id") if found else pd.DataFrame()


def _in_chunks(ids: list[int], read: Callable[[list[int]], pd.DataFrame]) -> pd.DataFrame:
    frames = [read(ids[at : at + IDS_PER_QUERY]) for at in range(0, len(ids), IDS_PER_QUERY)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _replaced(
    frame: pd.DataFrame, key: str, drop: Sequence[int] | pd.Series, fresh: pd.DataFrame
) -> pd.DataFrame:
    """``frame`` without the ``drop`` rows (a mask, or keys) and with ``fresh`` (in the
    frame's types: a few fresh rows may hold only missing ratings, say), in key order as
    the database reads it."""
    keep = ~drop if isinstance(drop, pd.Series) else ~frame[key].isin(drop)
    parts = [frame[keep]] + ([fresh[frame.columns].astype(frame.dtypes)] if len(fresh) else [])
    return pd.concat(parts).sort_values(key, kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------- files
def _read_saved(session: Session, data_dir: Path, version: int) -> tuple[StartTables, int] | None:
    found = saved_manifest(data_dir)
    if found is None:
        return None
    folder, manifest = found
    if manifest.get("layout") != LAYOUT or manifest.get("schema") != _schema(session):
        return None
    since = int(manifest["feed_version"])
    if since > version:
        log.warning("saved tables are newer than the database's change feed; not using them")
        return None
    return StartTables(*(read_saved_table(folder, f.name) for f in fields(StartTables))), since


def _save(data_dir: Path, tables: StartTables, version: int, session: Session) -> None:
    frames = {f.name: getattr(tables, f.name) for f in fields(StartTables)}
    manifest = {"layout": LAYOUT, "feed_version": version, "schema": _schema(session)}
    save_tables(data_dir, frames, manifest)


def _schema(session: Session) -> str | None:
    """The database's Alembic revision."""
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()
