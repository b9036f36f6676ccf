"""A logistic regression whose weights keep known signs: the base each stage of the
ranker shrinks toward (see :mod:`models.ranker`).

scikit-learn's ``LogisticRegression`` cannot bound its weights, and an unbounded fit on
a few hundred outcomes can learn that fitting the schedule lowers the chance of
joining. The objective is scikit-learn's (log-loss plus half the squared weights times a
strength, the intercept free), with two changes: a weight whose direction is known is
held to it, and the penalty can pull the weights toward a centre other than zero (the
rules' documented weights), so that with few outcomes the fit stays near what the rules
say instead of near "nothing matters". With the default centre (zero) and strength (1),
where the data agree with the directions, the fit is scikit-learn's own.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit


def row_sums(constant: float, inputs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``constant + inputs @ weights``, summed term by term: each row's figure then does
    not depend on the rows beside it (a matrix product's rounding does), so a person's
    reasons read the same in a placement as in the challenge's shortlist."""
    total = np.full(len(inputs), constant, dtype=float)
    for column, weight in enumerate(weights):
        total += weight * inputs[:, column]
    return total


class SignedLogistic:
    """P(y = 1) = expit(intercept + x @ coef) over chosen columns of a feature matrix,
    each coefficient held to the sign given for its column (0: free) and pulled toward
    ``centre`` (default zero) by ``strength``. A missing value reads as its column's
    training mean."""

    def __init__(
        self,
        columns: np.ndarray,
        signs: np.ndarray,
        centre: np.ndarray | None = None,
        strength: float = 1.0,
    ) -> None:
        self.columns = np.asarray(columns, dtype=np.intp)
        self.signs = np.asarray(signs, dtype=np.int64)
        self.centre = np.zeros(len(self.columns)) if centre is None else np.asarray(centre, float)
        self.strength = float(strength)
        if len(self.centre) != len(self.columns):
            raise ValueError(f"{len(self.centre)} centre weights for {len(self.columns)} columns")

    def fit(self, x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None):
        """Fit on rows of the full feature matrix ``x`` and binary outcomes ``y``."""
        inputs = x[:, self.columns]
        self.fill = np.nan_to_num(np.nanmean(inputs, axis=0)) if len(inputs) else 0.0
        inputs = self._filled(inputs)
        y = np.asarray(y, dtype=np.float64)
        w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=np.float64)
        design = np.hstack([np.ones((len(inputs), 1)), inputs])

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            z = design @ theta
            value = -(w * (y * log_expit(z) + (1 - y) * log_expit(-z))).sum()
            grad = design.T @ (w * (expit(z) - y))
            pull = theta[1:] - self.centre
            value += 0.5 * self.strength * pull @ pull
            grad[1:] += self.strength * pull
            return float(value), grad

        bounds = [(None, None)] + [
            (0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in self.signs
        ]
        found = minimize(loss, np.r_[0.0, self.centre], jac=True, method="L-BFGS-B", bounds=bounds)
        self.intercept = float(found.x[0])
        self.coef = found.x[1:]
        return self

    def _filled(self, inputs: np.ndarray) -> np.ndarray:
        return np.where(np.isnan(inputs), self.fill, inputs)

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for each row of the full feature matrix ``x``."""
        return row_sums(self.intercept, self._filled(x[:, self.columns]), self.coef)
