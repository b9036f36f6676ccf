"""Aggregate per-challenge metrics into means, bootstrap intervals and comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.metrics import bootstrap_interval, exposure_merit_interval
from evaluation.protocol import SplitResult
from evaluation.systems import BASELINES
from matching.promotion import cluster_bootstrap

LEARNED = "learned ranker"
FAIR = "learned ranker + fairness re-rank"
RULES = "fallback rules"
ORACLE = "oracle"
COMPANY_WAYS = "learned ranker, true company ways"
HEADLINE = "ndcg@10"


def table(per_challenge: pd.DataFrame) -> dict[str, dict[str, dict[str, float]]]:
    """system -> metric -> {mean, low, high} (95 % bootstrap over challenges)."""
    out: dict = {}
    metrics = [
        c
        for c in per_challenge.columns
        if c not in ("system", "challenge_id", "test_edition", "company_id")
    ]
    for system, group in per_challenge.groupby("system", sort=False):
        out[system] = {}
        for metric in metrics:
            values = group[metric].to_numpy()
            low, high = bootstrap_interval(values)
            out[system][metric] = {"mean": float(values.mean()), "low": low, "high": high}
    return out


def paired_difference(per_challenge: pd.DataFrame, a: str, b: str, metric: str = HEADLINE) -> dict:
    """Mean of (a - b) over challenges with its 95 % bootstrap interval, resampling
    companies when the rows name them (a company's challenges, across the pooled
    editions, share its ways and its ranker's training runs), challenges otherwise."""
    keys = [k for k in ("challenge_id", "test_edition", "company_id") if k in per_challenge.columns]
    wide = per_challenge.pivot_table(index=keys, columns="system", values=metric)
    diff = (wide[a] - wide[b]).to_numpy()
    if "company_id" in keys:
        low, high = cluster_bootstrap(diff, wide.index.get_level_values("company_id").to_numpy())
    else:
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


def exposure_merit(exposure: pd.DataFrame, by: str | None = None) -> dict:
    """Per system (and per ``by`` value), the migrants' exposure per merit over the
    locals' with its 95 % bootstrap interval over challenges."""
    out: dict = {}
    keys = ["system"] if by is None else ["system", by]
    for key, group in exposure.groupby(keys, sort=False):
        value, low, high = exposure_merit_interval(
            (
                group["exposure_migrant"].to_numpy(),
                group["exposure_local"].to_numpy(),
                group["merit_migrant"].to_numpy(),
                group["merit_local"].to_numpy(),
            )
        )
        cell = {"ratio": value, "low": low, "high": high, "challenges": len(group)}
        if by is None:
            out[key[0] if isinstance(key, tuple) else key] = cell
        else:
            out.setdefault(key[0], {})[key[1]] = cell
    return out


def summarise_split(result: SplitResult) -> dict:
    """Everything the report needs from the latest edition's split."""
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


def summarise_temporal(results: list[SplitResult]) -> dict:
    """The temporal protocol over every tested edition: pooled per-challenge metrics,
    the learned ranker against the rules and every baseline, exposure against merit."""
    pooled = pd.concat([r.counterfactual for r in results], ignore_index=True)
    exposure = pd.concat([r.exposure for r in results], ignore_index=True)
    cf = table(pooled)
    per_edition = {
        s: {int(e): float(v) for e, v in g.groupby("test_edition")[HEADLINE].mean().items()}
        for s, g in pooled.groupby("system", sort=False)
    }
    others = [s for s in cf if s not in (LEARNED, FAIR, COMPANY_WAYS, ORACLE)]
    return {
        "editions": [r.test_edition for r in results],
        "challenges": int(len(pooled) / pooled["system"].nunique()),
        "counterfactual": cf,
        "per_edition": per_edition,
        "fraction_of_oracle": oracle_fractions(cf),
        "learned_vs": {s: paired_difference(pooled, LEARNED, s) for s in others},
        "fairness_cost": paired_difference(pooled, FAIR, LEARNED) if FAIR in cf else None,
        "company_headroom": company_headroom(pooled) if COMPANY_WAYS in cf else None,
        "exposure_merit": exposure_merit(exposure),
        "exposure_merit_by_niche": exposure_merit(
            exposure[exposure["system"].isin([LEARNED, FAIR])], by="niche"
        ),
    }


def company_headroom(pooled: pd.DataFrame) -> dict:
    """A diagnostic: the ranker given the companies' hidden ways (which also carry the
    true skills behind a hire, so no upper bound) against the rules. No share
    "recovered" is given: a ratio of two noisy differences has no useful interval."""
    return {"true_ways_vs_rules": paired_difference(pooled, COMPANY_WAYS, RULES)}


def summarise_curve(results: dict[int, SplitResult]) -> dict:
    """NDCG@10 on one test edition per number of editions of history."""
    return {
        "test_edition": next(iter(results.values())).test_edition,
        "points": {
            int(h): {
                s: float(g[HEADLINE].mean())
                for s, g in r.counterfactual.groupby("system", sort=False)
            }
            for h, r in results.items()
        },
    }


def rising(curve: dict, system: str = LEARNED) -> dict:
    """Whether the learning curve rises: its slope (least squares, NDCG per edition of
    history) and the gain from the shortest history to the longest."""
    windows = np.array(sorted(curve["points"]))
    values = np.array([curve["points"][h][system] for h in windows])
    slope = float(np.polyfit(windows, values, 1)[0]) if len(windows) > 1 else 0.0
    return {"slope": slope, "gain": float(values[-1] - values[0]), "rises": slope > 0}
