"""The engine's start-up tables on disk: Parquet files in one artefact version.

What they hold and when they may be used is :mod:`service.start_tables`' business; here
they are written (atomically, checksummed, one version kept), read back quickly, and
deleted on an erasure, since they hold the person's profile.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from models.artefacts import latest, publish

KIND = "engine-tables"
FOLDER = "saved-tables"


def save_tables(data_dir: Path, frames: dict[str, pd.DataFrame], manifest: dict) -> None:
    """Replace the saved tables with ``frames`` (name: table) and ``manifest``."""

    def writer(frame: pd.DataFrame) -> Callable[[Path], None]:
        return lambda path: pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)

    writers = {f"{name}.parquet": writer(frame) for name, frame in frames.items()}
    publish(Path(data_dir) / FOLDER, KIND, writers, manifest, keep=1)


def saved_manifest(data_dir: Path) -> tuple[Path, dict] | None:
    """The folder and manifest of the saved tables that verify; None when there are none."""
    artefact = latest(Path(data_dir) / FOLDER, KIND)
    return None if artefact is None else (artefact.path, artefact.manifest)


def read_saved_table(folder: Path, name: str) -> pd.DataFrame:
    """One saved table with its list cells as Python lists, as the database read gives
    them (pandas would make each an array). Strings in lists are read once per
    distinct value, so a million skill lists share a few thousand URI objects."""
    path = folder / f"{name}.parquet"
    schema = pq.read_schema(path)
    listed = {f.name for f in schema if pa.types.is_list(f.type)}
    words = [f"{f.name}.list.element" for f in schema if _lists_strings(f.type)]
    table = pq.read_table(path, read_dictionary=words)
    columns = {}
    for name in table.column_names:
        column = table.column(name).combine_chunks()
        columns[name] = list(_lists(column)) if name in listed else column.to_pandas()
    return pd.DataFrame(columns)


def discard_saved_tables(data_dir: Path | None) -> None:
    """Delete the saved tables (an erasure: they hold the person's profile)."""
    if data_dir is not None:
        shutil.rmtree(Path(data_dir) / FOLDER, ignore_errors=True)


def _lists_strings(kind: pa.DataType) -> bool:
    return pa.types.is_list(kind) and pa.types.is_string(kind.value_type)


def _lists(column: pa.ListArray) -> Iterator[list | None]:
    values = column.flatten()
    if isinstance(values, pa.DictionaryArray):
        values = values.dictionary.to_numpy(zero_copy_only=False)[values.indices.to_numpy()]
    else:
        values = values.to_numpy(zero_copy_only=False)
    offsets = column.offsets.to_numpy().tolist()
    valid = column.is_valid().to_numpy(zero_copy_only=False).tolist()
    for start, end, present in zip(offsets[:-1], offsets[1:], valid, strict=True):
        yield values[start:end].tolist() if present else None
