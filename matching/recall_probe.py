"""How much of the exact answer an approximate search finds, and the ``efSearch`` that
makes it enough.

HNSW's recall falls as the pool grows at a fixed ``efSearch``, so the engine measures it
on queries like the ones it serves (the challenges' vectors) against exact search, and
takes the smallest step of :data:`EF_SEARCH_STEPS` that reaches :data:`RECALL_TARGET`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from matching.retrieval import ParticipantIndex
from matching.search_filter import SearchFilter

log = logging.getLogger(__name__)

EF_SEARCH_STEPS = (64, 128, 256, 512, 1024, 2048, 4096)
RECALL_TARGET = 0.98


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of each query's exact ids (-1 is padding) that ``found`` holds."""
    hits = [
        len(np.intersect1d(a[a >= 0], e[e >= 0])) / max(1, (e >= 0).sum())
        for a, e in zip(found, exact, strict=True)
    ]
    return float(np.mean(hits))


def recall_probe(
    index: ParticipantIndex, queries: np.ndarray, k: int = 50, flt: SearchFilter | None = None
) -> float:
    """Share of the exact top-k that the index's own search finds (1.0 when exact)."""
    approx, _ = index.search(queries, k, flt)
    exact, _ = index.search(queries, k, flt, exact=True)
    return recall(approx, exact)


def tune_ef_search(
    recall_at: Callable[[int], float], target: float = RECALL_TARGET
) -> tuple[int, float]:
    """The smallest ``efSearch`` step whose measured recall reaches ``target`` (the
    largest step, with its recall, when none does), and that recall."""
    for ef in EF_SEARCH_STEPS:
        reached = recall_at(ef)
        if reached >= target:
            break
    return ef, reached


def tune(
    index: ParticipantIndex, queries: np.ndarray, k: int = 50, target: float = RECALL_TARGET
) -> dict:
    """Choose the index's ``efSearch`` by a recall probe over these queries and keep the
    result as its ``probe`` (saved with it)."""
    queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
    probe = {"queries": len(queries), "k": k, "target": target, "count": len(index)}
    if not index.approximate:
        index.probe = {**probe, "recall": 1.0, "ef_search": None, "exact": True}
        return index.probe
    exact, _ = index.search(queries, k, exact=True)

    def recall_at(ef: int) -> float:
        index.use_ef_search(ef)
        return recall(index.search(queries, k)[0], exact)

    ef, reached = tune_ef_search(recall_at, target)
    index.probe = {**probe, "recall": round(reached, 4), "ef_search": ef, "exact": False}
    log.info("recall probe: recall@%d %.4f at efSearch %d", k, reached, ef)
    return index.probe
