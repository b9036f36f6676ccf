"""A pairwise ranker, kept to compare objectives: is learning from within-challenge
comparisons better than predicting each candidate's outcome?

Logistic regression on differences between two candidates of the same challenge (the
one who went further should score higher), over spline-expanded features, so the score
is a sum of smooth per-feature curves. It gives an order, not probabilities, so the
engine keeps the calibrated :class:`~models.ranker.OutcomeRanker`; the evaluation reports
both.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import SplineTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data


class PairwiseRanker(BaseEstimator):
    """RankNet-style linear ranker over spline features.

    Parameters
    ----------
    C:
        Inverse regularisation strength of the logistic regression.
    n_knots:
        Knots per feature for the spline expansion.
    max_pairs_per_group:
        Pairs sampled per group (challenge) at most.
    random_state:
        Seed for the pair sampling.
    """

    def __init__(
        self,
        C: float = 1.0,
        n_knots: int = 5,
        max_pairs_per_group: int = 1000,
        random_state: int | None = 0,
    ) -> None:
        self.C = C
        self.n_knots = n_knots
        self.max_pairs_per_group = max_pairs_per_group
        self.random_state = random_state

    def fit(self, X, y, groups) -> PairwiseRanker:
        """Fit on features ``X``, graded outcomes ``y`` and the group of each row."""
        X, y = validate_data(self, X, y)
        groups = np.asarray(groups)
        rng = np.random.default_rng(self.random_state)
        self.splines_ = SplineTransformer(n_knots=self.n_knots, degree=3).fit(X)
        z = self.splines_.transform(X)
        self.scaler_ = StandardScaler().fit(z)
        z = self.scaler_.transform(z)
        left, right = [], []
        for g in np.unique(groups):
            rows = np.flatnonzero(groups == g)
            i, j = np.triu_indices(len(rows), k=1)
            keep = y[rows[i]] != y[rows[j]]
            i, j = rows[i[keep]], rows[j[keep]]
            if len(i) > self.max_pairs_per_group:
                pick = rng.choice(len(i), self.max_pairs_per_group, replace=False)
                i, j = i[pick], j[pick]
            better = y[i] > y[j]
            left.append(np.where(better, i, j))
            right.append(np.where(better, j, i))
        if not left or not sum(len(a) for a in left):
            raise ValueError("no pair of candidates with different outcomes to learn from")
        a, b = np.concatenate(left), np.concatenate(right)
        diffs = np.vstack([z[a] - z[b], z[b] - z[a]])
        labels = np.concatenate([np.ones(len(a)), np.zeros(len(a))])
        model = LogisticRegression(C=self.C, fit_intercept=False, max_iter=500)
        self.coef_ = model.fit(diffs, labels).coef_.ravel()
        return self

    def predict(self, X) -> np.ndarray:
        """A ranking score per row (only the order is meaningful)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.scaler_.transform(self.splines_.transform(X)) @ self.coef_
