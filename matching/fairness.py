"""Fairness re-rank of a scored list: exposure in proportion to merit.

The top of a list gets the attention (position p gets 1/log2(1 + p)). Ranking by score
alone hands the top places to whichever group leads by a little, so a group can get
far less attention than its merit warrants; and a floor on how many of a group a prefix
holds (FA*IR, used before) almost never binds at k <= 20 with a 10 % test, so it moved
next to nothing. This re-rank targets the fair-exposure rule instead (Singh & Joachims,
2018): the protected group's share of the list's exposure should equal its share of
the candidates' merit, merit being the score (the expected stages reached) of every
candidate the list was drawn from, give or take ``tolerance`` -- at the end of every
*checkpoint* prefix (the first 5, the first 10, then every 10 and the whole list), since
a caseworker reads a list from the top and a list fair only over its whole length can
still keep a group out of the first places. Filling positions one by one, the best
remaining candidate is taken unless taking the other group's best keeps the protected
group's exposure at the next checkpoint closer to its allowance (taking into account
what the positions before it can still give). Each group keeps its own order. Migrant
status is read here and in team formation only, never as a ranking feature.
"""

from __future__ import annotations

import numpy as np

TOLERANCE = 0.02
FIRST_CHECKPOINTS = (5, 10)
CHECKPOINT_EVERY = 10


def position_exposure(k: int) -> np.ndarray:
    """Attention each of the first k positions gets."""
    return 1.0 / np.log2(np.arange(2, k + 2))


def checkpoints(k: int) -> list[int]:
    """Prefix lengths at whose end the exposure must be fair: 5, 10, 20, ... and k."""
    marks = [c for c in FIRST_CHECKPOINTS if c < k]
    marks += list(range(FIRST_CHECKPOINTS[-1] + CHECKPOINT_EVERY, k, CHECKPOINT_EVERY))
    return [*marks, k] if k else []


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
    # plain Python numbers below: the loop reads them one at a time
    queues = [order[~protected[order]].tolist(), order[protected[order]].tolist()]  # rest, prot
    # where each candidate stands in the plain order: the better of two heads comes first
    standing = np.empty(len(order), dtype=np.int64)
    standing[order] = np.arange(len(order))
    standing_of = standing.tolist()
    weights = position_exposure(k)
    cumulative = np.cumsum(weights).tolist()
    horizon = {}  # position -> the checkpoint it answers to
    start = 0
    for mark in checkpoints(k):
        horizon.update(dict.fromkeys(range(start, mark), mark))
        start = mark
    chosen: list[int] = []
    taken = [0, 0]  # how many of each queue are chosen
    given = 0.0  # exposure the protected group has so far

    def miss(now: float, p: int) -> float:
        """How far the exposure reachable at p's checkpoint is from its allowance."""
        mark = horizon[p]
        later = cumulative[mark - 1] - cumulative[p]
        low = (target - tolerance) * cumulative[mark - 1]
        high = (target + tolerance) * cumulative[mark - 1]
        return max(0.0, low - (now + later), now - high)

    for p, w in enumerate(weights.tolist()):
        heads = [q[n] if n < len(q) else None for q, n in zip(queues, taken, strict=True)]
        rest, prot = heads
        group = (
            1 if rest is None or (prot is not None and standing_of[prot] < standing_of[rest]) else 0
        )
        other = 1 - group
        if heads[other] is not None and miss(given + w * other, p) < miss(given + w * group, p):
            group = other
        chosen.append(heads[group])
        taken[group] += 1
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
