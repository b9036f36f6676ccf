"""Write and read a programme folder (Parquet tables, manifest, separate truth).

Writing is atomic per folder: tables go to a temporary sibling folder that replaces the
target only when every file is complete and fsynced, so an interrupted run never leaves
a half-written programme behind. Reading checks every file against the manifest's
SHA-256 so a damaged file is reported, not silently used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from training_data.config import GeneratorConfig, Programme
from training_data.outcome_model import HiddenModel
from training_data.schema import TABLES, TRUTH_TABLE, check_columns

MANIFEST = "manifest.json"
TRUTH_DIR = "truth"
FORMAT_VERSION = 1


class DatasetError(ValueError):
    """A programme folder is missing, incomplete or damaged."""


@dataclass
class ProgrammeTables:
    """The observable tables of a programme, as read back from disk."""

    editions: pd.DataFrame
    companies: pd.DataFrame
    challenges: pd.DataFrame
    participants: pd.DataFrame
    sensitive: pd.DataFrame
    outcomes: pd.DataFrame
    manifest: dict


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_parquet(frame: pd.DataFrame, path: Path) -> str:
    frame.to_parquet(path, index=False)
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
    return _sha256(path)


def write_programme(programme: Programme, out: Path) -> Path:
    """Write ``programme`` into folder ``out`` atomically and return it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        files = {}
        for name in TABLES:
            files[f"{name}.parquet"] = _write_parquet(
                getattr(programme, name), tmp / f"{name}.parquet"
            )
        if programme.truth is not None:
            (tmp / TRUTH_DIR).mkdir()
            files[f"{TRUTH_DIR}/pairs.parquet"] = _write_parquet(
                programme.truth, tmp / TRUTH_DIR / "pairs.parquet"
            )
            report = tmp / TRUTH_DIR / MANIFEST
            report.write_text(
                json.dumps(
                    {
                        "hidden_model": programme.config.as_dict()["hidden"],
                        "hiring_bias": programme.config.hiring_bias,
                        "variance": programme.truth_report,
                    },
                    indent=1,
                )
                + "\n",
                encoding="utf-8",
            )
            files[f"{TRUTH_DIR}/{MANIFEST}"] = _sha256(report)
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "generator": programme.config.as_dict(),
            "counts": {name: len(getattr(programme, name)) for name in TABLES},
            "files": files,
        }
        path = tmp / MANIFEST
        path.write_text(json.dumps(manifest, indent=1, default=str) + "\n", encoding="utf-8")
        with path.open("rb") as fh:
            os.fsync(fh.fileno())
        _fsync_dir(tmp)
        if out.exists():
            backup = out.with_name(f".{out.name}-old")
            shutil.rmtree(backup, ignore_errors=True)
            os.replace(out, backup)
            os.replace(tmp, out)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(tmp, out)
        _fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def drop_participants(folder: Path, participant_ids: list[int]) -> int:
    """Rewrite every table of a programme folder that holds rows of ``participant_ids``
    without them (an erasure: the generated people are the programme's source), and the
    manifest's checksums and counts with them. Each file is replaced atomically, the
    manifest last. Returns the rows dropped."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    wanted = pa.array(participant_ids, type=pa.int64())
    dropped = 0
    for relative in [f for f in manifest.get("files", {}) if f.endswith(".parquet")]:
        path = folder / relative
        if "participant_id" not in pq.read_schema(path).names:
            continue
        ids = pq.read_table(path, columns=["participant_id"]).column("participant_id")
        if not pc.any(pc.is_in(ids, value_set=wanted)).as_py():
            continue
        table = pq.read_table(path)
        kept = table.filter(pc.invert(pc.is_in(table.column("participant_id"), value_set=wanted)))
        dropped += table.num_rows - kept.num_rows
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        os.close(fd)
        pq.write_table(kept, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        manifest["files"][relative] = _sha256(path)
        name = relative.removesuffix(".parquet")
        if name in manifest.get("counts", {}):
            manifest["counts"][name] = kept.num_rows
    if dropped:
        fd, tmp = tempfile.mkstemp(prefix=f".{MANIFEST}-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(manifest, indent=1, default=str) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / MANIFEST)
        _fsync_dir(folder)
    return dropped


def read_manifest(folder: Path) -> dict:
    folder = Path(folder)
    path = folder / MANIFEST
    if not folder.is_dir():
        raise DatasetError(f"programme folder {folder} does not exist")
    if not path.is_file():
        raise DatasetError(f"{folder} holds no {MANIFEST}: not a programme folder")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path} is not valid JSON ({exc.msg})") from None


def _read_table(
    folder: Path, relative: str, manifest: dict, columns: dict[str, str]
) -> pd.DataFrame:
    path = folder / relative
    expected = manifest.get("files", {}).get(relative)
    if expected is None or not path.is_file():
        raise DatasetError(f"{path} is missing")
    if _sha256(path) != expected:
        raise DatasetError(f"{path} does not match its checksum in {MANIFEST}: the file is damaged")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for unreadable files
        raise DatasetError(f"{path} cannot be read as Parquet: {exc}") from None
    try:
        check_columns(relative, frame, columns)
    except ValueError as exc:
        raise DatasetError(str(exc)) from None
    for column, kind in columns.items():
        if kind.startswith("list"):
            frame[column] = [list(v) for v in frame[column]]
    return frame


def read_programme(folder: Path) -> ProgrammeTables:
    """Read and verify the observable tables of a programme folder."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    tables = {
        name: _read_table(folder, f"{name}.parquet", manifest, cols)
        for name, cols in TABLES.items()
    }
    return ProgrammeTables(**tables, manifest=manifest)


def read_truth(folder: Path) -> pd.DataFrame:
    """The generator's hidden ground truth. Only the evaluation may call this."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if f"{TRUTH_DIR}/pairs.parquet" not in manifest.get("files", {}):
        raise DatasetError(f"{folder} was generated without ground truth (--no-truth)")
    return _read_table(folder, f"{TRUTH_DIR}/pairs.parquet", manifest, TRUTH_TABLE)


def read_truth_manifest(folder: Path) -> dict:
    """The hidden model's settings and the variance decomposition of the outcomes."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    relative = f"{TRUTH_DIR}/{MANIFEST}"
    path = folder / relative
    expected = manifest.get("files", {}).get(relative)
    if expected is None or not path.is_file():
        raise DatasetError(f"{path} is missing")
    if _sha256(path) != expected:
        raise DatasetError(f"{path} does not match its checksum in {MANIFEST}: the file is damaged")
    return json.loads(path.read_text(encoding="utf-8"))


def config_from_manifest(manifest: dict) -> GeneratorConfig:
    """The generator settings a programme was made with (for reports)."""
    raw = dict(manifest["generator"])
    hidden = raw.pop("hidden", None) or {}
    known = {f.name for f in fields(HiddenModel)}  # a programme made before a weight existed
    raw["hidden"] = HiddenModel(**{k: v for k, v in hidden.items() if k in known})
    raw["start"] = datetime.fromisoformat(raw["start"]).date()
    return GeneratorConfig(**raw)
