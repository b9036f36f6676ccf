"""The fair-exposure re-rank: the protected group's share of exposure follows its share
of merit, and each group keeps its own order."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.fairness import TOLERANCE, checkpoints, fair_top_k, position_exposure


@settings(max_examples=200, deadline=None)
@given(st.integers(5, 150), st.integers(1, 40), st.floats(0.05, 0.7), st.integers(0, 9999))
def test_exposure_follows_merit_and_groups_keep_their_order(n, k, share, seed):
    rng = np.random.default_rng(seed)
    protected = rng.random(n) < share
    scores = rng.random(n) * np.where(protected, rng.uniform(0.3, 1.0), 1.0)
    chosen, report = fair_top_k(scores, protected, k)
    k = min(k, n)
    assert len(chosen) == k == len(set(chosen.tolist()))
    for group in (True, False):
        mine = scores[chosen[protected[chosen] == group]]
        assert (np.diff(mine) <= 1e-12).all()  # within a group, best first
    target = scores[protected].sum() / scores.sum()
    assert report["target_exposure_share"] == round(target, 3)
    weights = position_exposure(k)
    exposure = weights[protected[chosen]].sum() / weights.sum()
    if protected.sum() >= k and (~protected).sum() >= k:
        # at every checkpoint prefix, within tolerance give or take its last position
        for mark in checkpoints(k):
            head = weights[:mark]
            share = head[protected[chosen[:mark]]].sum() / head.sum()
            assert abs(share - target) <= TOLERANCE + head[-1] / head.sum() + 1e-9, mark
    assert report["exposure_share_after"] == round(exposure, 3)


def test_no_change_when_the_list_is_already_fair():
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    protected = np.array([True, False, True, False])
    chosen, report = fair_top_k(scores, protected, 4, tolerance=0.2)
    assert chosen.tolist() == [0, 1, 2, 3] and report["moved"] == 0


def test_an_underexposed_group_is_moved_up():
    scores = np.array([1.0, 0.99, 0.98, 0.97, 0.5, 0.49])
    protected = np.array([False, False, False, False, True, True])
    chosen, report = fair_top_k(scores, protected, 4)
    assert protected[chosen].any()
    assert report["exposure_share_after"] > report["exposure_share_before"] == 0.0


def test_checkpoints_cover_the_top_of_the_list():
    assert checkpoints(3) == [3]
    assert checkpoints(10) == [5, 10]
    assert checkpoints(25) == [5, 10, 20, 25]
    assert checkpoints(0) == []
