"""The engine: one ``Matcher`` owns the embedder, the index, the pool and the scorer.

The API, the CLI and the evaluation all use this object; there is no second
implementation of scoring. A shortlist runs: embed the challenge -> retrieve with FAISS
(edition, availability and consent filters) -> set thin profiles apart -> compute
features for all candidates at once -> score -> fairness re-rank -> explain the top k.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from matching.domain import (
    Candidate,
    InsufficientProfile,
    NicheRanking,
    Shortlist,
    Team,
    TeamMember,
    TeamPlan,
)
from matching.explanations import explain, factor_effects
from matching.fairness import fair_top_k
from matching.features import FEATURES, pair_features
from matching.niches import (
    NICHE_FEATURES,
    NICHE_KIND,
    NicheCatalogueIndex,
    niche_features,
    rank_niches,
    similarity_scores,
)
from matching.pool import PROFILE_COLUMNS, ChallengeView, ParticipantPool, profile_document
from matching.retrieval import Mode, ParticipantIndex, SearchFilter
from matching.scoring import FallbackScorer, LearnedScorer, Scorer, expected_stages
from matching.settings import Settings
from matching.taxonomy import SkillTaxonomy
from matching.teams import TeamProblem, greedy, independent_shortlists, solve
from models.embedder import Embedder
from models.registry import load_estimator
from training_data.catalogue import Catalogue, load_catalogue

log = logging.getLogger(__name__)

RANKER_KIND = "outcome-ranker"
MAX_INSUFFICIENT_LISTED = 100


class UnknownIdError(KeyError):
    """A participant or challenge the engine does not know."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class SyncReport:
    """What bringing the index in line with the participant records changed."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    flags: int = 0
    rebuilt: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.flags or self.rebuilt)


def _fingerprint(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "little", signed=True
    )


class Matcher:
    """Recommendation engine over one programme.

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
        max_k: int = 200,
        fairness_rerank: bool = True,
    ) -> None:
        self.embedder = embedder
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.catalogue = catalogue or load_catalogue()
        self.taxonomy = SkillTaxonomy(self.catalogue, embedder)
        self.retrieve_k = retrieve_k
        self.max_k = max_k
        self.fairness_rerank = fairness_rerank
        self._index_args = dict(
            mode=index_mode,
            exact_limit=exact_limit,
            hnsw_m=hnsw_m,
            ef_construction=hnsw_ef_construction,
            ef_search=hnsw_ef_search,
        )
        self.pool = ParticipantPool()
        self.challenges: dict[int, ChallengeView] = {}
        self.documents: dict[int, str] = {}
        self.index = self._empty_index()
        self.scorer: Scorer = FallbackScorer()
        self.niche_model = None
        self.niche_model_version: str | None = None
        self._niche_index: NicheCatalogueIndex | None = None
        self._lock = threading.RLock()

    @classmethod
    def from_settings(cls, settings: Settings, load_models: bool = True) -> Matcher:
        """The engine as configured; loads the embedding cache and the newest models."""
        matcher = cls(
            Embedder(settings.model_path, settings.embedding_batch_size),
            data_dir=settings.data_dir,
            exact_limit=settings.exact_search_limit,
            hnsw_m=settings.hnsw_m,
            hnsw_ef_construction=settings.hnsw_ef_construction,
            hnsw_ef_search=settings.hnsw_ef_search,
            retrieve_k=settings.retrieve_k,
            max_k=settings.max_shortlist_k,
            fairness_rerank=settings.fairness_rerank,
        )
        if matcher.data_dir is not None:
            matcher.embedder.load_cache(matcher.cache_file)
        if load_models:
            matcher.load_models()
        return matcher

    # --------------------------------------------------------------------- paths
    def _path(self, name: str) -> Path:
        if self.data_dir is None:
            raise RuntimeError("this engine has no data dir")
        return self.data_dir / name

    @property
    def index_root(self) -> Path:
        return self._path("index")

    @property
    def models_root(self) -> Path:
        return self._path("models")

    @property
    def cache_file(self) -> Path:
        return self._path("cache") / "embeddings.npz"

    def _empty_index(self) -> ParticipantIndex:
        return ParticipantIndex(
            self.embedder.dimension, model_name=self.embedder.name, **self._index_args
        )

    # -------------------------------------------------------------------- models
    def load_models(self) -> None:
        """Use the newest valid ranker (and niche model) in the data dir, if any."""
        if self.data_dir is None:
            return
        loaded = load_estimator(self.models_root / "ranker", RANKER_KIND)
        niche = load_estimator(self.models_root / "niches", NICHE_KIND)
        with self._lock:
            if loaded is None:
                self.scorer = FallbackScorer()
            else:
                ranker, artefact = loaded
                self.scorer = LearnedScorer(ranker, artefact.version)
            if niche is None:
                self.niche_model, self.niche_model_version = None, None
            else:
                self.niche_model, self.niche_model_version = niche[0], niche[1].version

    def use_ranker(self, ranker, version: str) -> None:
        with self._lock:
            self.scorer = LearnedScorer(ranker, version)

    def use_niche_model(self, model, version: str | None) -> None:
        """Switch niche ranking to ``model`` (None: back to catalogue similarity)."""
        with self._lock:
            self.niche_model, self.niche_model_version = model, version

    # ---------------------------------------------------------------- programme
    def _documents_and_skills(self, frame: pd.DataFrame) -> tuple[list[str], list[list[int]]]:
        skills = self.taxonomy.profile_skills_many(
            frame["skills"].tolist(),
            frame["skills_text"].tolist(),
            frame["profile_text"].fillna("").tolist(),
        )
        return profile_document(frame, self.catalogue, skills), skills

    def add_challenges(self, challenges: pd.DataFrame) -> None:
        """Add or replace challenges (table columns of the ``challenges`` table)."""
        views = [
            ChallengeView.from_record(rec, self.catalogue) for rec in challenges.to_dict("records")
        ]
        with self._lock:
            for view in views:
                self.challenges[view.challenge_id] = view

    def load_programme(
        self,
        participants: pd.DataFrame,
        challenges: pd.DataFrame,
        sensitive: pd.DataFrame | None = None,
        persist: bool = True,
    ) -> SyncReport:
        """Build the pool from participant records and bring the index in line with them.

        A saved index is reused when it matches; differences (a crash between a database
        write and an index write, say) are repaired and logged.
        """
        with self._lock:
            self.pool = ParticipantPool()
            self.challenges = {}
            self.documents = {}
            self.add_challenges(challenges)
            report = self._add_participants(participants, sensitive, sync=True, persist=persist)
        return report

    def upsert_participants(
        self,
        participants: pd.DataFrame,
        sensitive: pd.DataFrame | None = None,
        persist: bool = True,
    ) -> None:
        """Add or replace participants in the pool and the index."""
        with self._lock:
            self._add_participants(participants, sensitive, sync=False, persist=persist)

    def _add_participants(
        self, frame: pd.DataFrame, sensitive: pd.DataFrame | None, sync: bool, persist: bool
    ) -> SyncReport:
        missing = [c for c in PROFILE_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"participant records lack columns: {', '.join(missing)}")
        frame = frame.reset_index(drop=True)
        docs, skills = self._documents_and_skills(frame)
        migrant = None
        if sensitive is not None and len(sensitive):
            flags = dict(zip(sensitive["participant_id"], sensitive["migrant"], strict=True))
            migrant = np.array([bool(flags.get(p, False)) for p in frame["participant_id"]])
        self.pool.add_frame(frame[list(PROFILE_COLUMNS)], skills, migrant)
        ids = frame["participant_id"].to_numpy(dtype=np.int64)
        self.documents.update(zip(ids.tolist(), docs, strict=True))
        prints = np.array([_fingerprint(d) for d in docs], dtype=np.int64)
        flags = {
            "editions": frame["edition_id"].to_numpy(dtype=np.int64),
            "available": frame["available"].to_numpy(dtype=bool),
            "consent": frame["consent_share"].to_numpy(dtype=bool),
        }
        if sync:
            report = self._sync_index(ids, docs, prints, flags, persist)
        else:
            self.index.upsert(ids, self.embedder.encode(docs), fingerprints=prints, **flags)
            report = SyncReport(added=len(ids))
            if persist:
                self.save()
        return report

    def _sync_index(self, ids, docs, prints, flags, persist: bool) -> SyncReport:
        report = SyncReport()
        saved = (
            ParticipantIndex.load(self.index_root, self.embedder.name)
            if persist and self.data_dir is not None
            else None
        )
        if saved is None:
            self.index = self._empty_index()
            if len(ids):
                self.index.upsert(ids, self.embedder.encode(docs), fingerprints=prints, **flags)
            report.rebuilt, report.added = True, len(ids)
        else:
            self.index = saved
            records = pd.DataFrame(
                {
                    "participant_id": ids,
                    "fp": prints,
                    "ed": flags["editions"],
                    "av": flags["available"],
                    "co": flags["consent"],
                    "pos": np.arange(len(ids)),
                }
            )
            both = records.merge(saved.table(), on="participant_id", how="left")
            known = both["fingerprint"].notna().to_numpy()
            stale = (
                ~known
                | (both["fingerprint"] != both["fp"]).to_numpy()
                | (both["edition"] != both["ed"]).to_numpy()
            )
            if stale.any():
                pos = both.loc[stale, "pos"].to_numpy()
                self.index.upsert(
                    ids[pos],
                    self.embedder.encode([docs[i] for i in pos]),
                    fingerprints=prints[pos],
                    **{k: v[pos] for k, v in flags.items()},
                )
                report.updated = int((stale & known).sum())
                report.added = int((stale & ~known).sum())
            wrong = (
                known
                & ~stale
                & (
                    (both["available"] != both["av"]).to_numpy()
                    | (both["consent"] != both["co"]).to_numpy()
                )
            )
            for row in both[wrong].itertuples():
                self.index.set_flags(
                    row.participant_id, available=bool(row.av), consent=bool(row.co)
                )
            report.flags = int(wrong.sum())
            report.removed = self.index.remove(np.setdiff1d(self.index.ids, ids))
            if report.changed:
                report.notes.append(
                    f"index repaired from the records: {report.added} added, {report.updated} "
                    f"re-embedded, {report.removed} removed, {report.flags} flags corrected"
                )
                log.warning(report.notes[-1])
        if persist and report.changed and self.data_dir is not None:
            self.save()
        return report

    def remove_participant(self, participant_id: int, persist: bool = True) -> bool:
        """Erase a participant from the pool, the index and the embedding cache."""
        with self._lock:
            present = self.pool.remove(participant_id)
            self.index.remove([participant_id])
            doc = self.documents.pop(participant_id, None)
            if doc is not None:
                self.embedder.forget([doc])
            if persist and self.data_dir is not None:
                self.save()
            return present

    def set_participant_flags(
        self,
        participant_id: int,
        available: bool | None = None,
        consent: bool | None = None,
        migrant: bool | None = None,
        persist: bool = True,
    ) -> None:
        """Change availability, consent or the migrant flag without re-embedding."""
        with self._lock:
            if participant_id not in self.pool.row_of:
                raise UnknownIdError(f"participant {participant_id} is not known")
            flags = {
                k: v for k, v in (("available", available), ("consent", consent)) if v is not None
            }
            if flags:
                self.index.set_flags(participant_id, **flags)
                self.pool.set_flags(participant_id, **flags)
            if migrant is not None:
                self.pool.set_flags(participant_id, migrant=migrant)
            if persist and flags and self.data_dir is not None:
                self.save()

    def save(self) -> None:
        """Persist the index (new artefact version) and the embedding cache."""
        with self._lock:
            self.index.save(self.index_root)
            self.embedder.save_cache(self.cache_file)

    # ------------------------------------------------------------------- scoring
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
        ids = np.asarray(participant_ids, dtype=np.int64)
        with self._lock:  # pool rows are valid only until the next update
            rows = self.rows_of(ids)
            similarity = (
                self.index.vectors(ids) @ self.challenge_vector(challenge_id)
                if len(ids)
                else np.zeros(0)
            )
            return pair_features(
                self.pool,
                rows,
                self.challenge(challenge_id),
                similarity,
                len(self.catalogue.skills),
            )

    def score_matrix(self, challenge_ids, participant_ids) -> np.ndarray:
        """Expected stages (len(participants) x len(challenges)) with one scorer call;
        NaN for thin profiles."""
        with self._lock:
            ids = np.asarray(participant_ids, dtype=np.int64)
            x = np.vstack([self.features(int(c), ids) for c in challenge_ids])
            key = expected_stages(self.scorer.stages(x)).reshape(len(challenge_ids), len(ids)).T
            key[self.pool.insufficient(self.rows_of(ids))] = np.nan
            return key

    def score(self, challenge_id: int, participant_ids) -> pd.DataFrame:
        """Stage probabilities and the ranking key for given participants (no retrieval).

        Thin profiles get NaN scores: the engine does not invent a score for them.
        """
        with self._lock:
            ids = np.asarray(participant_ids, dtype=np.int64)
            x = self.features(challenge_id, ids)
            stages = self.scorer.stages(x) if len(ids) else np.zeros((0, 3))
            thin = self.pool.insufficient(self.rows_of(ids))
            stages[thin] = np.nan
            return pd.DataFrame(
                {
                    "participant_id": ids,
                    "expected": expected_stages(stages),
                    "p_join": stages[:, 0],
                    "p_complete": stages[:, 1],
                    "p_hire": stages[:, 2],
                    "similarity": x[:, FEATURES.index("similarity")] if len(ids) else [],
                    "insufficient": thin,
                }
            )

    def shortlist(
        self,
        challenge_id: int,
        k: int = 10,
        consent_only: bool = False,
        fairness: bool | None = None,
        whole_programme: bool = False,
        language: str = "en",
    ) -> Shortlist:
        """Ranked, explained candidates for a challenge.

        ``consent_only`` keeps participants who agreed to share with companies;
        ``whole_programme`` searches every edition instead of the challenge's own.
        """
        if not 1 <= k <= self.max_k:
            raise ValueError(f"k must be between 1 and {self.max_k}")
        with self._lock:
            ch = self.challenge(challenge_id)
            flt = SearchFilter(
                edition_id=None if whole_programme else ch.edition_id,
                available_only=True,
                consent_only=consent_only,
            )
            ids, sims = self.index.search(
                self.challenge_vector(challenge_id), max(k, self.retrieve_k), flt
            )
            keep = ids[0] >= 0
            ids, sims = ids[0][keep], sims[0][keep]
            rows = self.pool.rows(ids)
            thin = self.pool.insufficient(rows)
            rows, ids, sims = rows[~thin], ids[~thin], sims[~thin]
            x = pair_features(self.pool, rows, ch, sims, len(self.catalogue.skills))
            stages = self.scorer.stages(x) if len(rows) else np.zeros((0, 3))
            key = expected_stages(stages)
            migrant = self.pool.cols["migrant"][rows]
            use_fairness = self.fairness_rerank if fairness is None else fairness
            if use_fairness and len(rows):
                chosen, fair = fair_top_k(key, migrant, k, float(migrant.mean()))
            else:
                chosen = np.argsort(-key, kind="stable")[:k]
                fair = {"applied": False}
            explanations = explain(
                self.scorer, x, chosen, rows, self.pool, ch, self.catalogue, language
            )
            candidates = [
                Candidate(
                    participant_id=int(ids[c]),
                    rank=pos + 1,
                    score=round(float(key[c]) / 3.0, 4),
                    p_join=round(float(stages[c, 0]), 4),
                    p_complete=round(float(stages[c, 1]), 4),
                    p_hire=round(float(stages[c, 2]), 4),
                    similarity=round(float(sims[c]), 4),
                    matched_skills=e.matched,
                    missing_taught=e.missing_taught,
                    missing_untaught=e.missing_untaught,
                    reasons=e.reasons,
                    commute_minutes=int(x[c, FEATURES.index("commute_minutes")]),
                    schedule_fit=bool(x[c, FEATURES.index("schedule_fit")]),
                    spanish_level=("A1", "A2", "B1", "B2", "C1", "C2")[
                        int(x[c, FEATURES.index("spanish_level")])
                    ],
                )
                for pos, (c, e) in enumerate(zip(chosen, explanations, strict=True))
            ]
            return Shortlist(
                challenge_id=ch.challenge_id,
                edition_id=ch.edition_id,
                candidates=candidates,
                not_enough_information=self._thin_profiles(flt),
                scoring=self.scorer.description,
                model_version=self.scorer.version,
                index_version=self.index.version,
                pool_size=len(rows),
                fairness=fair,
            )

    def _thin_profiles(self, flt: SearchFilter) -> list[InsufficientProfile]:
        pool = self.pool
        mask = pool["alive"].copy()
        if flt.edition_id is not None:
            mask &= pool["edition"] == flt.edition_id
        if flt.available_only:
            mask &= pool["available"]
        if flt.consent_only:
            mask &= pool["consent"]
        rows = np.flatnonzero(mask)
        rows = rows[pool.insufficient(rows)][:MAX_INSUFFICIENT_LISTED]
        return [
            InsufficientProfile(
                participant_id=int(pool["ids"][r]), missing=pool.missing_information(r)
            )
            for r in rows
        ]

    # -------------------------------------------------------------------- niches
    def _niches(self) -> NicheCatalogueIndex:
        if self._niche_index is None:
            vectors = np.stack(
                [
                    self.embedder.encode([n.text(lang) for n in self.catalogue.niches])
                    for lang in ("en", "es")
                ]
            )
            self._niche_index = NicheCatalogueIndex(self.catalogue, vectors)
        return self._niche_index

    def niche_features(self, participant_ids) -> np.ndarray:
        """Every participant against the 13 niches ((n * 13) rows, participant-major)."""
        ids = np.asarray(participant_ids, dtype=np.int64)
        with self._lock:
            return niche_features(
                self.pool, self.rows_of(ids), self.index.vectors(ids), self._niches()
            )

    def niche_scores(self, participant_ids, learned: bool | None = None) -> np.ndarray:
        """(n, 13) niche scores: the model's chance of success, or catalogue similarity."""
        with self._lock:
            x = self.niche_features(participant_ids)
            use_model = self.niche_model is not None if learned is None else learned
            if use_model:
                frame = pd.DataFrame(x, columns=list(NICHE_FEATURES))
                proba = self.niche_model.predict_proba(frame)
                positive = list(self.niche_model.classes_).index(1)
                scores = proba[:, positive]
            else:
                scores = similarity_scores(x)
            return scores.reshape(-1, len(self.catalogue.niches))

    def niches(self, participant_id: int, language: str = "en") -> NicheRanking:
        """The 13 niches ranked for one participant, each with its reasons."""
        with self._lock:
            row = int(self.rows_of([participant_id])[0])
            x = self.niche_features([participant_id])
            scores = self.niche_scores([participant_id])[0]
            learned = self.niche_model is not None
            return rank_niches(
                participant_id,
                row,
                self.pool,
                x,
                scores,
                "learned" if learned else "similarity",
                self.niche_model_version,
                self.catalogue,
                language,
            )

    # --------------------------------------------------------------------- teams
    def team_problem(
        self,
        edition_id: int,
        min_share: float = 0.30,
        max_share: float | None = None,
        locks: list[tuple[int, int, bool]] = (),
        seats: dict[int, int] | None = None,
    ) -> TeamProblem:
        """The edition's available participants x its challenges, with predicted fit.

        ``locks`` are (participant id, challenge id, must_join); ``seats`` overrides team
        sizes per challenge id. Thin profiles get fit 0 (they still need a team).
        """
        with self._lock:
            challenges = sorted(c for c, v in self.challenges.items() if v.edition_id == edition_id)
            if not challenges:
                raise UnknownIdError(f"edition {edition_id} has no challenges")
            pool = self.pool
            rows = np.flatnonzero(
                pool["alive"] & pool["available"] & (pool["edition"] == edition_id)
            )
            ids = pool["ids"][rows]
            fit = np.nan_to_num(self.score_matrix(challenges, ids), nan=0.0)
            position = {int(p): i for i, p in enumerate(ids)}
            column = {c: j for j, c in enumerate(challenges)}
            must, must_not = [], []
            for pid, cid, join in locks:
                if pid not in position:
                    raise UnknownIdError(
                        f"participant {pid} is not an available member of edition {edition_id}"
                    )
                if cid not in column:
                    raise UnknownIdError(f"challenge {cid} is not in edition {edition_id}")
                (must if join else must_not).append((position[pid], column[cid]))
            sizes = np.array(
                [(seats or {}).get(c, self.challenges[c].seats) for c in challenges], dtype=int
            )
            return TeamProblem(
                fit,
                pool.cols["migrant"][rows].copy(),
                sizes,
                ids,
                np.array(challenges),
                min_share,
                max_share,
                tuple(must),
                tuple(must_not),
            )

    def team_plan(self, problem: TeamProblem, edition_id: int, language: str = "en") -> TeamPlan:
        """Solve ``problem`` and explain every member's place."""
        solution = solve(problem)
        _, greedy_objective = greedy(problem)
        independent, contested = independent_shortlists(problem)
        locked = set(problem.must)
        members_of = [
            np.flatnonzero(solution.assignment == j) for j in range(len(problem.challenge_ids))
        ]
        with self._lock:
            reasons = self._member_reasons(
                [
                    (int(cid), problem.participant_ids[members])
                    for cid, members in zip(problem.challenge_ids, members_of, strict=True)
                ],
                language,
            )
        teams = []
        for j, cid in enumerate(problem.challenge_ids):
            members = members_of[j]
            migrants = int(problem.migrant[members].sum())
            teams.append(
                Team(
                    challenge_id=int(cid),
                    seats=int(problem.seats[j]),
                    members=[
                        TeamMember(
                            participant_id=int(problem.participant_ids[i]),
                            fit=round(float(problem.fit[i, j]), 4),
                            migrant=bool(problem.migrant[i]),
                            locked=(i, j) in locked,
                            reasons=reasons[j][k],
                        )
                        for k, i in enumerate(members)
                    ],
                    migrants=migrants,
                    migrant_share=round(migrants / max(1, len(members)), 4),
                    required_migrants=int(problem.min_migrants[j]),
                    total_fit=round(float(problem.fit[members, j].sum()), 4),
                )
            )
        unassigned = problem.participant_ids[solution.assignment < 0]
        return TeamPlan(
            edition_id=edition_id,
            teams=teams,
            unassigned=[int(p) for p in unassigned],
            objective=round(solution.objective, 4),
            greedy_objective=round(greedy_objective, 4),
            independent_objective=round(independent, 4),
            fit_given_up=round(independent - solution.objective, 4),
            contested_participants=contested,
            optimality_gap=solution.gap,
            solver=solution.solver,
            seconds=round(solution.seconds, 3),
            min_migrant_share=problem.min_share,
            max_migrant_share=problem.max_share,
        )

    def _member_reasons(
        self, teams: list[tuple[int, np.ndarray]], language: str
    ) -> list[list[list[str]]]:
        """Top reasons for each member of each (challenge id, member ids) team, with one
        scorer call for all teams."""
        blocks = [(self.features(cid, ids), np.arange(len(ids))) for cid, ids in teams]
        effects = factor_effects(self.scorer, [b for b in blocks if len(b[1])])
        out = []
        for (cid, ids), (x, chosen) in zip(teams, blocks, strict=True):
            if not len(ids):
                out.append([])
                continue
            explanations = explain(
                self.scorer,
                x,
                chosen,
                self.rows_of(ids),
                self.pool,
                self.challenge(cid),
                self.catalogue,
                language,
                effects.pop(0),
            )
            out.append([[r.text for r in e.reasons[:3]] for e in explanations])
        return out

    def status(self) -> dict:
        """Versions and sizes, for the admin and readiness endpoints."""
        return {
            "scoring": self.scorer.kind,
            "model_version": self.scorer.version,
            "index_version": self.index.version,
            "index_type": self.index.factory,
            "indexed_participants": len(self.index),
            "pool_participants": len(self.pool.row_of),
            "challenges": len(self.challenges),
            "embedding_model": self.embedder.name,
            "niche_model_version": self.niche_model_version,
        }
