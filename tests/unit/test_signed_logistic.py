"""The base's logistic regression: scikit-learn's fit where the known directions hold,
the direction kept where the outcomes contradict it."""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from models.signed_logistic import SignedLogistic


def _outcomes(effects: list[float], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3000, len(effects) + 1))  # the last column is read by nobody
    y = (rng.random(len(x)) < expit(0.2 + x[:, :-1] @ np.array(effects))).astype(int)
    return x, y


def test_where_the_directions_hold_the_fit_is_scikit_learns():
    x, y = _outcomes([1.0, -0.7, 0.3])
    fitted = SignedLogistic([0, 1, 2], [1, -1, 0]).fit(x, y)
    reference = LogisticRegression().fit(x[:, :3], y)
    np.testing.assert_allclose(fitted.coef, reference.coef_[0], atol=1e-4)
    np.testing.assert_allclose(fitted.intercept, reference.intercept_[0], atol=1e-4)
    np.testing.assert_allclose(fitted.logit(x), reference.decision_function(x[:, :3]), atol=1e-3)


def test_an_effect_against_its_direction_is_held_at_zero():
    """The outcomes fall with the first input, declared never to lower them: its weight
    stays at 0 (scikit-learn's would be negative); the free input keeps its effect."""
    x, y = _outcomes([-0.8, 0.6])
    fitted = SignedLogistic([0, 1], [1, 0]).fit(x, y)
    assert LogisticRegression().fit(x[:, :2], y).coef_[0, 0] < -0.5
    assert fitted.coef[0] == 0.0
    assert fitted.coef[1] > 0.4


def test_a_missing_input_reads_as_its_training_mean():
    x, y = _outcomes([1.0])
    fitted = SignedLogistic([0], [1]).fit(x, y)
    gap = np.array([[np.nan, 0.0]])
    mean = np.array([[x[:, 0].mean(), 0.0]])
    assert fitted.logit(gap) == fitted.logit(mean)


def test_the_pull_toward_a_centre_holds_a_weight_as_strongly_as_asked():
    """Outcomes with a weak effect (0.2), a centre saying 1.5: a strong pull keeps the
    weight near the centre, scikit-learn's default strength leaves it near the data."""
    x, y = _outcomes([0.2])
    held = SignedLogistic([0], [1], centre=[1.5], strength=1e4).fit(x, y)
    free = SignedLogistic([0], [1], centre=[1.5], strength=1.0).fit(x, y)
    assert abs(held.coef[0] - 1.5) < 0.2
    assert abs(free.coef[0] - 0.2) < 0.1
