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

**Shrinkage toward a base.** A programme's few hundred outcomes do not carry a forest
far: on MILMA-sized programmes the trees alone did no better than the rules they were
meant to improve on, while a logistic regression on the rules' own inputs did. So each
stage can start from a base, a logistic regression on named inputs (``base_inputs``,
weights held to the same known directions, :mod:`models.signed_logistic`), and the
trees only move it as far as they earn: the stage's log-odds are ``base + w * (trees -
base)``. The weight ``w`` of each stage is chosen on the latest of the training
editions, held out from a fit on the ones before it, by the held-out log-loss of that
stage (from 0, the base alone, to 1, the trees alone): the smallest weight within one
standard error of the best, so the trees earn weight only by beating the base by more
than the held-out edition's noise. The model is then refitted on every edition with
it. With little data the held-out trees do not beat the base and the ranker is its
base; with more they earn weight. Both parts are monotone in the same
directions, so their blend (``0 <= w <= 1``) is too.

**The base itself is shrunk toward the rules.** Given the rules' documented weights
(``base_centre``), a stage's base is pulled toward them rather than toward zero, with a
strength chosen the same way on the latest training edition: the strongest pull whose
held-out log-loss is within one standard error of the best. A few hundred noisy
outcomes then leave the base at the rules with a refitted intercept, and only outcomes
that clearly disagree with a documented weight move it.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from models.flat_trees import FlatForest
from models.signed_logistic import SignedLogistic

# up to this many rows are scored on flat arrays; larger batches (training, evaluation)
# by scikit-learn's own threaded walk, whose temporary arrays stay small
FLAT_ROWS = 20_000
# the trees' weights tried for each stage, and the fewest held-out rows of a stage (with
# both outcomes) to choose on: with fewer, the stage keeps its base
TREE_WEIGHTS = np.linspace(0.0, 1.0, 11)
MIN_HELD_OUT = 30
# the pulls of a base toward the rules' weights tried, from the strongest (the rules
# with a refitted intercept, nearly) to scikit-learn's default; without a held-out
# edition to choose on, the base takes the last
BASE_STRENGTHS = (1000.0, 100.0, 10.0, 1.0)


def _first_within_noise(losses: np.ndarray) -> int:
    """The first choice (``losses``: one row of per-case held-out losses per choice,
    the most cautious choice first) whose mean loss is within one standard error of the
    best choice's: leaving the cautious choice must beat it by more than the held-out
    edition's noise."""
    best = losses[int(np.argmin(losses.mean(axis=1)))]
    excess = losses - best
    noise = excess.std(axis=1) / np.sqrt(losses.shape[1])
    return int(np.argmax(excess.mean(axis=1) <= noise))


def _held_out_losses(z: np.ndarray, target: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    """Per-case log-losses of log-odds ``z`` (choices x rows) against a binary target."""
    losses = -np.where(target, log_expit(z), log_expit(-z))
    return losses if weight is None else losses * (weight / weight.mean())


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
    base_inputs:
        Per stage (the grades above the lowest, in order), the feature names its base
        logistic regression reads; None: no base, the trees alone.
    base_centre:
        Per stage, the weights (in ``base_inputs`` order) its base is pulled toward, with
        a strength chosen on the latest edition passed to :meth:`fit`; None: toward zero
        with scikit-learn's default strength.
    tree_weight:
        With a base: the trees' weight in every stage (0: the base alone, no trees
        fitted; 1: the trees alone), or None to choose each stage's on the latest
        edition passed to :meth:`fit` (without editions, 0).
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
        base_inputs: tuple[tuple[str, ...], ...] | None = None,
        base_centre: tuple[tuple[float, ...], ...] | None = None,
        tree_weight: float | None = None,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.monotonic_cst = monotonic_cst
        self.early_stopping = early_stopping
        self.random_state = random_state
        self.base_inputs = base_inputs
        self.base_centre = base_centre
        self.tree_weight = tree_weight

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

    def _base(self, stage: int, strength: float) -> SignedLogistic | None:
        """A stage's unfitted base over its named inputs, held to their directions and
        pulled toward its centre (if given) with ``strength``."""
        if self.base_inputs is None:
            return None
        names = list(getattr(self, "feature_names_in_", []))
        inputs = self.base_inputs[stage]
        unknown = [name for name in inputs if name not in names]
        if unknown:
            raise ValueError(f"base inputs not among the features: {', '.join(unknown)}")
        signs = [int((self.monotonic_cst or {}).get(name, 0)) for name in inputs]
        centre = None if self.base_centre is None else self.base_centre[stage]
        return SignedLogistic([names.index(name) for name in inputs], signs, centre, strength)

    def fit(self, X, y, sample_weight=None, editions=None) -> OutcomeRanker:
        """Fit each stage on features ``X`` and graded outcomes ``y``; ``editions`` (each
        row's edition) lets each stage's tree weight be chosen on the latest one."""
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        stages = len(self.classes_) - 1
        if self.base_inputs is not None and len(self.base_inputs) < stages:
            raise ValueError(f"base_inputs names {len(self.base_inputs)} stages, not {stages}")
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.base_strengths_, self.tree_weights_ = self._chosen(X, y, weight, editions)
        self.stages_, self.bases_ = self._fit_stages(
            X, y, weight, self.base_strengths_, self.tree_weights_
        )
        self.n_iter_ = [s.n_iter_ if hasattr(s, "n_iter_") else 0 for s in self.stages_]
        return self

    def _steps(self) -> list[tuple]:
        """Each stage as (the grade it starts from, the grade it reaches)."""
        return list(zip(self.classes_[:-1], self.classes_[1:], strict=True))

    def _fit_stages(
        self,
        X: np.ndarray,
        y: np.ndarray,
        weight: np.ndarray | None,
        strengths: list[float],
        tree_weights: list[float],
    ) -> tuple[list, list]:
        """Per grade above the lowest: the trees (None when their weight is 0, or the
        constant rate when the stage saw one outcome only) and the base (or None)."""
        stages, bases = [], []
        reached = np.ones(len(y), dtype=bool)
        for stage, (low, grade) in enumerate(self._steps()):
            reached &= y >= low
            target = (y[reached] >= grade).astype(int)
            w = None if weight is None else weight[reached]
            if len(np.unique(target)) < 2:
                stages.append(float(target.mean()) if len(target) else 0.0)
                bases.append(None)
                continue
            base = self._base(stage, strengths[stage])
            if base is not None:
                base.fit(X[reached], target, w)
            trees = None
            if base is None or tree_weights[stage] > 0:
                trees = self._stage_model(len(target)).fit(X[reached], target, sample_weight=w)
            stages.append(trees)
            bases.append(base)
        return stages, bases

    def _chosen(
        self, X: np.ndarray, y: np.ndarray, weight: np.ndarray | None, editions
    ) -> tuple[list[float], list[float]]:
        """Each stage's base strength and tree weight (see the module docstring)."""
        stages = len(self.classes_) - 1
        free = BASE_STRENGTHS[-1]
        if self.base_inputs is None:
            return [free] * stages, [1.0] * stages
        fixed = self.tree_weight
        kept = 0.0 if fixed is None else float(fixed)  # a stage's weight when none is chosen
        if editions is None:
            return [free] * stages, [kept] * stages
        editions = np.asarray(editions)
        if len(editions) != len(y):
            raise ValueError(f"{len(editions)} editions for {len(y)} rows")
        held = editions == editions.max()
        cautious = BASE_STRENGTHS[0] if self.base_centre is not None else free
        if held.all():
            return [cautious] * stages, [kept] * stages
        strengths = BASE_STRENGTHS if self.base_centre is not None else (free,)
        w = None if weight is None else weight[~held]
        fitted = [  # the trees once, with the first base; the other bases alone
            self._fit_stages(X[~held], y[~held], w, [s] * stages, [float(i == 0)] * stages)
            for i, s in enumerate(strengths)
        ]
        chosen_strengths, chosen_weights = [], []
        for stage, (low, grade) in enumerate(self._steps()):
            rows = held & (y >= low)
            target = y[rows] >= grade
            bases = [bases[stage] for _, bases in fitted]
            trees = fitted[0][0][stage]
            if bases[0] is None or rows.sum() < MIN_HELD_OUT or target.min() == target.max():
                chosen_strengths.append(cautious)
                chosen_weights.append(kept)
                continue
            held_weight = None if weight is None else weight[rows]
            b = np.stack([base.logit(X[rows]) for base in bases])
            pick = _first_within_noise(_held_out_losses(b, target, held_weight))
            chosen_strengths.append(strengths[pick])
            if fixed is not None:
                chosen_weights.append(kept)
                continue
            t = trees.decision_function(X[rows])
            z = b[pick][None, :] + TREE_WEIGHTS[:, None] * (t - b[pick])[None, :]
            losses = _held_out_losses(z, target, held_weight)
            chosen_weights.append(float(TREE_WEIGHTS[_first_within_noise(losses)]))
        return chosen_strengths, chosen_weights

    def stage_probabilities(self, X) -> np.ndarray:
        """Columns: the chance of reaching each grade above the lowest (for grades 0..3:
        join, complete, hire), each the product of the stages before it."""
        check_is_fitted(self)
        if not (isinstance(X, np.ndarray) and X.ndim == 2 and X.shape[1] == self.n_features_in_):
            # an array of the fitted width is taken as it is (its caller keeps the column
            # order); anything else is checked, names included
            X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        x = np.asarray(X, dtype=np.float64)
        flat = len(X) <= FLAT_ROWS  # a request's few hundred rows: see models.flat_trees
        chances = []
        for stage, (trees, base, w) in enumerate(
            zip(self.stages_, self.bases_, self.tree_weights_, strict=True)
        ):
            if isinstance(trees, float):
                chances.append(np.full(len(X), trees))
                continue
            if trees is not None:
                t = self._forests()[stage].logit(x) if flat else trees.decision_function(X)
            if base is None:
                z = t
            elif trees is None:
                z = base.logit(x)
            else:
                b = base.logit(x)
                z = b + w * (t - b)
            chances.append(expit(z))
        return np.cumprod(np.column_stack(chances), axis=1) if chances else np.zeros((len(X), 0))

    def _forests(self) -> list[FlatForest | None]:
        """Each stage's trees as flat arrays (see :mod:`models.flat_trees`), made on
        first use and not saved with the model."""
        forests = self.__dict__.get("_flat_forests")
        if forests is None:
            forests = [
                FlatForest(s) if isinstance(s, HistGradientBoostingClassifier) else None
                for s in self.stages_
            ]
            self.__dict__["_flat_forests"] = forests
        return forests

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_flat_forests", None)
        return state

    def __setstate__(self, state: dict) -> None:
        """A ranker saved before stages had a base was its trees alone: read it so."""
        state = {"base_inputs": None, "base_centre": None, "tree_weight": None, **state}
        if "stages_" in state and "bases_" not in state:
            state["bases_"] = [None] * len(state["stages_"])
            state["tree_weights_"] = [1.0] * len(state["stages_"])
        if "stages_" in state and "base_strengths_" not in state:
            state["base_strengths_"] = [BASE_STRENGTHS[-1]] * len(state["stages_"])
        super().__setstate__(state)

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
