"""Opening a data dir: database, programme import and a ready engine.

The CLI and the API both start here, so they see the same data: the database is the
record; a generated programme in ``<data dir>/programme`` is imported into an empty
database once; the engine's pool and index are then built from the database (read
through the tables saved at the last start, :mod:`service.saved_tables`), and the
index repaired if it disagrees with it.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from matching.engine import Matcher, SyncReport
from matching.settings import Settings
from matching.training import (
    TrainingResult,
    publish_niche_model,
    record_promotion,
    serving_incumbent,
    train_niche_model,
    train_ranker,
)
from service.change_feed import MODELS, FeedFollower, latest_version
from service.db import (
    engine_challenges,
    import_programme,
    is_empty,
    make_engine,
    migrate,
    session_factory,
    training_events,
)
from service.kept_reads import KeptByInputs
from service.saved_tables import discard_saved_tables
from service.start_tables import start_tables
from service.tables import ChallengeRow
from training_data.config import GeneratorConfig
from training_data.dataset import read_programme, write_programme
from training_data.generator import generate

log = logging.getLogger(__name__)

SERVED_JSON_LIMIT = 512  # reviewed shortlists whose JSON a worker keeps


@dataclass(frozen=True)
class ServedShortlist:
    """A reviewed shortlist as the API served it: its JSON and what its audit row
    names. Kept between requests as bytes and numbers, which the garbage collector
    never walks: keeping the answers themselves (hundreds of objects each) made its full
    passes over them cost more than making the answers."""

    body: bytes
    participant_ids: tuple[int, ...]
    model_version: str | None
    index_version: str | None


class NoProgrammeError(RuntimeError):
    """The data dir holds neither a database with a programme nor one to import."""


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    matcher: Matcher
    sync: SyncReport
    feed: FeedFollower
    # the JSON of reviewed shortlists served by the API, reused while the engine's state
    # and the corrections it was made from are unchanged
    served_json: KeptByInputs[tuple, ServedShortlist] = field(
        default_factory=lambda: KeptByInputs(SERVED_JSON_LIMIT)
    )
    # the database as the event loop may use it itself (see service.without_waiting):
    # on the embedded SQLite file statements take microseconds, and these never wait
    # for a writer; None on a database across the network, where each is a round trip
    loop_engine: Engine | None = None
    loop_sessions: sessionmaker[Session] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.loop_engine is not None:
            self.loop_sessions = session_factory(self.loop_engine)

    def close(self) -> None:
        self.feed.stop()
        self.matcher.saving.flush()  # changes whose index files wait to be written
        self.engine.dispose()
        if self.loop_engine is not None:
            self.loop_engine.dispose()


def ensure_database(
    settings: Settings, demo_if_empty: bool = False, say: Callable[[str], None] = log.info
) -> tuple[Engine, sessionmaker[Session], bool]:
    """Migrate the database and fill it if empty; returns (engine, sessions, imported)."""
    has_programme = (settings.programme_dir / "manifest.json").is_file()
    fresh_sqlite = settings.database_url is None and not (settings.data_dir / "milma.db").exists()
    if fresh_sqlite and not has_programme and not demo_if_empty:
        raise NoProgrammeError(
            f"{settings.data_dir} holds no programme: run `milma generate` first "
            "(or `milma serve`, which creates a demo programme)"
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        if not is_empty(session):
            return engine, sessions, False
        folder = settings.programme_dir
        if not has_programme:
            if not demo_if_empty:
                engine.dispose()
                raise NoProgrammeError(
                    f"{settings.data_dir} holds no programme: run `milma generate` first "
                    "(or `milma serve`, which creates a demo programme)"
                )
            say(f"empty data dir: generating a demo programme (seed {settings.demo_seed})")
            write_programme(generate(GeneratorConfig(seed=settings.demo_seed)), folder)
        count = import_programme(session, read_programme(folder))
        say(f"imported {count} participants from {folder}")
    return engine, sessions, True


def open_runtime(
    settings: Settings,
    demo_if_empty: bool = False,
    rebuild_index: bool = False,
    say: Callable[[str], None] = log.info,
    saved_tables: bool = True,
) -> Runtime:
    """Database + engine for ``settings``; the index is brought in line with the database.
    Without ``saved_tables`` the database is read instead of the tables the last start
    saved (which are then saved anew)."""
    engine, sessions, _ = ensure_database(settings, demo_if_empty, say)
    matcher = Matcher.from_settings(settings, say=say)
    if rebuild_index:
        _discard_index(settings)
    if not saved_tables:
        discard_saved_tables(settings.data_dir)
    with sessions() as session:
        # the feed's version first: a change committed while the tables are read is
        # applied again by the follower, which is harmless, instead of being missed
        version = latest_version(session)
        tables = start_tables(session, settings.data_dir, version, say)
        challenges = engine_challenges(session)
    participants, sensitive, outcomes = tables.for_engine()
    del tables
    report = matcher.load_programme(participants, challenges, sensitive, outcomes=outcomes)
    for note in report.notes:
        say(note)
    feed = FeedFollower(sessions, matcher, applied=version)
    matcher.saving.before_copy = feed.catch_up
    loop_engine = None
    if engine.dialect.name == "sqlite":
        loop_engine = make_engine(settings.sqlalchemy_url, wait_for_writers=False)
    return Runtime(settings, engine, sessions, matcher, report, feed, loop_engine=loop_engine)


def _discard_index(settings: Settings) -> None:
    """Delete saved index versions (FAISS files, or which Milvus collection is current)
    so the next load builds a fresh one."""
    shutil.rmtree(settings.index_dir, ignore_errors=True)
    shutil.rmtree(settings.data_dir / "index-milvus", ignore_errors=True)


def retrain(runtime: Runtime) -> TrainingResult:
    """Train the ranker and the niche model on every recorded outcome (and the
    caseworkers' exclusions that are labels); the ranker serves only when the promotion
    gate says so (:mod:`matching.promotion`), the niche model always. Returns the
    ranker's result (its ``artefact`` is None when it was not promoted)."""
    with runtime.sessions() as session:
        outcomes = training_events(session)
        editions = dict(session.execute(select(ChallengeRow.id, ChallengeRow.edition_id)).all())
    matcher = runtime.matcher
    result = train_ranker(matcher, outcomes, editions, incumbent=serving_incumbent(matcher))
    with runtime.sessions() as session, runtime.feed.local_change(session, MODELS, [None]):
        record_promotion(runtime.matcher, result)
        publish_niche_model(runtime.matcher, train_niche_model(runtime.matcher, outcomes, editions))
        session.commit()
    return result


def serving_version(runtime: Runtime) -> str | None:
    """The version of the trained ranker the engine holds (None: the rules score)."""
    scorer = runtime.matcher.trained_scorer
    return None if scorer is None else scorer.version


def reindex(runtime: Runtime) -> SyncReport:
    """Rebuild the participant index from the database."""
    runtime.matcher.saving.flush()  # no older copy may land in the emptied folder
    _discard_index(runtime.settings)
    with runtime.sessions() as session:
        version = latest_version(session)
        participants, sensitive, _ = start_tables(
            session, runtime.settings.data_dir, version
        ).for_engine()
        challenges = engine_challenges(session)
    runtime.sync = runtime.matcher.load_programme(participants, challenges, sensitive)
    runtime.feed.applied = max(runtime.feed.applied, version)
    return runtime.sync
