"""Keeping the pool and the participant index in line with the participant records.

Records come in as table rows (the database's or a generated programme's). Each is
normalised (skills found in its text), added to the column pool, and embedded once per
profile version: the index keeps a fingerprint of the document its vector came from,
so a restart re-embeds only what changed. At start the saved index is compared with the
records and repaired (a crash between a database write and an index write, say); the
repair is reported and logged.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from matching.pool import PROFILE_COLUMNS, ParticipantPool
from matching.recall_probe import tune
from matching.retrieval import ParticipantIndex
from matching.state import EngineState, UnknownIdError
from matching.text.documents import profile_document
from matching.text.profile_concepts import ProfileConcepts
from matching.text.saved_readings import forget_readings, read_with_saved

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    """What bringing the index in line with the participant records changed."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    flags: int = 0
    rebuilt: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.flags or self.rebuilt)


def fingerprint(text: str) -> int:
    """A stable 64-bit digest of the document a vector was computed from."""
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "little", signed=True
    )


def _documents_and_concepts(
    engine: EngineState, frame: pd.DataFrame, whole: bool
) -> tuple[list[str], ProfileConcepts]:
    """Documents and readings of the records; when ``whole`` (every record, at a start)
    the saved readings of unchanged records are reused and the file renewed."""
    if whole and engine.data_dir is not None:
        concepts = read_with_saved(engine.profiles, engine.catalogue, frame, engine.readings_file)
    else:
        concepts = engine.profiles.read_profiles(
            frame["skills"].tolist(),
            frame["skills_text"].tolist(),
            frame["profile_text"].fillna("").tolist(),
        )
    return profile_document(frame, engine.catalogue, concepts), concepts


def profile_documents(engine: EngineState, frame: pd.DataFrame) -> list[str]:
    """The text embedded for each record, read anew (the engine keeps no documents)."""
    return _documents_and_concepts(engine, frame.reset_index(drop=True), whole=False)[0]


def load_participants(
    engine: EngineState,
    frame: pd.DataFrame,
    sensitive: pd.DataFrame | None,
    persist: bool,
    repair: bool,
    vectors: np.ndarray | None = None,
) -> SyncReport:
    """Add or replace participants in the pool and the index.

    With ``repair`` (a fresh pool over all records), the saved index is reused and
    corrected instead of re-embedding everyone. ``vectors`` (one unit row per record,
    computed elsewhere: a bulk import) stand in for embedding the records' documents.
    """
    missing = [c for c in PROFILE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"participant records lack columns: {', '.join(missing)}")
    frame = frame.reset_index(drop=True)
    check_vectors(engine, len(frame), vectors)
    docs, concepts = _documents_and_concepts(engine, frame, whole=repair and persist)
    migrant = None
    if sensitive is not None and len(sensitive):
        flags = dict(zip(sensitive["participant_id"], sensitive["migrant"], strict=True))
        migrant = np.array([bool(flags.get(p, False)) for p in frame["participant_id"]])
    engine.pool.add_frame(frame[list(PROFILE_COLUMNS)], concepts, migrant)
    del concepts
    ids = frame["participant_id"].to_numpy(dtype=np.int64)
    prints = np.array([fingerprint(d) for d in docs], dtype=np.int64)
    flags = {
        "editions": frame["edition_id"].to_numpy(dtype=np.int64),
        "available": frame["available"].to_numpy(dtype=bool),
        "consent": frame["consent_share"].to_numpy(dtype=bool),
    }
    if vectors is not None:
        # nothing is embedded, so what the cache holds is known now, and the documents
        # (half a gigabyte at a million records) need not outlive the index build
        _keep_profile_keys(engine, ids, docs)
        docs = []
    embed = _embedding(engine, docs, vectors)
    if repair:
        report = _repair_index(engine, ids, embed, prints, flags, persist)
    else:
        engine.index.upsert(ids, embed(None), fingerprints=prints, **flags)
        report = SyncReport(added=len(ids))
        _probe_if_stale(engine, report)
        if persist:
            engine.save()
    if vectors is None:
        _keep_profile_keys(engine, ids, docs)
    return report


def check_vectors(engine: EngineState, count: int, vectors: np.ndarray | None) -> None:
    """Refuse imported vectors that do not fit the records (before anything changes)."""
    if vectors is not None and vectors.shape != (count, engine.embedder.dimension):
        raise ValueError(
            f"vectors must have shape ({count}, {engine.embedder.dimension}), not {vectors.shape}"
        )


def _embedding(
    engine: EngineState, docs: list[str], vectors: np.ndarray | None
) -> Callable[[np.ndarray | None], np.ndarray]:
    """The vectors of records at given positions (None: every record): imported, or
    embedded when needed. All imported vectors are handed over as they are, so a bulk
    import's memory-mapped file is read in chunks, never copied whole."""
    if vectors is not None:
        return lambda pos: vectors if pos is None else vectors[pos]
    return lambda pos: engine.embedder.encode(docs if pos is None else [docs[i] for i in pos])


def _keep_profile_keys(engine: EngineState, ids: np.ndarray, docs: list[str]) -> None:
    """Note which participants' profile vectors the embedder cache now keeps."""
    for pid, key in zip(ids.tolist(), engine.embedder.held_keys(docs), strict=True):
        if key is None:
            engine.profile_keys.pop(pid, None)
        else:
            engine.profile_keys[pid] = key


def reset_pool(engine: EngineState) -> None:
    """Forget every participant and challenge (before loading a programme anew)."""
    engine.pool = ParticipantPool()
    engine.challenges = {}
    engine.profile_keys = {}


def _repair_index(
    engine: EngineState,
    ids: np.ndarray,
    embed: Callable[[np.ndarray], np.ndarray],
    prints: np.ndarray,
    flags: dict[str, np.ndarray],
    persist: bool,
) -> SyncReport:
    report = SyncReport()
    saved = engine.saved_index() if persist and engine.data_dir is not None else None
    if saved is None:
        engine.index = engine.empty_index()
        if len(ids):
            engine.index.upsert(ids, embed(None), fingerprints=prints, **flags)
        report.rebuilt, report.added = True, len(ids)
    else:
        engine.index = saved
        _correct(engine.index, ids, embed, prints, flags, report)
        if report.changed:
            report.notes.append(
                f"index repaired from the records: {report.added} added, {report.updated} "
                f"re-embedded, {report.removed} removed, {report.flags} flags corrected"
            )
            log.warning(report.notes[-1])
    tuned = _probe_if_stale(engine, report)
    if persist and (report.changed or tuned) and engine.data_dir is not None:
        engine.save()
    return report


def _probe_if_stale(engine: EngineState, report: SyncReport) -> bool:
    """Run the recall probe on an HNSW index that has none (new, or just rebuilt)."""
    if not engine.index.approximate or engine.index.probe is not None:
        return False
    probe = tune(engine.index, probe_queries(engine))
    report.notes.append(
        f"recall probe: recall@{probe['k']} {probe['recall']} at efSearch {probe['ef_search']}"
    )
    return True


def probe_queries(engine: EngineState, count: int = 200) -> np.ndarray:
    """Queries for the recall probe: the challenges' own vectors (what shortlists ask),
    or stored profile vectors when there are no challenges yet."""
    rng = np.random.default_rng(0)
    texts = [view.text for view in engine.challenges.values()]
    if texts:
        picked = rng.choice(len(texts), min(count, len(texts)), replace=False)
        return engine.embedder.encode([texts[i] for i in picked])
    ids = engine.index.ids
    return engine.index.vectors(rng.choice(ids, min(count, len(ids)), replace=False))


def _correct(
    index: ParticipantIndex,
    ids: np.ndarray,
    embed: Callable[[np.ndarray], np.ndarray],
    prints: np.ndarray,
    flags: dict[str, np.ndarray],
    report: SyncReport,
) -> None:
    """Re-embed changed profiles, fix flags and drop people no record holds."""
    records = pd.DataFrame(
        {
            "participant_id": ids,
            "fp": prints,
            "ed": flags["editions"],
            "av": flags["available"],
            "co": flags["consent"],
            "pos": np.arange(len(ids)),
        }
    )
    both = records.merge(index.table(), on="participant_id", how="left")
    known = both["fingerprint"].notna().to_numpy()
    stale = (
        ~known
        | (both["fingerprint"] != both["fp"]).to_numpy()
        | (both["edition"] != both["ed"]).to_numpy()
    )
    if stale.any():
        pos = both.loc[stale, "pos"].to_numpy()
        index.upsert(
            ids[pos],
            embed(pos),
            fingerprints=prints[pos],
            **{k: v[pos] for k, v in flags.items()},
        )
        report.updated = int((stale & known).sum())
        report.added = int((stale & ~known).sum())
    wrong = (
        known
        & ~stale
        & (
            (both["available"] != both["av"]).to_numpy()
            | (both["consent"] != both["co"]).to_numpy()
        )
    )
    for row in both[wrong].itertuples():
        index.set_flags(row.participant_id, available=bool(row.av), consent=bool(row.co))
    report.flags = int(wrong.sum())
    report.removed = index.remove(np.setdiff1d(index.ids, ids))


def remove_participant(engine: EngineState, participant_id: int, persist: bool) -> bool:
    """Erase a participant from the pool, the index, the embedding cache and the
    outcome history."""
    present = engine.pool.remove(participant_id)
    engine.history.forget(participant_id)
    engine.index.remove([participant_id])
    key = engine.profile_keys.pop(participant_id, None)
    if key is not None:
        engine.embedder.forget([key])
    if engine.data_dir is not None:
        forget_readings(engine.readings_file, participant_id)
    if persist and engine.data_dir is not None:
        engine.save(erasure=True)
    return present


def set_participant_flags(
    engine: EngineState,
    participant_id: int,
    available: bool | None,
    consent: bool | None,
    migrant: bool | None,
    persist: bool,
) -> None:
    """Change availability, consent or the migrant flag without re-embedding."""
    if participant_id not in engine.pool.row_of:
        raise UnknownIdError(f"participant {participant_id} is not known")
    flags = {k: v for k, v in (("available", available), ("consent", consent)) if v is not None}
    if flags:
        engine.index.set_flags(participant_id, **flags)
        engine.pool.set_flags(participant_id, **flags)
    if migrant is not None:
        engine.pool.set_flags(participant_id, migrant=migrant)
    if persist and flags and engine.data_dir is not None:
        engine.save_later()
