"""FA*IR re-ranking keeps every prefix above the binomial minimum."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.fairness import fair_top_k, minimum_protected


@settings(max_examples=150, deadline=None)
@given(st.integers(5, 120), st.integers(1, 40), st.floats(0.1, 0.6), st.integers(0, 9999))
def test_prefixes_meet_the_minimum_and_groups_keep_their_order(n, k, share, seed):
    rng = np.random.default_rng(seed)
    scores = rng.random(n)
    protected = rng.random(n) < share
    chosen, report = fair_top_k(scores, protected, k, share)
    k = min(k, n)
    assert len(chosen) == k == len(set(chosen.tolist()))
    need = minimum_protected(k, share)
    available = protected.sum()
    taken = np.cumsum(protected[chosen])
    for i in range(k):
        assert taken[i] >= min(need[i], available)
    for group in (True, False):
        mine = scores[chosen[protected[chosen] == group]]
        assert (np.diff(mine) <= 1e-12).all()  # within a group, best first
    assert report["share_after"] >= min(report["share_before"], need[-1] / k) - 1e-9


def test_no_change_when_the_list_is_already_fair():
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    protected = np.array([True, False, True, False])
    chosen, report = fair_top_k(scores, protected, 4, 0.5)
    assert chosen.tolist() == [0, 1, 2, 3] and report["moved"] == 0
