"""Bulk import of participants from a Parquet file (``milma import``).

A row holds a caseworker's record: the fields of :class:`ParticipantProfile`, with
experience as the ``experience_niches`` and ``experience_years`` lists that
``milma generate`` writes, and optionally its ``participant_id`` and the sensitive
attributes (``migrant``, ``origin_group``, ``nationality``, ``gender``, ``birth_year``,
stored apart). Every row is validated before anything is written, and the first bad one
stops the import with its row number and field. Then the engine takes the rows in (with
vectors, as given, else embedded), one transaction writes them, and the index is saved:
a failure on the way leaves the database and the engine as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError
from sqlalchemy import func, select

from matching.domain.records import ParticipantProfile, SensitiveAttributes
from service import audit
from service.change_feed import PARTICIPANT
from service.db import new_pseudonyms, participant_frame
from service.operations.participants import record_consent
from service.runtime import Runtime
from service.security import Principal
from service.tables import EditionRow, ParticipantRow, SensitiveRow

SENSITIVE_COLUMNS = ("migrant", "origin_group", "nationality", "gender", "birth_year")
EXPERIENCE_COLUMNS = ("experience_niches", "experience_years")
IMPORTER = Principal(None, "admin", None)  # the command line, run by whoever holds the data dir


class BulkImportError(ValueError):
    """A file or row that cannot be imported (nothing was written)."""


def read_participant_file(
    path: Path, vectors: Path | None
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The rows and (optionally) their vectors, checked for shape."""
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise BulkImportError(f"{path}: not a readable Parquet file ({exc})") from None
    if frame.empty:
        raise BulkImportError(f"{path}: holds no rows")
    array = None
    if vectors is not None:
        try:
            array = np.load(vectors, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise BulkImportError(f"{vectors}: not a readable .npy file ({exc})") from None
        if array.ndim != 2 or len(array) != len(frame):
            raise BulkImportError(
                f"{vectors}: needs one row per participant ({len(frame)}), has shape {array.shape}"
            )
        norms = np.linalg.norm(array[: min(len(array), 1000)], axis=1)
        if not np.allclose(norms, 1.0, atol=1e-3):
            raise BulkImportError(f"{vectors}: vectors must have unit length")
    return frame, array


def _plain(value):
    """Parquet gives lists as numpy arrays and missing values as NaN/None."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def validate_rows(
    frame: pd.DataFrame, progress: Callable[[int], None] = lambda _n: None
) -> tuple[list[ParticipantProfile], list[SensitiveAttributes | None]]:
    """Every row as a validated record; the first bad row raises, naming row and field."""
    profiles, sensitive = [], []
    has_sensitive = any(c in frame.columns for c in SENSITIVE_COLUMNS)
    for number, row in enumerate(frame.to_dict("records"), start=1):
        data = {k: _plain(v) for k, v in row.items() if k != "participant_id"}
        if all(c in data for c in EXPERIENCE_COLUMNS):
            data["experience"] = [
                {"niche": n, "years": y}
                for n, y in zip(*(data.pop(c) or [] for c in EXPERIENCE_COLUMNS), strict=False)
            ]
        if data.get("induction") == "":
            data["induction"] = None
        private = {c: data.pop(c) for c in SENSITIVE_COLUMNS if c in data}
        try:
            profiles.append(ParticipantProfile.model_validate(data))
            sensitive.append(SensitiveAttributes.model_validate(private) if has_sensitive else None)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "row"
            raise BulkImportError(f"row {number}: {field}: {first['msg']}") from None
        if number % 10_000 == 0:
            progress(number)
    return profiles, sensitive


def _ids(runtime: Runtime, session, frame: pd.DataFrame) -> np.ndarray:
    """The rows' ids: their own (unique, not yet taken) or the next free ones."""
    if "participant_id" not in frame.columns:
        start = (session.scalar(select(func.max(ParticipantRow.id))) or 0) + 1
        return np.arange(start, start + len(frame), dtype=np.int64)
    ids = pd.to_numeric(frame["participant_id"], errors="coerce")
    bad = np.flatnonzero(
        ids.isna().to_numpy() | (ids < 1).to_numpy() | (ids > 2**31 - 1).to_numpy()
    )
    if len(bad):
        raise BulkImportError(f"row {bad[0] + 1}: participant_id: must be a whole number ≥ 1")
    ids = ids.to_numpy(np.int64)
    repeated = pd.Series(ids).duplicated().to_numpy()
    if repeated.any():
        raise BulkImportError(
            f"row {np.argmax(repeated) + 1}: participant_id: repeats an earlier row"
        )
    taken = set(
        session.scalars(select(ParticipantRow.id).where(ParticipantRow.id.in_(ids.tolist())))
    )
    if taken:
        row = int(np.flatnonzero(np.isin(ids, list(taken)))[0]) + 1
        raise BulkImportError(f"row {row}: participant_id: {ids[row - 1]} is already registered")
    return ids


def import_participants(
    runtime: Runtime,
    frame: pd.DataFrame,
    vectors: np.ndarray | None,
    say: Callable[[str], None] = lambda _m: None,
) -> int:
    """Validate, then add every row to the engine and the database at once."""
    profiles, private = validate_rows(frame, lambda n: say(f"validated {n:,} rows"))
    with runtime.sessions() as session:
        known = set(session.scalars(select(EditionRow.id)))
        for number, profile in enumerate(profiles, start=1):
            if profile.edition_id not in known:
                raise BulkImportError(
                    f"row {number}: edition_id: {profile.edition_id} does not exist"
                )
        ids = _ids(runtime, session, frame)
        say("writing the records")
        rows = []
        names = new_pseudonyms(len(profiles))
        for pid, profile, attrs, name in zip(ids.tolist(), profiles, private, names, strict=True):
            data = profile.model_dump()
            if data["text_language"] is None:
                data["text_language"] = runtime.matcher.read_text(profile.profile_text).language
            row = ParticipantRow(
                id=pid,
                **data,
                pseudonym=name,
                consent_at=None,
            )
            row.sensitive = SensitiveRow(
                participant_id=pid, **(attrs or SensitiveAttributes()).model_dump()
            )
            rows.append(row)
        session.add_all(rows)
        session.flush()
        for row, profile in zip(rows, profiles, strict=True):
            if profile.consent_share:
                record_consent(session, row, True, profile.consent_version, IMPORTER)
        audit.record(
            session, IMPORTER, "participants.import", f"{len(rows)} participants", commit=False
        )
        say("reading and indexing the records")
        migrant = pd.DataFrame(
            {"participant_id": ids, "migrant": [bool(a and a.migrant) for a in private]}
        )
        matcher = runtime.matcher
        with runtime.feed.local_change(session, PARTICIPANT, ids.tolist()):
            matcher.upsert_participants(
                participant_frame(rows), migrant, persist=False, vectors=vectors
            )
            try:
                session.commit()
            except Exception:
                session.rollback()
                for pid in ids.tolist():
                    matcher.remove_participant(pid, persist=False)
                raise
    say("saving the index")
    matcher.save()
    return len(rows)
