"""The FAISS index of participant profiles: the whole FAISS life cycle lives here.

Exact inner-product search below ``exact_limit`` participants, HNSW above it
(efConstruction 200: faiss' default 40 caps recall on real MiniLM vectors). Vectors are
unit length, so inner product is cosine similarity.

Rows are append-only with tombstones: HNSW cannot delete, so an update adds a new row
and retires the old one, and a removed participant is retired at once. Filters
(edition, availability, consent, retired rows) become one bitmap handed to FAISS as an
``IDSelectorBitmap``. When the filter keeps few rows, HNSW would have to wander far to
find them, so such searches run exactly over the flat vector storage instead (FAISS
then computes distances only for selected rows).

A challenge searches its own edition, a few per cent of a large pool, and a bitmap scan
still walks every row. So a rebuild stores the rows edition by edition: an edition is
one contiguous block of the vector storage (plus the rows added since, the tail), and
its search is one matrix product over that block, exact, with no second copy of any
vector. Whole-programme searches go through HNSW, whose ``efSearch`` is chosen by a
recall probe against exact search (:mod:`matching.recall_probe`). A retired row's
vector is overwritten with zeros at once, so an erased person's vector is gone from
memory and from the next saved file even before a rebuild drops the row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import faiss
import numpy as np
import pandas as pd

from matching.bulk_vectors import release_pages, reserve
from matching.index_files import ids_digest, publishing, read_index_files
from matching.search_filter import SearchFilter, checked_batch
from matching.vector_blocks import edition_blocks, scan_top_k
from models.artefacts import KEPT_VERSIONS, Artefact

log = logging.getLogger(__name__)

Mode = Literal["auto", "exact", "approximate"]
# An edition up to this many rows is searched by one exact matrix product over its block
# (about 3 ms for 25,000 rows of 384 numbers on one core); a larger one goes through HNSW.
BLOCK_SCAN_LIMIT = 60_000
ADD_CHUNK = 50_000


class ParticipantIndex:
    """Participant vectors with stable external ids, filters and atomic persistence.

    Parameters
    ----------
    dimension:
        Vector size.
    mode:
        ``"auto"`` picks exact search up to ``exact_limit`` live rows and HNSW above;
        ``"exact"`` and ``"approximate"`` force one.
    """

    def __init__(
        self,
        dimension: int,
        mode: Mode = "auto",
        exact_limit: int = 20_000,
        hnsw_m: int = 32,
        ef_construction: int = 200,
        ef_search: int = 128,
        model_name: str = "",
    ) -> None:
        self.dimension = dimension
        self.mode = mode
        self.exact_limit = exact_limit
        self.hnsw_m = hnsw_m
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self.model_name = model_name
        self.version: str | None = None
        self._index = self._new_index(approximate=(mode == "approximate"))
        self._ids = np.zeros(0, dtype=np.int64)
        self._meta = {
            "alive": np.zeros(0, dtype=bool),
            "edition": np.zeros(0, dtype=np.int64),
            "available": np.zeros(0, dtype=bool),
            "consent": np.zeros(0, dtype=bool),
            "fingerprint": np.zeros(0, dtype=np.int64),
        }
        self._row_of: dict[int, int] = {}
        # rows [0, sorted_rows) are ordered by edition since the last rebuild: _blocks
        # gives each edition's [start, end) there; later rows are the tail
        self.sorted_rows = 0
        self._blocks: dict[int, tuple[int, int]] = {}
        self.probe: dict | None = None  # the latest recall probe (matching.recall_probe)

    # ----------------------------------------------------------------- structure
    def _new_index(self, approximate: bool) -> faiss.Index:
        if approximate:
            index = faiss.IndexHNSWFlat(self.dimension, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = self.ef_construction
            index.hnsw.efSearch = self.ef_search
            return index
        return faiss.IndexFlatIP(self.dimension)

    @property
    def approximate(self) -> bool:
        return isinstance(self._index, faiss.IndexHNSW)

    @property
    def factory(self) -> str:
        return f"HNSW{self.hnsw_m},Flat" if self.approximate else "Flat"

    def __len__(self) -> int:
        return len(self._row_of)

    @property
    def ids(self) -> np.ndarray:
        """External ids of live rows."""
        return self._ids[self._meta["alive"]]

    def table(self) -> pd.DataFrame:
        """One row per live participant: id, edition, flags and the fingerprint of the
        profile version its vector came from."""
        alive = self._meta["alive"]
        return pd.DataFrame(
            {
                "participant_id": self._ids[alive],
                "edition": self._meta["edition"][alive],
                "available": self._meta["available"][alive],
                "consent": self._meta["consent"][alive],
                "fingerprint": self._meta["fingerprint"][alive],
            }
        )

    def data_hash(self) -> str:
        alive = self._meta["alive"]
        return ids_digest(self._ids[alive], self._meta["fingerprint"][alive])

    # ------------------------------------------------------------------ changing
    def upsert(
        self,
        ids: Sequence[int] | np.ndarray,
        vectors: np.ndarray,
        editions: Sequence[int] | np.ndarray,
        available: Sequence[bool] | np.ndarray,
        consent: Sequence[bool] | np.ndarray,
        fingerprints: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        """Add participants, replacing any earlier vector of the same id."""
        ids, vectors, columns = checked_batch(
            ids, vectors, self.dimension, editions, available, consent, fingerprints
        )
        self._retire(ids)
        fresh = {"alive": np.ones(len(ids), dtype=bool), **columns}
        start = len(self._ids)
        order = np.arange(len(ids))
        if start == 0:  # a first load: edition by edition, in the structure its size wants
            order = np.lexsort((ids, fresh["edition"]))
            ids, fresh = ids[order], {key: values[order] for key, values in fresh.items()}
            if self.mode == "auto":
                self._index = self._new_index(approximate=len(ids) > self.exact_limit)
        reserve(self._storage(), len(order))
        for chunk in np.array_split(order, max(1, len(order) // ADD_CHUNK)):
            self._index.add(vectors[chunk])  # in chunks: no second copy of a large batch
            release_pages(vectors)
        self._ids = np.concatenate([self._ids, ids])
        for key, values in fresh.items():
            self._meta[key] = np.concatenate([self._meta[key], values])
        self._row_of.update(zip(ids.tolist(), range(start, start + len(ids)), strict=True))
        if start == 0:
            self._sort_blocks(len(ids))
        self._maybe_switch()

    def remove(self, ids: Sequence[int] | np.ndarray) -> int:
        """Retire participants; returns how many were present."""
        return self._retire(np.asarray(ids, dtype=np.int64))

    def _retire(self, ids: np.ndarray) -> int:
        rows = [self._row_of.pop(int(pid)) for pid in ids if int(pid) in self._row_of]
        if rows:
            self._meta["alive"][rows] = False
            self._vector_view()[rows] = 0.0  # nothing of a retired vector stays
        return len(rows)

    def set_flags(self, participant_id: int, **flags: bool) -> None:
        """Change the ``available`` or ``consent`` flag of one participant."""
        row = self._row_of[participant_id]
        for name, value in flags.items():
            if name not in ("available", "consent"):
                raise ValueError(f"unknown flag {name!r}")
            self._meta[name][row] = bool(value)

    def _maybe_switch(self) -> None:
        live = len(self._row_of)
        wants_approx = self.mode == "approximate" or (
            self.mode == "auto" and live > self.exact_limit
        )
        retired = len(self._ids) - live
        if wants_approx != self.approximate or retired > max(1000, live // 4):
            self.rebuild(approximate=wants_approx)

    def rebuild(self, approximate: bool | None = None) -> None:
        """Rebuild the FAISS structure from live rows, edition by edition, dropping
        retired ones."""
        alive = np.flatnonzero(self._meta["alive"])
        rows = alive[np.lexsort((self._ids[alive], self._meta["edition"][alive]))]
        vectors = self._vectors_at(rows)
        index = self._new_index(self.approximate if approximate is None else approximate)
        if len(rows):
            index.add(vectors)
        del vectors
        self._index = index
        self._ids = self._ids[rows]
        self._meta = {k: v[rows] for k, v in self._meta.items()}
        self._row_of = {int(pid): r for r, pid in enumerate(self._ids.tolist())}
        self._sort_blocks(len(rows))
        self.probe = None

    def _sort_blocks(self, sorted_rows: int) -> None:
        self.sorted_rows = sorted_rows
        self._blocks = edition_blocks(self._meta["edition"][:sorted_rows])

    def _vector_view(self) -> np.ndarray:
        """The stored vectors as a numpy view of FAISS's own memory (no copy); valid
        until the next add."""
        storage = self._storage()
        if storage.ntotal == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        flat = faiss.rev_swig_ptr(storage.get_xb(), storage.ntotal * self.dimension)
        return flat.reshape(storage.ntotal, self.dimension)

    def _vectors_at(self, rows: np.ndarray) -> np.ndarray:
        return self._vector_view()[rows] if len(rows) else np.zeros((0, self.dimension), np.float32)

    def _storage(self) -> faiss.IndexFlat:
        if self.approximate:
            return faiss.downcast_index(self._index.storage)
        return self._index

    def vectors(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Stored vectors of the given participants (KeyError for an unknown id)."""
        rows = np.fromiter((self._row_of[int(p)] for p in ids), dtype=np.int64, count=len(ids))
        return self._vectors_at(rows)

    # ------------------------------------------------------------------ searching
    def _edition_rows(self, edition: int) -> tuple[int, int, np.ndarray]:
        """An edition's block [start, end) and its rows in the tail."""
        start, end = self._blocks.get(edition, (0, 0))
        tail = self._meta["edition"][self.sorted_rows :]
        return start, end, self.sorted_rows + np.flatnonzero(tail == edition)

    def search(
        self, queries: np.ndarray, k: int, flt: SearchFilter | None = None, exact: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` participants per query: (ids, cosine scores), -1 / -inf padding.

        An edition no larger than :data:`BLOCK_SCAN_LIMIT` is scanned exactly over its
        block; any other search goes through FAISS with a bitmap of the admitted rows.
        """
        if k <= 0:
            raise ValueError("k must be positive")
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        flt = flt or SearchFilter()
        if flt.edition_id is not None:
            start, end, tail = self._edition_rows(flt.edition_id)
            if end - start + len(tail) <= BLOCK_SCAN_LIMIT:
                rows, scores = self._scan_edition(queries, k, flt, start, end, tail)
                return self._as_ids(rows, scores, k)
        rows, scores = self._search_faiss(queries, k, flt, exact)
        return self._as_ids(rows, scores, k)

    def _admitted(self, flt: SearchFilter, rows: np.ndarray | slice) -> np.ndarray:
        meta = self._meta
        mask = flt.admits(
            meta["alive"][rows],
            meta["edition"][rows],
            meta["available"][rows],
            meta["consent"][rows],
        )
        if flt.exclude:
            positions = np.arange(len(meta["alive"]))[rows]
            excluded = [self._row_of[int(p)] for p in flt.exclude if int(p) in self._row_of]
            mask &= ~np.isin(positions, excluded)
        return mask

    def _scan_edition(
        self, queries: np.ndarray, k: int, flt: SearchFilter, start: int, end: int, tail
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k over one edition: its block and its tail rows."""
        mask = np.concatenate([self._admitted(flt, slice(start, end)), self._admitted(flt, tail)])
        return scan_top_k(self._vector_view(), queries, k, start, end, tail, mask)

    def _search_faiss(
        self, queries: np.ndarray, k: int, flt: SearchFilter, exact: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        mask = self._admitted(flt, slice(None))
        allowed = int(mask.sum())
        if allowed == 0:
            return np.zeros((len(queries), 0), np.int64), np.zeros((len(queries), 0), np.float32)
        bits = np.packbits(mask, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
        fraction = allowed / len(mask)
        use_exact = exact or not self.approximate or allowed <= self.exact_limit or fraction < 0.05
        if use_exact:
            params = faiss.SearchParameters(sel=selector)
            scores, rows = self._storage().search(queries, min(k, allowed), params=params)
        else:
            ef = int(min(4096, max(self.ef_search, 2 * k) / max(fraction, 0.05) ** 0.5))
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef)
            scores, rows = self._index.search(queries, min(k, allowed), params=params)
        del bits  # the selector read it during search
        return rows, scores

    def _as_ids(
        self, rows: np.ndarray, scores: np.ndarray, k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows to external ids, padded to ``k`` columns with -1 / -inf."""
        ids = np.where(rows >= 0, self._ids[np.maximum(rows, 0)], -1)
        if ids.shape[1] < k:
            ids, scores = _widened(ids, k, -1), _widened(scores, k, -np.inf)
        scores = np.where(ids >= 0, scores, -np.inf).astype(np.float32)
        return ids, scores

    def reachable(self) -> bool:
        """Always: the vectors are in this process."""
        return True

    def use_ef_search(self, ef: int) -> None:
        """Search HNSW with this ``efSearch`` from now on (see :mod:`matching.recall_probe`)."""
        self.ef_search = ef
        if self.approximate:
            self._index.hnsw.efSearch = ef

    # ---------------------------------------------------------------- persistence
    def save(self, root: Path, extra: dict | None = None, keep: int = KEPT_VERSIONS) -> Artefact:
        """Write the index and its id map as a new artefact version under ``root``
        (``keep`` versions are kept).

        Retired rows are written as they are held (zero vectors, marked not alive), so an
        erasure does not wait for a rebuild of the whole graph."""
        return publishing(self, self._index, self._ids, self._meta, extra)(root, keep)

    def snapshot(self, extra: dict | None = None) -> Callable[[Path, int], Artefact]:
        """A copy of the index as it is now (taken while its lock is held, in a tenth
        of the time writing it takes) and the call that writes that copy as a new
        version, which needs no lock: changes made meanwhile wait for the next one."""
        meta = {k: v.copy() for k, v in self._meta.items()}
        return publishing(self, faiss.clone_index(self._index), self._ids.copy(), meta, extra)

    @classmethod
    def load(cls, root: Path, model_name: str | None = None) -> ParticipantIndex | None:
        """The newest index under ``root`` that verifies, or None if there is none.

        An index built with a different embedding model is not used.
        """
        files = read_index_files(root, model_name)
        if files is None:
            return None
        m = files.manifest
        index = cls(
            m["dimension"],
            m.get("mode", "auto"),
            m.get("exact_limit", 20_000),
            m["hnsw"]["m"],
            m["hnsw"]["ef_construction"],
            m["hnsw"]["ef_search"],
            m.get("model_name", ""),
        )
        index._index, index._ids = files.faiss_index, files.ids
        index._meta = {k: files.meta[k] for k in index._meta}
        if index.approximate:
            index._index.hnsw.efSearch = index.ef_search
        alive = np.flatnonzero(index._meta["alive"])
        index._row_of = dict(zip(index._ids[alive].tolist(), alive.tolist(), strict=True))
        index._sort_blocks(min(int(m.get("sorted_rows", 0)), len(index._ids)))
        index.probe = m.get("probe")
        index.version = files.version
        return index


def _widened(values: np.ndarray, k: int, fill: float) -> np.ndarray:
    """``values`` with columns of ``fill`` added up to ``k`` (what ``np.pad`` does, at a
    fraction of its cost on a request's small arrays)."""
    wide = np.full((values.shape[0], k), fill, dtype=values.dtype)
    wide[:, : values.shape[1]] = values
    return wide
