"""Metric functions against independent implementations (scikit-learn) and hand cases."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, ndcg_score

from evaluation import metrics as m


def _ranked(rel, scores):
    return np.asarray(rel)[np.argsort(-np.asarray(scores), kind="stable")]


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 60), st.integers(1, 25), st.integers(0, 10_000))
def test_ndcg_matches_sklearn(n, k, seed):
    rng = np.random.default_rng(seed)
    rel = rng.integers(0, 4, n)
    scores = rng.permutation(n).astype(float)  # distinct scores: no tie handling involved
    ours = m.ndcg_at_k(_ranked(rel, scores), k)
    if rel.sum() == 0:
        assert ours == 0.0
    else:
        assert ours == pytest.approx(ndcg_score([rel], [scores], k=k))


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 60), st.integers(0, 10_000))
def test_full_list_average_precision_matches_sklearn(n, seed):
    rng = np.random.default_rng(seed)
    rel = rng.integers(0, 4, n)
    scores = rng.permutation(n).astype(float)
    relevant = rel >= m.RELEVANT
    ours = m.average_precision_at_k(_ranked(rel, scores), n)
    if relevant.any():
        assert ours == pytest.approx(average_precision_score(relevant, scores))
    else:
        assert ours == 0.0


def test_hand_cases():
    ranked = np.array([0, 3, 2, 0, 2])
    assert m.reciprocal_rank(ranked) == 0.5
    assert m.recall_at_k(ranked, 2) == pytest.approx(1 / 3)
    assert m.placement_precision_at_k(ranked, 2) == 0.5
    assert m.average_precision_at_k(ranked, 3) == pytest.approx((1 / 2 + 2 / 3) / 3)
    assert m.gini(np.ones(10)) == pytest.approx(0.0)
    assert m.gini(np.array([0, 0, 0, 5.0])) == pytest.approx(0.75)
    assert m.exposure_ratio(np.array([1.0, 1.0, 2.0, 2.0]), np.array([1, 1, 0, 0])) == 0.5
    low, high = m.bootstrap_interval(np.array([1.0, 2.0, 3.0, 4.0]))
    assert low < 2.5 < high


def test_exposure_merit_ratio_by_hand():
    # two lists; migrants get half the exposure of locals for the same merit -> 0.5
    ratio = m.exposure_merit_ratio(
        np.array([1.0, 1.0]), np.array([2.0, 2.0]), np.array([3.0, 1.0]), np.array([3.0, 1.0])
    )
    assert ratio == pytest.approx(0.5)
    value, low, high = m.exposure_merit_interval(
        (np.array([1.0, 2.0, 1.5]), np.array([1.0, 2.0, 1.5]), np.ones(3), np.ones(3))
    )
    assert value == pytest.approx(1.0) and low == pytest.approx(1.0) and high == pytest.approx(1.0)
    value, low, high = m.exposure_merit_interval(
        (np.array([0.2, 1.0, 0.1, 0.8]), np.ones(4), np.ones(4), np.ones(4))
    )
    assert low < value < high and value == pytest.approx(0.525)
