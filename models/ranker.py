"""The learned ranker: probabilities of each programme stage for a candidate.

Relevance is graded (0 nothing, 1 joined, 2 completed training, 3 hired). The model is
a multinomial gradient-boosted tree classifier over those grades, so its outputs are
probabilities a caseworker can read ("0.7 chance of completing") and the ranking key
is the expected grade, i.e. the sum of the chances of reaching each stage.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


class OutcomeRanker(ClassifierMixin, BaseEstimator):
    """Gradient-boosted classifier over graded outcomes, used as a ranker.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization:
        Passed to :class:`~sklearn.ensemble.HistGradientBoostingClassifier`.
    early_stopping:
        Hold out 15 % of the rows (from 200 rows on) to stop adding trees when they stop
        helping the held-out log-loss.
    random_state:
        Seed for the hold-out split.
    """

    def __init__(
        self,
        max_iter: int = 300,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 8,
        min_samples_leaf: int = 30,
        l2_regularization: float = 1.0,
        early_stopping: bool = True,
        random_state: int | None = 0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.early_stopping = early_stopping
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None) -> OutcomeRanker:
        """Fit on features ``X`` and graded outcomes ``y``."""
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        self.model_ = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            early_stopping=self.early_stopping and len(y) >= 200,
            validation_fraction=0.15,
            n_iter_no_change=15,
            random_state=self.random_state,
        )
        self.model_.fit(X, y, sample_weight=sample_weight)
        self.n_iter_ = self.model_.n_iter_
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each grade in :attr:`classes_`."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        return self.model_.predict_proba(X)

    def predict(self, X) -> np.ndarray:
        """Most likely grade."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def stage_probabilities(self, X) -> np.ndarray:
        """Columns: P(grade >= 1), P(grade >= 2), P(grade >= 3) — join, complete, hire."""
        proba = self.predict_proba(X)
        grades = self.classes_.astype(np.float64)
        return np.column_stack([proba[:, grades >= g].sum(axis=1) for g in (1, 2, 3)])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
