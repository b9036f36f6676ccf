"""What every engine capability reads: the pool, the index, the challenges, the scorer.

:class:`EngineState` holds the engine's shared parts and the few lookups all
capabilities need (a challenge, its vector, the pool rows of participant ids, the
feature matrix). The capabilities (shortlists, niches, teams, index sync) are
functions over it, and :class:`~matching.engine.Matcher` is the facade that wires
them to settings and files. One re-entrant lock guards it: pool rows are renumbered
by compaction, so every read of rows holds the lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

import numpy as np

from matching.challenge_view import ChallengeView
from matching.domain.catalogue import Catalogue, load_catalogue
from matching.features import pair_features
from matching.history import CompanyRecord, OutcomeHistory
from matching.index_saving import IndexSaving
from matching.milvus_index import MilvusParticipantIndex, milvus_uri
from matching.niches import NicheCatalogueIndex
from matching.pool import ParticipantPool
from matching.retrieval import Mode, ParticipantIndex
from matching.rules import ProgrammeRules
from matching.scoring import FallbackScorer, Scorer, stage_chances
from matching.text.profiles import ProfileReader
from matching.text.reader import text_reader
from models.embedder import Embedder

KEPT_SHORTLISTS = 256
# an edition's standings hold every one of its challenges' scored candidates
KEPT_EDITIONS = 8
T = TypeVar("T")


class KeptResults:
    """Results kept for reuse while the engine's state stays as it was, oldest dropped
    first past ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The result kept under ``key``, made by ``make`` the first time."""
        value = self._items.get(key)
        if value is None:
            value = make()
            self._items[key] = value
            if len(self._items) > self.limit:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        self._items.clear()


class UnknownIdError(KeyError):
    """A participant or challenge the engine does not know."""

    def __str__(self) -> str:
        return str(self.args[0])


class EngineState:
    """The engine's parts over one programme.

    Parameters
    ----------
    embedder:
        Sentence embedder for profiles, challenges and skill phrases.
    data_dir:
        Where the index, the models and the embedding cache live (None: nothing is
        loaded or saved, useful for throw-away evaluations).
    """

    def __init__(
        self,
        embedder: Embedder,
        data_dir: Path | None = None,
        catalogue: Catalogue | None = None,
        index_mode: Mode = "auto",
        exact_limit: int = 20_000,
        hnsw_m: int = 32,
        hnsw_ef_construction: int = 200,
        hnsw_ef_search: int = 128,
        retrieve_k: int = 500,
        rules: ProgrammeRules | None = None,
        fairness_rerank: bool = True,
        vector_store: str = "faiss",
        save_delay_s: float = 0.0,
    ) -> None:
        self.embedder = embedder
        self.vector_store = vector_store
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.catalogue = catalogue or load_catalogue()
        self.profiles = ProfileReader(
            self.catalogue, text_reader(self.catalogue.data_dir), embedder
        )
        self.retrieve_k = retrieve_k
        self.rules = rules or ProgrammeRules.default()
        self.fairness_rerank = fairness_rerank
        self.index_args = dict(
            mode=index_mode,
            exact_limit=exact_limit,
            hnsw_m=hnsw_m,
            ef_construction=hnsw_ef_construction,
            ef_search=hnsw_ef_search,
        )
        self.pool = ParticipantPool()
        self.history = OutcomeHistory(self.rule_chances)
        self.challenges: dict[int, ChallengeView] = {}
        # the embedder cache's key of each participant whose profile vector it keeps, so
        # an erasure can drop that vector too; keys, not the documents themselves, which
        # at a million people would take gigabytes
        self.profile_keys: dict[int, bytes] = {}
        self.index = self.empty_index()
        self.scorer: Scorer = FallbackScorer()
        self.trained_scorer: Scorer | None = None  # the trained ranker, used when on
        self.no_ranker_reason: str | None = None  # why a saved ranker could not be used
        self.promotion: dict | None = None  # the latest retrain's promotion decision
        self.learned_on, self.learned_off_reason = True, ""
        self.niche_model = None
        self.niche_model_version: str | None = None
        self._niche_index: NicheCatalogueIndex | None = None
        self.lock = threading.RLock()
        self.saving = IndexSaving(self, save_delay_s)
        self.revision = 0  # moves on with every change of state (see matching.engine)
        # results made at the current revision: shortlists; editions' standings and plans
        self.kept_shortlists = KeptResults(KEPT_SHORTLISTS)
        self.kept_editions = KeptResults(KEPT_EDITIONS)

    def moved_on(self) -> None:
        """The state changed: nothing made before is served again."""
        with self.lock:
            self.revision += 1
            self.kept_shortlists.clear()
            self.kept_editions.clear()

    def state_key(self) -> tuple:
        """What a kept result depends on besides its own request: the revision, and the
        scorer, the re-rank switch and the history window, which the evaluation sets
        directly."""
        return (self.revision, self.scorer, self.fairness_rerank, self.history.since)

    @property
    def max_k(self) -> int:
        """The longest shortlist the engine makes (the programme's limit)."""
        return self.rules.max_shortlist_k

    # --------------------------------------------------------------------- paths
    def _path(self, name: str) -> Path:
        if self.data_dir is None:
            raise RuntimeError("this engine has no data dir")
        return self.data_dir / name

    @property
    def index_root(self) -> Path:
        return self._path("index" if self.vector_store == "faiss" else "index-milvus")

    @property
    def models_root(self) -> Path:
        return self._path("models")

    @property
    def cache_file(self) -> Path:
        return self._path("cache") / "embeddings.npz"

    @property
    def readings_file(self) -> Path:
        return self._path("cache") / "readings.npz"

    def empty_index(self) -> ParticipantIndex | MilvusParticipantIndex:
        """A new, empty index in the configured vector store."""
        if self.vector_store == "faiss":
            return ParticipantIndex(
                self.embedder.dimension, model_name=self.embedder.name, **self.index_args
            )
        args = self.index_args
        return MilvusParticipantIndex(
            milvus_uri(self.vector_store),
            self.embedder.dimension,
            self.embedder.name,
            hnsw_m=args["hnsw_m"],
            ef_construction=args["ef_construction"],
            ef_search=args["ef_search"],
        )

    def saved_index(self) -> ParticipantIndex | MilvusParticipantIndex | None:
        """The newest saved index of the configured vector store that verifies."""
        if self.vector_store == "faiss":
            return ParticipantIndex.load(self.index_root, self.embedder.name)
        uri = milvus_uri(self.vector_store)
        return MilvusParticipantIndex.load(self.index_root, uri, self.embedder.name)

    def save(self, erasure: bool = False) -> None:
        """Persist the index (new artefact version) and the embedding cache now. After
        an ``erasure`` only the new index version is kept: the older ones still hold
        the erased person's vector."""
        self.saving.now(erasure)

    def save_later(self) -> None:
        """Persist the index and the cache within seconds, without holding up requests
        for the writing (see :mod:`matching.index_saving`)."""
        self.saving.later()

    # ------------------------------------------------------------------- lookups
    def challenge(self, challenge_id: int) -> ChallengeView:
        try:
            return self.challenges[int(challenge_id)]
        except KeyError:
            raise UnknownIdError(f"challenge {challenge_id} is not known") from None

    def challenge_vector(self, challenge_id: int) -> np.ndarray:
        return self.embedder.encode([self.challenge(challenge_id).text])[0]

    def rows_of(self, participant_ids) -> np.ndarray:
        try:
            return self.pool.rows(participant_ids)
        except KeyError as exc:
            raise UnknownIdError(f"participant {exc.args[0]} is not known") from None

    def features(self, challenge_id: int, participant_ids) -> np.ndarray:
        """Feature matrix for the given participants and one challenge."""
        with self.lock:  # pool rows are valid only until the next update
            company = self.company_record(challenge_id)
            return self._features(challenge_id, participant_ids, company, with_text=True)

    def rule_chances(self, challenge_id: int, participant_ids) -> np.ndarray:
        """The fallback rules' chances of completing (given joined) and of being hired
        (given completed), from the record's own fields: what the history measures each
        company's outcomes against. No company record enters, nor the text similarity:
        it moves with the background itself (education and experience show in the words
        people write), so measured against it part of a company's taste would be
        explained away (without it, NDCG@10 on the temporal folds of the seed-3 and
        seed-5 city programmes rose by 0.002 and 0.0045)."""
        with self.lock:
            x = self._features(challenge_id, participant_ids, CompanyRecord(), with_text=False)
            return stage_chances(FallbackScorer().stages(x))[:, 1:]

    def _features(
        self, challenge_id: int, participant_ids, company: CompanyRecord, with_text: bool
    ) -> np.ndarray:
        ids = np.asarray(participant_ids, dtype=np.int64)
        rows = self.rows_of(ids)
        similarity = np.zeros(len(ids))
        if with_text and len(ids):
            similarity = self.index.vectors(ids) @ self.challenge_vector(challenge_id)
        return pair_features(
            self.pool,
            rows,
            self.challenge(challenge_id),
            similarity,
            len(self.catalogue.skills),
            company,
        )

    def company_record(self, challenge_id: int) -> CompanyRecord:
        """The challenge's company's record from the editions before the challenge's."""
        view = self.challenge(challenge_id)
        return self.history.record(view.company_id, view.edition_id, self.pool, self.challenges)

    def niche_catalogue_index(self) -> NicheCatalogueIndex:
        """Niche skill masks and description vectors, prepared on first use."""
        if self._niche_index is None:
            vectors = np.stack(
                [
                    self.embedder.encode([n.text(lang) for n in self.catalogue.niches])
                    for lang in ("en", "es")
                ]
            )
            self._niche_index = NicheCatalogueIndex(self.catalogue, vectors)
        return self._niche_index
