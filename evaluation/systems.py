"""The systems compared offline, all behind one small interface.

``fit(data, train)`` may look at the training editions' observed outcomes;
``scores(challenge_id, participant_ids)`` returns one number per candidate (higher is
better; -inf for "cannot score"). The engine-backed systems call the public engine
only (``Matcher.score``, ``Matcher.shortlist``); the oracle reads the generator's
hidden truth and exists only here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.engine import Matcher
from matching.features import FEATURES, as_frame
from matching.scoring import FallbackScorer, expected_stages, ranker_inputs
from matching.search_filter import SearchFilter
from matching.training import (
    TrainingResult,
    feature_matrix,
    fit_pair_ranker,
    labelled_pairs,
    train_ranker,
)
from models.pairwise import PairwiseRanker


def engine_over(programme, embedder, vectors: np.ndarray | None = None) -> Matcher:
    """An engine over a programme's tables and outcomes, nothing saved to disk
    (``vectors``: the profiles' vectors, imported instead of embedding them)."""
    matcher = Matcher(embedder)
    matcher.load_programme(
        programme.participants,
        programme.challenges,
        programme.sensitive,
        persist=False,
        outcomes=programme.outcomes,
        vectors=vectors,
    )
    return matcher


@dataclass
class EvalData:
    """A programme as the evaluation sees it (truth included)."""

    participants: pd.DataFrame
    challenges: pd.DataFrame
    sensitive: pd.DataFrame
    outcomes: pd.DataFrame
    truth: pd.DataFrame
    matcher: Matcher

    @classmethod
    def from_programme(cls, programme, embedder, truth: pd.DataFrame | None = None) -> EvalData:
        """A programme's tables (generated, or read back with its ``truth``) with an
        engine loaded from them."""
        matcher = engine_over(programme, embedder)
        return cls(
            programme.participants,
            programme.challenges,
            programme.sensitive,
            programme.outcomes,
            programme.truth if truth is None else truth,
            matcher,
        )

    def edition_of(self) -> dict[int, int]:
        return dict(
            zip(self.challenges["challenge_id"], self.challenges["edition_id"], strict=True)
        )


class System(Protocol):
    name: str

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None: ...

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray: ...


class RandomSystem:
    name = "random"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        self.rng = np.random.default_rng(self.seed)

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        return self.rng.random(len(participant_ids))


class PopularitySystem:
    """The same order for every challenge: people whose profile type did best before.

    New cohorts have no history of their own, so "popularity" is the mean past relevance
    of participants with the same education and experience band.
    """

    name = "popularity"

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        from matching.domain.vocabulary import relevance_from_events

        people = data.participants.set_index("participant_id")
        band = people["experience_years"].map(lambda ys: min(3, int(sum(ys) // 3)))
        self.group = people["education"] + ":" + band.astype(str)
        rel = relevance_from_events(train_outcomes)
        best = rel.groupby("participant_id")["relevance"].max()
        means = best.groupby(self.group.reindex(best.index)).mean()
        self.value = self.group.map(means).fillna(best.mean()).to_dict()

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        return np.array([self.value[p] for p in participant_ids], dtype=np.float64)


class TfidfSystem:
    """Cosine of TF-IDF vectors of the profile and the challenge text."""

    name = "tf-idf cosine"

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        m = data.matcher
        self.ids = data.participants["participant_id"].tolist()
        texts = m.profile_documents(data.participants)
        self.challenge_ids = list(m.challenges)
        corpus = texts + [m.challenge(c).text for c in self.challenge_ids]
        self.vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)
        matrix = self.vectorizer.fit_transform(corpus)
        self.people = matrix[: len(texts)]
        self.row = {p: i for i, p in enumerate(self.ids)}
        self.challenge_rows = matrix[len(texts) :]
        self.challenge_row = {c: i for i, c in enumerate(self.challenge_ids)}

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        rows = [self.row[p] for p in participant_ids]
        query = self.challenge_rows[self.challenge_row[challenge_id]]
        return np.asarray((self.people[rows] @ query.T).todense()).ravel()


class SkillOverlapSystem:
    """Jaccard overlap of the profile's ESCO skills with the challenge's skills."""

    name = "skill overlap"

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        self.matcher = data.matcher

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        m = self.matcher
        ch = m.challenge(challenge_id)
        wanted = set(np.concatenate([ch.essential, ch.optional]).tolist())
        out = np.empty(len(participant_ids))
        for i, row in enumerate(m.rows_of(participant_ids)):
            own = set(m.pool.skill_list(row).tolist())
            union = len(own | wanted)
            out[i] = len(own & wanted) / union if union else 0.0
        return out


class EmbeddingSystem:
    """Cosine similarity from the FAISS index alone (retrieval without ranking)."""

    name = "embedding cosine"

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        self.matcher = data.matcher

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        m = self.matcher
        edition = m.challenge(challenge_id).edition_id
        ids, sims = m.index.search(
            m.challenge_vector(challenge_id),
            len(participant_ids),
            SearchFilter(edition_id=edition, available_only=False),
        )
        lookup = dict(zip(ids[0].tolist(), sims[0].tolist(), strict=True))
        return np.array([lookup.get(int(p), -np.inf) for p in participant_ids])


class RawTextSystem:
    """Cosine of the raw profile text (no skill normalisation) with the challenge: shows
    what the embedding model alone makes of the words people wrote."""

    name = "raw text cosine"

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        self.matcher = data.matcher
        people = data.participants
        vectors = data.matcher.embedder.encode(people["profile_text"].fillna("").tolist())
        self.vector = dict(zip(people["participant_id"].tolist(), vectors, strict=True))

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        query = self.matcher.challenge_vector(challenge_id)
        return np.array([float(self.vector[int(p)] @ query) for p in participant_ids])


class EngineSystem:
    """The engine's own ranking: fallback rules or a ranker trained on the split."""

    def __init__(
        self, learned: bool, fairness: bool = False, reuse: EngineSystem | None = None
    ) -> None:
        self.learned = learned
        self.fairness = fairness
        self.reuse = reuse  # another engine system whose trained ranker this one shares
        self.name = ("learned ranker" if learned else "fallback rules") + (
            " + fairness re-rank" if fairness else ""
        )
        self.training: TrainingResult | None = None

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        self.matcher = data.matcher
        if self.learned and self.reuse is not None:
            self.training = self.reuse.training
        elif self.learned:
            self.training = train_ranker(data.matcher, train_outcomes, data.edition_of())

    def _activate(self) -> None:
        if self.learned:
            self.matcher.use_ranker(self.training.ranker, "evaluation")
        else:
            self.matcher.scorer = FallbackScorer()

    def engine(self) -> Matcher:
        """The engine, scoring as this system scores (placements are asked of it)."""
        self._activate()
        return self.matcher

    def stages(self, challenge_id: int, participant_ids: np.ndarray) -> pd.DataFrame:
        self._activate()
        return self.matcher.score(challenge_id, participant_ids)

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        self._activate()
        scored = self.matcher.score(challenge_id, participant_ids)
        key = scored["expected"].fillna(-np.inf).to_numpy()
        if not self.fairness:
            return key
        k = min(len(participant_ids), self.matcher.max_k, 20)
        shortlist = self.matcher.shortlist(challenge_id, k=k, fairness=True)
        order = [c.participant_id for c in shortlist.candidates]
        boost = {p: 1e6 - i for i, p in enumerate(order)}
        return np.array([boost.get(int(p), key[i]) for i, p in enumerate(participant_ids)])


class PairwiseSystem:
    """The pairwise objective, trained on the same observed outcomes (an experiment)."""

    name = "pairwise ranker"

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        self.matcher = data.matcher
        pairs = labelled_pairs(train_outcomes, data.matcher)
        x = feature_matrix(data.matcher, pairs)
        self.model = PairwiseRanker().fit(
            as_frame(x), pairs["relevance"].to_numpy(), groups=pairs["challenge_id"].to_numpy()
        )

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        scored = self.model.predict(as_frame(self.matcher.features(challenge_id, participant_ids)))
        thin = self.matcher.pool.insufficient(self.matcher.rows_of(participant_ids))
        return np.where(thin, -np.inf, scored)


class CompanyWaysSystem:
    """The pair ranker given each company's true ways in place of its record: the
    generator's hidden company part of the log-odds of completing and of being hired
    stands in for the mentors' and the taste match, in training and in scoring. How far
    learning from history could go with a perfect record of every company; the learned
    ranker's gap to it is what estimating the companies from a few editions costs.
    Reads the truth: a diagnostic of the evaluation only."""

    name = "learned ranker, true company ways"

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        self.matcher = data.matcher
        self.ways = data.truth.set_index(["participant_id", "challenge_id"])[
            ["company_complete", "company_hire"]
        ]
        pairs = labelled_pairs(train_outcomes, data.matcher)
        x = self._with_ways(
            feature_matrix(data.matcher, pairs), pairs["participant_id"], pairs["challenge_id"]
        )
        editions = pairs["challenge_id"].map(data.edition_of()).to_numpy()
        self.ranker = fit_pair_ranker(x, pairs["relevance"].to_numpy(), editions=editions)

    def _with_ways(self, x: np.ndarray, participants, challenges) -> np.ndarray:
        keys = pd.MultiIndex.from_arrays([np.asarray(participants), np.asarray(challenges)])
        ways = self.ways.reindex(keys).to_numpy(dtype=np.float64)
        x[:, FEATURES.index("company_mentor_match")] = ways[:, 0]
        x[:, FEATURES.index("company_taste_match")] = ways[:, 1]
        return x

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        x = self.matcher.features(challenge_id, participant_ids)
        x = self._with_ways(x, participant_ids, np.full(len(participant_ids), challenge_id))
        scored = expected_stages(self.ranker.stage_probabilities(ranker_inputs(x)))
        thin = self.matcher.pool.insufficient(self.matcher.rows_of(participant_ids))
        return np.where(thin, -np.inf, scored)


class OracleSystem:
    """Ranks by the generator's hidden expected outcome: the ceiling, evaluation only."""

    name = "oracle"

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        truth = data.truth
        self.value = dict(
            zip(
                zip(truth["participant_id"], truth["challenge_id"], strict=True),
                truth["expected_relevance"],
                strict=True,
            )
        )

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        return np.array([self.value[(int(p), challenge_id)] for p in participant_ids])


def default_systems() -> list[System]:
    """Baselines, the engine (fallback, learned, learned + fairness), the pairwise
    experiment, and two ceilings: the ranker with the true company ways, the oracle."""
    learned = EngineSystem(learned=True)
    return [
        RandomSystem(),
        PopularitySystem(),
        TfidfSystem(),
        SkillOverlapSystem(),
        EmbeddingSystem(),
        EngineSystem(learned=False),
        learned,
        EngineSystem(learned=True, fairness=True, reuse=learned),
        PairwiseSystem(),
        CompanyWaysSystem(),
        OracleSystem(),
    ]


BASELINES = ("random", "popularity", "tf-idf cosine", "skill overlap", "embedding cosine")
