"""The learned ranker: probabilities of each programme stage for a candidate.

Relevance is graded (0 nothing, 1 joined, 2 completed training, 3 hired), and the
stages come one after the other. The model follows them: one gradient-boosted tree
classifier per stage, each trained on the people who reached the stage before it
(P(joined), P(completed | joined), P(hired | completed)), so its outputs are
probabilities a caseworker can read ("0.7 chance of completing") and each stage learns
from the cases that bear on it. The ranking key is the expected grade, the sum of the
chances of reaching each stage.

Where the direction of a feature's effect is known (holding more of the skills asked
for never lowers the chances; a longer commute over one's limit never raises them),
``monotonic_cst`` enforces it in every stage: the model cannot learn a noisy reversal,
and each factor's measured effect in an explanation points the way its words say.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from models.flat_trees import FlatForest

# up to this many rows are scored on flat arrays; larger batches (training, evaluation)
# by scikit-learn's own threaded walk, whose temporary arrays stay small
FLAT_ROWS = 20_000


class OutcomeRanker(ClassifierMixin, BaseEstimator):
    """Stage-by-stage gradient-boosted classifier over graded outcomes, used as a ranker.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization:
        Passed to each stage's :class:`~sklearn.ensemble.HistGradientBoostingClassifier`.
    monotonic_cst:
        Feature name -> +1 (never lowers the chances), -1 (never raises them) or 0; needs
        ``X`` as a DataFrame with those column names.
    early_stopping:
        Hold out 15 % of a stage's rows (from 200 rows on) to stop adding trees when
        they stop helping the held-out log-loss.
    random_state:
        Seed for the hold-out split.
    """

    def __init__(
        self,
        max_iter: int = 300,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 8,
        min_samples_leaf: int = 30,
        l2_regularization: float = 1.0,
        monotonic_cst: dict[str, int] | None = None,
        early_stopping: bool = True,
        random_state: int | None = 0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.monotonic_cst = monotonic_cst
        self.early_stopping = early_stopping
        self.random_state = random_state

    def _stage_model(self, rows: int) -> HistGradientBoostingClassifier:
        constraints = None
        if self.monotonic_cst and hasattr(self, "feature_names_in_"):
            constraints = [int(self.monotonic_cst.get(f, 0)) for f in self.feature_names_in_]
        return HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            monotonic_cst=constraints,
            early_stopping=self.early_stopping and rows >= 200,
            validation_fraction=0.15,
            n_iter_no_change=15,
            random_state=self.random_state,
        )

    def fit(self, X, y, sample_weight=None) -> OutcomeRanker:
        """Fit one classifier per stage on features ``X`` and graded outcomes ``y``."""
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        self.stages_ = []  # per grade above the lowest: a model, or the constant rate
        reached = np.ones(len(y), dtype=bool)
        for low, grade in zip(self.classes_[:-1], self.classes_[1:], strict=True):
            reached &= y >= low
            target = (y[reached] >= grade).astype(int)
            weight = None if sample_weight is None else np.asarray(sample_weight)[reached]
            if len(np.unique(target)) < 2:
                self.stages_.append(float(target.mean()) if len(target) else 0.0)
                continue
            model = self._stage_model(len(target))
            model.fit(X[reached], target, sample_weight=weight)
            self.stages_.append(model)
        self.n_iter_ = [s.n_iter_ if hasattr(s, "n_iter_") else 0 for s in self.stages_]
        return self

    def stage_probabilities(self, X) -> np.ndarray:
        """Columns: the chance of reaching each grade above the lowest (for grades 0..3:
        join, complete, hire), each the product of the stages before it."""
        check_is_fitted(self)
        if not (isinstance(X, np.ndarray) and X.ndim == 2 and X.shape[1] == self.n_features_in_):
            # an array of the fitted width is taken as it is (its caller keeps the column
            # order); anything else is checked, names included
            X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        if len(X) <= FLAT_ROWS:  # a request's few hundred rows: see models.flat_trees
            x = np.asarray(X, dtype=np.float64)
            chances = [
                np.full(len(x), s) if forest is None else forest.proba(x)
                for s, forest in zip(self.stages_, self._forests(), strict=True)
            ]
        else:
            chances = [
                np.full(len(X), s) if isinstance(s, float) else s.predict_proba(X)[:, 1]
                for s in self.stages_
            ]
        return np.cumprod(np.column_stack(chances), axis=1) if chances else np.zeros((len(X), 0))

    def _forests(self) -> list[FlatForest | None]:
        """Each stage's trees as flat arrays (see :mod:`models.flat_trees`), made on
        first use and not saved with the model."""
        forests = self.__dict__.get("_flat_forests")
        if forests is None:
            forests = [None if isinstance(s, float) else FlatForest(s) for s in self.stages_]
            self.__dict__["_flat_forests"] = forests
        return forests

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_flat_forests", None)
        return state

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each grade in :attr:`classes_`."""
        reach = self.stage_probabilities(X)
        ones = np.ones((len(reach), 1))
        at_least = np.hstack([ones, reach])
        beyond = np.hstack([reach, np.zeros((len(reach), 1))])
        return at_least - beyond

    def predict(self, X) -> np.ndarray:
        """Most likely grade."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
