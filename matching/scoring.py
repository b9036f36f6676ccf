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
from models.signed_logistic import row_sums

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
        join, complete, hire = (
            expit(row_sums(constant, x[:, columns], weights))
            for constant, columns, weights in _RULE_TERMS
        )
        p_complete = join * complete
        return np.column_stack([join, p_complete, p_complete * hire])


# The rules, stage by stage (join; complete given joined; hired given completed): a
# constant and a weight per input, from the documented priors. The learned ranker's
# base for each stage reads the same inputs and is pulled toward these weights (see
# models.ranker); the "rules refitted" ablation (evaluation.ablations) is that base
# alone. Unknown induction counts neither way; missing skills count against a hire
# (the share taught in the training less).
_UNKNOWN = INDUCTION_UNKNOWN
RULES: tuple[tuple[float, dict[str, float]], ...] = (
    (
        priors.JOIN_BASE - priors.JOIN_INDUCTION * _UNKNOWN,
        {
            "niche_preference": priors.JOIN_PREFERENCE,
            "schedule_fit": priors.JOIN_SCHEDULE_FIT,
            "commute_over_limit": priors.JOIN_COMMUTE_OVER,
            "induction": priors.JOIN_INDUCTION,
        },
    ),
    (
        priors.COMPLETE_BASE - priors.COMPLETE_INDUCTION * _UNKNOWN,
        {
            "essential_gap_untaught": priors.COMPLETE_UNTAUGHT_GAP,
            "essential_gap_taught": priors.COMPLETE_TAUGHT_GAP,
            "spanish_gap": priors.COMPLETE_SPANISH_GAP,
            "niche_preference": priors.COMPLETE_PREFERENCE,
            "schedule_fit": priors.COMPLETE_SCHEDULE_FIT,
            "remote_without_device": priors.COMPLETE_REMOTE_WITHOUT_DEVICE,
            "induction": priors.COMPLETE_INDUCTION,
        },
    ),
    (
        priors.HIRE_BASE + priors.HIRE_SKILLS,
        {
            "essential_gap_untaught": -priors.HIRE_SKILLS,
            "essential_gap_taught": -priors.HIRE_SKILLS * priors.HIRE_TAUGHT_GAP_SHARE,
            "optional_coverage": priors.HIRE_OPTIONAL,
            "niche_experience": priors.HIRE_NICHE_EXPERIENCE,
            "text_evidence": priors.HIRE_TEXT_EVIDENCE,
            "similarity": priors.HIRE_SIMILARITY,
            "spanish_gap": priors.HIRE_SPANISH_GAP,
        },
    ),
)
RULE_INPUTS: tuple[tuple[str, ...], ...] = tuple(tuple(terms) for _, terms in RULES)
RULE_WEIGHTS: tuple[tuple[float, ...], ...] = tuple(tuple(terms.values()) for _, terms in RULES)
_RULE_TERMS = [
    (constant, [F[name] for name in terms], np.array(list(terms.values())))
    for constant, terms in RULES
]


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
