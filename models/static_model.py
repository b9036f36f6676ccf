"""A static embedding model distilled from the packaged sentence model, for bulk work.

A static model keeps one vector per token of the sentence model's vocabulary (each
token's own output of the sentence model, reduced by PCA and weighted by how rare it
is) and embeds a text as the mean of its tokens' vectors: no transformer runs, so a
million profiles take minutes instead of hours. It is made here, offline, from the
packaged all-MiniLM-L6-v2 with model2vec, once per machine, into a cache folder; no
model hub is asked and no model file is kept in the repository.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

STATIC = "static"
TRANSFORMER = "transformer"
KINDS = (TRANSFORMER, STATIC)
PCA_DIMENSIONS = 256  # what model2vec recommends; 384 gave the same agreement with MiniLM
CONFIG = "config.json"


def model_kind(path: str | Path) -> str:
    """``static`` for a folder holding a model2vec model, else ``transformer``."""
    try:
        config = json.loads((Path(path) / CONFIG).read_text())
    except (OSError, ValueError):
        return TRANSFORMER
    return STATIC if config.get("model_type") == "model2vec" else TRANSFORMER


def distil(source: str | Path, target: str | Path) -> Path:
    """Distil a static model from the sentence-transformers model in ``source`` into
    ``target`` (written beside it first, then moved in whole, so a half-written folder
    is never taken for a model)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from model2vec.distill import distill_from_model
    from transformers import AutoModel, AutoTokenizer

    source, target = Path(source), Path(target)
    model = AutoModel.from_pretrained(source, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
    static = distill_from_model(model, tokenizer, pca_dims=PCA_DIMENSIONS, device="cpu")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        static.save_pretrained(staging)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def ensure_static_model(
    target: str | Path, source: str | Path, say: Callable[[str], None] = log.info
) -> Path:
    """The static model in ``target``, distilled from ``source`` first if it is not
    there yet (about two minutes on two cores)."""
    target = Path(target)
    if model_kind(target) == STATIC:
        return target
    say(f"distilling a static embedding model from {source} into {target} (once)")
    start = time.perf_counter()
    distil(source, target)
    say(f"distilled in {time.perf_counter() - start:.0f} s")
    return target
