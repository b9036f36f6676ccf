"""The participant index on disk: the FAISS structure and its id map, written as one
artefact version (atomic, checksummed) and read back only when it verifies."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

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
