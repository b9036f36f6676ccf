"""What every vector store agrees on: which participants a search may return, what an
upsert must bring, and the error of a store that does not answer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SearchFilter:
    """Which participants a search may return."""

    edition_id: int | None = None
    available_only: bool = True
    consent_only: bool = False
    exclude: tuple[int, ...] = ()

    def admits(
        self, alive: np.ndarray, edition: np.ndarray, available: np.ndarray, consent: np.ndarray
    ) -> np.ndarray:
        """Which rows of these aligned columns the filter lets through (not ``exclude``,
        which names ids)."""
        mask = alive.copy()
        if self.edition_id is not None:
            mask &= edition == self.edition_id
        if self.available_only:
            mask &= available
        if self.consent_only:
            mask &= consent
        return mask


class VectorStoreUnavailableError(RuntimeError):
    """The vector store (a Milvus server) does not answer; nothing was changed."""


def checked_batch(
    ids,
    vectors: np.ndarray,
    dimension: int,
    editions,
    available,
    consent,
    fingerprints=None,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """An upsert's ids, vectors and per-id columns (edition, available, consent,
    fingerprint; a missing fingerprint is 0) as arrays, refused when ids repeat or
    shapes differ."""
    ids = np.asarray(ids, dtype=np.int64)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("ids must be unique within one upsert")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.shape != (len(ids), dimension):
        raise ValueError(f"vectors must have shape ({len(ids)}, {dimension})")
    columns = {
        "edition": np.asarray(editions, dtype=np.int64),
        "available": np.asarray(available, dtype=bool),
        "consent": np.asarray(consent, dtype=bool),
        "fingerprint": np.zeros(len(ids), dtype=np.int64)
        if fingerprints is None
        else np.asarray(fingerprints, dtype=np.int64),
    }
    return ids, vectors, columns
