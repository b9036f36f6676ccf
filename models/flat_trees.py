"""A fitted binary ``HistGradientBoostingClassifier``'s trees as flat arrays, evaluated
for all rows and all trees at once with numpy.

Why: a shortlist asks the ranker twice (its candidates, then the explanations'
variants), a few hundred rows each. scikit-learn spends about a millisecond per call
checking its input and then walks each tree in an OpenMP region of its own, some hundred
per call, which on a loaded machine costs several milliseconds more than the arithmetic.
Here the trees are evaluated for all rows at once in a handful of array operations. Small
trees (the ranker's have three splits) are read in one step: every split of every tree is
compared at once, and the row's pattern of answers picks the leaf from a table made
when the forest is flattened. Larger trees are walked level by level. The result is the
same to the bit: the same comparisons (a missing value goes where the tree says, a value
at or below the threshold goes left), the leaf values added in the same order as
scikit-learn adds them, and the same logistic link.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.ensemble import HistGradientBoostingClassifier

# trees with at most this many splits are read through a table of 2**splits leaves each
TABLE_SPLITS = 8


class FlatForest:
    """One binary classifier's trees, padded to the same number of nodes."""

    def __init__(self, model: HistGradientBoostingClassifier) -> None:
        if model.n_trees_per_iteration_ != 1:
            raise ValueError("only binary classifiers are flattened")
        trees = [p[0].nodes for p in model._predictors]
        if any(t["is_categorical"].any() for t in trees):
            raise ValueError("categorical splits are not flattened")
        width = max((len(t) for t in trees), default=1)

        def column(name: str, dtype) -> np.ndarray:
            out = np.zeros((len(trees), width), dtype=dtype)
            for i, t in enumerate(trees):
                out[i, : len(t)] = t[name]
            return out

        self.feature = column("feature_idx", np.intp)
        self.threshold = column("num_threshold", np.float64)
        self.missing_left = column("missing_go_to_left", bool)
        self.left = column("left", np.intp)
        self.right = column("right", np.intp)
        self.leaf = column("is_leaf", bool)
        self.value = column("value", np.float64)
        self.depth = int(max((t["depth"].max() for t in trees), default=0))
        self.baseline = float(model._baseline_prediction.ravel()[0])
        self.trees = np.arange(len(trees))[None, :]
        splits = max((int((t["is_leaf"] == 0).sum()) for t in trees), default=0)
        self.table = _LeafTable(trees, splits) if splits <= TABLE_SPLITS else None

    def proba(self, x: np.ndarray) -> np.ndarray:
        """P(class 1) for each row of ``x`` (float64, the fitted feature order)."""
        return expit(self.logit(x))

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The log-odds of class 1 (scikit-learn's ``decision_function``) for each row."""
        leaves = self._walk(x) if self.table is None else self.table.leaves(x)
        # scikit-learn adds each tree's value in turn to the baseline; so does cumsum
        raw = np.empty((len(x), leaves.shape[1] + 1))
        raw[:, 0], raw[:, 1:] = self.baseline, leaves
        return np.cumsum(raw, axis=1)[:, -1]

    def _walk(self, x: np.ndarray) -> np.ndarray:
        """Each row's leaf value in each tree, walking the trees level by level."""
        node = np.zeros((len(x), self.trees.shape[1]), dtype=np.intp)
        rows = np.arange(len(x))[:, None]
        for _ in range(self.depth):
            values = x[rows, self.feature[self.trees, node]]
            missing = np.isnan(values)
            go_left = np.where(
                missing,
                self.missing_left[self.trees, node],
                values <= self.threshold[self.trees, node],
            )
            step = np.where(go_left, self.left[self.trees, node], self.right[self.trees, node])
            node = np.where(self.leaf[self.trees, node], node, step)
        return self.value[self.trees, node]


class _LeafTable:
    """Small trees read in one step: each tree's splits (padded to ``splits``) are
    compared for every row at once, and the answers, as the bits of a number, index the
    leaf that the walk from the root would reach."""

    def __init__(self, trees: list[np.ndarray], splits: int) -> None:
        n = len(trees)
        self.splits = splits
        self.feature = np.zeros((n, splits), dtype=np.intp)
        self.threshold = np.full((n, splits), np.inf)  # a padded split is never read
        self.missing_left = np.zeros((n, splits), dtype=bool)
        self.value = np.zeros((n, 1 << splits))
        for i, tree in enumerate(trees):
            inner = np.flatnonzero(tree["is_leaf"] == 0)
            self.feature[i, : len(inner)] = tree["feature_idx"][inner]
            self.threshold[i, : len(inner)] = tree["num_threshold"][inner]
            self.missing_left[i, : len(inner)] = tree["missing_go_to_left"][inner]
            bit = {int(node): b for b, node in enumerate(inner)}
            for answers in range(1 << splits):
                node = 0
                while not tree["is_leaf"][node]:
                    went_left = answers >> bit[node] & 1
                    node = tree["left"][node] if went_left else tree["right"][node]
                self.value[i, answers] = tree["value"][node]
        self.offsets = np.arange(n)[None, :] << splits
        # split b of every tree side by side, so that each answer is one row slice
        self.by_split = (
            self.feature.T.ravel(),
            self.threshold.T.ravel(),
            self.missing_left.T.ravel(),
        )

    def leaves(self, x: np.ndarray) -> np.ndarray:
        if not self.splits:  # every tree a single leaf
            return np.broadcast_to(self.value[:, 0], (len(x), len(self.value)))
        feature, threshold, missing_left = self.by_split
        values = x[:, feature]
        went_left = values <= threshold
        gaps = np.isnan(x).any(axis=0)[feature]  # the splits that may meet a missing value
        if gaps.any():
            missing = np.isnan(values[:, gaps])
            went_left[:, gaps] = np.where(missing, missing_left[gaps], went_left[:, gaps])
        bits = went_left.reshape(len(x), self.splits, -1)
        answers = self.offsets + bits[:, 0]
        for b in range(1, self.splits):
            answers += bits[:, b].astype(np.intp) << b
        return self.value.ravel()[answers]
