"""The stage-by-stage ranker against outcomes drawn from known stage chances."""

import numpy as np
import pandas as pd
from scipy.special import expit

from models.ranker import OutcomeRanker


def test_ranker_recovers_known_stage_chances():
    """Outcomes drawn from known stage chances (join, complete given joined, hired given
    completed, each logistic in its own feature): the ranker's chances of reaching each
    stage come within a few points of the true ones."""
    rng = np.random.default_rng(6)
    x = rng.normal(size=(20_000, 3))
    step = expit(np.column_stack([0.5 + 1.5 * x[:, 0], 1.0 - 1.2 * x[:, 1], -0.5 + 2 * x[:, 2]]))
    truth = np.cumprod(step, axis=1)
    y = (rng.random(step.shape) < step).cumprod(axis=1).sum(axis=1)
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    ranker = OutcomeRanker(max_leaf_nodes=8).fit(frame, y)
    found = ranker.stage_probabilities(frame)
    assert np.abs(found - truth).mean(axis=0).max() < 0.03
