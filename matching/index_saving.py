"""Writing the participant index and the embedding cache to disk without holding up
requests.

A new version of the index files is written after every change of the pool. At
100,000 participants that is some 200 MB of FAISS structure and 75 MB of cached
vectors, hashed and synced: 1.3 s, for which every shortlist waited behind the
engine's lock, and the caseworker who registered one person waited too. The database
is what is kept; the index files only spare a start from embedding everyone again, and
a start compares them with the records and re-embeds what they lack (see
:mod:`matching.index_sync`). So a single change (a person registered, edited, or made
unavailable) asks for a save *later*: one thread writes a copy of the index some
seconds after the first unsaved change, however many came in between, and only the
copying holds the engine's lock. An erasure is saved at once, and nothing older than
it is written after it: the erased person's vector must leave the disk with it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from matching.milvus_index import MilvusParticipantIndex
from matching.retrieval import ParticipantIndex
from models.artefacts import KEPT_VERSIONS
from models.embedder import Embedder

log = logging.getLogger(__name__)


class SavedEngine(Protocol):
    """What is saved of the engine (``matching.state.EngineState``), and where."""

    lock: threading.RLock
    index: ParticipantIndex | MilvusParticipantIndex
    embedder: Embedder

    @property
    def index_root(self) -> Path: ...
    @property
    def cache_file(self) -> Path: ...


class IndexSaving:
    """When and how the engine's index and embedding cache reach the disk.

    Lock order: the engine's lock, then this one's; a thread holding only this lock
    never waits for the engine's.
    """

    def __init__(self, engine: SavedEngine, delay_s: float) -> None:
        self.engine = engine
        self.delay_s = delay_s
        # run before each copy, without the engine's lock: the service applies the
        # changes other workers committed (an erasure above all), so that a copy
        # written to the shared data dir holds nothing they have removed
        self.before_copy: Callable[[], object] | None = None
        self._writing = threading.Lock()  # one version written at a time, in order
        self._wake = threading.Condition()
        self._unsaved = False
        self._thread: threading.Thread | None = None  # the one saving thread

    def now(self, erasure: bool = False) -> None:
        """Write the index and the cache before returning (after an ``erasure`` only
        the new index version is kept: the older ones hold the erased person's
        vector)."""
        engine = self.engine
        with engine.lock, self._writing:
            keep = 1 if erasure else KEPT_VERSIONS
            engine.index.save(engine.index_root, self._described(), keep)
            engine.embedder.save_cache(engine.cache_file)
            self._unsaved = False

    def later(self) -> None:
        """Write the index and the cache within ``delay_s`` seconds, on the saving
        thread (at once when the delay is 0)."""
        if self.delay_s <= 0:
            self.now()
            return
        with self._wake:
            self._unsaved = True
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._save_when_due, name="index-saving", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def flush(self) -> None:
        """Stop the saving thread and write now what waits to be written (at close,
        and before the index is rebuilt)."""
        with self._wake:
            thread, self._thread = self._thread, None
            self._wake.notify()
        if thread is not None:
            thread.join()
        if self._unsaved:
            self.now()

    @property
    def unsaved(self) -> bool:
        """Whether changes wait to be written."""
        return self._unsaved

    def _save_when_due(self) -> None:
        me = threading.current_thread()

        def retired() -> bool:
            return self._thread is not me

        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._unsaved or retired())
                # the first unsaved change starts the clock; later ones ride along
                if retired() or self._wake.wait_for(retired, timeout=self.delay_s):
                    return
                if not self._unsaved:  # an erasure's save came first
                    continue
            try:
                self._save_copy()
            except Exception:
                log.exception("writing the participant index failed; it is tried again")
                self._unsaved = True

    def _save_copy(self) -> None:
        """Copy under the engine's lock, write with only the writing lock held."""
        engine = self.engine
        if self.before_copy is not None:
            self.before_copy()
        with engine.lock:
            self._writing.acquire()
            self._unsaved = False
            try:
                index = engine.index.snapshot(self._described())
                cache = engine.embedder.cache_snapshot()
            except BaseException:
                self._writing.release()
                raise
        try:
            index(engine.index_root, KEPT_VERSIONS)
            cache(engine.cache_file)
        finally:
            self._writing.release()

    def _described(self) -> dict:
        # each version says which model built it (matching.embedding_choice reads it)
        return {"model": self.engine.embedder.describe()}
