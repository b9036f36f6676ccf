"""Metric functions against independent implementations (scikit-learn) and hand cases."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, ndcg_score

from evaluation import metrics as m
from matching.promotion import cluster_bootstrap, per_challenge_ndcg


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


def _coverage(interval, samples) -> float:
    """Share of simulated samples whose interval holds the true mean 0."""
    hits = [low <= 0.0 <= high for low, high in (interval(*sample) for sample in samples)]
    return float(np.mean(hits))


def test_bootstrap_interval_covers_a_known_mean_about_95_times_in_100():
    rng = np.random.default_rng(1)
    samples = [(rng.exponential(1.0, 60) - 1.0,) for _ in range(400)]  # skewed, mean 0
    coverage = _coverage(m.bootstrap_interval, samples)
    assert 0.90 <= coverage <= 0.98


def test_clustered_data_need_the_cluster_bootstrap():
    """20 companies with 10 challenges each and a company effect as large as the
    challenge noise: resampling challenges covers the true mean far less often than
    95 %, resampling companies about 95 % of the time."""
    rng = np.random.default_rng(2)
    clusters = np.repeat(np.arange(20), 10)
    samples = [
        (rng.normal(0, 1, 20)[clusters] + rng.normal(0, 1, 200), clusters) for _ in range(300)
    ]
    naive = _coverage(lambda v, c: m.bootstrap_interval(v), samples)
    clustered = _coverage(lambda v, c: cluster_bootstrap(v, c, resamples=1000), samples)
    assert naive < 0.75
    assert 0.88 <= clustered <= 0.98


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


def test_the_gate_ndcg_matches_sklearn_per_challenge_with_ties():
    rng = np.random.default_rng(4)
    pairs = pd.DataFrame(
        {"challenge_id": np.repeat([1, 2, 3], 15), "relevance": rng.integers(0, 4, 45)}
    )
    key = rng.integers(0, 4, 45).astype(float)  # ties within a challenge
    found = per_challenge_ndcg(pairs, key)
    for cid, group in pairs.groupby("challenge_id"):
        rows = group.index.to_numpy()
        expected = ndcg_score([group["relevance"]], [key[rows]], k=10)
        assert found[cid] == pytest.approx(expected)
