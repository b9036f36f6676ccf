"""Fairness re-rank of a scored list: exposure in proportion to merit.

The top of a list gets the attention (position p gets 1/log2(1 + p)). Ranking by score
alone hands the top places to whichever group leads by a little, so a group can get
far less attention than its merit warrants; and a floor on how many of a group a prefix
holds (FA*IR, used before) almost never binds at k <= 20 with a 10 % test, so it moved
next to nothing. This re-rank targets the fair-exposure rule instead (Singh & Joachims,
2018): the protected group's share of the list's exposure should equal its share of
the candidates' merit, merit being the score (the expected stages reached) of every
candidate the list was drawn from, give or take ``tolerance``. Filling positions one by
one, the best remaining candidate is taken unless taking the other group's best keeps
the protected group's final exposure closer to its allowance (taking into account what
the remaining positions can still give). Each group keeps its own order. Migrant status
is read here and in team formation only, never as a ranking feature.
"""

from __future__ import annotations

import numpy as np

TOLERANCE = 0.02


def position_exposure(k: int) -> np.ndarray:
    """Attention each of the first k positions gets."""
    return 1.0 / np.log2(np.arange(2, k + 2))


def fair_top_k(
    scores: np.ndarray, protected: np.ndarray, k: int, tolerance: float = TOLERANCE
) -> tuple[np.ndarray, dict]:
    """Positions into ``scores`` for a top-k whose protected share of exposure follows
    the protected share of merit, and a short report.

    ``scores`` need not be sorted; negative scores count as no merit.
    """
    order = np.argsort(-scores, kind="stable")
    k = min(k, len(order))
    merit = np.clip(scores, 0.0, None)
    total = merit.sum()
    target = float(merit[protected].sum() / total) if total > 0 else float(protected.mean())
    queues = [list(order[~protected[order]]), list(order[protected[order]])]  # [rest, prot]
    weights = position_exposure(k)
    low, high = (target - tolerance) * weights.sum(), (target + tolerance) * weights.sum()
    chosen: list[int] = []
    given = 0.0  # exposure the protected group has so far

    def miss(now: float, later: float) -> float:
        """How far the reachable final exposure [now, now + later] is from [low, high]."""
        return max(0.0, low - (now + later), now - high)

    for p, w in enumerate(weights):
        heads = [q[0] if q else None for q in queues]
        best = max((h for h in heads if h is not None), key=lambda c: (scores[c], -c))
        group = int(protected[best])
        other = 1 - group
        if heads[other] is not None:
            later = weights[p + 1 :].sum()
            if miss(given + w * other, later) < miss(given + w * group, later):
                group = other
        chosen.append(int(queues[group].pop(0)))
        given += w * group
    result = np.asarray(chosen, dtype=np.int64)
    plain = order[:k]

    def exposure_share(picks: np.ndarray) -> float:
        return float(weights[protected[picks]].sum() / weights.sum()) if k else 0.0

    report = {
        "applied": True,
        "target_exposure_share": round(target, 3),
        "exposure_share_before": round(exposure_share(plain), 3),
        "exposure_share_after": round(exposure_share(result), 3),
        "moved": int((result != plain).sum()),
    }
    return result, report
