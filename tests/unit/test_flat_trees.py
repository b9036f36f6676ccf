"""The ranker's flat-array tree walk gives scikit-learn's probabilities to the bit."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from models.flat_trees import FlatForest
from models.ranker import OutcomeRanker


def _data(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 6))
    x[rng.random(x.shape) < 0.1] = np.nan  # missing values take the tree's own way
    y = (np.nan_to_num(x[:, 0]) + 0.5 * np.nan_to_num(x[:, 1]) ** 2 > 0.3).astype(int)
    return x, y


def test_a_flat_forest_gives_the_classifiers_probabilities_exactly() -> None:
    x, y = _data(3000, 1)
    model = HistGradientBoostingClassifier(max_iter=60, max_leaf_nodes=8, random_state=0)
    model.fit(x, y)
    fresh, _ = _data(500, 2)
    root = model._predictors[0][0].nodes[0]  # a value right at a split goes left
    fresh[0, root["feature_idx"]] = root["num_threshold"]
    expected = model.predict_proba(fresh)[:, 1]
    assert np.array_equal(FlatForest(model).proba(fresh), expected)


def test_the_ranker_scores_small_batches_as_scikit_learn_does() -> None:
    x, _ = _data(4000, 3)
    grades = np.digitize(np.nan_to_num(x[:, 0]) + np.nan_to_num(x[:, 2]), [-0.5, 0.5, 1.5])
    ranker = OutcomeRanker(max_iter=40).fit(x, grades)
    fresh, _ = _data(300, 4)
    by_sklearn = np.cumprod(
        np.column_stack(
            [
                np.full(len(fresh), s) if isinstance(s, float) else s.predict_proba(fresh)[:, 1]
                for s in ranker.stages_
            ]
        ),
        axis=1,
    )
    assert np.array_equal(ranker.stage_probabilities(fresh), by_sklearn)
