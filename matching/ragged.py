"""Rows of several values kept as one flat array and a count per row.

A million participants' skill lists as Python lists of ints cost about 1.9 GB; as one
int32 array and a count per row they cost a tenth of that, and any set of rows is
gathered with a few vector operations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def starts(counts: np.ndarray) -> np.ndarray:
    """Where each row begins in the flat array."""
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def segment_positions(begins: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Flat positions of the segments [begin, begin + count) in order, without a loop."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(begins - starts(counts), counts) + np.arange(total)


def take(flat: np.ndarray, counts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The flat values of ``rows``, in that order."""
    return flat[segment_positions(starts(counts)[rows], counts[rows])]


def split(flat: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    """One view per row (for code that walks rows one by one)."""
    return np.split(flat, np.cumsum(counts)[:-1]) if len(counts) else []


def from_rows(rows: Sequence[Sequence[int]], dtype=np.int32) -> tuple[np.ndarray, np.ndarray]:
    """(flat, counts) of a sequence of rows."""
    counts = np.fromiter(map(len, rows), np.int32, count=len(rows))
    flat = np.fromiter((v for row in rows for v in row), dtype, count=int(counts.sum()))
    return flat, counts
