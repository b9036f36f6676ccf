"""The engine: one ``Matcher`` owns the embedder, the index, the pool and the scorer.

The API, the CLI and the evaluation all use this object; there is no second
implementation of scoring. It is a small facade: each capability lives in its own
module and works on the shared :class:`~matching.state.EngineState` —

- :mod:`matching.index_sync`: participant records into the pool and the index;
- :mod:`matching.shortlists`: retrieval, scoring, fairness re-rank, explanations;
- :mod:`matching.placements`: the challenges that suit one person, read off those lists;
- :mod:`matching.niche_ranking`: the 13 niches ranked for a participant;
- :mod:`matching.team_planning`: an edition's teams as one optimisation.

Every public method takes the engine lock, so requests never see a half-applied update.
Shortlists are kept for reuse (a caseworker reloads a page, a company opens its view)
until anything they depend on changes: every method that changes the engine's state
moves its revision on, and a shortlist is only reused at the revision it was made at.
"""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from matching import index_sync, niche_ranking, shortlists, team_planning
from matching.challenge_view import ChallengeView
from matching.domain.results import (
    ChallengeSuggestion,
    NicheRanking,
    Placements,
    Shortlist,
    SkillRef,
    TeamPlan,
    TextConcepts,
)
from matching.embedding_choice import embedding_model_path
from matching.index_sync import SyncReport
from matching.placements import ConfirmedTeams, person_placements
from matching.promotion import refusal_reason
from matching.rules import ProgrammeRules, TeamComposition
from matching.saved_models import RANKER_KIND, usable_models
from matching.scoring import FallbackScorer, LearnedScorer
from matching.settings import Settings
from matching.state import EngineState, UnknownIdError
from matching.team_problem import TeamProblem
from matching.text.reader import TextReading
from matching.text.summaries import describe, suggest_challenge
from models.embedder import Embedder
from models.registry import read_decision

log = logging.getLogger(__name__)


def _changes_state(method):
    """Mark a method that changes what recommendations are made from."""

    @functools.wraps(method)
    def changing(self: Matcher, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            self.moved_on()

    return changing


__all__ = ["RANKER_KIND", "Matcher", "SyncReport", "UnknownIdError"]


class Matcher(EngineState):
    """Recommendation engine over one programme (parameters: see
    :class:`~matching.state.EngineState`)."""

    @classmethod
    def from_settings(
        cls, settings: Settings, load_models: bool = True, say: Callable[[str], None] = log.info
    ) -> Matcher:
        """The engine as configured (its embedding model: see
        :mod:`matching.embedding_choice`); loads the embedding cache and the newest models."""
        path = embedding_model_path(settings, say)
        matcher = cls(
            Embedder(path, settings.embedding_batch_size, settings.embedding_cache_limit),
            data_dir=settings.data_dir,
            exact_limit=settings.exact_search_limit,
            hnsw_m=settings.hnsw_m,
            hnsw_ef_construction=settings.hnsw_ef_construction,
            hnsw_ef_search=settings.hnsw_ef_search,
            retrieve_k=settings.retrieve_k,
            rules=ProgrammeRules.from_settings(settings),
            fairness_rerank=settings.fairness_rerank,
            vector_store=settings.vector_store,
            save_delay_s=settings.index_save_seconds,
        )
        if matcher.data_dir is not None:
            matcher.embedder.load_cache(matcher.cache_file)
        if load_models:
            matcher.load_models()
        return matcher

    # -------------------------------------------------------------------- models
    @_changes_state
    def load_models(self) -> None:
        """Use the newest valid ranker (and niche model) in the data dir, if any."""
        if self.data_dir is None:
            return
        loaded, niche, stale = usable_models(self.models_root, self.embedder.name)
        promotion = read_decision(self.models_root)
        with self.lock:
            self.promotion = promotion
            if loaded is None:
                self.trained_scorer = None
            else:
                through = loaded[1].manifest.get("metrics", {}).get("trained_through_edition")
                self.trained_scorer = LearnedScorer(loaded[0], loaded[1].version, through)
            # a retrain since the stale version was saved: its refusal is the reason
            self.no_ranker_reason = (
                None
                if loaded is not None
                else refusal_reason(promotion)
                or (f"the saved ranker {stale[0]}; run `milma train`" if stale else None)
            )
            self._choose_scorer()
            if niche is None:
                self.niche_model, self.niche_model_version = None, None
            else:
                self.niche_model, self.niche_model_version = niche[0], niche[1].version

    @_changes_state
    def use_ranker(self, ranker, version: str, trained_through: int | None = None) -> None:
        with self.lock:
            self.trained_scorer = LearnedScorer(ranker, version, trained_through)
            self.no_ranker_reason = None
            self._choose_scorer()

    @_changes_state
    def note_promotion(self, record: dict) -> None:
        """The latest retrain's promotion decision; a refused ranker with none serving
        leaves the rules scoring, saying why."""
        with self.lock:
            self.promotion = record
            if self.trained_scorer is None:
                self.no_ranker_reason = refusal_reason(record)
                self._choose_scorer()

    def use_learned(self, on: bool, why: str = "") -> None:
        """The stop switch: score with the trained ranker (when there is one) or, off,
        with the fallback rules, saying ``why`` in every answer."""
        with self.lock:
            if (on, why) != (self.learned_on, self.learned_off_reason):  # asked every request
                self.learned_on, self.learned_off_reason = on, why
                self._choose_scorer()
                self.moved_on()

    def _choose_scorer(self) -> None:
        if self.trained_scorer is None:
            self.scorer = (
                FallbackScorer(self.no_ranker_reason) if self.no_ranker_reason else FallbackScorer()
            )
        elif self.learned_on:
            self.scorer = self.trained_scorer
        else:
            self.scorer = FallbackScorer(f"learned ranker switched off: {self.learned_off_reason}")

    @_changes_state
    def use_niche_model(self, model, version: str | None) -> None:
        """Switch niche ranking to ``model`` (None: back to catalogue similarity)."""
        with self.lock:
            self.niche_model, self.niche_model_version = model, version

    # ------------------------------------------------------------------ history
    @_changes_state
    def add_outcomes(self, outcomes: pd.DataFrame) -> None:
        """Add newly recorded outcome events to the history."""
        with self.lock:
            self.history.add(outcomes)

    # ---------------------------------------------------------------- programme
    @_changes_state
    def add_challenges(self, challenges: pd.DataFrame) -> None:
        """Add or replace challenges (table columns of the ``challenges`` table)."""
        views = [
            ChallengeView.from_record(rec, self.catalogue) for rec in challenges.to_dict("records")
        ]
        # embedded now, in one batch (and kept by the cache): a first shortlist of a
        # challenge then costs no forward pass of the model
        self.embedder.encode([view.text for view in views])
        with self.lock:
            for view in views:
                self.challenges[view.challenge_id] = view

    @_changes_state
    def load_programme(
        self,
        participants: pd.DataFrame,
        challenges: pd.DataFrame,
        sensitive: pd.DataFrame | None = None,
        persist: bool = True,
        outcomes: pd.DataFrame | None = None,
        vectors: np.ndarray | None = None,
    ) -> SyncReport:
        """Build the pool from participant records and bring the index in line with them;
        with ``outcomes``, they become the companies' history; ``vectors`` (one per
        record, in order) are imported instead of embedding the records.

        A saved index is reused when it matches; differences (a crash between a database
        write and an index write, say) are repaired and logged.
        """
        index_sync.check_vectors(self, len(participants), vectors)
        gc.unfreeze()  # what an earlier load froze may be garbage by now
        with self.lock:
            index_sync.reset_pool(self)
            self.add_challenges(challenges)
            report = index_sync.load_participants(
                self, participants, sensitive, persist=persist, repair=True, vectors=vectors
            )
            if outcomes is not None:
                self.history.load(outcomes)
                self.history.measure(self.pool, self.challenges)
        # What exists now (the model, the text reader, the pool) lives as long as the
        # engine: kept out of the collector's full passes, which otherwise walk it all
        # and stalled one shortlist in fifty by 270 ms at 5,000 participants.
        gc.freeze()
        return report

    @_changes_state
    def upsert_participants(
        self,
        participants: pd.DataFrame,
        sensitive: pd.DataFrame | None = None,
        persist: bool = True,
        vectors: np.ndarray | None = None,
    ) -> None:
        """Add or replace participants in the pool and the index (``vectors``: imported
        instead of embedding them)."""
        with self.lock:
            index_sync.load_participants(
                self, participants, sensitive, persist=persist, repair=False, vectors=vectors
            )

    def profile_documents(self, participants: pd.DataFrame) -> list[str]:
        """The text the engine embeds for each record (the TF-IDF baseline reads it)."""
        return index_sync.profile_documents(self, participants)

    @_changes_state
    def remove_participant(self, participant_id: int, persist: bool = True) -> bool:
        """Erase a participant from the pool, the index and the embedding cache."""
        with self.lock:
            return index_sync.remove_participant(self, participant_id, persist)

    @_changes_state
    def set_participant_flags(
        self,
        participant_id: int,
        available: bool | None = None,
        consent: bool | None = None,
        migrant: bool | None = None,
        persist: bool = True,
    ) -> None:
        """Change availability, consent or the migrant flag without re-embedding."""
        with self.lock:
            index_sync.set_participant_flags(
                self, participant_id, available, consent, migrant, persist
            )

    # ------------------------------------------------------------------- scoring
    def score(self, challenge_id: int, participant_ids) -> pd.DataFrame:
        """Stage probabilities and the ranking key for given participants (no retrieval);
        NaN for thin profiles."""
        with self.lock:
            return shortlists.score_candidates(self, challenge_id, participant_ids)

    def score_matrix(self, challenge_ids, participant_ids) -> np.ndarray:
        """Expected stages (participants x challenges); NaN for thin profiles."""
        with self.lock:
            return shortlists.score_matrix(self, challenge_ids, participant_ids)

    def shortlist(
        self,
        challenge_id: int,
        k: int = 10,
        consent_only: bool = False,
        fairness: bool | None = None,
        whole_programme: bool = False,
        language: str = "en",
    ) -> Shortlist:
        """Ranked, explained candidates for a challenge. ``consent_only`` keeps
        participants who agreed to share with companies; ``whole_programme`` searches
        every edition."""
        request = (challenge_id, k, consent_only, fairness, whole_programme, language)
        with self.lock:
            return self.kept_shortlists.get(
                (*request, *self.state_key()), lambda: shortlists.build_shortlist(self, *request)
            )

    def shortlist_fields(self, challenge_id: int, k: int = 10, language: str = "en") -> dict:
        """:meth:`shortlist`'s fields as plain data, unchecked and not kept here: for a
        caller that keeps its own form of the answer (the API keeps JSON)."""
        with self.lock:
            return shortlists.shortlist_fields(self, challenge_id, k, False, None, False, language)

    # ---------------------------------------------------------------- placements
    def placements(
        self,
        participant_id: int,
        k: int = 5,
        language: str = "en",
        confirmed_teams: ConfirmedTeams | None = None,
    ) -> Placements:
        """The challenges that suit one person, best first: their chances and reasons in
        each (their row of its shortlist), how contested its seats are, and where the
        edition's team plan puts them. ``confirmed_teams`` reads an edition's confirmed
        teams (challenge id -> member ids); without any, the planner's proposal under
        the programme's composition rule stands in."""
        with self.lock:
            return person_placements(self, participant_id, k, language, confirmed_teams)

    # -------------------------------------------------------------------- niches
    def niche_features(self, participant_ids) -> np.ndarray:
        """Every participant against the 13 niches ((n * 13) rows, participant-major)."""
        with self.lock:
            return niche_ranking.participant_niche_features(self, participant_ids)

    def niche_scores(self, participant_ids, learned: bool | None = None) -> np.ndarray:
        """(n, 13) niche scores: the model's chance of success, or catalogue evidence."""
        with self.lock:
            return niche_ranking.niche_scores(self, participant_ids, learned)

    def niches(
        self, participant_id: int, language: str = "en", profile_text: str | None = None
    ) -> NicheRanking:
        """The 13 niches ranked for one participant, each with its reasons (quoting
        their ``profile_text`` when given)."""
        with self.lock:
            return niche_ranking.niche_ranking(self, participant_id, language, profile_text)

    # --------------------------------------------------------------------- teams
    def team_problem(
        self,
        edition_id: int,
        composition: TeamComposition | None = None,
        locks: list[tuple[int, int, bool]] = (),
        seats: dict[int, int] | None = None,
    ) -> TeamProblem:
        """The edition's available participants x its challenges, with predicted fit,
        under ``composition`` (by default the programme's rule)."""
        composition = composition or self.rules.composition
        with self.lock:
            return team_planning.team_problem(self, edition_id, composition, locks, seats)

    def team_plan(self, problem: TeamProblem, edition_id: int, language: str = "en") -> TeamPlan:
        """Solve ``problem`` and explain every member's place."""
        return team_planning.team_plan(self, problem, edition_id, language)

    def participant_skills(self, participant_id: int, language: str = "en") -> list[SkillRef]:
        """Every skill the engine holds for a participant, in ``language``
        (:meth:`ParticipantPool.skill_refs`)."""
        with self.lock:
            row = int(self.rows_of([participant_id])[0])
            return self.pool.skill_refs(row, self.catalogue, language)

    # ---------------------------------------------------------------------- text
    def read_text(self, text: str) -> TextReading:
        """What a free text says in the catalogue's terms (the one text path)."""
        return self.profiles.read(text)

    def text_concepts(self, text: str, language: str = "en") -> TextConcepts:
        """The skills, jobs, years and niches read in ``text``, labelled in ``language``."""
        return describe(self.read_text(text), self.catalogue, language)

    def suggest_challenge(
        self, title: str, description: str, language: str = "en"
    ) -> ChallengeSuggestion:
        """A niche and skills for a challenge described in free text, to be confirmed."""
        reading = self.read_text(f"{title.strip()}.\n{description.strip()}")
        return suggest_challenge(reading, self.catalogue, language)

    def status(self) -> dict:
        """Versions and sizes, for the admin and readiness endpoints."""
        return {
            "scoring": self.scorer.kind,
            "scoring_description": self.scorer.description,
            "model_version": self.scorer.version,
            "index_version": self.index.version,
            "index_type": self.index.factory,
            "indexed_participants": len(self.index),
            "pool_participants": len(self.pool.row_of),
            "challenges": len(self.challenges),
            "embedding_model": self.embedder.name,
            "embedding_kind": self.embedder.kind,
            "niche_model_version": self.niche_model_version,
            "promotion": self.promotion,
            "recall_probe": self.index.probe
            or (None if self.index.approximate else {"exact": True, "recall": 1.0}),
        }
