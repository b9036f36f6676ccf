"""Exact search over edition blocks of the vector storage.

The participant index stores its vectors edition by edition after a rebuild (see
:mod:`matching.retrieval`): these are the pieces that work on that layout with plain
numpy.
"""

from __future__ import annotations

import numpy as np


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
