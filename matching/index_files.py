"""The participant index on disk: the FAISS structure and its id map, written as one
artefact version (atomic, checksummed) and read back only when it verifies."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

from models.artefacts import KEPT_VERSIONS, Artefact, latest, publish

log = logging.getLogger(__name__)

KIND = "participant-index"


@dataclass(frozen=True)
class IndexFiles:
    """What a saved index version holds."""

    manifest: dict
    faiss_index: faiss.Index
    ids: np.ndarray
    meta: dict[str, np.ndarray]
    version: str


def write_index_files(
    root: Path,
    faiss_index: faiss.Index,
    ids: np.ndarray,
    meta: dict[str, np.ndarray],
    manifest: dict,
    keep: int = KEPT_VERSIONS,
) -> Artefact:
    """Publish a new index version under ``root``, keeping ``keep`` versions."""

    def write_index(path: Path) -> None:
        faiss.write_index(faiss_index, str(path))

    def write_meta(path: Path) -> None:
        buffer = io.BytesIO()
        np.savez(buffer, ids=ids, **meta)
        path.write_bytes(buffer.getvalue())

    writers = {"index.faiss": write_index, "meta.npz": write_meta}
    return publish(root, KIND, writers, manifest, keep)


class SavedIndex(Protocol):
    """What a version's manifest describes of an index (``ParticipantIndex``)."""

    model_name: str
    dimension: int
    factory: str
    mode: str
    exact_limit: int
    hnsw_m: int
    ef_construction: int
    ef_search: int
    probe: dict | None
    version: str | None
    sorted_rows: int

    def __len__(self) -> int: ...
    def data_hash(self) -> str: ...


def publishing(
    index: SavedIndex,
    structure: faiss.Index,
    ids: np.ndarray,
    meta: dict[str, np.ndarray],
    extra: dict | None,
) -> Callable[[Path, int], Artefact]:
    """The call that writes ``index``'s structure, id map and flags, as given (the live
    ones, or copies of them), as a new version under a root; it notes the version on
    the index."""
    hnsw = {"m": index.hnsw_m, "ef_construction": index.ef_construction}
    manifest = {
        **{"model_name": index.model_name, "dimension": index.dimension, "count": len(index)},
        **{"factory": index.factory, "mode": index.mode, "exact_limit": index.exact_limit},
        "hnsw": hnsw | {"ef_search": index.ef_search},
        "data_hash": index.data_hash(),
        "sorted_rows": index.sorted_rows,
        "probe": index.probe,
        **(extra or {}),
    }

    def publish(root: Path, keep: int) -> Artefact:
        artefact = write_index_files(root, structure, ids, meta, manifest, keep)
        index.version = artefact.version
        return artefact

    return publish


def read_index_files(root: Path, model_name: str | None = None) -> IndexFiles | None:
    """The newest verified index version under ``root``; None when there is none, when
    it was built with another embedding model, or when its parts disagree."""
    artefact = latest(root, KIND)
    if artefact is None:
        return None
    m = artefact.manifest
    if model_name is not None and m.get("model_name") != model_name:
        log.warning(
            "index %s was built with %s, not %s; ignoring it",
            artefact.version,
            m.get("model_name"),
            model_name,
        )
        return None
    faiss_index = faiss.read_index(str(artefact.file("index.faiss")))
    with np.load(artefact.file("meta.npz"), allow_pickle=False) as data:
        ids = data["ids"].astype(np.int64)
        meta = {k: data[k] for k in data.files if k != "ids"}
    if faiss_index.ntotal != len(ids):
        log.warning(
            "index %s: vector count does not match its id map; ignoring it", artefact.version
        )
        return None
    return IndexFiles(m, faiss_index, ids, meta, artefact.version)


def ids_digest(ids: np.ndarray, fingerprints: np.ndarray) -> str:
    """A digest of which participants an index holds and the document versions of their
    vectors, independent of row order (compared with the records at start)."""
    order = np.argsort(ids)
    digest = hashlib.sha256()
    digest.update(np.asarray(ids, dtype=np.int64)[order].tobytes())
    digest.update(np.asarray(fingerprints, dtype=np.int64)[order].tobytes())
    return digest.hexdigest()
