"""Aggregate per-challenge metrics into means, bootstrap intervals and comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.metrics import bootstrap_interval
from evaluation.protocol import SplitResult
from evaluation.systems import BASELINES

LEARNED = "learned ranker"
ORACLE = "oracle"
HEADLINE = "ndcg@10"


def table(per_challenge: pd.DataFrame) -> dict[str, dict[str, dict[str, float]]]:
    """system -> metric -> {mean, low, high} (95 % bootstrap over challenges)."""
    out: dict = {}
    metrics = [c for c in per_challenge.columns if c not in ("system", "challenge_id")]
    for system, group in per_challenge.groupby("system", sort=False):
        out[system] = {}
        for metric in metrics:
            values = group[metric].to_numpy()
            low, high = bootstrap_interval(values)
            out[system][metric] = {"mean": float(values.mean()), "low": low, "high": high}
    return out


def paired_difference(per_challenge: pd.DataFrame, a: str, b: str, metric: str = HEADLINE) -> dict:
    """Mean of (a - b) over challenges with its 95 % bootstrap interval."""
    wide = per_challenge.pivot(index="challenge_id", columns="system", values=metric)
    diff = (wide[a] - wide[b]).to_numpy()
    low, high = bootstrap_interval(diff)
    return {
        "a": a,
        "b": b,
        "metric": metric,
        "mean": float(diff.mean()),
        "low": low,
        "high": high,
        "outside_interval": bool(low > 0),
    }


def oracle_fractions(summary: dict, metric: str = HEADLINE) -> dict[str, float]:
    ceiling = summary[ORACLE][metric]["mean"]
    return {
        s: (v[metric]["mean"] / ceiling if ceiling else float("nan")) for s, v in summary.items()
    }


def best_baseline(summary: dict, metric: str = HEADLINE) -> str:
    return max((s for s in summary if s in BASELINES), key=lambda s: summary[s][metric]["mean"])


def summarise_split(result: SplitResult) -> dict:
    """Everything the report needs from the main (temporal) split."""
    cf = table(result.counterfactual)
    obs = table(result.observed) if len(result.observed) else {}
    best = best_baseline(cf)
    return {
        "test_edition": result.test_edition,
        "test_challenges": int(result.counterfactual["challenge_id"].nunique()),
        "counterfactual": cf,
        "observed": obs,
        "fraction_of_oracle": oracle_fractions(cf),
        "best_baseline": best,
        "learned_vs_best_baseline": paired_difference(result.counterfactual, LEARNED, best),
        "learned_vs_best_baseline_observed": paired_difference(
            result.observed, LEARNED, best_baseline(obs)
        )
        if obs
        else None,
        "fairness": result.fairness.set_index("system").to_dict(orient="index"),
        "calibration": result.calibration,
        "training": result.training,
    }


def summarise_folds(results: list[SplitResult], metric: str = HEADLINE) -> dict:
    """Mean and spread of each system's metric over leave-one-edition-out folds."""
    rows = []
    for r in results:
        means = r.counterfactual.groupby("system", sort=False)[metric].mean()
        rows.append(means.rename(r.test_edition))
    wide = pd.DataFrame(rows)
    return {
        "metric": metric,
        "editions": [int(e) for e in wide.index],
        "per_edition": {s: [float(v) for v in wide[s]] for s in wide.columns},
        "mean": {s: float(wide[s].mean()) for s in wide.columns},
        "sd": {s: float(wide[s].std(ddof=1)) if len(wide) > 1 else 0.0 for s in wide.columns},
        "fraction_of_oracle": {s: float(np.mean(wide[s] / wide[ORACLE])) for s in wide.columns},
    }
