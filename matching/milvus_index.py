"""Participant vectors in Milvus: the distributed vector store behind the same interface
as the FAISS index (:class:`~matching.retrieval.ParticipantIndex`).

A region that outgrows one machine keeps its vectors in a Milvus cluster that every API
worker shares; tests and a single machine use the embedded ``milvus-lite`` file. The
collection holds each participant's vector with the fields searches filter on (edition,
availability, consent) and the fingerprint of the document the vector came from; Milvus
keeps it on its own, so a save here only records which collection is current, in a
small artefact beside the models. The engine keeps the id map and flags in memory too
(as it does for FAISS), so counting, repairing and flag checks never ask the server.

Each empty index is a new collection (``participants_<suffix>``), filled and then
published by a save: a rebuild never half-overwrites the collection other workers read.
Collections that no kept version names are dropped on save. Search is Milvus's HNSW
(inner product on unit vectors: cosine); exact search, which only the recall probe and
the benchmark ask for, reads the admitted vectors back and ranks them with numpy.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from matching.index_files import ids_digest
from matching.search_filter import SearchFilter, VectorStoreUnavailableError, checked_batch
from models.artefacts import KEPT_VERSIONS, Artefact, latest, publish, versions

log = logging.getLogger(__name__)

KIND = "participant-index-milvus"
PREFIX = "participants_"
WRITE_CHUNK = 5_000
READ_CHUNK = 10_000
SELECTIVE_EF = 4096
FILTERED_EF_FACTOR = 4


def milvus_uri(store: str) -> str:
    """The client URI of a ``MILMA_VECTOR_STORE`` value: ``milvus:///path/file.db`` is an
    embedded milvus-lite file, ``milvus://host:port`` a server."""
    rest = store.removeprefix("milvus://")
    return rest if rest.startswith("/") else f"http://{rest}"


def milvus_filter(flt: SearchFilter) -> str:
    """A search filter as a Milvus boolean expression."""
    parts = []
    if flt.edition_id is not None:
        parts.append(f"edition == {int(flt.edition_id)}")
    if flt.available_only:
        parts.append("available == true")
    if flt.consent_only:
        parts.append("consent == true")
    if flt.exclude:
        parts.append(f"id not in [{', '.join(str(int(p)) for p in flt.exclude)}]")
    return " and ".join(parts)


class MilvusParticipantIndex:
    """Participant vectors with stable ids and filters, in one Milvus collection."""

    approximate = True

    def __init__(
        self,
        uri: str,
        dimension: int,
        model_name: str = "",
        collection: str | None = None,
        hnsw_m: int = 32,
        ef_construction: int = 200,
        ef_search: int = 128,
    ) -> None:
        from pymilvus import MilvusClient  # only a Milvus deployment needs the client

        self.uri = uri
        self.client = MilvusClient(uri)
        self.dimension = dimension
        self.model_name = model_name
        self.collection = collection or PREFIX + secrets.token_hex(4)
        self.hnsw_m, self.ef_construction, self.ef_search = hnsw_m, ef_construction, ef_search
        self.version: str | None = None
        self.probe: dict | None = None
        # id -> (edition, available, consent, fingerprint): the engine's own id map
        self._meta: dict[int, tuple[int, bool, bool, int]] = {}
        self._ready = False

    # ----------------------------------------------------------------- structure
    @property
    def factory(self) -> str:
        return f"Milvus HNSW{self.hnsw_m}"

    def __len__(self) -> int:
        return len(self._meta)

    @property
    def ids(self) -> np.ndarray:
        return np.fromiter(self._meta, dtype=np.int64, count=len(self._meta))

    def table(self) -> pd.DataFrame:
        """One row per participant: id, edition, flags and fingerprint."""
        rows = [(pid, *values) for pid, values in self._meta.items()]
        return pd.DataFrame(
            rows, columns=["participant_id", "edition", "available", "consent", "fingerprint"]
        ).astype({"participant_id": np.int64, "edition": np.int64, "fingerprint": np.int64})

    def data_hash(self) -> str:
        table = self.table()
        return ids_digest(table["participant_id"].to_numpy(), table["fingerprint"].to_numpy())

    def _ensure_collection(self) -> None:
        if self._ready:
            return
        if not self.client.has_collection(self.collection):
            from pymilvus import DataType

            schema = self.client.create_schema(auto_id=False)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dimension)
            schema.add_field("edition", DataType.INT64)
            schema.add_field("available", DataType.BOOL)
            schema.add_field("consent", DataType.BOOL)
            schema.add_field("fingerprint", DataType.INT64)
            index = self.client.prepare_index_params()
            index.add_index(
                field_name="vector",
                index_type="HNSW",
                metric_type="IP",
                params={"M": self.hnsw_m, "efConstruction": self.ef_construction},
            )
            self.client.create_collection(self.collection, schema=schema, index_params=index)
        self.client.load_collection(self.collection)
        self._ready = True

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
        ids, vectors, arrays = checked_batch(
            ids, vectors, self.dimension, editions, available, consent, fingerprints
        )
        columns = {name: values.tolist() for name, values in arrays.items()}
        self._ensure_collection()
        for start in range(0, len(ids), WRITE_CHUNK):
            stop = min(len(ids), start + WRITE_CHUNK)
            rows = [
                {"id": int(ids[i]), "vector": vectors[i].tolist()}
                | {name: values[i] for name, values in columns.items()}
                for i in range(start, stop)
            ]
            self.client.upsert(self.collection, rows)
        if len(ids) >= WRITE_CHUNK:  # into indexed segments now, not at the first searches
            self.client.flush(self.collection)
        for i, pid in enumerate(ids.tolist()):
            self._meta[pid] = tuple(columns[name][i] for name in columns)  # type: ignore[assignment]

    def remove(self, ids: Sequence[int] | np.ndarray) -> int:
        """Delete participants (their vectors too); returns how many were present."""
        present = [int(p) for p in ids if int(p) in self._meta]
        if present:
            self._ensure_collection()
            self.client.delete(self.collection, ids=present)
            for pid in present:
                del self._meta[pid]
        return len(present)

    def set_flags(self, participant_id: int, **flags: bool) -> None:
        """Change the ``available`` or ``consent`` flag of one participant."""
        edition, available, consent, fingerprint = self._meta[participant_id]
        for name in flags:
            if name not in ("available", "consent"):
                raise ValueError(f"unknown flag {name!r}")
        available = bool(flags.get("available", available))
        consent = bool(flags.get("consent", consent))
        vector = self.vectors([participant_id])
        self.upsert([participant_id], vector, [edition], [available], [consent], [fingerprint])

    def use_ef_search(self, ef: int) -> None:
        self.ef_search = ef

    def reachable(self) -> bool:
        """Whether the Milvus server answers (for the readiness check)."""
        try:
            self.client.list_collections()
        except Exception:  # any client or transport error means no
            return False
        return True

    # ------------------------------------------------------------------ searching
    def vectors(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Stored vectors of the given participants (KeyError for an unknown id)."""
        wanted = [int(p) for p in ids]
        for pid in wanted:
            if pid not in self._meta:
                raise KeyError(pid)
        if not wanted:
            return np.zeros((0, self.dimension), np.float32)
        self._ensure_collection()
        rows = self.client.get(self.collection, ids=wanted, output_fields=["vector"])
        found = {int(r["id"]): r["vector"] for r in rows}
        return np.asarray([found[p] for p in wanted], dtype=np.float32)

    def search(
        self, queries: np.ndarray, k: int, flt: SearchFilter | None = None, exact: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` participants per query: (ids, cosine scores), -1 / -inf padding."""
        if k <= 0:
            raise ValueError("k must be positive")
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        flt = flt or SearchFilter()
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        if not self._meta:
            return ids, scores
        self._ensure_collection()
        if exact:
            return self._exact(queries, k, flt, ids, scores)
        # a filter hides part of the graph, so the walk goes wider: much wider for an
        # edition, a few per cent of a region's pool (a Milvus server may scan those)
        ef = max(self.ef_search, k)
        if flt.edition_id is not None:
            ef = SELECTIVE_EF
        elif flt.consent_only or flt.exclude:
            ef = min(SELECTIVE_EF, FILTERED_EF_FACTOR * ef)
        try:
            hits = self.client.search(
                self.collection,
                data=queries.tolist(),
                limit=k,
                filter=milvus_filter(flt),
                search_params={"metric_type": "IP", "params": {"ef": ef}},
            )
        except Exception as exc:  # the client raises its own and gRPC's errors
            raise VectorStoreUnavailableError(
                f"Milvus at {self.uri} did not answer: {exc}"
            ) from exc
        for row, found in enumerate(hits):
            for col, hit in enumerate(found[:k]):
                ids[row, col], scores[row, col] = int(hit["id"]), float(hit["distance"])
        return ids, scores

    def _exact(self, queries, k, flt, ids, scores) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k: the admitted vectors read back in pages and ranked here."""
        iterator = self.client.query_iterator(
            self.collection,
            batch_size=READ_CHUNK,
            filter=milvus_filter(flt) or "id >= 0",
            output_fields=["vector"],
        )
        while page := iterator.next():
            block_ids = np.array([int(r["id"]) for r in page], dtype=np.int64)
            block = np.asarray([r["vector"] for r in page], dtype=np.float32)
            sims = queries @ block.T
            all_ids = np.hstack([ids, np.broadcast_to(block_ids, sims.shape)])
            all_scores = np.hstack([scores, sims])
            top = np.argsort(-all_scores, axis=1, kind="stable")[:, :k]
            ids = np.take_along_axis(all_ids, top, axis=1)
            scores = np.take_along_axis(all_scores, top, axis=1).astype(np.float32)
        iterator.close()
        return ids, scores

    # ---------------------------------------------------------------- persistence
    def save(self, root: Path, extra: dict | None = None, keep: int = KEPT_VERSIONS) -> Artefact:
        """Flush the collection and publish it as the current version under ``root``
        (``keep`` versions are kept); collections no kept version names are dropped."""
        return self.snapshot(extra)(root, keep)

    def snapshot(self, extra: dict | None = None) -> Callable[[Path, int], Artefact]:
        """The manifest of the collection as it is now, and the call that flushes the
        collection and publishes it (Milvus keeps the vectors: nothing else to copy)."""
        manifest = {
            "uri": self.uri,
            "collection": self.collection,
            "model_name": self.model_name,
            "dimension": self.dimension,
            "count": len(self),
            "factory": self.factory,
            "hnsw": {"m": self.hnsw_m, "ef_construction": self.ef_construction},
            "ef_search": self.ef_search,
            "data_hash": self.data_hash(),
            "probe": self.probe,
            **(extra or {}),
        }

        def publish_flushed(root: Path, keep: int) -> Artefact:
            self._ensure_collection()
            self.client.flush(self.collection)
            artefact = publish(root, KIND, {}, manifest, keep)
            self.version = artefact.version
            kept = {a.manifest.get("collection") for a in versions(root, KIND)}
            for name in self.client.list_collections():
                if name.startswith(PREFIX) and name not in kept:
                    self.client.drop_collection(name)
            return artefact

        return publish_flushed

    @classmethod
    def load(
        cls, root: Path, uri: str, model_name: str | None = None
    ) -> MilvusParticipantIndex | None:
        """The current collection as published under ``root``, or None if there is none
        (or it was built with another embedding model, or is gone from the server)."""
        artefact = latest(root, KIND)
        if artefact is None:
            return None
        m = artefact.manifest
        if model_name is not None and m.get("model_name") != model_name:
            log.warning("Milvus index %s was built with another model; ignoring it", m)
            return None
        index = cls(
            uri,
            m["dimension"],
            m.get("model_name", ""),
            m["collection"],
            m["hnsw"]["m"],
            m["hnsw"]["ef_construction"],
            m.get("ef_search", 128),
        )
        if not index.client.has_collection(index.collection):
            log.warning("Milvus collection %s is gone; rebuilding", index.collection)
            return None
        index._ensure_collection()
        iterator = index.client.query_iterator(
            index.collection,
            batch_size=READ_CHUNK,
            filter="id >= 0",
            output_fields=["edition", "available", "consent", "fingerprint"],
        )
        while page := iterator.next():
            for r in page:
                index._meta[int(r["id"])] = (
                    int(r["edition"]),
                    bool(r["available"]),
                    bool(r["consent"]),
                    int(r["fingerprint"]),
                )
        iterator.close()
        index.probe, index.version = m.get("probe"), artefact.version
        return index
