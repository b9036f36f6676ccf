"""The engine's niche suggestions: every participant against the 13 niches.

Features and the explained ranking are built in :mod:`matching.niches`; this module
feeds them the engine's pool and vectors and picks the scorer: the trained niche model
when there is one, the catalogue's evidence otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.domain.results import NicheRanking
from matching.niches import NICHE_FEATURES, catalogue_scores, niche_features, rank_niches
from matching.state import EngineState


def participant_niche_features(engine: EngineState, participant_ids) -> np.ndarray:
    """Every participant against the 13 niches ((n * 13) rows, participant-major)."""
    ids = np.asarray(participant_ids, dtype=np.int64)
    return niche_features(
        engine.pool,
        engine.rows_of(ids),
        engine.index.vectors(ids),
        engine.niche_catalogue_index(),
    )


def niche_scores(engine: EngineState, participant_ids, learned: bool | None) -> np.ndarray:
    """(n, 13) niche scores: the model's chance of success, or catalogue similarity."""
    x = participant_niche_features(engine, participant_ids)
    use_model = engine.niche_model is not None if learned is None else learned
    if use_model:
        proba = engine.niche_model.predict_proba(pd.DataFrame(x, columns=list(NICHE_FEATURES)))
        scores = proba[:, list(engine.niche_model.classes_).index(1)]
    else:
        scores = catalogue_scores(x)
    return scores.reshape(-1, len(engine.catalogue.niches))


def niche_ranking(
    engine: EngineState, participant_id: int, language: str, profile_text: str | None
) -> NicheRanking:
    """The 13 niches ranked for one participant, each with its reasons; with their
    ``profile_text``, the reasons quote the words that point to each niche."""
    row = int(engine.rows_of([participant_id])[0])
    x = participant_niche_features(engine, [participant_id])
    scores = niche_scores(engine, [participant_id], None)[0]
    learned = engine.niche_model is not None
    return rank_niches(
        participant_id,
        row,
        engine.pool,
        x,
        scores,
        "learned" if learned else "similarity",
        engine.niche_model_version,
        engine.catalogue,
        language,
        engine.profiles.read(profile_text) if profile_text else None,
    )
