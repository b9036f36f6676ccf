"""Versioned registry of fitted estimators, stored with skops (never pickle).

``save_estimator`` publishes a new version folder (model file + manifest with the
training-data hash, feature list, library versions and validation metrics) and the
switch to it is one atomic rename. ``load_estimator`` takes the newest version whose
files match their manifest hashes, and loads it only if every type in the file is on
the allow-list below, so a tampered file cannot run code.
"""

from __future__ import annotations

import logging
from pathlib import Path

import skops.io as sio

from models.artefacts import Artefact, ArtefactError, latest, publish

log = logging.getLogger(__name__)

MODEL_FILE = "model.skops"

# Types our estimators are made of that skops does not trust by default.
TRUSTED_PREFIXES: tuple[str, ...] = (
    "models.ranker.",
    "sklearn.",
    "numpy.",
    "scipy.",
    "builtins.",
    "collections.",
)


def save_estimator(root: Path, kind: str, estimator, manifest: dict) -> Artefact:
    """Publish ``estimator`` as a new version of artefact ``kind`` under ``root``."""
    return publish(root, kind, {MODEL_FILE: lambda path: sio.dump(estimator, path)}, manifest)


def load_estimator(root: Path, kind: str):
    """The newest valid estimator of ``kind`` under ``root`` as (estimator, artefact).

    Returns None when no valid version exists.
    """
    artefact = latest(root, kind)
    if artefact is None:
        return None
    path = artefact.file(MODEL_FILE)
    untrusted = sio.get_untrusted_types(file=path)
    refused = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
    if refused:
        raise ArtefactError(f"{path} contains types that are not allowed: {', '.join(refused)}")
    return sio.load(path, trusted=untrusted), artefact
