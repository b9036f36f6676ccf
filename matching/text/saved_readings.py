"""What each participant's record was read as, kept between starts.

Reading texts is the slow part of opening a large programme (a few thousand texts a
second), and a record's reading changes only when its skills, its own words or the
catalogue change. So the readings are saved beside the index, each under a digest of
exactly those, and a start reads again only the records whose digest is new. The file
holds no text: catalogue row numbers, evidence and years, with the participant id so an
erasure can take a person's reading out at once (:func:`forget_readings`); a full load
rewrites it from the current records.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from matching.domain.catalogue import Catalogue
from matching.text.profile_concepts import ProfileConcepts
from matching.text.profiles import ProfileReader
from models.artefacts import atomic_write_bytes

_FIELDS = tuple(f.name for f in fields(ProfileConcepts))


@lru_cache(maxsize=4)
def reader_version(data_dir: Path) -> str:
    """A digest of the catalogue files: readings made against another catalogue are
    not reused."""
    digest = hashlib.blake2b(digest_size=8)
    for name in sorted(p.name for p in data_dir.iterdir() if p.is_file()):
        digest.update(name.encode())
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()


def reading_keys(frame: pd.DataFrame, version: str) -> np.ndarray:
    """One 64-bit digest per record of what its reading depends on."""
    keys = np.empty(len(frame), dtype=np.int64)
    rows = zip(frame["skills"], frame["skills_text"], frame["profile_text"].fillna(""), strict=True)
    for i, (coded, free, text) in enumerate(rows):
        raw = "\x1f".join([version, "\x1e".join(coded), "\x1e".join(free), str(text)])
        keys[i] = int.from_bytes(
            hashlib.blake2b(raw.encode(), digest_size=8).digest(), "little", signed=True
        )
    return keys


def _pack(concepts: ProfileConcepts) -> dict[str, np.ndarray]:
    return {name: getattr(concepts, name) for name in _FIELDS}


def _unpack(packed: dict[str, np.ndarray], rows: np.ndarray) -> ProfileConcepts:
    return ProfileConcepts(**{name: packed[name] for name in _FIELDS}).take(rows)


def _load(path: Path) -> dict[str, np.ndarray] | None:
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in ("keys", "ids", *_FIELDS)}
    except (OSError, ValueError, KeyError):
        return None  # a damaged file (or one of another layout) only costs reading again


def _save(path: Path, packed: dict[str, np.ndarray]) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **packed)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buffer.getvalue())


def _saved_rows(saved_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Each key's row in the saved file, -1 when absent. Records with the same key (the
    same words and skills) were read alike, so the first of them serves them all."""
    first = np.flatnonzero(~pd.Index(saved_keys).duplicated())
    local = pd.Index(saved_keys[first]).get_indexer(keys)
    return np.where(local >= 0, first[np.maximum(local, 0)], -1)


def read_with_saved(
    reader: ProfileReader, catalogue: Catalogue, frame: pd.DataFrame, path: Path
) -> ProfileConcepts:
    """The readings of every record in ``frame``: saved ones reused, the rest read;
    then the file holds exactly these records' readings."""
    model = reader.embedder.name if reader.embedder is not None else ""
    keys = reading_keys(frame, reader_version(catalogue.data_dir) + model)
    saved = _load(path)
    found = _saved_rows(saved["keys"], keys) if saved is not None else np.full(len(keys), -1)
    missing = np.flatnonzero(found < 0)
    part = frame.iloc[missing]
    fresh = reader.read_profiles(
        part["skills"].tolist(),
        part["skills_text"].tolist(),
        part["profile_text"].fillna("").tolist(),
    )
    if not len(missing):
        concepts = _unpack(saved, found)
    elif len(missing) == len(keys):
        concepts = fresh
    else:
        concepts = _merge(_unpack(saved, found[found >= 0]), fresh, found >= 0)
    packed = _pack(concepts)
    packed["keys"], packed["ids"] = keys, frame["participant_id"].to_numpy(np.int64)
    _save(path, packed)
    return concepts


def _merge(old: ProfileConcepts, new: ProfileConcepts, is_old: np.ndarray) -> ProfileConcepts:
    """Interleave two row sets back into record order (``is_old`` marks the first's)."""
    order = np.argsort(np.concatenate([np.flatnonzero(is_old), np.flatnonzero(~is_old)]))
    return ProfileConcepts.joined([old, new]).take(order)


def forget_readings(path: Path, participant_id: int) -> None:
    """Take one person's reading out of the saved file (an erasure)."""
    saved = _load(path)
    if saved is None or participant_id not in saved["ids"]:
        return
    keep = saved["ids"] != participant_id
    kept = _unpack(saved, np.flatnonzero(keep))
    packed = _pack(kept)
    packed["keys"], packed["ids"] = saved["keys"][keep], saved["ids"][keep]
    _save(path, packed)
