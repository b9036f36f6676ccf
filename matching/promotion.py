"""Whether a newly trained ranker may serve: judged on the programme's own outcomes.

A real programme has no hidden truth; what it has is the outcomes it recorded. The
newly trained ranker, fitted on the editions before the latest, ranks the latest
edition's observed candidates of every challenge; so do the fallback rules and the
serving (incumbent) ranker. Its NDCG@10 against each is a mean over challenges, and its
interval resamples *companies* (a company's challenges share its ways and its
trainees, so they are not independent draws). The new ranker serves only when both
lower bounds are above 0; otherwise the incumbent keeps serving, or the rules when no
ranker serves yet.

The recorded outcomes carry no offer propensities (who was offered a place was not
logged with its chance), so the held-out candidates are weighted equally: the gate
compares rankings of the people caseworkers did consider, not of the whole cohort.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import ndcg_score

LEARNED, RULES, INCUMBENT = "learned", "rules", "incumbent"
GATE_K = 10
RESAMPLES = 2000
LEVEL = 0.95


def cluster_bootstrap(
    values: np.ndarray,
    clusters: np.ndarray,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile interval of the mean of ``values``, resampling whole ``clusters``
    (a cluster's values are drawn together, as a company's or an edition's are)."""
    values = np.asarray(values, dtype=np.float64)
    labels, which = np.unique(np.asarray(clusters), return_inverse=True)
    sums = np.bincount(which, weights=values, minlength=len(labels))
    counts = np.bincount(which, minlength=len(labels)).astype(np.float64)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(labels), size=(resamples, len(labels)))
    means = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def per_challenge_ndcg(pairs: pd.DataFrame, key: np.ndarray, k: int = GATE_K) -> pd.Series:
    """NDCG@k of ``key`` over each challenge's observed candidates (challenges with at
    least two candidates and one positive outcome), indexed by challenge id."""
    values = {}
    for cid, group in pairs.assign(key=key).groupby("challenge_id"):
        if len(group) > 1 and group["relevance"].max() > 0:
            rel = group["relevance"].to_numpy()[None, :]
            values[cid] = ndcg_score(rel, group["key"].to_numpy()[None, :], k=k)
    return pd.Series(values, dtype=np.float64)


@dataclass(frozen=True)
class Contender:
    """A ranking to beat: its name and its key for the held-out rows."""

    name: str
    key: np.ndarray


def difference(
    pairs: pd.DataFrame, new: np.ndarray, other: np.ndarray, company_of: Callable[[int], int]
) -> dict:
    """Mean (new - other) NDCG@10 over held-out challenges, with its company-resampled
    interval."""
    a, b = per_challenge_ndcg(pairs, new), per_challenge_ndcg(pairs, other)
    diff = (a - b).dropna()
    if diff.empty:
        return {"mean": float("nan"), "low": float("nan"), "high": float("nan"), "challenges": 0}
    companies = np.array([company_of(int(c)) for c in diff.index])
    low, high = cluster_bootstrap(diff.to_numpy(), companies)
    return {
        "mean": round(float(diff.mean()), 4),
        "low": round(low, 4),
        "high": round(high, 4),
        "challenges": len(diff),
        "companies": len(set(companies.tolist())),
    }


def decide(
    pairs: pd.DataFrame,
    new: np.ndarray,
    rules: np.ndarray,
    company_of: Callable[[int], int],
    incumbent: Contender | None = None,
    edition: int | None = None,
) -> dict:
    """The promotion record: ``decision`` (learned, rules or incumbent), ``reason``,
    the binding ``difference`` {mean, low, high} and each comparison's figures."""
    versus = {RULES: difference(pairs, new, rules, company_of)}
    if incumbent is not None:
        versus[INCUMBENT] = difference(pairs, new, incumbent.key, company_of)
    keeper = INCUMBENT if incumbent is not None else RULES
    binding = min(versus, key=lambda n: -np.inf if np.isnan(versus[n]["low"]) else versus[n]["low"])
    worst = versus[binding]
    beaten = [n for n, d in versus.items() if d["low"] > 0]
    where = f"edition {edition}" if edition is not None else "the held-out edition"
    if len(beaten) == len(versus):
        decision, code = LEARNED, "better"
        reason = (
            f"the new ranker beats {' and '.join(_names(versus, incumbent))} on {where}'s "
            f"observed outcomes (NDCG@10, interval over companies above 0)"
        )
    elif np.isnan(worst["low"]):
        decision, code = keeper, "no_outcomes"
        reason = f"{where} has no challenge with observed outcomes to compare on"
    else:
        decision, code = keeper, "not_better"
        reason = (
            f"the new ranker does not beat {_names({binding: 0}, incumbent)[0]} on {where}'s "
            f"observed outcomes: NDCG@10 difference {worst['mean']:+.3f} "
            f"[{worst['low']:+.3f}, {worst['high']:+.3f}]"
        )
    return {
        "decision": decision,
        "code": code,
        "reason": reason,
        "against": binding,
        "difference": {k: worst[k] for k in ("mean", "low", "high")},
        "versus": versus,
        "held_out_edition": edition,
        "incumbent": incumbent.name if incumbent is not None else None,
    }


def _names(versus: dict, incumbent: Contender | None) -> list[str]:
    return [
        "the rules" if n == RULES else f"the serving ranker {incumbent.name}"  # type: ignore[union-attr]
        for n in versus
    ]


def refusal_reason(promotion: dict | None) -> str | None:
    """Why the rules score after a retrain refused its ranker (None if it did not)."""
    if not promotion or promotion.get("decision") != "rules":
        return None
    return f"the trained ranker was not promoted: {promotion['reason']}"
