"""The change feed: how every engine follows the database.

Each worker process holds its own engine in memory. A write that changes what a
shortlist may return (a participant created, edited, re-consented or erased, a
challenge saved, an outcome recorded, a model published) adds a :class:`ChangeRow` in
the same transaction, so the feed and the records cannot disagree. Every engine applies
the feed in version order: the worker that made a write at once (it already updated its
engine before committing), the others within a poll interval. A change names what
changed, never its content: applying it reads the record as it stands now, so applying
a change twice, or late, gives the same engine.

On PostgreSQL, versions come from a sequence, which hands them out when a row is added,
not when its transaction commits; a follower could then see version 11 committed before
10 and skip 10 for good. Every transaction that adds to the feed therefore takes one
advisory lock first, so versions commit in order. SQLite has one writer at a time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.orm import Session, selectinload, sessionmaker

from matching.engine import Matcher
from service.db import challenge_frame, migrant_frame, outcome_frame, participant_frame
from service.kept_reads import KeptReads
from service.saved_tables import discard_saved_tables
from service.tables import ChallengeRow, ChangeRow, ParticipantRow
from service.without_waiting import WouldWaitError

log = logging.getLogger(__name__)

PARTICIPANT, CHALLENGE, OUTCOME, MODELS = "participant", "challenge", "outcome", "models"
# kinds that change no engine state, only what workers keep (see service.kept_reads)
KEY, CONTROLS, OVERRIDE = "key", "controls", "override"
FEED_LOCK = 0x4D494C4D41  # the advisory lock key ("MILMA") that orders feed versions


def record_changes(session: Session, kind: str, ids: Iterable[int | None]) -> list[int]:
    """Add changes of ``kind`` to the session's transaction; returns their versions."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK})
    rows = [{"kind": kind, "entity_id": entity} for entity in ids]
    if not rows:
        return []
    result = session.execute(insert(ChangeRow).returning(ChangeRow.version), rows)
    return list(result.scalars())


def record_change(session: Session, kind: str, entity_id: int | None = None) -> int:
    """Add one change to the session's transaction; returns its version."""
    return record_changes(session, kind, [entity_id])[0]


# built once: every recommending request asks it
NEWER_CHANGES = (
    select(ChangeRow.version, ChangeRow.kind, ChangeRow.entity_id)
    .where(ChangeRow.version > bindparam("applied"))
    .order_by(ChangeRow.version)
)


def latest_version(session: Session) -> int:
    """The newest committed version (0 for an empty feed)."""
    return session.scalar(select(func.coalesce(func.max(ChangeRow.version), 0)))


@dataclass
class FeedFollower:
    """Applies the feed to one engine and says how far it has got.

    ``applied`` is the newest version this engine reflects. A write made in this worker
    goes through :meth:`local_change`, which applies it here before its commit; the
    follower then skips its versions instead of applying them twice. The worker's
    :meth:`kept` reads are forgotten as changes of their kind arrive, from either side.
    """

    sessions: sessionmaker[Session]
    matcher: Matcher
    applied: int = 0
    _here: set[int] = field(default_factory=set)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _kept: dict[str, KeptReads] = field(default_factory=dict)
    _kept_lock: threading.Lock = field(default_factory=threading.Lock)
    _on_event_loop: threading.local = field(default_factory=threading.local)

    def kept(
        self,
        name: str,
        kind: str,
        read: Callable[[Session, list[Any]], Mapping[Any, Any]],
        by_id: bool = True,
    ) -> KeptReads:
        """This worker's kept reads called ``name``, made on first use. Asked by the
        event loop for every key it checks, so it never waits for the feed's lock."""
        reads = self._kept.get(name)
        if reads is None:
            with self._kept_lock:
                reads = self._kept.setdefault(name, KeptReads(kind, read, by_id))
        return reads

    def _forget(self, by_kind: Mapping[str, Iterable[int | None]]) -> None:
        with self._kept_lock:
            every = list(self._kept.values())
        for reads in every:
            if reads.kind in by_kind:
                reads.forget(by_kind[reads.kind])

    @contextmanager
    def local_change(self, session: Session, kind: str, ids: Iterable[int]) -> Iterator[None]:
        """A write made here: its changes join the session's transaction, the body
        applies them to this engine and commits, and they are then marked applied.

        Catching up waits meanwhile: it reads committed records only, and would otherwise
        put back the state this write is replacing."""
        ids = list(ids)
        with self._lock:
            versions = record_changes(session, kind, ids)
            yield
            self._forget({kind: ids})
            self._here.update(v for v in versions if v > self.applied)
            self._catch_up_quietly()  # and whatever other workers wrote meanwhile

    @contextmanager
    def without_applying(self) -> Iterator[None]:
        """For the event loop, which must not wait: catching up in this thread raises
        :class:`WouldWaitError` instead of applying changes, which can take long (the
        thread pool applies them)."""
        self._on_event_loop.refusing = True
        try:
            yield
        finally:
            self._on_event_loop.refusing = False

    def _catch_up_quietly(self) -> None:
        try:
            self.catch_up()
        except Exception:  # the write is committed; the next poll tries again
            log.exception("change feed: catching up failed; retrying on the next poll")

    def catch_up(self, session: Session | None = None) -> int:
        """Apply every committed change after :attr:`applied`; returns how many.

        A request that is about to recommend passes its own session, which saves a
        second connection per request; the poller and local writes open their own.
        Only applying takes the lock: when nothing is new, as between most requests,
        none waits for another."""
        reading = nullcontext(session) if session is not None else self.sessions()
        with reading as session:
            if not self._newer(session):
                return 0
            if getattr(self._on_event_loop, "refusing", False):
                raise WouldWaitError("the change feed has changes to apply")
            with self._lock:
                changes = self._newer(session)  # another thread may have applied them
                if not changes:
                    return 0
                foreign = [c for c in changes if c.version not in self._here]
                if foreign:
                    self._apply(session, foreign)
                self.applied = changes[-1].version
                self._here = {v for v in self._here if v > self.applied}
                return len(foreign)

    def _newer(self, session: Session) -> list:
        return session.connection().execute(NEWER_CHANGES, {"applied": self.applied}).all()

    def _apply(self, session: Session, changes) -> None:
        by_kind: dict[str, list[int]] = {}
        for change in changes:
            by_kind.setdefault(change.kind, []).append(change.entity_id)
        if PARTICIPANT in by_kind:
            self._apply_participants(session, sorted(set(by_kind[PARTICIPANT])))
        if CHALLENGE in by_kind:
            rows = session.scalars(
                select(ChallengeRow).where(ChallengeRow.id.in_(set(by_kind[CHALLENGE])))
            ).all()
            self.matcher.add_challenges(challenge_frame(list(rows)))
        if OUTCOME in by_kind:
            self.matcher.add_outcomes(outcome_frame(session, sorted(set(by_kind[OUTCOME]))))
        if MODELS in by_kind:
            self.matcher.load_models()
        self._forget(by_kind)

    def _apply_participants(self, session: Session, ids: list[int]) -> None:
        """Upsert the participants as their records stand; erase those with none. An
        erasure is saved at once, so no index file of this worker keeps the vector."""
        rows = session.scalars(
            select(ParticipantRow)
            .where(ParticipantRow.id.in_(ids))
            .options(selectinload(ParticipantRow.sensitive))
        ).all()
        if rows:
            self.matcher.upsert_participants(
                participant_frame(list(rows)), migrant_frame(rows), persist=False
            )
        present = {row.id for row in rows}
        erased = [pid for pid in ids if pid not in present]
        for pid in erased:
            self.matcher.remove_participant(pid, persist=False)
        if erased and self.matcher.data_dir is not None:
            discard_saved_tables(self.matcher.data_dir)
            self.matcher.save(erasure=True)

    # ------------------------------------------------------------------ polling
    def follow(self, every_seconds: float) -> None:
        """Catch up every ``every_seconds`` on a background thread until :meth:`stop`."""

        def loop() -> None:
            while not self._stop.wait(every_seconds):
                self._catch_up_quietly()

        self._thread = threading.Thread(target=loop, name="change-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
