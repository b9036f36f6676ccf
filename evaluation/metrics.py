"""Ranking, coverage and fairness metrics as plain functions over ranked relevance.

Each ranking metric takes ``ranked``, the relevance grades of one list in the order a
system ranked it (0..3), plus the grades of the whole candidate pool where the ideal
ordering needs them. Grades: hired 3, completed 2, joined 1, otherwise 0. Binary
metrics (MAP, recall, MRR) count a candidate as relevant when they would at least
complete the training (grade >= 2); placement precision counts hires.
"""

from __future__ import annotations

import numpy as np

from matching.promotion import cluster_bootstrap

RELEVANT = 2
HIRED = 3


def _discounts(n: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, n + 2))


def dcg_at_k(ranked: np.ndarray, k: int) -> float:
    """DCG@k = sum_{i<=k} rel_i / log2(i + 1) (linear gains, as sklearn's ndcg_score)."""
    top = np.asarray(ranked, dtype=np.float64)[:k]
    return float(top @ _discounts(len(top)))


def ndcg_at_k(ranked: np.ndarray, k: int) -> float:
    """NDCG@k = DCG@k / DCG@k of the ideal order of the same list; 0 when nothing is relevant."""
    ideal = dcg_at_k(np.sort(np.asarray(ranked))[::-1], k)
    return dcg_at_k(ranked, k) / ideal if ideal > 0 else 0.0


def average_precision_at_k(ranked: np.ndarray, k: int, threshold: int = RELEVANT) -> float:
    """AP@k = (1 / min(k, R)) sum_{i<=k} P@i [rel_i >= threshold], R = relevant in the list."""
    hits = np.asarray(ranked) >= threshold
    total = int(hits.sum())
    if total == 0:
        return 0.0
    top = hits[:k]
    precision = np.cumsum(top) / np.arange(1, len(top) + 1)
    return float((precision * top).sum() / min(k, total))


def recall_at_k(ranked: np.ndarray, k: int, threshold: int = RELEVANT) -> float:
    """Share of the list's relevant candidates that appear in the top k."""
    hits = np.asarray(ranked) >= threshold
    total = int(hits.sum())
    return float(hits[:k].sum() / total) if total else 0.0


def reciprocal_rank(ranked: np.ndarray, threshold: int = RELEVANT) -> float:
    """1 / position of the first relevant candidate (0 if none)."""
    hits = np.flatnonzero(np.asarray(ranked) >= threshold)
    return 1.0 / (hits[0] + 1) if len(hits) else 0.0


def placement_precision_at_k(ranked: np.ndarray, k: int) -> float:
    """Share of the top k who would be hired."""
    top = np.asarray(ranked)[:k]
    return float((top >= HIRED).sum() / k) if k else 0.0


def exposure_weights(n: int, k: int) -> np.ndarray:
    """Attention a position gets: 1/log2(1 + rank) within the top k, 0 beyond."""
    w = np.zeros(n)
    m = min(n, k)
    w[:m] = _discounts(m)
    return w


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, towards 1 = concentrated)."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return 0.0
    cum = np.cumsum(x)
    return float((n + 1 - 2 * (cum / cum[-1]).sum()) / n)


def exposure_ratio(exposure: np.ndarray, protected: np.ndarray) -> float:
    """Mean exposure of the protected group over that of the rest (1 = parity)."""
    protected = np.asarray(protected, dtype=bool)
    if protected.all() or not protected.any():
        return float("nan")
    rest = exposure[~protected].mean()
    return float(exposure[protected].mean() / rest) if rest > 0 else float("nan")


def bootstrap_interval(
    values: np.ndarray, draws: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile interval of the mean, resampling the items (challenges) with
    replacement: the cluster bootstrap with every item a cluster of its own."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return float("nan"), float("nan")
    return cluster_bootstrap(values, np.arange(len(values)), draws, level, seed)


def ranking_metrics(ranked: np.ndarray, ks: tuple[int, ...]) -> dict[str, float]:
    """All ranking metrics of one list at each k (MRR has no k)."""
    out = {"mrr": reciprocal_rank(ranked)}
    for k in ks:
        out[f"ndcg@{k}"] = ndcg_at_k(ranked, k)
        out[f"map@{k}"] = average_precision_at_k(ranked, k)
        out[f"recall@{k}"] = recall_at_k(ranked, k)
        out[f"placement_precision@{k}"] = placement_precision_at_k(ranked, k)
    return out


def exposure_merit_ratio(
    exposure_protected: np.ndarray,
    exposure_rest: np.ndarray,
    merit_protected: np.ndarray,
    merit_rest: np.ndarray,
) -> float:
    """Fair exposure (Singh & Joachims 2018): the protected group's exposure per unit
    of merit over the rest's, summed over lists; 1 = attention in proportion to merit."""
    rest = exposure_rest.sum() / merit_rest.sum()
    return float((exposure_protected.sum() / merit_protected.sum()) / rest) if rest else np.nan


def exposure_merit_interval(
    columns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    draws: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """:func:`exposure_merit_ratio` over lists and its percentile interval, resampling
    the lists (challenges) with replacement."""
    columns = tuple(np.asarray(c, dtype=np.float64) for c in columns)
    n = len(columns[0])
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, (draws, n))
    sums = [c[picks].sum(axis=1) for c in columns]
    ratios = (sums[0] / sums[2]) / (sums[1] / sums[3])
    tail = (1 - level) / 2
    return (
        exposure_merit_ratio(*columns),
        float(np.nanquantile(ratios, tail)),
        float(np.nanquantile(ratios, 1 - tail)),
    )
