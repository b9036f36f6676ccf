"""Sentence embeddings behind one small face: ``Embedder.encode(texts) -> vectors``.

The rest of the project never imports sentence-transformers. The model is loaded once
from a local folder (the packaged all-MiniLM-L6-v2 by default, or a static model
distilled from it for bulk work, :mod:`models.static_model`) with the Hugging Face hub
switched off, and vectors are L2-normalised so inner product is cosine similarity.
A content-addressed cache means a profile is embedded once per text version; it can
be saved to and loaded from an ``.npz`` file (never pickle).
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from models.artefacts import atomic_write_bytes
from models.static_model import STATIC, model_kind

PROGRESS_FROM = 2000  # texts in one call from which a terminal shows a progress bar
# a static model reads as many tokens as all-MiniLM-L6-v2 does (its window), so both
# embed the same words of a long CV; reading all of them agreed less with MiniLM
STATIC_MAX_TOKENS = 256


def _digest(model_name: str, text: str) -> bytes:
    return hashlib.blake2b(f"{model_name}\x00{text}".encode(), digest_size=16).digest()


class Embedder:
    """Batched, normalised sentence embeddings with a cache of texts already seen.

    Parameters
    ----------
    model_path:
        Folder of a sentence-transformers model on local disk.
    batch_size:
        Texts per forward pass.
    """

    def __init__(
        self, model_path: str | Path, batch_size: int = 64, cache_limit: int = 50_000
    ) -> None:
        self.model_path = str(model_path)
        self.batch_size = batch_size
        # Past this many vectors new texts are embedded but not kept: a large pool's
        # vectors live in its index (one copy), the cache serves the small and the many
        # times repeated (challenges, niche texts, skill phrases, a programme's profiles).
        self.cache_limit = cache_limit
        self._model = None
        self._lock = threading.Lock()
        self._keys: dict[bytes, int] = {}
        self._vectors = np.zeros((0, 0), dtype=np.float32)
        self._count = 0
        self.seconds = 0.0  # spent embedding texts the cache did not hold (benchmarks read it)

    @cached_property
    def kind(self) -> str:
        """``static`` (a distilled static model) or ``transformer``."""
        return model_kind(self.model_path)

    @cached_property
    def name(self) -> str:
        """A stable name for manifests and cache keys: the model folder's last two path
        parts (resolved once; it is part of every cache lookup). A static model's name
        also carries a digest of its vectors: distilled again, it is another model, and
        an index built with the first is not searched with the second's vectors."""
        parts = Path(self.model_path).resolve().parts
        name = "/".join(parts[-2:])
        if self.kind == STATIC:
            weights = Path(self.model_path) / "model.safetensors"
            digest = hashlib.blake2b(weights.read_bytes(), digest_size=6).hexdigest()
            name = f"{name}@{digest}"
        return name

    def describe(self) -> dict:
        """What an index version records about the model that built it."""
        return {"name": self.name, "kind": self.kind, "path": str(self.model_path)}

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            if not Path(self.model_path).is_dir():
                raise FileNotFoundError(f"embedding model folder {self.model_path} does not exist")
            if self.kind == STATIC:
                from model2vec import StaticModel

                self._model = StaticModel.from_pretrained(self.model_path, normalize=True)
                return self._model
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
            self._model = SentenceTransformer(self.model_path, device="cpu", local_files_only=True)
        return self._model

    @property
    def dimension(self) -> int:
        model = self._load()
        if self.kind == STATIC:
            return int(model.dim)
        size = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        return int(size())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; cached texts are not recomputed."""
        texts = list(texts)
        keys = [_digest(self.name, t) for t in texts]
        with self._lock:
            missing = {}
            for key, text in zip(keys, texts, strict=True):
                if key not in self._keys and key not in missing:
                    missing[key] = text
            if not missing:
                rows = np.fromiter((self._keys[k] for k in keys), np.int64, count=len(keys))
                return self._vectors[rows].copy()
            fresh = self._encode_uncached(list(missing.values()))
            room = max(0, self.cache_limit - len(self._keys))
            self._append(list(missing)[:room], fresh[:room])
            fresh_row = {key: i for i, key in enumerate(missing)}
            cached = np.fromiter((self._keys.get(k, -1) for k in keys), np.int64, count=len(keys))
            out = np.empty((len(keys), fresh.shape[1]), dtype=np.float32)
            hit = cached >= 0
            out[hit] = self._vectors[cached[hit]]
            out[~hit] = fresh[[fresh_row[k] for k, h in zip(keys, hit, strict=True) if not h]]
            return out

    def _encode_uncached(self, texts: list[str]) -> np.ndarray:
        start = time.perf_counter()
        try:
            return self._run_model(texts)
        finally:
            self.seconds += time.perf_counter() - start

    def _run_model(self, texts: list[str]) -> np.ndarray:
        if self.kind == STATIC:
            vectors = self._load().encode(
                texts,
                max_length=STATIC_MAX_TOKENS,
                show_progress_bar=len(texts) >= PROGRESS_FROM and sys.stderr.isatty(),
            )
            vectors = np.asarray(vectors, dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            # a text of no known token has no direction: it stays the zero vector
            return np.ascontiguousarray(vectors / np.where(norms > 0, norms, 1.0))
        vectors = self._load().encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            # a bar only for long runs in a terminal (index, import), never for requests
            show_progress_bar=len(texts) >= PROGRESS_FROM and sys.stderr.isatty(),
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _append(self, keys: list[bytes], vectors: np.ndarray) -> None:
        need = self._count + len(keys)
        if self._vectors.shape[0] < need or self._vectors.shape[1] != vectors.shape[1]:
            grown = np.zeros(
                (max(need, 2 * self._vectors.shape[0], 1024), vectors.shape[1]), dtype=np.float32
            )
            if self._count:
                grown[: self._count] = self._vectors[: self._count]
            self._vectors = grown
        self._vectors[self._count : need] = vectors
        for offset, key in enumerate(keys):
            self._keys[key] = self._count + offset
        self._count = need

    def key(self, text: str) -> bytes:
        """The cache's key of ``text``."""
        return _digest(self.name, text)

    def held_keys(self, texts: Sequence[str]) -> list[bytes | None]:
        """Each text's key when the cache keeps its vector, else None."""
        keys = [_digest(self.name, t) for t in texts]
        with self._lock:
            return [k if k in self._keys else None for k in keys]

    def forget(self, keys: Sequence[bytes]) -> None:
        """Drop vectors by key (e.g. an erased person's profile); the next
        :meth:`save_cache` no longer writes them."""
        with self._lock:
            for key in keys:
                row = self._keys.pop(key, None)
                if row is not None:
                    self._vectors[row] = 0.0  # nor does the memory keep it

    def holds(self, key: bytes) -> bool:
        """Whether the cache keeps the vector of this key."""
        with self._lock:
            return key in self._keys

    @property
    def cached(self) -> int:
        return len(self._keys)

    def save_cache(self, path: Path) -> None:
        """Write the cache to an ``.npz`` file atomically."""
        self.cache_snapshot()(path)

    def cache_snapshot(self) -> Callable[[Path], None]:
        """A copy of the cache as it is now and the call that writes that copy; only
        the copying holds the cache's lock, so texts are embedded meanwhile."""
        with self._lock:
            keys = np.frombuffer(b"".join(self._keys), dtype=np.uint8).reshape(-1, 16)
            order = np.fromiter(self._keys.values(), dtype=np.int64, count=len(self._keys))
            vectors = self._vectors[order]

        def write(path: Path) -> None:
            buffer = io.BytesIO()
            np.savez(buffer, keys=keys, vectors=vectors, model=np.array(self.name))
            atomic_write_bytes(path, buffer.getvalue())

        return write

    def load_cache(self, path: Path) -> int:
        """Add vectors from a cache file; returns how many were loaded (0 if absent, or
        written by another model: the data dir's model changed, and they are of no use)."""
        path = Path(path)
        if not path.is_file():
            return 0
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"].astype(np.float32)
                model = str(data["model"]) if "model" in data.files else None
        except (OSError, ValueError, KeyError):
            return 0  # a damaged cache only costs recomputation
        if model != self.name and (
            model is not None or (len(vectors) and vectors.shape[1] != self.dimension)
        ):
            return 0  # a file from before the model was named in it: known by its dimension
        with self._lock:
            new = [(bytes(k), i) for i, k in enumerate(keys) if bytes(k) not in self._keys]
            if new:
                self._append([k for k, _ in new], vectors[[i for _, i in new]])
        return len(new)
