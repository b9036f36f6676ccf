"""The ranker's flat-array tree walk gives scikit-learn's probabilities to the bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from models import ranker as ranker_module
from models.flat_trees import FlatForest
from models.ranker import OutcomeRanker


def _data(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 6))
    x[rng.random(x.shape) < 0.1] = np.nan  # missing values take the tree's own way
    y = (np.nan_to_num(x[:, 0]) + 0.5 * np.nan_to_num(x[:, 1]) ** 2 > 0.3).astype(int)
    return x, y


@pytest.mark.parametrize(
    ("leaves", "table"), [(2, True), (4, True), (8, True), (31, False)], ids=str
)
def test_a_flat_forest_gives_the_classifiers_probabilities_exactly(leaves, table) -> None:
    """Small trees are read through their leaf table, large ones walked: both exactly."""
    x, y = _data(3000, 1)
    model = HistGradientBoostingClassifier(max_iter=60, max_leaf_nodes=leaves, random_state=0)
    model.fit(x, y)
    fresh, _ = _data(500, 2)
    root = model._predictors[0][0].nodes[0]  # a value right at a split goes left
    fresh[0, root["feature_idx"]] = root["num_threshold"]
    expected = model.predict_proba(fresh)[:, 1]
    forest = FlatForest(model)
    assert (forest.table is not None) == table
    assert np.array_equal(forest.proba(fresh), expected)


def test_a_forest_of_single_leaves_gives_its_baseline() -> None:
    x = np.zeros((200, 3))  # nothing to split on: every tree is one leaf
    model = HistGradientBoostingClassifier(max_iter=5, random_state=0)
    model.fit(x, np.tile([0, 1, 1, 1], 50))
    forest = FlatForest(model)
    assert forest.table is not None and forest.table.splits == 0
    assert np.array_equal(forest.proba(x), model.predict_proba(x)[:, 1])


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


def test_a_shrunk_ranker_scores_small_batches_as_its_large_batch_path(monkeypatch) -> None:
    """A ranker blending a base with its trees: the flat walk (a request's rows) and
    scikit-learn's own (a large batch) give the same chances to the bit."""
    x, _ = _data(4000, 5)
    grades = np.digitize(np.nan_to_num(x[:, 0]) + np.nan_to_num(x[:, 2]), [-0.5, 0.5, 1.5])
    frame = pd.DataFrame(x, columns=list("abcdef"))
    ranker = OutcomeRanker(max_iter=40, base_inputs=(("a",), ("b", "c"), ("c",)), tree_weight=0.5)
    ranker.fit(frame, grades)
    fresh = _data(300, 6)[0]
    flat = ranker.stage_probabilities(fresh)
    monkeypatch.setattr(ranker_module, "FLAT_ROWS", 0)
    assert np.array_equal(flat, ranker.stage_probabilities(fresh))
    base_alone = OutcomeRanker(base_inputs=ranker.base_inputs, tree_weight=0.0).fit(frame, grades)
    assert not np.allclose(flat, base_alone.stage_probabilities(fresh))  # the trees count
