"""Fairness re-ranking of a scored list (FA*IR, Zehlike et al. 2017).

Every prefix of the top-k must hold at least as many migrants as a binomial test
against the pool's migrant share allows (significance ``alpha``); within that rule the
order follows the scores. Migrant status is read here and in team formation only, never
as a ranking feature.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.stats import binom


@lru_cache(maxsize=512)
def minimum_protected(k: int, share: float, alpha: float = 0.1) -> tuple[int, ...]:
    """Fewest protected members each prefix 1..k may hold (FA*IR's m-table)."""
    share = round(share, 3)
    return tuple(int(binom.ppf(alpha, i, share)) for i in range(1, k + 1))


def fair_top_k(
    scores: np.ndarray, protected: np.ndarray, k: int, share: float, alpha: float = 0.1
) -> tuple[np.ndarray, dict]:
    """Positions into ``scores`` for a fair top-k, and a short report.

    ``scores`` need not be sorted. The report gives the protected share of the plain
    top-k and of the re-ranked one and how many entries moved.
    """
    order = np.argsort(-scores, kind="stable")
    k = min(k, len(order))
    plain = order[:k]
    prot = order[protected[order]]
    rest = order[~protected[order]]
    need = minimum_protected(k, share, alpha) if 0 < share < 1 else (0,) * k
    chosen: list[int] = []
    ip = ir = taken_protected = 0
    for i in range(k):
        must = taken_protected < need[i]
        take_protected = ip < len(prot) and (
            must or ir >= len(rest) or scores[prot[ip]] >= scores[rest[ir]]
        )
        if take_protected:
            chosen.append(int(prot[ip]))
            ip += 1
            taken_protected += 1
        else:
            chosen.append(int(rest[ir]))
            ir += 1
    result = np.asarray(chosen, dtype=np.int64)
    report = {
        "applied": True,
        "target_share": round(float(share), 3),
        "share_before": round(float(protected[plain].mean()) if k else 0.0, 3),
        "share_after": round(float(protected[result].mean()) if k else 0.0, 3),
        "moved": int((result != plain).sum()),
    }
    return result, report
