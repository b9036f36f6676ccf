"""Exact search over edition blocks of the vector storage, and the recall probe.

The participant index stores its vectors edition by edition after a rebuild (see
:mod:`matching.retrieval`): these are the pieces that work on that layout with plain
numpy, and the rule that picks HNSW's ``efSearch`` from measured recall.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EF_SEARCH_STEPS = (64, 128, 256, 512, 1024, 2048, 4096)
RECALL_TARGET = 0.98


def edition_blocks(editions: np.ndarray) -> dict[int, tuple[int, int]]:
    """Each edition's [start, end) in rows ordered by edition."""
    if not len(editions):
        return {}
    starts = np.flatnonzero(np.r_[True, editions[1:] != editions[:-1]])
    ends = np.r_[starts[1:], len(editions)]
    return {int(editions[a]): (int(a), int(b)) for a, b in zip(starts, ends, strict=True)}


def scan_top_k(
    vectors: np.ndarray,
    queries: np.ndarray,
    k: int,
    start: int,
    end: int,
    tail: np.ndarray,
    mask: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` rows (and scores) per query among ``vectors[start:end]`` and
    ``vectors[tail]``, where ``mask`` (aligned with those rows) admits them: one matrix
    product over the block, no copy of it."""
    rows = np.concatenate([np.arange(start, end), tail])[mask]
    if not len(rows):
        return np.zeros((len(queries), 0), np.int64), np.zeros((len(queries), 0), np.float32)
    sims = queries @ vectors[start:end].T
    if len(tail):
        sims = np.hstack([sims, queries @ vectors[tail].T])
    sims = sims[:, mask]
    kk = min(k, len(rows))
    top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
    top_scores = np.take_along_axis(sims, top, axis=1)
    order = np.argsort(-top_scores, axis=1, kind="stable")
    return rows[np.take_along_axis(top, order, axis=1)], np.take_along_axis(
        top_scores, order, axis=1
    )


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of each query's exact ids (-1 is padding) that ``found`` holds."""
    hits = [
        len(np.intersect1d(a[a >= 0], e[e >= 0])) / max(1, (e >= 0).sum())
        for a, e in zip(found, exact, strict=True)
    ]
    return float(np.mean(hits))


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
