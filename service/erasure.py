"""What an erasure must reach beyond the rows it deletes, so that nothing under the
data dir can still be read back about the person.

- The database: SQLite runs with ``secure_delete`` (deleted content is overwritten with
  zeros, see :func:`service.db.make_engine`); the write-ahead log still holds the pages
  as they were, so after the erasure commits it is checkpointed into the database file
  and truncated. (PostgreSQL keeps dead rows until a vacuum: see the README.)
- The engine's files: the index keeps only a version without the person, the embedding
  cache and the saved readings drop their entries (:meth:`Matcher.remove_participant`);
  the saved start-up tables are deleted
  (:func:`~service.saved_tables.discard_saved_tables`).
- The generated programme the database was imported from, when it lies in the data dir:
  its tables are rewritten without the person.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from matching.settings import Settings
from training_data.dataset import drop_participants

log = logging.getLogger(__name__)


def checkpoint_log(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the database file and truncate it to nothing
    (waiting, as long as the busy timeout allows, for readers to leave it)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        log.warning("the write-ahead log could not be truncated after an erasure: a reader held it")


def scrub_programme(settings: Settings, participant_id: int) -> None:
    """Rewrite the data dir's generated programme without the person, if it holds them."""
    if (settings.programme_dir / "manifest.json").is_file():
        dropped = drop_participants(settings.programme_dir, [participant_id])
        if dropped:
            log.info("erasure: %d rows dropped from the programme's source files", dropped)
