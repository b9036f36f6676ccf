"""Turn feature matrices into stage probabilities: the learned ranker or the fallback.

Both scorers return, per candidate, the chances of joining, completing the training
and being hired (cumulative, so p_hire <= p_complete <= p_join). Candidates are ranked
by their sum, the expected number of stages reached (0..3).

The fallback is used until a ranker has been trained (``milma train``). It is a fixed,
hand-set logistic model, written out below so anyone can check it:

- join:     -0.4 + 1.5 x preference + 1.5 x schedule fit - 1.2 x commute over limit
- complete:  0.9 - 1.2 x untaught gap - 0.2 x taught gap - 0.6 x Spanish gap
             + 0.4 x preference + 0.5 x schedule fit - 0.8 x remote without device
- hire:     -1.4 + 2.5 x (1 - untaught gap - 0.2 x taught gap) + 0.8 x optional
             coverage + 0.35 x niche experience + 0.3 x text evidence for the niche
             + 1.0 x similarity - 0.9 x Spanish gap

Its probabilities are indicative only; the output says when it is in use.
"""

from __future__ import annotations

import threading
from typing import Protocol

import numpy as np
from scipy.special import expit
from threadpoolctl import threadpool_limits

from matching.features import FEATURES, as_frame
from models.ranker import OutcomeRanker

F = {name: i for i, name in enumerate(FEATURES)}


class Scorer(Protocol):
    kind: str
    version: str | None
    description: str

    def stages(self, features: np.ndarray) -> np.ndarray:
        """(n, 3) array: P(join), P(complete), P(hire)."""


class FallbackScorer:
    """Documented rule-of-thumb scoring for when no trained model exists."""

    kind = "fallback"
    version = None
    description = (
        "fallback: hand-set weights (no trained ranker yet; run `milma train`); "
        "probabilities are indicative only"
    )

    def stages(self, x: np.ndarray) -> np.ndarray:
        pref, sched, over = (
            x[:, F["niche_preference"]],
            x[:, F["schedule_fit"]],
            x[:, F["commute_over_limit"]],
        )
        gap_u, gap_t = x[:, F["essential_gap_untaught"]], x[:, F["essential_gap_taught"]]
        lang = x[:, F["spanish_gap"]]
        join = expit(-0.4 + 1.5 * pref + 1.5 * sched - 1.2 * over)
        complete = expit(
            0.9
            - 1.2 * gap_u
            - 0.2 * gap_t
            - 0.6 * lang
            + 0.4 * pref
            + 0.5 * sched
            - 0.8 * x[:, F["remote_without_device"]]
        )
        hire = expit(
            -1.4
            + 2.5 * (1 - gap_u - 0.2 * gap_t)
            + 0.8 * x[:, F["optional_coverage"]]
            + 0.35 * x[:, F["niche_experience"]]
            + 0.3 * x[:, F["text_evidence"]]
            + 1.0 * x[:, F["similarity"]]
            - 0.9 * lang
        )
        p_complete = join * complete
        return np.column_stack([join, p_complete, p_complete * hire])


_LOCAL = threading.local()


def _one_openmp_thread() -> None:
    """Score on one OpenMP thread in the calling thread (set once per thread).

    Requests score a few hundred rows at a time; starting OpenMP thread teams in every
    server worker thread costs more than it gives (a shortlist page is 2-3x faster).
    Training, which runs large batches, is not affected unless it shares the thread.
    """
    if not getattr(_LOCAL, "limited", False):
        threadpool_limits(limits=1, user_api="openmp")
        _LOCAL.limited = True


class LearnedScorer:
    """The trained :class:`~models.ranker.OutcomeRanker` from the registry."""

    kind = "learned"

    def __init__(self, ranker: OutcomeRanker, version: str) -> None:
        missing = set(FEATURES) ^ set(ranker.feature_names_in_)
        if missing:
            raise ValueError(f"ranker was trained on other features: {sorted(missing)}")
        self.ranker = ranker
        self.version = version
        self.description = f"learned ranker {version} (gradient-boosted, trained on past outcomes)"

    def stages(self, x: np.ndarray) -> np.ndarray:
        if len(x) <= 20_000:
            _one_openmp_thread()
        return self.ranker.stage_probabilities(as_frame(x))


def expected_stages(stages: np.ndarray) -> np.ndarray:
    """Ranking key: expected number of stages reached (0..3)."""
    return stages.sum(axis=1)
