"""Atomic, versioned artefact folders with a manifest and checksums.

Every artefact (ranker, niche model, FAISS index, embedding cache) is a folder
``<root>/<version>/`` holding its files and ``manifest.json``. A new version is written
into a temporary folder, every file fsynced, and then renamed into place in one
``os.replace``; readers therefore see either the old set or the new one, never a mix.
Loading verifies every file's SHA-256 against the manifest and skips a damaged version.
Nothing is ever pickled.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
PROJECT = "milma-match"
# a half-written version folder older than this was left by a crashed writer
ABANDONED_AFTER_SECONDS = 3600
LIBRARIES = (
    "numpy",
    "scikit-learn",
    "faiss-cpu",
    "sentence-transformers",
    "model2vec",
    "torch",
    "skops",
)


class ArtefactError(RuntimeError):
    """An artefact is missing, damaged, or does not match its manifest."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a single file so that readers never see it half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in (PROJECT, *LIBRARIES):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


@dataclass(frozen=True)
class Artefact:
    """A verified artefact version: its folder and manifest."""

    path: Path
    manifest: dict

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    def file(self, name: str) -> Path:
        return self.path / name


# versions of an artefact kept on disk: a damaged newest one falls back to the one before
KEPT_VERSIONS = 5


def publish(
    root: Path,
    kind: str,
    writers: dict[str, Callable[[Path], None]],
    manifest: dict,
    keep: int = KEPT_VERSIONS,
) -> Artefact:
    """Write a new version of an artefact under ``root`` and return it.

    ``writers`` maps file names to functions that write that file at the given path.
    The manifest gets version, kind, creation time, library versions and file hashes.
    Older versions beyond ``keep`` are removed.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=root))
    try:
        files = {}
        for name, write in writers.items():
            target = tmp / name
            write(target)
            with target.open("rb") as fh:
                os.fsync(fh.fileno())
            files[name] = sha256_file(target)
        digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:8]
        version = f"{now:%Y%m%dT%H%M%S%f}-{digest}"
        full = {
            **manifest,
            "kind": kind,
            "version": version,
            "created_at": now.isoformat(timespec="seconds"),
            "libraries": library_versions(),
            "files": files,
        }
        (tmp / MANIFEST).write_text(
            json.dumps(full, indent=1, default=str) + "\n", encoding="utf-8"
        )
        with (tmp / MANIFEST).open("rb") as fh:
            os.fsync(fh.fileno())
        _fsync(tmp)
        final = root / version
        os.replace(tmp, final)
        _fsync(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(root, keep)
    return Artefact(final, full)


def _versions(root: Path) -> list[Path]:
    if not Path(root).is_dir():
        return []
    return sorted(
        (p for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
        reverse=True,
    )


def _prune(root: Path, keep: int) -> None:
    """Drop versions beyond ``keep``, and folders a crashed writer left half-written
    (only old ones: another process may be writing a version right now)."""
    for old in _versions(root)[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    abandoned = time.time() - ABANDONED_AFTER_SECONDS
    for tmp in Path(root).glob(".new-*"):
        try:
            if tmp.stat().st_mtime < abandoned:
                shutil.rmtree(tmp, ignore_errors=True)
        except FileNotFoundError:  # its writer finished (or gave up) meanwhile
            pass


def verify(path: Path, kind: str | None = None) -> Artefact:
    """Check one version folder against its manifest; raise ArtefactError if it fails."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtefactError(f"{path} has no {MANIFEST}") from None
    except json.JSONDecodeError as exc:
        raise ArtefactError(f"{path / MANIFEST} is not valid JSON ({exc.msg})") from None
    if kind is not None and manifest.get("kind") != kind:
        raise ArtefactError(f"{path} holds a {manifest.get('kind')!r}, not a {kind!r}")
    for name, expected in manifest.get("files", {}).items():
        file = path / name
        if not file.is_file():
            raise ArtefactError(f"{file} is missing")
        if sha256_file(file) != expected:
            raise ArtefactError(f"{file} does not match the hash in its manifest; refusing it")
    written_by = manifest.get("libraries", {}).get(PROJECT)
    mine = library_versions().get(PROJECT)
    if written_by and mine and _version_tuple(written_by) > _version_tuple(mine):
        log.warning("%s was written by %s %s, newer than this %s", path, PROJECT, written_by, mine)
    return Artefact(path, manifest)


def latest(root: Path, kind: str) -> Artefact | None:
    """The newest version under ``root`` that verifies; damaged ones are logged and skipped."""
    for path in _versions(root):
        try:
            return verify(path, kind)
        except ArtefactError as exc:
            log.warning("skipping artefact: %s", exc)
    return None


def newest_manifest(root: Path) -> dict:
    """The newest version's manifest as written, its files not checked (a cheap look
    at what the version says of itself; :func:`latest` is what loads it); {} when there
    is none or it cannot be read."""
    for path in _versions(root):
        try:
            return json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
    return {}


def versions(root: Path, kind: str) -> list[Artefact]:
    """Every kept version under ``root`` that verifies, newest first."""
    kept = []
    for path in _versions(root):
        try:
            kept.append(verify(path, kind))
        except ArtefactError as exc:
            log.warning("skipping artefact: %s", exc)
    return kept
