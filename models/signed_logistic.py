"""A logistic regression whose weights keep known signs: the base each stage of the
ranker shrinks toward (see :mod:`models.ranker`).

scikit-learn's ``LogisticRegression`` cannot bound its weights, and an unbounded fit on
a few hundred outcomes can learn that fitting the schedule lowers the chance of
joining. The objective here is scikit-learn's default one (log-loss plus half the
squared weights, the intercept free); a weight whose direction is known is held to it,
so where the data agree with the directions the fit is scikit-learn's own.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit


class SignedLogistic:
    """P(y = 1) = expit(intercept + x @ coef) over chosen columns of a feature matrix,
    each coefficient held to the sign given for its column (0: free). A missing value
    reads as its column's training mean."""

    def __init__(self, columns: np.ndarray, signs: np.ndarray) -> None:
        self.columns = np.asarray(columns, dtype=np.intp)
        self.signs = np.asarray(signs, dtype=np.int64)

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
            value += 0.5 * theta[1:] @ theta[1:]
            grad[1:] += theta[1:]
            return float(value), grad

        bounds = [(None, None)] + [
            (0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in self.signs
        ]
        found = minimize(
            loss, np.zeros(design.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds
        )
        self.intercept = float(found.x[0])
        self.coef = found.x[1:]
        return self

    def _filled(self, inputs: np.ndarray) -> np.ndarray:
        return np.where(np.isnan(inputs), self.fill, inputs)

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for each row of the full feature matrix ``x``."""
        return self.intercept + self._filled(x[:, self.columns]) @ self.coef
