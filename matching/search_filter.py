"""Which participants a search may return: the one filter contract of every vector
store."""

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
