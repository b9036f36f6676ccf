"""Versioned registry of fitted estimators, stored with skops (never pickle).

``save_estimator`` publishes a new version folder (model file + manifest with the
training-data hash, feature list, library versions and validation metrics) and the
switch to it is one atomic rename. ``load_estimator`` takes the newest version whose
files match their manifest hashes and whose feature list is the one the caller reads
now, and loads it only if every type in the file is on the allow-list below, so a
tampered file cannot run code. A version trained on other features (one saved before a
feature was added) is skipped with a warning naming them: the caller goes on without
it (the engine's rules score, and say why) until a new version is trained.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import skops.io as sio

from models.artefacts import Artefact, ArtefactError, atomic_write_bytes, publish, versions

log = logging.getLogger(__name__)

MODEL_FILE = "model.skops"
DECISION_FILE = "promotion.json"

# Types our estimators are made of that skops does not trust by default.
TRUSTED_PREFIXES: tuple[str, ...] = (
    "models.ranker.",
    "models.signed_logistic.",
    "sklearn.",
    "numpy.",
    "scipy.",
    "builtins.",
    "collections.",
)


def save_estimator(root: Path, kind: str, estimator, manifest: dict) -> Artefact:
    """Publish ``estimator`` as a new version of artefact ``kind`` under ``root``."""
    return publish(root, kind, {MODEL_FILE: lambda path: sio.dump(estimator, path)}, manifest)


def load_estimator(root: Path, kind: str, features: Sequence[str] | None = None):
    """The newest valid estimator of ``kind`` under ``root`` as (estimator, artefact),
    trained on ``features`` (in that order) when they are given.

    Returns None when no such version exists.
    """
    for artefact in versions(root, kind):
        difference = feature_difference(artefact.manifest.get("features"), features)
        if difference:
            log.warning("skipping %s %s: %s", kind, artefact.version, difference)
            continue
        path = artefact.file(MODEL_FILE)
        untrusted = sio.get_untrusted_types(file=path)
        refused = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
        if refused:
            raise ArtefactError(f"{path} contains types that are not allowed: {', '.join(refused)}")
        estimator = sio.load(path, trusted=untrusted)
        difference = feature_difference(getattr(estimator, "feature_names_in_", None), features)
        if difference:
            log.warning("skipping %s %s: %s", kind, artefact.version, difference)
            continue
        return estimator, artefact
    return None


def feature_difference(saved: Sequence[str] | None, wanted: Sequence[str] | None) -> str:
    """Why a model trained on ``saved`` features cannot read ``wanted`` ones ("" when it
    can, or when either list is unknown)."""
    if saved is None or wanted is None or list(saved) == list(wanted):
        return ""
    missing = [f for f in wanted if f not in saved]
    retired = [f for f in saved if f not in wanted]
    parts = [f"it lacks {', '.join(missing)}"] if missing else []
    parts += [f"it reads {', '.join(retired)}, no longer computed"] if retired else []
    return "trained on other features: " + ("; ".join(parts) or "in another order")


def stale_versions(root: Path, kind: str, features: Sequence[str]) -> list[str]:
    """The kept versions of ``kind`` trained on other features than ``features``, each
    as "version (why)", newest first."""
    found = []
    for artefact in versions(root, kind):
        difference = feature_difference(artefact.manifest.get("features"), features)
        if difference:
            found.append(f"{artefact.version} ({difference})")
    return found


def save_decision(root: Path, record: dict) -> None:
    """Keep the latest promotion decision under ``root`` (atomically): a refused model
    is not published, yet the decision and its figures must still be read."""
    root.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(root / DECISION_FILE, json.dumps(record, indent=2).encode())


def read_decision(root: Path) -> dict | None:
    """The latest promotion decision kept under ``root``, or None."""
    path = root / DECISION_FILE
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("unreadable promotion record %s: %s", path, exc)
        return None
