"""Turn feature matrices into stage probabilities: the learned ranker or the fallback.

Both scorers return, per candidate, the chances of joining, completing the training
and being hired (cumulative, so p_hire <= p_complete <= p_join). Candidates are ranked
by their sum, the expected number of stages reached (0..3).

The fallback is used until a ranker has been trained (``milma train``): a fixed
logistic model per stage whose weights are the documented domain priors of
:mod:`matching.priors`. Its probabilities are indicative only; the output says when it
is in use.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from matching import priors
from matching.features import FEATURE_DIRECTIONS, FEATURES
from matching.pool import INDUCTION_UNKNOWN
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

    def __init__(self, why: str = "no trained ranker yet; run `milma train`") -> None:
        self.description = (
            f"fallback: documented domain priors ({why}); probabilities are indicative only"
        )

    def stages(self, x: np.ndarray) -> np.ndarray:
        def col(name: str) -> np.ndarray:
            return x[:, F[name]]

        induction = col("induction") - INDUCTION_UNKNOWN  # unknown: neither way
        pref, fits = col("niche_preference"), col("schedule_fit")
        gap_taught, gap_open = col("essential_gap_taught"), col("essential_gap_untaught")
        spanish_gap = col("spanish_gap")
        join = expit(
            priors.JOIN_BASE
            + priors.JOIN_PREFERENCE * pref
            + priors.JOIN_SCHEDULE_FIT * fits
            + priors.JOIN_COMMUTE_OVER * col("commute_over_limit")
            + priors.JOIN_INDUCTION * induction
        )
        complete = expit(
            priors.COMPLETE_BASE
            + priors.COMPLETE_UNTAUGHT_GAP * gap_open
            + priors.COMPLETE_TAUGHT_GAP * gap_taught
            + priors.COMPLETE_SPANISH_GAP * spanish_gap
            + priors.COMPLETE_PREFERENCE * pref
            + priors.COMPLETE_SCHEDULE_FIT * fits
            + priors.COMPLETE_REMOTE_WITHOUT_DEVICE * col("remote_without_device")
            + priors.COMPLETE_INDUCTION * induction
        )
        hire = expit(
            priors.HIRE_BASE
            + priors.HIRE_SKILLS * (1 - gap_open - priors.HIRE_TAUGHT_GAP_SHARE * gap_taught)
            + priors.HIRE_OPTIONAL * col("optional_coverage")
            + priors.HIRE_NICHE_EXPERIENCE * col("niche_experience")
            + priors.HIRE_TEXT_EVIDENCE * col("text_evidence")
            + priors.HIRE_SIMILARITY * col("similarity")
            + priors.HIRE_SPANISH_GAP * spanish_gap
        )
        p_complete = join * complete
        return np.column_stack([join, p_complete, p_complete * hire])


# the inputs each stage of the rules above reads: the learned ranker's base for that
# stage refits their weights (see models.ranker), and so does the "rules refitted"
# ablation (evaluation.ablations), which is that base alone. The rules' centring of the
# induction feature is left out: a fitted intercept absorbs it.
RULE_INPUTS: tuple[tuple[str, ...], ...] = (
    ("niche_preference", "schedule_fit", "commute_over_limit", "induction"),
    (
        "essential_gap_untaught",
        "essential_gap_taught",
        "spanish_gap",
        "niche_preference",
        "schedule_fit",
        "remote_without_device",
        "induction",
    ),
    (
        "essential_gap_untaught",
        "essential_gap_taught",
        "optional_coverage",
        "niche_experience",
        "text_evidence",
        "similarity",
        "spanish_gap",
    ),
)

PRIOR_COLUMNS = ("prior_join", "prior_complete", "prior_hire")
RANKER_INPUTS = (*FEATURES, *PRIOR_COLUMNS)
RANKER_DIRECTIONS = {**FEATURE_DIRECTIONS, **dict.fromkeys(PRIOR_COLUMNS, 1)}


def stage_chances(reach: np.ndarray) -> np.ndarray:
    """From the chances of reaching each stage to the chance of each stage given the
    one before (join; complete given joined; hired given completed)."""
    before = np.hstack([np.ones((len(reach), 1)), reach[:, :-1]])
    return reach / np.maximum(before, 1e-12)


def ranker_inputs(x: np.ndarray) -> np.ndarray:
    """What the ranker reads, in :data:`RANKER_INPUTS` order: the features, and the
    fallback rules' log-odds of each stage (given the one before). The ranker starts
    from the documented priors and learns where the outcomes disagree with them, which
    matters most while history is short."""
    step = np.clip(stage_chances(FallbackScorer().stages(x)), 1e-6, 1 - 1e-6)
    return np.hstack([x, logit(step)])


def ranker_frame(x: np.ndarray) -> pd.DataFrame:
    """:func:`ranker_inputs` with its column names, to fit a ranker on."""
    return pd.DataFrame(ranker_inputs(x), columns=list(RANKER_INPUTS))


class LearnedScorer:
    """The trained :class:`~models.ranker.OutcomeRanker` from the registry."""

    kind = "learned"

    def __init__(
        self, ranker: OutcomeRanker, version: str, trained_through: int | None = None
    ) -> None:
        if list(ranker.feature_names_in_) != list(RANKER_INPUTS):
            other = sorted(set(RANKER_INPUTS) ^ set(ranker.feature_names_in_))
            raise ValueError(f"ranker was trained on other features: {other or 'order'}")
        self.ranker = ranker
        self.version = version
        self.trained_through = trained_through  # latest edition whose outcomes it read
        self.description = f"learned ranker {version} (gradient-boosted, trained on past outcomes)"

    def stages(self, x: np.ndarray) -> np.ndarray:
        if not len(x):  # no candidate (an edition nobody has joined yet): nothing to ask
            return np.zeros((0, 3))
        stages = self.ranker.stage_probabilities(ranker_inputs(x))
        # a programme without hires (or completions) yet gives fewer stages: none reached
        return np.pad(stages, ((0, 0), (0, 3 - stages.shape[1])))


def expected_stages(stages: np.ndarray) -> np.ndarray:
    """Ranking key: expected number of stages reached (0..3)."""
    return stages.sum(axis=1)
