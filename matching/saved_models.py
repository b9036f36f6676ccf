"""The trained models saved in a data dir that an engine may use.

A version trained on other features (saved before a feature was added) is skipped, and
so is one trained on another embedding model's text similarities (the data dir's model
changed, see :mod:`matching.embedding_choice`): a similarity means something else
under another model. The rules then score and say why until `milma train` makes a new
version.
"""

from __future__ import annotations

from pathlib import Path

from matching.niches import NICHE_FEATURES, NICHE_KIND
from matching.scoring import RANKER_INPUTS
from models.registry import load_estimator, stale_versions

RANKER_KIND = "outcome-ranker"


def _trained_alike(found: tuple | None, model: str) -> tuple[tuple | None, str | None]:
    """``found`` (estimator, artefact) when it was trained on embedding model ``model``,
    else None and why not."""
    if found is None:
        return None, None
    trained_on = found[1].manifest.get("embedding_model")
    if trained_on in (None, model):
        return found, None
    why = f"trained on the text similarities of {trained_on}, not of {model}"
    return None, f"{found[1].version} ({why})"


def usable_models(root: Path, model: str) -> tuple[tuple | None, tuple | None, list[str]]:
    """The newest usable ranker and niche model under ``root``, each (estimator,
    artefact) or None, and, when no ranker is usable, the saved versions that are not,
    each with why."""
    ranker, unlike = _trained_alike(
        load_estimator(root / "ranker", RANKER_KIND, RANKER_INPUTS), model
    )
    niche, _ = _trained_alike(load_estimator(root / "niches", NICHE_KIND, NICHE_FEATURES), model)
    if ranker is not None:
        return ranker, niche, []
    stale = [unlike] if unlike else stale_versions(root / "ranker", RANKER_KIND, RANKER_INPUTS)
    return ranker, niche, stale
