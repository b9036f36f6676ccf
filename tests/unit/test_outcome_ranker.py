"""The stage-by-stage ranker against outcomes drawn from known stage chances, and its
shrinkage toward a base: kept where the outcomes follow the base, left where they do
not."""

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from scipy.special import expit
from scipy.stats import spearmanr

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


def _graded(step: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Grades drawn from each row's stage chances (join, complete, hired)."""
    return (rng.random(step.shape) < step).cumprod(axis=1).sum(axis=1)


BASE_INPUTS = (("a",), ("b",), ("a", "b"))
EDITIONS = np.repeat([1, 2, 3], 2000)


def _programme(seed: int, hidden: float) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Three editions of outcomes logistic in what the base reads (``a``, ``b``), plus a
    threshold effect of ``hidden`` size on ``c``, which no base reads."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(len(EDITIONS), 3))
    jump = hidden * (x[:, 2] > 0.5)
    step = expit(
        np.column_stack([0.3 + 1.2 * x[:, 0] + jump, 0.5 - x[:, 1] + jump, x[:, 0] - x[:, 1]])
    )
    return pd.DataFrame(x, columns=["a", "b", "c"]), _graded(step, rng), step


def _shrunk(**params) -> OutcomeRanker:
    return OutcomeRanker(base_inputs=BASE_INPUTS, max_leaf_nodes=4, **params)


def test_outcomes_that_follow_the_base_keep_the_base():
    """Outcomes logistic in the base's own inputs: the trees earn (almost) no weight
    and the shrunk ranker ranks as its base alone does."""
    frame, y, _ = _programme(1, hidden=0.0)
    shrunk = _shrunk().fit(frame, y, editions=EDITIONS)
    base = _shrunk(tree_weight=0.0).fit(frame, y)
    assert max(shrunk.tree_weights_) <= 0.2
    fresh, _, _ = _programme(2, hidden=0.0)
    key = shrunk.stage_probabilities(fresh).sum(axis=1)
    assert spearmanr(key, base.stage_probabilities(fresh).sum(axis=1)).statistic > 0.99


def test_outcomes_driven_by_what_the_base_does_not_read_give_the_trees_weight():
    """A jump in the chances of joining and completing on ``c``, which no base reads:
    the trees earn most of those stages' weight and the ranker ranks the truth better
    than its base alone."""
    frame, y, _ = _programme(3, hidden=2.0)
    shrunk = _shrunk().fit(frame, y, editions=EDITIONS)
    base = _shrunk(tree_weight=0.0).fit(frame, y)
    assert min(shrunk.tree_weights_[:2]) >= 0.6
    fresh, _, step = _programme(4, hidden=2.0)
    truth = np.cumprod(step, axis=1).sum(axis=1)
    learned = spearmanr(shrunk.stage_probabilities(fresh).sum(axis=1), truth).statistic
    refitted = spearmanr(base.stage_probabilities(fresh).sum(axis=1), truth).statistic
    assert learned > refitted + 0.05


RULES = ((1.2,), (-1.0,), (1.0, -1.0))  # the weights _programme draws from: the centre


def test_a_base_that_the_outcomes_follow_stays_at_the_rules():
    """Outcomes drawn with the rules' own weights: each stage keeps the strongest pull
    toward them, and its weights are the rules'."""
    frame, y, _ = _programme(1, hidden=0.0)
    ranker = _shrunk(base_centre=RULES).fit(frame, y, editions=EDITIONS)
    assert ranker.base_strengths_ == [1000.0] * 3
    for base, centre in zip(ranker.bases_, RULES, strict=True):
        np.testing.assert_allclose(base.coef, centre, atol=0.05)


def test_outcomes_that_contradict_the_rules_loosen_the_pull():
    """Rules saying 3.0 where the outcomes follow 1.2 (joining, on ``a``): that stage's
    pull is loosened and its weight comes near the outcomes' own; the stages whose
    rules hold keep the strongest pull."""
    frame, y, _ = _programme(1, hidden=0.0)
    wrong = ((3.0,), *RULES[1:])
    ranker = _shrunk(base_centre=wrong).fit(frame, y, editions=EDITIONS)
    assert ranker.base_strengths_[0] <= 10.0
    assert abs(ranker.bases_[0].coef[0] - 1.2) < 0.2
    assert ranker.base_strengths_[1:] == [1000.0, 1000.0]


def test_without_editions_to_choose_on_the_base_serves_alone():
    frame, y, _ = _programme(3, hidden=2.0)
    shrunk = _shrunk().fit(frame, y)
    assert shrunk.tree_weights_ == [0.0, 0.0, 0.0]
    assert all(s is None for s in shrunk.stages_)  # no trees fitted


def test_a_base_reading_an_unknown_feature_is_a_clear_error():
    frame, y, _ = _programme(3, hidden=0.0)
    with pytest.raises(ValueError, match="not among the features: d"):
        OutcomeRanker(base_inputs=(("a",), ("d",), ("a",))).fit(frame, y)


def test_a_ranker_saved_before_stages_had_a_base_reads_as_its_trees_alone():
    """A saved ranker without the base's attributes and parameters (as saved before
    they existed) loads, scores as it did, and refits its own recipe: trees alone."""
    frame, y, _ = _programme(5, hidden=1.0)
    ranker = OutcomeRanker(max_iter=20).fit(frame, y)
    old = OutcomeRanker(max_iter=20).fit(frame, y)
    for name in ("base_inputs", "tree_weight", "bases_", "tree_weights_"):
        del old.__dict__[name]
    loaded = sio.loads(sio.dumps(old), trusted=sio.get_untrusted_types(data=sio.dumps(old)))
    assert np.array_equal(loaded.stage_probabilities(frame), ranker.stage_probabilities(frame))
    assert loaded.get_params()["base_inputs"] is None
