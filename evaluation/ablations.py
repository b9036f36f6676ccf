"""Where the learned ranker's gain comes from: two systems that each keep one part of it.

- **learned, no company history**: the same pair ranker, trained and scoring with every
  company-history feature (the company's record and how a candidate resembles its
  earlier trainees) held at its neutral value. What it gains over the rules is profile
  reweighting alone; the full ranker's gain over it is what learning the companies adds.
- **rules refitted**: the fallback rules' own inputs, each stage's weights fitted to the
  observed outcomes by a logistic regression (join; complete given joined; hired given
  completed), each weight held to the direction the rules give it and lightly pulled
  toward the rules' own (scikit-learn's default strength): the learned ranker's base
  with the pull a ranker takes when it has no held-out edition to choose one on, and
  without its trees. Whether the rules' structure with learnt weights already does
  what the trees do.

Both use only the training editions' observed outcomes, like the systems they are set
beside (see :mod:`evaluation.systems`).
"""

from __future__ import annotations

import numpy as np

from evaluation.systems import EvalData
from matching.explanations import FACTORS
from matching.features import FEATURES
from matching.scoring import expected_stages, ranker_inputs
from matching.training import feature_matrix, fit_pair_ranker, labelled_pairs

NO_COMPANY = "learned ranker, no company history"
RULES_REFITTED = "fallback rules, weights refitted"

# each company-history feature and the value that says "nothing known" (as the
# explanations measure the company factors from)
COMPANY_NEUTRAL: dict[int, float] = {
    FEATURES.index(name): float(value)
    for factor in ("company", "history")
    for name, value in FACTORS[factor].items()
}


def _thin_out(data: EvalData, participant_ids: np.ndarray, scored: np.ndarray) -> np.ndarray:
    thin = data.matcher.pool.insufficient(data.matcher.rows_of(participant_ids))
    return np.where(thin, -np.inf, scored)


class NoCompanyHistorySystem:
    """The pair ranker without the company-history features (see the module docstring)."""

    name = NO_COMPANY

    def __init__(self, params: dict | None = None) -> None:
        self.params = params  # the pair ranker's settings, where they differ from the served

    def fit(self, data: EvalData, train_outcomes) -> None:
        self.data = data
        pairs = labelled_pairs(train_outcomes, data.matcher)
        x = self._neutral(feature_matrix(data.matcher, pairs))
        editions = pairs["challenge_id"].map(data.edition_of()).to_numpy()
        self.ranker = fit_pair_ranker(x, pairs["relevance"].to_numpy(), self.params, editions)

    @staticmethod
    def _neutral(x: np.ndarray) -> np.ndarray:
        for column, value in COMPANY_NEUTRAL.items():
            x[:, column] = value
        return x

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        x = self._neutral(self.data.matcher.features(challenge_id, participant_ids))
        scored = expected_stages(self.ranker.stage_probabilities(ranker_inputs(x)))
        return _thin_out(self.data, participant_ids, scored)


class RulesRefittedSystem:
    """The fallback rules' inputs with weights fitted per stage (see the module
    docstring): the learned ranker's own base (:data:`matching.scoring.RULE_INPUTS`,
    weights held to the rules' directions) with the trees given no weight. A stage with
    one outcome only in training keeps that outcome's rate."""

    name = RULES_REFITTED

    def fit(self, data: EvalData, train_outcomes) -> None:
        self.data = data
        pairs = labelled_pairs(train_outcomes, data.matcher)
        x = feature_matrix(data.matcher, pairs)
        self.ranker = fit_pair_ranker(x, pairs["relevance"].to_numpy(), {"tree_weight": 0.0})

    def scores(self, challenge_id: int, participant_ids: np.ndarray) -> np.ndarray:
        x = self.data.matcher.features(challenge_id, participant_ids)
        scored = expected_stages(self.ranker.stage_probabilities(ranker_inputs(x)))
        return _thin_out(self.data, participant_ids, scored)
